package workflows_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/workflow"

	"civilflow/calendar"
	"civilflow/procedures"
	"civilflow/workflows"
)

// The people of a conversion of 中牟县 (410122), Zhengzhou, Henan.
var (
	countyHead    = workflows.Party{IDNumber: newID("410122", "19720315", "011"), Name: "王县长"}
	countyHeadAct = workflows.Actor{Subject: countyHead.IDNumber, Name: countyHead.Name}
	countyBureau  = staff("reg-zm", "中牟县民政局", "registrar:410122")
	evaluator     = staff("asr-zm", "区划评估中心", "assessor:410122")
	zhengzhou     = staff("appr-zz", "郑州市人民政府", "approver:410100")
	kaifeng       = staff("appr-kf", "开封市人民政府", "approver:410200")
	henanBureau   = staff("reg-ha", "河南省民政厅", "registrar:410000")
	henanGov      = staff("appr-ha", "河南省人民政府", "approver:410000")
	ministry      = staff("reg-mca", "民政部区划地名司", "registrar:000000")
	ndrc          = staff("appr-ndrc", "国家发展改革委", "approver:000000")
	mof           = staff("appr-mof", "财政部", "approver:000000")
	mnr           = staff("appr-mnr", "自然资源部", "approver:000000")
	mohurd        = staff("appr-mohurd", "住房城乡建设部", "approver:000000")
	stateCouncil  = staff("appr-sc", "国务院办公厅", "approver:000000")
	scopsr        = staff("appr-scopsr", "中央编办", "approver:000000")
	mfa           = staff("appr-mfa", "外交部", "approver:000000")
	neac          = staff("appr-neac", "国家民委", "approver:000000")
)

// The departments consulted under 行政区划管理条例第十四条: the province's
// seven, and the nation's seven in the order of the countersign.
var (
	provinceDepartments = func() []workflows.Actor {
		var out []workflows.Actor
		for i, name := range []string{"省编办", "省外办", "省发展改革委", "省民宗委", "省财政厅", "省自然资源厅", "省住房城乡建设厅"} {
			out = append(out, staff(fmt.Sprintf("appr-ha-dep%d", i), name, "approver:410000"))
		}
		return out
	}()
	nationDepartments = []workflows.Actor{scopsr, mfa, ndrc, neac, mof, mnr, mohurd}
)

// consulted is every department agreeing on day.
func consulted(day string, departments []workflows.Actor) []move {
	var out []move
	for _, d := range departments {
		out = append(out, move{day: day, action: "agree", actor: d})
	}
	return out
}

// then joins lists of moves.
func then(lists ...[]move) []move {
	var out []move
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

const conversionForm = `{"applicants":[{"name":"王县长","idNumber":"%s","position":"县长"}],
 "plan":{"newName":"中牟市","seat":"青年路街道","subordination":"administered-by-prefecture","areaKm2":1393,"population":1200000}}`

func doc(title string) workflows.Attachment {
	return workflows.Attachment{Title: title, Reference: "doc://zhongmu/" + title, SHA256: strings.Repeat("0f", 32)}
}

// laterYears is test data for the years after the official calendar:
// weekends only, enough for a case that runs into 2028.
var laterYears = calendar.File{Name: "later-years (test)", Data: func() []byte {
	var b bytes.Buffer
	b.WriteString("version: test-weekends-only\nyears:\n")
	for y := 2027; y <= 2030; y++ {
		fmt.Fprintf(&b, "  - year: %d\n    notice: test data without holidays\n    holidays: []\n    makeup_workdays: []\n", y)
	}
	return b.Bytes()
}()}

// newLongFixture is newFixture with a calendar that reaches 2030.
func newLongFixture(t *testing.T, start time.Time) *fixture {
	t.Helper()
	cal, err := calendar.Load(laterYears)
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, start)
	f.acts.Calendar = cal
	return f
}

