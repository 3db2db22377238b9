package store

import (
	"context"
	"fmt"
)

// StaffStanding is what the directory says about a subject at this moment:
// whether it has ever listed them, and the grants they hold now (none once
// they were removed or deactivated). Authentication asks it on every
// request, so a change made by any process sharing the database applies at
// once.
func (db *DB) StaffStanding(ctx context.Context, subject string) (listed bool, grants []Grant, err error) {
	rows, err := db.conn().query(ctx, `SELECT role, division, active FROM staff WHERE subject = ? ORDER BY role, division`, subject)
	if err != nil {
		return false, nil, fmt.Errorf("store: staff standing: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var g Grant
		var active bool
		if err := rows.Scan(&g.Role, &g.Division, &active); err != nil {
			return false, nil, fmt.Errorf("store: staff standing: %w", err)
		}
		listed = true
		if active {
			grants = append(grants, g)
		}
	}
	if err := rows.Err(); err != nil {
		return false, nil, fmt.Errorf("store: staff standing: %w", err)
	}
	return listed, grants, nil
}
