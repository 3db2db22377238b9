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

func TestCaseStats(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	now := t0.Add(10 * 24 * time.Hour)
	past, future := now.Add(-48*time.Hour), now.Add(48*time.Hour)
	type row struct {
		id, procedure, office, stage, outcome string
		reasons                               []string
		due                                   *time.Time
		submitted                             time.Time
		closedAfter                           time.Duration
	}
	rows := []row{
		{"M1", "marriage-registration", "110105", "registered", "approved", nil, nil, t0, 72 * time.Hour},
		{"M2", "marriage-registration", "110105", "refused", "refused", []string{"legal-marriage-age"}, nil, t0, time.Hour},
		{"M3", "marriage-registration", "110108", "registrar-review", "", nil, &past, t0, 0},
		{"D1", "divorce-registration", "410105", "cooling-off", "", nil, &future, t0, 0},
		{"D2", "divorce-registration", "110105", "not-accepted", "not-accepted", []string{"divorce-agreement", ReasonOpinion}, nil, t0.Add(24 * time.Hour), time.Hour},
		{"M4", "marriage-registration", "110105", "refused", "refused", []string{"legal-marriage-age", ReasonOpinion}, nil, t0.Add(5 * 24 * time.Hour), time.Hour},
	}
	for _, r := range rows {
		c := newCase(r.id, "registrar", r.office)
		c.ProcedureID, c.Title, c.Office, c.Stage, c.StageTitle = r.procedure, r.procedure+" title", r.office, r.stage, r.stage+" title"
		c.SubmittedAt, c.DueAt = r.submitted, r.due
		if r.outcome != "" {
			c.Status, c.Outcome, c.WaitingRole, c.WaitingOffice = StatusClosed, r.outcome, "", ""
			c.UpdatedAt, c.Reasons = r.submitted.Add(r.closedAfter), r.reasons
		}
		if err := db.ApplyTransition(ctx, Transition{Summary: c}); err != nil {
			t.Fatal(err)
		}
	}

	st, err := db.CaseStats(ctx, StatsFilter{Division: "110000", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	wantProc := []ProcedureCount{
		{"divorce-registration", "divorce-registration title", 1, 0, 1},
		{"marriage-registration", "marriage-registration title", 4, 1, 3},
	}
	if !reflect.DeepEqual(st.ByProcedure, wantProc) {
		t.Errorf("by procedure %+v, want %+v", st.ByProcedure, wantProc)
	}
	if want := []StageCount{{"marriage-registration", "registrar-review", "registrar-review title", 1}}; !reflect.DeepEqual(st.ByStage, want) {
		t.Errorf("by stage %+v, want %+v", st.ByStage, want)
	}
	if len(st.ByOffice) != 2 || st.ByOffice[0].Office != "110105" || st.ByOffice[0].Total != 4 || st.ByOffice[0].Overdue != 0 ||
		st.ByOffice[1].Office != "110108" || st.ByOffice[1].Overdue != 1 || st.ByOffice[1].OldestDue == nil || !st.ByOffice[1].OldestDue.Equal(past) {
		t.Errorf("by office %+v", st.ByOffice)
	}
	wantOutcomes := []OutcomeCount{{"approved", 1}, {"not-accepted", 1}, {"refused", 2}}
	if !reflect.DeepEqual(st.ByOutcome, wantOutcomes) {
		t.Errorf("by outcome %+v, want %+v", st.ByOutcome, wantOutcomes)
	}
	wantReasons := []ReasonCount{{"legal-marriage-age", 2}, {ReasonOpinion, 2}, {"divorce-agreement", 1}}
	if !reflect.DeepEqual(st.Refusals, wantReasons) {
		t.Errorf("refusals %+v, want %+v", st.Refusals, wantReasons)
	}
	approved := slices.IndexFunc(st.Closed, func(c ClosedCase) bool { return c.ClosedAt.Equal(t0.Add(72 * time.Hour)) })
	if len(st.Closed) != 4 || approved < 0 || st.Closed[approved].ProcedureID != "marriage-registration" ||
		!st.Closed[approved].SubmittedAt.Equal(t0) {
		t.Errorf("closed %+v", st.Closed)
	}

	// A window of submission days, and another jurisdiction.
	st, err = db.CaseStats(ctx, StatsFilter{Division: "110105", From: t0.Add(12 * time.Hour), To: t0.Add(4 * 24 * time.Hour), Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if len(st.ByProcedure) != 1 || st.ByProcedure[0].ProcedureID != "divorce-registration" || st.ByProcedure[0].Total != 1 {
		t.Errorf("window: %+v", st.ByProcedure)
	}
	st, err = db.CaseStats(ctx, StatsFilter{Division: "410000", Now: now})
	if err != nil || len(st.ByOffice) != 1 || st.ByOffice[0].Office != "410105" || st.ByOffice[0].Overdue != 0 {
		t.Errorf("Henan: %+v, %v", st.ByOffice, err)
	}
	if _, err := db.CaseStats(ctx, StatsFilter{Division: "1101"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad division: %v, want ErrInvalid", err)
	}
}

func TestCaseKeepsApplicationAndReasons(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	form := json.RawMessage(`{"applicants":[{"name":"张伟","idNumber":"110105199003071538"}]}`)
	c := newCase("MAR-0001", "registrar", "110105")
	c.Application = form
	if err := db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	// Transitions carry no form and must not erase it; they set reasons.
	next := newCase("MAR-0001", "", "")
	next.Seq, next.Status, next.Outcome, next.Reasons = 2, StatusClosed, "refused", []string{"legal-marriage-age", ReasonOpinion}
	if err := db.ApplyTransition(ctx, Transition{Summary: next}); err != nil {
		t.Fatal(err)
	}
	got, err := db.GetCase(ctx, "MAR-0001")
	if err != nil {
		t.Fatal(err)
	}
	if string(got.Application) != string(form) || !slices.Equal(got.Reasons, next.Reasons) {
		t.Errorf("application %s reasons %v", got.Application, got.Reasons)
	}
	// The summary written first (a transition racing the submission) still
	// gets the form when the submission's CreateCase arrives.
	early := newCase("MAR-0002", "registrar", "110105")
	early.Seq = 3
	if err := db.ApplyTransition(ctx, Transition{Summary: early}); err != nil {
		t.Fatal(err)
	}
	late := newCase("MAR-0002", "registrar", "110105")
	late.Application = form
	if err := db.CreateCase(ctx, late); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.GetCase(ctx, "MAR-0002"); string(got.Application) != string(form) || got.Seq != 3 || got.Reasons != nil {
		t.Errorf("late CreateCase: application %s seq %d reasons %v", got.Application, got.Seq, got.Reasons)
	}
	bad := newCase("MAR-0003", "registrar", "110105")
	bad.Application = json.RawMessage(`{"x":`)
	if err := db.CreateCase(ctx, bad); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad application: %v, want ErrInvalid", err)
	}
}
