package integration

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"civilflow/app"
	"civilflow/procedures"
	"civilflow/store"
	"civilflow/workflows"
)

// The benefit procedures through the API. Their public notices and review
// cycles count from the day a stage is entered, and their escalating
// clocks from the day they start, on the server's real clock, so a
// back-dated receipt cannot make them run out here: those outcomes are in
// workflows/benefits_test.go, with time skipping. Here the notices end by
// an objection and a review comes when the family reports a change.

const (
	// The cases of a township sit at its county's code; registrar is the
	// township caseworker, approver the county civil-affairs department.
	bnTianhe = "440106" // 广州市天河区
	bnXihu   = "330106" // 杭州市西湖区
)

// bnStaff are the tokens of one test's staff: two township caseworkers and
// the county. They are written into the staff directory of their office,
// so their tasks stay there whoever else the directory knows.
type bnStaff struct {
	reg1, reg2, county string
}

func (e *env) bnStaff(prefix, office string) bnStaff {
	e.t.Helper()
	db := e.bnOpenStore()
	put := func(subject, name, role string) string {
		err := db.PutStaff(context.Background(), store.StaffMember{Subject: subject, Name: name,
			Grants: []store.Grant{{Role: role, Division: office}}})
		if err != nil {
			e.t.Fatal(err)
		}
		return e.token(subject, name, role+":"+office)
	}
	return bnStaff{reg1: put(prefix+"-reg1", "街道一", "registrar"), reg2: put(prefix+"-reg2", "街道二", "registrar"),
		county: put(prefix+"-county", "区民政", "approver")}
}

// bnHousehold is an applicant and the members living with them.
type bnHousehold struct {
	applicant, spouse, child, tok string
}

func (e *env) bnHousehold() bnHousehold {
	h := bnHousehold{applicant: person("19750304", false), spouse: person("19730812", true), child: person("20120101", true)}
	h.tok = e.token(h.applicant, "刘芳")
	return h
}

// subsistenceBody: three members with 1,780 yuan a month against the
// example standard of 800 per person, so the allowance is 620 yuan.
func bnSubsistenceBody(h bnHousehold, change func(form, household map[string]any)) map[string]any {
	hh := map[string]any{
		"members": []map[string]string{{"name": "刘芳", "idNumber": h.applicant, "relation": "本人"},
			{"name": "王强", "idNumber": h.spouse, "relation": "配偶"}, {"name": "王小明", "idNumber": h.child, "relation": "子女"}},
		"monthlyIncome": 1780, "financialAssets": 3000, "vehicles": 0, "extraHomes": 0, "irregularIncome": false,
	}
	form := map[string]any{
		"applicants": []map[string]string{{"name": "刘芳", "idNumber": h.applicant}},
		"household":  hh, "consent": map[string]bool{"dataCheck": true}, "staffRelative": false,
		"hukouDivision": bnTianhe,
	}
	if change != nil {
		change(form, hh)
	}
	return map[string]any{"procedure": "subsistence-allowance", "office": bnTianhe, "form": form}
}

// step acts and expects the case at stage afterwards.
func (e *env) bnStep(caseID, tok, action, opinion, stage string) workflows.CaseState {
	e.t.Helper()
	st := e.act(caseID, tok, action, opinion).expect(e.t, http.StatusOK).state(e.t)
	if st.Stage != stage {
		e.t.Fatalf("after %s: stage %s, want %s (reasons %+v)", action, st.Stage, stage, st.Reasons)
	}
	return st
}

// bnStepAmount is bnStep for an action that carries the amount (yuan) the
// officer sets.
func (e *env) bnStepAmount(caseID, tok, action, opinion string, yuan float64, stage string) workflows.CaseState {
	e.t.Helper()
	body := map[string]any{"action": action, "amount": yuan}
	if opinion != "" {
		body["opinion"] = opinion
	}
	st := e.do(http.MethodPost, "/v1/cases/"+caseID+"/actions", tok, body).expect(e.t, http.StatusOK).state(e.t)
	if st.Stage != stage {
		e.t.Fatalf("after %s: stage %s, want %s (reasons %+v)", action, st.Stage, stage, st.Reasons)
	}
	return st
}

