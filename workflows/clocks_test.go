package workflows_test

import (
	"slices"
	"strings"
	"testing"

	"civilflow/procedures"
	"civilflow/workflows"
)

// licence is a licence procedure shaped by the Administrative Licensing
// Law: a correction notice within 5 working days of receipt or the
// application counts as accepted (art. 32); a decision within 20 working
// days, +10 with approval (art. 42); the clock stands still during
// correction and expert review (art. 45); an overdue case is escalated.
const licence = `
id: test-licence
code: TLC
version: 1
title: {zh: 测试许可, en: Test licence}
applicants: {min: 2, max: 2}
form: {type: object}
start: intake
stages:
  - id: intake
    kind: task
    title: {zh: 受理, en: Intake}
    timer: {name: correction-notice, length: 5, unit: working-days, from: receipt, onExpiry: review, basis: 行政许可法第三十二条}
    actions:
      - {id: accept, by: registrar, next: review}
  - id: review
    kind: task
    title: {zh: 审查, en: Review}
    actions:
      - {id: request-correction, by: registrar, next: correction, opinionRequired: true}
      - {id: expert-review, by: registrar, next: expert}
      - {id: approve, by: registrar, next: approved}
  - id: correction
    kind: applicant
    title: {zh: 补正, en: Correction}
    actions:
      - {id: resubmit, by: party, next: review}
  - id: expert
    kind: task
    title: {zh: 专家评审, en: Expert review}
    actions:
      - {id: report, by: registrar, next: review}
  - {id: approved, kind: end, outcome: approved}
clocks:
  - name: decision
    title: {zh: 许可决定期限, en: Licence decision}
    length: 20
    unit: working-days
    startsAt: review
    stopsAt: [approved]
    suspendedIn: [correction, expert]
    reminders: [5, 1]
    onExpiry: {escalateTo: supervisor}
    extension: {length: 10, unit: working-days, by: admin, basis: 行政许可法第四十二条}
    basis: 行政许可法第四十二条
`

var admin = workflows.Actor{Subject: "head-001", Name: "局长", Roles: []workflows.RoleGrant{{Role: "admin", Division: "110105"}}}

func licenceInput(f *fixture) workflows.CaseInput {
	return workflows.CaseInput(tasksInput(f, licence))
}

func events(st workflows.CaseState, prefix string) []workflows.Event {
	var out []workflows.Event
	for _, e := range st.Timeline {
		if strings.HasPrefix(e.Action, prefix) {
			out = append(out, e)
		}
	}
	return out
}

// TestClockSuspendResumeExtendEscalate follows a decision clock through a
// correction, an extension and an overdue escalation, on real 2026 dates
// across the Qingming holiday.
func TestClockSuspendResumeExtendEscalate(t *testing.T) {
	f := newFixture(t, received("2026-03-02"))
	var started, suspended, resumed, extended, overdue workflows.CaseState
	var byRegistrar, byAdmin, again *outcome
	f.at("2026-03-02", 11, func() { f.act("accept", registrar, "") })
	f.at("2026-03-02", 12, func() { started = f.state() })
	f.at("2026-03-09", 10, func() { f.act("request-correction", registrar, "缺少章程") })
	f.at("2026-03-09", 11, func() { suspended = f.state() })
	f.at("2026-03-20", 10, func() { f.act("resubmit", workflows.Actor{Subject: wife, Name: "李娜"}, "") })
	f.at("2026-03-20", 11, func() { resumed = f.state() })
	f.at("2026-03-25", 10, func() {
		byRegistrar = f.act("extend:decision", registrar, "案情复杂")
		byAdmin = f.act("extend:decision", admin, "需要实地核查，经负责人批准延长十个工作日")
	})
	f.at("2026-03-25", 11, func() {
		extended = f.state()
		again = f.act("extend:decision", admin, "再次延长")
	})
	f.at("2026-04-28", 9, func() { overdue = f.state() })
	f.at("2026-04-29", 10, func() { f.act("approve", registrar, "") })
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, licenceInput(f))
	st := f.result()

	clock := func(s workflows.CaseState) workflows.ClockState {
		if len(s.Clocks) != 1 {
			t.Fatalf("clocks %+v", s.Clocks)
		}
		return s.Clocks[0]
	}
	if c := clock(started); c.Status != workflows.ClockRunning || c.StartedOn != "2026-03-02" || c.LastDay != "2026-03-30" {
		t.Fatalf("started: %+v", c)
	}
	if c := clock(suspended); c.Status != workflows.ClockSuspended || c.Remaining != 15 || c.SuspendedReason.En != "Correction" || c.LastDay != "" {
		t.Fatalf("suspended: %+v", c)
	}
	if c := clock(resumed); c.Status != workflows.ClockRunning || c.LastDay != "2026-04-13" {
		t.Fatalf("resumed: %+v", c)
	}
	byRegistrar.expect(t, "registrar extends", "requires the role admin")
	byAdmin.expect(t, "admin extends", "")
	again.expect(t, "second extension", "already extended")
	if c := clock(extended); !c.Extended || c.LastDay != "2026-04-27" {
		t.Fatalf("extended: %+v", c)
	}
	if c := clock(overdue); c.Status != workflows.ClockOverdue || c.EscalatedTo != "supervisor" || overdue.Stage != "review" {
		t.Fatalf("overdue: %+v at %s", c, overdue.Stage)
	}
	if st.Outcome != procedures.OutcomeApproved || clock(st).Status != workflows.ClockMet {
		t.Fatalf("outcome %s clock %+v", st.Outcome, clock(st))
	}
	// Reminders went out 5 and 1 working days ahead of the extended last
	// day; the ones planned for the earlier last days were dropped.
	var days []string
	for _, e := range events(st, "remind:decision") {
		days = append(days, e.At.In(workflows.ChinaTime).Format("2006-01-02"))
	}
	if !slices.Equal(days, []string{"2026-04-20", "2026-04-24"}) {
		t.Fatalf("reminders on %v", days)
	}
	if esc := events(st, "escalate:decision"); len(esc) != 1 || esc[0].At.In(workflows.ChinaTime).Format("2006-01-02 15:04") != "2026-04-28 00:00" {
		t.Fatalf("escalation %+v", esc)
	}
	if met := events(st, "clock-met:decision"); len(met) != 1 || !strings.Contains(met[0].Opinion, "late") {
		t.Fatalf("met %+v", met)
	}
	if ext := events(st, "extend:decision"); len(ext) != 1 || ext[0].Actor != "head-001" || !strings.Contains(ext[0].Opinion, "2026-04-13 → 2026-04-27") {
		t.Fatalf("extension record %+v", ext)
	}
}

