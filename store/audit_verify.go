package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Kinds of ChainProblem.
const (
	// ProblemAltered: an entry's fields or hashes no longer match.
	ProblemAltered = "altered"
	// ProblemInserted: a row the store did not write (no place in the
	// chain, or neither its fields nor its links match).
	ProblemInserted = "inserted"
	// ProblemDeleted: an entry is missing (a gap in the global sequence or
	// in a case's transition numbers, or a broken link to an unknown entry).
	ProblemDeleted = "deleted"
	// ProblemReordered: an intact entry sits at another place in the chain
	// than the one it was written at.
	ProblemReordered = "reordered"
	// ProblemTruncated: a checkpoint records entries the chain no longer reaches.
	ProblemTruncated = "truncated"
	// ProblemCheckpoint: the chain no longer passes through a recorded
	// checkpoint (it was rewritten at or before that entry).
	ProblemCheckpoint = "checkpoint-mismatch"
	// ProblemUnsealed: an entry from before the chain existed was never
	// sealed (start civilflow serve once to seal it).
	ProblemUnsealed = "unsealed"
)

// MaxReportedProblems caps the problems a report lists; ProblemCount still
// counts all of them.
const MaxReportedProblems = 100

// ChainProblem is one finding of a verification. CaseID and Seq name the
// entry (for a deleted entry, the one missing, when that can be told);
// GlobalSeq is its place in the global chain, 0 when unknown.
type ChainProblem struct {
	Kind      string `json:"kind"`
	CaseID    string `json:"caseId,omitempty"`
	Seq       int64  `json:"seq,omitempty"`
	GlobalSeq int64  `json:"globalSeq,omitempty"`
	Detail    string `json:"detail"`
}

// String names the problem the way the command line prints it.
func (p ChainProblem) String() string {
	var where []string
	if p.CaseID != "" {
		where = append(where, "case "+p.CaseID)
	}
	if p.Seq != 0 {
		where = append(where, fmt.Sprintf("seq %d", p.Seq))
	}
	if p.GlobalSeq != 0 {
		where = append(where, fmt.Sprintf("global #%d", p.GlobalSeq))
	}
	return fmt.Sprintf("%-9s %s: %s", p.Kind, strings.Join(where, " "), p.Detail)
}

// VerifyReport is the result of walking the chains.
type VerifyReport struct {
	// Intact is true when no problem was found.
	Intact bool `json:"intact"`
	// Entries and Cases are what was walked (Entries counts the staff
	// directory's entries too, Cases only cases).
	Entries int64 `json:"entries"`
	Cases   int64 `json:"cases"`
	// Head is the newest entry of the global chain as stored.
	Head ChainHead `json:"head"`
	// Checkpoints is how many checkpoints were given, CheckpointsMatched how
	// many of them the chain passes through.
	Checkpoints        int `json:"checkpoints"`
	CheckpointsMatched int `json:"checkpointsMatched"`
	// ProblemCount counts every problem; Problems lists the first
	// MaxReportedProblems in chain order, the first being the earliest.
	ProblemCount int            `json:"problemCount"`
	Problems     []ChainProblem `json:"problems"`
}

// vrow is a stored row with its numbers parsed (0 when missing or malformed).
type vrow struct {
	chainRow
	gs, seq int64
}

func parseVRow(r chainRow) vrow {
	v := vrow{chainRow: r}
	v.seq, _ = strconv.ParseInt(r.seq, 10, 64)
	v.gs, _ = strconv.ParseInt(r.globalSeq, 10, 64)
	return v
}

// sealed reports whether the row carries a place in both chains.
func (v vrow) sealed() bool { return v.gs > 0 && v.hash.Valid && v.globalHash.Valid }

// contentOK reports whether the entry's fields and case link match its hash.
func (v vrow) contentOK() bool { return v.entryHash(v.casePrev.String) == v.hash.String }

// selfOK reports whether the global hash matches the row's own global link.
func (v vrow) selfOK() bool {
	return globalHash(v.globalSeq, v.globalPrev.String, v.hash.String) == v.globalHash.String
}

// verifier collects problems; flagged marks rows already reported, so the
// case pass does not report them twice, and foreign marks rows the store
// did not write, which the case pass leaves out of its counts.
type verifier struct {
	problems []ChainProblem
	flagged  map[int64]bool
	foreign  map[int64]bool
	// gaps are runs of global numbers missing from the chain, each with
	// the index of its problem, for naming the deleted entries.
	gaps []gap
}

