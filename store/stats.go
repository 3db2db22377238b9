package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// ReasonOpinion is the reason id of grounds stated by the deciding officer
// in an opinion, rather than a failed automated check.
const ReasonOpinion = "opinion"

// refusalOutcomes are the outcomes whose grounds supervision counts.
var refusalOutcomes = []string{"refused", "not-accepted"}

// encodeReasons stores reason ids as a JSON array.
func encodeReasons(rs []string) string {
	if len(rs) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(rs) // a []string always encodes
	return string(b)
}

// decodeReasons reads the stored array; none is nil, as it was written.
func decodeReasons(s string) ([]string, error) {
	if s == "" || s == "[]" {
		return nil, nil
	}
	var rs []string
	if err := json.Unmarshal([]byte(s), &rs); err != nil {
		return nil, fmt.Errorf("bad stored reasons %q: %w", s, err)
	}
	return rs, nil
}

// StatsFilter selects the cases a supervision view counts: those handled by
// an office within Division and submitted in [From, To) (a zero bound is
// open). Now is the moment against which deadlines count as overdue.
type StatsFilter struct {
	Division string
	From, To time.Time
	Now      time.Time
}

// ProcedureCount counts the cases of one procedure.
type ProcedureCount struct {
	ProcedureID string
	Title       string
	Total       int
	Open        int
	Closed      int
}

// StageCount counts the open cases at one stage of a procedure.
type StageCount struct {
	ProcedureID string
	Stage       string
	StageTitle  string
	Open        int
}

// OfficeCount counts the cases of one office; Overdue are the open ones
// past their current deadline, OldestDue the earliest such deadline.
type OfficeCount struct {
	Office    string
	Total     int
	Open      int
	Closed    int
	Overdue   int
	OldestDue *time.Time
}

// OutcomeCount counts the closed cases with one outcome.
type OutcomeCount struct {
	Outcome string
	Count   int
}

// ReasonCount counts the refused or not-accepted cases citing one reason.
type ReasonCount struct {
	Reason string
	Count  int
}

// ClosedCase is when one closed case was received and closed, for
// processing-time figures.
type ClosedCase struct {
	ProcedureID string
	SubmittedAt time.Time
	ClosedAt    time.Time
}

// CaseStats are the counts behind the supervision views.
type CaseStats struct {
	ByProcedure []ProcedureCount
	ByStage     []StageCount
	ByOffice    []OfficeCount
	ByOutcome   []OutcomeCount
	Refusals    []ReasonCount
	Closed      []ClosedCase
}

