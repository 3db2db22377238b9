package integration

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"civilflow/api"
	"civilflow/workflows"
)

// proofBody is accept-proof with a divorce judgment for person, naming spouse.
func proofBody(person, spouse, day string) map[string]any {
	return map[string]any{"action": "accept-proof", "opinion": "离婚判决书已核对原件", "attachments": []map[string]any{{
		"title": "离婚判决书", "reference": "dms://2026/proof/0001", "sha256": strings.Repeat("5e", 32),
		"proof": map[string]string{"kind": "divorce-judgment", "number": "（2025）京0105民初123号", "date": day,
			"person": person, "spouse": spouse},
	}}}
}

func (e *env) post(caseID, token string, body map[string]any) response {
	e.t.Helper()
	return e.do(http.MethodPost, "/v1/cases/"+caseID+"/actions", token, body)
}

// marriedCase registers a marriage through the API and returns the couple
// and the case that registered it.
func (e *env) marriedCase(reg string) (couple, string) {
	e.t.Helper()
	c := e.couple("19880101", "19900101")
	st := e.do(http.MethodPost, "/v1/cases", c.manTok, marriageBody(c, beijingChaoyang)).expect(e.t, http.StatusCreated).state(e.t)
	e.act(st.CaseID, reg, "register", "").expect(e.t, http.StatusOK)
	return c, st.CaseID
}

// says reports whether anything an applicant was shown holds s.
func says(st workflows.CaseState, s string) bool {
	raw, _ := json.Marshal(st)
	return strings.Contains(string(raw), s)
}

// TestD2ProofEndsOnlyTheMarriageItNames is the legal review's W1 through
// the API: A is married to C, B to D. A and B apply; a judgment for B,
// accepted by one registrar and confirmed by another, ends B–D only; the
// checks run again and the case waits for proof about A; no certificate.
// D is told and D's own case shows the end.
func TestD2ProofEndsOnlyTheMarriageItNames(t *testing.T) {
	e := sharedEnv(t)
	reg1 := e.token("reg-d2-1", "甲登记", "registrar:110105")
	reg2 := e.token("reg-d2-2", "乙登记", "registrar:110105")
	ac, acCase := e.marriedCase(reg1) // A (man) – C
	db, dbCase := e.marriedCase(reg1) // D (man) – B (woman)
	ab := couple{man: ac.man, manTok: ac.manTok, manName: "张伟", woman: db.woman, womanTok: db.womanTok, womanName: "李娜"}
	st := e.do(http.MethodPost, "/v1/cases", ab.manTok, marriageBody(ab, beijingChaoyang)).expect(t, http.StatusCreated).state(t)
	if st.Stage != "awaiting-proof" {
		t.Fatalf("stage %s", st.Stage)
	}
	today := time.Now().In(workflows.ChinaTime).Format(time.DateOnly)

	e.act(st.CaseID, reg1, "accept-proof", "见判决").expect(t, http.StatusConflict)
	wrong := proofBody(ab.woman, ab.man, today)
	e.post(st.CaseID, reg1, wrong).expect(t, http.StatusConflict)
	e.post(st.CaseID, reg1, proofBody(ab.woman, db.man, today)).expect(t, http.StatusOK)
	e.act(st.CaseID, reg1, "confirm-proof", "").expect(t, http.StatusConflict) // four eyes
	after := e.act(st.CaseID, reg2, "confirm-proof", "").expect(t, http.StatusOK).state(t)
	if after.Stage != "awaiting-proof" || len(after.Documents) != 0 || len(after.Reasons) != 1 {
		t.Fatalf("after the confirmed proof: stage %s documents %+v reasons %+v", after.Stage, after.Documents, after.Reasons)
	}
	done := e.act(st.CaseID, reg1, "refuse", "男方尚有配偶").expect(t, http.StatusOK).state(t)
	if done.Outcome != "refused" || len(done.Documents) != 0 {
		t.Fatalf("outcome %s documents %+v", done.Outcome, done.Documents)
	}
	if *recordHistories {
		e.saveHistory(st.CaseID, "marriage-proof-refused.json")
	}

	// D's case shows the end; A and C's does not.
	first := e.do(http.MethodGet, "/v1/cases/"+dbCase, db.manTok, nil).expect(t, http.StatusOK).state(t)
	if !slices.ContainsFunc(first.Timeline, func(ev workflows.Event) bool {
		return ev.Action == "marriage-ended" && strings.Contains(ev.Opinion, today) && !strings.Contains(ev.Opinion, st.CaseID)
	}) {
		t.Fatalf("D's case does not show the end: %+v", first.Timeline)
	}
	other := e.do(http.MethodGet, "/v1/cases/"+acCase, ac.womanTok, nil).expect(t, http.StatusOK).state(t)
	if says(other, "marriage-ended") {
		t.Fatalf("A–C's case shows an end: %+v", other.Timeline)
	}
	var got notifications
	e.do(http.MethodGet, "/v1/me/notifications", db.manTok, nil).expect(t, http.StatusOK).decode(t, &got)
	if !got.has(dbCase, "marriage-ended") {
		t.Fatalf("D was not told: %+v", got.Items)
	}
	// A is still married: a new application by A waits for proof again.
	again := e.do(http.MethodPost, "/v1/cases", ab.manTok, marriageBody(ab, beijingChaoyang)).expect(t, http.StatusCreated).state(t)
	if again.Stage != "awaiting-proof" {
		t.Fatalf("A's marriage to C was ended: stage %s", again.Stage)
	}
	e.act(again.CaseID, ab.manTok, "withdraw", "").expect(t, http.StatusOK)
}