// TestDeemedAcceptedWithoutCorrectionNotice: no correction notice within 5
// working days of receipt (2026-02-10, across the Spring Festival), so the
// application counts as accepted and the decision clock starts.
func TestDeemedAcceptedWithoutCorrectionNotice(t *testing.T) {
	f := newFixture(t, received("2026-02-10"))
	var review workflows.CaseState
	f.at("2026-02-25", 9, func() { review = f.state() })
	f.at("2026-02-25", 10, func() { f.act("approve", registrar, "") })
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, licenceInput(f))
	st := f.result()
	if review.Stage != "review" || len(review.Deadlines) != 1 || review.Deadlines[0].LastDay != "2026-02-24" {
		t.Fatalf("stage %s deadlines %+v", review.Stage, review.Deadlines)
	}
	exp := events(review, "expire:correction-notice")
	if len(exp) != 1 || exp[0].At.In(workflows.ChinaTime).Format("2006-01-02 15:04") != "2026-02-25 00:00" {
		t.Fatalf("deemed acceptance %+v", exp)
	}
	if c := review.Clocks; len(c) != 1 || c[0].StartedOn != "2026-02-25" || c[0].LastDay != "2026-03-24" {
		t.Fatalf("clock %+v", c)
	}
	if st.Outcome != procedures.OutcomeApproved || st.Clocks[0].Status != workflows.ClockMet {
		t.Fatalf("outcome %s clocks %+v", st.Outcome, st.Clocks)
	}
}

// TestLocalTimeLimit: a province's shorter limit, set as a local value of
// the definition's param, replaces the national one for its offices.
func TestLocalTimeLimit(t *testing.T) {
	f := newFixture(t, received("2026-03-02"))
	local := strings.Replace(licence, "title: {zh: 测试许可, en: Test licence}",
		"title: {zh: 测试许可, en: Test licence}\nparams:\n  decisionDays: {default: 20, \"110000\": 15}", 1)
	local = strings.Replace(local, "    length: 20\n    unit: working-days\n    startsAt: review",
		"    length: 20\n    lengthParam: decisionDays\n    unit: working-days\n    startsAt: review", 1)
	var st workflows.CaseState
	f.at("2026-03-02", 11, func() { f.act("accept", registrar, "") })
	f.at("2026-03-02", 12, func() { st = f.state() })
	f.at("2026-03-02", 13, func() { f.act("approve", registrar, "") })
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, workflows.CaseInput(tasksInput(f, local)))
	f.result()
	if len(st.Clocks) != 1 || st.Clocks[0].Length != 15 || st.Clocks[0].LastDay != "2026-03-23" {
		t.Fatalf("clock %+v", st.Clocks)
	}
}
