package workflows_test

import (
	"context"
	"strings"
	"testing"

	"civilflow/activities"
	"civilflow/procedures"
	"civilflow/store"
	"civilflow/workflows"
)

// The subsistence allowance after the 2026-12 legal review (§6): the
// township accepts, the county decides and sets the amount.

// endByStop ends a paying subsistence case on day: a change reported, the
// county stops the allowance.
func endByStop(f *fixture, day string, hour int) {
	f.at(day, hour, func() { f.act("report-change", reg1, "家庭成员已稳定就业") })
	f.at(day, hour+1, func() { f.act("changed", reg1, "家庭人均收入超过保障标准") })
	f.at(day, hour+2, func() { f.act("stop", appr1, "家庭人均收入超过保障标准，停发") })
}

// TestW2DeclaredIncomeIsNoGroundToRefuse: standard 800, three members,
// declared income 2,500 a month. The case goes to the township's
// acceptance, the gap the figures give is only recorded; only the county
// refuses (最低生活保障审核确认办法第二条、第十条、第二十一条).
func TestW2DeclaredIncomeIsNoGroundToRefuse(t *testing.T) {
	f := newBenefitFixture(t, received("2026-03-02"))
	in := benefitCase(f, "subsistence-allowance", "SUB", subsistenceForm(false, 2500))
	var submitted, accepted workflows.CaseState
	f.at("2026-03-02", 11, func() { submitted = f.state() })
	f.at("2026-03-02", 12, func() { f.act("accept", reg1, "") })
	f.at("2026-03-02", 13, func() { accepted = f.state() })
	f.at("2026-03-02", 14, func() { f.act("terminate", reg1, "家庭无正当理由拒绝配合入户调查") })
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, in)
	st := f.result()
	if submitted.Stage != "acceptance" || submitted.Outcome != "" || len(submitted.Reasons) != 0 {
		t.Fatalf("after submission: stage %s outcome %q reasons %+v", submitted.Stage, submitted.Outcome, submitted.Reasons)
	}
	routed := events(submitted, "route")
	if len(routed) == 0 || routed[0].StageFrom != "declared-means" || !strings.Contains(routed[0].Opinion, "不低于") {
		t.Fatalf("the declared gap is not on record for the investigators: %+v", routed)
	}
	if accepted.Stage != "awaiting-investigation" {
		t.Fatalf("after acceptance: stage %s", accepted.Stage)
	}
	if st.Outcome != procedures.OutcomeTerminated {
		t.Fatalf("outcome %s", st.Outcome)
	}
}

// TestW3CountySetsTheAmountFromVerifiedIncome: standard 800, three members,
// declared income 1,000 (gap 1,400); the data check finds 1,600, and the
// county approves 800 a month (第二十一条 "同时确定救助金额", 第二十三条). An
// approval without an amount is refused, one above the standard for every
// member is sent back.
func TestW3CountySetsTheAmountFromVerifiedIncome(t *testing.T) {
	f := newBenefitFixture(t, received("2026-03-02"))
	in := benefitCase(f, "subsistence-allowance", "SUB", subsistenceForm(false, 1000))
	toPublicNotice(f, "2026-03-02", 11)
	var noAmount *outcome
	var sentBack workflows.CaseState
	f.at("2026-03-10", 10, func() { noAmount = f.act("approve", appr1, "") })
	f.at("2026-03-10", 11, func() { f.actAmount("approve", appr1, "", 2500) })
	f.at("2026-03-10", 12, func() { sentBack = f.state() })
	f.at("2026-03-10", 13, func() { f.actAmount("approve", appr1, "核对家庭月收入1600元", 800) })
	endByStop(f, "2026-05-06", 10)
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, in)
	f.result()
	noAmount.expect(t, "approval without an amount", "requires the amount")
	if sentBack.Stage != "county-decision" || len(sentBack.Reasons) != 1 || sentBack.Reasons[0].Check != "amount-within-standard" {
		t.Fatalf("2,500 for three at 800: stage %s reasons %+v", sentBack.Stage, sentBack.Reasons)
	}
	if got := docData(f, in.CaseID, activities.DocSubsistenceDecision)["monthlyAmount"]; got != "800.00" {
		t.Fatalf("decision amount %v, want 800.00", got)
	}
	declared, _ := docData(f, in.CaseID, activities.DocSubsistenceDecision)["declared"].(map[string]any)
	if declared["monthlyAmount"] != "1400.00" {
		t.Fatalf("the declared gap is not kept beside the decided amount: %v", declared)
	}
}

