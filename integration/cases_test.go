package integration

import (
	"net/http"
	"strings"
	"testing"

	"civilflow/procedures"
	"civilflow/workflows"
)

const (
	beijingChaoyang  = "110105"
	zhengzhouJinshui = "410105"
)

func TestMarriageHappyPathIssuesCertificates(t *testing.T) {
	e := sharedEnv(t)
	reg := e.token("reg-mar-1", "王登记", "registrar:110105")
	c := e.couple("19900307", "19920612")

	st := e.do(http.MethodPost, "/v1/cases", c.manTok, marriageBody(c, beijingChaoyang)).expect(t, http.StatusCreated).state(t)
	if st.Stage != "registrar-review" || st.Status != workflows.StatusOpen {
		t.Fatalf("after submission: stage %s status %s", st.Stage, st.Status)
	}
	if !strings.HasPrefix(st.CaseID, "MAR-110105-") {
		t.Fatalf("case id %s", st.CaseID)
	}
	// Both spouses see it in their applications; the registrar in the inbox.
	var list CaseList
	e.do(http.MethodGet, "/v1/me/applications", c.womanTok, nil).expect(t, http.StatusOK).decode(t, &list)
	if !list.has(st.CaseID) {
		t.Fatalf("case not in the wife's applications: %+v", list)
	}
	e.do(http.MethodGet, "/v1/me/inbox", reg, nil).expect(t, http.StatusOK).decode(t, &list)
	if !list.has(st.CaseID) {
		t.Fatalf("case not in the registrar's inbox: %+v", list)
	}

	done := e.act(st.CaseID, reg, "register", "").expect(t, http.StatusOK).state(t)
	if done.Outcome != procedures.OutcomeApproved || len(done.Documents) != 2 {
		t.Fatalf("outcome %s documents %+v", done.Outcome, done.Documents)
	}
	if done.Documents[0].Number == done.Documents[1].Number || !strings.HasPrefix(done.Documents[0].Number, "J110105-") {
		t.Fatalf("certificate numbers %+v", done.Documents)
	}
	// The closed case reads from the store and leaves the inbox.
	again := e.do(http.MethodGet, "/v1/cases/"+st.CaseID, c.womanTok, nil).expect(t, http.StatusOK).state(t)
	if again.Outcome != procedures.OutcomeApproved || len(again.Documents) != 2 {
		t.Fatalf("closed case as read back: %+v", again)
	}
	e.do(http.MethodGet, "/v1/me/inbox", reg, nil).expect(t, http.StatusOK).decode(t, &list)
	if list.has(st.CaseID) {
		t.Fatal("a closed case is still in the inbox")
	}
	// The registrar's decision is on the record with role and office.
	var last workflows.Event
	for _, ev := range again.Timeline {
		if ev.Action == "register" {
			last = ev
		}
	}
	if last.Actor != "reg-mar-1" || last.Role != "registrar" || last.Office != beijingChaoyang {
		t.Fatalf("register event %+v", last)
	}
}

func TestMarriageUnderAgeRefusedWithReasons(t *testing.T) {
	e := sharedEnv(t)
	c := e.couple("20070101", "20080101") // 19 and 18 in 2026
	st := e.do(http.MethodPost, "/v1/cases", c.manTok, marriageBody(c, beijingChaoyang)).expect(t, http.StatusCreated).state(t)
	if st.Outcome != procedures.OutcomeRefused || st.Status != workflows.StatusClosed {
		t.Fatalf("outcome %s status %s", st.Outcome, st.Status)
	}
	if len(st.Reasons) != 2 || st.AppealNotice == nil {
		t.Fatalf("want two age reasons and an appeal notice, got %+v", st.Reasons)
	}
	for _, r := range st.Reasons {
		if r.Check != "legal-marriage-age" || !strings.Contains(r.Message.Zh, "法定婚龄") || r.Basis == "" {
			t.Fatalf("reason %+v", r)
		}
	}
}

func TestMarriageAlreadyMarriedRefused(t *testing.T) {
	e := sharedEnv(t)
	reg := e.token("reg-mar-2", "赵登记", "registrar:110105")
	first := e.married(beijingChaoyang, reg)
	other := e.couple("19850101", "19870101")
	other.man, other.manTok = first.man, first.manTok // the husband tries to marry again

	st := e.do(http.MethodPost, "/v1/cases", other.manTok, marriageBody(other, beijingChaoyang)).expect(t, http.StatusCreated).state(t)
	if st.Stage != "awaiting-proof" || len(st.Reasons) != 1 || st.Reasons[0].Check != "not-currently-married" {
		t.Fatalf("stage %s reasons %+v", st.Stage, st.Reasons)
	}
	e.act(st.CaseID, reg, "refuse", "").expect(t, http.StatusConflict)
	done := e.act(st.CaseID, reg, "refuse", "一方现有配偶，未能提供婚姻关系已解除的证明").expect(t, http.StatusOK).state(t)
	if done.Outcome != procedures.OutcomeRefused || done.AppealNotice == nil {
		t.Fatalf("outcome %s", done.Outcome)
	}
}

