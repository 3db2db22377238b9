package integration

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"civilflow/procedures"
	"civilflow/store"
	"civilflow/workflows"
)

// zhongmu is 中牟县, a county of Zhengzhou (410100), Henan (410000).
const zhongmu = "410122"

// officer is a person acting on cases: a token, and the roles the staff
// directory knows them by.
type officer struct {
	subject, name string
	roles         []string // role:division
	tok           string
}

// officer makes a token for a person and puts their roles in the staff
// directory, so that no task of theirs is raised to a level above because
// the directory knows someone there and nobody here. An entry at a
// province or the nation raises the tasks of every case below it that has
// no entry of its own, so only a civilflow of a test's own gets those.
func (e *env) officer(subject, name string, roles ...string) officer {
	e.t.Helper()
	m := store.StaffMember{Subject: subject, Name: name}
	for _, r := range roles {
		role, div, _ := strings.Cut(r, ":")
		m.Grants = append(m.Grants, store.Grant{Role: role, Division: div})
	}
	if err := e.app.Store().PutStaff(context.Background(), m); err != nil {
		e.t.Fatal(err)
	}
	return officer{subject: subject, name: name, roles: roles, tok: e.token(subject, name, roles...)}
}

func (o officer) actor() workflows.Actor {
	a := workflows.Actor{Subject: o.subject, Name: o.name}
	for _, r := range o.roles {
		role, div, _ := strings.Cut(r, ":")
		a.Roles = append(a.Roles, workflows.RoleGrant{Role: role, Division: div})
	}
	return a
}

// attachment names a document handed in with an action.
func attachment(title string) workflows.Attachment {
	return workflows.Attachment{Title: title, Reference: "doc://" + title, SHA256: strings.Repeat("5a", 32)}
}

var (
	attachmentsOnce sync.Once
	attachmentsAPI  bool
)

// apiTakesAttachments reports whether the act endpoint's body has an
// attachments field (the OpenAPI document says).
func (e *env) apiTakesAttachments() bool {
	attachmentsOnce.Do(func() {
		var doc struct {
			Components struct {
				Schemas map[string]struct {
					Properties map[string]json.RawMessage `json:"properties"`
				} `json:"schemas"`
			} `json:"components"`
		}
		e.do(http.MethodGet, "/openapi.json", "", nil).expect(e.t, http.StatusOK).decode(e.t, &doc)
		_, attachmentsAPI = doc.Components.Schemas["ActRequestBody"].Properties["attachments"]
	})
	return attachmentsAPI
}

// actAttached takes an action that hands in documents and returns the
// status (200, or 409 when the case refuses it) and the state or the reason.
// Until the act endpoint carries attachments it sends the update the API
// would send straight to the workflow, which checks role, jurisdiction and
// attachments itself.
func (e *env) actAttached(caseID string, o officer, action, opinion string, atts ...workflows.Attachment) (int, workflows.CaseState, string) {
	e.t.Helper()
	if e.apiTakesAttachments() {
		res := e.do(http.MethodPost, "/v1/cases/"+caseID+"/actions", o.tok,
			map[string]any{"action": action, "opinion": opinion, "attachments": atts})
		if res.status != http.StatusOK {
			var p problem
			res.decode(e.t, &p)
			return res.status, workflows.CaseState{}, p.Detail
		}
		return res.status, res.state(e.t), ""
	}
	// Straight to the workflow, which accepts only actions the API signed.
	req, err := workflows.SignAct(e.app.ActionKey, caseID,
		workflows.ActRequest{Action: action, Actor: o.actor(), Opinion: opinion, Attachments: atts}, time.Now(), fmt.Sprint("conv-", time.Now().UnixNano()))
	if err != nil {
		e.t.Fatal(err)
	}
	h, err := e.app.Client().UpdateWorkflow(context.Background(), client.UpdateWorkflowOptions{
		WorkflowID: caseID, UpdateName: workflows.UpdateAct, WaitForStage: client.WorkflowUpdateStageCompleted,
		Args: []any{req},
	})
	var st workflows.CaseState
	if err == nil {
		err = h.Get(context.Background(), &st)
	}
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) && appErr.Type() == workflows.ErrTypeActionRejected {
		return http.StatusConflict, st, appErr.Message()
	}
	if err != nil {
		e.t.Fatalf("%s on %s: %v", action, caseID, err)
	}
	return http.StatusOK, st, ""
}