// refused expects an action to be refused with a message containing want.
func (e *env) bnRefused(caseID, tok, action, opinion, want string) {
	e.t.Helper()
	res := e.act(caseID, tok, action, opinion)
	if res.status != http.StatusConflict && res.status != http.StatusForbidden || !strings.Contains(string(res.body), want) {
		e.t.Fatalf("%s: status %d %s, want a refusal containing %q", action, res.status, res.body, want)
	}
}

// toCounty drives an accepted subsistence case to the county: the
// investigation, the data check, the township's opinion, a public notice
// that draws an objection, the democratic appraisal and the new opinion.
func (e *env) bnToCounty(caseID string, s bnStaff, countyStage string) workflows.CaseState {
	e.t.Helper()
	e.bnStep(caseID, s.reg1, "accept", "", "awaiting-investigation")
	e.bnStep(caseID, s.reg1, "begin-investigation", "", "investigation")
	e.bnStep(caseID, s.reg1, "agree", "", "investigation")
	e.bnStep(caseID, s.reg2, "agree", "入户查看，家庭生活困难属实", "awaiting-data-check")
	e.bnStep(caseID, s.county, "begin-data-check", "", "data-check")
	e.bnStep(caseID, s.county, "consistent", "", "township-opinion")
	e.bnStep(caseID, s.reg1, "propose-approval", "", "public-notice")
	e.bnStep(caseID, s.reg1, "record-objection", "有村民反映其家庭经营小卖部", "democratic-appraisal")
	e.bnStep(caseID, s.reg1, "appraised", "民主评议：小卖部已于去年停业，反映情况不属实", "new-opinion")
	return e.bnStep(caseID, s.reg1, "propose-approval", "评议后仍拟同意保障", countyStage)
}

func (e *env) bnOpenStore() *store.DB {
	e.t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(e.dataDir, "civilflow.db"))
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { db.Close() })
	return db
}

// docData reads a document's data from the store: the case view lists a
// document's kind and number, not its facts.
func bnDocData(t *testing.T, db *store.DB, caseID, number string) map[string]any {
	t.Helper()
	docs, err := db.DocumentsForCase(context.Background(), caseID)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		if d.Number == number {
			var out map[string]any
			if err := json.Unmarshal(d.Data, &out); err != nil {
				t.Fatal(err)
			}
			return out
		}
	}
	t.Fatalf("no document %s in %+v", number, docs)
	return nil
}

// nextMonth is the first day of the month after today (China time): when
// a benefit decided today is first paid.
func bnNextMonth() string {
	now := time.Now().In(workflows.ChinaTime)
	return time.Date(now.Year(), now.Month()+1, 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
}

func bnClock(t *testing.T, st workflows.CaseState, name string) workflows.ClockState {
	t.Helper()
	for _, c := range st.Clocks {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no clock %s in %+v", name, st.Clocks)
	return workflows.ClockState{}
}

func bnReasons(rs []workflows.Reason) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Check)
	}
	return out
}