// TestD4SubmitterCannotDecide: a registrar enters a marriage for two
// people; they cannot register it, a second registrar can.
func TestD4SubmitterCannotDecide(t *testing.T) {
	e := sharedEnv(t)
	c := e.couple("19880101", "19900101")
	reg := e.token("reg-d4-a", "钱登记", "registrar:110105")
	reg2 := e.token("reg-d4-b", "孙登记", "registrar:110105")
	st := e.do(http.MethodPost, "/v1/cases", reg, marriageBody(c, beijingChaoyang)).expect(t, http.StatusCreated).state(t)
	r := e.act(st.CaseID, reg, "register", "").expect(t, http.StatusConflict)
	if !strings.Contains(string(r.body), "submitted this application") {
		t.Fatalf("refusal %s", r.body)
	}
	e.act(st.CaseID, reg, "claim", "").expect(t, http.StatusConflict)
	if done := e.act(st.CaseID, reg2, "register", "").expect(t, http.StatusOK).state(t); done.Outcome != "approved" {
		t.Fatalf("outcome %s", done.Outcome)
	}
}

// TestD5MaritalStatusOracle: applying to marry someone and withdrawing
// does not tell whether they are married; staff see it, and so do the
// applicants once both have confirmed.
func TestD5MaritalStatusOracle(t *testing.T) {
	e := sharedEnv(t)
	reg := e.token("reg-d5", "周登记", "registrar:110105")
	victim, _ := e.marriedCase(reg)
	today := time.Now().In(workflows.ChinaTime).Format(time.DateOnly)
	prober := e.couple("19870101", "19900101")
	probe := couple{man: prober.man, manTok: prober.manTok, manName: "赵某", woman: victim.woman, womanTok: victim.womanTok, womanName: "随便"}

	st := e.do(http.MethodPost, "/v1/cases", probe.manTok, marriageBody(probe, beijingChaoyang)).expect(t, http.StatusCreated).state(t)
	if st.Stage != "awaiting-proof" {
		t.Fatalf("stage %s", st.Stage)
	}
	for what, seen := range map[string]workflows.CaseState{
		"the submit answer": st,
		"GET":               e.do(http.MethodGet, "/v1/cases/"+st.CaseID, probe.manTok, nil).expect(t, http.StatusOK).state(t),
	} {
		if says(seen, "registered "+today) || says(seen, today+"登记") || says(seen, "currently married") || says(seen, "现有配偶") {
			t.Errorf("%s tells the prober: %+v %+v", what, seen.Reasons, seen.Timeline)
		}
		if len(seen.Reasons) != 1 || seen.Reasons[0].Message != workflows.WithheldReason {
			t.Errorf("%s: reasons %+v", what, seen.Reasons)
		}
	}
	staffView := e.do(http.MethodGet, "/v1/cases/"+st.CaseID, reg, nil).expect(t, http.StatusOK).state(t)
	if !says(staffView, "currently married (registered "+today+")") {
		t.Fatalf("staff do not see the registry: %+v", staffView.Reasons)
	}
	// The prober alone cannot unlock it.
	mine := e.act(st.CaseID, probe.manTok, "confirm", "").expect(t, http.StatusOK).state(t)
	if says(mine, "registered "+today) || says(mine, "现有配偶") {
		t.Fatalf("one confirmation showed the registry: %+v", mine.Reasons)
	}
	gone := e.act(st.CaseID, probe.manTok, "withdraw", "").expect(t, http.StatusOK).state(t)
	if says(gone, "registered "+today) || says(gone, "现有配偶") || gone.Outcome != "withdrawn" {
		t.Fatalf("the withdrawal answer: %+v", gone)
	}
	var got notifications
	e.do(http.MethodGet, "/v1/me/notifications", probe.manTok, nil).expect(t, http.StatusOK).decode(t, &got)
	for _, n := range got.Items {
		if strings.Contains(n.Message, "registered "+today) || strings.Contains(n.Message, "married") || strings.Contains(n.Message, "配偶") {
			t.Errorf("notification tells the prober: %+v", n)
		}
	}

	// Both applicants confirm: then they see why the case waits.
	again := e.do(http.MethodPost, "/v1/cases", probe.manTok, marriageBody(probe, beijingChaoyang)).expect(t, http.StatusCreated).state(t)
	e.act(again.CaseID, probe.manTok, "confirm", "").expect(t, http.StatusOK)
	both := e.act(again.CaseID, probe.womanTok, "confirm", "").expect(t, http.StatusOK).state(t)
	if !says(both, "registered "+today) {
		t.Fatalf("after both confirmed: %+v", both.Reasons)
	}
	e.act(again.CaseID, probe.womanTok, "withdraw", "").expect(t, http.StatusOK)
}