func conversionInput(f *fixture) workflows.CaseInput {
	def := builtin(f.t, "county-to-city-conversion")
	return workflows.CaseInput{
		CaseID: "CTC-410122-20260105-0001", Procedure: def, Office: "410122",
		Submitter: countyHeadAct, Parties: []workflows.Party{countyHead},
		Form: json.RawMessage(fmt.Sprintf(conversionForm, countyHead.IDNumber)), ReceivedAt: f.env.Now(),
	}
}

// move is one action of a long case, on a day at 10:00 China time.
type move struct {
	day    string
	action string
	actor  workflows.Actor
	opn    string
	att    string // title of the attachment handed in, if any
	want   string // "" accepted, else part of the rejection
}

// schedule sends each move on its day, in order, and returns their outcomes.
func schedule(f *fixture, moves []move) []*outcome {
	outs := make([]*outcome, len(moves))
	for i, m := range moves {
		f.at(m.day, 10, func() {
			req := workflows.ActRequest{Action: m.action, Actor: m.actor, Opinion: m.opn}
			if m.att != "" {
				req.Attachments = []workflows.Attachment{doc(m.att)}
			}
			outs[i] = f.actReq(req)
		})
	}
	return outs
}

func checkMoves(t *testing.T, moves []move, outs []*outcome) {
	t.Helper()
	for i, m := range moves {
		outs[i].expect(t, fmt.Sprintf("%s %s by %s", m.day, m.action, m.actor.Subject), m.want)
	}
}

