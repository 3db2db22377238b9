package workflows_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"civilflow/activities"
	"civilflow/calendar"
	"civilflow/procedures"
	"civilflow/store"
	"civilflow/workflows"
)

// The benefit procedures over timelines the integration tests cannot wait
// for: a public notice that ends by itself, clocks that escalate, and a
// benefit reviewed year after year until it stops.

// benefitYears is test data for the years after the official calendar
// (weekends only), so reviews can run into 2030.
var benefitYears = calendar.File{Name: "benefit-years (test)", Data: func() []byte {
	var b bytes.Buffer
	b.WriteString("version: test-benefit-weekends-only\nyears:\n")
	for y := 2027; y <= 2030; y++ {
		fmt.Fprintf(&b, "  - year: %d\n    notice: test data without holidays\n    holidays: []\n    makeup_workdays: []\n", y)
	}
	return b.Bytes()
}()}

// newBenefitFixture is newFixture with a calendar that reaches 2030.
func newBenefitFixture(t *testing.T, start time.Time) *fixture {
	t.Helper()
	cal, err := calendar.Default().With(benefitYears)
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, start)
	f.acts.Calendar = cal
	return f
}

// benefitDefinition parses one built-in benefit definition from its file,
// so these tests do not depend on the other families' definitions.
func benefitDefinition(t *testing.T, id string) procedures.Definition {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "procedures", "definitions", id+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := procedures.Parse(raw, activities.Catalog([]string{"registrar", "supervisor", "admin", "approver", "assessor"}))
	if err != nil {
		t.Fatal(err)
	}
	return p.Definition
}

// recipient applies for the household; born 1975.
var recipient = workflows.Party{IDNumber: newID("110105", "19750304", "021"), Name: "刘芳"}

// subsistenceForm: three members with income yuan a month against a
// standard of 800 per person (1,780 gives an allowance of 620 a month).
func subsistenceForm(irregular bool, income int) string {
	return fmt.Sprintf(`{"applicants":[{"name":"刘芳","idNumber":%q}],"hukouDivision":"110105",
 "household":{"members":[{"name":"刘芳","idNumber":%q,"relation":"本人"},
  {"name":"王强","idNumber":%q,"relation":"配偶"},{"name":"王小明","idNumber":%q,"relation":"子女"}],
  "monthlyIncome":%d,"financialAssets":3000,"vehicles":0,"extraHomes":0,"irregularIncome":%t},
 "consent":{"dataCheck":true},"staffRelative":false}`,
		recipient.IDNumber, recipient.IDNumber, newID("110105", "19730812", "031"), newID("110105", "20120101", "041"), income, irregular)
}

func benefitCase(f *fixture, id, code, form string) workflows.CaseInput {
	return workflows.CaseInput{
		CaseID: code + "-110105-" + f.env.Now().In(workflows.ChinaTime).Format("20060102") + "-0001", Procedure: benefitDefinition(f.t, id),
		Office: "110105", Submitter: workflows.Actor{Subject: recipient.IDNumber, Name: recipient.Name},
		Parties: []workflows.Party{recipient}, Form: json.RawMessage(form), ReceivedAt: f.env.Now(),
	}
}

