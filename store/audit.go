package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// States of the time limit in force when an audit entry happened; the same
// words as the workflow's clock statuses.
const (
	// DeadlineRunning: the limit was running.
	DeadlineRunning = "running"
	// DeadlineSuspended: the limit stood still (correction, expert review…).
	DeadlineSuspended = "suspended"
	// DeadlineMet: the entry happened within the limit, which then stopped.
	DeadlineMet = "met"
	// DeadlineOverdue: the limit had passed and the case was still open.
	DeadlineOverdue = "overdue"
	// DeadlineExpired: the limit ran out and moved the case on.
	DeadlineExpired = "expired"
)

// The audit trail is kept tamper-evident by two SHA-256 hash chains over
// the same rows, extended inside the transaction that inserts them:
//
//   - per case, each entry's hash covers every field of the entry and the
//     hash of the case's previous entry (in insertion order, which differs
//     from seq order only when a delayed transition is recorded late);
//   - globally, global_seq numbers every entry 1, 2, 3… in insertion order
//     and global_hash covers global_seq, the previous global_hash and the
//     entry's hash.
//
// Anyone with write access to the database can recompute both chains after
// editing a row, so the chains alone prove only that nobody edited rows
// without recomputing. Checkpoints of the global head kept outside the
// database (see Checkpointer) close that gap up to the last checkpoint:
// a recomputed chain no longer ends in a recorded head, and a truncated
// one no longer reaches it.

// hashDomain and globalDomain separate the two kinds of hash, and version
// the encoding, so a future format cannot be confused with this one.
const (
	hashDomain   = "civilflow/audit-entry/v1"
	globalDomain = "civilflow/audit-global/v1"
)

// chainRow is an audit row as stored: every field in its column's text form,
// because the hash must cover exactly the bytes in the database.
type chainRow struct {
	caseID, seq, at                              string
	actorSubject, actorName, role, office        string
	action, outcome, stageFrom, stageTo          string
	opinion, legalBasis                          string
	deadlineName, deadlineLastDay, deadlineState string
	globalSeq                                    string
	casePrev, hash, globalPrev, globalHash       sql.NullString
}

// rowOf encodes an entry the way it is written.
func rowOf(e AuditEntry) chainRow {
	return chainRow{
		caseID: e.CaseID, seq: strconv.FormatInt(e.Seq, 10), at: formatTime(e.At),
		actorSubject: e.ActorSubject, actorName: e.ActorName, role: e.Role, office: e.Office,
		action: e.Action, outcome: e.Outcome, stageFrom: e.StageFrom, stageTo: e.StageTo,
		opinion: e.Opinion, legalBasis: e.LegalBasis,
		deadlineName: e.DeadlineName, deadlineLastDay: e.DeadlineLastDay, deadlineState: e.DeadlineState,
	}
}

// appendField appends one length-prefixed field, so that no two different
// field lists encode to the same bytes (moving text from one field into
// its neighbour changes the hash).
func appendField(b []byte, s string) []byte {
	b = strconv.AppendInt(b, int64(len(s)), 10)
	b = append(b, ':')
	b = append(b, s...)
	return append(b, ',')
}