func TestSubsistenceApproved(t *testing.T) {
	e := sharedEnv(t)
	s := e.bnStaff("sub-ok", bnTianhe)
	h := e.bnHousehold()
	st := e.do(http.MethodPost, "/v1/cases", h.tok, bnSubsistenceBody(h, nil)).expect(t, http.StatusCreated).state(t)
	if st.Stage != "acceptance" || !strings.HasPrefix(st.CaseID, "SUB-"+bnTianhe+"-") {
		t.Fatalf("after submission: %s at %s", st.CaseID, st.Stage)
	}
	id := st.CaseID
	st = e.bnStep(id, s.reg1, "accept", "", "awaiting-investigation")
	if c := bnClock(t, st, "investigation-start"); c.Status != workflows.ClockRunning || c.Length != 3 {
		t.Fatalf("investigation start %+v", c)
	}
	e.bnStep(id, s.reg1, "begin-investigation", "", "investigation")
	e.bnStep(id, s.reg1, "agree", "", "investigation")
	e.bnRefused(id, s.reg1, "agree", "", "already gave an opinion") // two investigators, not one twice
	e.bnStep(id, s.reg2, "agree", "", "awaiting-data-check")
	e.bnRefused(id, s.reg1, "begin-data-check", "", "requires the role approver")
	e.bnStep(id, s.county, "begin-data-check", "", "data-check")
	e.bnStep(id, s.county, "consistent", "", "township-opinion")
	st = e.bnStep(id, s.reg1, "propose-approval", "", "public-notice")
	if len(st.Deadlines) != 1 || st.Deadlines[0].Name != "public-notice" || !st.Deadlines[0].Active {
		t.Fatalf("public notice %+v", st.Deadlines)
	}
	e.bnRefused(id, s.reg1, "record-objection", "", "requires an opinion")
	e.bnStep(id, s.reg1, "record-objection", "有村民反映其家庭经营小卖部", "democratic-appraisal")
	e.bnStep(id, s.reg1, "appraised", "民主评议：小卖部已于去年停业", "new-opinion")
	st = e.bnStep(id, s.reg1, "propose-approval", "评议后仍拟同意保障", "county-decision")
	if c := bnClock(t, st, "county-decision"); c.Status != workflows.ClockRunning || c.Length != 10 {
		t.Fatalf("county clock %+v", c)
	}
	// The whole procedure gets its one extension, by the county, with reasons.
	before := bnClock(t, st, "overall").LastDay
	e.bnRefused(id, s.reg1, "extend:overall", "案情复杂", "requires the role approver")
	st = e.bnStep(id, s.county, "extend:overall", "需补充核对异地财产，延长十五个工作日", "county-decision")
	if c := bnClock(t, st, "overall"); !c.Extended || c.LastDay <= before {
		t.Fatalf("overall clock after the extension %+v (was %s)", c, before)
	}
	st = e.bnStepAmount(id, s.county, "approve", "", 620, "receiving")
	if st.Status != workflows.StatusOpen || len(st.Documents) != 2 || !strings.HasPrefix(st.Documents[0].Number, "DB"+bnTianhe+"-") ||
		st.Documents[0].HolderIDNumber != h.applicant {
		t.Fatalf("after approval: %s documents %+v", st.Status, st.Documents)
	}
	for _, name := range []string{"investigation-start", "data-check-start", "county-decision", "overall"} {
		if c := bnClock(t, st, name); c.Status != workflows.ClockMet {
			t.Errorf("clock %s: %s", name, c.Status)
		}
	}
	db := e.bnOpenStore()
	data := bnDocData(t, db, id, st.Documents[0].Number)
	if data["monthlyAmount"] != "620.00" || data["paymentFrom"] != bnNextMonth() || data["householdMembers"] != 3.0 {
		t.Fatalf("decision data %v", data)
	}
	if b, err := db.BenefitOf(context.Background(), id); err != nil || b.Status != store.BenefitPaying || b.MonthlyFen != 62000 {
		t.Fatalf("roster %+v %v", b, err)
	}
	// The family follows its case; the appraisal and the county's
	// decision are on the record.
	mine := e.do(http.MethodGet, "/v1/cases/"+id, h.tok, nil).expect(t, http.StatusOK).state(t)
	if mine.Stage != "receiving" || len(bnEvents(mine, "appraised")) != 1 || bnEvents(mine, "approve")[0].Role != "approver" {
		t.Fatalf("as the family sees it: %s", mine.Stage)
	}
}

func bnEvents(st workflows.CaseState, action string) []workflows.Event {
	var out []workflows.Event
	for _, ev := range st.Timeline {
		if ev.Action == action {
			out = append(out, ev)
		}
	}
	return out
}