// TestConversionOverThirtyMonths follows a conversion from the county's
// application in January 2026 to the report of completion in July 2028:
// the materials, a return for revision at every level, a ministry that
// disagrees, the State Council's approval, the division code, an extended
// implementation that still runs late, and a continue-as-new on the way.
func TestConversionOverThirtyMonths(t *testing.T) {
	f := newLongFixture(t, received("2026-01-05"))
	first := []move{
		{day: "2026-01-20", action: "submit-basic-facts", actor: countyBureau, want: "requires the document"},
		{day: "2026-01-21", action: "submit-basic-facts", actor: countyBureau, att: "基本情况"},
		{day: "2026-02-10", action: "submit-commissioned-risk-assessment", actor: countyBureau, att: "风险评估报告", want: "requires the role assessor"},
		{day: "2026-02-11", action: "submit-commissioned-risk-assessment", actor: evaluator, att: "社会稳定风险评估报告"},
		{day: "2026-03-10", action: "submit-commissioned-expert-evaluation", actor: evaluator, att: "专家论证报告"},
		{day: "2026-03-24", action: "submit-consultation-record", actor: countyBureau, att: "征求社会公众意见情况"},
		{day: "2026-04-07", action: "submit-maps", actor: countyBureau, att: "变更前后行政区域界线示意图"},
		{day: "2026-04-13", action: "submit-to-prefecture", actor: countyBureau, want: "only by a party"},
		{day: "2026-04-14", action: "submit-to-prefecture", actor: countyHeadAct},
		{day: "2026-05-04", action: "pass-upward", actor: kaifeng, want: "requires the role approver in a jurisdiction covering 410100"},
		{day: "2026-05-05", action: "return:county-revision", actor: zhengzhou, opn: "人口规模数据口径不一致，请核实后修改方案"},
		{day: "2026-05-18", action: "resubmit", actor: countyHeadAct, opn: "已按统计部门口径修改人口数据", att: "修改后的变更方案"},
		{day: "2026-06-01", action: "pass-upward", actor: zhengzhou},
		{day: "2026-06-15", action: "return:prefecture-review", actor: henanBureau, opn: "请补充设区的市对代管关系的意见"},
		{day: "2026-06-22", action: "pass-upward", actor: zhengzhou},
		{day: "2026-07-06", action: "pass-upward", actor: henanBureau},
	}
	first = then(first, consulted("2026-07-08", provinceDepartments), []move{
		{day: "2026-07-20", action: "return:province-civil-affairs-review", actor: henanGov, opn: "请民政厅会同自然资源厅复核界线"},
		{day: "2026-07-27", action: "pass-upward", actor: henanBureau},
	}, consulted("2026-07-29", provinceDepartments), []move{
		{day: "2026-08-03", action: "pass-upward", actor: henanGov},
	})
	outs := schedule(f, first)
	var atPrefecture, atProvince workflows.CaseState
	f.at("2026-05-04", 11, func() { atPrefecture = f.state() })
	f.at("2026-07-08", 11, func() { atProvince = f.state() })
	// The server suggests a fresh history once this one is long; the case
	// continues as new at its next wait (the Ministry's review).
	f.at("2026-08-03", 9, func() { f.env.SetContinueAsNewSuggested(true) })
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, conversionInput(f))
	if !f.env.IsWorkflowCompleted() {
		t.Fatal("the first run did not finish")
	}
	checkMoves(t, first, outs)
	var can *workflow.ContinueAsNewError
	if err := f.env.GetWorkflowError(); !errors.As(err, &can) {
		t.Fatalf("expected continue-as-new, got %v", err)
	}
	var next workflows.CaseInput
	if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &next); err != nil {
		t.Fatal(err)
	}
	if r := next.Resume; r == nil || r.State.Stage != "ministry-review" || r.State.Status != workflows.StatusOpen {
		t.Fatalf("resumption %+v", next.Resume)
	}
	// Where it stood at each level: the task's office rises with the chain.
	if a := atPrefecture.Assignment; atPrefecture.Stage != "prefecture-review" || a == nil || a.Role != "approver" || a.Office != "410100" {
		t.Fatalf("at the prefecture: %s %+v", atPrefecture.Stage, atPrefecture.Assignment)
	}
	if a := atProvince.Assignment; atProvince.Stage != "province-government-decision" || a == nil || a.Office != "410000" ||
		len(events(atProvince, "route")) == 0 {
		t.Fatalf("at the province: %s %+v", atProvince.Stage, atProvince.Assignment)
	}

	g := newLongFixture(t, f.env.Now())
	second := then([]move{
		{day: "2026-09-07", action: "return:province-government-decision", actor: ministry, opn: "请补充风险评估中的财政影响分析"},
		{day: "2026-09-21", action: "pass-upward", actor: henanGov},
		{day: "2026-10-12", action: "consult-ministries", actor: ministry},
		{day: "2026-10-26", action: "agree", actor: ndrc},
		{day: "2026-10-27", action: "disagree", actor: mof, opn: "设市后新增支出测算不足"},
		{day: "2026-11-09", action: "consult-ministries", actor: ministry},
	}, consulted("2026-11-16", nationDepartments), []move{
		{day: "2026-11-20", action: "report-to-party-central", actor: ministry, att: "关于河南省撤销中牟县设立县级中牟市的报告"},
		{day: "2026-12-07", action: "return:ministry-review", actor: stateCouncil, opn: "请民政部说明与城镇化规划的衔接"},
		{day: "2026-12-08", action: "consult-ministries", actor: ministry},
	}, consulted("2026-12-09", nationDepartments), []move{
		{day: "2026-12-10", action: "report-to-party-central", actor: ministry, att: "关于河南省撤销中牟县设立县级中牟市的补充报告"},
		{day: "2026-12-14", action: "approve", actor: stateCouncil, want: "requires the document"},
		{day: "2026-12-15", action: "approve", actor: stateCouncil, att: "国务院关于同意河南省撤销中牟县设立县级中牟市的批复"},
		{day: "2027-01-06", action: "assign-code", actor: ministry, opn: "中牟市行政区划代码410183"},
		{day: "2027-11-15", action: "extend:implementation", actor: countyHeadAct, opn: "延长", want: "requires the role approver"},
		{day: "2027-11-16", action: "extend:implementation", actor: stateCouncil, opn: "界线勘定涉及跨县调整，同意延长六个月"},
		{day: "2028-07-03", action: "report-completion", actor: countyHeadAct, att: "中牟市设立工作完成情况报告"},
	})
	outs = schedule(g, second)
	var approved, overdue workflows.CaseState
	g.at("2026-12-15", 11, func() { approved = g.state() })
	g.at("2028-06-16", 9, func() { overdue = g.state() })
	g.env.ExecuteWorkflow(workflows.CaseWorkflowName, next)
	st := g.result()
	checkMoves(t, second, outs)

	if st.Outcome != procedures.OutcomeApproved || st.Stage != "converted" {
		t.Fatalf("outcome %s at %s", st.Outcome, st.Stage)
	}
	if st.ClosedAt.In(workflows.ChinaTime).Format(time.DateOnly) != "2028-07-03" || st.Timeline[0].Action != "submit" {
		t.Fatalf("closed %s; first entry %+v", st.ClosedAt, st.Timeline[0])
	}
	if approved.Stage != "division-code" || len(approved.Documents) != 1 || approved.Documents[0].Kind != "conversion-announcement" ||
		!strings.HasPrefix(approved.Documents[0].Number, "QHGG410122-2026-") {
		t.Fatalf("after approval: stage %s documents %+v", approved.Stage, approved.Documents)
	}
	clocks := map[string]workflows.ClockState{}
	for _, c := range approved.Clocks {
		clocks[c.Name] = c
	}
	if c := clocks["division-code"]; c.StartedOn != "2026-12-15" || c.LastDay != "2027-01-15" {
		t.Fatalf("division-code clock %+v", c)
	}
	if c := clocks["implementation"]; c.StartedOn != "2026-12-15" || c.LastDay != "2027-12-15" {
		t.Fatalf("implementation clock %+v", c)
	}
	for _, c := range overdue.Clocks {
		clocks[c.Name] = c
	}
	if c := clocks["division-code"]; c.Status != workflows.ClockMet {
		t.Fatalf("division code not met in time: %+v", c)
	}
	if c := clocks["implementation"]; c.Status != workflows.ClockOverdue || !c.Extended || c.LastDay != "2028-06-15" || c.EscalatedTo != "supervisor" {
		t.Fatalf("implementation clock on 2028-06-16 %+v", c)
	}
	// The extension counts 6 months on from the last day (2027-12-15 →
	// 2028-06-15); the case escalates when that day is over.
	if esc := events(st, "escalate:implementation"); len(esc) != 1 || esc[0].At.In(workflows.ChinaTime).Format("2006-01-02 15:04") != "2028-06-16 00:00" {
		t.Fatalf("escalation %+v", esc)
	}
	if met := events(st, "clock-met:implementation"); len(met) != 1 || !strings.Contains(met[0].Opinion, "late") {
		t.Fatalf("met %+v", met)
	}
	// Every level's decision is on the record with its office.
	offices := map[string]string{}
	for _, e := range st.Timeline {
		if e.Role != "" && e.Role != "applicant" {
			offices[e.StageFrom] = e.Office
		}
	}
	for stage, want := range map[string]string{"maps": "410122", "prefecture-review": "410100", "province-civil-affairs-review": "410000",
		"province-government-decision": "410000", "province-consultation": "410000", "ministry-review": "000000",
		"inter-ministry-consultation": "000000", "party-central-report": "000000",
		"state-council-decision": "000000", "division-code": "000000"} {
		if offices[stage] != want {
			t.Errorf("decision at %s recorded for office %q, want %s", stage, offices[stage], want)
		}
	}
	var approval workflows.Event
	for _, e := range st.Timeline {
		if e.Action == "approve" {
			approval = e
		}
	}
	if len(approval.Attachments) != 1 || !strings.Contains(approval.Attachments[0].Title, "批复") {
		t.Fatalf("approval %+v", approval)
	}
}