func clockOf(t *testing.T, st workflows.CaseState, name string) workflows.ClockState {
	t.Helper()
	for _, c := range st.Clocks {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no clock %s at stage %s: %+v", name, st.Stage, st.Clocks)
	return workflows.ClockState{}
}

// docData reads the data of the case's document of a kind (the last one).
func docData(f *fixture, caseID, kind string) map[string]any {
	f.t.Helper()
	docs, err := f.db.DocumentsForCase(context.Background(), caseID)
	if err != nil {
		f.t.Fatal(err)
	}
	var out map[string]any
	for _, d := range docs {
		if d.Kind == kind {
			out = nil
			if err := json.Unmarshal(d.Data, &out); err != nil {
				f.t.Fatal(err)
			}
		}
	}
	if out == nil {
		f.t.Fatalf("no %s among %+v", kind, docs)
	}
	return out
}

// toPublicNotice drives a subsistence case from acceptance to the
// posting of the public notice, all on day at the given hours onwards.
func toPublicNotice(f *fixture, day string, hour int) {
	f.at(day, hour, func() { f.act("accept", reg1, "") })
	f.at(day, hour+1, func() { f.act("begin-investigation", reg1, "") })
	f.at(day, hour+2, func() { f.act("agree", reg1, "") })
	f.at(day, hour+3, func() { f.act("agree", reg2, "") })
	f.at(day, hour+4, func() { f.act("begin-data-check", appr1, "") })
	f.at(day, hour+5, func() { f.act("consistent", appr1, "") })
	f.at(day, hour+6, func() { f.act("propose-approval", reg1, "") })
}

// TestSubsistenceNoticeEndsAndYearlyReviews: the public notice ends with
// no objection and the county approves; the benefit is reviewed every
// twelve months: continued in 2027, reduced in 2028 (after a reduction that
// named no amount was sent back), stopped in 2029.
func TestSubsistenceNoticeEndsAndYearlyReviews(t *testing.T) {
	f := newBenefitFixture(t, received("2026-03-02"))
	in := benefitCase(f, "subsistence-allowance", "SUB", subsistenceForm(false, 1780))
	toPublicNotice(f, "2026-03-02", 11)
	var notice, county, firstReview, sentBack, afterCut workflows.CaseState
	var early *outcome
	f.at("2026-03-09", 12, func() {
		notice = f.state()
		early = f.act("approve", appr1, "") // still in the notice period
	})
	f.at("2026-03-10", 9, func() { county = f.state() })
	f.at("2026-03-10", 10, func() { f.actAmount("approve", appr1, "", 620) })
	f.at("2027-03-10", 9, func() {
		if st := f.state(); st.Stage != "receiving" {
			t.Errorf("on the last day of the first year the stage is %s", st.Stage)
		}
	})
	f.at("2027-03-11", 9, func() { firstReview = f.state() })
	f.at("2027-03-11", 10, func() { f.act("unchanged", reg1, "") })
	// 2028-03-11 is a Saturday: the year ends on Monday the 13th.
	f.at("2028-03-14", 10, func() { f.act("changed", reg1, "配偶就业，家庭收入增加") })
	f.at("2028-03-14", 11, func() { f.actAmount("reduce", appr1, "家庭收入增加，应减发", 700) })
	f.at("2028-03-14", 12, func() { sentBack = f.state() })
	f.at("2028-03-14", 13, func() { f.actAmount("reduce", appr1, "家庭收入增加，月保障金额减为350元", 350) })
	f.at("2028-03-14", 14, func() { afterCut = f.state() })
	f.at("2029-03-15", 10, func() { f.act("changed", reg1, "家庭成员均已就业") })
	f.at("2029-03-15", 11, func() { f.act("stop", appr1, "家庭人均收入已超过当地保障标准") })
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, in)
	st := f.result()

	if notice.Stage != "public-notice" || len(notice.Deadlines) != 1 || notice.Deadlines[0].LastDay != "2026-03-09" {
		t.Fatalf("during the notice: stage %s deadlines %+v", notice.Stage, notice.Deadlines)
	}
	early.expect(t, "approval during the notice", "not possible at stage")
	if county.Stage != "county-decision" || len(events(county, "expire:public-notice")) != 1 {
		t.Fatalf("after the notice: stage %s", county.Stage)
	}
	if firstReview.Stage != "periodic-review" || len(events(firstReview, "expire:yearly-review")) != 1 {
		t.Fatalf("after a year: stage %s", firstReview.Stage)
	}
	if len(sentBack.Reasons) != 1 || sentBack.Reasons[0].Check != "reduced-amount-stated" || sentBack.Stage != "review-decision" {
		t.Fatalf("a reduction without an amount: stage %s reasons %+v", sentBack.Stage, sentBack.Reasons)
	}
	if afterCut.Stage != "receiving" || len(afterCut.Documents) != 3 {
		t.Fatalf("after the reduction: stage %s documents %+v", afterCut.Stage, afterCut.Documents)
	}
	if st.Outcome != procedures.OutcomeTerminated || st.Stage != "stopped" || len(st.Documents) != 4 {
		t.Fatalf("outcome %s at %s, documents %+v", st.Outcome, st.Stage, st.Documents)
	}
	want := []struct {
		kind, key, value string
	}{
		{activities.DocSubsistenceDecision, "monthlyAmount", "620.00"},
		{activities.DocSubsistenceDecision, "paymentFrom", "2026-04-01"},
		{activities.DocSubsistenceDecision, "amountSetBy", "county"},
		{activities.DocSubsistenceAdjustment, "previousAmount", "620.00"},
		{activities.DocSubsistenceAdjustment, "monthlyAmount", "350.00"},
		{activities.DocSubsistenceAdjustment, "effectiveFrom", "2028-04-01"},
		{activities.DocSubsistenceStop, "stoppedFrom", "2029-04-01"},
	}
	for _, w := range want {
		if got := docData(f, in.CaseID, w.kind)[w.key]; got != w.value {
			t.Errorf("%s %s = %v, want %s", w.kind, w.key, got, w.value)
		}
	}
	b, err := f.db.BenefitOf(context.Background(), in.CaseID)
	if err != nil || b.Status != store.BenefitStopped || b.MonthlyFen != 35000 || b.StoppedFrom != "2029-04-01" {
		t.Fatalf("roster %+v %v", b, err)
	}
	for _, name := range []string{"investigation-start", "data-check-start", "county-decision", "overall"} {
		if c := clockOf(t, st, name); c.Status != workflows.ClockMet {
			t.Errorf("clock %s %s", name, c.Status)
		}
	}
}

