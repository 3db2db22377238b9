package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// caseIDs returns the case IDs of items, in order.
func caseIDs(items []TaskItem) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.ID
	}
	return out
}

func holderOf(t *testing.T, db *DB, id string) string {
	t.Helper()
	var h string
	if err := db.conn().queryRow(context.Background(), `SELECT task_holder FROM cases WHERE id = ?`, id).Scan(&h); err != nil {
		t.Fatal(err)
	}
	return h
}

func readerSubjects(t *testing.T, db *DB, id string) []string {
	t.Helper()
	rs, err := db.Readers(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rs {
		out = append(out, r.Subject)
	}
	return out
}

func TestSetTaskStateFollowsTheRecordedTransition(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	c := newCase("MAR-110105-20260302-0001", "registrar", "110105")
	if err := db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	r := func(s string, minutes int) Reader {
		return Reader{Subject: s, Name: "读者" + s, By: "reg-a", At: t0.Add(time.Duration(minutes) * time.Minute)}
	}
	if err := db.SetTaskState(ctx, c.ID, 1, TaskState{Holder: "reg-a", Readers: []Reader{r("r2", 2), r("r1", 1), r("r2", 3), {}}}); err != nil {
		t.Fatal(err)
	}
	if h := holderOf(t, db, c.ID); h != "reg-a" {
		t.Errorf("holder %q, want reg-a", h)
	}
	if got := readerSubjects(t, db, c.ID); !slices.Equal(got, []string{"r1", "r2"}) {
		t.Errorf("readers %v, want [r1 r2] (in the order copied, once each)", got)
	}
	for subject, want := range map[string]bool{"r1": true, "r2": true, "reg-a": false, "": false} {
		if got, err := db.IsReader(ctx, c.ID, subject); err != nil || got != want {
			t.Errorf("IsReader(%q) = %v, %v; want %v", subject, got, err, want)
		}
	}

	// Transition 2 is recorded; a late write of transition 1 changes nothing.
	next := c
	next.Seq = 2
	if err := db.ApplyTransition(ctx, Transition{Summary: next}); err != nil {
		t.Fatal(err)
	}
	if err := db.SetTaskState(ctx, c.ID, 1, TaskState{Holder: "reg-b"}); err != nil {
		t.Fatalf("outdated write: %v", err)
	}
	if h := holderOf(t, db, c.ID); h != "reg-a" {
		t.Errorf("an outdated write changed the holder to %q", h)
	}
	for range 2 { // the second is a retry
		if err := db.SetTaskState(ctx, c.ID, 2, TaskState{Readers: []Reader{r("r1", 1)}}); err != nil {
			t.Fatal(err)
		}
		if h := holderOf(t, db, c.ID); h != "" {
			t.Errorf("holder %q after release, want none", h)
		}
		if got := readerSubjects(t, db, c.ID); !slices.Equal(got, []string{"r1"}) {
			t.Errorf("readers %v, want [r1]", got)
		}
	}
	if err := db.SetTaskState(ctx, c.ID, 3, TaskState{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("a transition not yet recorded: %v, want ErrInvalid", err)
	}
	if err := db.SetTaskState(ctx, "MAR-110105-20260302-9999", 1, TaskState{}); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown case: %v, want ErrNotFound", err)
	}
}

// todoFixture records the cases of the to-do tests:
//
//	A registrar@110105, in the pool, due in 1 day
//	B registrar@110105, held by reg-b, due in 2 days
//	C registrar@110105, held by reg-a, due in 3 days
//	D approver@110000 of a 110105 case, delegated to reg-a (outside reg-a's grants), due in 4 days
//	E registrar@110106, in the pool, due in 5 days
//	F registrar@110105, closed
//	G registrar@110105, in the pool, a divorce without deadline, submitted first
//	H registrar@110100, a city-level task of a 110105 case, due in 6 days
func todoFixture(t *testing.T) (*DB, map[string]string) {
	t.Helper()
	ctx := context.Background()
	db := openTest(t)
	day := 24 * time.Hour
	ids := map[string]string{}
	add := func(name, role, waitingOffice, holder string, due time.Duration, submitted time.Duration, edit func(*CaseSummary)) {
		id := fmt.Sprintf("MAR-110105-20260302-%04d", len(ids)+1)
		ids[name] = id
		c := newCase(id, role, waitingOffice)
		c.Office = "110105"
		if waitingOffice == "110106" {
			c.Office = "110106"
		}
		c.SubmittedAt = t0.Add(submitted)
		if due > 0 {
			d := t0.Add(due)
			c.DueAt = &d
		}
		if edit != nil {
			edit(&c)
		}
		if err := db.CreateCase(ctx, c); err != nil {
			t.Fatal(err)
		}
		if err := db.SetTaskState(ctx, id, c.Seq, TaskState{Holder: holder}); err != nil {
			t.Fatal(err)
		}
	}
	add("A", "registrar", "110105", "", 1*day, 0, nil)
	add("B", "registrar", "110105", "reg-b", 2*day, time.Hour, nil)
	add("C", "registrar", "110105", "reg-a", 3*day, 2*time.Hour, nil)
	add("D", "approver", "110000", "reg-a", 4*day, 3*time.Hour, func(c *CaseSummary) { c.Stage = "approval" })
	add("E", "registrar", "110106", "", 5*day, 4*time.Hour, nil)
	add("F", "registrar", "110105", "", 1*day, 5*time.Hour, func(c *CaseSummary) {
		c.Status, c.Outcome = StatusClosed, "approved"
	})
	add("G", "registrar", "110105", "", 0, -time.Hour, func(c *CaseSummary) {
		c.ProcedureID, c.Title, c.Stage = "divorce-registration", "离婚登记 divorce registration", "cooling-off"
	})
	add("H", "registrar", "110100", "", 6*day, 6*time.Hour, nil)
	return db, ids
}

func TestListToDo(t *testing.T) {
	ctx := context.Background()
	db, id := todoFixture(t)
	names := func(items []TaskItem) string {
		var out []string
		for _, it := range items {
			for n, v := range id {
				if v == it.ID {
					out = append(out, n)
				}
			}
		}
		return strings.Join(out, "")
	}
	regA := []Grant{{"registrar", "110105"}}
	city := []Grant{{"registrar", "110100"}}
	due := t0.Add(60 * time.Hour)
	tests := []struct {
		name    string
		subject string
		grants  []Grant
		filter  TaskFilter
		page    Page
		want    string
		total   int
	}{
		{"the pool and what I hold, nearest deadline first", "reg-a", regA, TaskFilter{}, Page{}, "ACDG", 4},
		{"a task claimed by another is not mine", "reg-b", regA, TaskFilter{}, Page{}, "ABG", 3},
		{"a city grant sees its districts and itself, not tasks held by others", "reg-c", city, TaskFilter{}, Page{}, "AEHG", 4},
		{"without grants only what I hold", "reg-a", nil, TaskFilter{}, Page{}, "CD", 2},
		{"another province sees nothing", "reg-x", []Grant{{"registrar", "410000"}}, TaskFilter{}, Page{}, "", 0},
		{"nationwide sees every pool", "reg-n", []Grant{{"registrar", "000000"}}, TaskFilter{}, Page{}, "AEHG", 4},
		{"a role not held sees nothing", "reg-x", []Grant{{"supervisor", "110000"}}, TaskFilter{}, Page{}, "", 0},
		{"without a subject only the pool", "", regA, TaskFilter{}, Page{}, "AG", 2},
		{"procedure", "reg-a", regA, TaskFilter{Procedure: "divorce-registration"}, Page{}, "G", 1},
		{"stage", "reg-a", regA, TaskFilter{Stage: "approval"}, Page{}, "D", 1},
		{"office of the grant", "reg-a", regA, TaskFilter{Office: "110105"}, Page{}, "ACDG", 4},
		{"office covering the grant", "reg-a", regA, TaskFilter{Office: "110000"}, Page{}, "ACDG", 4},
		{"office outside the grant", "reg-a", regA, TaskFilter{Office: "110106"}, Page{}, "", 0},
		{"office within a city grant", "reg-c", city, TaskFilter{Office: "110106"}, Page{}, "E", 1},
		{"office of the case, not of the task", "reg-c", city, TaskFilter{Office: "110105"}, Page{}, "AHG", 3},
		{"due before leaves out later and no deadline", "reg-a", regA, TaskFilter{DueBefore: &due}, Page{}, "A", 1},
		{"text in the ID, any case", "reg-a", regA, TaskFilter{Text: "mar-110105-20260302-0003"}, Page{}, "C", 1},
		{"text in the title", "reg-a", regA, TaskFilter{Text: "离婚"}, Page{}, "G", 1},
		{"text in the title, any case", "reg-a", regA, TaskFilter{Text: "DIVORCE"}, Page{}, "G", 1},
		{"wildcards are literal", "reg-a", regA, TaskFilter{Text: "_"}, Page{}, "", 0},
		{"percent is literal", "reg-a", regA, TaskFilter{Text: "%"}, Page{}, "", 0},
		{"by submission", "reg-a", regA, TaskFilter{Sort: SortSubmitted}, Page{}, "GACD", 4},
		{"by submission, newest first", "reg-a", regA, TaskFilter{Sort: SortSubmitted, Descending: true}, Page{}, "DCAG", 4},
		{"by deadline, farthest first", "reg-a", regA, TaskFilter{Descending: true}, Page{}, "GDCA", 4},
		{"a page across branches", "reg-a", regA, TaskFilter{}, Page{Limit: 2, Offset: 1}, "CD", 4},
		{"the last page", "reg-a", regA, TaskFilter{}, Page{Limit: 2, Offset: 3}, "G", 4},
		{"past the end", "reg-a", regA, TaskFilter{}, Page{Offset: 4}, "", 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, total, err := db.ListToDo(ctx, tt.subject, tt.grants, tt.filter, tt.page)
			if err != nil {
				t.Fatal(err)
			}
			if got := names(items); got != tt.want || total != tt.total {
				t.Errorf("got %s total %d, want %s total %d", got, total, tt.want, tt.total)
			}
		})
	}

	items, _, err := db.ListToDo(ctx, "reg-a", regA, TaskFilter{}, Page{})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		wantHolder := map[string]string{id["C"]: "reg-a", id["D"]: "reg-a"}[it.ID]
		if it.Holder != wantHolder || len(it.Parties) != 2 || it.State != nil {
			t.Errorf("%s: holder %q parties %v state %s", it.ID, it.Holder, it.Parties, it.State)
		}
	}

	for _, bad := range []struct {
		grants []Grant
		filter TaskFilter
	}{
		{[]Grant{{"registrar", "1101"}}, TaskFilter{}},
		{regA, TaskFilter{Sort: "title"}},
		{regA, TaskFilter{Office: "beijing"}},
	} {
		if _, _, err := db.ListToDo(ctx, "reg-a", bad.grants, bad.filter, Page{}); !errors.Is(err, ErrInvalid) {
			t.Errorf("ListToDo(%v, %+v): %v, want ErrInvalid", bad.grants, bad.filter, err)
		}
	}
}

