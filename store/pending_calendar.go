package store

import (
	"context"
	"fmt"
	"strings"
)

// pendingCalendarMark is how a case state snapshot shows a period that
// cannot be counted yet: the JSON key of workflows' Deadline and
// ClockState, present only when set (omitempty). A form field of that name
// could only make a case show up here too, which errs on the side of
// attention.
const pendingCalendarMark = `%"pendingCalendar":"%`

// ListPendingCalendar returns the open cases within f's jurisdictions
// (Before is ignored) with a time limit that waits for a year of holiday
// data, oldest first, and how many there are. They have no due date for
// that limit, so the deadline watch cannot list them by date.
func (db *DB) ListPendingCalendar(ctx context.Context, f DueFilter, p Page) ([]CaseSummary, int, error) {
	p = p.normalize()
	if len(f.Divisions) == 0 {
		return nil, 0, fmt.Errorf("store: list pending calendar: %w: no jurisdiction", ErrInvalid)
	}
	conds := []string{`status = 'open'`, `state LIKE ?`}
	args := []any{pendingCalendarMark}
	conds, args, err := f.scope(conds, args)
	if err != nil {
		return nil, 0, fmt.Errorf("store: list pending calendar: %w", err)
	}
	where := strings.Join(conds, " AND ")
	cs, total, err := db.list(ctx, listQuery{
		countSQL: `SELECT COUNT(*) FROM cases WHERE ` + where, countArgs: args,
		pageSQL:  `SELECT ` + caseColumns + ` FROM cases WHERE ` + where + ` ORDER BY submitted_at, id LIMIT ? OFFSET ?`,
		pageArgs: args,
	}, p)
	if err != nil {
		return nil, 0, fmt.Errorf("store: list pending calendar: %w", err)
	}
	return cs, total, nil
}