// TestSubsistenceCorrectionObjectionAndRefusal: one correction notice, a
// data check showing the household does not qualify, the applicant's
// objection and the re-check; the county refuses and the township serves
// the written notice.
func TestSubsistenceCorrectionObjectionAndRefusal(t *testing.T) {
	e := sharedEnv(t)
	s := e.bnStaff("sub-no", bnTianhe)
	h := e.bnHousehold()
	id := e.do(http.MethodPost, "/v1/cases", h.tok, bnSubsistenceBody(h, nil)).expect(t, http.StatusCreated).state(t).CaseID
	e.bnRefused(id, s.reg1, "request-correction", "", "requires an opinion")
	e.bnStep(id, s.reg1, "request-correction", "请一次性补齐：户口簿复印件、配偶收入证明", "correction")
	e.bnRefused(id, s.reg1, "resubmit", "", "only by a party")
	st := e.bnStep(id, h.tok, "resubmit", "", "corrected")
	if bnHasNext(st, "request-correction") {
		t.Fatal("a second correction notice is offered")
	}
	e.bnStep(id, s.reg1, "accept", "", "awaiting-investigation")
	e.bnStep(id, s.reg1, "begin-investigation", "", "investigation")
	e.bnStep(id, s.reg1, "agree", "", "investigation")
	e.bnStep(id, s.reg2, "agree", "", "awaiting-data-check")
	e.bnStep(id, s.county, "begin-data-check", "", "data-check")
	st = e.bnStep(id, s.county, "inconsistent", "车辆登记信息显示申请人名下有小型汽车一辆", "check-result")
	if len(st.Deadlines) != 1 || st.Deadlines[0].Name != "objection-to-check" || !bnHasNext(st, "object") {
		t.Fatalf("check result: deadlines %+v next %+v", st.Deadlines, st.NextActions)
	}
	e.bnRefused(id, h.tok, "object", "", "requires an opinion")
	e.bnStep(id, h.tok, "object", "该车已于2025年转让他人，附转让合同", "re-check")
	e.bnStep(id, s.county, "objection-rejected", "复查：车辆登记信息仍在申请人名下，转让未办理过户", "township-opinion")
	e.bnStep(id, s.reg1, "propose-refusal", "家庭财产状况不符合条件", "county-decision")
	st = e.bnStep(id, s.county, "refuse", "申请人名下有机动车，不符合当地财产条件", "refusal-notice")
	if c := bnClock(t, st, "refusal-notice"); c.Status != workflows.ClockRunning || c.Length != 3 {
		t.Fatalf("refusal notice clock %+v", c)
	}
	st = e.bnStep(id, s.reg1, "serve-notice", "经核对，申请人名下有小型汽车一辆，不符合最低生活保障条件，决定不予保障", "refused")
	if st.Outcome != procedures.OutcomeRefused || st.AppealNotice == nil || len(st.Reasons) != 1 || !strings.Contains(st.Reasons[0].Message.Zh, "小型汽车") {
		t.Fatalf("outcome %s reasons %+v", st.Outcome, st.Reasons)
	}
	if c := bnClock(t, st, "refusal-notice"); c.Status != workflows.ClockMet {
		t.Fatalf("refusal notice clock at the end %+v", c)
	}
}

func bnHasNext(st workflows.CaseState, action string) bool {
	return slices.ContainsFunc(st.NextActions, func(n workflows.NextAction) bool { return n.Action == action })
}

// TestSubsistenceObjectionUpheld: the re-check agrees with the applicant
// and the case goes on to the township's opinion.
func TestSubsistenceObjectionUpheld(t *testing.T) {
	e := sharedEnv(t)
	s := e.bnStaff("sub-up", bnTianhe)
	h := e.bnHousehold()
	id := e.do(http.MethodPost, "/v1/cases", h.tok, bnSubsistenceBody(h, nil)).expect(t, http.StatusCreated).state(t).CaseID
	e.bnStep(id, s.reg1, "accept", "", "awaiting-investigation")
	e.bnStep(id, s.reg1, "begin-investigation", "", "investigation")
	e.bnStep(id, s.reg1, "agree", "", "investigation")
	e.bnStep(id, s.reg2, "agree", "", "awaiting-data-check")
	e.bnStep(id, s.county, "begin-data-check", "", "data-check")
	e.bnStep(id, s.county, "inconsistent", "银行存款超过当地标准", "check-result")
	e.bnStep(id, h.tok, "object", "该存款为代亲属保管的医疗费，附证明", "re-check")
	st := e.bnStep(id, s.county, "objection-upheld", "复查属实，该款项不计入家庭财产", "township-opinion")
	if ev := bnEvents(st, "objection-upheld"); len(ev) != 1 || ev[0].Role != "approver" || ev[0].Opinion == "" {
		t.Fatalf("re-check on the record: %+v", ev)
	}
	e.bnStep(id, s.reg1, "propose-approval", "", "public-notice")
}