func TestListDoneAndCopied(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	entry := func(actor, role, action string, seq int64) AuditEntry {
		return AuditEntry{Seq: seq, At: t0.Add(time.Duration(seq) * time.Minute), ActorSubject: actor, ActorName: actor,
			Role: role, Office: "110105", Action: action}
	}
	cases := []struct {
		entries []AuditEntry
		closed  bool
		readers []string
	}{
		0: {entries: []AuditEntry{entry("reg-a", "registrar", "register", 2)}},
		1: {entries: []AuditEntry{entry("reg-a", "registrar", "claim", 2), entry("reg-a", "registrar", "release", 3)}, readers: []string{"reg-a"}},
		2: {entries: []AuditEntry{entry("reg-a", "", "submit", 1), entry("reg-a", "applicant", "withdraw", 2)}},
		3: {entries: []AuditEntry{entry("reg-b", "registrar", "register", 2)}, readers: []string{"reg-b", "reg-a"}},
		4: {entries: []AuditEntry{entry("reg-a", "approver", "approve", 2)}, closed: true},
	}
	var id []string
	for i, tc := range cases {
		c := newCase(fmt.Sprintf("MAR-110105-20260302-%04d", i+1), "registrar", "110105")
		c.SubmittedAt = t0.Add(time.Duration(i) * time.Hour)
		if err := db.CreateCase(ctx, c); err != nil {
			t.Fatal(err)
		}
		c.Seq = 5
		if tc.closed {
			c.Status, c.Outcome, c.WaitingRole, c.WaitingOffice = StatusClosed, "approved", "", ""
		}
		if err := db.ApplyTransition(ctx, Transition{Summary: c, Entries: tc.entries}); err != nil {
			t.Fatal(err)
		}
		var rs []Reader
		for _, s := range tc.readers {
			rs = append(rs, Reader{Subject: s, Name: s, By: "reg-x", At: t0})
		}
		if err := db.SetTaskState(ctx, c.ID, c.Seq, TaskState{Readers: rs}); err != nil {
			t.Fatal(err)
		}
		id = append(id, c.ID)
	}

	done, total, err := db.ListDone(ctx, "reg-a", TaskFilter{Sort: SortSubmitted}, Page{})
	if err != nil {
		t.Fatal(err)
	}
	if got := caseIDs(done); !slices.Equal(got, []string{id[0], id[4]}) || total != 2 {
		t.Errorf("done by reg-a = %v total %d; want %v (claims, releases and a party's own steps do not count)", got, total, []string{id[0], id[4]})
	}
	done, total, err = db.ListDone(ctx, "reg-a", TaskFilter{Sort: SortSubmitted, Descending: true, Text: "0005"}, Page{})
	if err != nil || !slices.Equal(caseIDs(done), []string{id[4]}) || total != 1 {
		t.Errorf("done filtered by text = %v total %d, %v", caseIDs(done), total, err)
	}
	if done, total, err := db.ListDone(ctx, "reg-c", TaskFilter{}, Page{}); err != nil || len(done) != 0 || total != 0 {
		t.Errorf("done by someone who did nothing = %v total %d, %v", caseIDs(done), total, err)
	}

	copied, total, err := db.ListCopied(ctx, "reg-a", TaskFilter{Sort: SortSubmitted, Descending: true}, Page{})
	if err != nil {
		t.Fatal(err)
	}
	if got := caseIDs(copied); !slices.Equal(got, []string{id[3], id[1]}) || total != 2 {
		t.Errorf("copied to reg-a = %v total %d; want %v", got, total, []string{id[3], id[1]})
	}
	copied, total, err = db.ListCopied(ctx, "reg-a", TaskFilter{Sort: SortSubmitted}, Page{Limit: 1, Offset: 1})
	if err != nil || !slices.Equal(caseIDs(copied), []string{id[3]}) || total != 2 {
		t.Errorf("second page of copied = %v total %d, %v", caseIDs(copied), total, err)
	}
	if _, _, err := db.ListCopied(ctx, "reg-a", TaskFilter{Office: "11"}, Page{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad office: %v, want ErrInvalid", err)
	}
}

// planSteps returns SQLite's plan for query as (id, parent, detail) rows.
func planSteps(tb testing.TB, db *DB, query string, args []any) [][3]string {
	tb.Helper()
	rows, err := db.sql.QueryContext(context.Background(), `EXPLAIN QUERY PLAN `+query, args...)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var steps [][3]string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			tb.Fatal(err)
		}
		steps = append(steps, [3]string{fmt.Sprint(id), fmt.Sprint(parent), detail})
	}
	return steps
}