// CaseStats counts the cases selected by f, from one consistent snapshot.
func (db *DB) CaseStats(ctx context.Context, f StatsFilter) (CaseStats, error) {
	lo, hi, ok := officeRange(f.Division)
	if !ok {
		return CaseStats{}, fmt.Errorf("store: case stats: %w: division %q is not a six-digit code", ErrInvalid, f.Division)
	}
	var (
		conds []string
		args  []any
	)
	if lo != "" {
		conds, args = append(conds, `office >= ? AND office < ?`), append(args, lo, hi)
	}
	if !f.From.IsZero() {
		conds, args = append(conds, `submitted_at >= ?`), append(args, formatTime(f.From))
	}
	if !f.To.IsZero() {
		conds, args = append(conds, `submitted_at < ?`), append(args, formatTime(f.To))
	}
	where := func(extra ...string) string {
		all := append(slices.Clone(conds), extra...)
		if len(all) == 0 {
			return ""
		}
		return ` WHERE ` + strings.Join(all, ` AND `)
	}
	now := formatTime(f.Now)
	var st CaseStats
	err := db.inReadTx(ctx, func(r runner) error {
		err := scanAll(ctx, r, `SELECT procedure_id, MAX(title), COUNT(*),
SUM(CASE WHEN status = 'open' THEN 1 ELSE 0 END) FROM cases`+where()+` GROUP BY procedure_id ORDER BY procedure_id`,
			args, func(s scanner) error {
				var c ProcedureCount
				if err := s.Scan(&c.ProcedureID, &c.Title, &c.Total, &c.Open); err != nil {
					return err
				}
				c.Closed = c.Total - c.Open
				st.ByProcedure = append(st.ByProcedure, c)
				return nil
			})
		if err != nil {
			return fmt.Errorf("by procedure: %w", err)
		}
		err = scanAll(ctx, r, `SELECT procedure_id, stage, MAX(stage_title), COUNT(*) FROM cases`+
			where(`status = 'open'`)+` GROUP BY procedure_id, stage ORDER BY procedure_id, stage`,
			args, func(s scanner) error {
				var c StageCount
				if err := s.Scan(&c.ProcedureID, &c.Stage, &c.StageTitle, &c.Open); err != nil {
					return err
				}
				st.ByStage = append(st.ByStage, c)
				return nil
			})
		if err != nil {
			return fmt.Errorf("by stage: %w", err)
		}
		err = scanAll(ctx, r, `SELECT office, COUNT(*), SUM(CASE WHEN status = 'open' THEN 1 ELSE 0 END),
SUM(CASE WHEN status = 'open' AND due_at < ? THEN 1 ELSE 0 END),
MIN(CASE WHEN status = 'open' AND due_at < ? THEN due_at END) FROM cases`+where()+` GROUP BY office ORDER BY office`,
			append([]any{now, now}, args...), func(s scanner) error {
				var (
					c      OfficeCount
					oldest sql.NullString
				)
				if err := s.Scan(&c.Office, &c.Total, &c.Open, &c.Overdue, &oldest); err != nil {
					return err
				}
				c.Closed = c.Total - c.Open
				if oldest.Valid {
					t, err := parseTime(oldest.String)
					if err != nil {
						return err
					}
					c.OldestDue = &t
				}
				st.ByOffice = append(st.ByOffice, c)
				return nil
			})
		if err != nil {
			return fmt.Errorf("by office: %w", err)
		}
		err = scanAll(ctx, r, `SELECT outcome, COUNT(*) FROM cases`+where(`status = 'closed'`)+
			` GROUP BY outcome ORDER BY outcome`, args, func(s scanner) error {
			var c OutcomeCount
			if err := s.Scan(&c.Outcome, &c.Count); err != nil {
				return err
			}
			st.ByOutcome = append(st.ByOutcome, c)
			return nil
		})
		if err != nil {
			return fmt.Errorf("by outcome: %w", err)
		}
		reasons := map[string]int{}
		err = scanAll(ctx, r, `SELECT reasons FROM cases`+
			where(`status = 'closed'`, `outcome IN (`+placeholders(len(refusalOutcomes))+`)`),
			append(slices.Clone(args), anys(refusalOutcomes)...), func(s scanner) error {
				var text string
				if err := s.Scan(&text); err != nil {
					return err
				}
				rs, err := decodeReasons(text)
				if err != nil {
					return err
				}
				for _, reason := range rs {
					reasons[reason]++
				}
				return nil
			})
		if err != nil {
			return fmt.Errorf("refusals: %w", err)
		}
		for reason, n := range reasons {
			st.Refusals = append(st.Refusals, ReasonCount{Reason: reason, Count: n})
		}
		slices.SortFunc(st.Refusals, func(a, b ReasonCount) int {
			if a.Count != b.Count {
				return b.Count - a.Count
			}
			return strings.Compare(a.Reason, b.Reason)
		})
		err = scanAll(ctx, r, `SELECT procedure_id, submitted_at, updated_at FROM cases`+where(`status = 'closed'`)+
			` ORDER BY procedure_id`, args, func(s scanner) error {
			var (
				c         ClosedCase
				sub, done string
				err       error
			)
			if err := s.Scan(&c.ProcedureID, &sub, &done); err != nil {
				return err
			}
			if c.SubmittedAt, err = parseTime(sub); err != nil {
				return err
			}
			if c.ClosedAt, err = parseTime(done); err != nil {
				return err
			}
			st.Closed = append(st.Closed, c)
			return nil
		})
		if err != nil {
			return fmt.Errorf("closed cases: %w", err)
		}
		return nil
	})
	if err != nil {
		return CaseStats{}, fmt.Errorf("store: case stats: %w", err)
	}
	return st, nil
}

// scanAll runs a query and hands each row to fn.
func scanAll(ctx context.Context, r runner, query string, args []any, fn func(scanner) error) error {
	rows, err := r.query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
