package workflows_test

import (
	"fmt"
	"strings"
	"testing"

	"civilflow/activities"
	"civilflow/procedures"
	"civilflow/workflows"
)

// Temporary assistance after the 2026-12 legal review (§7).

// assistanceForm asks for amount yuan after a fire on occurredOn.
func assistanceForm(amount int, occurredOn string) string {
	return fmt.Sprintf(`{"applicants":[{"name":"刘芳","idNumber":%q}],
 "household":{"members":3},"hardship":{"cause":"accident","occurredOn":%q,"description":"住房失火，生活用品损毁"},
 "requestedAmount":%d}`, recipient.IDNumber, occurredOn, amount)
}

// TestW6AmountAboveTheCapIsNoGroundToRefuse: 10,000 asked where the cap is
// 8,000, and a hardship older than the 90-day window: the case reaches the
// township's review, the window is only on record, and the county grants
// at most 8,000 (社会救助暂行办法第四十七条: the hardship is the condition;
// 第四十九条: the standards set how much).
func TestW6AmountAboveTheCapIsNoGroundToRefuse(t *testing.T) {
	f := newBenefitFixture(t, received("2026-06-01"))
	in := benefitCase(f, "temporary-assistance", "TAS", assistanceForm(10000, "2026-01-10"))
	var submitted workflows.CaseState
	var aboveCap, atCounty *outcome
	f.at("2026-06-01", 11, func() {
		submitted = f.state()
		aboveCap = f.actAmount("recommend", reg1, "", 10000)
	})
	f.at("2026-06-01", 12, func() { f.actAmount("recommend", reg1, "", 8000) })
	f.at("2026-06-09", 10, func() { atCounty = f.actAmount("approve", appr1, "", 9000) })
	f.at("2026-06-09", 11, func() { f.actAmount("approve", appr1, "", 8000) })
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, in)
	st := f.result()
	if submitted.Stage != "township-review" || submitted.Outcome != "" {
		t.Fatalf("after submission: stage %s outcome %q", submitted.Stage, submitted.Outcome)
	}
	if r := events(submitted, "route"); len(r) == 0 || !strings.Contains(r[0].Opinion, "超过临时救助受理期限") {
		t.Fatalf("the old hardship is not flagged on the record: %+v", r)
	}
	aboveCap.expect(t, "a proposal above the cap", "exceeds maximumAmount")
	atCounty.expect(t, "a grant above the cap", "exceeds maximumAmount")
	if st.Outcome != procedures.OutcomeApproved {
		t.Fatalf("outcome %s", st.Outcome)
	}
	d := docData(f, in.CaseID, activities.DocAssistanceDecision)
	if d["amount"] != "8000.00" || d["requested"] != "10000.00" {
		t.Fatalf("decision %v", d)
	}
}

// TestM18EmergencyPaymentHasACeilingAndARecoveryPath: the township may pay
// first only up to the emergency limit (1,000; 8,000 is refused); the
// county does not recognise the payment and the case ends terminated with
// a recovery notice (暂行办法第四十八条; 民发〔2018〕23号; 暂行办法第六十八条).
func TestM18EmergencyPaymentHasACeilingAndARecoveryPath(t *testing.T) {
	f := newBenefitFixture(t, received("2026-06-01"))
	in := benefitCase(f, "temporary-assistance", "TAS", assistanceForm(8000, "2026-05-30"))
	var tooMuch *outcome
	f.at("2026-06-01", 11, func() { tooMuch = f.actAmount("pay-first", reg1, "住房失火，急需生活费", 8000) })
	f.at("2026-06-01", 12, func() { f.actAmount("pay-first", reg1, "住房失火，急需生活费", 800) })
	f.at("2026-06-03", 10, func() { f.act("submit-paperwork", reg1, "补齐救助对象、事由和金额材料") })
	f.at("2026-06-04", 10, func() {
		f.act("not-recognised", appr1, "经核查，火灾损失已由保险全额赔付，不符合临时救助条件")
	})
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, in)
	st := f.result()
	tooMuch.expect(t, "paying 8,000 first", "exceeds emergencyLimit")
	if st.Outcome != procedures.OutcomeTerminated || st.Stage != "recovered" {
		t.Fatalf("outcome %s at %s", st.Outcome, st.Stage)
	}
	if got := docData(f, in.CaseID, activities.DocAssistancePayment)["amount"]; got != "800.00" {
		t.Fatalf("paid first %v", got)
	}
	rec := docData(f, in.CaseID, activities.DocAssistanceRecovery)
	if rec["amount"] != "800.00" || !strings.HasPrefix(fmt.Sprint(rec["payment"]), "LJXX") {
		t.Fatalf("recovery notice %v", rec)
	}
}

// TestS5ApplicantWithdrawsAssistance: the applicant withdraws during the
// township's review; the case ends withdrawn (procedures.md, outcomes).
func TestS5ApplicantWithdrawsAssistance(t *testing.T) {
	f := newBenefitFixture(t, received("2026-06-01"))
	in := benefitCase(f, "temporary-assistance", "TAS", assistanceForm(300, "2026-05-30"))
	var byStaff *outcome
	f.at("2026-06-01", 11, func() { byStaff = f.act("withdraw", reg1, "") })
	f.at("2026-06-01", 12, func() {
		f.act("withdraw", workflows.Actor{Subject: recipient.IDNumber, Name: recipient.Name}, "已获亲友资助")
	})
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, in)
	st := f.result()
	byStaff.expect(t, "staff withdraw", "only by a party")
	if st.Outcome != procedures.OutcomeWithdrawn {
		t.Fatalf("outcome %s", st.Outcome)
	}
}