// todoFilters are the filters the plan test and the latency report try.
func todoFilters() []struct {
	name   string
	filter TaskFilter
} {
	due := t0.Add(10 * 24 * time.Hour)
	return []struct {
		name   string
		filter TaskFilter
	}{
		{"default", TaskFilter{}},
		{"submitted-desc", TaskFilter{Sort: SortSubmitted, Descending: true}},
		{"due-desc", TaskFilter{Descending: true}},
		{"procedure+stage", TaskFilter{Procedure: "marriage-registration", Stage: "review"}},
		{"office", TaskFilter{Office: "410105"}},
		{"due-before", TaskFilter{DueBefore: &due}},
		{"text", TaskFilter{Text: "bench-0012"}},
	}
}

// TestToDoUsesIndexes: every read of cases in a to-do page is a range of a
// to-do index or of cases_held, and a pool branch comes out of its index in
// order (no sort of its matches), whatever the sort and filters; counts
// read the indexes alone unless the text filter needs the title.
func TestToDoUsesIndexes(t *testing.T) {
	db := openTest(t)
	loadCases(t, db, 3000)
	for _, bg := range benchGrants {
		for _, tf := range todoFilters() {
			p := Page{}.normalize()
			q, err := todoQuery("S00000000000000001", bg.grants, tf.filter, p)
			if err != nil {
				t.Fatal(err)
			}
			where := bg.name + "/" + tf.name
			steps := planSteps(t, db, q.pageSQL, append(q.pageArgs, p.Limit, p.Offset))
			pool := map[string]bool{} // the co-routines reading a to-do index
			for _, s := range steps {
				if !strings.Contains(s[2], " cases ") && !strings.HasSuffix(s[2], " cases") {
					continue
				}
				switch {
				case strings.Contains(s[2], "INDEX cases_todo_"):
					pool[s[1]] = true
				case strings.Contains(s[2], "INDEX cases_held "):
				default:
					t.Errorf("%s: step %q reads cases without a to-do index", where, s[2])
				}
			}
			if len(pool) == 0 && tf.filter.Office == "" {
				t.Errorf("%s: no step reads a to-do index: %v", where, steps)
			}
			for _, s := range steps {
				if pool[s[1]] && strings.Contains(s[2], "TEMP B-TREE") {
					t.Errorf("%s: a pool branch sorts its matches: %v", where, steps)
				}
			}
			for _, s := range planSteps(t, db, q.countSQL, q.countArgs) {
				if strings.Contains(s[2], "INDEX cases_todo_") && !strings.Contains(s[2], "COVERING INDEX") {
					t.Errorf("%s: the count reads the table: %q", where, s[2])
				}
			}
		}
	}
}

