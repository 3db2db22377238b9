package store

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 2, 9, 30, 0, 123456789, time.UTC)

// newCase returns an open case waiting for role at waitingOffice.
func newCase(id, waitingRole, waitingOffice string) CaseSummary {
	return CaseSummary{
		ID:               id,
		ProcedureID:      "marriage-registration",
		ProcedureVersion: 1,
		Title:            "结婚登记 marriage registration",
		Office:           waitingOffice,
		Submitter:        "110105199001011234",
		Parties:          []string{"110105199001011234", "110105199202022345"},
		Status:           StatusOpen,
		Stage:            "review",
		StageTitle:       "审查 review",
		WaitingRole:      waitingRole,
		WaitingOffice:    waitingOffice,
		SubmittedAt:      t0,
		UpdatedAt:        t0,
		Seq:              1,
		State:            json.RawMessage(`{"stage":"review"}`),
	}
}

func TestCreateCaseRoundTripAndIdempotent(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	due := t0.Add(72 * time.Hour).In(time.FixedZone("CST", 8*3600))
	c := newCase("MR-110105-20260302-0001", "registrar", "110105")
	c.DueAt = &due
	c.Parties = []string{"B", "A", "B", ""} // order kept, duplicates and blanks dropped

	if err := db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	// A retried activity, even with different content, is not an error and changes nothing.
	again := c
	again.Stage = "other"
	if err := db.CreateCase(ctx, again); err != nil {
		t.Fatalf("second CreateCase: %v", err)
	}

	got, err := db.GetCase(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Stage != "review" {
		t.Errorf("second CreateCase overwrote the case: stage %q", got.Stage)
	}
	if !slices.Equal(got.Parties, []string{"B", "A"}) {
		t.Errorf("parties = %v, want [B A]", got.Parties)
	}
	if got.DueAt == nil || !got.DueAt.Equal(due) || got.DueAt.Location() != time.UTC {
		t.Errorf("due = %v, want %v in UTC", got.DueAt, due)
	}
	if !got.SubmittedAt.Equal(t0) || !got.UpdatedAt.Equal(t0) {
		t.Errorf("times = %v, %v, want %v (nanoseconds kept)", got.SubmittedAt, got.UpdatedAt, t0)
	}
	if string(got.State) != `{"stage":"review"}` {
		t.Errorf("state = %s", got.State)
	}
	want := c
	want.Parties, want.DueAt, want.State = got.Parties, got.DueAt, got.State
	want.SubmittedAt, want.UpdatedAt = got.SubmittedAt, got.UpdatedAt
	if !reflect.DeepEqual(got, want) {
		t.Errorf("GetCase = %+v\nwant %+v", got, want)
	}
	if n := count(t, db, "case_parties"); n != 2 {
		t.Errorf("%d party rows, want 2", n)
	}
}

func TestCreateCaseValidation(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	tests := []struct {
		name   string
		mutate func(*CaseSummary)
	}{
		{"no ID", func(c *CaseSummary) { c.ID = "" }},
		{"bad status", func(c *CaseSummary) { c.Status = "pending" }},
		{"bad state", func(c *CaseSummary) { c.State = json.RawMessage(`{"x":`) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCase("X-0001", "registrar", "110105")
			tt.mutate(&c)
			if err := db.CreateCase(ctx, c); !errors.Is(err, ErrInvalid) {
				t.Fatalf("CreateCase = %v, want ErrInvalid", err)
			}
		})
	}
}

func TestGetCaseNotFound(t *testing.T) {
	db := openTest(t)
	if _, err := db.GetCase(context.Background(), "nope"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("GetCase = %v, want ErrNotFound", err)
	}
}

func entry(caseID string, seq int64, action, opinion string) AuditEntry {
	return AuditEntry{
		CaseID: caseID, Seq: seq, At: t0.Add(time.Duration(seq) * time.Minute),
		ActorSubject: "registrar-7", ActorName: "王芳", Role: "registrar", Office: "110105",
		Action: action, StageFrom: "review", StageTo: "decided", Opinion: opinion,
		LegalBasis: "《婚姻登记条例》第七条",
	}
}

func TestApplyTransition(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	id := "MR-0001"
	c1 := newCase(id, "registrar", "110105")
	if err := db.CreateCase(ctx, c1); err != nil {
		t.Fatal(err)
	}

	// Transition 3 arrives first (with entries 2 and 3).
	c3 := c1
	c3.Seq, c3.Stage, c3.Status, c3.Outcome, c3.WaitingRole, c3.WaitingOffice = 3, "done", StatusClosed, "approved", "", ""
	c3.Parties = []string{"C"}
	c3.UpdatedAt = t0.Add(time.Hour)
	t3 := Transition{Summary: c3, Entries: []AuditEntry{entry(id, 2, "accept", "materials complete"), entry("", 3, "approve", "符合条件")}}
	if err := db.ApplyTransition(ctx, t3); err != nil {
		t.Fatal(err)
	}
	// A retry of the same transition inserts nothing twice.
	if err := db.ApplyTransition(ctx, t3); err != nil {
		t.Fatal(err)
	}
	// The older transition 2 arrives late: its summary must not win, and its
	// already-recorded entry keeps the first content.
	c2 := c1
	c2.Seq, c2.Stage = 2, "review-late"
	t2 := Transition{Summary: c2, Entries: []AuditEntry{entry(id, 2, "accept", "REPLAYED")}}
	if err := db.ApplyTransition(ctx, t2); err != nil {
		t.Fatal(err)
	}
	// An equal seq does not overwrite either.
	c3b := c3
	c3b.Stage = "same-seq"
	if err := db.ApplyTransition(ctx, Transition{Summary: c3b}); err != nil {
		t.Fatal(err)
	}

	got, err := db.GetCase(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if got.Seq != 3 || got.Stage != "done" || got.Status != StatusClosed || got.Outcome != "approved" {
		t.Errorf("summary = seq %d stage %q status %q outcome %q, want 3 done closed approved", got.Seq, got.Stage, got.Status, got.Outcome)
	}
	if !slices.Equal(got.Parties, []string{"C"}) {
		t.Errorf("parties = %v, want [C] from transition 3", got.Parties)
	}
	trail, err := db.AuditTrail(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(trail) != 2 {
		t.Fatalf("audit trail has %d entries, want 2: %+v", len(trail), trail)
	}
	want := []AuditEntry{entry(id, 2, "accept", "materials complete"), entry(id, 3, "approve", "符合条件")}
	for i := range want {
		if !trail[i].At.Equal(want[i].At) {
			t.Errorf("entry %d at %v, want %v", i, trail[i].At, want[i].At)
		}
		trail[i].At = want[i].At
	}
	if !reflect.DeepEqual(trail, want) {
		t.Errorf("trail = %+v\nwant %+v", trail, want)
	}

	// Entries of a delayed transition that never got recorded are still
	// recorded, even though its summary is outdated.
	if err := db.ApplyTransition(ctx, Transition{Summary: c1, Entries: []AuditEntry{entry(id, 1, "submit", "")}}); err != nil {
		t.Fatal(err)
	}
	if trail, _ := db.AuditTrail(ctx, id); len(trail) != 3 || trail[0].Seq != 1 {
		t.Errorf("trail after late entry = %+v, want seq 1, 2, 3", trail)
	}
}

func TestApplyTransitionCreatesMissingCase(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	c := newCase("MR-0009", "registrar", "110105")
	c.Seq = 5
	if err := db.ApplyTransition(ctx, Transition{Summary: c, Entries: []AuditEntry{entry("", 5, "x", "")}}); err != nil {
		t.Fatal(err)
	}
	// CreateCase arriving after the transition must not reset it.
	c0 := c
	c0.Seq, c0.Stage = 0, "submitted"
	if err := db.CreateCase(ctx, c0); err != nil {
		t.Fatal(err)
	}
	got, err := db.GetCase(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Seq != 5 || got.Stage != "review" {
		t.Errorf("got seq %d stage %q, want 5 review", got.Seq, got.Stage)
	}
}

func TestApplyTransitionRejectsBadEntries(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	c := newCase("MR-0001", "registrar", "110105")
	tests := []struct {
		name    string
		entries []AuditEntry
	}{
		{"other case", []AuditEntry{entry("MR-0002", 1, "x", "")}},
		{"duplicate seq", []AuditEntry{entry("", 1, "x", ""), entry("", 1, "y", "")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := db.ApplyTransition(ctx, Transition{Summary: c, Entries: tt.entries}); !errors.Is(err, ErrInvalid) {
				t.Fatalf("ApplyTransition = %v, want ErrInvalid", err)
			}
		})
	}
	// Nothing of the rejected transitions was written.
	if n := count(t, db, "cases"); n != 0 {
		t.Errorf("%d cases written by rejected transitions", n)
	}
}

func TestPageNormalize(t *testing.T) {
	tests := []struct{ in, want Page }{
		{Page{}, Page{Limit: 50}},
		{Page{Limit: -1, Offset: -5}, Page{Limit: 50}},
		{Page{Limit: 10, Offset: 20}, Page{Limit: 10, Offset: 20}},
		{Page{Limit: 1000}, Page{Limit: 200}},
	}
	for _, tt := range tests {
		if got := tt.in.normalize(); got != tt.want {
			t.Errorf("%+v.normalize() = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func ids(cs []CaseSummary) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

func TestListInbox(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	due := func(h int) *time.Time { d := t0.Add(time.Duration(h) * time.Hour); return &d }
	type row struct {
		id, role, office string
		due              *time.Time
		submittedMin     int
		closed           bool
	}
	rows := []row{
		{"A-410105", "reviewer", "410105", due(48), 0, false},
		{"B-410102", "reviewer", "410102", due(24), 1, false},
		{"C-410100", "reviewer", "410100", nil, 2, false}, // the city office itself
		{"D-411002", "reviewer", "411002", nil, 1, false}, // another city of Henan
		{"E-420105", "reviewer", "420105", due(12), 3, false},
		{"F-410105-closed", "reviewer", "410105", due(1), 4, true},
		{"G-410105-approver", "approver", "410105", due(2), 5, false},
		{"H-none", "", "", nil, 6, false}, // waiting on a timer
	}
	for _, r := range rows {
		c := newCase(r.id, r.role, r.office)
		c.DueAt = r.due
		c.SubmittedAt = t0.Add(time.Duration(r.submittedMin) * time.Minute)
		if r.closed {
			c.Status, c.Outcome = StatusClosed, "approved"
		}
		if err := db.CreateCase(ctx, c); err != nil {
			t.Fatal(err)
		}
	}

	tests := []struct {
		name   string
		grants []Grant
		want   []string // in inbox order
	}{
		{"district sees itself only", []Grant{{"reviewer", "410105"}}, []string{"A-410105"}},
		{"city sees its districts, not another province", []Grant{{"reviewer", "410100"}},
			[]string{"B-410102", "A-410105", "C-410100"}},
		{"province sees its cities", []Grant{{"reviewer", "410000"}},
			[]string{"B-410102", "A-410105", "D-411002", "C-410100"}},
		{"nationwide sees all open for the role", []Grant{{"reviewer", "000000"}},
			[]string{"E-420105", "B-410102", "A-410105", "D-411002", "C-410100"}},
		{"role mismatch sees nothing", []Grant{{"clerk", "000000"}}, nil},
		{"empty role sees nothing", []Grant{{"", "000000"}}, nil},
		{"no grants", nil, nil},
		{"several grants, overlapping", []Grant{{"reviewer", "420105"}, {"approver", "410100"}, {"reviewer", "410105"}, {"reviewer", "410100"}},
			[]string{"G-410105-approver", "E-420105", "B-410102", "A-410105", "C-410100"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs, total, err := db.ListInbox(ctx, tt.grants, Page{})
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(cs); !slices.Equal(got, tt.want) && (len(got) > 0 || len(tt.want) > 0) {
				t.Errorf("inbox = %v, want %v", got, tt.want)
			}
			if total != len(tt.want) {
				t.Errorf("total = %d, want %d", total, len(tt.want))
			}
			for _, c := range cs {
				if len(c.Parties) != 2 || c.State != nil {
					t.Errorf("%s: parties %v state %s; want 2 parties and no state in lists", c.ID, c.Parties, c.State)
				}
			}
		})
	}

	// Paging: total counts every match, the page only its window.
	cs, total, err := db.ListInbox(ctx, []Grant{{"reviewer", "000000"}}, Page{Limit: 2, Offset: 1})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(cs); total != 5 || !slices.Equal(got, []string{"B-410102", "A-410105"}) {
		t.Errorf("page = %v total %d, want [B-410102 A-410105] total 5", got, total)
	}
	// The same across several grants, whose pages are merged.
	multi := []Grant{{"reviewer", "410100"}, {"reviewer", "420105"}, {"approver", "410105"}}
	cs, total, err = db.ListInbox(ctx, multi, Page{Limit: 2, Offset: 2})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(cs); total != 5 || !slices.Equal(got, []string{"B-410102", "A-410105"}) {
		t.Errorf("multi-grant page = %v total %d, want [B-410102 A-410105] total 5", got, total)
	}
	// Deep in one grant's share: each grant must contribute Offset+Limit rows.
	cs, _, err = db.ListInbox(ctx, multi, Page{Limit: 1, Offset: 3})
	if got := ids(cs); err != nil || !slices.Equal(got, []string{"A-410105"}) {
		t.Errorf("multi-grant page 4 = %v, %v; want [A-410105]", got, err)
	}
	cs, total, err = db.ListInbox(ctx, []Grant{{"reviewer", "000000"}}, Page{Offset: 99})
	if err != nil || len(cs) != 0 || total != 5 {
		t.Errorf("past the end = %v, %d, %v; want empty, 5, nil", ids(cs), total, err)
	}

	// Closing a case by a transition takes it out of the inbox.
	c := newCase("A-410105", "", "")
	c.Seq, c.Status, c.Outcome = 2, StatusClosed, "refused"
	if err := db.ApplyTransition(ctx, Transition{Summary: c}); err != nil {
		t.Fatal(err)
	}
	if cs, _, _ := db.ListInbox(ctx, []Grant{{"reviewer", "410105"}}, Page{}); len(cs) != 0 {
		t.Errorf("closed case still in inbox: %v", ids(cs))
	}

	for _, bad := range []string{"", "4101", "41010x", "4101050"} {
		if _, _, err := db.ListInbox(ctx, []Grant{{"reviewer", bad}}, Page{}); !errors.Is(err, ErrInvalid) {
			t.Errorf("division %q: err = %v, want ErrInvalid", bad, err)
		}
	}
}

func TestListInboxUsesIndexes(t *testing.T) {
	db := openTest(t)
	loadCases(t, db, 3000)
	// Every read of the cases table must be an inbox index range, and a
	// single grant's page must come out of its index already in order.
	for _, bg := range benchGrants {
		plan := queryPlan(t, db, bg.grants)
		for _, step := range plan {
			if strings.Contains(step, " cases") && !strings.HasPrefix(step, "SEARCH cases USING INDEX cases_inbox_") {
				t.Errorf("%s: step %q does not use an inbox index; plan %v", bg.name, step, plan)
			}
			if len(bg.grants) == 1 && strings.Contains(step, "TEMP B-TREE") {
				t.Errorf("%s: single grant sorts; plan %v", bg.name, plan)
			}
		}
	}
}

func TestNormalizeGrants(t *testing.T) {
	got, err := normalizeGrants([]Grant{
		{"a", "410105"}, {"a", "410100"}, {"a", "410100"}, {"b", "410105"}, {"b", "000000"}, {"", "110000"}, {"c", "420105"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []Grant{{"a", "410100"}, {"b", "000000"}, {"c", "420105"}}
	if !slices.Equal(got, want) {
		t.Errorf("normalizeGrants = %v, want %v", got, want)
	}
}

func TestListByParty(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	mk := func(id, submitter string, parties []string, minute int) {
		c := newCase(id, "registrar", "110105")
		c.Submitter, c.Parties = submitter, parties
		c.SubmittedAt = t0.Add(time.Duration(minute) * time.Minute)
		if err := db.CreateCase(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	mk("1-party", "X", []string{"X", "P"}, 1)
	mk("2-submitter-only", "P", []string{"Y", "Z"}, 2)
	mk("3-other", "Q", []string{"Q"}, 3)
	mk("4-both", "P", []string{"P"}, 4)

	tests := []struct {
		subject string
		page    Page
		want    []string
		total   int
	}{
		{"P", Page{}, []string{"4-both", "2-submitter-only", "1-party"}, 3},
		{"P", Page{Limit: 1, Offset: 1}, []string{"2-submitter-only"}, 3},
		{"Q", Page{}, []string{"3-other"}, 1},
		{"nobody", Page{}, nil, 0},
	}
	for _, tt := range tests {
		cs, total, err := db.ListByParty(ctx, tt.subject, tt.page)
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(cs); !slices.Equal(got, tt.want) || total != tt.total {
			t.Errorf("ListByParty(%s, %+v) = %v total %d, want %v total %d", tt.subject, tt.page, got, total, tt.want, tt.total)
		}
	}
}