// mustAttach takes an action with documents that must be accepted.
func (e *env) mustAttach(caseID string, o officer, action, opinion string, titles ...string) workflows.CaseState {
	e.t.Helper()
	atts := make([]workflows.Attachment, 0, len(titles))
	for _, t := range titles {
		atts = append(atts, attachment(t))
	}
	status, st, why := e.actAttached(caseID, o, action, opinion, atts...)
	if status != http.StatusOK {
		e.t.Fatalf("%s on %s refused: %s", action, caseID, why)
	}
	return st
}

// conversionStaff are the people of one conversion of 中牟县, each test
// with its own subjects.
type conversionStaff struct {
	headID                 string
	head                   officer // the county head, the applicant (a party, not staff)
	county, evaluator      officer
	zhengzhou, kaifeng     officer
	henanBureau, henanGov  officer
	ministry, stateCouncil officer
	ministries             [7]officer // in the order of the national countersign
	provinceDepartments    [7]officer // consulted by the provincial department
}

func (e *env) conversionStaff(tag string) conversionStaff {
	e.t.Helper()
	id := person("19720315", true)
	s := conversionStaff{
		headID:       id,
		head:         officer{subject: id, name: "王县长", tok: e.token(id, "王县长")},
		county:       e.officer("reg-zm-"+tag, "中牟县民政局", "registrar:"+zhongmu),
		evaluator:    e.officer("asr-zm-"+tag, "区划评估中心", "assessor:"+zhongmu),
		zhengzhou:    e.officer("appr-zz-"+tag, "郑州市人民政府", "approver:410100"),
		kaifeng:      e.officer("appr-kf-"+tag, "开封市人民政府", "approver:410200"),
		henanBureau:  e.officer("reg-ha-"+tag, "河南省民政厅", "registrar:410000"),
		henanGov:     e.officer("appr-ha-"+tag, "河南省人民政府", "approver:410000"),
		ministry:     e.officer("reg-mca-"+tag, "民政部区划地名司", "registrar:000000"),
		stateCouncil: e.officer("appr-sc-"+tag, "国务院办公厅", "approver:000000"),
	}
	for i, name := range []string{"中央编办", "外交部", "国家发展改革委", "国家民委", "财政部", "自然资源部", "住房城乡建设部"} {
		s.ministries[i] = e.officer(fmt.Sprintf("appr-min%d-%s", i, tag), name, "approver:000000")
	}
	for i, name := range []string{"省编办", "省外办", "省发展改革委", "省民宗委", "省财政厅", "省自然资源厅", "省住房城乡建设厅"} {
		s.provinceDepartments[i] = e.officer(fmt.Sprintf("appr-ha-dep%d-%s", i, tag), name, "approver:410000")
	}
	return s
}

func conversionBody(s conversionStaff, office string) map[string]any {
	return map[string]any{"procedure": "county-to-city-conversion", "office": office, "form": map[string]any{
		"applicants": []map[string]string{{"name": "王县长", "idNumber": s.headID, "position": "县长"}},
		"plan": map[string]any{"newName": "中牟市", "seat": "青年路街道", "subordination": "administered-by-prefecture",
			"areaKm2": 1393, "population": 1200000},
	}}
}

// conversionStages is the chain in order, from the county's submission to
// the State Council.
var conversionStages = []string{"prefecture-review", "province-civil-affairs-review", "province-consultation",
	"province-government-decision", "ministry-review", "inter-ministry-consultation", "party-central-report",
	"state-council-decision"}

// submitConversion files the application and hands in the materials; the
// case then waits for the county government to submit it upward.
func (e *env) submitConversion(s conversionStaff) workflows.CaseState {
	e.t.Helper()
	st := e.do(http.MethodPost, "/v1/cases", s.head.tok, conversionBody(s, zhongmu)).expect(e.t, http.StatusCreated).state(e.t)
	if st.Stage != "basic-facts" || !strings.HasPrefix(st.CaseID, "CTC-"+zhongmu+"-") {
		e.t.Fatalf("after submission: %s at %s (%+v)", st.CaseID, st.Stage, st.Reasons)
	}
	e.mustAttach(st.CaseID, s.county, "submit-basic-facts", "", "基本情况")
	e.mustAttach(st.CaseID, s.evaluator, "submit-commissioned-risk-assessment", "", "社会稳定风险评估报告")
	e.mustAttach(st.CaseID, s.evaluator, "submit-commissioned-expert-evaluation", "", "专家论证报告")
	e.mustAttach(st.CaseID, s.county, "submit-consultation-record", "", "征求社会公众意见情况")
	return e.mustAttach(st.CaseID, s.county, "submit-maps", "", "变更前后行政区域界线示意图")
}