// loadToDo bulk-loads n cases like loadCases (without parties, which a
// to-do page reads only for its own rows), then gives 5 % of the open
// tasks a holder among 200 people and copies every 50th case to someone.
func loadToDo(tb testing.TB, db *DB, n int) {
	tb.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(3, 4))
	roles := []string{"registrar", "reviewer", "approver", ""}
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()
	insert, err := tx.PrepareContext(ctx, insertCaseSQL)
	if err != nil {
		tb.Fatal(err)
	}
	hold, err := tx.PrepareContext(ctx, `UPDATE cases SET task_holder = ? WHERE id = ?`)
	if err != nil {
		tb.Fatal(err)
	}
	for i := range n {
		office := fmt.Sprintf("%02d%02d%02d", 11+rng.IntN(31), 1+rng.IntN(10), 1+rng.IntN(8))
		c := newCase(fmt.Sprintf("BENCH-%06d", i), roles[rng.IntN(len(roles))], office)
		c.Submitter = fmt.Sprintf("S%017d", rng.IntN(50000))
		c.SubmittedAt = t0.Add(time.Duration(i) * time.Minute)
		c.State = nil
		if rng.IntN(10) < 8 {
			d := c.SubmittedAt.Add(time.Duration(rng.IntN(30*24)) * time.Hour)
			c.DueAt = &d
		}
		if rng.IntN(10) < 3 {
			c.Status, c.Outcome, c.WaitingRole, c.WaitingOffice = StatusClosed, "approved", "", ""
		}
		if _, err := insert.ExecContext(ctx, caseArgs(c)...); err != nil {
			tb.Fatal(err)
		}
		if c.Status == StatusOpen && c.WaitingRole != "" && rng.IntN(20) == 0 {
			if _, err := hold.ExecContext(ctx, fmt.Sprintf("S%017d", rng.IntN(200)), c.ID); err != nil {
				tb.Fatal(err)
			}
		}
		if i%50 == 0 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO case_readers (case_id, subject, name, copied_by, copied_at) VALUES (?, ?, '', '', ?)`,
				c.ID, fmt.Sprintf("S%017d", rng.IntN(200)), formatTime(t0)); err != nil {
				tb.Fatal(err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
}

// TestToDoLatency100k reports (it does not assert: machines differ) the
// p50 and p99 of one to-do page (count and the first 50 rows) over 100,000
// cases, for grants of every jurisdiction level and each filter and sort.
// Run with -v to see the figures; -short skips the ~10 s load.
func TestToDoLatency100k(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 100,000 cases")
	}
	const (
		n    = 100_000
		runs = 100
	)
	ctx := context.Background()
	db := openTest(t)
	start := time.Now()
	loadToDo(t, db, n)
	t.Logf("loaded %d cases in %v", n, time.Since(start).Round(time.Millisecond))
	subject := fmt.Sprintf("S%017d", 7) // holds some tasks
	var all []time.Duration
	for _, bg := range benchGrants {
		for _, tf := range todoFilters() {
			_, total, err := db.ListToDo(ctx, subject, bg.grants, tf.filter, Page{})
			if err != nil {
				t.Fatal(err)
			}
			took := make([]time.Duration, runs)
			for i := range runs {
				s := time.Now()
				if _, _, err := db.ListToDo(ctx, subject, bg.grants, tf.filter, Page{}); err != nil {
					t.Fatal(err)
				}
				took[i] = time.Since(s)
			}
			all = append(all, took...)
			p50, p99 := percentiles(took)
			t.Logf("%-13s %-16s %6d matches  p50 %8v  p99 %8v", bg.name, tf.name, total, p50, p99)
		}
	}
	p50, p99 := percentiles(all)
	t.Logf("all to-do queries over %d cases: p50 %v, p99 %v", n, p50, p99)
	took := make([]time.Duration, runs)
	var copied int
	for i := range runs {
		s := time.Now()
		var err error
		if _, copied, err = db.ListCopied(ctx, subject, TaskFilter{}, Page{}); err != nil {
			t.Fatal(err)
		}
		took[i] = time.Since(s)
	}
	p50, p99 = percentiles(took)
	t.Logf("copied to me: %d matches  p50 %v  p99 %v", copied, p50, p99)
}

// percentiles returns the 50th and 99th percentile of ds (nearest rank).
func percentiles(ds []time.Duration) (p50, p99 time.Duration) {
	s := slices.Clone(ds)
	slices.Sort(s)
	rank := func(p int) time.Duration { return s[(len(s)*p+99)/100-1] }
	return rank(50).Round(time.Microsecond), rank(99).Round(time.Microsecond)
}

// TestTaskListsMigrationBackfills: cases recorded before 0009 take their
// holder and readers from their state snapshot.
func TestTaskListsMigrationBackfills(t *testing.T) {
	ctx := context.Background()
	old, err := openSQLite(filepath.Join(t.TempDir(), "old.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	names, err := fs.Glob(sqliteMigrations, "migrations/sqlite/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	before, err := subFS(sqliteMigrations, slices.DeleteFunc(names, func(n string) bool { return strings.Contains(n, "/0009_") })...)
	if err != nil {
		t.Fatal(err)
	}
	if err := old.migrate(ctx, before, "migrations/sqlite"); err != nil {
		t.Fatal(err)
	}
	states := map[string]string{
		"OLD-0001": `{"assignment":{"role":"registrar","office":"110105","holder":"reg-a"},
			"readers":[{"subject":"chief","name":"科长","by":"reg-a","at":"2026-03-02T02:00:00Z"},{"subject":""}]}`,
		"OLD-0002": `{"assignment":{"role":"registrar","office":"110105"}}`,
		"OLD-0003": `not json`,
	}
	for id, state := range states {
		c := newCase(id, "registrar", "110105")
		c.State = nil
		if err := createCase(ctx, old.conn(), c); err != nil {
			t.Fatal(err)
		}
		if _, err := old.sql.Exec(`UPDATE cases SET state = ? WHERE id = ?`, state, id); err != nil {
			t.Fatal(err)
		}
	}
	if err := old.migrate(ctx, sqliteMigrations, "migrations/sqlite"); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]string{"OLD-0001": "reg-a", "OLD-0002": "", "OLD-0003": ""} {
		if h := holderOf(t, old, id); h != want {
			t.Errorf("%s: holder %q, want %q", id, h, want)
		}
	}
	rs, err := old.Readers(ctx, "OLD-0001")
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || rs[0].Subject != "chief" || rs[0].Name != "科长" || rs[0].By != "reg-a" || !rs[0].At.Equal(time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)) {
		t.Errorf("readers of OLD-0001: %+v", rs)
	}
}