// TestD7CopyOnlyWithinJurisdiction: a Beijing registrar cannot copy a case
// to a registrar in Hubei, who still cannot read it.
func TestD7CopyOnlyWithinJurisdiction(t *testing.T) {
	e := sharedEnv(t)
	reg := e.staffMember("reg-d7-bj", "北京登记", "registrar:110105")
	hubeiAdmin := e.token("admin-hb", "湖北管理员", "admin:420000")
	e.do(http.MethodPut, "/v1/staff/reg-d7-hb", hubeiAdmin, map[string]any{"name": "湖北登记", "roles": []string{"registrar:420100"}}).
		expect(t, http.StatusOK)
	hubei := e.token("reg-d7-hb", "湖北登记", "registrar:420100")
	c := e.couple("19880101", "19900101")
	st := e.do(http.MethodPost, "/v1/cases", c.manTok, marriageBody(c, beijingChaoyang)).expect(t, http.StatusCreated).state(t)
	r := e.post(st.CaseID, reg, map[string]any{"action": "copy", "targets": []string{"reg-d7-hb"}}).expect(t, http.StatusConflict)
	if !strings.Contains(string(r.body), "reg-d7-hb") {
		t.Fatalf("the refusal does not name the target: %s", r.body)
	}
	e.do(http.MethodGet, "/v1/cases/"+st.CaseID, hubei, nil).expect(t, http.StatusNotFound)
	e.act(st.CaseID, c.manTok, "withdraw", "").expect(t, http.StatusOK)
}