// TestSubsistenceNotAcceptedRules: the application check's rules lead to
// non-acceptance, every failed rule listed.
func TestSubsistenceNotAcceptedRules(t *testing.T) {
	e := sharedEnv(t)
	cases := []struct {
		name   string
		change func(form, hh map[string]any)
		checks []string
	}{
		{"no consent to the data check", func(form, _ map[string]any) { form["consent"] = map[string]bool{"dataCheck": false} },
			[]string{"data-check-consent"}},
		{"applicant not in the household", func(_, hh map[string]any) {
			hh["members"] = hh["members"].([]map[string]string)[1:]
		}, []string{"applicant-in-household"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := *e
			e.t = t
			h := e.bnHousehold()
			st := e.do(http.MethodPost, "/v1/cases", h.tok, bnSubsistenceBody(h, tc.change)).expect(t, http.StatusCreated).state(t)
			if st.Status != workflows.StatusClosed || st.Outcome != procedures.OutcomeNotAccepted || st.AppealNotice == nil {
				t.Fatalf("status %s outcome %s", st.Status, st.Outcome)
			}
			if got := bnReasons(st.Reasons); !slices.Equal(got, tc.checks) {
				t.Fatalf("reasons %v, want %v: %+v", got, tc.checks, st.Reasons)
			}
			for _, r := range st.Reasons {
				if r.Message.Zh == "" || r.Message.En == "" || !strings.Contains(r.Basis, "办法") {
					t.Errorf("reason %+v", r)
				}
			}
		})
	}
}

// TestSubsistenceStaffRelativeHomeVisit: a relative of staff is registered
// separately at once, and the county must visit the home before deciding.
func TestSubsistenceStaffRelativeHomeVisit(t *testing.T) {
	e := sharedEnv(t)
	s := e.bnStaff("sub-rel", bnTianhe)
	h := e.bnHousehold()
	st := e.do(http.MethodPost, "/v1/cases", h.tok, bnSubsistenceBody(h, func(form, _ map[string]any) {
		form["staffRelative"], form["staffRelation"] = true, "申请人之兄为本社区居委会委员"
	})).expect(t, http.StatusCreated).state(t)
	if st.Stage != "separate-registration" || !routedBecause(st, "separate-registration") {
		t.Fatalf("after submission: stage %s timeline %+v", st.Stage, st.Timeline)
	}
	e.bnStep(st.CaseID, s.reg1, "register-separately", "", "acceptance")
	st = e.bnToCounty(st.CaseID, s, "county-home-visit")
	if !strings.Contains(st.StageTitle.Zh, "入户核查") || !routedBecause(st, "separate-registration") {
		t.Fatalf("at the county: %+v timeline %+v", st.StageTitle, st.Timeline)
	}
	e.bnRefused(st.CaseID, s.county, "approve", "", "not possible at stage")
	e.bnStep(st.CaseID, s.county, "visited", "入户核查：家庭情况与申报一致", "county-decision")
	st = e.bnStepAmount(st.CaseID, s.county, "approve", "", 620, "receiving")
	if len(st.Documents) != 2 {
		t.Fatalf("documents %+v", st.Documents)
	}
}

// TestSubsistenceReviewContinueReduceStop: while the benefit runs, a change
// the family reports brings a review: unchanged, then a reduction (sent
// back until it states a lower amount), then a stop.
func TestSubsistenceReviewContinueReduceStop(t *testing.T) {
	e := sharedEnv(t)
	s := e.bnStaff("sub-rev", bnTianhe)
	h := e.bnHousehold()
	id := e.do(http.MethodPost, "/v1/cases", h.tok, bnSubsistenceBody(h, nil)).expect(t, http.StatusCreated).state(t).CaseID
	e.bnToCounty(id, s, "county-decision")
	e.bnStepAmount(id, s.county, "approve", "", 620, "receiving")

	e.bnStep(id, s.reg1, "report-change", "家庭报告：子女入学", "periodic-review")
	e.bnStep(id, s.reg1, "unchanged", "", "receiving")
	e.bnStep(id, s.reg1, "report-change", "家庭报告：配偶找到工作", "periodic-review")
	e.bnStep(id, s.reg1, "changed", "配偶月工资1200元", "review-decision")
	e.bnRefused(id, s.county, "reduce", "家庭收入增加，应当减发", "requires the amount")
	st := e.bnStepAmount(id, s.county, "reduce", "家庭收入增加，应当减发", 700, "review-decision")
	if len(st.Reasons) != 1 || st.Reasons[0].Check != "reduced-amount-stated" || !strings.Contains(st.Reasons[0].Message.Zh, "620.00") {
		t.Fatalf("a reduction above the current amount: %+v", st.Reasons)
	}
	st = e.bnStepAmount(id, s.county, "reduce", "配偶就业，家庭收入增加", 350, "receiving")
	if len(st.Documents) != 3 || st.Documents[2].Kind != "subsistence-allowance-adjustment" || !strings.HasPrefix(st.Documents[2].Number, "DBBG") {
		t.Fatalf("documents %+v", st.Documents)
	}
	db := e.bnOpenStore()
	if data := bnDocData(t, db, id, st.Documents[2].Number); data["monthlyAmount"] != "350.00" || data["previousAmount"] != "620.00" ||
		data["effectiveFrom"] != bnNextMonth() {
		t.Fatalf("adjustment %v", data)
	}
	e.bnStep(id, s.reg1, "report-change", "家庭成员均已稳定就业", "periodic-review")
	e.bnStep(id, s.reg1, "changed", "家庭月收入3500元", "review-decision")
	st = e.bnStep(id, s.county, "stop", "家庭人均收入超过当地保障标准", "stopped")
	if st.Outcome != procedures.OutcomeTerminated || len(st.Documents) != 4 || st.Documents[3].Kind != "subsistence-allowance-stop" {
		t.Fatalf("outcome %s documents %+v", st.Outcome, st.Documents)
	}
	if b, err := db.BenefitOf(context.Background(), id); err != nil || b.Status != store.BenefitStopped || b.MonthlyFen != 35000 || b.StoppedFrom != bnNextMonth() {
		t.Fatalf("roster %+v %v", b, err)
	}
}

