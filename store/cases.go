package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Case statuses.
const (
	StatusOpen   = "open"
	StatusClosed = "closed"
)

// CaseSummary is the read-model row of one case, rewritten at every
// transition. Lists (inbox, "my applications") are served from it.
type CaseSummary struct {
	ID               string
	ProcedureID      string
	ProcedureVersion int
	Title            string // procedure title shown in lists
	// Office is the GB/T 2260 six-digit division code of the office handling the case.
	Office string
	// Submitter is the subject of who submitted.
	Submitter string
	// Parties are the subjects (resident ID numbers) of every party;
	// applicants see the cases where they are a party.
	Parties []string
	// Status is StatusOpen or StatusClosed.
	Status     string
	Stage      string
	StageTitle string
	// Outcome is "" while open; then approved, refused, not-accepted,
	// withdrawn, deemed-withdrawn or terminated.
	Outcome string
	// WaitingRole is the role that must act next ("" if none, e.g. during a timer wait).
	WaitingRole string
	// WaitingOffice is the division where WaitingRole must be held.
	WaitingOffice string
	// DueAt is the current deadline, if any.
	DueAt       *time.Time
	SubmittedAt time.Time
	UpdatedAt   time.Time
	// Seq is the sequence number of the last transition applied.
	Seq int64
	// State is the full case state snapshot (opaque JSON), so a closed case
	// is readable without Temporal. GetCase fills it; list methods leave it
	// nil to keep pages light.
	State json.RawMessage
	// Application is the form as submitted (JSON), written by CreateCase and
	// never changed by transitions. GetCase fills it; lists leave it nil.
	Application json.RawMessage
	// Reasons are the grounds of a refusal or non-acceptance: failed check
	// ids, or ReasonOpinion for grounds stated by the deciding officer.
	// GetCase fills it; lists leave it nil.
	Reasons []string
	// OpenKey, when set, limits the open cases: CreateCase refuses a case
	// whose key an open case already carries (OpenCaseError). The key names
	// the procedure and the applicants; it is written once, at creation,
	// and is free again when the case closes. Transitions leave it alone.
	OpenKey string
}

// ErrOpenCase reports that a case cannot be created because another open
// case carries its OpenKey; errors.As finds the *OpenCaseError naming it.
var ErrOpenCase = errors.New("store: an open case with the same key exists")

// OpenCaseError names the open case that holds a key.
type OpenCaseError struct {
	// CaseID is the open case.
	CaseID string
}

func (e *OpenCaseError) Error() string {
	return "store: case " + e.CaseID + " is open with the same key"
}

// Unwrap makes errors.Is(err, ErrOpenCase) hold.
func (e *OpenCaseError) Unwrap() error { return ErrOpenCase }

// AuditEntry is one recorded action on a case: who, in which role and
// office, when, what, with which opinion and legal basis, and the stage
// before and after.
type AuditEntry struct {
	CaseID       string
	Seq          int64
	At           time.Time
	ActorSubject string
	ActorName    string
	Role         string
	Office       string
	Action       string
	Outcome      string
	StageFrom    string
	StageTo      string
	Opinion      string
	LegalBasis   string
	// DeadlineName, DeadlineLastDay (YYYY-MM-DD) and DeadlineState (one of
	// the Deadline* states) describe the time limit (a stage period or a
	// clock) in force when the entry happened; all empty when none was.
	DeadlineName    string
	DeadlineLastDay string
	DeadlineState   string
}

// Transition is what one workflow transition writes: the new summary and the
// audit entries it produced.
type Transition struct {
	Summary CaseSummary
	Entries []AuditEntry
}

// Page selects a window of a list. Limit defaults to DefaultPageLimit and is
// capped at MaxPageLimit; a negative Offset counts as 0.
type Page struct {
	Limit  int
	Offset int
}

// Page size bounds.
const (
	DefaultPageLimit = 50
	MaxPageLimit     = 200
)

func (p Page) normalize() Page {
	switch {
	case p.Limit <= 0:
		p.Limit = DefaultPageLimit
	case p.Limit > MaxPageLimit:
		p.Limit = MaxPageLimit
	}
	if p.Offset < 0 {
		p.Offset = 0
	}
	return p
}

// Grant is a role held in a jurisdiction: Division is a six-digit GB/T 2260
// code, NationwideDivision for the whole country.
type Grant struct {
	Role     string
	Division string
}