// TestM13ReviewIncreasesTheAmount: approved at 600 on an income of
// 1,800, the review finds it fell to 1,400; the county increases the
// amount to 1,000 with a notice, from the next month (第三十一条第一款 增发,
// 第三十二条). An increase without an amount or below the current one is
// not taken.
func TestM13ReviewIncreasesTheAmount(t *testing.T) {
	f := newBenefitFixture(t, received("2026-03-02"))
	in := benefitCase(f, "subsistence-allowance", "SUB", subsistenceForm(false, 1800))
	toPublicNotice(f, "2026-03-02", 11)
	var lower *outcome
	var sentBack, raised workflows.CaseState
	f.at("2026-03-10", 10, func() { f.actAmount("approve", appr1, "", 600) })
	f.at("2026-06-15", 10, func() { f.act("report-change", reg1, "配偶失业，家庭月收入降至1400元") })
	f.at("2026-06-15", 11, func() { f.act("changed", reg1, "家庭收入减少，建议增发") })
	f.at("2026-06-15", 12, func() { lower = f.act("increase", appr1, "家庭收入减少") })
	f.at("2026-06-15", 13, func() { f.actAmount("increase", appr1, "家庭收入减少", 500) })
	f.at("2026-06-15", 14, func() { sentBack = f.state() })
	f.at("2026-06-15", 15, func() { f.actAmount("increase", appr1, "家庭收入减少，增发至1000元", 1000) })
	f.at("2026-06-15", 16, func() { raised = f.state() })
	endByStop(f, "2026-09-01", 10)
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, in)
	f.result()
	lower.expect(t, "an increase without an amount", "requires the amount")
	if sentBack.Stage != "review-decision" || len(sentBack.Reasons) != 1 || sentBack.Reasons[0].Check != "increased-amount-stated" {
		t.Fatalf("an increase below the current amount: stage %s reasons %+v", sentBack.Stage, sentBack.Reasons)
	}
	if raised.Stage != "receiving" {
		t.Fatalf("after the increase: stage %s", raised.Stage)
	}
	adj := docData(f, in.CaseID, activities.DocSubsistenceAdjustment)
	if adj["change"] != "increase" || adj["previousAmount"] != "600.00" || adj["monthlyAmount"] != "1000.00" || adj["effectiveFrom"] != "2026-07-01" {
		t.Fatalf("increase notice %v", adj)
	}
}

// TestM14ApprovedRecipientPublished: after approval a numbered
// publication names the applicant, the household size and the amount, and
// nothing else (第二十四条; 社会救助暂行办法第十一条(三)).
func TestM14ApprovedRecipientPublished(t *testing.T) {
	f := newBenefitFixture(t, received("2026-03-02"))
	in := benefitCase(f, "subsistence-allowance", "SUB", subsistenceForm(false, 1780))
	toPublicNotice(f, "2026-03-02", 11)
	var approved workflows.CaseState
	f.at("2026-03-10", 10, func() { f.actAmount("approve", appr1, "", 620) })
	f.at("2026-03-10", 11, func() { approved = f.state() })
	endByStop(f, "2026-05-06", 10)
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, in)
	f.result()
	var pub *workflows.Document
	for i, d := range approved.Documents {
		if d.Kind == activities.DocSubsistencePublication {
			pub = &approved.Documents[i]
		}
	}
	if pub == nil || !strings.HasPrefix(pub.Number, "DBGB") {
		t.Fatalf("no publication among %+v", approved.Documents)
	}
	data := docData(f, in.CaseID, activities.DocSubsistencePublication)
	if len(data) != 3 || data["name"] != recipient.Name || data["householdMembers"] != float64(3) || data["monthlyAmount"] != "620.00" {
		t.Fatalf("published %v, want name, household size and amount only", data)
	}
}

