package workflows_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"go.temporal.io/sdk/testsuite"

	"civilflow/activities"
	"civilflow/procedures"
	"civilflow/store"
	"civilflow/workflows"
)

const tasksDef = `
id: test-tasks
code: TTK
version: 1
title: {zh: 任务测试, en: Task test}
applicants: {min: 2, max: 2}
form: {type: object}
start: review
stages:
  - id: review
    kind: task
    title: {zh: 审查, en: Review}
    actions:
      - {id: approve, by: registrar, next: decide}
  - id: decide
    kind: task
    title: {zh: 决定, en: Decision}
    distinctFrom: [review]
    returnTo: [review]
    actions:
      - {id: approve, by: approver, next: approved}
  - {id: approved, kind: end, outcome: approved}
`

// tasksInput starts a case of a test definition, filed by the couple of
// the marriage tests.
func tasksInput(f *fixture, src string) caseInput {
	p, err := procedures.Parse([]byte(src), activities.Catalog([]string{"registrar", "supervisor", "admin", "approver", "assessor"}))
	if err != nil {
		f.t.Fatal(err)
	}
	in := f.input("marriage-registration", fill(marriageForm))
	in.Procedure, in.CaseID = p.Definition, p.Code+"-110105-20260302-0001"
	return caseInput(in)
}

func staff(subject, name string, roles ...string) workflows.Actor {
	a := workflows.Actor{Subject: subject, Name: name}
	for _, r := range roles {
		role, div, _ := strings.Cut(r, ":")
		a.Roles = append(a.Roles, workflows.RoleGrant{Role: role, Division: div})
	}
	return a
}

var (
	reg1  = staff("reg-1", "一号", "registrar:110105")
	reg2  = staff("reg-2", "二号", "registrar:110105")
	appr1 = staff("appr-1", "甲", "approver:110105")
	appr2 = staff("appr-2", "乙", "approver:110105")
	both  = staff("both", "兼任", "registrar:110105", "approver:110105")
	sup   = staff("sup-1", "监察", "supervisor:110000")
)

type step struct {
	hour   int
	action string
	actor  workflows.Actor
	want   string // "" accepted, else part of the rejection
	edit   func(*workflows.ActRequest)
}

// play runs steps an hour apart from 11:00 on 2026-03-02 (the case is
// received at 10:00) and returns the final state.
func play(t *testing.T, f *fixture, in caseInput, steps []step) workflows.CaseState {
	t.Helper()
	outs := make([]*outcome, len(steps))
	for i, s := range steps {
		f.at("2026-03-02", 11+s.hour, func() {
			req := workflows.ActRequest{Action: s.action, Actor: s.actor, Opinion: "意见"}
			if s.edit != nil {
				s.edit(&req)
			}
			outs[i] = f.actReq(req)
		})
	}
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, workflows.CaseInput(in))
	st := f.result()
	for i, s := range steps {
		outs[i].expect(t, s.action+" by "+s.actor.Subject, s.want)
	}
	return st
}

func to(a workflows.Actor) func(*workflows.ActRequest) {
	return func(r *workflows.ActRequest) { r.Targets = []workflows.Actor{a} }
}

func (f *fixture) actReq(req workflows.ActRequest) *outcome {
	return f.actRaw(f.sign(req))
}

// actRaw sends req as it is, signed or not.
func (f *fixture) actRaw(req workflows.ActRequest) *outcome {
	o := &outcome{}
	f.env.UpdateWorkflow(workflows.UpdateAct, "", &testsuite.TestUpdateCallback{
		OnAccept: func() {},
		OnReject: func(err error) { o.done, o.rejected = true, err.Error() },
		OnComplete: func(_ any, err error) {
			o.done = true
			if err != nil {
				o.rejected = err.Error()
			}
		},
	}, req)
	return o
}

func TestClaimAndTransfer(t *testing.T) {
	f := newFixture(t, received("2026-03-02"))
	st := play(t, f, tasksInput(f, tasksDef), []step{
		{0, "claim", reg1, "", nil},
		{1, "approve", reg2, "claimed by 一号", nil},
		{2, "transfer", reg1, "cannot take the task", to(outsider)},
		{3, "transfer", reg1, "", to(reg2)},
		{4, "approve", reg1, "claimed by 二号", nil},
		{5, "release", reg2, "", nil},
		{6, "approve", reg1, "", nil},
		{7, "approve", appr1, "", nil},
	})
	if st.Outcome != procedures.OutcomeApproved || len(events(st, "transfer")) != 1 {
		t.Fatalf("outcome %s, timeline %+v", st.Outcome, st.Timeline)
	}
}