// NationwideDivision is the division code of a nationwide grant.
const NationwideDivision = "000000"

// divisionPrefixes returns the province (PP) and city (PPCC) prefixes of a
// six-digit code, or "" for anything else so that it matches no grant below
// nationwide.
func divisionPrefixes(code string) (province, city string) {
	if !isDivisionCode(code) {
		return "", ""
	}
	return code[:2], code[:4]
}

func validateSummary(c CaseSummary) error {
	if c.ID == "" {
		return fmt.Errorf("%w: case ID is empty", ErrInvalid)
	}
	if c.Status != StatusOpen && c.Status != StatusClosed {
		return fmt.Errorf("%w: case %s: status %q is neither %q nor %q", ErrInvalid, c.ID, c.Status, StatusOpen, StatusClosed)
	}
	if len(c.State) > 0 && !json.Valid(c.State) {
		return fmt.Errorf("%w: case %s: state is not valid JSON", ErrInvalid, c.ID)
	}
	if len(c.Application) > 0 && !json.Valid(c.Application) {
		return fmt.Errorf("%w: case %s: application is not valid JSON", ErrInvalid, c.ID)
	}
	return nil
}

// caseColumns are the columns written and read for a summary, in scan order
// (state is handled separately because lists skip it).
const caseColumns = `id, procedure_id, procedure_version, title, office, submitter, status, stage, stage_title,
outcome, waiting_role, waiting_office, due_at, submitted_at, updated_at, seq`

// caseArgs returns the insert arguments for c, matching the column order of
// insertCaseSQL.
func caseArgs(c CaseSummary) []any {
	province, city := divisionPrefixes(c.WaitingOffice)
	var state, application, openKey any
	if c.OpenKey != "" {
		openKey = c.OpenKey
	}
	if len(c.State) > 0 {
		state = string(c.State)
	}
	if len(c.Application) > 0 {
		application = string(c.Application)
	}
	dueOrder := noDeadline
	if c.DueAt != nil {
		dueOrder = formatTime(*c.DueAt)
	}
	return []any{
		c.ID, c.ProcedureID, c.ProcedureVersion, c.Title, c.Office, c.Submitter, c.Status, c.Stage, c.StageTitle,
		c.Outcome, c.WaitingRole, c.WaitingOffice, province, city, nullTime(c.DueAt), dueOrder,
		formatTime(c.SubmittedAt), formatTime(c.UpdatedAt), c.Seq, state, encodeReasons(c.Reasons), application, openKey,
	}
}