// TestM15HukouElsewhereNotAccepted: an applicant whose hukou is in 440106
// applies at 110105, where residence-permit holders may not apply: not
// accepted, referred to the hukou place (第四条); where the province lets
// them (第五条), a permit of 110105 is accepted.
func TestM15HukouElsewhereNotAccepted(t *testing.T) {
	form := strings.Replace(subsistenceForm(false, 1780), `"hukouDivision":"110105"`, `"hukouDivision":"440106"`, 1)
	f := newBenefitFixture(t, received("2026-03-02"))
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, benefitCase(f, "subsistence-allowance", "SUB", form))
	st := f.result()
	if st.Outcome != procedures.OutcomeNotAccepted || len(st.Reasons) != 1 || st.Reasons[0].Check != "hukou-where-applying" ||
		!strings.Contains(st.Reasons[0].Message.Zh, "户籍所在地乡镇人民政府") {
		t.Fatalf("outcome %s reasons %+v", st.Outcome, st.Reasons)
	}

	g := newBenefitFixture(t, received("2026-03-02"))
	in := benefitCase(g, "subsistence-allowance", "SUB", strings.Replace(form, `"hukouDivision"`, `"residencePermitDivision":"110105","hukouDivision"`, 1))
	in.Procedure.Params["residencePermitHolders"] = true
	var submitted workflows.CaseState
	g.at("2026-03-02", 11, func() { submitted = g.state() })
	g.at("2026-03-02", 12, func() { g.act("request-correction", reg1, "请补交居住证") })
	g.at("2026-03-02", 13, func() {
		g.act("withdraw", workflows.Actor{Subject: recipient.IDNumber, Name: recipient.Name}, "")
	})
	g.env.ExecuteWorkflow(workflows.CaseWorkflowName, in)
	g.result()
	if submitted.Stage != "acceptance" {
		t.Fatalf("a residence-permit holder where the province allows it: stage %s reasons %+v", submitted.Stage, submitted.Reasons)
	}
}

// TestM16ComplaintAtCountyTriggersHomeVisit: a complaint recorded while
// the county decides sends the case to a county home visit before any
// decision (第二十条第二款).
func TestM16ComplaintAtCountyTriggersHomeVisit(t *testing.T) {
	f := newBenefitFixture(t, received("2026-03-02"))
	in := benefitCase(f, "subsistence-allowance", "SUB", subsistenceForm(false, 1780))
	toPublicNotice(f, "2026-03-02", 11)
	var visiting workflows.CaseState
	var early *outcome
	f.at("2026-03-10", 10, func() { f.act("record-complaint", appr1, "群众举报申请人家庭有经营收入") })
	f.at("2026-03-10", 11, func() {
		visiting = f.state()
		early = f.actAmount("approve", appr1, "", 620)
	})
	f.at("2026-03-11", 10, func() { f.act("visited", appr1, "入户核查：经营已停止，举报不属实") })
	f.at("2026-03-11", 11, func() { f.actAmount("approve", appr1, "", 620) })
	endByStop(f, "2026-05-06", 10)
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, in)
	st := f.result()
	if visiting.Stage != "county-home-visit" {
		t.Fatalf("after the complaint: stage %s", visiting.Stage)
	}
	early.expect(t, "approval before the home visit", "not possible at stage")
	if v := events(st, "visited"); len(v) != 1 || v[0].Role != "approver" {
		t.Fatalf("home visit on record: %+v", v)
	}
	if b, err := f.db.BenefitOf(context.Background(), in.CaseID); err != nil || b.Status != store.BenefitStopped {
		t.Fatalf("roster %+v %v", b, err)
	}
}

