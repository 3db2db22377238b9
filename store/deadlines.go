package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// DueFilter selects the open cases supervision watches: those whose
// nearest time limit ends before Before, in the given jurisdictions.
type DueFilter struct {
	Divisions []string  // case offices within any of these (000000 = all)
	Before    time.Time // due_at strictly before this instant
	Procedure string    // optional
	Office    string    // optional exact office
}

// DueCount is the number of overdue and near-due cases of one office and
// procedure.
type DueCount struct {
	Office    string
	Procedure string
	Overdue   int
	NearDue   int
}

func (f DueFilter) where() (string, []any, error) {
	if len(f.Divisions) == 0 {
		return "", nil, fmt.Errorf("%w: no jurisdiction", ErrInvalid)
	}
	// The literal status = 'open' lets the planner use partial indexes.
	conds := []string{`status = 'open'`, `due_at IS NOT NULL`, `due_order < ?`}
	args := []any{formatTime(f.Before)}
	conds, args, err := f.scope(conds, args)
	if err != nil {
		return "", nil, err
	}
	return strings.Join(conds, " AND "), args, nil
}

// divisionPrefix is the code prefix every division within d starts with.
func divisionPrefix(d string) string {
	switch {
	case d == NationwideDivision:
		return ""
	case d[2:] == "0000":
		return d[:2]
	case d[4:] == "00":
		return d[:4]
	default:
		return d
	}
}

// ListDue returns the open cases due before f.Before, the earliest first,
// with the number of overdue (due before now) and near-due cases per office
// and procedure.
func (db *DB) ListDue(ctx context.Context, f DueFilter, now time.Time, p Page) ([]CaseSummary, []DueCount, int, error) {
	p = p.normalize()
	where, args, err := f.where()
	if err != nil {
		return nil, nil, 0, fmt.Errorf("store: list due: %w", err)
	}
	cs, total, err := db.list(ctx, listQuery{
		countSQL:  `SELECT COUNT(*) FROM cases WHERE ` + where,
		countArgs: args,
		pageSQL:   `SELECT ` + caseColumns + ` FROM cases WHERE ` + where + ` ORDER BY due_order, submitted_at, id LIMIT ? OFFSET ?`,
		pageArgs:  args,
	}, p)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("store: list due: %w", err)
	}
	var counts []DueCount
	err = db.inReadTx(ctx, func(r runner) error {
		rows, err := r.query(ctx, `SELECT office, procedure_id,
			SUM(CASE WHEN due_order < ? THEN 1 ELSE 0 END), SUM(CASE WHEN due_order >= ? THEN 1 ELSE 0 END)
			FROM cases WHERE `+where+` GROUP BY office, procedure_id ORDER BY office, procedure_id`,
			append([]any{formatTime(now), formatTime(now)}, args...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c DueCount
			if err := rows.Scan(&c.Office, &c.Procedure, &c.Overdue, &c.NearDue); err != nil {
				return err
			}
			counts = append(counts, c)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, nil, 0, fmt.Errorf("store: count due: %w", err)
	}
	return cs, counts, total, nil
}

// scope adds f's jurisdictions, procedure and office to a query's
// conditions; the deadline watch and the pending-calendar list share it.
func (f DueFilter) scope(conds []string, args []any) ([]string, []any, error) {
	var scopes []string
	for _, d := range f.Divisions {
		if !isDivisionCode(d) {
			return nil, nil, fmt.Errorf("%w: division %q is not a six-digit code", ErrInvalid, d)
		}
		p := divisionPrefix(d)
		if p == "" {
			scopes = nil
			break
		}
		scopes = append(scopes, `office LIKE ?`)
		args = append(args, p+"%")
	}
	if len(scopes) > 0 {
		conds = append(conds, "("+strings.Join(scopes, " OR ")+")")
	}
	if f.Procedure != "" {
		conds = append(conds, `procedure_id = ?`)
		args = append(args, f.Procedure)
	}
	if f.Office != "" {
		conds = append(conds, `office = ?`)
		args = append(args, f.Office)
	}
	return conds, args, nil
}
