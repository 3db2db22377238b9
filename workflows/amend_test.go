package workflows_test

import (
	"encoding/json"
	"strings"
	"testing"

	"civilflow/procedures"
	"civilflow/workflows"
)

const amendDef = `
id: test-amend
code: TAM
version: 1
title: {zh: 补正测试, en: Correction test}
applicants: {min: 2, max: 2}
form: {type: object}
start: check
stages:
  - id: check
    kind: check
    title: {zh: 审查, en: Check}
    checks: [{check: divorce-agreement}]
    onPass: approved
    onFail: correction
  - id: correction
    kind: applicant
    title: {zh: 补正, en: Correction}
    actions:
      - {id: resubmit, by: party, next: check, amendsForm: true}
      - {id: withdraw, by: party, next: withdrawn}
  - {id: approved, kind: end, outcome: approved}
  - {id: withdrawn, kind: end, outcome: withdrawn}
`

// TestCorrectionAmendsTheForm: the checks after a correction read the form
// the party handed in, not the one first submitted.
func TestCorrectionAmendsTheForm(t *testing.T) {
	f := newFixture(t, received("2026-03-02"))
	incomplete := strings.Replace(fill(divorceForm), `"无共同债务"`, `""`, 1)
	var wrong, right *outcome
	f.at("2026-03-02", 11, func() {
		wrong = f.actReq(workflows.ActRequest{Action: "withdraw", Actor: spouseA, Form: json.RawMessage(fill(divorceForm))})
		right = f.actReq(workflows.ActRequest{Action: "resubmit", Actor: spouseA, Form: json.RawMessage(fill(divorceForm))})
	})
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, tasksInput(f, amendDef).withForm(incomplete))
	st := f.result()
	wrong.expect(t, "withdraw with a form", "does not take an amended form")
	right.expect(t, "resubmit with the corrected form", "")
	if st.Outcome != procedures.OutcomeApproved || len(st.AmendedForm) == 0 {
		t.Fatalf("outcome %s amended %s", st.Outcome, st.AmendedForm)
	}
	if len(events(st, "checks-failed")) != 1 || len(events(st, "checks-passed")) != 1 {
		t.Fatalf("timeline %+v", st.Timeline)
	}
}