// TestN11ObjectionWindowIsALocalParam: the 办法 (第十八条) sets no time to
// object to the data check; civilflow's window is a param, here 5 working
// days for Beijing instead of 10.
func TestN11ObjectionWindowIsALocalParam(t *testing.T) {
	f := newBenefitFixture(t, received("2026-03-02"))
	in := benefitCase(f, "subsistence-allowance", "SUB", subsistenceForm(false, 1780))
	in.Procedure.Params["objectionToCheckWorkingDays"] = map[string]any{"default": 10, "110000": 5}
	var waiting, after workflows.CaseState
	f.at("2026-03-02", 11, func() { f.act("accept", reg1, "") })
	f.at("2026-03-02", 12, func() { f.act("begin-investigation", reg1, "") })
	f.at("2026-03-02", 13, func() { f.act("agree", reg1, "") })
	f.at("2026-03-02", 14, func() { f.act("agree", reg2, "") })
	f.at("2026-03-02", 15, func() { f.act("begin-data-check", appr1, "") })
	f.at("2026-03-02", 16, func() { f.act("inconsistent", appr1, "名下登记小型汽车一辆") })
	f.at("2026-03-02", 17, func() { waiting = f.state() })
	f.at("2026-03-10", 9, func() { after = f.state() })
	f.at("2026-03-10", 10, func() { f.act("propose-refusal", reg1, "家庭财产不符合条件") })
	f.at("2026-03-10", 11, func() { f.act("refuse", appr1, "家庭拥有机动车，不符合当地财产条件") })
	f.at("2026-03-10", 12, func() { f.act("serve-notice", reg1, "家庭拥有机动车，不予保障") })
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, in)
	f.result()
	// Five working days after Monday 2 March end on Monday 9 March.
	if waiting.Stage != "check-result" || len(waiting.Deadlines) != 1 || waiting.Deadlines[0].LastDay != "2026-03-09" || waiting.Deadlines[0].Length != 5 {
		t.Fatalf("check result: stage %s deadlines %+v", waiting.Stage, waiting.Deadlines)
	}
	if after.Stage != "township-opinion" {
		t.Fatalf("after the window: stage %s", after.Stage)
	}
}

// TestN8WithdrawAfterAcceptanceAndTerminateLater: the applicant withdraws
// after acceptance; in another case the household stops cooperating after
// the investigation and the township ends the procedure (最低生活保障审核确认办法
// 第二十九条: at any stage, not only before the investigation).
func TestN8WithdrawAfterAcceptanceAndTerminateLater(t *testing.T) {
	applicant := workflows.Actor{Subject: recipient.IDNumber, Name: recipient.Name}
	f := newBenefitFixture(t, received("2026-03-02"))
	f.at("2026-03-02", 11, func() { f.act("accept", reg1, "") })
	f.at("2026-03-02", 12, func() { f.act("withdraw", applicant, "已找到工作") })
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, benefitCase(f, "subsistence-allowance", "SUB", subsistenceForm(false, 1780)))
	if st := f.result(); st.Outcome != procedures.OutcomeWithdrawn {
		t.Fatalf("withdrawn after acceptance: outcome %s", st.Outcome)
	}

	g := newBenefitFixture(t, received("2026-03-02"))
	g.at("2026-03-02", 11, func() { g.act("accept", reg1, "") })
	g.at("2026-03-02", 12, func() { g.act("begin-investigation", reg1, "") })
	g.at("2026-03-02", 13, func() { g.act("agree", reg1, "") })
	g.at("2026-03-02", 14, func() { g.act("agree", reg2, "") })
	g.at("2026-03-03", 10, func() { g.act("terminate", reg1, "家庭拒不提供银行流水，经告知仍不配合") })
	g.env.ExecuteWorkflow(workflows.CaseWorkflowName, benefitCase(g, "subsistence-allowance", "SUB", subsistenceForm(false, 1780)))
	if st := g.result(); st.Outcome != procedures.OutcomeTerminated || st.Stage != "terminated" {
		t.Fatalf("terminated after the investigation: outcome %s at %s", st.Outcome, st.Stage)
	}
}
