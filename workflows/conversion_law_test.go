package workflows_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"civilflow/procedures"
	"civilflow/workflows"
)

// The findings of the legal review on county-to-city conversion, one
// test each.

// zhongmuToCode is a conversion of 中牟县 from its materials (from day 1 of
// March 2026) to the division code, every level agreeing.
func zhongmuToCode() []move {
	return then([]move{
		{day: "2026-03-03", action: "submit-basic-facts", actor: countyBureau, att: "基本情况"},
		{day: "2026-03-04", action: "submit-risk-assessment", actor: countyBureau, att: "风险评估报告"},
		{day: "2026-03-05", action: "submit-expert-evaluation", actor: countyBureau, att: "专家论证报告"},
		{day: "2026-03-06", action: "submit-consultation-record", actor: countyBureau, att: "征求意见情况"},
		{day: "2026-03-09", action: "submit-maps", actor: countyBureau, att: "地图"},
		{day: "2026-03-10", action: "submit-to-prefecture", actor: countyHeadAct},
		{day: "2026-03-11", action: "pass-upward", actor: zhengzhou},
		{day: "2026-03-12", action: "pass-upward", actor: henanBureau},
	}, consulted("2026-03-13", provinceDepartments), []move{
		{day: "2026-03-16", action: "pass-upward", actor: henanGov},
		{day: "2026-03-17", action: "consult-ministries", actor: ministry},
	}, consulted("2026-03-18", nationDepartments), []move{
		{day: "2026-03-20", action: "report-to-party-central", actor: ministry, att: "报告"},
		{day: "2026-03-31", action: "approve", actor: stateCouncil, att: "批复"},
		{day: "2026-04-07", action: "assign-code", actor: ministry, opn: "410183"},
	})
}

// TestW7ExtensionByTheApprovingAuthority: approved on 2026-03-31, the
// implementation may be extended by 6 months only with the approval of
// the approving authority, the State Council (行政区划管理条例第十五条
// 经审批机关批准; 第七条第（二）项): the county's own approver and the
// prefecture's are refused, a national approver extends it.
func TestW7ExtensionByTheApprovingAuthority(t *testing.T) {
	f := newLongFixture(t, received("2026-03-02"))
	countyApprover := staff("appr-zm", "中牟县人民政府", "approver:410122")
	moves := then(zhongmuToCode(), []move{
		{day: "2027-02-01", action: "extend:implementation", actor: countyApprover, opn: "界线勘定未完成",
			want: "requires the role approver in a jurisdiction covering 000000"},
		{day: "2027-02-02", action: "extend:implementation", actor: zhengzhou, opn: "界线勘定未完成",
			want: "requires the role approver in a jurisdiction covering 000000"},
		{day: "2027-02-03", action: "extend:implementation", actor: stateCouncil, opn: "界线勘定涉及跨县调整，同意延长六个月"},
		{day: "2027-05-06", action: "report-completion", actor: countyHeadAct, att: "完成情况报告"},
	})
	outs := schedule(f, moves)
	var implementing workflows.CaseState
	f.at("2027-01-04", 10, func() { implementing = f.state() })
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, conversionInput(f))
	st := f.result()
	checkMoves(t, moves, outs)
	// The case shows the extension as the nation's to decide.
	if !slices.ContainsFunc(implementing.NextActions, func(na workflows.NextAction) bool {
		return na.Action == "extend:implementation" && na.By == "approver" && na.Office == "000000"
	}) {
		t.Fatalf("next actions in implementation %+v", implementing.NextActions)
	}
	for _, c := range st.Clocks {
		if c.Name == "implementation" && (!c.Extended || c.LastDay != "2027-09-30") {
			t.Fatalf("implementation clock %+v", c)
		}
	}
	if st.Outcome != procedures.OutcomeApproved {
		t.Fatalf("outcome %s", st.Outcome)
	}
}

