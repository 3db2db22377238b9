package integration

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// TestD14OneOpenApplicationPerParties: 100 concurrent marriage applications
// of one couple, each with its own Idempotency-Key, make one case; the
// other 99 are 409 problem+json. The refusal names the open case to a party
// and to staff who may read it, to other staff only neutrally. A replay
// with the first key still returns the open case; once the case ends the
// couple may apply again.
func TestD14OneOpenApplicationPerParties(t *testing.T) {
	e := sharedEnv(t)
	c := e.couple("19880101", "19900101")
	const n = 100
	type answer struct {
		key    string
		tok    string
		status int
		caseID string
		body   string
	}
	answers := make([]answer, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			key := fmt.Sprintf("d14-flood-%d", i)
			tok := c.manTok
			if i%2 == 1 {
				tok = c.womanTok
			}
			r := e.do(http.MethodPost, "/v1/cases", tok, marriageBody(c, "110105"), "Idempotency-Key", key)
			a := answer{key: key, tok: tok, status: r.status, body: string(r.body)}
			if r.status == http.StatusCreated {
				a.caseID = r.state(t).CaseID
			} else if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
				t.Errorf("refusal %d with content type %q: %s", r.status, ct, r.body)
			}
			answers[i] = a
		})
	}
	wg.Wait()
	var created []answer
	refused := 0
	for _, a := range answers {
		switch a.status {
		case http.StatusCreated:
			created = append(created, a)
		case http.StatusConflict:
			refused++
		default:
			t.Errorf("application %s: %d %s", a.key, a.status, a.body)
		}
	}
	if len(created) != 1 || refused != n-1 {
		t.Fatalf("%d cases created and %d refused of %d concurrent applications of one couple; want 1 and %d", len(created), refused, n, n-1)
	}
	open := created[0]
	for _, a := range answers {
		if a.status == http.StatusConflict && !strings.Contains(a.body, open.caseID) {
			t.Errorf("the refusal of a party does not name the open case %s: %s", open.caseID, a.body)
			break
		}
	}

	// Replaying the accepted submission returns the same case.
	replay := e.do(http.MethodPost, "/v1/cases", open.tok, marriageBody(c, "110105"), "Idempotency-Key", open.key)
	replay.expect(t, http.StatusCreated)
	if got := replay.state(t).CaseID; got != open.caseID || replay.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay of the accepted key: case %s replayed %q, want %s", got, replay.header.Get("Idempotent-Replayed"), open.caseID)
	}

	// Staff of another district (where the couple may also apply) may not
	// read the open case at 110105: told that an application is open, not which.
	other := e.token("reg-d14-110106", "吴登记", "registrar:110106")
	r := e.do(http.MethodPost, "/v1/cases", other, marriageBody(c, "110106")).expect(t, http.StatusConflict)
	if strings.Contains(string(r.body), open.caseID) || strings.Contains(string(r.body), "MAR-") {
		t.Errorf("the refusal names the open case to staff who may not read it: %s", r.body)
	}
	// Staff of the case's own office may read it and are told which case.
	reg := e.token("reg-d14-110105", "郑登记", "registrar:110105")
	r = e.do(http.MethodPost, "/v1/cases", reg, marriageBody(c, "110105")).expect(t, http.StatusConflict)
	if !strings.Contains(string(r.body), open.caseID) {
		t.Errorf("the refusal does not name the open case to staff who may read it: %s", r.body)
	}

	// A refused application left nothing behind: its key is free for
	// another application, which is refused for the open case, not for
	// reusing the key.
	var refusedKey answer
	for _, a := range answers {
		if a.status == http.StatusConflict && a.tok == c.manTok {
			refusedKey = a
			break
		}
	}
	if refusedKey.key != "" {
		r := e.do(http.MethodPost, "/v1/cases", refusedKey.tok, marriageBody(c, "110106"), "Idempotency-Key", refusedKey.key).expect(t, http.StatusConflict)
		if strings.Contains(string(r.body), "Idempotency-Key") {
			t.Errorf("the key of a refused application was kept: %s", r.body)
		}
	}

	// Once the case ends, the couple may apply again.
	e.act(open.caseID, c.womanTok, "withdraw", "").expect(t, http.StatusOK)
	again := e.do(http.MethodPost, "/v1/cases", c.manTok, marriageBody(c, "110105")).expect(t, http.StatusCreated).state(t)
	if again.CaseID == open.caseID {
		t.Fatalf("a new application after withdrawal returned the old case %s", open.caseID)
	}
}