// assistanceBody asks for amount yuan after a fire days ago.
func bnAssistanceBody(applicant string, amount float64, daysAgo int) map[string]any {
	return map[string]any{"procedure": "temporary-assistance", "office": bnXihu, "form": map[string]any{
		"applicants": []map[string]string{{"name": "赵敏", "idNumber": applicant}},
		"household":  map[string]int{"members": 2},
		"hardship": map[string]string{"cause": "accident", "description": "住房失火，衣物被褥损毁",
			"occurredOn": time.Now().In(workflows.ChinaTime).AddDate(0, 0, -daysAgo).Format(time.DateOnly)},
		"requestedAmount": amount,
	}}
}

// TestTemporaryAssistanceTownshipApproves: the ordinary path for a small
// amount; the objection in the notice is looked into and found unfounded,
// and another township officer than the reviewer approves.
func TestTemporaryAssistanceTownshipApproves(t *testing.T) {
	e := sharedEnv(t)
	s := e.bnStaff("tas-small", bnXihu)
	who := person("19800101", false)
	tok := e.token(who, "赵敏")
	st := e.do(http.MethodPost, "/v1/cases", tok, bnAssistanceBody(who, 300, 5)).expect(t, http.StatusCreated).state(t)
	if st.Stage != "township-review" || !strings.HasPrefix(st.CaseID, "TAS-"+bnXihu+"-") {
		t.Fatalf("after submission: %s at %s", st.CaseID, st.Stage)
	}
	id := st.CaseID
	e.bnStepAmount(id, s.reg1, "recommend", "", 300, "public-notice")
	e.bnStep(id, s.reg1, "record-objection", "邻居反映火灾损失不大", "objection-review")
	st = e.bnStep(id, s.reg1, "objection-unfounded", "经核实，火灾致衣物被褥全部损毁", "township-approval")
	if len(st.Reasons) != 0 {
		t.Fatalf("a small amount needs no reason to stay at the township: %+v", st.Reasons)
	}
	e.bnRefused(id, s.reg1, "approve", "", "four eyes")
	st = e.bnStepAmount(id, s.reg2, "approve", "", 300, "approved")
	if st.Outcome != procedures.OutcomeApproved || len(st.Documents) != 1 || !strings.HasPrefix(st.Documents[0].Number, "LJ"+bnXihu+"-") {
		t.Fatalf("outcome %s documents %+v", st.Outcome, st.Documents)
	}
	if data := bnDocData(t, e.bnOpenStore(), id, st.Documents[0].Number); data["amount"] != "300.00" || data["cause"] != "accident" {
		t.Fatalf("decision data %v", data)
	}
}

