package integration

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"civilflow/procedures"
)

// The benefits of the 2026-12 legal review (§6, §7) as applicants and
// officers see them through the API.

// TestW2SubsistenceAcceptedDespiteDeclaredIncome: declared income of 2,500
// for three against a standard of 800 is no ground to refuse: the
// township is asked to accept (最低生活保障审核确认办法第十条), and the county
// alone may refuse (第二十一条).
func TestW2SubsistenceAcceptedDespiteDeclaredIncome(t *testing.T) {
	e := sharedEnv(t)
	s := e.bnStaff("w2", bnTianhe)
	h := e.bnHousehold()
	st := e.do(http.MethodPost, "/v1/cases", h.tok, bnSubsistenceBody(h, func(_, hh map[string]any) {
		hh["monthlyIncome"], hh["vehicles"] = 2500, 1
	})).expect(t, http.StatusCreated).state(t)
	if st.Stage != "acceptance" || st.Outcome != "" || !bnHasNext(st, "accept") {
		t.Fatalf("after submission: stage %s outcome %q reasons %+v", st.Stage, st.Outcome, st.Reasons)
	}
	e.bnStep(st.CaseID, s.reg1, "accept", "", "awaiting-investigation")
}

// TestM15SubsistenceHukouElsewhereReferred: an applicant whose hukou is in
// Beijing (110105) applies in Guangzhou's Tianhe (440106): not accepted,
// told where to apply (第四条).
func TestM15SubsistenceHukouElsewhereReferred(t *testing.T) {
	e := sharedEnv(t)
	h := e.bnHousehold()
	st := e.do(http.MethodPost, "/v1/cases", h.tok, bnSubsistenceBody(h, func(form, _ map[string]any) {
		form["hukouDivision"] = "110105"
	})).expect(t, http.StatusCreated).state(t)
	if st.Outcome != procedures.OutcomeNotAccepted || !slices.Equal(bnReasons(st.Reasons), []string{"hukou-where-applying"}) ||
		!strings.Contains(st.Reasons[0].Message.Zh, "户籍所在地乡镇人民政府") {
		t.Fatalf("outcome %s reasons %+v", st.Outcome, st.Reasons)
	}
}

// TestM17SubsistenceMemberPaidOnce: a member of a household already paid
// the allowance cannot be listed in a second application (第二十八条).
func TestM17SubsistenceMemberPaidOnce(t *testing.T) {
	e := sharedEnv(t)
	s := e.bnStaff("m17", bnTianhe)
	h := e.bnHousehold()
	id := e.do(http.MethodPost, "/v1/cases", h.tok, bnSubsistenceBody(h, nil)).expect(t, http.StatusCreated).state(t).CaseID
	e.bnToCounty(id, s, "county-decision")
	e.bnStepAmount(id, s.county, "approve", "", 620, "receiving")

	other := e.bnHousehold()
	st := e.do(http.MethodPost, "/v1/cases", other.tok, bnSubsistenceBody(other, func(_, hh map[string]any) {
		hh["members"] = append(hh["members"].([]map[string]string), map[string]string{"name": "王小明", "idNumber": h.child, "relation": "孙子女"})
	})).expect(t, http.StatusCreated).state(t)
	if st.Outcome != procedures.OutcomeNotAccepted || !slices.Equal(bnReasons(st.Reasons), []string{"not-already-receiving"}) ||
		!strings.Contains(st.Reasons[0].Message.Zh, h.child[len(h.child)-4:]) || strings.Contains(st.Reasons[0].Message.Zh, h.child) ||
		strings.Contains(st.Reasons[0].Message.Zh, id) {
		t.Fatalf("outcome %s reasons %+v", st.Outcome, st.Reasons)
	}
	// The first household's allowance is increased, then stops; its
	// history, recorded with -record-histories, replays in the workflow
	// tests (the amount the county set, an increase, the publication).
	e.bnStep(id, s.reg1, "report-change", "配偶失业", "periodic-review")
	e.bnStep(id, s.reg1, "changed", "家庭月收入降至1400元", "review-decision")
	e.bnStepAmount(id, s.county, "increase", "家庭收入减少，增发", 1000, "receiving")
	e.bnStep(id, s.reg1, "report-change", "家庭成员均已就业", "periodic-review")
	e.bnStep(id, s.reg1, "changed", "家庭月收入3500元", "review-decision")
	e.bnStep(id, s.county, "stop", "家庭人均收入超过当地保障标准", "stopped")
	if *recordHistories {
		e.saveHistory(id, "subsistence-v2-increased-stopped.json")
	}
}

// TestW6AssistanceAboveTheCapReachesTheTownship: 9,000 asked where the
// cap is 8,000 reaches the township's review; an amount above the cap is
// refused by name, one with a fraction of a fen is a 422 on body.amount
// (社会救助暂行办法第四十七条、第四十九条).
func TestW6AssistanceAboveTheCapReachesTheTownship(t *testing.T) {
	e := sharedEnv(t)
	s := e.bnStaff("w6", bnXihu)
	who := person("19860606", true)
	st := e.do(http.MethodPost, "/v1/cases", e.token(who, "郑洁"), bnAssistanceBody(who, 9000, 5)).expect(t, http.StatusCreated).state(t)
	if st.Stage != "township-review" || st.Outcome != "" {
		t.Fatalf("after submission: stage %s outcome %q reasons %+v", st.Stage, st.Outcome, st.Reasons)
	}
	res := e.do(http.MethodPost, "/v1/cases/"+st.CaseID+"/actions", s.reg1, map[string]any{"action": "recommend", "amount": 9000})
	if res.status != http.StatusConflict || !strings.Contains(string(res.body), "maximumAmount") {
		t.Fatalf("above the cap: %d %s", res.status, res.body)
	}
	res = e.do(http.MethodPost, "/v1/cases/"+st.CaseID+"/actions", s.reg1, map[string]any{"action": "recommend", "amount": 80.005})
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(string(res.body), "body.amount") {
		t.Fatalf("a fraction of a fen: %d %s", res.status, res.body)
	}
	e.bnStepAmount(st.CaseID, s.reg1, "recommend", "", 8000, "public-notice")
	e.bnStep(st.CaseID, s.reg1, "record-objection", "有人反映其已获保险赔付", "objection-review")
	e.bnStep(st.CaseID, s.reg1, "objection-unfounded", "保险尚未理赔", "county-approval")
	st = e.bnStepAmount(st.CaseID, s.county, "approve", "", 8000, "approved")
	if data := bnDocData(t, e.bnOpenStore(), st.CaseID, st.Documents[0].Number); data["amount"] != "8000.00" || data["requested"] != "9000.00" {
		t.Fatalf("decision data %v", data)
	}
	if *recordHistories {
		e.saveHistory(st.CaseID, "assistance-v2-capped.json")
	}
}
