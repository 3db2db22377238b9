package integration

import (
	"net/http"
	"slices"
	"testing"

	"civilflow/workflows"
)

// reads returns the read log of a case as a supervisor of Beijing sees it.
func (e *env) reads(caseID string) readLog {
	e.t.Helper()
	var log readLog
	sup := e.token("sup-readlog", "赵监督", "supervisor:110000")
	e.do(http.MethodGet, "/v1/audit/reads?case="+caseID+"&limit=200", sup, nil).expect(e.t, http.StatusOK).decode(e.t, &log)
	return log
}

// count counts the entries of subject through operation.
func (l readLog) count(subject, operation string) int {
	n := 0
	for _, it := range l.Items {
		if it.Subject == subject && it.Operation == operation {
			n++
		}
	}
	return n
}

// TestD4SubmitterReadsLogged: a registrar who entered a marriage for two
// other people is no party to it, so each of their reads (the submission's
// answer included) is in the read log like any staff read; the parties'
// own reads, and their own submissions, are still not.
func TestD4SubmitterReadsLogged(t *testing.T) {
	e := sharedEnv(t)
	c := e.couple("19880101", "19900101")
	reg := e.token("reg-d4-submitter", "钱登记", "registrar:110105")
	st := e.do(http.MethodPost, "/v1/cases", reg, marriageBody(c, "110105")).expect(t, http.StatusCreated).state(t)

	for range 3 {
		e.do(http.MethodGet, "/v1/cases/"+st.CaseID, reg, nil).expect(t, http.StatusOK)
	}
	e.do(http.MethodGet, "/v1/cases/"+st.CaseID+"/trail", reg, nil).expect(t, http.StatusOK)
	e.do(http.MethodGet, "/v1/cases/"+st.CaseID, c.manTok, nil).expect(t, http.StatusOK)

	log := e.reads(st.CaseID)
	if got := log.count("reg-d4-submitter", "submit-case"); got != 1 {
		t.Errorf("the submission's answer to the registrar logged %d times: %+v", got, log.Items)
	}
	if got := log.count("reg-d4-submitter", "get-case"); got != 3 {
		t.Errorf("the submitting registrar's 3 reads of the case logged %d times: %+v", got, log.Items)
	}
	if got := log.count("reg-d4-submitter", "get-case-trail"); got != 1 {
		t.Errorf("the submitting registrar's read of the trail logged %d times: %+v", got, log.Items)
	}
	for _, it := range log.Items {
		if it.Subject == c.man || it.Subject == c.woman {
			t.Errorf("a party's read of its own case was logged: %+v", it)
		}
	}
}

// TestD13ActionAnswersLogged: an action's answer carries the parties'
// names and ID numbers, so each answered action of staff is a read in the
// log, naming the action; a refused action returns no case data and is not
// logged, and a party acting on their own case is not logged.
func TestD13ActionAnswersLogged(t *testing.T) {
	e := sharedEnv(t)
	c := e.couple("19880101", "19900101")
	st := e.do(http.MethodPost, "/v1/cases", c.manTok, marriageBody(c, "110105")).expect(t, http.StatusCreated).state(t)
	reg := e.token("reg-d13", "孙登记", "registrar:110105")
	sup := e.token("sup-d13", "周监督", "supervisor:110000")

	claim := e.act(st.CaseID, reg, "claim", "").expect(t, http.StatusOK)
	if !slices.ContainsFunc(claim.state(t).Parties, func(p workflows.Party) bool { return p.IDNumber == c.man }) {
		t.Fatalf("the claim answer no longer carries the parties, the test proves nothing: %s", claim.body)
	}
	e.act(st.CaseID, reg, "release", "").expect(t, http.StatusOK)
	e.act(st.CaseID, sup, "urge", "").expect(t, http.StatusOK)
	e.act(st.CaseID, sup, "urge", "").expect(t, http.StatusConflict) // once a day: refused, nothing returned
	e.act(st.CaseID, c.womanTok, "withdraw", "").expect(t, http.StatusOK)

	log := e.reads(st.CaseID)
	for _, want := range []struct {
		who, op string
		n       int
	}{
		{"reg-d13", "act-on-case:claim", 1},
		{"reg-d13", "act-on-case:release", 1},
		{"sup-d13", "act-on-case:urge", 1},
	} {
		if got := log.count(want.who, want.op); got != want.n {
			t.Errorf("%s by %s logged %d times, want %d: %+v", want.op, want.who, got, want.n, log.Items)
		}
	}
	for _, it := range log.Items {
		if it.Subject == c.man || it.Subject == c.woman {
			t.Errorf("a party's action on its own case was logged as a read: %+v", it)
		}
		if it.Subject == "reg-d13" && !slices.Contains(it.Fields, "parties") {
			t.Errorf("an action answer's entry does not name the parties as read: %+v", it)
		}
	}
}
