package activities

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"

	"civilflow/store"
	"civilflow/workflows"
)

// cst is a moment in China time.
func cst(day string, hour int) time.Time {
	d, err := time.ParseInLocation(time.DateOnly, day, workflows.ChinaTime)
	if err != nil {
		panic(err)
	}
	return d.Add(time.Duration(hour) * time.Hour)
}

func TestLimitAt(t *testing.T) {
	coolingEnds := cst("2026-04-02", 0) // last day 2026-04-01
	windowEnds := cst("2026-05-02", 0)
	clockEnds := cst("2026-03-20", 0)
	cooling := workflows.Deadline{Name: "cooling-off", From: "2026-03-02", LastDay: "2026-04-01", EndsAt: coolingEnds}
	window := workflows.Deadline{Name: "appearance-window", From: "2026-04-01", LastDay: "2026-05-01", EndsAt: windowEnds}
	decide := workflows.ClockState{Name: "decision", StartedOn: "2026-03-02", LastDay: "2026-03-19", EndsAt: &clockEnds}
	with := func(active bool, ds ...workflows.Deadline) []workflows.Deadline {
		for i := range ds {
			ds[i].Active = active && i == len(ds)-1
		}
		return ds
	}
	clock := func(status string) []workflows.ClockState {
		c := decide
		c.Status = status
		return []workflows.ClockState{c}
	}
	tests := []struct {
		name      string
		deadlines []workflows.Deadline
		clocks    []workflows.ClockState
		action    string
		at        time.Time
		prev      limit
		want      limit
	}{
		{"entering the cooling-off period", with(true, cooling), nil, "checks-passed", cst("2026-03-02", 10), limit{},
			limit{"cooling-off", "2026-04-01", workflows.ClockRunning}},
		{"withdrawn within the period", with(false, cooling), nil, "withdraw", cst("2026-03-10", 9), limit{},
			limit{"cooling-off", "2026-04-01", workflows.ClockMet}},
		{"the period runs out", with(true, cooling, window), nil, "expire:cooling-off", coolingEnds, limit{},
			limit{"cooling-off", "2026-04-01", workflows.ClockExpired}},
		{"registered in the window", with(false, cooling, window), nil, "register", cst("2026-04-10", 9), limit{},
			limit{"appearance-window", "2026-05-01", workflows.ClockMet}},
		{"on the last day of cooling-off the earlier period rules", with(false, cooling, window), nil, "withdraw",
			cst("2026-04-01", 20), limit{}, limit{"cooling-off", "2026-04-01", workflows.ClockMet}},
		{"closing after an expiry keeps it", with(false, cooling, window), nil, "close:deemed-withdrawn", windowEnds,
			limit{"appearance-window", "2026-05-01", workflows.ClockExpired}, limit{"appearance-window", "2026-05-01", workflows.ClockExpired}},
		{"other entries after every period have none", with(false, cooling), nil, "issue:divorce-certificate",
			cst("2026-06-01", 9), limit{"cooling-off", "", workflows.ClockMet}, limit{}},
		{"a running clock", nil, clock(workflows.ClockRunning), "accept", cst("2026-03-05", 9), limit{},
			limit{"decision", "2026-03-19", workflows.ClockRunning}},
		{"a running clock past its end is overdue", nil, clock(workflows.ClockRunning), "remind-later", cst("2026-03-21", 9), limit{},
			limit{"decision", "2026-03-19", workflows.ClockOverdue}},
		{"a suspended clock", nil, clock(workflows.ClockSuspended), "supply-materials", cst("2026-03-05", 9), limit{},
			limit{"decision", "2026-03-19", workflows.ClockSuspended}},
		{"escalation names its clock", nil, clock(workflows.ClockOverdue), "escalate:decision", clockEnds, limit{},
			limit{"decision", "2026-03-19", workflows.ClockOverdue}},
		{"an extension names its clock", nil, clock(workflows.ClockRunning), "extend:decision", cst("2026-03-10", 9), limit{},
			limit{"decision", "2026-03-19", workflows.ClockRunning}},
		{"a met clock is left out", nil, clock(workflows.ClockMet), "approve", cst("2026-03-10", 9), limit{}, limit{}},
		{"the nearest of a period and a clock", with(true, cooling), clock(workflows.ClockRunning), "note", cst("2026-03-05", 9), limit{},
			limit{"decision", "2026-03-19", workflows.ClockRunning}},
		{"nothing in force", nil, nil, "submit", cst("2026-03-02", 10), limit{}, limit{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := workflows.CaseState{Deadlines: tt.deadlines, Clocks: tt.clocks}
			got := limitAt(st, workflows.Event{Action: tt.action, At: tt.at}, tt.prev)
			if got != tt.want {
				t.Errorf("limitAt = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestReasonIDs(t *testing.T) {
	got := reasonIDs([]workflows.Reason{{Check: "legal-marriage-age"}, {Check: "legal-marriage-age"}, {}, {Check: "one-man-one-woman"}})
	want := []string{"legal-marriage-age", store.ReasonOpinion, "one-man-one-woman"}
	if !slices.Equal(got, want) {
		t.Errorf("reasonIDs = %v, want %v", got, want)
	}
	if reasonIDs(nil) != nil {
		t.Error("no reasons should be nil")
	}
}

// TestRecordTransitionKeepsReasonsAndLimits records a refusal the way the
// workflow reports it and reads the store back.
func TestRecordTransitionKeepsReasonsAndLimits(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "civilflow.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	a := &Activities{Store: db}
	received := cst("2026-03-02", 10)
	ends := cst("2026-03-20", 0)
	st := workflows.CaseState{
		CaseID: "MAR-110105-20260302-0001", ProcedureID: "marriage-registration", ProcedureVersion: 1, Office: "110105",
		Submitter: "S", ReceivedAt: received, Status: workflows.StatusClosed, Stage: "refused", Outcome: "refused", Seq: 2,
		Reasons: []workflows.Reason{{Check: "legal-marriage-age"}, {Check: "legal-marriage-age"}},
		Clocks: []workflows.ClockState{{Name: "decision", Status: workflows.ClockRunning, StartedOn: "2026-03-02",
			LastDay: "2026-03-19", EndsAt: &ends}},
		Timeline: []workflows.Event{{Seq: 1, At: received, Actor: "S", Action: "submit"},
			{Seq: 2, At: received, Actor: workflows.SystemActor, Action: "checks-failed"}},
	}
	if _, err := a.RecordTransition(ctx, workflows.RecordInput{State: st, NewEvents: st.Timeline}); err != nil {
		t.Fatal(err)
	}
	sum, err := db.GetCase(ctx, st.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(sum.Reasons, []string{"legal-marriage-age"}) {
		t.Errorf("reasons %v", sum.Reasons)
	}
	recs, err := db.AuditRecords(ctx, st.CaseID)
	if err != nil || len(recs) != 2 {
		t.Fatalf("records %+v, %v", recs, err)
	}
	if r := recs[1]; r.DeadlineName != "decision" || r.DeadlineLastDay != "2026-03-19" || r.DeadlineState != store.DeadlineRunning {
		t.Errorf("limit on the entry: %q %q %q", r.DeadlineName, r.DeadlineLastDay, r.DeadlineState)
	}
}

// TestBusinessErrorsStayNonRetryable: Temporal looks only at the top-level
// error, so a non-retryable refusal from a check or an issuer must not be
// wrapped on its way out.
func TestBusinessErrorsStayNonRetryable(t *testing.T) {
	refusal := temporal.NewNonRetryableApplicationError("bad identity number", "BadInput", nil)
	for _, err := range []error{storeErr("issue x", refusal), activityErr("check y", fmt.Errorf("deeper: %w", refusal))} {
		var appErr *temporal.ApplicationError
		if !errors.As(err, &appErr) || err != error(appErr) || !appErr.NonRetryable() {
			t.Fatalf("%v is not the non-retryable application error at the top", err)
		}
	}
	if err := storeErr("record", errors.New("database is locked")); errors.As(err, new(*temporal.ApplicationError)) {
		t.Fatalf("a transient failure became a business error: %v", err)
	}
}
