package workflows_test

import (
	"testing"

	"civilflow/activities"
	"civilflow/procedures"
	"civilflow/workflows"
)

const clockRulesDef = `
id: test-clock-rules
code: TCR
version: 1
title: {zh: 时限规则, en: Clock rules}
applicants: {min: 2, max: 2}
form: {type: object}
start: intake
stages:
  - id: intake
    kind: task
    title: {zh: 受理, en: Intake}
    actions:
      - {id: accept, by: registrar, next: review}
      - {id: correct, by: registrar, next: correction, opinionRequired: true}
  - id: correction
    kind: applicant
    title: {zh: 补正, en: Correction}
    actions:
      - {id: resubmit, by: party, next: recheck}
  - id: recheck
    kind: task
    title: {zh: 补正后审查, en: Check after correction}
    actions:
      - {id: complete, by: registrar, next: review}
  - id: review
    kind: task
    title: {zh: 审查, en: Review}
    actions:
      - {id: hold, by: registrar, next: hearing}
      - {id: approve, by: registrar, next: approved}
  - id: hearing
    kind: task
    title: {zh: 听证, en: Hearing}
    actions:
      - {id: heard, by: registrar, next: review}
  - {id: approved, kind: end, outcome: approved}
clocks:
  - name: decision
    title: {zh: 决定期限, en: Decision}
    length: 30
    unit: calendar-days
    from: receipt
    startsAt: intake
    restartsAt: [recheck]
    stopsAt: [approved]
    suspendedIn: [hearing]
    onExpiry: {escalateTo: supervisor}
    extension: {length: 10, unit: calendar-days, by: approver, level: province}
`

// TestClockRules: a clock counted from receipt; restarted when the
// corrected application comes back; standing still counts only up to the
// nominal last day, not the rest days added after it; an extension needs
// the approver at the province.
func TestClockRules(t *testing.T) {
	f := newFixture(t, received("2026-01-16"))
	p, err := procedures.Parse([]byte(clockRulesDef), activities.Catalog([]string{"registrar", "supervisor", "admin", "approver", "assessor"}))
	if err != nil {
		t.Fatal(err)
	}
	in := f.input("marriage-registration", fill(marriageForm))
	in.Procedure, in.CaseID = p.Definition, "TCR-110105-20260116-0001"
	in.ReceivedAt = received("2026-01-14") // received two days before intake looked at it

	var atIntake, restarted, held, resumed workflows.CaseState
	var countyExtends, provinceExtends *outcome
	countyApprover := staff("appr-c", "县审批", "approver:110105")
	provinceApprover := staff("appr-p", "省审批", "approver:110000")
	f.at("2026-01-16", 11, func() { atIntake = f.state(); f.act("correct", registrar, "缺材料") })
	f.at("2026-01-20", 10, func() { f.act("resubmit", spouseA, "") })
	f.at("2026-01-20", 11, func() { restarted = f.state() })
	f.at("2026-01-21", 10, func() { f.act("complete", registrar, "") })
	f.at("2026-02-10", 10, func() { f.act("hold", registrar, "") })
	f.at("2026-02-10", 11, func() { held = f.state() })
	f.at("2026-03-02", 10, func() { f.act("heard", registrar, "") })
	f.at("2026-03-02", 11, func() {
		resumed = f.state()
		countyExtends = f.act("extend:decision", countyApprover, "需要延长")
		provinceExtends = f.act("extend:decision", provinceApprover, "经批准延长十日")
	})
	f.at("2026-03-03", 10, func() { f.act("approve", registrar, "") })
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, in)
	st := f.result()

	if c := atIntake.Clocks[0]; c.StartedOn != "2026-01-14" || c.LastDay != "2026-02-13" {
		t.Fatalf("counted from receipt: %+v", c)
	}
	// Back from correction on 01-20: 30 days anew, day 30 is 02-19.
	if c := restarted.Clocks[0]; c.StartedOn != "2026-01-20" || c.LastDay != "2026-02-24" || c.NominalLastDay != "2026-02-19" {
		// 02-19 falls in the Spring Festival holiday, so the period ends on 02-24.
		t.Fatalf("restarted: %+v", c)
	}
	// Standing still on 02-10 leaves 9 days to the nominal 02-19, not the 14
	// to the extended 02-24.
	if c := held.Clocks[0]; c.Status != workflows.ClockSuspended || c.Remaining != 9 {
		t.Fatalf("held: %+v", c)
	}
	// Heard on 03-02: 9 more days end on 03-11.
	if c := resumed.Clocks[0]; c.LastDay != "2026-03-11" {
		t.Fatalf("resumed: %+v", c)
	}
	countyExtends.expect(t, "county approver extends", "covering 110000")
	provinceExtends.expect(t, "province approver extends", "")
	if st.Outcome != procedures.OutcomeApproved || st.Clocks[0].LastDay != "2026-03-23" || st.Clocks[0].Status != workflows.ClockMet {
		// 03-11 + 10 days = 03-21, a Saturday, so 03-23.
		t.Fatalf("outcome %s clock %+v", st.Outcome, st.Clocks[0])
	}
}
