package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// StaffMember is a person of the staff directory with the roles they hold.
type StaffMember struct {
	Subject string
	Name    string
	Grants  []Grant
}

// PutStaff sets a person's name and roles, replacing the ones held before;
// no grants makes the person inactive (they keep their history).
func (db *DB) PutStaff(ctx context.Context, m StaffMember) error {
	if strings.TrimSpace(m.Subject) == "" || strings.TrimSpace(m.Name) == "" {
		return fmt.Errorf("store: put staff: %w: subject and name are required", ErrInvalid)
	}
	for _, g := range m.Grants {
		if g.Role == "" || !isDivisionCode(g.Division) {
			return fmt.Errorf("store: put staff: %w: bad grant %s:%s", ErrInvalid, g.Role, g.Division)
		}
	}
	now := formatTime(time.Now())
	err := db.inTx(ctx, func(tx runner) error {
		if _, err := tx.exec(ctx, `UPDATE staff SET active = 0, updated_at = ? WHERE subject = ?`, now, m.Subject); err != nil {
			return err
		}
		for _, g := range m.Grants {
			if _, err := tx.exec(ctx, `INSERT INTO staff (subject, name, role, division, active, updated_at) VALUES (?, ?, ?, ?, 1, ?)
ON CONFLICT (subject, role, division) DO UPDATE SET name = excluded.name, active = 1, updated_at = excluded.updated_at`,
				m.Subject, m.Name, g.Role, g.Division, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: put staff: %w", err)
	}
	return nil
}

// Staff returns a person of the directory with their active roles;
// ErrNotFound if the directory does not know them or they hold none.
func (db *DB) Staff(ctx context.Context, subject string) (StaffMember, error) {
	rows, err := db.conn().query(ctx, `SELECT name, role, division FROM staff WHERE subject = ? AND active = 1 ORDER BY role, division`, subject)
	if err != nil {
		return StaffMember{}, fmt.Errorf("store: staff: %w", err)
	}
	defer rows.Close()
	m := StaffMember{Subject: subject}
	for rows.Next() {
		var g Grant
		if err := rows.Scan(&m.Name, &g.Role, &g.Division); err != nil {
			return StaffMember{}, fmt.Errorf("store: staff: %w", err)
		}
		m.Grants = append(m.Grants, g)
	}
	if err := rows.Err(); err != nil {
		return StaffMember{}, fmt.Errorf("store: staff: %w", err)
	}
	if len(m.Grants) == 0 {
		return StaffMember{}, fmt.Errorf("store: staff %s: %w", subject, ErrNotFound)
	}
	return m, nil
}

// NearestHolder walks from office up the jurisdictions (county, prefecture,
// province, nation) and returns the first where someone holds role, or ""
// when the directory knows nobody holding it on that line.
func (db *DB) NearestHolder(ctx context.Context, role, office string) (string, error) {
	if !isDivisionCode(office) {
		return "", fmt.Errorf("store: nearest holder: %w: office %q", ErrInvalid, office)
	}
	for _, d := range ancestry(office) {
		var n int
		if err := db.conn().queryRow(ctx, `SELECT COUNT(*) FROM staff WHERE role = ? AND division = ? AND active = 1`, role, d).Scan(&n); err != nil {
			return "", fmt.Errorf("store: nearest holder: %w", err)
		}
		if n > 0 {
			return d, nil
		}
	}
	return "", nil
}

// ancestry lists a division and the ones above it, nearest first.
func ancestry(d string) []string {
	out := []string{d}
	if d[4:] != "00" {
		out = append(out, d[:4]+"00")
	}
	if d[2:] != "0000" {
		out = append(out, d[:2]+"0000")
	}
	if d != NationwideDivision {
		out = append(out, NationwideDivision)
	}
	return out
}