// passUp takes the case from stage (one of conversionStages) to the next.
func (e *env) passUp(id string, s conversionStaff, stage string) workflows.CaseState {
	e.t.Helper()
	var res response
	switch stage {
	case "county-submission":
		res = e.act(id, s.head.tok, "submit-to-prefecture", "")
	case "prefecture-review":
		res = e.act(id, s.zhengzhou.tok, "pass-upward", "同意")
	case "province-civil-affairs-review":
		res = e.act(id, s.henanBureau.tok, "pass-upward", "审核同意")
	case "province-government-decision":
		res = e.act(id, s.henanGov.tok, "pass-upward", "同意上报国务院")
	case "ministry-review":
		res = e.act(id, s.ministry.tok, "consult-ministries", "")
	case "province-consultation":
		for _, d := range s.provinceDepartments {
			res = e.act(id, d.tok, "agree", "")
			res.expect(e.t, http.StatusOK)
		}
	case "inter-ministry-consultation":
		for _, m := range s.ministries {
			res = e.act(id, m.tok, "agree", "")
			res.expect(e.t, http.StatusOK)
		}
	case "party-central-report":
		return e.mustAttach(id, s.ministry, "report-to-party-central", "", "关于撤销中牟县设立县级中牟市的报告")
	default:
		e.t.Fatalf("no way up from %s", stage)
	}
	return res.expect(e.t, http.StatusOK).state(e.t)
}

// upTo takes a new case from its application to stage.
func (e *env) upTo(s conversionStaff, stage string) workflows.CaseState {
	e.t.Helper()
	st := e.submitConversion(s)
	st = e.passUp(st.CaseID, s, "county-submission")
	for i := 0; st.Stage != stage; i++ {
		if i == len(conversionStages) {
			e.t.Fatalf("case %s never reached %s (at %s)", st.CaseID, stage, st.Stage)
		}
		st = e.passUp(st.CaseID, s, st.Stage)
	}
	return st
}

// periodEnd asks the public calculator for the last day of a period.
func (e *env) periodEnd(tok, from string, n int, unit string) string {
	e.t.Helper()
	var calc struct{ LastDay string }
	q := url.Values{"from": {from}, "days": {strconv.Itoa(n)}, "unit": {unit}}
	e.do(http.MethodGet, "/v1/calendar/deadline?"+q.Encode(), tok, nil).expect(e.t, http.StatusOK).decode(e.t, &calc)
	return calc.LastDay
}

func hasAction(st workflows.CaseState, action, office string) bool {
	for _, na := range st.NextActions {
		if na.Action == action && na.Office == office {
			return true
		}
	}
	return false
}

// TestConversion runs the conversion cases on a civilflow of their own:
// its staff directory knows people up to the Ministry and the State
// Council, and a task goes up a level when the directory knows holders of
// its role only above its office, which would raise other tests' tasks.
// The implementation clock's escalation is not here: clocks start on the
// day their stage is entered, so a back-dated receipt cannot make it
// overdue (workflows.TestConversionClocksEscalate covers it).
func TestConversion(t *testing.T) {
	dir := t.TempDir()
	c := &clock{}
	base := env{app: startOwn(t, dir, c), clock: c, dataDir: dir}
	for _, sub := range []struct {
		name string
		run  func(*env)
	}{
		{"approved level by level", testConversionApproved},
		{"returned at each level", testConversionReturned},
		{"refused", testConversionRefused},
		{"record", testRecordConversionHistory},
	} {
		t.Run(sub.name, func(t *testing.T) {
			e := base
			e.t = t
			sub.run(&e)
		})
	}
}