// TestSubsistenceClocksEscalate: nobody starts the investigation or the
// data check in time, so both are escalated to the supervisor; the
// applicant lets the time to object to the check run out; the approver
// extends the whole procedure; the county refuses and the written notice
// is late too.
func TestSubsistenceClocksEscalate(t *testing.T) {
	f := newBenefitFixture(t, received("2026-03-02"))
	in := benefitCase(f, "subsistence-allowance", "SUB", subsistenceForm(false, 1780))
	var overdue, extending, waitingObjection, afterWindow, noticeLate workflows.CaseState
	var byRegistrar, noReason, byApprover *outcome
	f.at("2026-03-02", 11, func() { f.act("accept", reg1, "") })
	// Three working days after 2 March end on the 5th.
	f.at("2026-03-06", 9, func() { overdue = f.state() })
	f.at("2026-03-06", 10, func() { f.act("begin-investigation", reg1, "") })
	f.at("2026-03-06", 11, func() { f.act("agree", reg1, "") })
	f.at("2026-03-06", 12, func() { f.act("agree", reg2, "") })
	f.at("2026-03-06", 13, func() {
		extending = f.state()
		byRegistrar = f.act("extend:overall", reg1, "情况复杂")
		noReason = f.act("extend:overall", appr1, "")
		byApprover = f.act("extend:overall", appr1, "需补充核对异地财产，延长十五个工作日")
	})
	f.at("2026-03-12", 10, func() { f.act("begin-data-check", appr1, "") })
	f.at("2026-03-12", 11, func() { f.act("inconsistent", appr1, "名下登记小型汽车一辆，未申报") })
	f.at("2026-03-12", 12, func() { waitingObjection = f.state() })
	// Ten working days after 12 March end on the 26th.
	f.at("2026-03-27", 9, func() { afterWindow = f.state() })
	f.at("2026-03-27", 10, func() { f.act("propose-refusal", reg1, "家庭财产状况不符合条件") })
	f.at("2026-03-27", 11, func() { f.act("refuse", appr1, "核对发现家庭拥有机动车，不符合当地财产条件") })
	f.at("2026-04-02", 9, func() { noticeLate = f.state() })
	f.at("2026-04-02", 10, func() {
		f.act("serve-notice", reg1, "经核对家庭拥有机动车一辆，不符合最低生活保障条件，决定不予保障")
	})
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, in)
	st := f.result()

	if c := clockOf(t, overdue, "investigation-start"); c.Status != workflows.ClockOverdue || c.EscalatedTo != "supervisor" || c.LastDay != "2026-03-05" {
		t.Fatalf("investigation start %+v", c)
	}
	if esc := events(overdue, "escalate:investigation-start"); len(esc) != 1 || esc[0].Role != "supervisor" {
		t.Fatalf("escalation %+v", esc)
	}
	if met := events(st, "clock-met:investigation-start"); len(met) != 1 || !strings.Contains(met[0].Opinion, "late") {
		t.Fatalf("met %+v", met)
	}
	byRegistrar.expect(t, "a registrar extends", "requires the role approver")
	noReason.expect(t, "an extension without reasons", "requires the reasons")
	byApprover.expect(t, "the approver extends", "")
	before := clockOf(t, extending, "overall")
	cal, _ := calendar.Default().With(benefitYears)
	from, _ := calendar.ParseDate(before.LastDay)
	longer, err := cal.Count(from, 15, calendar.WorkingDays)
	if err != nil {
		t.Fatal(err)
	}
	if c := clockOf(t, st, "overall"); !c.Extended || c.LastDay != longer.Last.String() {
		t.Fatalf("overall clock %+v, want last day %s (extended from %s)", c, longer.Last, before.LastDay)
	}
	if c := clockOf(t, waitingObjection, "data-check-start"); c.Status != workflows.ClockMet || len(events(waitingObjection, "escalate:data-check-start")) != 1 {
		t.Fatalf("data check start %+v", c)
	}
	if waitingObjection.Stage != "check-result" || len(waitingObjection.Deadlines) != 1 || waitingObjection.Deadlines[0].LastDay != "2026-03-26" {
		t.Fatalf("check result: stage %s deadlines %+v", waitingObjection.Stage, waitingObjection.Deadlines)
	}
	if afterWindow.Stage != "township-opinion" || len(events(afterWindow, "expire:objection-to-check")) != 1 {
		t.Fatalf("after the objection window: stage %s", afterWindow.Stage)
	}
	// The refusal of the 27th is served on 2 April: three working days end on 1 April.
	if c := clockOf(t, noticeLate, "refusal-notice"); c.Status != workflows.ClockOverdue || c.LastDay != "2026-04-01" {
		t.Fatalf("refusal notice %+v", c)
	}
	if st.Outcome != procedures.OutcomeRefused || st.AppealNotice == nil || len(st.Reasons) != 1 || !strings.Contains(st.Reasons[0].Message.Zh, "机动车") {
		t.Fatalf("outcome %s reasons %+v", st.Outcome, st.Reasons)
	}
	if c := clockOf(t, st, "county-decision"); c.Status != workflows.ClockMet {
		t.Fatalf("county decision clock %+v", c)
	}
}

