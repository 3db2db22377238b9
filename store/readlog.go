package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// ReadLogEntry records that someone read personal data of a case: who (as
// authenticated, with the roles they held), when, which case, through which
// operation and which parts of it.
type ReadLogEntry struct {
	ID      int64
	At      time.Time
	Subject string
	Name    string
	// Roles are the grants held, as "role:division".
	Roles []string
	// CaseID is the case read; empty for an export of a range of entries.
	CaseID string
	// Office is the case's office, or the division of a range export.
	Office string
	// Operation is the API operation that returned the data.
	Operation string
	// Fields name the parts returned, e.g. parties, application, documents.
	Fields []string
}

// LogRead records one read. It is a write: callers log before they answer,
// so that no read goes unrecorded.
func (db *DB) LogRead(ctx context.Context, e ReadLogEntry) error {
	if e.Subject == "" || e.Operation == "" || (e.CaseID == "" && e.Office == "") {
		return fmt.Errorf("store: log read: %w: subject, operation and a case or office are required", ErrInvalid)
	}
	_, err := db.conn().exec(ctx, `INSERT INTO read_log (at, subject, name, roles, case_id, office, operation, fields)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, formatTime(e.At), e.Subject, e.Name, strings.Join(e.Roles, ","), e.CaseID,
		e.Office, e.Operation, strings.Join(e.Fields, ","))
	if err != nil {
		return fmt.Errorf("store: log read of %s by %s: %w", e.CaseID, e.Subject, err)
	}
	return nil
}

// ReadLogFilter selects reads: those of one case, or within a division's
// jurisdiction (by the case's office), optionally by one subject.
type ReadLogFilter struct {
	CaseID   string
	Division string
	Subject  string
}

// ListReads returns the matching reads, newest first, and their total.
func (db *DB) ListReads(ctx context.Context, f ReadLogFilter, p Page) ([]ReadLogEntry, int, error) {
	p = p.normalize()
	var (
		conds []string
		args  []any
	)
	if f.CaseID != "" {
		conds, args = append(conds, `case_id = ?`), append(args, f.CaseID)
	}
	if f.Division != "" {
		lo, hi, ok := officeRange(f.Division)
		if !ok {
			return nil, 0, fmt.Errorf("store: list reads: %w: division %q is not a six-digit code", ErrInvalid, f.Division)
		}
		if lo != "" {
			conds, args = append(conds, `office >= ? AND office < ?`), append(args, lo, hi)
		}
	}
	if f.Subject != "" {
		conds, args = append(conds, `subject = ?`), append(args, f.Subject)
	}
	where := ""
	if len(conds) > 0 {
		where = ` WHERE ` + strings.Join(conds, ` AND `)
	}
	var (
		out   []ReadLogEntry
		total int
	)
	err := db.inReadTx(ctx, func(r runner) error {
		if err := r.queryRow(ctx, `SELECT COUNT(*) FROM read_log`+where, args...).Scan(&total); err != nil {
			return err
		}
		rows, err := r.query(ctx, `SELECT id, at, subject, name, roles, case_id, office, operation, fields FROM read_log`+
			where+` ORDER BY at DESC, id DESC LIMIT ? OFFSET ?`, append(args, p.Limit, p.Offset)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				e                 ReadLogEntry
				at, roles, fields string
			)
			if err := rows.Scan(&e.ID, &at, &e.Subject, &e.Name, &roles, &e.CaseID, &e.Office, &e.Operation, &fields); err != nil {
				return err
			}
			if e.At, err = parseTime(at); err != nil {
				return err
			}
			e.Roles, e.Fields = splitList(roles), splitList(fields)
			out = append(out, e)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, 0, fmt.Errorf("store: list reads: %w", err)
	}
	return out, total, nil
}

// splitList splits a comma-joined list, "" being the empty list.
func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}