// testConversionApproved: the county applies and hands in the
// materials; each level passes the plan upward from its own jurisdiction;
// the ministries agree; the State Council approves with its reply; the
// announcement is issued, the code assigned, the implementation extended
// once and reported complete.
func testConversionApproved(e *env) {
	t := e.t
	s := e.conversionStaff("ok")
	st := e.submitConversion(s)
	id := st.CaseID
	if st.Stage != "county-submission" || !hasAction(st, "submit-to-prefecture", zhongmu) {
		t.Fatalf("after the materials: %s %+v", st.Stage, st.NextActions)
	}
	// Materials are milestones with their documents: none without one.
	for _, tl := range st.Timeline {
		if strings.HasPrefix(tl.Action, "submit-") && len(tl.Attachments) != 1 {
			t.Fatalf("milestone without its document: %+v", tl)
		}
	}
	e.act(id, s.county.tok, "submit-to-prefecture", "").expect(t, http.StatusConflict) // the county government submits
	st = e.passUp(id, s, "county-submission")
	if st.Stage != "prefecture-review" || !hasAction(st, "pass-upward", "410100") || !hasAction(st, "return:county-revision", "410100") {
		t.Fatalf("at the prefecture: %s %+v", st.Stage, st.NextActions)
	}
	// Another prefecture's government does not even see the case; the
	// prefecture's own finds it in its inbox.
	e.act(id, s.kaifeng.tok, "pass-upward", "").expect(t, http.StatusNotFound)
	var list CaseList
	e.do(http.MethodGet, "/v1/me/inbox", s.zhengzhou.tok, nil).expect(t, http.StatusOK).decode(t, &list)
	if !list.has(id) {
		t.Fatalf("case not in the prefecture's inbox: %+v", list)
	}
	// The county's own approver cannot decide for the prefecture.
	countyGov := e.officer("appr-zm-ok", "中牟县人民政府", "approver:"+zhongmu)
	if res := e.act(id, countyGov.tok, "pass-upward", ""); res.status != http.StatusConflict || !strings.Contains(string(res.body), "410100") {
		t.Fatalf("county approver at the prefecture: %d %s", res.status, res.body)
	}
	for st.Stage != "state-council-decision" {
		st = e.passUp(id, s, st.Stage)
	}
	if st.Stage != "state-council-decision" || !hasAction(st, "approve", "000000") {
		t.Fatalf("at the State Council: %s %+v", st.Stage, st.NextActions)
	}
	e.act(id, s.stateCouncil.tok, "approve", "同意").expect(t, http.StatusConflict) // the reply must be attached
	st = e.mustAttach(id, s.stateCouncil, "approve", "", "国务院关于同意撤销中牟县设立县级中牟市的批复")
	if st.Stage != "division-code" || len(st.Documents) != 1 || st.Documents[0].Kind != "conversion-announcement" ||
		!strings.HasPrefix(st.Documents[0].Number, "QHGG"+zhongmu+"-") {
		t.Fatalf("after approval: %s documents %+v", st.Stage, st.Documents)
	}
	if len(st.Clocks) != 2 || st.Clocks[0].Name != "division-code" || st.Clocks[1].Name != "implementation" {
		t.Fatalf("clocks %+v", st.Clocks)
	}
	code, impl := st.Clocks[0], st.Clocks[1]
	if want := e.periodEnd(s.ministry.tok, code.StartedOn, 1, "months"); code.LastDay != want {
		t.Fatalf("division code due %s, want %s", code.LastDay, want)
	}
	if want := e.periodEnd(s.ministry.tok, impl.StartedOn, 12, "months"); impl.LastDay != want {
		t.Fatalf("implementation due %s, want %s", impl.LastDay, want)
	}
	e.act(id, s.ministry.tok, "assign-code", "").expect(t, http.StatusConflict)
	st = e.act(id, s.ministry.tok, "assign-code", "中牟市行政区划代码410183").expect(t, http.StatusOK).state(t)
	// The approving authority extends (行政区划管理条例第十五条), not the county.
	if st.Stage != "implementation" || st.Clocks[0].Status != workflows.ClockMet || !hasAction(st, "extend:implementation", "000000") {
		t.Fatalf("implementation: %s %+v %+v", st.Stage, st.Clocks, st.NextActions)
	}
	e.act(id, s.head.tok, "extend:implementation", "来不及").expect(t, http.StatusConflict)
	e.act(id, countyGov.tok, "extend:implementation", "来不及").expect(t, http.StatusConflict)
	st = e.act(id, s.stateCouncil.tok, "extend:implementation", "勘界工作量大，同意延长六个月").expect(t, http.StatusOK).state(t)
	if c := st.Clocks[1]; !c.Extended || c.LastDay != e.periodEnd(s.ministry.tok, impl.LastDay, 6, "months") {
		t.Fatalf("extended clock %+v (was %s)", c, impl.LastDay)
	}
	if status, _, why := e.actAttached(id, s.head, "report-completion", ""); status != http.StatusConflict || !strings.Contains(why, "attachment") {
		t.Fatalf("completion without the report: %d %s", status, why)
	}
	st = e.mustAttach(id, s.head, "report-completion", "", "中牟市设立工作完成情况报告")
	if st.Outcome != procedures.OutcomeApproved || st.Clocks[1].Status != workflows.ClockMet {
		t.Fatalf("outcome %s clocks %+v", st.Outcome, st.Clocks)
	}
	// Each level's decision is on the record with the office it was taken for.
	want := map[string]string{"prefecture-review": "410100", "province-civil-affairs-review": "410000",
		"province-government-decision": "410000", "ministry-review": "000000", "state-council-decision": "000000"}
	for _, ev := range st.Timeline {
		if office, ok := want[ev.StageFrom]; ok && ev.Role != "" && ev.Office != office {
			t.Errorf("%s at %s recorded for %s", ev.Action, ev.StageFrom, ev.Office)
		}
	}
}