func TestInvalidIDNumberIs422NamingTheField(t *testing.T) {
	e := sharedEnv(t)
	c := e.couple("19900307", "19920612")
	body := marriageBody(c, beijingChaoyang)
	bad := c.woman[:17] + map[bool]string{true: "1", false: "2"}[c.woman[17] != '1']
	body["form"].(map[string]any)["applicants"] = []map[string]string{{"name": c.manName, "idNumber": c.man}, {"name": c.womanName, "idNumber": bad}}

	res := e.do(http.MethodPost, "/v1/cases", c.manTok, body).expect(t, http.StatusUnprocessableEntity)
	var p problem
	res.decode(t, &p)
	if len(p.Errors) != 1 || p.Errors[0].Location != "body.form.applicants[1].idNumber" || !strings.Contains(p.Errors[0].Message, "resident-id") {
		t.Fatalf("problem %+v", p)
	}
	if ct := res.header.Get("Content-Type"); !strings.Contains(ct, "problem+json") {
		t.Fatalf("content type %s", ct)
	}
	// Nothing was created.
	var list CaseList
	e.do(http.MethodGet, "/v1/me/applications", c.manTok, nil).expect(t, http.StatusOK).decode(t, &list)
	if list.Total != 0 {
		t.Fatalf("a rejected submission left %d cases", list.Total)
	}
}

func TestSameIdempotencyKeyGivesOneCase(t *testing.T) {
	e := sharedEnv(t)
	c := e.couple("19900307", "19920612")
	first := e.do(http.MethodPost, "/v1/cases", c.manTok, marriageBody(c, beijingChaoyang), "Idempotency-Key", "visit-1").expect(t, http.StatusCreated)
	second := e.do(http.MethodPost, "/v1/cases", c.manTok, marriageBody(c, beijingChaoyang), "Idempotency-Key", "visit-1").expect(t, http.StatusCreated)
	if a, b := first.state(t).CaseID, second.state(t).CaseID; a != b {
		t.Fatalf("two cases %s and %s for one key", a, b)
	}
	if second.header.Get("Idempotent-Replayed") != "true" {
		t.Fatal("the replay is not marked")
	}
	var list CaseList
	e.do(http.MethodGet, "/v1/me/applications", c.manTok, nil).expect(t, http.StatusOK).decode(t, &list)
	if list.Total != 1 {
		t.Fatalf("%d cases for one key", list.Total)
	}
	// The same key for a different application is a conflict.
	other := marriageBody(c, "110108")
	e.do(http.MethodPost, "/v1/cases", c.manTok, other, "Idempotency-Key", "visit-1").expect(t, http.StatusConflict)
}

func TestOutsiderAndForeignRegistrarGet404(t *testing.T) {
	e := sharedEnv(t)
	c := e.couple("19900307", "19920612")
	st := e.do(http.MethodPost, "/v1/cases", c.manTok, marriageBody(c, beijingChaoyang)).expect(t, http.StatusCreated).state(t)

	outsider := e.token(person("19800101", true), "路人")
	e.do(http.MethodGet, "/v1/cases/"+st.CaseID, outsider, nil).expect(t, http.StatusNotFound)
	e.act(st.CaseID, outsider, "withdraw", "").expect(t, http.StatusNotFound)

	henan := e.token("reg-henan", "河南登记员", "registrar:410000")
	e.do(http.MethodGet, "/v1/cases/"+st.CaseID, henan, nil).expect(t, http.StatusNotFound)
	e.act(st.CaseID, henan, "register", "").expect(t, http.StatusNotFound)
	// The unknown case and the hidden one answer alike.
	e.do(http.MethodGet, "/v1/cases/MAR-110105-20260101-9999", henan, nil).expect(t, http.StatusNotFound)

	// A supervisor of Beijing reads it but cannot act.
	sup := e.token("sup-bj", "北京监察", "supervisor:110000")
	e.do(http.MethodGet, "/v1/cases/"+st.CaseID, sup, nil).expect(t, http.StatusOK)
	e.act(st.CaseID, sup, "register", "").expect(t, http.StatusForbidden)

	// A party may act, but not decide its own case.
	e.act(st.CaseID, c.womanTok, "register", "").expect(t, http.StatusConflict)
}

func TestNoTokenIs401OnEveryOperation(t *testing.T) {
	e := sharedEnv(t)
	res := e.do(http.MethodGet, "/openapi.json", "", nil).expect(t, http.StatusOK)
	var doc struct {
		Paths map[string]map[string]struct {
			// Security is present and empty on the operations that need
			// no sign-in (signing in itself); the walk gates those.
			Security *[]map[string][]string `json:"security"`
		} `json:"paths"`
	}
	res.decode(t, &doc)
	count := 0
	for path, ops := range doc.Paths {
		for method, op := range ops {
			if op.Security != nil && len(*op.Security) == 0 {
				continue
			}
			url := strings.NewReplacer("{id}", "MAR-110105-20260101-0001").Replace(path)
			got := e.do(strings.ToUpper(method), url, "", map[string]any{})
			if got.status != http.StatusUnauthorized {
				t.Errorf("%s %s without a token: %d", method, path, got.status)
			}
			bad := e.do(strings.ToUpper(method), url, "not-a-token", map[string]any{})
			if bad.status != http.StatusUnauthorized {
				t.Errorf("%s %s with a bad token: %d", method, path, bad.status)
			}
			count++
		}
	}
	if count < 7 {
		t.Fatalf("only %d operations in the OpenAPI document", count)
	}
}