// TestTemporaryAssistanceCountyDecides: above the township's limit the
// county approves; a township's proposal to refuse goes to the county too.
func TestTemporaryAssistanceCountyDecides(t *testing.T) {
	e := sharedEnv(t)
	s := e.bnStaff("tas-large", bnXihu)
	who := person("19820202", true)
	tok := e.token(who, "钱军")
	id := e.do(http.MethodPost, "/v1/cases", tok, bnAssistanceBody(who, 3000, 10)).expect(t, http.StatusCreated).state(t).CaseID
	e.bnStepAmount(id, s.reg1, "recommend", "", 3000, "public-notice")
	e.bnStep(id, s.reg1, "record-objection", "有人反映其有亲属资助", "objection-review")
	st := e.bnStep(id, s.reg1, "objection-unfounded", "亲属无资助能力", "county-approval")
	if !routedBecause(st, "county-approval") {
		t.Fatalf("why the county decides: %+v", st.Timeline)
	}
	e.bnRefused(id, s.reg2, "approve", "", "requires the role approver")
	st = e.bnStepAmount(id, s.county, "approve", "", 3000, "approved")
	if len(st.Documents) != 1 || st.Documents[0].Kind != "temporary-assistance-decision" {
		t.Fatalf("documents %+v", st.Documents)
	}

	other := person("19830303", false)
	oid := e.do(http.MethodPost, "/v1/cases", e.token(other, "孙丽"), bnAssistanceBody(other, 800, 3)).expect(t, http.StatusCreated).state(t).CaseID
	e.bnStep(oid, s.reg1, "propose-refusal", "家庭收入足以应对，不属于临时救助对象", "county-approval")
	e.bnRefused(oid, s.county, "refuse", "", "requires an opinion")
	st = e.bnStep(oid, s.county, "refuse", "家庭有稳定收入，困难不属于临时救助范围", "refused")
	if st.Outcome != procedures.OutcomeRefused || st.AppealNotice == nil || len(st.Reasons) != 1 {
		t.Fatalf("outcome %s reasons %+v", st.Outcome, st.Reasons)
	}
}

// TestTemporaryAssistanceEmergencyPaidFirst: the township pays at once;
// the case stays open, awaiting paperwork, until the county signs it off
// (after sending it back once for a missing signature).
func TestTemporaryAssistanceEmergencyPaidFirst(t *testing.T) {
	e := sharedEnv(t)
	s := e.bnStaff("tas-urgent", bnXihu)
	who := person("19700707", false)
	tok := e.token(who, "吴梅")
	id := e.do(http.MethodPost, "/v1/cases", tok, bnAssistanceBody(who, 2000, 1)).expect(t, http.StatusCreated).state(t).CaseID
	e.bnRefused(id, s.reg1, "pay-first", "", "requires an opinion")
	st := e.bnStepAmount(id, s.reg1, "pay-first", "昨夜住房失火，一家人无处安身，先行救助", 1000, "awaiting-paperwork")
	if st.Status != workflows.StatusOpen || st.StageTitle.En != "Paid first; awaiting paperwork" ||
		len(st.Documents) != 1 || st.Documents[0].Kind != "temporary-assistance-payment" || !strings.HasPrefix(st.Documents[0].Number, "LJXX") {
		t.Fatalf("after paying first: %s %+v documents %+v", st.Status, st.StageTitle, st.Documents)
	}
	var inbox CaseList
	e.do(http.MethodGet, "/v1/me/inbox", s.reg2, nil).expect(t, http.StatusOK).decode(t, &inbox)
	if !inbox.has(id) {
		t.Fatal("the case awaiting paperwork is not in the township's inbox")
	}
	mine := e.do(http.MethodGet, "/v1/cases/"+id, tok, nil).expect(t, http.StatusOK).state(t)
	if mine.Stage != "awaiting-paperwork" || mine.Status != workflows.StatusOpen {
		t.Fatalf("as the applicant sees it: %s %s", mine.Stage, mine.Status)
	}
	e.bnStep(id, s.reg1, "submit-paperwork", "救助对象吴梅，事由住房失火，金额1000元", "paperwork-approval")
	e.bnStep(id, s.county, "return:awaiting-paperwork", "缺少经办人签字", "awaiting-paperwork")
	e.bnStep(id, s.reg1, "submit-paperwork", "已补经办人签字", "paperwork-approval")
	st = e.bnStep(id, s.county, "sign-off", "", "paperwork-completed")
	if st.Status != workflows.StatusClosed || st.Outcome != procedures.OutcomeApproved || len(st.Documents) != 1 {
		t.Fatalf("after the paperwork: %s %s %+v", st.Status, st.Outcome, st.Documents)
	}
}

