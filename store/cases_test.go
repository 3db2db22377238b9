package store

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
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