// TestM19ConsultationsAndPartyReport: 长阳土家族自治县 (420528) is an
// autonomous county. The provincial department consults the departments
// of 行政区划管理条例第十四条, the autonomous organs and the ethnic groups'
// representatives are consulted (民族区域自治法第十四条), the national
// consultation includes the establishment office and the ethnic affairs
// commission, and the plan is reported to the Party Central Committee
// (条例第二条) before the State Council may decide.
func TestM19ConsultationsAndPartyReport(t *testing.T) {
	f := newLongFixture(t, received("2026-03-02"))
	head := workflows.Party{IDNumber: newID("420528", "19700101", "013"), Name: "覃县长"}
	headAct := workflows.Actor{Subject: head.IDNumber, Name: head.Name}
	bureau := staff("reg-cy", "长阳县民政局", "registrar:420528")
	yichang := staff("appr-yc", "宜昌市人民政府", "approver:420500")
	hubeiBureau := staff("reg-hb", "湖北省民政厅", "registrar:420000")
	hubeiGov := staff("appr-hb", "湖北省人民政府", "approver:420000")
	var hubeiDepartments []workflows.Actor
	for i := range 7 {
		hubeiDepartments = append(hubeiDepartments, staff(fmt.Sprintf("appr-hb-dep%d", i), "湖北省有关部门", "approver:420000"))
	}
	moves := then([]move{
		{day: "2026-03-03", action: "submit-basic-facts", actor: bureau, att: "基本情况"},
		{day: "2026-03-04", action: "submit-risk-assessment", actor: bureau, att: "风险评估报告"},
		{day: "2026-03-05", action: "submit-expert-evaluation", actor: bureau, att: "专家论证报告"},
		{day: "2026-03-06", action: "submit-consultation-record", actor: bureau, att: "征求意见情况"},
		{day: "2026-03-09", action: "submit-maps", actor: bureau, att: "地图"},
		{day: "2026-03-10", action: "submit-to-prefecture", actor: headAct},
		{day: "2026-03-11", action: "pass-upward", actor: yichang},
		{day: "2026-03-12", action: "pass-upward", actor: hubeiBureau},
	}, consulted("2026-03-13", hubeiDepartments), []move{
		{day: "2026-03-16", action: "pass-upward", actor: hubeiGov, want: "not possible at stage \"autonomous-consultation\""},
		{day: "2026-03-17", action: "record-autonomous-consultation", actor: hubeiBureau, opn: "已与自治县人大常委会、人民政府和土家族代表充分协商",
			want: "requires the document"},
		{day: "2026-03-18", action: "record-autonomous-consultation", actor: hubeiBureau, opn: "已与自治县人大常委会、人民政府和土家族代表充分协商",
			att: "协商情况报告"},
		{day: "2026-03-19", action: "pass-upward", actor: hubeiGov},
		{day: "2026-03-20", action: "consult-ministries", actor: ministry},
	}, consulted("2026-03-23", nationDepartments[:6]), []move{
		{day: "2026-03-24", action: "approve", actor: stateCouncil, att: "批复", want: "not possible at stage \"inter-ministry-consultation\""},
	}, consulted("2026-03-25", nationDepartments[6:]), []move{
		{day: "2026-03-26", action: "approve", actor: stateCouncil, att: "批复", want: "not possible at stage \"party-central-report\""},
		{day: "2026-03-27", action: "report-to-party-central", actor: ministry, want: "requires the document"},
		{day: "2026-03-30", action: "report-to-party-central", actor: ministry, att: "关于湖北省撤销长阳土家族自治县设立县级市的报告"},
		{day: "2026-03-31", action: "reject", actor: stateCouncil, opn: "不予批准"},
	})
	outs := schedule(f, moves)
	var inNation workflows.CaseState
	f.at("2026-03-23", 11, func() { inNation = f.state() })
	in := conversionInput(f)
	in.CaseID, in.Office, in.Submitter, in.Parties = "CTC-420528-20260302-0001", "420528", headAct, []workflows.Party{head}
	in.Form = json.RawMessage(fmt.Sprintf(strings.Replace(conversionForm, "王县长", "覃县长", 1), head.IDNumber))
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, in)
	st := f.result()
	checkMoves(t, moves, outs)

	var slots []string
	for _, s := range inNation.Signatures {
		slots = append(slots, s.Slot)
	}
	if inNation.Stage != "inter-ministry-consultation" || !slices.Contains(slots, "ethnic-affairs") || !slices.Contains(slots, "establishment") {
		t.Fatalf("national consultation: stage %s slots %v", inNation.Stage, slots)
	}
	var stages []string
	for _, e := range st.Timeline {
		if e.StageFrom != "" && (len(stages) == 0 || stages[len(stages)-1] != e.StageFrom) {
			stages = append(stages, e.StageFrom)
		}
	}
	for _, want := range []string{"province-consultation", "autonomous-consultation", "inter-ministry-consultation", "party-central-report"} {
		if !slices.Contains(stages, want) {
			t.Errorf("the case never passed %s: %v", want, stages)
		}
	}
	if st.Outcome != procedures.OutcomeRefused {
		t.Fatalf("outcome %s", st.Outcome)
	}
}

