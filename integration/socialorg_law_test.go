package integration

import (
	"net/http"
	"strings"
	"testing"

	"civilflow/procedures"
	"civilflow/workflows"
)

// TestS2NationalRegistrationAtTheMinistry: a national public-fundraising
// foundation with 8,000,000 yuan paid in is filed at the Ministry (office
// 000000; 基金会管理条例第六条第二款, 社会团体登记管理条例第七条): it is
// accepted and checked against the national minimum (第八条第（二）项). A
// marriage cannot be filed there, and the answer names the field.
func TestS2NationalRegistrationAtTheMinistry(t *testing.T) {
	e := sharedEnv(t)
	mca := e.token("reg-so-mca", "民政部登记员", "registrar:000000")
	f := e.founder()
	body := orgApplication("foundation-registration", "000000", f)
	form := body["form"].(map[string]any)
	form["fundraising"] = "public"
	form["funds"] = map[string]any{"amount": 8_000_000, "paidInCash": true}
	orgOf(body)["name"] = strings.Replace(orgOf(body)["name"].(string), "北京", "中国", 1)
	st := e.submitOrg(body, f)
	if st.Stage != "intake" || st.Outcome != "" {
		t.Fatalf("at the Ministry: stage %s outcome %s reasons %+v", st.Stage, st.Outcome, st.Reasons)
	}
	review := e.act(st.CaseID, mca, "accept", "").expect(t, http.StatusOK).state(t)
	if review.Stage != "review" || len(review.Reasons) != 0 {
		t.Fatalf("after acceptance: stage %s reasons %+v", review.Stage, review.Reasons)
	}
	// Registered by the Ministry, its unified code carries area 100000.
	done := e.act(st.CaseID, mca, "register", "").expect(t, http.StatusOK).state(t)
	if done.Outcome != procedures.OutcomeApproved || len(done.Documents) != 2 || !strings.HasPrefix(done.Documents[0].HolderIDNumber, "53100000") {
		t.Fatalf("registered: outcome %s documents %+v", done.Outcome, done.Documents)
	}

	// 7,999,999 yuan is below the national public-fundraising minimum.
	g := e.founder()
	low := orgApplication("foundation-registration", "000000", g)
	low["form"].(map[string]any)["fundraising"] = "public"
	low["form"].(map[string]any)["funds"] = map[string]any{"amount": 7_999_999, "paidInCash": true}
	st = e.submitOrg(low, g)
	done = e.act(st.CaseID, mca, "accept", "").expect(t, http.StatusOK).state(t)
	if done.Outcome != procedures.OutcomeRefused || len(done.Reasons) != 1 || done.Reasons[0].Check != "foundation-initial-funds" ||
		!strings.Contains(done.Reasons[0].Message.Zh, "全国性公募基金会") {
		t.Fatalf("below the national minimum: outcome %s reasons %+v", done.Outcome, done.Reasons)
	}

	c := e.couple("19900307", "19920612")
	res := e.do(http.MethodPost, "/v1/cases", c.manTok, marriageBody(c, "000000")).expect(t, http.StatusUnprocessableEntity)
	if !strings.Contains(string(res.body), "body.office") || !strings.Contains(string(res.body), "marriage-registration") {
		t.Fatalf("marriage at the Ministry: %s", res.body)
	}
}

// TestM10FoundationReferredToTheProvince: a non-public foundation with
// 5,000,000 yuan filed at the Ministry is not accepted and referred to the
// province (基金会管理条例第六条: only one over 20,000,000 may apply to the
// Ministry; 行政许可法第三十二条第一款第（二）项), before any clock runs.
func TestM10FoundationReferredToTheProvince(t *testing.T) {
	e := sharedEnv(t)
	f := e.founder()
	body := orgApplication("foundation-registration", "000000", f)
	body["form"].(map[string]any)["funds"] = map[string]any{"amount": 5_000_000, "paidInCash": true}
	st := e.submitOrg(body, f)
	if st.Outcome != procedures.OutcomeNotAccepted || len(st.Reasons) != 1 || st.Reasons[0].Check != "foundation-registration-authority" ||
		!strings.Contains(st.Reasons[0].Message.Zh, "省级民政部门") || st.AppealNotice == nil || len(st.Clocks) != 0 {
		t.Fatalf("outcome %s reasons %+v clocks %+v", st.Outcome, st.Reasons, st.Clocks)
	}
}

// TestM9CharityDueInThirtyDays: founders apply to register a foundation as
// a charity; the registrar accepts it and the case shows its decision due
// 30 days after acceptance (慈善法第十条第一款), counted on the legal
// calendar, in place of the 60 days of 基金会管理条例第十一条.
func TestM9CharityDueInThirtyDays(t *testing.T) {
	e := sharedEnv(t)
	reg := e.token("reg-so-charity", "陈登记", "registrar:"+beijing)
	f := e.founder()
	body := orgApplication("foundation-registration", beijing, f)
	body["form"].(map[string]any)["charity"] = map[string]any{"nonProfit": true, "purposes": []string{"poverty-relief"}}
	st := e.submitOrg(body, f)
	review := e.act(st.CaseID, reg, "accept", "").expect(t, http.StatusOK).state(t)
	var charity, sixty workflows.ClockState
	for _, c := range review.Clocks {
		switch c.Name {
		case "charity-registration-decision":
			charity = c
		case "registration-decision":
			sixty = c
		}
	}
	accepted, _ := lastEvent(review, "accept")
	if review.Stage != "review" || charity.Status != workflows.ClockRunning || charity.StartedOn != chinaDay(accepted.At) ||
		charity.LastDay != e.countDays(f.tok, charity.StartedOn, 30, "calendar-days") || sixty.Status != workflows.ClockMet {
		t.Fatalf("stage %s charity clock %+v 60-day clock %+v", review.Stage, charity, sixty)
	}
	done := e.act(st.CaseID, reg, "register", "").expect(t, http.StatusOK).state(t)
	if done.Outcome != procedures.OutcomeApproved {
		t.Fatalf("outcome %s", done.Outcome)
	}
	if *recordHistories {
		e.saveHistory(st.CaseID, "foundation-charity-registered.json")
	}
}