// TestSubsistenceHalfYearlyReview: members who can work with an irregular
// income are reviewed after six months, not twelve.
func TestSubsistenceHalfYearlyReview(t *testing.T) {
	f := newBenefitFixture(t, received("2026-03-02"))
	in := benefitCase(f, "subsistence-allowance", "SUB", subsistenceForm(true, 1780))
	toPublicNotice(f, "2026-03-02", 11)
	var receiving, fiveMonths, sixMonths workflows.CaseState
	f.at("2026-03-10", 10, func() { f.actAmount("approve", appr1, "", 620) })
	f.at("2026-03-10", 11, func() { receiving = f.state() })
	f.at("2026-08-10", 10, func() { fiveMonths = f.state() })
	f.at("2026-09-11", 10, func() { sixMonths = f.state() })
	f.at("2026-09-11", 11, func() { f.act("changed", reg1, "家庭成员已稳定就业") })
	f.at("2026-09-11", 12, func() { f.act("stop", appr1, "家庭人均收入超过保障标准") })
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, in)
	st := f.result()
	routed := events(receiving, "route")
	if receiving.Stage != "receiving-half-yearly" || len(receiving.Reasons) != 0 || len(routed) == 0 ||
		routed[len(routed)-1].StageTo != "receiving-half-yearly" || routed[len(routed)-1].Opinion == "" {
		t.Fatalf("after approval: stage %s reasons %+v routes %+v", receiving.Stage, receiving.Reasons, routed)
	}
	if fiveMonths.Stage != "receiving-half-yearly" || sixMonths.Stage != "periodic-review" {
		t.Fatalf("stages after five and six months: %s, %s", fiveMonths.Stage, sixMonths.Stage)
	}
	if st.Outcome != procedures.OutcomeTerminated {
		t.Fatalf("outcome %s", st.Outcome)
	}
}

