package store

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"log/slog"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// The cases of the chain fixture; their entries interleave in the global
// chain: A1 B1 C1 A2 B2 C2 A3 B3 C3 are global #1…#9.
var fixtureCases = []string{"MAR-110105-20260302-0001", "MAR-110105-20260302-0002", "DIV-410105-20260302-0001"}

// chainFixture records three cases of three transitions each and returns
// the store and its file.
func chainFixture(t *testing.T) (*DB, string) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "civilflow.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for seq := int64(1); seq <= 3; seq++ {
		for i, id := range fixtureCases {
			c := newCase(id, "registrar", "110105")
			c.Seq = seq
			e := entry(id, seq, []string{"submit", "checks-passed", "register"}[seq-1], fmt.Sprintf("意见 %d/%d", i, seq))
			e.DeadlineName, e.DeadlineLastDay, e.DeadlineState = "cooling-off", "2026-04-01", DeadlineRunning
			if err := db.ApplyTransition(ctx, Transition{Summary: c, Entries: []AuditEntry{e}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	return db, path
}

// attacker opens the database file directly, bypassing the store, the way
// someone with access to the file would.
func attacker(t *testing.T, path string) *sql.DB {
	t.Helper()
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

func mustExec(t *testing.T, db *sql.DB, query string, args ...any) {
	t.Helper()
	if _, err := db.Exec(query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// rehash recomputes both chains from global #from on, as an attacker who
// knows the algorithm would after editing a row.
func rehash(t *testing.T, raw *sql.DB, from int64) {
	t.Helper()
	rows, err := raw.Query(auditSelect + ` ORDER BY global_seq`)
	if err != nil {
		t.Fatal(err)
	}
	var all []chainRow
	for rows.Next() {
		r, err := scanChainRow(rows)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, r)
	}
	rows.Close()
	caseHead := map[string]string{}
	globalPrev := ""
	for _, r := range all {
		v := parseVRow(r)
		if v.gs >= from {
			h := r.entryHash(caseHead[r.caseID])
			gh := globalHash(r.globalSeq, globalPrev, h)
			mustExec(t, raw, `UPDATE audit_entries SET case_prev_hash = ?, hash = ?, global_prev_hash = ?, global_hash = ?
WHERE global_seq = ?`, caseHead[r.caseID], h, globalPrev, gh, v.gs)
			r.hash.String, r.globalHash.String = h, gh
		}
		caseHead[r.caseID], globalPrev = r.hash.String, r.globalHash.String
	}
}

func TestChainIsIntactAndLinked(t *testing.T) {
	ctx := context.Background()
	db, _ := chainFixture(t)
	head, err := db.ChainHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := db.VerifyAudit(ctx, []Checkpoint{{GlobalSeq: head.GlobalSeq, Hash: head.Hash}})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Intact || rep.Entries != 9 || rep.Cases != 3 || rep.Head != head || head.GlobalSeq != 9 || rep.CheckpointsMatched != 1 {
		t.Fatalf("report %+v, head %+v; want intact, 9 entries in 3 cases, head #9, 1 checkpoint matched", rep, head)
	}
	recs, err := db.AuditRecords(ctx, fixtureCases[0])
	if err != nil {
		t.Fatal(err)
	}
	prev := ""
	for i, r := range recs {
		if want := int64(1 + 3*i); r.GlobalSeq != want || r.PrevHash != prev || len(r.Hash) != 64 {
			t.Errorf("entry %d: global #%d prev %q hash %q; want #%d linked to %q", r.Seq, r.GlobalSeq, r.PrevHash, r.Hash, want, prev)
		}
		if r.DeadlineName != "cooling-off" || r.DeadlineState != DeadlineRunning || r.DeadlineLastDay != "2026-04-01" {
			t.Errorf("entry %d: limit %q %q %q not kept", r.Seq, r.DeadlineName, r.DeadlineLastDay, r.DeadlineState)
		}
		prev = r.Hash
	}
	if problems, err := db.VerifyCaseChain(ctx, fixtureCases[0]); err != nil || len(problems) != 0 {
		t.Fatalf("VerifyCaseChain = %v, %v; want no problems", problems, err)
	}

	// A retried transition inserts nothing and leaves the chain where it was.
	c := newCase(fixtureCases[0], "registrar", "110105")
	c.Seq = 3
	if err := db.ApplyTransition(ctx, Transition{Summary: c, Entries: []AuditEntry{entry(fixtureCases[0], 3, "register", "RETRIED")}}); err != nil {
		t.Fatal(err)
	}
	if again, _ := db.ChainHead(ctx); again != head {
		t.Fatalf("a retry moved the head from %+v to %+v", head, again)
	}
}

// tampering is one way of tampering with the fixture and what Verify must say.
type tampering struct {
	name   string
	tamper func(t *testing.T, raw *sql.DB)
	// checkpoint: give Verify a checkpoint of the head taken before tampering.
	checkpoint bool
	// the first problem reported
	kind      string
	caseID    string
	seq       int64
	globalSeq int64
	// count is the number of problems reported.
	count int
}

func TestVerifyNamesTampering(t *testing.T) {
	a, b, c := fixtureCases[0], fixtureCases[1], fixtureCases[2]
	tests := []tampering{
		{"edit an opinion", func(t *testing.T, raw *sql.DB) {
			mustExec(t, raw, `UPDATE audit_entries SET opinion = '同意' WHERE case_id = ? AND seq = 2`, a)
		}, false, ProblemAltered, a, 2, 4, 1},
		{"edit a time", func(t *testing.T, raw *sql.DB) {
			mustExec(t, raw, `UPDATE audit_entries SET at = '2026-03-01T00:00:00.000000000Z' WHERE case_id = ? AND seq = 3`, b)
		}, false, ProblemAltered, b, 3, 8, 1},
		{"edit the limit state", func(t *testing.T, raw *sql.DB) {
			mustExec(t, raw, `UPDATE audit_entries SET deadline_state = 'met' WHERE case_id = ? AND seq = 1`, c)
		}, false, ProblemAltered, c, 1, 3, 1},
		{"edit and recompute the entry hash", func(t *testing.T, raw *sql.DB) {
			var r chainRow
			row := raw.QueryRow(auditSelect+` WHERE case_id = ? AND seq = 2`, a)
			r, err := scanChainRow(row)
			if err != nil {
				t.Fatal(err)
			}
			r.actorName = "李四"
			mustExec(t, raw, `UPDATE audit_entries SET actor_name = ?, hash = ? WHERE case_id = ? AND seq = 2`,
				r.actorName, r.entryHash(r.casePrev.String), a)
		}, false, ProblemAltered, a, 2, 4, 1},
		{"delete an entry", func(t *testing.T, raw *sql.DB) {
			mustExec(t, raw, `DELETE FROM audit_entries WHERE case_id = ? AND seq = 2`, a)
		}, false, ProblemDeleted, a, 2, 4, 1},
		{"delete the newest entry, no checkpoint", func(t *testing.T, raw *sql.DB) {
			mustExec(t, raw, `DELETE FROM audit_entries WHERE global_seq = 9`)
		}, false, ProblemDeleted, c, 3, 0, 1},
		{"delete the newest entry, checkpointed", func(t *testing.T, raw *sql.DB) {
			mustExec(t, raw, `DELETE FROM audit_entries WHERE global_seq = 9`)
		}, true, ProblemTruncated, c, 3, 9, 1},
		{"delete the newest entries and fix the summary, checkpointed", func(t *testing.T, raw *sql.DB) {
			mustExec(t, raw, `DELETE FROM audit_entries WHERE global_seq >= 8`)
			mustExec(t, raw, `UPDATE cases SET seq = 2 WHERE id IN (?, ?)`, b, c)
		}, true, ProblemTruncated, "", 0, 8, 1},
		{"insert a forged entry", func(t *testing.T, raw *sql.DB) {
			mustExec(t, raw, `INSERT INTO audit_entries (case_id, seq, at, actor_subject, actor_name, role, office, action,
outcome, stage_from, stage_to, opinion, legal_basis, global_seq, case_prev_hash, hash, global_prev_hash, global_hash)
VALUES (?, 4, '2026-03-03T09:00:00.000000000Z', 'registrar-7', '王芳', 'registrar', '110105', 'refuse', 'refused',
'review', 'refused', '伪造', '', 10, ?, ?, ?, ?)`, a, strings.Repeat("a", 64), strings.Repeat("b", 64),
				strings.Repeat("c", 64), strings.Repeat("d", 64))
		}, false, ProblemInserted, a, 4, 10, 1},
		{"insert a row without chain columns", func(t *testing.T, raw *sql.DB) {
			mustExec(t, raw, `INSERT INTO audit_entries (case_id, seq, at, actor_subject, actor_name, role, office, action,
outcome, stage_from, stage_to, opinion, legal_basis)
VALUES (?, 4, '2026-03-03T09:00:00.000000000Z', 'registrar-7', '王芳', 'registrar', '110105', 'refuse', 'refused',
'review', 'refused', '伪造', '')`, b)
		}, false, ProblemInserted, b, 4, 0, 1},
		{"reorder two entries", func(t *testing.T, raw *sql.DB) {
			mustExec(t, raw, `UPDATE audit_entries SET global_seq = -1 WHERE global_seq = 4`)
			mustExec(t, raw, `UPDATE audit_entries SET global_seq = 4 WHERE global_seq = 5`)
			mustExec(t, raw, `UPDATE audit_entries SET global_seq = 5 WHERE global_seq = -1`)
		}, false, ProblemReordered, b, 2, 4, 2},
		{"swap the transition numbers of two entries", func(t *testing.T, raw *sql.DB) {
			mustExec(t, raw, `UPDATE audit_entries SET seq = -1 WHERE case_id = ? AND seq = 1`, a)
			mustExec(t, raw, `UPDATE audit_entries SET seq = 1 WHERE case_id = ? AND seq = 2`, a)
			mustExec(t, raw, `UPDATE audit_entries SET seq = 2 WHERE case_id = ? AND seq = -1`, a)
		}, false, ProblemAltered, a, 2, 1, 2},
		{"edit and recompute both chains, checkpointed", func(t *testing.T, raw *sql.DB) {
			mustExec(t, raw, `UPDATE audit_entries SET opinion = '同意' WHERE case_id = ? AND seq = 2`, a)
			rehash(t, raw, 4)
		}, true, ProblemCheckpoint, c, 3, 9, 1},
	}
	// Besides the default, chunks of 2 and 3 rows (9 in all) put every kind
	// of finding across a chunk boundary, and end on one.
	defer func(n int) { verifyChunk = n }(verifyChunk)
	for _, chunk := range []int{verifyChunk, 2, 3} {
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s/chunk %d", tt.name, chunk), func(t *testing.T) {
				verifyChunk = chunk
				verifyTampering(t, tt)
			})
		}
	}
}

// verifyTampering tampers with a fresh fixture and checks the first problem
// and the number of problems Verify reports.
func verifyTampering(t *testing.T, tt tampering) {
	t.Helper()
	ctx := context.Background()
	db, path := chainFixture(t)
	var cps []Checkpoint
	if tt.checkpoint {
		head, err := db.ChainHead(ctx)
		if err != nil {
			t.Fatal(err)
		}
		cps = []Checkpoint{{At: time.Now(), GlobalSeq: 3}, {At: time.Now(), GlobalSeq: head.GlobalSeq, Hash: head.Hash}}
		// The early checkpoint must match the untouched start of the chain.
		h, _, err := db.globalHashAt(ctx, 3)
		if err != nil {
			t.Fatal(err)
		}
		cps[0].Hash = h
	}
	tt.tamper(t, attacker(t, path))

	rep, err := db.VerifyAudit(ctx, cps)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Intact || len(rep.Problems) == 0 {
		t.Fatalf("tampering not detected: %+v", rep)
	}
	for _, p := range rep.Problems {
		t.Logf("%v", p)
	}
	first := rep.Problems[0]
	if first.Kind != tt.kind || first.CaseID != tt.caseID || first.Seq != tt.seq || first.GlobalSeq != tt.globalSeq {
		t.Errorf("first problem %v; want %s case %q seq %d global #%d\nall: %v",
			first, tt.kind, tt.caseID, tt.seq, tt.globalSeq, rep.Problems)
	}
	if rep.ProblemCount != tt.count {
		t.Errorf("%d problems, want %d: %v", rep.ProblemCount, tt.count, rep.Problems)
	}
	if tt.checkpoint && tt.kind != ProblemTruncated && tt.kind != ProblemCheckpoint && rep.CheckpointsMatched != 2 {
		t.Errorf("%d checkpoints matched, want 2", rep.CheckpointsMatched)
	}
}

func TestVerifyCaseChainNamesTampering(t *testing.T) {
	ctx := context.Background()
	db, path := chainFixture(t)
	a := fixtureCases[0]
	raw := attacker(t, path)
	mustExec(t, raw, `UPDATE audit_entries SET opinion = '同意' WHERE case_id = ? AND seq = 3`, a)
	problems, err := db.VerifyCaseChain(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	want := []ChainProblem{{Kind: ProblemAltered, CaseID: a, Seq: 3, GlobalSeq: 7, Detail: "the entry's fields no longer match its hash"}}
	if !reflect.DeepEqual(problems, want) {
		t.Fatalf("problems %v, want %v", problems, want)
	}
	// Another case is not affected.
	if problems, _ := db.VerifyCaseChain(ctx, fixtureCases[1]); len(problems) != 0 {
		t.Fatalf("untouched case reports %v", problems)
	}
	mustExec(t, raw, `DELETE FROM audit_entries WHERE case_id = ? AND seq = 1`, fixtureCases[1])
	problems, err = db.VerifyCaseChain(ctx, fixtureCases[1])
	if err != nil || len(problems) != 1 || problems[0].Kind != ProblemDeleted || problems[0].Seq != 1 {
		t.Fatalf("after deleting entry 1: %v, %v", problems, err)
	}
}

func TestEntryHashCoversEveryField(t *testing.T) {
	base := rowOf(entry("C-1", 1, "register", "同意"))
	base.deadlineName, base.deadlineLastDay, base.deadlineState = "window", "2026-04-01", DeadlineRunning
	want := base.entryHash("prev")
	fields := []*string{&base.caseID, &base.seq, &base.at, &base.actorSubject, &base.actorName, &base.role,
		&base.office, &base.action, &base.outcome, &base.stageFrom, &base.stageTo, &base.opinion, &base.legalBasis,
		&base.deadlineName, &base.deadlineLastDay, &base.deadlineState}
	for i, f := range fields {
		old := *f
		*f += "x"
		if base.entryHash("prev") == want {
			t.Errorf("field %d does not change the hash", i)
		}
		*f = old
	}
	if base.entryHash("other") == want {
		t.Error("the previous hash does not change the hash")
	}
	// Moving text between neighbouring fields must change it too.
	moved := base
	moved.opinion, moved.legalBasis = base.opinion+base.legalBasis[:3], base.legalBasis[3:]
	if moved.entryHash("prev") == want {
		t.Error("moving text between fields keeps the hash")
	}
	if globalHash("1", "", want) == globalHash("2", "", want) {
		t.Error("the global number does not change the global hash")
	}
}

func TestSealLegacyAudit(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	// A database at migration 1, with a trail written before the chain.
	old, err := openSQLite(path)
	if err != nil {
		t.Fatal(err)
	}
	only1, err := subFS(sqliteMigrations, "migrations/sqlite/0001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	if err := old.migrate(ctx, only1, "migrations/sqlite"); err != nil {
		t.Fatal(err)
	}
	for i, id := range []string{"OLD-0001", "OLD-0002"} {
		if _, err := old.sql.Exec(`INSERT INTO cases (id, procedure_id, procedure_version, title, office, submitter, status,
stage, stage_title, outcome, waiting_role, waiting_office, waiting_province, waiting_city, due_order, submitted_at, updated_at, seq)
VALUES (?, 'p', 1, 't', '110105', 's', 'closed', 'done', 'd', 'approved', '', '', '', '', ?, ?, ?, 2)`,
			id, noDeadline, formatTime(t0), formatTime(t0)); err != nil {
			t.Fatal(err)
		}
		for seq := 1; seq <= 2; seq++ {
			if _, err := old.sql.Exec(`INSERT INTO audit_entries (case_id, seq, at, actor_subject, actor_name, role, office,
action, outcome, stage_from, stage_to, opinion, legal_basis) VALUES (?, ?, ?, 'u', 'n', 'registrar', '110105', 'a', '', '', '', '', '')`,
				id, seq, formatTime(t0.Add(time.Duration(2*seq+i)*time.Minute))); err != nil {
				t.Fatal(err)
			}
		}
	}
	old.Close()

	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rep, err := db.VerifyAudit(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Intact || rep.ProblemCount != 4 || rep.Problems[0].Kind != ProblemUnsealed {
		t.Fatalf("before sealing: %+v; want 4 unsealed entries", rep)
	}
	if n, err := db.SealLegacyAudit(ctx); err != nil || n != 4 {
		t.Fatalf("SealLegacyAudit = %d, %v; want 4", n, err)
	}
	if n, err := db.SealLegacyAudit(ctx); err != nil || n != 0 {
		t.Fatalf("second SealLegacyAudit = %d, %v; want 0", n, err)
	}
	// Numbered in time order: OLD-0001/1, OLD-0002/1, OLD-0001/2, OLD-0002/2.
	recs, _ := db.AuditRecords(ctx, "OLD-0002")
	if len(recs) != 2 || recs[0].GlobalSeq != 2 || recs[1].GlobalSeq != 4 {
		t.Fatalf("legacy numbering %+v", recs)
	}
	// New entries extend the sealed chain.
	c := newCase("NEW-0001", "registrar", "110105")
	if err := db.ApplyTransition(ctx, Transition{Summary: c, Entries: []AuditEntry{entry("", 1, "submit", "")}}); err != nil {
		t.Fatal(err)
	}
	if rep, err = db.VerifyAudit(ctx, nil); err != nil || !rep.Intact || rep.Entries != 5 {
		t.Fatalf("after sealing: %+v, %v", rep, err)
	}
}

func TestCheckpointer(t *testing.T) {
	ctx := context.Background()
	db, path := chainFixture(t)
	file := filepath.Join(filepath.Dir(path), CheckpointFile)
	quiet := slog.New(slog.DiscardHandler)
	cp := &Checkpointer{DB: db, Path: file, Logger: quiet}

	first, wrote, err := cp.Checkpoint(ctx)
	if err != nil || !wrote || first.GlobalSeq != 9 || len(first.Hash) != 64 {
		t.Fatalf("first checkpoint %+v wrote=%v err=%v", first, wrote, err)
	}
	if _, wrote, _ := cp.Checkpoint(ctx); wrote {
		t.Error("a checkpoint was written although the head did not move")
	}
	c := newCase("MAR-110105-20260302-0009", "registrar", "110105")
	if err := db.ApplyTransition(ctx, Transition{Summary: c, Entries: []AuditEntry{entry("", 1, "submit", "")}}); err != nil {
		t.Fatal(err)
	}
	// A new Checkpointer (a restart) picks up where the file ends.
	cp = &Checkpointer{DB: db, Path: file, Logger: quiet}
	second, wrote, err := cp.Checkpoint(ctx)
	if err != nil || !wrote || second.GlobalSeq != 10 {
		t.Fatalf("second checkpoint %+v wrote=%v err=%v", second, wrote, err)
	}
	cps, err := ReadCheckpointFile(file)
	if err != nil || len(cps) != 2 || cps[0].GlobalSeq != 9 || cps[1].Hash != second.Hash {
		t.Fatalf("file holds %+v, %v", cps, err)
	}
	if rep, err := db.VerifyAudit(ctx, cps); err != nil || !rep.Intact || rep.CheckpointsMatched != 2 {
		t.Fatalf("verify with checkpoints: %+v, %v", rep, err)
	}
}

func TestReadCheckpointsRejectsDamage(t *testing.T) {
	tests := []struct {
		name, text string
		ok         bool
	}{
		{"empty", "", true},
		{"two lines and a blank", `{"at":"2026-03-02T01:00:00Z","globalSeq":3,"hash":"` + strings.Repeat("a", 64) + `"}` + "\n\n" +
			`{"at":"2026-03-02T02:00:00Z","globalSeq":0,"hash":""}` + "\n", true},
		{"not JSON", "globalSeq=3\n", false},
		{"unknown field", `{"globalSeq":3,"hash":"` + strings.Repeat("a", 64) + `","note":"x"}`, false},
		{"short hash", `{"globalSeq":3,"hash":"abc"}`, false},
		{"negative", `{"globalSeq":-1,"hash":""}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadCheckpoints(strings.NewReader(tt.text))
			if (err == nil) != tt.ok {
				t.Fatalf("ReadCheckpoints = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}

func TestOfficeRange(t *testing.T) {
	tests := []struct {
		division, lo, hi string
		ok               bool
	}{
		{"000000", "", "", true},
		{"410000", "41", "41:", true},
		{"410100", "4101", "4101:", true},
		{"410105", "410105", "410105:", true},
		{"990000", "99", "99:", true},
		{"4101", "", "", false},
		{"41010x", "", "", false},
	}
	for _, tt := range tests {
		lo, hi, ok := officeRange(tt.division)
		if lo != tt.lo || hi != tt.hi || ok != tt.ok {
			t.Errorf("officeRange(%q) = %q, %q, %v; want %q, %q, %v", tt.division, lo, hi, ok, tt.lo, tt.hi, tt.ok)
		}
	}
}

// subFS copies the named files of fsys into a file system of their own.
func subFS(fsys fs.FS, names ...string) (fs.FS, error) {
	out := fstest.MapFS{}
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		out[n] = &fstest.MapFile{Data: b}
	}
	return out, nil
}