// bnStart starts a civilflow of its own that also loads the definitions
// in procDir, as `civilflow serve --procedures-dir` does.
func bnStart(t *testing.T, dataDir, procDir string, c *clock) *app.App {
	return startOwn(t, dataDir, c, func(cfg *app.Config) { cfg.ProceduresDir, cfg.Retention = procDir, time.Hour })
}

// TestElderlyAllowanceFromProceduresDir: the 80+ allowance is a local
// procedure in examples/procedures, loaded without a rebuild; a case runs
// to its end, another is refused by its generic checks.
func TestElderlyAllowanceFromProceduresDir(t *testing.T) {
	dir := t.TempDir()
	c := &clock{}
	e := &env{t: t, app: bnStart(t, dir, filepath.Join("..", "examples", "procedures"), c), clock: c, dataDir: dir}
	s := e.bnStaff("eld", bnTianhe)
	var proc struct {
		ID     string         `json:"id"`
		Params map[string]any `json:"params"`
	}
	e.do(http.MethodGet, "/v1/procedures/elderly-allowance", s.reg1, nil).expect(t, http.StatusOK).decode(t, &proc)
	if proc.ID != "elderly-allowance" || proc.Params["minimumAge"] != 80.0 {
		t.Fatalf("procedure %+v", proc)
	}
	body := func(who, hukou string) map[string]any {
		return map[string]any{"procedure": "elderly-allowance", "office": bnTianhe, "form": map[string]any{
			"applicants": []map[string]string{{"name": "陈奶奶", "idNumber": who}}, "hukouDivision": hukou}}
	}
	elder := person("19400101", false) // 80-89 band
	st := e.do(http.MethodPost, "/v1/cases", e.token(elder, "陈奶奶"), body(elder, bnTianhe)).expect(t, http.StatusCreated).state(t)
	if st.Stage != "township-verification" || !strings.HasPrefix(st.CaseID, "ELD-"+bnTianhe+"-") {
		t.Fatalf("after submission: %s at %s (reasons %+v)", st.CaseID, st.Stage, st.Reasons)
	}
	e.bnStep(st.CaseID, s.reg1, "verified", "", "county-approval")
	st = e.bnStep(st.CaseID, s.county, "approve", "", "paying")
	if st.Status != workflows.StatusOpen || len(st.Documents) != 1 || !strings.HasPrefix(st.Documents[0].Number, "JT"+bnTianhe+"-") {
		t.Fatalf("status %s documents %+v", st.Status, st.Documents)
	}
	if data := bnDocData(t, e.bnOpenStore(), st.CaseID, st.Documents[0].Number); data["monthlyAmount"] != "30.00" ||
		data["bandFromAge"] != 80.0 || data["paymentFrom"] != bnNextMonth() {
		t.Fatalf("decision data %v", data)
	}
	// M24: a death recorded by the township stops payment from next month.
	st = e.bnStep(st.CaseID, s.reg1, "record-death", "经公安部门通报，申请人已死亡", "stopped")
	if st.Outcome != procedures.OutcomeTerminated || len(st.Documents) != 2 || !strings.HasPrefix(st.Documents[1].Number, "JTTF") {
		t.Fatalf("outcome %s documents %+v", st.Outcome, st.Documents)
	}

	young := person("19560101", true) // 70, registered elsewhere
	st = e.do(http.MethodPost, "/v1/cases", e.token(young, "陈爷爷"), body(young, "110105")).expect(t, http.StatusCreated).state(t)
	if st.Outcome != procedures.OutcomeRefused ||
		!slices.Equal(bnReasons(st.Reasons), []string{"minimum-age", "hukou-in-jurisdiction", "age-band-amount"}) {
		t.Fatalf("outcome %s reasons %+v", st.Outcome, st.Reasons)
	}
}

// routedBecause reports whether the case was routed to stage with the
// reason on record (the condition that did not hold).
func routedBecause(st workflows.CaseState, stage string) bool {
	for _, e := range st.Timeline {
		if e.Action == "route" && e.StageTo == stage && e.Opinion != "" {
			return true
		}
	}
	return false
}