type gap struct {
	from, to int64 // missing global numbers, inclusive
	problem  int
}

func newVerifier() *verifier {
	return &verifier{flagged: map[int64]bool{}, foreign: map[int64]bool{}}
}

func (v *verifier) add(p ChainProblem) int {
	v.problems = append(v.problems, p)
	if p.GlobalSeq != 0 && p.Kind != ProblemDeleted && p.Kind != ProblemTruncated {
		v.flagged[p.GlobalSeq] = true
	}
	if p.GlobalSeq != 0 && p.Kind == ProblemInserted {
		v.foreign[p.GlobalSeq] = true
	}
	return len(v.problems) - 1
}

// verifyChunk is how many rows the walk reads per read transaction; the
// store's one connection is free for writes in between (tests shrink it to
// exercise the chunk boundaries).
var verifyChunk = 5000

// VerifyAudit walks the global chain and every case chain and compares the
// chain with the checkpoints (as read by ReadCheckpoints; nil for none).
//
// It reads in chunks of verifyChunk rows, each chunk in its own read
// transaction, so that a walk of millions of entries does not hold up the
// cases being recorded meanwhile. That is sound because the store only ever
// appends to the chains: entries recorded during the walk extend it and are
// walked too, or fall after its end; they never change what was read.
func (db *DB) VerifyAudit(ctx context.Context, checkpoints []Checkpoint) (VerifyReport, error) {
	rep := VerifyReport{Checkpoints: len(checkpoints)}
	v := newVerifier()
	err := func() error {
		var legacy int64
		err := db.inReadTx(ctx, func(r runner) error {
			var err error
			legacy, err = legacyThrough(ctx, r)
			return err
		})
		if err != nil {
			return err
		}
		pending, err := v.globalPass(ctx, db, legacy, checkpoints, &rep)
		if err != nil {
			return fmt.Errorf("global chain: %w", err)
		}
		if err := v.resolvePending(ctx, db, pending); err != nil {
			return fmt.Errorf("global links: %w", err)
		}
		if err := v.casePass(ctx, db, &rep); err != nil {
			return fmt.Errorf("case chains: %w", err)
		}
		return nil
	}()
	if err != nil {
		return VerifyReport{}, fmt.Errorf("store: verify audit chain: %w", err)
	}
	sortProblems(v.problems)
	rep.ProblemCount = len(v.problems)
	rep.Intact = rep.ProblemCount == 0
	rep.Problems = v.problems[:min(len(v.problems), MaxReportedProblems)]
	if rep.Problems == nil {
		rep.Problems = []ChainProblem{}
	}
	return rep, nil
}

// chunks reads a keyset-paged query chunk by chunk, each chunk in its own
// read transaction: query gets the key of the last row read (nil at first)
// and must order by that key; visit returns each row's key.
func (db *DB) chunks(ctx context.Context, query func(after any) (string, []any), visit func(scanner) (any, error)) error {
	var after any
	for {
		n := 0
		err := db.inReadTx(ctx, func(r runner) error {
			q, args := query(after)
			return scanAll(ctx, r, q, append(args, verifyChunk), func(s scanner) error {
				key, err := visit(s)
				after = key
				n++
				return err
			})
		})
		if err != nil {
			return err
		}
		if n < verifyChunk {
			return nil
		}
	}
}

// pendingLink is a self-consistent row whose global link does not point at
// the row before it: reordered if the link points at another row, else the
// row before it was altered and re-hashed.
type pendingLink struct {
	problem int
	prev    string
	before  vrow
}

// globalWalk is the state of the walk along the global chain.
type globalWalk struct {
	v       *verifier
	rep     *VerifyReport
	legacy  int64
	cpAt    map[int64][]Checkpoint
	pending []pendingLink
	expect  int64
	prevG   string
	before  vrow // the row before this one, and the one before that
	before2 vrow
	lastGS  int64
	// movedBefore: the previous row was reported reordered;
	// pairBefore: it was the second of a swapped pair.
	movedBefore, pairBefore bool
}