// TestTemporaryAssistanceNoticeEndsTownshipApproves: the notice ends with
// no objection; 300 yuan is within the township's limit, and the township
// officer who reviewed may not also approve (four eyes).
func TestTemporaryAssistanceNoticeEndsTownshipApproves(t *testing.T) {
	f := newBenefitFixture(t, received("2026-03-02"))
	in := benefitCase(f, "temporary-assistance", "TAS", fmt.Sprintf(`{"applicants":[{"name":"刘芳","idNumber":%q}],
 "household":{"members":3},"hardship":{"cause":"accident","occurredOn":"2026-02-25","description":"住房失火，生活用品损毁"},
 "requestedAmount":300}`, recipient.IDNumber))
	var route workflows.CaseState
	var sameOfficer *outcome
	f.at("2026-03-02", 11, func() { f.actAmount("recommend", reg1, "", 300) })
	f.at("2026-03-10", 9, func() {
		route = f.state()
		sameOfficer = f.actAmount("approve", reg1, "", 300)
	})
	f.at("2026-03-10", 10, func() { f.actAmount("approve", reg2, "", 300) })
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, in)
	st := f.result()
	if route.Stage != "township-approval" || len(events(route, "expire:public-notice")) != 1 {
		t.Fatalf("after the notice: stage %s", route.Stage)
	}
	sameOfficer.expect(t, "the reviewer approves", "four eyes")
	if st.Outcome != procedures.OutcomeApproved || len(st.Documents) != 1 || st.Documents[0].Kind != activities.DocAssistanceDecision {
		t.Fatalf("outcome %s documents %+v", st.Outcome, st.Documents)
	}
	if got := docData(f, in.CaseID, activities.DocAssistanceDecision)["amount"]; got != "300.00" {
		t.Fatalf("amount %v", got)
	}
}

// TestSubsistenceCorrectionAmendsTheFigures: after the one correction
// notice the applicant hands in a corrected form, which later checks read;
// the township cannot ask for more, and the county sets the amount.
func TestSubsistenceCorrectionAmendsTheFigures(t *testing.T) {
	f := newBenefitFixture(t, received("2026-03-02"))
	in := benefitCase(f, "subsistence-allowance", "SUB", subsistenceForm(false, 1780))
	applicant := workflows.Actor{Subject: recipient.IDNumber, Name: recipient.Name}
	var corrected, approved workflows.CaseState
	var again *outcome
	f.at("2026-03-02", 11, func() { f.act("request-correction", reg1, "请补交配偶的收入证明") })
	f.at("2026-03-02", 12, func() {
		f.actReq(workflows.ActRequest{Action: "resubmit", Actor: applicant, Form: json.RawMessage(subsistenceForm(false, 1900))})
	})
	f.at("2026-03-02", 13, func() {
		corrected = f.state()
		again = f.act("request-correction", reg1, "再补交房产证明")
	})
	f.at("2026-03-02", 14, func() { f.act("accept", reg1, "") })
	f.at("2026-03-03", 10, func() { f.act("begin-investigation", reg1, "") })
	f.at("2026-03-03", 11, func() { f.act("agree", reg1, "") })
	f.at("2026-03-03", 12, func() { f.act("agree", reg2, "") })
	f.at("2026-03-03", 13, func() { f.act("begin-data-check", appr1, "") })
	f.at("2026-03-03", 14, func() { f.act("consistent", appr1, "") })
	f.at("2026-03-03", 15, func() { f.act("propose-approval", reg1, "") })
	f.at("2026-03-11", 10, func() { f.actAmount("approve", appr1, "", 500) })
	f.at("2026-03-11", 11, func() { approved = f.state() })
	// The family moves away; the benefit stops and the case ends.
	f.at("2026-05-06", 10, func() { f.act("report-change", reg1, "全家迁出本辖区") })
	f.at("2026-05-06", 11, func() { f.act("changed", reg1, "户籍已迁出") })
	f.at("2026-05-06", 12, func() { f.act("stop", appr1, "户籍迁出本县，停发") })
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, in)
	st := f.result()
	if corrected.Stage != "corrected" || len(corrected.AmendedForm) == 0 {
		t.Fatalf("after the correction: stage %s", corrected.Stage)
	}
	again.expect(t, "a second correction notice", "not possible at stage")
	if approved.Stage != "receiving" || st.Outcome != procedures.OutcomeTerminated {
		t.Fatalf("stage after approval %s, outcome %s", approved.Stage, st.Outcome)
	}
	if got := docData(f, in.CaseID, activities.DocSubsistenceDecision)["monthlyAmount"]; got != "500.00" {
		t.Fatalf("amount set by the county: %v", got)
	}
}

// actAmount sends an action with the amount (yuan) the officer sets.
func (f *fixture) actAmount(action string, actor workflows.Actor, opinion string, yuan int64) *outcome {
	fen := yuan * 100
	return f.actReq(workflows.ActRequest{Action: action, Actor: actor, Opinion: opinion, AmountFen: &fen})
}