// entryHash is the per-case chain hash of r given the previous hash of its
// case. The encoding is built in one buffer and hashed once: verification
// hashes every entry, and a write per field would allocate per field.
func (r *chainRow) entryHash(casePrev string) string {
	b := make([]byte, 0, 512)
	b = appendField(b, hashDomain)
	for _, f := range [...]string{r.caseID, r.seq, r.at, r.actorSubject, r.actorName, r.role, r.office,
		r.action, r.outcome, r.stageFrom, r.stageTo, r.opinion, r.legalBasis,
		r.deadlineName, r.deadlineLastDay, r.deadlineState, casePrev} {
		b = appendField(b, f)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// globalHash links an entry hash into the global chain at globalSeq.
func globalHash(globalSeq, globalPrev, entryHash string) string {
	b := make([]byte, 0, 256)
	for _, f := range [...]string{globalDomain, globalSeq, globalPrev, entryHash} {
		b = appendField(b, f)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// ChainHead is the newest entry of the global chain: its global sequence
// number and global hash. The zero value is the empty chain.
type ChainHead struct {
	GlobalSeq int64  `json:"globalSeq"`
	Hash      string `json:"hash"`
}

// globalTip returns the head of the global chain inside tx. A head without
// hash means rows from before the chain are still unsealed: they are sealed
// first, so new entries always extend a sealed chain.
func globalTip(ctx context.Context, tx runner) (ChainHead, error) {
	for attempt := 0; ; attempt++ {
		var (
			head ChainHead
			h    sql.NullString
		)
		err := tx.queryRow(ctx, `SELECT global_seq, global_hash FROM audit_entries
WHERE global_seq IS NOT NULL ORDER BY global_seq DESC LIMIT 1`).Scan(&head.GlobalSeq, &h)
		if errors.Is(err, sql.ErrNoRows) {
			return ChainHead{}, nil
		}
		if err != nil {
			return ChainHead{}, fmt.Errorf("chain head: %w", err)
		}
		if h.Valid || attempt > 0 {
			// Still no hash after sealing: a row inserted behind the store's
			// back. Verify reports it; recording goes on, because refusing
			// every new case would not undo it.
			head.Hash = h.String
			return head, nil
		}
		if _, err := sealLegacy(ctx, tx); err != nil {
			return ChainHead{}, err
		}
	}
}

// caseTip returns the hash of the newest entry of a case ("" if none).
func caseTip(ctx context.Context, tx runner, caseID string) (string, error) {
	var h sql.NullString
	err := tx.queryRow(ctx, `SELECT hash FROM audit_entries WHERE case_id = ? AND global_seq IS NOT NULL
ORDER BY global_seq DESC LIMIT 1`, caseID).Scan(&h)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("case chain head of %s: %w", caseID, err)
	}
	return h.String, nil
}

// appendAuditEntries inserts the entries of one case that are not yet
// recorded, extending both chains. It must run in a write transaction: the
// single SQLite connection and BEGIN IMMEDIATE make the read of the tips and
// the inserts atomic. (A PostgreSQL dialect would need a lock on the head,
// e.g. SELECT … FOR UPDATE on a one-row table, to keep the chain linear.)
func appendAuditEntries(ctx context.Context, tx runner, entries []AuditEntry) error {
	if len(entries) == 0 {
		return nil
	}
	head, err := globalTip(ctx, tx)
	if err != nil {
		return err
	}
	prev, err := caseTip(ctx, tx, entries[0].CaseID)
	if err != nil {
		return err
	}
	for _, e := range entries {
		r := rowOf(e)
		gs := head.GlobalSeq + 1
		r.globalSeq = strconv.FormatInt(gs, 10)
		h := r.entryHash(prev)
		gh := globalHash(r.globalSeq, head.Hash, h)
		res, err := tx.exec(ctx, `INSERT INTO audit_entries (case_id, seq, at, actor_subject, actor_name, role,
office, action, outcome, stage_from, stage_to, opinion, legal_basis, deadline_name, deadline_last_day,
deadline_state, global_seq, case_prev_hash, hash, global_prev_hash, global_hash)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (case_id, seq) DO NOTHING`,
			e.CaseID, e.Seq, r.at, e.ActorSubject, e.ActorName, e.Role, e.Office, e.Action, e.Outcome,
			e.StageFrom, e.StageTo, e.Opinion, e.LegalBasis, e.DeadlineName, e.DeadlineLastDay, e.DeadlineState,
			gs, prev, h, head.Hash, gh)
		if err != nil {
			return fmt.Errorf("audit entry %d: %w", e.Seq, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("audit entry %d: %w", e.Seq, err)
		}
		if n == 0 {
			continue // recorded before (a retry): its first content stays, the chain does not move
		}
		head = ChainHead{GlobalSeq: gs, Hash: gh}
		prev = h
	}
	return nil
}

// legacyThrough returns the last global_seq numbered by the migration that
// introduced the chain (0 when the table was empty then).
func legacyThrough(ctx context.Context, r runner) (int64, error) {
	var v string
	err := r.queryRow(ctx, `SELECT value FROM audit_chain_meta WHERE name = 'legacy-through'`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("chain settings: %w", err)
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("chain settings: legacy-through %q: %w", v, err)
	}
	return n, nil
}

// auditColumns are the chainRow columns, every one as text (see chainRow).
const auditColumns = `case_id, CAST(seq AS TEXT), at, actor_subject, actor_name, role, office, action,
outcome, stage_from, stage_to, opinion, legal_basis, deadline_name, deadline_last_day, deadline_state,
CAST(global_seq AS TEXT), case_prev_hash, hash, global_prev_hash, global_hash`

// auditSelect reads chainRow columns.
const auditSelect = `SELECT ` + auditColumns + ` FROM audit_entries`

// scanChainRow scans auditColumns, then any extra columns into extra.
func scanChainRow(s scanner, extra ...any) (chainRow, error) {
	var (
		r  chainRow
		gs sql.NullString
	)
	dest := append([]any{&r.caseID, &r.seq, &r.at, &r.actorSubject, &r.actorName, &r.role, &r.office, &r.action,
		&r.outcome, &r.stageFrom, &r.stageTo, &r.opinion, &r.legalBasis, &r.deadlineName, &r.deadlineLastDay,
		&r.deadlineState, &gs, &r.casePrev, &r.hash, &r.globalPrev, &r.globalHash}, extra...)
	err := s.Scan(dest...)
	r.globalSeq = gs.String
	return r, err
}

// sealLegacy chains the rows written before the chain existed, in the order
// the migration numbered them, and returns how many it sealed.
func sealLegacy(ctx context.Context, tx runner) (int, error) {
	through, err := legacyThrough(ctx, tx)
	if err != nil || through == 0 {
		return 0, err
	}
	rows, err := tx.query(ctx, auditSelect+` WHERE hash IS NULL AND global_seq <= ? ORDER BY global_seq`, through)
	if err != nil {
		return 0, fmt.Errorf("seal legacy audit entries: %w", err)
	}
	var todo []chainRow
	for rows.Next() {
		r, err := scanChainRow(rows)
		if err != nil {
			rows.Close()
			return 0, fmt.Errorf("seal legacy audit entries: %w", err)
		}
		todo = append(todo, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("seal legacy audit entries: %w", err)
	}
	if len(todo) == 0 {
		return 0, nil
	}
	// Legacy rows are numbered 1…through and precede every sealed row, so
	// sealing starts from the empty chain.
	globalPrev := ""
	casePrev := map[string]string{}
	for _, r := range todo {
		h := r.entryHash(casePrev[r.caseID])
		gh := globalHash(r.globalSeq, globalPrev, h)
		if _, err := tx.exec(ctx, `UPDATE audit_entries SET case_prev_hash = ?, hash = ?, global_prev_hash = ?, global_hash = ?
WHERE case_id = ? AND seq = ?`, casePrev[r.caseID], h, globalPrev, gh, r.caseID, r.seq); err != nil {
			return 0, fmt.Errorf("seal legacy audit entry %s/%s: %w", r.caseID, r.seq, err)
		}
		casePrev[r.caseID], globalPrev = h, gh
	}
	return len(todo), nil
}

// SealLegacyAudit chains the audit entries written before the chain existed
// (a database from before migration 0002) and returns how many it sealed;
// 0 once done. civilflow serve calls it at start, so that a verification
// of an idle upgraded database finds the chain complete.
func (db *DB) SealLegacyAudit(ctx context.Context) (int, error) {
	var n int
	err := db.inTx(ctx, func(tx runner) error {
		var err error
		n, err = sealLegacy(ctx, tx)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: %w", err)
	}
	return n, nil
}

// ChainHead returns the newest entry of the global chain (zero if empty).
func (db *DB) ChainHead(ctx context.Context) (ChainHead, error) {
	var (
		head ChainHead
		h    sql.NullString
	)
	err := db.conn().queryRow(ctx, `SELECT global_seq, global_hash FROM audit_entries
WHERE global_seq IS NOT NULL ORDER BY global_seq DESC LIMIT 1`).Scan(&head.GlobalSeq, &h)
	if errors.Is(err, sql.ErrNoRows) {
		return ChainHead{}, nil
	}
	if err != nil {
		return ChainHead{}, fmt.Errorf("store: chain head: %w", err)
	}
	head.Hash = h.String
	return head, nil
}

// AuditRecord is an audit entry with its place in the chains.
type AuditRecord struct {
	AuditEntry
	GlobalSeq int64
	// PrevHash is the hash of the case's previous entry ("" for its first).
	PrevHash string
	// Hash is the entry's per-case chain hash.
	Hash string
	// GlobalHash is the entry's global chain hash.
	GlobalHash string
}

// record decodes a stored row into an AuditRecord.
func (r chainRow) record() (AuditRecord, error) {
	var (
		out AuditRecord
		err error
	)
	out.AuditEntry = AuditEntry{
		CaseID: r.caseID, ActorSubject: r.actorSubject, ActorName: r.actorName, Role: r.role, Office: r.office,
		Action: r.action, Outcome: r.outcome, StageFrom: r.stageFrom, StageTo: r.stageTo, Opinion: r.opinion,
		LegalBasis: r.legalBasis, DeadlineName: r.deadlineName, DeadlineLastDay: r.deadlineLastDay,
		DeadlineState: r.deadlineState,
	}
	if out.Seq, err = strconv.ParseInt(r.seq, 10, 64); err != nil {
		return out, fmt.Errorf("entry of %s: bad seq %q", r.caseID, r.seq)
	}
	if r.globalSeq != "" {
		if out.GlobalSeq, err = strconv.ParseInt(r.globalSeq, 10, 64); err != nil {
			return out, fmt.Errorf("entry %s/%s: bad global seq %q", r.caseID, r.seq, r.globalSeq)
		}
	}
	if out.At, err = parseTime(r.at); err != nil {
		return out, fmt.Errorf("entry %s/%s: %w", r.caseID, r.seq, err)
	}
	out.PrevHash, out.Hash, out.GlobalHash = r.casePrev.String, r.hash.String, r.globalHash.String
	return out, nil
}

// AuditRecords returns the entries of a case in insertion (chain) order,
// with their hashes (empty, not an error, for an unknown case).
func (db *DB) AuditRecords(ctx context.Context, caseID string) ([]AuditRecord, error) {
	rows, err := db.conn().query(ctx, auditSelect+` WHERE case_id = ? ORDER BY global_seq, seq`, caseID)
	if err != nil {
		return nil, fmt.Errorf("store: audit records of %s: %w", caseID, err)
	}
	defer rows.Close()
	var out []AuditRecord
	for rows.Next() {
		r, err := scanChainRow(rows)
		if err != nil {
			return nil, fmt.Errorf("store: audit records of %s: %w", caseID, err)
		}
		rec, err := r.record()
		if err != nil {
			return nil, fmt.Errorf("store: audit records of %s: %w", caseID, err)
		}
		out = append(out, rec)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: audit records of %s: %w", caseID, err)
	}
	return out, nil
}

// AuditRange selects audit entries for an export: those that happened in
// [From, To) in cases whose office lies within Division.
type AuditRange struct {
	Division string
	From, To time.Time
}

// ErrTooMany reports that a request would return more rows than allowed;
// the caller should narrow it.
var ErrTooMany = errors.New("store: too many rows")

// AuditEntriesIn returns the entries selected by q in time order, at most
// limit of them, or ErrTooMany if there are more.
func (db *DB) AuditEntriesIn(ctx context.Context, q AuditRange, limit int) ([]AuditRecord, error) {
	lo, hi, ok := officeRange(q.Division)
	if !ok {
		return nil, fmt.Errorf("store: audit entries: %w: division %q is not a six-digit code", ErrInvalid, q.Division)
	}
	sel := `SELECT a.case_id, CAST(a.seq AS TEXT), a.at, a.actor_subject, a.actor_name, a.role, a.office, a.action,
a.outcome, a.stage_from, a.stage_to, a.opinion, a.legal_basis, a.deadline_name, a.deadline_last_day, a.deadline_state,
CAST(a.global_seq AS TEXT), a.case_prev_hash, a.hash, a.global_prev_hash, a.global_hash
FROM audit_entries a JOIN cases c ON c.id = a.case_id
WHERE a.at >= ? AND a.at < ?`
	args := []any{formatTime(q.From), formatTime(q.To)}
	if lo != "" {
		sel += ` AND c.office >= ? AND c.office < ?`
		args = append(args, lo, hi)
	}
	sel += ` ORDER BY a.at, a.global_seq LIMIT ?`
	args = append(args, limit+1)
	rows, err := db.conn().query(ctx, sel, args...)
	if err != nil {
		return nil, fmt.Errorf("store: audit entries: %w", err)
	}
	defer rows.Close()
	var out []AuditRecord
	for rows.Next() {
		r, err := scanChainRow(rows)
		if err != nil {
			return nil, fmt.Errorf("store: audit entries: %w", err)
		}
		rec, err := r.record()
		if err != nil {
			return nil, fmt.Errorf("store: audit entries: %w", err)
		}
		out = append(out, rec)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: audit entries: %w", err)
	}
	if len(out) > limit {
		return nil, fmt.Errorf("store: audit entries: %w: more than %d", ErrTooMany, limit)
	}
	return out, nil
}

// officeRange turns a jurisdiction into a half-open range of office codes
// [lo, hi), so that "within 410000" is an indexed range scan in every
// database; lo == "" means nationwide (no condition). ok is false for a
// malformed code.
func officeRange(division string) (lo, hi string, ok bool) {
	if !isDivisionCode(division) {
		return "", "", false
	}
	prefix := division // a district covers only itself
	switch {
	case division == NationwideDivision:
		return "", "", true
	case division[2:] == "0000":
		prefix = division[:2]
	case division[4:] == "00":
		prefix = division[:4]
	}
	// ':' is the byte after '9': every code starting with prefix sorts
	// before prefix+":" and no other code does.
	return prefix, prefix + ":", true
}