const insertCaseSQL = `INSERT INTO cases (id, procedure_id, procedure_version, title, office, submitter, status, stage,
stage_title, outcome, waiting_role, waiting_office, waiting_province, waiting_city, due_at, due_order,
submitted_at, updated_at, seq, state, reasons, application, open_key)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// CreateCase records a new case at submission. It is idempotent: if a case
// with the same ID exists (a retried activity, or transitions already
// applied), nothing is written and no error is returned. A new case with an
// OpenKey that an open case already carries is refused with *OpenCaseError;
// the look-up and the insert share one write transaction, and the unique
// index on open cases' keys backs it for any other writer.
func (db *DB) CreateCase(ctx context.Context, c CaseSummary) error {
	if err := validateSummary(c); err != nil {
		return fmt.Errorf("store: create case: %w", err)
	}
	err := db.inTx(ctx, func(tx runner) error {
		return createCase(ctx, tx, c)
	})
	if err != nil {
		return fmt.Errorf("store: create case %s: %w", c.ID, err)
	}
	return nil
}

func createCase(ctx context.Context, tx runner, c CaseSummary) error {
	if c.OpenKey != "" {
		var other string
		err := tx.queryRow(ctx, `SELECT id FROM cases WHERE open_key = ? AND status = 'open' AND id <> ? LIMIT 1`,
			c.OpenKey, c.ID).Scan(&other)
		switch {
		case err == nil:
			return &OpenCaseError{CaseID: other}
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("open cases with the same key: %w", err)
		}
	}
	res, err := tx.exec(ctx, insertCaseSQL+` ON CONFLICT (id) DO NOTHING`, caseArgs(c)...)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		// Already there (a retry, or a transition recorded first): keep the
		// row, but take the form if that row has none.
		if len(c.Application) > 0 {
			_, err := tx.exec(ctx, `UPDATE cases SET application = ? WHERE id = ? AND application IS NULL`,
				string(c.Application), c.ID)
			return err
		}
		return nil
	}
	return replaceParties(ctx, tx, c.ID, c.Parties)
}

// replaceParties sets the parties of a case to subjects, keeping their order
// and dropping duplicates and empty subjects.
func replaceParties(ctx context.Context, tx runner, caseID string, subjects []string) error {
	if _, err := tx.exec(ctx, `DELETE FROM case_parties WHERE case_id = ?`, caseID); err != nil {
		return err
	}
	seen := make(map[string]bool, len(subjects))
	pos := 0
	for _, s := range subjects {
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		if _, err := tx.exec(ctx, `INSERT INTO case_parties (case_id, subject, position) VALUES (?, ?, ?)`,
			caseID, s, pos); err != nil {
			return err
		}
		pos++
	}
	return nil
}

// ApplyTransition records one transition in a single transaction. The
// summary is upserted only if Summary.Seq is greater than the stored seq, so
// a delayed or replayed write never overwrites a newer one. Audit entries are
// inserted keyed by (case ID, seq): a retry inserts nothing twice, and the
// entries of a delayed transition are still recorded even when its summary
// is already outdated. An entry with an empty CaseID belongs to the summary's
// case.
func (db *DB) ApplyTransition(ctx context.Context, t Transition) error {
	if err := validateSummary(t.Summary); err != nil {
		return fmt.Errorf("store: apply transition: %w", err)
	}
	entries := make([]AuditEntry, len(t.Entries))
	seen := make(map[int64]bool, len(t.Entries))
	for i, e := range t.Entries {
		if e.CaseID == "" {
			e.CaseID = t.Summary.ID
		}
		if e.CaseID != t.Summary.ID {
			return fmt.Errorf("store: apply transition %s/%d: %w: audit entry for case %s", t.Summary.ID, t.Summary.Seq, ErrInvalid, e.CaseID)
		}
		// Two entries with one key would silently lose the second.
		if seen[e.Seq] {
			return fmt.Errorf("store: apply transition %s/%d: %w: two audit entries with seq %d", t.Summary.ID, t.Summary.Seq, ErrInvalid, e.Seq)
		}
		seen[e.Seq] = true
		entries[i] = e
	}

	err := db.inTx(ctx, func(tx runner) error {
		c := t.Summary
		res, err := tx.exec(ctx, insertCaseSQL+`
ON CONFLICT (id) DO UPDATE SET
    procedure_id = excluded.procedure_id,
    procedure_version = excluded.procedure_version,
    title = excluded.title,
    office = excluded.office,
    submitter = excluded.submitter,
    status = excluded.status,
    stage = excluded.stage,
    stage_title = excluded.stage_title,
    outcome = excluded.outcome,
    waiting_role = excluded.waiting_role,
    waiting_office = excluded.waiting_office,
    waiting_province = excluded.waiting_province,
    waiting_city = excluded.waiting_city,
    due_at = excluded.due_at,
    due_order = excluded.due_order,
    submitted_at = excluded.submitted_at,
    updated_at = excluded.updated_at,
    seq = excluded.seq,
    state = excluded.state,
    reasons = excluded.reasons