// testConversionReturned: every level returns the plan to the
// one below with its reasons; the plan comes back up from there.
func testConversionReturned(shared *env) {
	t := shared.t
	s := shared.conversionStaff("ret")
	for _, tc := range []struct {
		at, to string
		by     func(conversionStaff) officer
	}{
		{"prefecture-review", "county-revision", func(s conversionStaff) officer { return s.zhengzhou }},
		{"province-civil-affairs-review", "prefecture-review", func(s conversionStaff) officer { return s.henanBureau }},
		{"province-government-decision", "province-civil-affairs-review", func(s conversionStaff) officer { return s.henanGov }},
		{"ministry-review", "province-government-decision", func(s conversionStaff) officer { return s.ministry }},
		{"state-council-decision", "ministry-review", func(s conversionStaff) officer { return s.stateCouncil }},
	} {
		t.Run(tc.at, func(t *testing.T) {
			e := *shared
			e.t = t
			st := e.upTo(s, tc.at)
			id, by := st.CaseID, tc.by(s)
			e.act(id, by.tok, "return:"+tc.to, "").expect(t, http.StatusConflict) // a return says what to revise
			st = e.act(id, by.tok, "return:"+tc.to, "请按意见修改后重新上报").expect(t, http.StatusOK).state(t)
			if st.Stage != tc.to || st.Status != workflows.StatusOpen {
				t.Fatalf("returned to %s, want %s", st.Stage, tc.to)
			}
			var ret workflows.Event
			for _, ev := range st.Timeline {
				if ev.Action == "return:"+tc.to {
					ret = ev
				}
			}
			if ret.Actor != by.subject || ret.StageFrom != tc.at || ret.Opinion == "" {
				t.Fatalf("return on record %+v", ret)
			}
			// The lower level revises and the plan comes back up.
			if tc.to == "county-revision" {
				if status, _, why := e.actAttached(id, s.head, "resubmit", "已修改"); status != http.StatusConflict || !strings.Contains(why, "attachment") {
					t.Fatalf("resubmission without the revised plan: %d %s", status, why)
				}
				st = e.mustAttach(id, s.head, "resubmit", "已按意见修改人口口径", "修改后的变更方案")
			}
			for st.Stage != tc.at && st.Status == workflows.StatusOpen && slices.Contains(conversionStages, st.Stage) {
				st = e.passUp(id, s, st.Stage)
			}
			if st.Stage != tc.at {
				t.Fatalf("after the revision the case is at %s, want %s", st.Stage, tc.at)
			}
		})
	}
	t.Run("a ministry disagrees", func(t *testing.T) {
		e := *shared
		e.t = t
		st := e.upTo(s, "inter-ministry-consultation")
		e.act(st.CaseID, s.ministries[0].tok, "agree", "").expect(t, http.StatusOK)
		e.act(st.CaseID, s.ministries[1].tok, "disagree", "").expect(t, http.StatusConflict)
		st = e.act(st.CaseID, s.ministries[1].tok, "disagree", "新增财政支出测算不足").expect(t, http.StatusOK).state(t)
		if st.Stage != "ministry-review" {
			t.Fatalf("after a disagreement the case is at %s", st.Stage)
		}
		// The Ministry sends it back down to the province.
		st = e.act(st.CaseID, s.ministry.tok, "return:province-government-decision", "请补充财政影响分析").expect(t, http.StatusOK).state(t)
		if st.Stage != "province-government-decision" {
			t.Fatalf("stage %s", st.Stage)
		}
	})
}

