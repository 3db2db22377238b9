package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Reader is a person a case was copied to (抄送).
type Reader struct {
	Subject string
	Name    string
	// By is the subject of who copied the case, At when.
	By string
	At time.Time
}

// TaskState is who holds a case's current task and whom the case was
// copied to, as the workflow's state says after a transition.
type TaskState struct {
	// Holder is the subject holding the task (claimed, transferred or
	// delegated), "" while it waits in its role's pool or there is none.
	Holder  string
	Readers []Reader
}

// SetTaskState records the task holder and readers of a case as of
// transition seq. It writes only while the stored summary is at seq, so a
// retry rewrites the same values and a delayed call changes nothing once a
// later transition is recorded (that one records its own). The case must
// exist (ApplyTransition first); otherwise ErrNotFound.
func (db *DB) SetTaskState(ctx context.Context, caseID string, seq int64, ts TaskState) error {
	err := db.inTx(ctx, func(tx runner) error {
		res, err := tx.exec(ctx, `UPDATE cases SET task_holder = ? WHERE id = ? AND seq = ?`, ts.Holder, caseID, seq)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n == 0 {
			var stored int64
			err := tx.queryRow(ctx, `SELECT seq FROM cases WHERE id = ?`, caseID).Scan(&stored)
			if errors.Is(err, sql.ErrNoRows) {
				return ErrNotFound
			}
			if err != nil {
				return err
			}
			if stored < seq {
				return fmt.Errorf("%w: transition %d is not recorded yet (stored %d)", ErrInvalid, seq, stored)
			}
			return nil // outdated: a later transition wrote its own state
		}
		if _, err := tx.exec(ctx, `DELETE FROM case_readers WHERE case_id = ?`, caseID); err != nil {
			return err
		}
		seen := make(map[string]bool, len(ts.Readers))
		for _, r := range ts.Readers {
			if r.Subject == "" || seen[r.Subject] {
				continue
			}
			seen[r.Subject] = true
			if _, err := tx.exec(ctx, `INSERT INTO case_readers (case_id, subject, name, copied_by, copied_at) VALUES (?, ?, ?, ?, ?)`,
				caseID, r.Subject, r.Name, r.By, formatTime(r.At)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: set task state of %s/%d: %w", caseID, seq, err)
	}
	return nil
}

// IsReader reports whether the case was copied to subject.
func (db *DB) IsReader(ctx context.Context, caseID, subject string) (bool, error) {
	var n int
	if err := db.conn().queryRow(ctx, `SELECT COUNT(*) FROM case_readers WHERE case_id = ? AND subject = ?`,
		caseID, subject).Scan(&n); err != nil {
		return false, fmt.Errorf("store: is reader of %s: %w", caseID, err)
	}
	return n > 0, nil
}

// Readers returns the people a case was copied to, in the order copied.
func (db *DB) Readers(ctx context.Context, caseID string) ([]Reader, error) {
	rows, err := db.conn().query(ctx, `SELECT subject, name, copied_by, copied_at FROM case_readers WHERE case_id = ?
ORDER BY copied_at, subject`, caseID)
	if err != nil {
		return nil, fmt.Errorf("store: readers of %s: %w", caseID, err)
	}
	defer rows.Close()
	var out []Reader
	for rows.Next() {
		var (
			r  Reader
			at string
		)
		if err := rows.Scan(&r.Subject, &r.Name, &r.By, &at); err != nil {
			return nil, fmt.Errorf("store: readers of %s: %w", caseID, err)
		}
		if r.At, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("store: readers of %s: %w", caseID, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: readers of %s: %w", caseID, err)
	}
	return out, nil
}

// Sort orders of the task lists.
const (
	// SortDue: nearest deadline first, cases without one last (first when
	// descending), then by submission.
	SortDue = "due"
	// SortSubmitted: by submission time, oldest first.
	SortSubmitted = "submitted"
)

// TaskFilter narrows and orders a task list. The zero value lists every
// case of the list by deadline, nearest first.
type TaskFilter struct {
	// Procedure and Stage keep the cases of that procedure ID and stage ID.
	Procedure string
	Stage     string
	// Office keeps the cases handled by that office or, for a PP0000 or
	// PPCC00 code, by any office of that province or prefecture. A to-do
	// list never goes beyond the person's jurisdictions whatever it says.
	Office string
	// DueBefore keeps the cases whose deadline is before it; cases without
	// a deadline are left out.
	DueBefore *time.Time
	// Text keeps the cases whose ID or title contains it, ignoring ASCII case.
	Text string
	// Sort is SortDue ("" too) or SortSubmitted.
	Sort       string
	Descending bool
}

// TaskItem is one row of a task list: the case (parties loaded, no state)
// and who holds its current task ("" for its role's pool).
type TaskItem struct {
	CaseSummary
	Holder string
}

// taskColumns are what a task list selects: the summary's and the holder.
const taskColumns = caseColumns + `, task_holder`

// check validates the filter.
func (f TaskFilter) check() error {
	if f.Sort != "" && f.Sort != SortDue && f.Sort != SortSubmitted {
		return fmt.Errorf("%w: sort %q is neither %q nor %q", ErrInvalid, f.Sort, SortDue, SortSubmitted)
	}
	if f.Office != "" && !isDivisionCode(f.Office) {
		return fmt.Errorf("%w: office %q is not a six-digit code", ErrInvalid, f.Office)
	}
	return nil
}

// order is the ORDER BY list of the filter's sort.
func (f TaskFilter) order() string {
	cols := []string{"due_order", "submitted_at", "id"}
	if f.Sort == SortSubmitted {
		cols = cols[1:]
	}
	if f.Descending {
		for i := range cols {
			cols[i] += " DESC"
		}
	}
	return strings.Join(cols, ", ")
}

// conditions returns the filter's conditions on table cases (each
// starting with " AND "), and their arguments. withOffice is false where
// the office condition is known to hold already.
func (f TaskFilter) conditions(withOffice bool) (string, []any) {
	var (
		b    strings.Builder
		args []any
	)
	if f.Procedure != "" {
		b.WriteString(` AND procedure_id = ?`)
		args = append(args, f.Procedure)
	}
	if f.Stage != "" {
		b.WriteString(` AND stage = ?`)
		args = append(args, f.Stage)
	}
	if withOffice && f.Office != "" {
		// Validated by check; lo is "" for nationwide, which needs nothing.
		if lo, hi, _ := officeRange(f.Office); lo != "" {
			if f.Office[4:] != "00" {
				b.WriteString(` AND office = ?`)
				args = append(args, f.Office)
			} else {
				b.WriteString(` AND office >= ? AND office < ?`)
				args = append(args, lo, hi)
			}
		}
	}
	if f.DueBefore != nil {
		// The no-deadline sentinel sorts after every real time, so this
		// also leaves out cases without a deadline.
		b.WriteString(` AND due_order < ?`)
		args = append(args, formatTime(*f.DueBefore))
	}
	if f.Text != "" {
		b.WriteString(` AND (id LIKE ? ESCAPE '\' OR lower(title) LIKE ? ESCAPE '\')`)
		pattern := "%" + escapeLike(f.Text) + "%"
		args = append(args, strings.ToUpper(pattern), strings.ToLower(pattern))
	}
	return b.String(), args
}

// escapeLike escapes the LIKE wildcards of s (with \ as escape character),
// so that text is matched literally.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// poolBranch is the condition selecting one grant's unclaimed open tasks,
// matching the leading columns of a cases_todo_* index.
func poolBranch(g Grant) (string, []any) {
	// status = 'open' is a literal so that the partial indexes apply.
	const pool = `status = 'open' AND waiting_role = ? AND task_holder = ''`
	d := g.Division
	switch {
	case d == NationwideDivision:
		return pool, []any{g.Role}
	case d[2:] == "0000":
		return pool + ` AND waiting_province = ?`, []any{g.Role, d[:2]}
	case d[4:] == "00":
		return pool + ` AND waiting_city = ?`, []any{g.Role, d[:4]}
	default:
		return pool + ` AND waiting_office = ?`, []any{g.Role, d}
	}
}

// heldBranch is the condition selecting the open tasks subject holds.
func heldBranch(subject string) (string, []any) {
	// task_holder <> '' is implied by the equality, but the planner needs it
	// spelled out to use the partial index cases_held.
	return `status = 'open' AND task_holder <> '' AND task_holder = ?`, []any{subject}
}

// ListToDo returns a person's to-do list and its total: the open tasks
// waiting, unclaimed, for a role the person holds in a jurisdiction
// covering the task's office (a grant at PP0000 covers codes starting with PP,
// at PPCC00 those starting with PPCC, at 000000 all), and the
// open tasks the person holds whatever their grants (claimed, transferred
// or delegated to them). A task someone else holds is in nobody else's list.
func (db *DB) ListToDo(ctx context.Context, subject string, grants []Grant, f TaskFilter, p Page) ([]TaskItem, int, error) {
	p = p.normalize()
	q, err := todoQuery(subject, grants, f, p)
	if err != nil {
		return nil, 0, fmt.Errorf("store: list to-do: %w", err)
	}
	if q.countSQL == "" {
		return nil, 0, nil
	}
	items, total, err := db.taskList(ctx, q, p)
	if err != nil {
		return nil, 0, fmt.Errorf("store: list to-do: %w", err)
	}
	return items, total, nil
}

// todoQuery builds the to-do queries; a zero listQuery if nothing can
// match.
//
// Every branch selects a set of cases disjoint from the
// others': the pool branches after normalizeGrants, and the held branch
// (task_holder = subject) from the pool branches (empty task_holder). So
// the total is the sum of the branch counts and the page is the first
// Offset+Limit rows of each branch, read in order from its index, ordered
// together.
func todoQuery(subject string, grants []Grant, f TaskFilter, p Page) (listQuery, error) {
	if err := f.check(); err != nil {
		return listQuery{}, err
	}
	gs, err := normalizeGrants(grants)
	if err != nil {
		return listQuery{}, err
	}
	type branch struct {
		cond string
		args []any
	}
	var bs []branch
	for _, g := range gs {
		withOffice := false
		if f.Office != "" {
			switch {
			case covers(f.Office, g.Division):
				// Every office within the grant is within the filter.
			case covers(g.Division, f.Office):
				withOffice = true
			default:
				// A task's office is its case's office or one above it
				// (a higher level, or raised for want of holders), so a
				// grant covering the task covers its case: none of this
				// grant's cases lies in a disjoint jurisdiction.
				continue
			}
		}
		cond, args := poolBranch(g)
		more, moreArgs := f.conditions(withOffice)
		bs = append(bs, branch{cond + more, append(args, moreArgs...)})
	}
	if subject != "" {
		cond, args := heldBranch(subject)
		more, moreArgs := f.conditions(true)
		bs = append(bs, branch{cond + more, append(args, moreArgs...)})
	}
	if len(bs) == 0 {
		return listQuery{}, nil
	}
	order := f.order()
	if len(bs) == 1 {
		return listQuery{
			countSQL:  `SELECT COUNT(*) FROM cases WHERE ` + bs[0].cond,
			countArgs: bs[0].args,
			pageSQL:   `SELECT ` + taskColumns + ` FROM cases WHERE ` + bs[0].cond + ` ORDER BY ` + order + ` LIMIT ? OFFSET ?`,
			pageArgs:  bs[0].args,
		}, nil
	}
	var q listQuery
	counts := make([]string, len(bs))
	selects := make([]string, len(bs))
	for i, b := range bs {
		counts[i] = `(SELECT COUNT(*) FROM cases WHERE ` + b.cond + `)`
		q.countArgs = append(q.countArgs, b.args...)
		// A derived table per branch, so each has its own ORDER BY and LIMIT.
		selects[i] = fmt.Sprintf(`SELECT %s, due_order FROM (SELECT %s, due_order FROM cases WHERE %s ORDER BY %s LIMIT ?) b%d`,
			taskColumns, taskColumns, b.cond, order, i)
		q.pageArgs = append(q.pageArgs, b.args...)
		q.pageArgs = append(q.pageArgs, p.Offset+p.Limit)
	}
	q.countSQL = `SELECT ` + strings.Join(counts, ` + `)
	q.pageSQL = `SELECT ` + taskColumns + ` FROM (` + strings.Join(selects, ` UNION ALL `) + `) c ORDER BY ` + order + ` LIMIT ? OFFSET ?`
	return q, nil
}

// doneCases selects the cases subject acted on. Taking a task from the
// pool or putting it back is not working on it, and a party's own steps
// (submitting, withdrawing, urging) belong to "my applications".
const doneCases = `id IN (SELECT case_id FROM audit_entries WHERE actor_subject = ?
AND role <> 'applicant' AND action NOT IN ('submit', 'claim', 'release'))`

// ListDone returns the cases subject acted on (open or closed), and their
// total.
func (db *DB) ListDone(ctx context.Context, subject string, f TaskFilter, p Page) ([]TaskItem, int, error) {
	items, total, err := db.listOf(ctx, doneCases, subject, f, p)
	if err != nil {
		return nil, 0, fmt.Errorf("store: list done by %s: %w", subject, err)
	}
	return items, total, nil
}

// ListCopied returns the cases copied to subject (open or closed), and
// their total.
func (db *DB) ListCopied(ctx context.Context, subject string, f TaskFilter, p Page) ([]TaskItem, int, error) {
	items, total, err := db.listOf(ctx, `id IN (SELECT case_id FROM case_readers WHERE subject = ?)`, subject, f, p)
	if err != nil {
		return nil, 0, fmt.Errorf("store: list copied to %s: %w", subject, err)
	}
	return items, total, nil
}

// listOf lists the cases selected by cond (one placeholder, for subject),
// filtered and ordered by f. A person's own lists are small next to the
// pool, so their matches are sorted rather than read from an order index.
func (db *DB) listOf(ctx context.Context, cond, subject string, f TaskFilter, p Page) ([]TaskItem, int, error) {
	if err := f.check(); err != nil {
		return nil, 0, err
	}
	if subject == "" {
		return nil, 0, nil
	}
	p = p.normalize()
	more, args := f.conditions(true)
	args = append([]any{subject}, args...)
	where := ` FROM cases WHERE ` + cond + more
	return db.taskList(ctx, listQuery{
		countSQL:  `SELECT COUNT(*)` + where,
		countArgs: args,
		pageSQL:   `SELECT ` + taskColumns + where + ` ORDER BY ` + f.order() + ` LIMIT ? OFFSET ?`,
		pageArgs:  args,
	}, p)
}

// taskList runs q like list does, for rows of taskColumns (the summary's
// columns, then the holder).
func (db *DB) taskList(ctx context.Context, q listQuery, p Page) ([]TaskItem, int, error) {
	var holder string
	cs, holders, total, err := db.listWith(ctx, q, p, &holder)
	if err != nil {
		return nil, 0, err
	}
	out := make([]TaskItem, len(cs))
	for i := range cs {
		out[i] = TaskItem{CaseSummary: cs[i], Holder: holders[i]}
	}
	return out, total, nil
}