// TestD9RegistryConflictIsCaseNeutral: the same man applies with two
// women; the first marriage is registered, the second registration meets
// the registry's refusal. The applicants' timeline records the reason
// code and a fixed text, not the other case or Go's error.
func TestD9RegistryConflictIsCaseNeutral(t *testing.T) {
	e := sharedEnv(t)
	reg := e.token("reg-d9", "吴登记", "registrar:110105")
	c := e.couple("19880101", "19900101")
	other := e.couple("19880101", "19910101")
	second := couple{man: c.man, manTok: c.manTok, manName: "张伟", woman: other.woman, womanTok: other.womanTok, womanName: "王芳"}
	first := e.do(http.MethodPost, "/v1/cases", c.manTok, marriageBody(c, beijingChaoyang)).expect(t, http.StatusCreated).state(t)
	st := e.do(http.MethodPost, "/v1/cases", second.womanTok, marriageBody(second, beijingChaoyang)).expect(t, http.StatusCreated).state(t)
	e.act(first.CaseID, reg, "register", "").expect(t, http.StatusOK)
	after := e.act(st.CaseID, reg, "register", "").expect(t, http.StatusOK).state(t)
	if len(after.Documents) != 0 {
		t.Fatalf("a second marriage was registered: %+v", after.Documents)
	}
	seen := e.do(http.MethodGet, "/v1/cases/"+st.CaseID, second.womanTok, nil).expect(t, http.StatusOK).state(t)
	var conflict *workflows.Event
	for i, ev := range seen.Timeline {
		if ev.Action == workflows.ReasonRegistryConflict {
			conflict = &seen.Timeline[i]
		}
	}
	if conflict == nil || conflict.Opinion != workflows.RegistryConflictText.Zh+" "+workflows.RegistryConflictText.En {
		t.Fatalf("conflict entry %+v", conflict)
	}
	for _, bad := range []string{first.CaseID, "store:", "retryable", "RegistryConflict", c.man} {
		for _, ev := range seen.Timeline {
			if strings.Contains(ev.Opinion, bad) {
				t.Errorf("timeline entry %s holds %q: %s", ev.Action, bad, ev.Opinion)
			}
		}
	}
	// The audit trail, permanent and hash-chained, holds the same.
	var trail api.CaseTrail
	e.do(http.MethodGet, "/v1/cases/"+st.CaseID+"/trail", reg, nil).expect(t, http.StatusOK).decode(t, &trail)
	found := false
	for _, en := range trail.Entries {
		if en.Action == workflows.ReasonRegistryConflict {
			found = en.Opinion == conflict.Opinion
		}
		for _, bad := range []string{first.CaseID, "store:", "retryable", "RegistryConflict"} {
			if strings.Contains(en.Opinion, bad) {
				t.Errorf("trail entry %s holds %q: %s", en.Action, bad, en.Opinion)
			}
		}
	}
	if !found {
		t.Errorf("no registry-conflict entry with the fixed text in the trail: %+v", trail.Entries)
	}
	e.act(st.CaseID, second.womanTok, "withdraw", "").expect(t, http.StatusOK)
	if *recordHistories {
		e.saveHistory(st.CaseID, "marriage-registry-conflict.json")
	}
}

// TestD12InvisibleOpinionIsNoOpinion: a refusal with an opinion of
// U+200B, NUL, U+FEFF or U+3000 is refused and the case stays open.
func TestD12InvisibleOpinionIsNoOpinion(t *testing.T) {
	e := sharedEnv(t)
	reg := e.token("reg-d12", "郑登记", "registrar:110105")
	c := e.couple("19880101", "19900101")
	st := e.do(http.MethodPost, "/v1/cases", c.manTok, marriageBody(c, beijingChaoyang)).expect(t, http.StatusCreated).state(t)
	for _, op := range []string{"\u200b", "\x00", "\ufeff", "\u3000", "\u200e\u2060"} {
		r := e.act(st.CaseID, reg, "refuse", op)
		if r.status != http.StatusConflict && r.status != http.StatusUnprocessableEntity {
			t.Errorf("refuse with %q: %d %s", op, r.status, r.body)
		}
	}
	if now := e.do(http.MethodGet, "/v1/cases/"+st.CaseID, reg, nil).expect(t, http.StatusOK).state(t); now.Status != workflows.StatusOpen {
		t.Fatalf("the case closed: %s", now.Outcome)
	}
	e.act(st.CaseID, c.manTok, "withdraw", "").expect(t, http.StatusOK)
}
