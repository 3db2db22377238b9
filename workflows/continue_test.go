package workflows_test

import (
	"errors"
	"testing"
	"time"

	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/workflow"

	"civilflow/procedures"
	"civilflow/workflows"
)

// benefit is paid monthly and reviewed at the end of every month: a case
// that never ends on its own, so its history must be restarted now and then.
const benefit = `
id: test-benefit
code: TBN
version: 1
title: {zh: 测试给付, en: Test benefit}
applicants: {min: 2, max: 2}
form: {type: object}
start: review
stages:
  - id: review
    kind: task
    title: {zh: 审核, en: Review}
    actions:
      - {id: approve, by: registrar, next: paid}
  - id: paid
    kind: wait
    title: {zh: 享受待遇, en: Receiving}
    timer: {name: review-cycle, length: 1, unit: months, from: stage-entry, onExpiry: periodic-review}
    actions:
      - {id: stop, by: registrar, next: stopped, opinionRequired: true}
  - id: periodic-review
    kind: task
    title: {zh: 定期核查, en: Periodic review}
    actions:
      - {id: continue, by: registrar, next: paid}
      - {id: stop, by: registrar, next: stopped, opinionRequired: true}
  - {id: stopped, kind: end, outcome: terminated}
`

func benefitInput(f *fixture) workflows.CaseInput {
	return workflows.CaseInput(tasksInput(f, benefit))
}

// TestLongCaseContinuesAsNew runs monthly reviews until the history passes
// its limit, then checks that the continued case picks up where it stood:
// same stage, same period, and the review comes on time.
func TestLongCaseContinuesAsNew(t *testing.T) {
	f := newFixture(t, received("2026-01-05"))
	f.at("2026-01-05", 11, func() { f.act("approve", registrar, "") })
	// Each month the review comes due; the registrar continues the benefit.
	for _, day := range []string{"2026-02-06", "2026-03-07", "2026-04-08"} {
		f.at(day, 10, func() { f.act("continue", registrar, "") })
	}
	// The server suggests continue-as-new once a history grows long; the
	// test environment is told to, as the server would be.
	f.at("2026-04-08", 9, func() { f.env.SetContinueAsNewSuggested(true) })
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, benefitInput(f))
	if !f.env.IsWorkflowCompleted() {
		t.Fatal("workflow did not finish its run")
	}
	var can *workflow.ContinueAsNewError
	if err := f.env.GetWorkflowError(); !errors.As(err, &can) {
		t.Fatalf("expected continue-as-new, got %v", err)
	}
	var next workflows.CaseInput
	if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &next); err != nil {
		t.Fatal(err)
	}
	r := next.Resume
	if r == nil || r.State.Stage != "paid" || r.State.Status != workflows.StatusOpen {
		t.Fatalf("resumption %+v", r)
	}
	var cycle workflows.Deadline
	for _, d := range r.State.Deadlines {
		if d.Active {
			cycle = d
		}
	}
	if cycle.Name != "review-cycle" || len(r.State.Timeline) != 8 {
		t.Fatalf("carried deadline %+v, %d timeline entries", cycle, len(r.State.Timeline))
	}

	// The continued run: nothing recomputed, the review arrives at the
	// carried period's end, and the case goes on from there.
	g := newFixture(t, f.env.Now())
	var review workflows.CaseState
	due := cycle.EndsAt
	g.env.RegisterDelayedCallback(func() { review = g.state() }, due.Sub(g.env.Now())+time.Hour)
	g.env.RegisterDelayedCallback(func() { g.act("stop", registrar, "家庭收入已超过保障标准") }, due.Sub(g.env.Now())+2*time.Hour)
	g.env.ExecuteWorkflow(workflows.CaseWorkflowName, next)
	st := g.result()
	if review.Stage != "periodic-review" || review.Seq <= r.State.Seq {
		t.Fatalf("after the carried period: stage %s seq %d (carried %d)", review.Stage, review.Seq, r.State.Seq)
	}
	if st.Outcome != procedures.OutcomeTerminated {
		t.Fatalf("outcome %s", st.Outcome)
	}
	if st.Timeline[0].Action != "submit" || st.Timeline[len(st.Timeline)-1].Seq != int64(len(st.Timeline)) {
		t.Fatalf("the timeline did not carry over: first %+v, %d entries", st.Timeline[0], len(st.Timeline))
	}
}