func TestDelegateFourEyesAndTakeBack(t *testing.T) {
	f := newFixture(t, received("2026-03-02"))
	st := play(t, f, tasksInput(f, tasksDef), []step{
		{0, "approve", both, "", nil},
		{1, "approve", both, "four eyes", nil},
		{2, "take-back", reg1, "only the person who made the last decision", nil},
		{3, "take-back", both, "", nil},
		{4, "approve", reg1, "", nil},
		{5, "claim", appr1, "", nil},
		{6, "take-back", reg1, "only the person who made the last decision", nil},
		{7, "delegate", appr1, "", to(appr2)},
		{8, "approve", appr2, "a delegate gives an opinion", nil},
		{9, "approve", appr1, "delegated to 乙", nil},
		{10, "resolve", appr2, "", nil},
		{11, "approve", appr1, "", nil},
	})
	if st.Outcome != procedures.OutcomeApproved {
		t.Fatalf("outcome %s", st.Outcome)
	}
	if tb := events(st, "take-back"); len(tb) != 1 || tb[0].StageTo != "review" {
		t.Fatalf("take-back %+v", tb)
	}
}

func TestReturnUrgeCopy(t *testing.T) {
	f := newFixture(t, received("2026-03-02"))
	var mid workflows.CaseState
	f.at("2026-03-02", 17, func() { mid = f.state() })
	st := play(t, f, tasksInput(f, tasksDef), []step{
		{0, "approve", reg1, "", nil},
		{1, "urge", spouseA, "", nil},
		{2, "urge", spouseA, "once a day", nil},
		{3, "urge", outsider, "only a party or a supervisor", nil},
		{4, "urge", sup, "", nil},
		{5, "copy", appr1, "", to(reg2)},
		{7, "return:review", appr1, "", nil},
		{8, "approve", reg2, "", nil},
		{9, "approve", appr1, "", nil},
	})
	if st.Outcome != procedures.OutcomeApproved || len(st.Urges) != 2 || len(st.Readers) != 1 || st.Readers[0].Subject != "reg-2" {
		t.Fatalf("outcome %s urges %+v readers %+v", st.Outcome, st.Urges, st.Readers)
	}
	if mid.Stage != "decide" || !slices.ContainsFunc(mid.NextActions, func(n workflows.NextAction) bool { return n.Action == "return:review" }) {
		t.Fatalf("at decide the return is not offered: %+v", mid.NextActions)
	}
	if r := events(st, "return:review"); len(r) != 1 || r[0].StageTo != "review" || r[0].Opinion == "" {
		t.Fatalf("return %+v", r)
	}
}

const sequentialDef = `
id: test-seq
code: TSQ
version: 1
title: {zh: 依次审批, en: Sequential}
applicants: {min: 2, max: 2}
form: {type: object}
start: chain
stages:
  - id: chain
    kind: countersign
    title: {zh: 依次审批, en: In turn}
    mode: sequential
    returnTo: [intake]
    signers:
      - {id: first, role: registrar, title: {zh: 科员, en: Clerk}}
      - {id: head, role: approver, title: {zh: 科长, en: Head}}
    onPass: approved
    onFail: refused
  - id: intake
    kind: task
    title: {zh: 受理, en: Intake}
    actions:
      - {id: accept, by: registrar, next: chain}
  - {id: approved, kind: end, outcome: approved}
  - {id: refused, kind: end, outcome: refused}
`

func TestSequentialCountersignWithAddedSigner(t *testing.T) {
	f := newFixture(t, received("2026-03-02"))
	st := play(t, f, tasksInput(f, sequentialDef), []step{
		{0, "agree", appr1, "it is the turn of slot first", nil},
		{1, "add-signer", reg1, "", func(r *workflows.ActRequest) { r.Targets, r.Position = []workflows.Actor{reg2}, "after" }},
		{2, "agree", reg1, "", nil},
		{3, "agree", appr1, "it is the turn of slot added-1", nil},
		{4, "add-signer", reg1, "already takes part", to(reg2)},
		{5, "remove-signer", reg1, "", func(r *workflows.ActRequest) { r.Slot = "added-1" }},
		{6, "agree", appr1, "", nil},
	})
	if st.Outcome != procedures.OutcomeApproved || len(st.Signatures) != 2 {
		t.Fatalf("outcome %s signatures %+v", st.Outcome, st.Signatures)
	}
}

func TestEmptyApproverGoesUp(t *testing.T) {
	f := newFixture(t, received("2026-03-02"))
	// The directory knows a registrar of the city (110100) but none in the
	// district the case is in.
	if err := f.db.PutStaff(context.Background(), store.StaffMember{Subject: "reg-city", Name: "市登记",
		Grants: []store.Grant{{Role: "registrar", Division: "110100"}}}); err != nil {
		t.Fatal(err)
	}
	var first workflows.CaseState
	f.at("2026-03-02", 12, func() { first = f.state() })
	st := play(t, f, tasksInput(f, tasksDef), []step{
		{2, "approve", staff("reg-city", "市登记", "registrar:110100"), "", nil},
		{3, "approve", appr1, "", nil},
	})
	if a := first.Assignment; a == nil || a.Office != "110100" || a.RaisedFrom != "110105" {
		t.Fatalf("assignment %+v", first.Assignment)
	}
	if r := events(st, "raise"); len(r) != 1 || r[0].Office != "110100" {
		t.Fatalf("raise %+v", r)
	}
}

type caseInput workflows.CaseInput

func (in caseInput) withForm(form string) workflows.CaseInput {
	in.Form = json.RawMessage(form)
	return workflows.CaseInput(in)
}