// globalPass walks the rows in global order: first those without a global
// number, which stand outside the chain, then the chain itself.
func (v *verifier) globalPass(ctx context.Context, db *DB, legacy int64, cps []Checkpoint, rep *VerifyReport) ([]pendingLink, error) {
	g := &globalWalk{v: v, rep: rep, legacy: legacy, cpAt: map[int64][]Checkpoint{}, expect: 1}
	for _, cp := range cps {
		if cp.GlobalSeq > 0 {
			g.cpAt[cp.GlobalSeq] = append(g.cpAt[cp.GlobalSeq], cp)
		}
	}
	err := db.inReadTx(ctx, func(r runner) error {
		return scanAll(ctx, r, auditSelect+` WHERE global_seq IS NULL`, nil, func(s scanner) error {
			cr, err := scanChainRow(s)
			if err != nil {
				return err
			}
			g.visit(parseVRow(cr))
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	// The key is the stored value itself, so that even a global number
	// that is not an integer is passed and reported rather than skipped.
	err = db.chunks(ctx, func(after any) (string, []any) {
		if after == nil {
			return `SELECT ` + auditColumns + `, global_seq FROM audit_entries WHERE global_seq IS NOT NULL
ORDER BY global_seq LIMIT ?`, nil
		}
		return `SELECT ` + auditColumns + `, global_seq FROM audit_entries WHERE global_seq > ?
ORDER BY global_seq LIMIT ?`, []any{after}
	}, func(s scanner) (any, error) {
		var key any
		cr, err := scanChainRow(s, &key)
		if err != nil {
			return nil, err
		}
		g.visit(parseVRow(cr))
		return key, nil
	})
	if err != nil {
		return nil, err
	}
	g.finish(cps)
	return g.pending, nil
}

// visit checks one row against the row before it in the chain.
func (g *globalWalk) visit(row vrow) {
	v, rep := g.v, g.rep
	rep.Entries++
	name := ChainProblem{CaseID: row.caseID, Seq: row.seq, GlobalSeq: row.gs}
	switch {
	case row.gs <= 0 || strconv.FormatInt(row.gs, 10) != row.globalSeq:
		name.Kind, name.GlobalSeq = ProblemInserted, 0
		name.Detail = fmt.Sprintf("the entry has no valid place in the global chain (global number %q): the store did not write it", row.globalSeq)
		v.add(name)
		return
	case row.gs == g.lastGS: // rows come in global order, so a duplicate follows its twin
		name.Kind, name.GlobalSeq = ProblemInserted, 0
		name.Detail = fmt.Sprintf("a second entry carries global number %d", row.gs)
		v.add(name)
		return
	}
	g.lastGS = row.gs
	if !row.hash.Valid || !row.globalHash.Valid {
		if row.gs <= g.legacy {
			name.Kind, name.Detail = ProblemUnsealed, "written before the audit chain existed and not yet sealed; start civilflow serve once to seal it"
		} else {
			name.Kind, name.Detail = ProblemInserted, "the entry carries no hash: the store did not write it"
		}
		v.add(name)
		g.expect = row.gs + 1
		return
	}
	contentOK, selfOK, linkOK := row.contentOK(), row.selfOK(), row.globalPrev.String == g.prevG
	if row.gs > g.expect {
		i := v.add(ChainProblem{Kind: ProblemDeleted, GlobalSeq: g.expect,
			Detail: fmt.Sprintf("%s missing from the global chain; the chain continues with case %s seq %d (global #%d)",
				globalRange(g.expect, row.gs-1), row.caseID, row.seq, row.gs)})
		v.gaps = append(v.gaps, gap{from: g.expect, to: row.gs - 1, problem: i})
		linkOK = true // the broken link is the gap itself
	}
	before, before2 := g.before, g.before2
	// The link is judged before the global hash: an intact entry moved to
	// another place (its global number changed) breaks both, and is better
	// named reordered than altered.
	switch {
	case !contentOK && !linkOK && !selfOK:
		name.Kind, name.Detail = ProblemInserted, "neither the entry's fields nor its links match its hashes: the store did not write it"
		v.add(name)
	case !contentOK:
		name.Kind, name.Detail = ProblemAltered, "the entry's fields no longer match its hash"
		v.add(name)
	case !linkOK && g.movedBefore && before.globalPrev.String == row.globalHash.String:
		// The row before was written right after this one: the two were swapped.
		name.Kind = ProblemReordered
		name.Detail = fmt.Sprintf("the entry was swapped with global #%d, which was written right after it", before.gs)
		v.add(name)
	case !linkOK && g.pairBefore && row.globalPrev.String == before2.globalHash.String:
		// Follows a swapped pair and still links to the pair's second row
		// as written: nothing wrong with this row itself.
	case !linkOK:
		name.Kind = ProblemReordered
		name.Detail = fmt.Sprintf("the entry is out of place: it was not written right after global #%d, which now precedes it", before.gs)
		g.pending = append(g.pending, pendingLink{problem: v.add(name), prev: row.globalPrev.String, before: before})
	case !selfOK:
		name.Kind, name.Detail = ProblemAltered, "the entry's global number or global hash was changed"
		v.add(name)
	}
	for _, cp := range g.cpAt[row.gs] {
		if cp.Hash == row.globalHash.String {
			rep.CheckpointsMatched++
			continue
		}
		v.add(ChainProblem{Kind: ProblemCheckpoint, CaseID: row.caseID, Seq: row.seq, GlobalSeq: row.gs,
			Detail: fmt.Sprintf("the checkpoint of %s recorded global hash %s for this entry; the chain now has %s: it was rewritten at or before this entry",
				cp.At.Format("2006-01-02 15:04:05Z07:00"), short(cp.Hash), short(row.globalHash.String))})
	}
	rep.Head = ChainHead{GlobalSeq: row.gs, Hash: row.globalHash.String}
	g.pairBefore = g.movedBefore && name.Kind == ProblemReordered && before.globalPrev.String == row.globalHash.String
	g.movedBefore = name.Kind == ProblemReordered
	g.prevG, g.expect, g.before2, g.before = row.globalHash.String, row.gs+1, before, row
}

// finish compares the end of the chain with the checkpoints: the newest
// checkpoint beyond the head tells how much was cut off.
func (g *globalWalk) finish(cps []Checkpoint) {
	var newest *Checkpoint
	for i, cp := range cps {
		if cp.GlobalSeq > g.rep.Head.GlobalSeq && (newest == nil || cp.GlobalSeq > newest.GlobalSeq) {
			newest = &cps[i]
		}
	}
	if newest == nil {
		return
	}
	from := g.rep.Head.GlobalSeq + 1
	i := g.v.add(ChainProblem{Kind: ProblemTruncated, GlobalSeq: from,
		Detail: fmt.Sprintf("the checkpoint of %s records global #%d, but the chain ends at #%d: %s missing (the newest entries were deleted)",
			newest.At.Format("2006-01-02 15:04:05Z07:00"), newest.GlobalSeq, g.rep.Head.GlobalSeq, globalRange(from, newest.GlobalSeq))})
	g.v.gaps = append(g.v.gaps, gap{from: from, to: newest.GlobalSeq, problem: i})
}

// resolvePending tells reordered rows from rows that follow a re-hashed
// one, with one more walk, only when there is something to resolve.
func (v *verifier) resolvePending(ctx context.Context, db *DB, pending []pendingLink) error {
	if len(pending) == 0 {
		return nil
	}
	want := map[string]bool{}
	for _, p := range pending {
		want[p.prev] = true
	}
	found := map[string]bool{}
	err := db.chunks(ctx, func(after any) (string, []any) {
		if after == nil {
			return `SELECT global_seq, global_hash FROM audit_entries WHERE global_seq IS NOT NULL ORDER BY global_seq LIMIT ?`, nil
		}
		return `SELECT global_seq, global_hash FROM audit_entries WHERE global_seq > ? ORDER BY global_seq LIMIT ?`, []any{after}
	}, func(s scanner) (any, error) {
		var (
			key any
			h   sql.NullString
		)
		if err := s.Scan(&key, &h); err != nil {
			return nil, err
		}
		if want[h.String] {
			found[h.String] = true
		}
		return key, nil
	})
	if err != nil {
		return err
	}
	for _, p := range pending {
		if found[p.prev] {
			continue
		}
		// The link points at no entry: the entry before it was changed and
		// its hashes recomputed (or it replaced the one written there).
		b := p.before
		v.problems[p.problem] = ChainProblem{Kind: ProblemAltered, CaseID: b.caseID, Seq: b.seq, GlobalSeq: b.gs,
			Detail: fmt.Sprintf("the next entry (global #%d) was linked to another entry than this one: it was changed and re-hashed, or replaced",
				v.problems[p.problem].GlobalSeq)}
		v.flagged[b.gs] = true
	}
	return nil
}

// caseKey is where the case walk stands: a case and a global number.
type caseKey struct {
	caseID string
	gs     any
}

// casePass walks every case chain in insertion order and checks the case's
// transition numbers against its summary. The global pass has checked each
// entry's fields, so only the link columns are read; rows without a global
// number are reported already and left out.
func (v *verifier) casePass(ctx context.Context, db *DB, rep *VerifyReport) error {
	// The summaries that count more transitions than their case has
	// entries: a deletion of a case's newest entries leaves no other trace
	// in the case chain. One indexed look-up per case.
	ahead := map[string]int64{}
	err := db.chunks(ctx, func(after any) (string, []any) {
		const sel = `SELECT id, seq, COALESCE((SELECT MAX(a.seq) FROM audit_entries a WHERE a.case_id = c.id), 0) FROM cases c`
		if after == nil {
			return sel + ` ORDER BY id LIMIT ?`, nil
		}
		return sel + ` WHERE id > ? ORDER BY id LIMIT ?`, []any{after}
	}, func(s scanner) (any, error) {
		var (
			id          string
			seq, maxSeq int64
		)
		if err := s.Scan(&id, &seq, &maxSeq); err != nil {
			return nil, err
		}
		if seq > maxSeq {
			ahead[id] = seq
		}
		return id, nil
	})
	if err != nil {
		return err
	}
	var cur []vrow
	flush := func() {
		if len(cur) > 0 {
			id := cur[0].caseID
			if !IsStaffChain(id) && !IsAccountChain(id) { // a directory entry or an account is no case
				rep.Cases++
			}
			v.caseProblems(id, cur, ahead[id], false)
			delete(ahead, id)
		}
		cur = cur[:0]
	}
	const sel = `SELECT case_id, CAST(seq AS TEXT), CAST(global_seq AS TEXT), case_prev_hash, hash, global_hash,
global_seq FROM audit_entries`
	err = db.chunks(ctx, func(after any) (string, []any) {
		if after == nil {
			return sel + ` WHERE global_seq IS NOT NULL ORDER BY case_id, global_seq LIMIT ?`, nil
		}
		k := after.(caseKey)
		// A row value, so that the index on (case_id, global_seq) serves
		// the range.
		return sel + ` WHERE global_seq IS NOT NULL AND (case_id, global_seq) > (?, ?) ORDER BY case_id, global_seq LIMIT ?`,
			[]any{k.caseID, k.gs}
	}, func(s scanner) (any, error) {
		var (
			cr  chainRow
			gs  sql.NullString
			key any
		)
		if err := s.Scan(&cr.caseID, &cr.seq, &gs, &cr.casePrev, &cr.hash, &cr.globalHash, &key); err != nil {
			return nil, err
		}
		cr.globalSeq = gs.String
		if len(cur) > 0 && cur[0].caseID != cr.caseID {
			flush()
		}
		cur = append(cur, parseVRow(cr))
		return caseKey{caseID: cr.caseID, gs: key}, nil
	})
	if err != nil {
		return err
	}
	flush()

	// Cases whose summary counts transitions but that have no entry left.
	ids := make([]string, 0, len(ahead))
	for id := range ahead {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		v.add(ChainProblem{Kind: ProblemDeleted, CaseID: id, Seq: 1,
			Detail: fmt.Sprintf("the case records %d transitions but none of its audit entries is left", ahead[id])})
	}
	return nil
}

// caseProblems checks one case's rows (in chain order): each links to the
// one before, and the transition numbers run 1…n without gaps, n being at
// least the summary's seq. With checkContent it also checks each row's
// hash (the global pass does that otherwise). Rows the store did not write
// are left out, and unsealed ones only count as present: both are
// reported already.
func (v *verifier) caseProblems(caseID string, all []vrow, summarySeq int64, checkContent bool) {
	var rows []vrow
	hashes := map[string]bool{}
	bySeq := map[int64]vrow{}
	maxSeq := summarySeq
	for _, r := range all {
		if r.gs <= 0 || v.foreign[r.gs] {
			continue
		}
		bySeq[r.seq] = r
		maxSeq = max(maxSeq, r.seq)
		if r.sealed() {
			rows = append(rows, r)
			hashes[r.hash.String] = true
		}
	}
	// Missing transition numbers name deleted entries precisely.
	missing := 0
	for s := int64(1); s <= maxSeq; s++ {
		if _, ok := bySeq[s]; ok {
			continue
		}
		missing++
		v.nameDeleted(caseID, s, bySeq, summarySeq)
	}
	prev, prevFlagged := "", false
	for _, r := range rows {
		name := ChainProblem{CaseID: caseID, Seq: r.seq, GlobalSeq: r.gs}
		switch {
		case checkContent && !r.contentOK():
			name.Kind, name.Detail = ProblemAltered, "the entry's fields no longer match its hash"
			v.add(name)
		// A break right after a reported entry (one re-hashed after an
		// edit) is that entry's doing, not a second finding.
		case r.casePrev.String == prev || v.flagged[r.gs] || prevFlagged:
		case hashes[r.casePrev.String]:
			name.Kind, name.Detail = ProblemReordered, "the entry was written after another entry of its case than the one now before it"
			v.add(name)
		case missing == 0:
			name.Kind, name.Detail = ProblemDeleted, "the case chain breaks before this entry: an entry of the case before it is missing"
			v.add(name)
		}
		prev, prevFlagged = r.hash.String, v.flagged[r.gs]
	}
}

// nameDeleted reports the missing entry seq of a case, merged into the
// global gap it left when that gap is exactly one entry wide and lies
// between the entry's neighbours by seq.
func (v *verifier) nameDeleted(caseID string, seq int64, bySeq map[int64]vrow, summarySeq int64) {
	lo, hi := int64(0), int64(1<<62)
	if r, ok := bySeq[seq-1]; ok {
		lo = r.gs
	}
	if r, ok := bySeq[seq+1]; ok {
		hi = r.gs
	}
	var inside []gap
	for _, g := range v.gaps {
		if g.to > lo && g.from < hi {
			inside = append(inside, g)
		}
	}
	if len(inside) == 1 && inside[0].from == inside[0].to && v.problems[inside[0].problem].CaseID == "" {
		p := &v.problems[inside[0].problem]
		p.CaseID, p.Seq = caseID, seq
		if p.Kind == ProblemTruncated {
			p.Detail = fmt.Sprintf("the entry of transition %d (global #%d) is gone: %s", seq, inside[0].from, p.Detail)
		} else {
			p.Detail = fmt.Sprintf("the entry of transition %d is missing from the case chain and from the global chain (#%d)", seq, inside[0].from)
		}
		return
	}
	detail := fmt.Sprintf("transition %d of the case has no audit entry", seq)
	if seq <= summarySeq && bySeq[seq+1].gs == 0 {
		detail = fmt.Sprintf("the case records %d transitions but the audit entry of transition %d is missing", summarySeq, seq)
	}
	v.add(ChainProblem{Kind: ProblemDeleted, CaseID: caseID, Seq: seq, Detail: detail})
}

// VerifyCaseChain checks one case's chain: every entry's hash, the links
// between them and the transition numbers against the case summary. It
// does not walk the global chain (VerifyAudit does). No problems means
// the case's record is intact as far as the case chain can tell.
func (db *DB) VerifyCaseChain(ctx context.Context, caseID string) ([]ChainProblem, error) {
	v := newVerifier()
	err := db.inReadTx(ctx, func(r runner) error {
		var summarySeq int64
		if err := r.queryRow(ctx, `SELECT COALESCE(MAX(seq), 0) FROM cases WHERE id = ?`, caseID).Scan(&summarySeq); err != nil {
			return err
		}
		rows, err := r.query(ctx, auditSelect+` WHERE case_id = ? ORDER BY global_seq, seq`, caseID)
		if err != nil {
			return err
		}
		defer rows.Close()
		var vs []vrow
		for rows.Next() {
			cr, err := scanChainRow(rows)
			if err != nil {
				return err
			}
			vs = append(vs, parseVRow(cr))
		}
		if err := rows.Err(); err != nil {
			return err
		}
		for _, r := range vs {
			if !r.sealed() {
				v.add(ChainProblem{Kind: ProblemInserted, CaseID: caseID, Seq: r.seq,
					Detail: "the entry has no place in the chain: the store did not write it"})
			}
		}
		v.caseProblems(caseID, vs, summarySeq, true)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: verify case chain %s: %w", caseID, err)
	}
	sortProblems(v.problems)
	return v.problems, nil
}

// sortProblems orders problems by place in the global chain (unknown
// places last), then case and seq.
func sortProblems(ps []ChainProblem) {
	slices.SortStableFunc(ps, func(a, b ChainProblem) int {
		ag, bg := a.GlobalSeq, b.GlobalSeq
		if ag == 0 {
			ag = 1 << 62
		}
		if bg == 0 {
			bg = 1 << 62
		}
		if ag != bg {
			return cmpInt64(ag, bg)
		}
		if c := strings.Compare(a.CaseID, b.CaseID); c != 0 {
			return c
		}
		return cmpInt64(a.Seq, b.Seq)
	})
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// globalRange names a run of global numbers.
func globalRange(from, to int64) string {
	if from == to {
		return fmt.Sprintf("global #%d is", from)
	}
	return fmt.Sprintf("global #%d–#%d are", from, to)
}

// short abbreviates a hash for messages.
func short(h string) string {
	if len(h) > 12 {
		return h[:12] + "…"
	}
	return h
}