WHERE cases.seq < excluded.seq`, caseArgs(c)...)
		if err != nil {
			return fmt.Errorf("upsert summary: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n > 0 {
			if err := replaceParties(ctx, tx, c.ID, c.Parties); err != nil {
				return fmt.Errorf("parties: %w", err)
			}
		}
		// Chained here, inside the write transaction, so the chain
		// tips read and extended cannot move underneath (see audit.go).
		return appendAuditEntries(ctx, tx, entries)
	})
	if err != nil {
		return fmt.Errorf("store: apply transition %s/%d: %w", t.Summary.ID, t.Summary.Seq, err)
	}
	return nil
}

// scanner is *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// scanCase scans caseColumns (plus state, application and reasons when
// withState) into a summary.
func scanCase(s scanner, withState bool) (CaseSummary, error) {
	var (
		c                               CaseSummary
		due, state, application         sql.NullString
		submitted, updated, reasonsText string
		dest                            []any
	)
	dest = append(dest, &c.ID, &c.ProcedureID, &c.ProcedureVersion, &c.Title, &c.Office, &c.Submitter,
		&c.Status, &c.Stage, &c.StageTitle, &c.Outcome, &c.WaitingRole, &c.WaitingOffice, &due,
		&submitted, &updated, &c.Seq)
	if withState {
		dest = append(dest, &state, &application, &reasonsText)
	}
	if err := s.Scan(dest...); err != nil {
		return CaseSummary{}, err
	}
	var err error
	if due.Valid {
		t, err := parseTime(due.String)
		if err != nil {
			return CaseSummary{}, err
		}
		c.DueAt = &t
	}
	if c.SubmittedAt, err = parseTime(submitted); err != nil {
		return CaseSummary{}, err
	}
	if c.UpdatedAt, err = parseTime(updated); err != nil {
		return CaseSummary{}, err
	}
	if state.Valid {
		c.State = json.RawMessage(state.String)
	}
	if application.Valid {
		c.Application = json.RawMessage(application.String)
	}
	if withState {
		if c.Reasons, err = decodeReasons(reasonsText); err != nil {
			return CaseSummary{}, err
		}
	}
	return c, nil
}

// GetCase returns the summary of one case, with its parties and state
// snapshot, or ErrNotFound.
func (db *DB) GetCase(ctx context.Context, id string) (CaseSummary, error) {
	r := db.conn()
	c, err := scanCase(r.queryRow(ctx, `SELECT `+caseColumns+`, state, application, reasons FROM cases WHERE id = ?`, id), true)
	if errors.Is(err, sql.ErrNoRows) {
		return CaseSummary{}, fmt.Errorf("store: get case %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return CaseSummary{}, fmt.Errorf("store: get case %s: %w", id, err)
	}
	cs := []CaseSummary{c}
	if err := loadParties(ctx, r, cs); err != nil {
		return CaseSummary{}, fmt.Errorf("store: get case %s: %w", id, err)
	}
	return cs[0], nil
}

// loadParties fills the Parties of cs with one query. It must run after the
// rows that produced cs are closed (single connection).
func loadParties(ctx context.Context, r runner, cs []CaseSummary) error {
	if len(cs) == 0 {
		return nil
	}
	idx := make(map[string]int, len(cs))
	args := make([]any, len(cs))
	for i, c := range cs {
		idx[c.ID] = i
		args[i] = c.ID
	}
	rows, err := r.query(ctx, `SELECT case_id, subject FROM case_parties WHERE case_id IN (`+
		placeholders(len(cs))+`) ORDER BY case_id, position`, args...)
	if err != nil {
		return fmt.Errorf("parties: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, subject string
		if err := rows.Scan(&id, &subject); err != nil {
			return fmt.Errorf("parties: %w", err)
		}
		if i, ok := idx[id]; ok {
			cs[i].Parties = append(cs[i].Parties, subject)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("parties: %w", err)
	}
	return nil
}

// placeholders returns "?, ?, …" with n marks.
func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}

// AuditTrail returns the audit entries of a case ordered by seq (empty, not
// an error, for an unknown case).
func (db *DB) AuditTrail(ctx context.Context, caseID string) ([]AuditEntry, error) {
	rows, err := db.conn().query(ctx, `SELECT case_id, seq, at, actor_subject, actor_name, role, office, action,