func TestDivorceWithdrawnDuringCoolingOff(t *testing.T) {
	e := sharedEnv(t)
	reg := e.token("reg-div-1", "钱登记", "registrar:110105")
	c := e.married(beijingChaoyang, reg)
	st := e.counterDivorce(c, beijingChaoyang)
	if st.Stage != "cooling-off" || len(st.Deadlines) != 1 || !st.Deadlines[0].Active {
		t.Fatalf("stage %s deadlines %+v", st.Stage, st.Deadlines)
	}
	e.act(st.CaseID, c.manTok, "withdraw", "").expect(t, http.StatusConflict) // withdrawn in person, at the office
	done := e.withdrawInPerson(st.CaseID, reg).expect(t, http.StatusOK).state(t)
	if done.Outcome != procedures.OutcomeWithdrawn {
		t.Fatalf("outcome %s", done.Outcome)
	}
	// Still married: a new marriage for him is held for proof.
	other := e.couple("19900101", "19910101")
	other.man, other.manTok = c.man, c.manTok
	again := e.do(http.MethodPost, "/v1/cases", other.manTok, marriageBody(other, beijingChaoyang)).expect(t, http.StatusCreated).state(t)
	if again.Stage != "awaiting-proof" {
		t.Fatalf("after a withdrawn divorce the man is not married? stage %s", again.Stage)
	}
}

// TestDivorceRegisteredAfterCoolingOff: received 45 days ago, so the
// cooling-off period has run (even with a holiday extension) and the
// 30-day window is open now.
func TestDivorceRegisteredAfterCoolingOff(t *testing.T) {
	e := sharedEnv(t)
	reg := e.token("reg-div-2", "孙登记", "registrar:110105")
	c := e.married(beijingChaoyang, reg)
	e.clock.receivedOn(t, e.clock.Now().In(workflows.ChinaTime).AddDate(0, 0, -45).Format("2006-01-02"))
	st := e.counterDivorce(c, beijingChaoyang)
	st = e.waitFor(st.CaseID, c.manTok, func(s workflows.CaseState) bool { return s.Stage == "awaiting-appearance" })
	if len(st.Deadlines) != 2 || st.Deadlines[0].Active || !st.Deadlines[1].Active {
		t.Fatalf("deadlines %+v", st.Deadlines)
	}
	foreign := e.token("reg-hn-2", "河南登记员", "registrar:410105")
	e.act(st.CaseID, foreign, "register", "").expect(t, http.StatusNotFound)
	done := e.act(st.CaseID, reg, "register", "").expect(t, http.StatusOK).state(t)
	if done.Outcome != procedures.OutcomeApproved || len(done.Documents) != 4 || !strings.HasPrefix(done.Documents[2].Number, "L110105-") {
		t.Fatalf("outcome %s documents %+v", done.Outcome, done.Documents)
	}
}

// TestDivorceDeemedWithdrawn: received on 2026-01-16, cooling-off ended
// 2026-02-24 and the window 2026-03-26; nobody appeared, so the timers alone
// end the case.
func TestDivorceDeemedWithdrawn(t *testing.T) {
	e := sharedEnv(t)
	reg := e.token("reg-div-3", "周登记", "registrar:110105")
	c := e.married(beijingChaoyang, reg)
	e.clock.receivedOn(t, "2026-01-16")
	st := e.counterDivorce(c, beijingChaoyang)
	st = e.waitFor(st.CaseID, c.manTok, func(s workflows.CaseState) bool { return s.Status == workflows.StatusClosed })
	if st.Outcome != procedures.OutcomeDeemedWithdrawn {
		t.Fatalf("outcome %s", st.Outcome)
	}
	if len(st.Deadlines) != 2 || st.Deadlines[0].LastDay != "2026-02-24" || st.Deadlines[1].LastDay != "2026-03-26" {
		t.Fatalf("deadlines %+v", st.Deadlines)
	}
}

// CaseList is the list response.
type CaseList struct {
	Total int `json:"total"`
	Items []struct {
		ID string `json:"id"`
	} `json:"items"`
}

func (l CaseList) has(id string) bool {
	for _, it := range l.Items {
		if it.ID == id {
			return true
		}
	}
	return false
}

type problem struct {
	Type   string `json:"type"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Errors []struct {
		Location string `json:"location"`
		Message  string `json:"message"`
	} `json:"errors"`
}