// TestM19NoAutonomousStepForAnOrdinaryCounty: 中牟县 lies in no autonomous
// area, so after the provincial consultation the plan goes straight to
// the provincial government.
func TestM19NoAutonomousStepForAnOrdinaryCounty(t *testing.T) {
	f := newLongFixture(t, received("2026-03-02"))
	moves := zhongmuToCode()[:8+len(provinceDepartments)]
	outs := schedule(f, moves)
	var st workflows.CaseState
	f.at("2026-03-13", 11, func() { st = f.state() })
	f.at("2026-03-13", 12, func() { f.actReq(workflows.ActRequest{Action: "reject", Actor: henanGov, Opinion: "不同意"}) })
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, conversionInput(f))
	f.result()
	checkMoves(t, moves, outs)
	if st.Stage != "province-government-decision" {
		t.Fatalf("after the provincial consultation: %s", st.Stage)
	}
}

// TestS6PrefectureMayApply: the plan may be drafted by the prefecture-level
// city's government (行政区划管理条例实施办法第三条; procedures.md §5), which
// then submits it to the province itself, without the county's
// submission and the prefecture's own review.
func TestS6PrefectureMayApply(t *testing.T) {
	f := newLongFixture(t, received("2026-03-02"))
	mayor := workflows.Party{IDNumber: newID("410102", "19690505", "015"), Name: "李市长"}
	mayorAct := workflows.Actor{Subject: mayor.IDNumber, Name: mayor.Name}
	moves := []move{
		{day: "2026-03-03", action: "submit-basic-facts", actor: countyBureau, att: "基本情况"},
		{day: "2026-03-04", action: "submit-risk-assessment", actor: countyBureau, att: "风险评估报告"},
		{day: "2026-03-05", action: "submit-expert-evaluation", actor: countyBureau, att: "专家论证报告"},
		{day: "2026-03-06", action: "submit-consultation-record", actor: countyBureau, att: "征求意见情况"},
		{day: "2026-03-09", action: "submit-maps", actor: countyBureau, att: "地图"},
		{day: "2026-03-10", action: "submit-to-prefecture", actor: mayorAct, want: "not possible at stage \"prefecture-submission\""},
		{day: "2026-03-11", action: "submit-to-province", actor: countyHeadAct, want: "only by a party"},
		{day: "2026-03-12", action: "submit-to-province", actor: mayorAct},
		{day: "2026-03-13", action: "reject", actor: henanBureau, opn: "不同意"},
	}
	outs := schedule(f, moves)
	var atProvince workflows.CaseState
	f.at("2026-03-12", 11, func() { atProvince = f.state() })
	in := conversionInput(f)
	in.Submitter, in.Parties = mayorAct, []workflows.Party{mayor}
	in.Form = json.RawMessage(fmt.Sprintf(`{"applicantGovernment":"prefecture",
	 "applicants":[{"name":"李市长","idNumber":"%s","position":"郑州市市长"}],
	 "plan":{"newName":"中牟市","seat":"青年路街道","subordination":"administered-by-prefecture","areaKm2":1393,"population":1200000}}`, mayor.IDNumber))
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, in)
	st := f.result()
	checkMoves(t, moves, outs)
	if a := atProvince.Assignment; atProvince.Stage != "province-civil-affairs-review" || a == nil || a.Office != "410000" {
		t.Fatalf("after the prefecture's submission: %s %+v", atProvince.Stage, atProvince.Assignment)
	}
	for _, e := range st.Timeline {
		if e.StageFrom == "prefecture-review" || e.StageFrom == "county-submission" {
			t.Fatalf("the case passed %s: %+v", e.StageFrom, e)
		}
	}
	if st.Outcome != procedures.OutcomeRefused {
		t.Fatalf("outcome %s", st.Outcome)
	}
}
