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
	return db.listMarked(ctx, pendingCalendarMark, "list pending calendar", f, p)
}

// provisionalMark is how a snapshot shows a period whose last day is
// provisional (the JSON key of Deadline.Provisional and
// ClockState.Provisional, omitempty).
const provisionalMark = `%"provisional":"%`

// ListProvisional returns the open cases within f's jurisdictions with a
// time limit whose last day is provisional, counted for a year without a
// loaded holiday notice (M21), oldest first, and how many there are. Their
// dates may move when the notice is loaded.
func (db *DB) ListProvisional(ctx context.Context, f DueFilter, p Page) ([]CaseSummary, int, error) {
	return db.listMarked(ctx, provisionalMark, "list provisional", f, p)
}

// listMarked lists the open cases whose state snapshot matches mark.
func (db *DB) listMarked(ctx context.Context, mark, what string, f DueFilter, p Page) ([]CaseSummary, int, error) {
	p = p.normalize()
	if len(f.Divisions) == 0 {
		return nil, 0, fmt.Errorf("store: %s: %w: no jurisdiction", what, ErrInvalid)
	}
	conds := []string{`status = 'open'`, `state LIKE ?`}
	args := []any{mark}
	conds, args, err := f.scope(conds, args)
	if err != nil {
		return nil, 0, fmt.Errorf("store: %s: %w", what, err)
	}
	where := strings.Join(conds, " AND ")
	cs, total, err := db.list(ctx, listQuery{
		countSQL: `SELECT COUNT(*) FROM cases WHERE ` + where, countArgs: args,
		pageSQL:  `SELECT ` + caseColumns + ` FROM cases WHERE ` + where + ` ORDER BY submitted_at, id LIMIT ? OFFSET ?`,
		pageArgs: args,
	}, p)
	if err != nil {
		return nil, 0, fmt.Errorf("store: %s: %w", what, err)
	}
	return cs, total, nil
}