// testConversionRefused: a district cannot be converted; any level may
// reject the plan with its reasons.
func testConversionRefused(shared *env) {
	t := shared.t
	s := shared.conversionStaff("ref")
	t.Run("a district is not a county", func(t *testing.T) {
		e := *shared
		e.t = t
		st := e.do(http.MethodPost, "/v1/cases", s.head.tok, conversionBody(s, zhengzhouJinshui)).expect(t, http.StatusCreated).state(t)
		if st.Outcome != procedures.OutcomeNotAccepted || len(st.Reasons) != 1 || st.Reasons[0].Check != "county-may-become-city" ||
			!strings.Contains(st.Reasons[0].Message.Zh, "金水区") || st.AppealNotice == nil {
			t.Fatalf("outcome %s reasons %+v", st.Outcome, st.Reasons)
		}
	})
	t.Run("the plan's name must be a city's", func(t *testing.T) {
		e := *shared
		e.t = t
		body := conversionBody(s, zhongmu)
		body["form"].(map[string]any)["plan"].(map[string]any)["newName"] = "中牟区"
		e.do(http.MethodPost, "/v1/cases", s.head.tok, body).expect(t, http.StatusUnprocessableEntity)
	})
	for _, tc := range []struct {
		at, action string
		by         func(conversionStaff) officer
	}{
		{"prefecture-review", "reject", func(s conversionStaff) officer { return s.zhengzhou }},
		{"province-civil-affairs-review", "reject", func(s conversionStaff) officer { return s.henanBureau }},
		{"province-government-decision", "reject", func(s conversionStaff) officer { return s.henanGov }},
		{"ministry-review", "reject", func(s conversionStaff) officer { return s.ministry }},
		{"state-council-decision", "reject", func(s conversionStaff) officer { return s.stateCouncil }},
	} {
		t.Run("rejected at "+tc.at, func(t *testing.T) {
			e := *shared
			e.t = t
			st := e.upTo(s, tc.at)
			by := tc.by(s)
			e.act(st.CaseID, by.tok, tc.action, "").expect(t, http.StatusConflict)
			st = e.act(st.CaseID, by.tok, tc.action, "不符合设市标准").expect(t, http.StatusOK).state(t)
			if st.Outcome != procedures.OutcomeRefused || len(st.Reasons) != 1 || st.Reasons[0].Message.Zh != "不符合设市标准" || st.AppealNotice == nil {
				t.Fatalf("outcome %s reasons %+v", st.Outcome, st.Reasons)
			}
		})
	}
	t.Run("withdrawn by the county", func(t *testing.T) {
		e := *shared
		e.t = t
		st := e.do(http.MethodPost, "/v1/cases", s.head.tok, conversionBody(s, zhongmu)).expect(t, http.StatusCreated).state(t)
		e.act(st.CaseID, s.county.tok, "withdraw", "").expect(t, http.StatusConflict)
		if st = e.act(st.CaseID, s.head.tok, "withdraw", "").expect(t, http.StatusOK).state(t); st.Outcome != procedures.OutcomeWithdrawn {
			t.Fatalf("outcome %s", st.Outcome)
		}
	})
}

// testRecordConversionHistory records a conversion stopped at the
// provincial government after the province's consultation, for the
// replay test (conversion-at-province.json keeps a version 1 case): a case in
// flight for months must replay on every new worker. Run
// go test ./integration -run TestConversion/record -record-histories.
func testRecordConversionHistory(e *env) {
	t := e.t
	if !*recordHistories {
		t.Skip("only with -record-histories")
	}
	s := e.conversionStaff("rec")
	st := e.submitConversion(s)
	st = e.passUp(st.CaseID, s, "county-submission")
	st = e.act(st.CaseID, s.zhengzhou.tok, "return:county-revision", "请补充代管关系说明").expect(t, http.StatusOK).state(t)
	e.mustAttach(st.CaseID, s.head, "resubmit", "已补充", "修改后的变更方案")
	st = e.passUp(st.CaseID, s, "prefecture-review")
	if st.Stage != "province-civil-affairs-review" {
		t.Fatalf("stage %s", st.Stage)
	}
	// Since version 2 the province consults its departments and asks
	// whether an autonomous area is concerned before its government decides.
	st = e.passUp(st.CaseID, s, "province-civil-affairs-review")
	st = e.passUp(st.CaseID, s, "province-consultation")
	if st.Stage != "province-government-decision" {
		t.Fatalf("stage %s", st.Stage)
	}
	e.saveHistory(st.CaseID, "conversion-consulted-at-province.json")
}