outcome, stage_from, stage_to, opinion, legal_basis, deadline_name, deadline_last_day, deadline_state
FROM audit_entries WHERE case_id = ? ORDER BY seq`, caseID)
	if err != nil {
		return nil, fmt.Errorf("store: audit trail %s: %w", caseID, err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at string
		if err := rows.Scan(&e.CaseID, &e.Seq, &at, &e.ActorSubject, &e.ActorName, &e.Role, &e.Office, &e.Action,
			&e.Outcome, &e.StageFrom, &e.StageTo, &e.Opinion, &e.LegalBasis,
			&e.DeadlineName, &e.DeadlineLastDay, &e.DeadlineState); err != nil {
			return nil, fmt.Errorf("store: audit trail %s: %w", caseID, err)
		}
		if e.At, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("store: audit trail %s: %w", caseID, err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: audit trail %s: %w", caseID, err)
	}
	return out, nil
}

// listQuery is one case list: a query counting the matches and a query
// selecting caseColumns for one page (its last two placeholders are the
// LIMIT and OFFSET), with their arguments.
type listQuery struct {
	countSQL  string
	countArgs []any
	pageSQL   string
	pageArgs  []any
}

// list runs a listQuery and returns the page (with parties, without state)
// and the total. Both queries run in one read transaction so they agree.
func (db *DB) list(ctx context.Context, q listQuery, p Page) ([]CaseSummary, int, error) {
	cs, _, total, err := db.listWith(ctx, q, p, nil)
	return cs, total, err
}

// listWith is list for queries that select one extra column after
// caseColumns (extra non-nil): its values come back in order.
func (db *DB) listWith(ctx context.Context, q listQuery, p Page, extra *string) ([]CaseSummary, []string, int, error) {
	var (
		out    []CaseSummary
		extras []string
		total  int
	)
	err := db.inReadTx(ctx, func(r runner) error {
		if err := r.queryRow(ctx, q.countSQL, q.countArgs...).Scan(&total); err != nil {
			return fmt.Errorf("count: %w", err)
		}
		if total == 0 || p.Offset >= total {
			return nil
		}
		rows, err := r.query(ctx, q.pageSQL, append(q.pageArgs, p.Limit, p.Offset)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		var s scanner = rows
		if extra != nil {
			s = extraScanner{rows, extra}
		}
		for rows.Next() {
			c, err := scanCase(s, false)
			if err != nil {
				return err
			}
			out = append(out, c)
			if extra != nil {
				extras = append(extras, *extra)
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close() // frees the connection's statement before the next query
		return loadParties(ctx, r, out)
	})
	if err != nil {
		return nil, nil, 0, err
	}
	return out, extras, total, nil
}

// extraScanner scans a row of caseColumns followed by one more column.
type extraScanner struct {
	rows  *sql.Rows
	extra *string
}

// Scan reads the row's case columns into dest and the extra column.
func (s extraScanner) Scan(dest ...any) error { return s.rows.Scan(append(dest, s.extra)...) }

// inReadTx runs fn in a read-only transaction: one consistent snapshot for
// several queries.
func (db *DB) inReadTx(ctx context.Context, fn func(r runner) error) error {
	// ReadOnly makes the driver issue a plain BEGIN instead of BEGIN
	// IMMEDIATE, so a list never takes the write lock.
	tx, err := db.sql.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback() // read-only: nothing to commit
	return fn(runner{q: tx, style: db.placeholders})
}

// ListByParty returns the cases where subject is a party or the submitter,
// newest first, and their total count. State is not loaded (use GetCase).
func (db *DB) ListByParty(ctx context.Context, subject string, p Page) ([]CaseSummary, int, error) {
	p = p.normalize()
	// A UNION of two indexed look-ups instead of an OR across two tables,
	// which planners tend to answer with a full scan.
	where := ` FROM cases c WHERE c.id IN (SELECT case_id FROM case_parties WHERE subject = ?
UNION SELECT id FROM cases WHERE submitter = ?)`
	args := []any{subject, subject}
	cs, total, err := db.list(ctx, listQuery{
		countSQL:  `SELECT COUNT(*)` + where,
		countArgs: args,
		pageSQL:   `SELECT ` + caseColumns + where + ` ORDER BY c.submitted_at DESC, c.id DESC LIMIT ? OFFSET ?`,
		pageArgs:  args,
	}, p)
	if err != nil {
		return nil, 0, fmt.Errorf("store: list cases of party %s: %w", subject, err)
	}
	return cs, total, nil
}

// noDeadline is due_order for a case without a deadline: after every
// timestamp in timeLayout.
const noDeadline = "9999-12-31T23:59:59.999999999Z"

// covers reports whether a grant in division a covers division b.
func covers(a, b string) bool {
	switch {
	case a == NationwideDivision:
		return true
	case a[2:] == "0000":
		return b[:2] == a[:2]
	case a[4:] == "00":
		return b[:4] == a[:4]
	default:
		return a == b
	}
}

// normalizeGrants validates grants, drops those with an empty role, and
// drops any grant covered by another of the same role, so the query has as
// few OR terms as possible.
func normalizeGrants(grants []Grant) ([]Grant, error) {
	var out []Grant
	for _, g := range grants {
		if !isDivisionCode(g.Division) {
			return nil, fmt.Errorf("%w: grant division %q is not a six-digit code", ErrInvalid, g.Division)
		}
	}
	for i, g := range grants {
		if g.Role == "" {
			continue
		}
		redundant := false
		for j, h := range grants {
			if i == j || h.Role != g.Role || !covers(h.Division, g.Division) {
				continue
			}
			// Keep the first of two equal grants, drop strictly narrower ones.
			if h.Division != g.Division || j < i {
				redundant = true
				break
			}
		}
		if !redundant {
			out = append(out, g)
		}
	}
	return out, nil
}