// TestConversionClocksEscalate: once approved, nobody assigns the code
// within a month nor asks for an extension; both clocks escalate to
// supervision while the case waits, and it still completes afterwards.
func TestConversionClocksEscalate(t *testing.T) {
	f := newLongFixture(t, received("2026-03-02"))
	moves := []move{
		{day: "2026-03-03", action: "submit-basic-facts", actor: countyBureau, att: "基本情况"},
		{day: "2026-03-04", action: "submit-risk-assessment", actor: countyBureau, att: "风险评估报告"},
		{day: "2026-03-05", action: "submit-expert-evaluation", actor: countyBureau, att: "专家论证报告"},
		{day: "2026-03-06", action: "submit-consultation-record", actor: countyBureau, att: "征求意见情况"},
		{day: "2026-03-09", action: "submit-maps", actor: countyBureau, att: "地图"},
		{day: "2026-03-10", action: "submit-to-prefecture", actor: countyHeadAct},
		{day: "2026-03-11", action: "pass-upward", actor: zhengzhou},
		{day: "2026-03-12", action: "pass-upward", actor: henanBureau},
	}
	moves = then(moves, consulted("2026-03-13", provinceDepartments), []move{
		{day: "2026-03-16", action: "pass-upward", actor: henanGov},
		{day: "2026-03-17", action: "consult-ministries", actor: ministry},
		{day: "2026-03-17", action: "agree", actor: ndrc},
		{day: "2026-03-18", action: "agree", actor: ndrc, want: "already gave an opinion"},
	}, consulted("2026-03-19", []workflows.Actor{scopsr, mfa, neac, mof, mnr, mohurd}), []move{
		{day: "2026-03-20", action: "report-to-party-central", actor: ministry, att: "报告"},
		{day: "2026-03-31", action: "approve", actor: stateCouncil, att: "批复"},
		{day: "2026-06-01", action: "assign-code", actor: ministry, opn: "410183"},
		{day: "2027-04-06", action: "report-completion", actor: countyHeadAct, att: "完成情况报告"},
	})
	outs := schedule(f, moves)
	var late workflows.CaseState
	f.at("2027-04-01", 10, func() { late = f.state() })
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, conversionInput(f))
	st := f.result()
	checkMoves(t, moves, outs)
	// Each escalates when its last day is over: 2026-04-30 and 2027-03-31.
	want := map[string]string{"division-code": "2026-05-01", "implementation": "2027-04-01"}
	for _, c := range late.Clocks {
		if c.Name == "division-code" {
			// Met on 2026-06-01, late.
			if c.Status != workflows.ClockMet {
				t.Errorf("division-code clock %+v", c)
			}
			continue
		}
		if c.Status != workflows.ClockOverdue || c.LastDay != "2027-03-31" || c.EscalatedTo != "supervisor" {
			t.Errorf("implementation clock on 2027-04-01: %+v", c)
		}
	}
	for name, day := range want {
		esc := events(st, "escalate:"+name)
		if len(esc) != 1 || dayOf(esc[0].At) != day || esc[0].Role != "supervisor" || esc[0].Office != "410122" {
			t.Errorf("%s escalation %+v, want on %s", name, esc, day)
		}
	}
	if met := events(st, "clock-met:division-code"); len(met) != 1 || !strings.Contains(met[0].Opinion, "late") {
		t.Errorf("division code met %+v", met)
	}
	if st.Outcome != procedures.OutcomeApproved {
		t.Fatalf("outcome %s", st.Outcome)
	}
}

// TestConversionNotAcceptedForADistrict: a city district is no county, so
// 撤县设市 does not apply to it.
func TestConversionNotAcceptedForADistrict(t *testing.T) {
	f := newLongFixture(t, received("2026-03-02"))
	in := conversionInput(f)
	in.Office, in.CaseID = "410105", "CTC-410105-20260302-0001"
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, in)
	st := f.result()
	if st.Outcome != procedures.OutcomeNotAccepted || len(st.Reasons) != 1 || !strings.Contains(st.Reasons[0].Message.Zh, "金水区") {
		t.Fatalf("outcome %s reasons %+v", st.Outcome, st.Reasons)
	}
}
