package integration

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"civilflow/api"
	"civilflow/app"
	"civilflow/auth"
	"civilflow/workflows"
)

// The authorization walk calls every operation of the served OpenAPI
// document as nobody, with bad tokens, as an outsider applicant, as staff
// of another province or district and as the right actor, and compares
// each status with walkTable. An operation added to the API without a row
// here fails the walk, so nobody adds one without deciding its gates.

// Actors of group (d): staff whose jurisdiction does not cover the fixture
// office 110105.
const (
	reg420000 = "reg420000"
	sup420000 = "sup420000"
	adm420000 = "adm420000"
	reg110106 = "reg110106"
)

var otherActors = []string{reg420000, sup420000, adm420000, reg110106}

// Right actors of group (e).
const (
	partyH    = "partyH"
	partyG    = "partyG"
	copyRead  = "copyReader"
	reg110105 = "reg110105"
	sup110000 = "sup110000"
	adm110000 = "adm110000"
	submitter = "submitter"
	outsider  = "outsider"
)

// walkFixtures are the cases and records the walk aims at.
type walkFixtures struct {
	h, g         couple // parties of m1 and m2; their data must never leak
	m1, m2, m3   string // m1 (H) at registrar review, m2 (G) registered, m3 for the registrar to decide
	notification int64  // one of G's notifications
	staff        string // a staff directory entry, m1 copied to them
	account      string // the local account of staff (its password: walkPassword)
	hAccount     string // the local account of H's man, an applicant of Beijing
	newcomer     couple // submits a new case as the right actor
}

// walkCall is one way to call an operation: path and query values and a
// body. The walk checks them against the served document.
type walkCall struct {
	path  map[string]string
	query url.Values
	body  any
}

// walkVariant is one row of the expectation table: statuses for the
// outsider applicant (c), each actor of another jurisdiction (d) and the
// right actor (e). Groups (a) and (b) always expect 401.
type walkVariant struct {
	label    string
	call     walkCall
	outsider int
	others   map[string]int
	right    string
	rightSt  int
	// rightCall replaces call for the right actor where the right call
	// changes state that the other groups' calls rely on.
	rightCall *walkCall
	// list marks answers listing cases: no answer to (c) or (d) may name a
	// fixture case. lists is a fixture case the right actor's answer must
	// name, which proves the leak check looks where the case would show.
	list  bool
	lists string
	// anon, when not zero, marks an operation that needs no
	// authentication: the status expected without a token and with each
	// bad one (which it ignores), instead of 401 and a challenge.
	anon int
}

// walkPassword is the password of the walk's local accounts.
const walkPassword = "walk password 1"

// sameForOthers expects one status from every actor of group (d).
func sameForOthers(st int) map[string]int {
	m := map[string]int{}
	for _, a := range otherActors {
		m[a] = st
	}
	return m
}

// except returns m with some actors' statuses replaced.
func except(m, by map[string]int) map[string]int {
	out := maps.Clone(m)
	maps.Copy(out, by)
	return out
}

// walkTable is the expectation table keyed by operation ID, as the
// security review of December 2026 (§1) found the gates and the policy
// intends them. By policy: any supervisor (and admin) may verify the audit
// chains, any staff may read any staff entry, the calendar calculator and
// the procedures are open to every authenticated person.
func walkTable(f walkFixtures) map[string][]walkVariant {
	const (
		ok   = http.StatusOK
		no   = http.StatusForbidden
		none = http.StatusNotFound
	)
	today := time.Now().In(workflows.ChinaTime)
	period := url.Values{"division": {"110105"}, "from": {today.AddDate(0, 0, -7).Format(time.DateOnly)},
		"to": {today.AddDate(0, 0, 1).Format(time.DateOnly)}}
	m1 := map[string]string{"id": f.m1}
	office := url.Values{"office": {"110105"}}
	// Supervisors and admins anywhere may verify the chains (by policy)
	// and watch deadlines, seeing only their own (here empty) list.
	anySupervising := except(sameForOthers(no), map[string]int{sup420000: ok, adm420000: ok})
	// A case path answers 404 to whoever may not read the case, never 403,
	// so its existence is not revealed.
	casePath := func(right string) walkVariant {
		return walkVariant{call: walkCall{path: m1}, outsider: none, others: sameForOthers(none), right: right, rightSt: ok}
	}
	return map[string][]walkVariant{
		"export-audit-entries": {{call: walkCall{query: period}, outsider: no, others: sameForOthers(no),
			right: sup110000, rightSt: ok, list: true, lists: f.m1}},
		"list-read-log": {
			{label: "case", call: walkCall{query: url.Values{"case": {f.m1}}}, outsider: none, others: sameForOthers(none),
				right: sup110000, rightSt: ok, lists: f.m1},
			{label: "division", call: walkCall{query: url.Values{"division": {"110105"}}}, outsider: no,
				others: sameForOthers(no), right: sup110000, rightSt: ok, list: true, lists: f.m1},
		},
		"verify-audit-chain": {{outsider: no, others: anySupervising, right: sup110000, rightSt: ok}},
		"count-deadline": {{call: walkCall{query: url.Values{"from": {"2026-01-16"}, "days": {"30"}}}, outsider: ok,
			others: sameForOthers(ok), right: outsider, rightSt: ok}},
		// A region's own days off are loaded by an admin covering the region
		// (a national notice only by admin:000000); anyone reads the list.
		"load-calendar-notice": {{call: walkCall{body: map[string]string{"name": "walk-bj.yaml",
			"data": "version: walk-bj-2099.v1\nregion: \"110000\"\nyears:\n  - year: 2099\n    notice: walk test\n    holidays:\n      - {name: 测试, from: 2099-06-01, to: 2099-06-01}\n"}},
			outsider: no, others: sameForOthers(no), right: adm110000, rightSt: http.StatusCreated}},
		"list-calendar-notices": {{outsider: ok, others: sameForOthers(ok), right: reg110105, rightSt: ok}},
		"submit-case": {{call: walkCall{body: marriageBody(f.h, "110105")}, outsider: no, others: sameForOthers(no),
			right: submitter, rightSt: http.StatusCreated, rightCall: &walkCall{body: marriageBody(f.newcomer, "110105")}}},
		"get-case": {casePath(partyH)},
		"act-on-case": {{call: walkCall{path: m1, body: map[string]string{"action": "register"}}, outsider: none,
			others: sameForOthers(none), right: reg110105, rightSt: ok,
			rightCall: &walkCall{path: map[string]string{"id": f.m3}, body: map[string]string{"action": "register"}}}},
		"export-case-file":      {casePath(sup110000)},
		"export-case-file-html": {casePath(sup110000)},
		"export-case-history":   {casePath(sup110000)},
		"get-case-trail":        {casePath(reg110105)},
		"list-my-applications": {{outsider: ok, others: sameForOthers(ok), right: partyH, rightSt: ok,
			list: true, lists: f.m1}},
		// The office filter must not widen a list beyond the person's own
		// jurisdictions.
		"list-my-copied": {{call: walkCall{query: office}, outsider: no, others: sameForOthers(ok), right: copyRead,
			rightSt: ok, list: true, lists: f.m1}},
		"list-my-done": {{call: walkCall{query: office}, outsider: no, others: sameForOthers(ok), right: reg110105,
			rightSt: ok, list: true, lists: f.m2}},
		"list-my-inbox": {{call: walkCall{query: office}, outsider: no, others: sameForOthers(ok), right: reg110105,
			rightSt: ok, list: true, lists: f.m1}},
		"list-my-notifications": {{outsider: ok, others: sameForOthers(ok), right: partyG, rightSt: ok, list: true,
			lists: f.m2}},
		"mark-notification-read": {{call: walkCall{path: map[string]string{"id": strconv.FormatInt(f.notification, 10)}},
			outsider: none, others: sameForOthers(none), right: partyG, rightSt: http.StatusNoContent}},
		"list-procedures": {{outsider: ok, others: sameForOthers(ok), right: outsider, rightSt: ok}},
		"get-procedure": {{call: walkCall{path: map[string]string{"id": "marriage-registration"}}, outsider: ok,
			others: sameForOthers(ok), right: outsider, rightSt: ok}},
		"list-staff": {
			{label: "office", call: walkCall{query: url.Values{"office": {"110105"}}}, outsider: no,
				others: sameForOthers(no), right: reg110105, rightSt: ok},
			{label: "own jurisdiction", call: walkCall{}, outsider: no, others: sameForOthers(ok), right: reg110105, rightSt: ok},
		},
		"get-staff": {{call: walkCall{path: map[string]string{"subject": f.staff}}, outsider: no, others: sameForOthers(ok),
			right: reg110105, rightSt: ok}},
		// The refused callers try to move the registrar to 110106, which
		// no admin of 420000 may grant and nobody else may do at all; the
		// right admin puts the entry as it stands.
		"put-staff": {{call: walkCall{path: map[string]string{"subject": f.staff},
			body: map[string]any{"name": "周登记", "roles": []string{"registrar:110106"}}},
			outsider: no, others: sameForOthers(no), right: adm110000, rightSt: ok,
			rightCall: &walkCall{path: map[string]string{"subject": f.staff},
				body: map[string]any{"name": "周登记", "roles": []string{"registrar:110105"}}}}},
		// A person's directory history is for admins and supervisors
		// covering a role the person holds or held.
		"list-staff-changes": {{call: walkCall{path: map[string]string{"subject": f.staff}}, outsider: no,
			others: sameForOthers(no), right: sup110000, rightSt: ok}},
		// Signing in needs no token; a wrong password is 401 for everyone,
		// the right one opens a session whatever token comes with it.
		"sign-in": {{call: walkCall{body: map[string]string{"username": "walk-nobody", "password": "wrong"}},
			anon: http.StatusUnauthorized, outsider: http.StatusUnauthorized, others: sameForOthers(http.StatusUnauthorized),
			right: outsider, rightSt: ok,
			rightCall: &walkCall{body: map[string]string{"username": f.account, "password": walkPassword}}}},
		"list-sign-in-providers": {{anon: ok, outsider: ok, others: sameForOthers(ok), right: outsider, rightSt: ok}},
		// Who am I, and signing out, are for every authenticated person.
		"get-session": {{outsider: ok, others: sameForOthers(ok), right: reg110105, rightSt: ok}},
		"sign-out": {{outsider: http.StatusNoContent, others: sameForOthers(http.StatusNoContent), right: reg110105,
			rightSt: http.StatusNoContent}},
		// Accounts are for admins whose jurisdiction covers the subject's
		// roles (staff) or ID number (applicants): an admin of 420000
		// sees a list without the fixture accounts.
		"list-accounts": {{outsider: no, others: except(sameForOthers(no), map[string]int{adm420000: ok}), right: adm110000,
			rightSt: ok, list: true, lists: f.hAccount}},
		"put-account": {{call: walkCall{path: map[string]string{"username": f.account},
			body: map[string]any{"name": "周登记", "subject": f.staff, "active": false}},
			outsider: no, others: sameForOthers(no), right: adm110000, rightSt: ok,
			rightCall: &walkCall{path: map[string]string{"username": f.account},
				body: map[string]any{"name": "周登记", "subject": f.staff, "active": true}}}},
		"list-due-cases": {{call: walkCall{query: office}, outsider: no, others: anySupervising, right: sup110000,
			rightSt: ok, list: true}},
		"get-supervision-stats": {{call: walkCall{query: url.Values{"division": {"110105"}}}, outsider: no,
			others: sameForOthers(no), right: sup110000, rightSt: ok, list: true}},
	}
}

// walkOperation is an operation of the served document.
type walkOperation struct {
	id, method, path string
	params           map[string]walkParam // by name
}

type walkParam struct {
	in       string
	required bool
}

// servedOperations reads GET /openapi.json, as a client would.
func servedOperations(t *testing.T, e *env) map[string]walkOperation {
	t.Helper()
	res := e.do(http.MethodGet, "/openapi.json", "", nil).expect(t, http.StatusOK)
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	res.decode(t, &doc)
	ops := map[string]walkOperation{}
	for path, item := range doc.Paths {
		for method, raw := range item {
			switch method {
			case "get", "put", "post", "delete", "patch", "head", "options", "trace":
			default:
				continue // parameters, summary … of the path item
			}
			var op struct {
				OperationID string `json:"operationId"`
				Parameters  []struct {
					Name     string `json:"name"`
					In       string `json:"in"`
					Required bool   `json:"required"`
				} `json:"parameters"`
			}
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
			if op.OperationID == "" {
				t.Errorf("%s %s has no operationId", strings.ToUpper(method), path)
				continue
			}
			w := walkOperation{id: op.OperationID, method: strings.ToUpper(method), path: path, params: map[string]walkParam{}}
			for _, p := range op.Parameters {
				w.params[p.Name] = walkParam{in: p.In, required: p.Required || p.In == "path"}
			}
			ops[op.OperationID] = w
		}
	}
	return ops
}

var pathParam = regexp.MustCompile(`\{([^}]+)\}`)

// target builds the URL of a call, failing when the call leaves a required
// parameter of the document empty or names one the document lacks.
func (op walkOperation) target(t *testing.T, c walkCall) string {
	t.Helper()
	for name, p := range op.params {
		switch {
		case p.in == "path" && c.path[name] == "":
			t.Errorf("%s: the table gives no value for path parameter %q", op.id, name)
		case p.in == "query" && p.required && c.query.Get(name) == "":
			t.Errorf("%s: the table gives no value for required query parameter %q", op.id, name)
		}
	}
	for name := range c.query {
		if p, ok := op.params[name]; !ok || p.in != "query" {
			t.Errorf("%s: query parameter %q is not in the document", op.id, name)
		}
	}
	path := pathParam.ReplaceAllStringFunc(op.path, func(m string) string {
		name := m[1 : len(m)-1]
		if p, ok := op.params[name]; !ok || p.in != "path" {
			t.Errorf("%s: path parameter %q is not declared", op.id, name)
		}
		return url.PathEscape(c.path[name])
	})
	if len(c.query) > 0 {
		path += "?" + c.query.Encode()
	}
	return path
}

// walker sends the walk's requests with a raw Authorization header.
type walker struct {
	t      *testing.T
	base   string
	client *http.Client
	sent   int
}

func (w *walker) call(method, target, authorization string, body any) response {
	w.t.Helper()
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			w.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, w.base+target, rd)
	if err != nil {
		w.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	res, err := w.client.Do(req)
	if err != nil {
		w.t.Fatalf("%s %s: %v", method, target, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		w.t.Fatal(err)
	}
	w.sent++
	return response{status: res.StatusCode, header: res.Header, body: raw}
}

// walkClaims are the claims of a civilflow token, for forging bad ones.
type walkClaims struct {
	Name  string   `json:"name,omitempty"`
	Roles []string `json:"roles"`
	jwt.RegisteredClaims
}

// badTokens are the Authorization headers of group (b), as the review
// tried them. All but the first three are signed with the server's own key
// and carry nationwide admin and supervisor roles, so a token let through
// would be answered with success somewhere.
func badTokens(t *testing.T, key []byte) []struct{ name, header string } {
	t.Helper()
	now := time.Now()
	good := func() walkClaims {
		return walkClaims{Name: "伪造", Roles: []string{"admin:000000", "supervisor:000000"},
			RegisteredClaims: jwt.RegisteredClaims{Issuer: auth.Issuer, Subject: "walk-forger",
				Audience: jwt.ClaimStrings{auth.Audience}, IssuedAt: jwt.NewNumericDate(now),
				ExpiresAt: jwt.NewNumericDate(now.Add(time.Hour))}}
	}
	sign := func(m jwt.SigningMethod, k any, c walkClaims) string {
		s, err := jwt.NewWithClaims(m, c).SignedString(k)
		if err != nil {
			t.Fatal(err)
		}
		return "Bearer " + s
	}
	other := make([]byte, 32)
	if _, err := rand.Read(other); err != nil {
		t.Fatal(err)
	}
	hs256 := jwt.SigningMethodHS256
	edit := func(f func(*walkClaims)) walkClaims { c := good(); f(&c); return c }
	return []struct{ name, header string }{
		{"garbage", "Bearer garbage.garbage.garbage"},
		{"empty bearer", "Bearer "},
		{"basic scheme", "Basic d2Fsazp3YWxr"},
		{"hs256 other key", sign(hs256, other, good())},
		{"alg none", sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, good())},
		{"hs512 right key", sign(jwt.SigningMethodHS512, key, good())},
		{"expired", sign(hs256, key, edit(func(c *walkClaims) {
			c.IssuedAt, c.ExpiresAt = jwt.NewNumericDate(now.Add(-time.Hour)), jwt.NewNumericDate(now.Add(-120*time.Second))
		}))},
		{"no exp", sign(hs256, key, edit(func(c *walkClaims) { c.ExpiresAt = nil }))},
		{"wrong aud", sign(hs256, key, edit(func(c *walkClaims) { c.Audience = jwt.ClaimStrings{"someone-else"} }))},
		{"wrong iss", sign(hs256, key, edit(func(c *walkClaims) { c.Issuer = "someone-else" }))},
		{"iat in the future", sign(hs256, key, edit(func(c *walkClaims) { c.IssuedAt = jwt.NewNumericDate(now.Add(time.Hour)) }))},
		{"unknown role", sign(hs256, key, edit(func(c *walkClaims) { c.Roles = []string{"god:000000"} }))},
		{"no sub", sign(hs256, key, edit(func(c *walkClaims) { c.Subject = "" }))},
	}
}

// walkSetUp creates the fixtures through the API.
func walkSetUp(t *testing.T, e *env, reg, admin string) walkFixtures {
	t.Helper()
	named := func(manName, womanName string) couple {
		c := e.couple("19880101", "19900101")
		c.manName, c.womanName = manName, womanName
		c.manTok, c.womanTok = e.token(c.man, manName), e.token(c.woman, womanName)
		return c
	}
	// Names nobody else in the walk uses, so finding one in an answer is a leak.
	f := walkFixtures{h: named("欧阳明远", "司马静怡"), g: named("诸葛文博", "上官雅琴"), newcomer: named("新甲", "新乙"), staff: "walk-staff-1"}
	submit := func(c couple) string {
		st := e.do(http.MethodPost, "/v1/cases", c.manTok, marriageBody(c, "110105")).expect(t, http.StatusCreated).state(t)
		if st.Stage != "registrar-review" {
			t.Fatalf("fixture %s at %s, want registrar-review", st.CaseID, st.Stage)
		}
		return st.CaseID
	}
	// Two couples: one open application per couple and procedure.
	f.m1, f.m2 = submit(f.h), submit(f.g)
	f.m3 = submit(named("第三甲", "第三乙"))
	e.act(f.m2, reg, "register", "").expect(t, http.StatusOK)
	var ns notifications
	e.do(http.MethodGet, "/v1/me/notifications", f.g.manTok, nil).expect(t, http.StatusOK).decode(t, &ns)
	for _, n := range ns.Items {
		if n.CaseID == f.m2 {
			f.notification = n.ID
		}
	}
	if f.notification == 0 {
		t.Fatalf("G has no notification of %s: %+v", f.m2, ns.Items)
	}
	e.do(http.MethodPut, "/v1/staff/"+f.staff, admin, map[string]any{"name": "周登记", "roles": []string{"registrar:110105"}}).
		expect(t, http.StatusOK)
	f.account = e.localAccount(f.staff, "周登记", walkPassword)
	f.hAccount = e.localAccount(f.h.man, f.h.manName, walkPassword)
	// A colleague reads m1 (the read log has an entry) and copies it to the
	// staff entry (their copied list has it).
	e.do(http.MethodGet, "/v1/cases/"+f.m1, reg, nil).expect(t, http.StatusOK)
	e.do(http.MethodPost, "/v1/cases/"+f.m1+"/actions", reg, map[string]any{"action": "copy", "targets": []string{f.staff}}).
		expect(t, http.StatusOK)
	return f
}

// TestAuthorizationWalk walks every operation of the served OpenAPI
// document with no token, 13 bad tokens, an outsider applicant, staff of
// another province and of the neighbouring district, and the right actor.
func TestAuthorizationWalk(t *testing.T) {
	dir := t.TempDir()
	c := &clock{}
	// Limits far above the walk's ~500 requests, so the walk measures the
	// gates, not the limiter (TestD8DefaultLimitStopsBadTokens covers that).
	generous := func(cfg *app.Config) {
		cfg.Limits = api.Limits{FailedAuthPerMinute: 1e6, FailedAuthBurst: 100_000, RequestsPerSecond: 1e6, RequestBurst: 100_000}
	}
	e := &env{t: t, app: startOwn(t, dir, c, generous), clock: c, dataDir: dir}
	begin := time.Now()

	tokens := map[string]string{
		reg110105: e.token("walk-reg-110105", "王登记", "registrar:110105"),
		sup110000: e.token("walk-sup-110000", "赵监督", "supervisor:110000"),
		adm110000: e.token("walk-adm-110000", "钱管理", "admin:110000"),
		reg420000: e.token("walk-reg-420000", "孙登记", "registrar:420000"),
		sup420000: e.token("walk-sup-420000", "李监督", "supervisor:420000"),
		adm420000: e.token("walk-adm-420000", "吴管理", "admin:420000"),
		reg110106: e.token("walk-reg-110106", "郑登记", "registrar:110106"),
	}
	f := walkSetUp(t, e, tokens[reg110105], tokens[adm110000])
	tokens[partyH] = f.h.manTok
	tokens[partyG] = f.g.manTok
	tokens[submitter] = f.newcomer.manTok
	tokens[outsider] = e.token(person("19850505", true), "局外人")
	tokens[copyRead] = e.token(f.staff, "周登记", "registrar:110105")

	ops := servedOperations(t, e)
	table := walkTable(f)
	var ids []string
	for id := range ops {
		ids = append(ids, id)
		if _, ok := table[id]; !ok {
			t.Errorf("operation %s (%s %s) is served but has no row in the walk's table: decide its gates there",
				id, ops[id].method, ops[id].path)
		}
	}
	for id := range table {
		if _, ok := ops[id]; !ok {
			t.Errorf("the walk's table has a row for %s, which the document no longer serves", id)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	sort.Strings(ids)

	w := &walker{t: t, base: e.app.URL(), client: &http.Client{Timeout: 30 * time.Second}}
	secrets := []string{f.h.man, f.h.woman, f.h.manName, f.h.womanName, f.g.man, f.g.woman, f.g.manName, f.g.womanName}
	fixtureCases := []string{f.m1, f.m2}
	leaks := func(who, what string, r response, list bool) {
		t.Helper()
		for _, s := range secrets {
			if bytes.Contains(r.body, []byte(s)) {
				t.Errorf("%s %s: the answer (%d) contains a fixture party's %q", who, what, r.status, s)
			}
		}
		if list {
			for _, id := range fixtureCases {
				if bytes.Contains(r.body, []byte(id)) {
					t.Errorf("%s %s: the list answer contains fixture case %s", who, what, id)
				}
			}
		}
	}
	bad := badTokens(t, e.app.JWTKey)
	type deviation struct{ op, who, what string }
	var devs []deviation
	check := func(op, who, what string, r response, want int) {
		if r.status != want {
			devs = append(devs, deviation{op, who, fmt.Sprintf("%s → %d, want %d: %.200s", what, r.status, want, r.body)})
		}
	}
	label := func(id string, v walkVariant) string {
		if v.label != "" {
			return id + " (" + v.label + ")"
		}
		return id
	}

	// (a)–(d) first: none of them may change anything, which the checks
	// after them confirm before the right actors act.
	for _, id := range ids {
		op := ops[id]
		for _, v := range table[id] {
			name := label(id, v)
			target := op.target(t, v.call)
			what := op.method + " " + target
			anon := http.StatusUnauthorized
			if v.anon != 0 {
				anon = v.anon
			}
			r := w.call(op.method, target, "", v.call.body)
			check(name, "no token", what, r, anon)
			if v.anon == 0 && (!strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") ||
				!strings.HasPrefix(r.header.Get("Content-Type"), "application/problem+json")) {
				t.Errorf("%s without a token: %d with challenge %q and type %q, want a Bearer challenge and problem+json",
					name, r.status, r.header.Get("WWW-Authenticate"), r.header.Get("Content-Type"))
			}
			leaks("no token", what, r, v.list)
			for _, b := range bad {
				r := w.call(op.method, target, b.header, v.call.body)
				check(name, b.name, what, r, anon)
				leaks(b.name, what, r, v.list)
			}
			r = w.call(op.method, target, "Bearer "+tokens[outsider], v.call.body)
			check(name, outsider, what, r, v.outsider)
			leaks(outsider, what, r, v.list)
			for _, a := range otherActors {
				want, ok := v.others[a]
				if !ok {
					t.Fatalf("%s: no expectation for %s", name, a)
				}
				r := w.call(op.method, target, "Bearer "+tokens[a], v.call.body)
				check(name, a, what, r, want)
				leaks(a, what, r, v.list)
			}
		}
	}

	// Beyond the table: supervisors read but never decide or handle tasks,
	// though they may urge (by policy); nobody decides their own case; the
	// applicant grant everyone holds reads nothing; a province's registrar
	// reads its districts' cases.
	sup := "Bearer " + tokens[sup110000]
	actions := "/v1/cases/" + f.m1 + "/actions"
	for _, x := range []struct {
		who, method, target, auth string
		body                      any
		want                      int
	}{
		{sup110000, http.MethodPost, actions, sup, map[string]any{"action": "register"}, http.StatusForbidden},
		{sup110000, http.MethodPost, actions, sup, map[string]any{"action": "refuse", "opinion": "不符合条件"}, http.StatusForbidden},
		{sup110000, http.MethodPost, actions, sup, map[string]any{"action": "claim"}, http.StatusForbidden},
		{sup110000, http.MethodPost, actions, sup, map[string]any{"action": "copy", "targets": []string{f.staff}}, http.StatusForbidden},
		{sup110000, http.MethodPost, actions, sup, map[string]any{"action": "withdraw"}, http.StatusForbidden},
		{sup110000, http.MethodPost, actions, sup, map[string]any{"action": "return:eligibility"}, http.StatusForbidden},
		{sup110000, http.MethodPost, actions, sup, map[string]any{"action": "extend:x"}, http.StatusForbidden},
		{partyH, http.MethodPost, actions, "Bearer " + tokens[partyH], map[string]any{"action": "register"}, http.StatusConflict},
		{partyH, http.MethodPost, actions, "Bearer " + tokens[partyH], map[string]any{"action": "claim"}, http.StatusConflict},
		{"applicant:000000", http.MethodGet, "/v1/cases/" + f.m1,
			"Bearer " + e.token(person("19850505", false), "局外人", "applicant:000000"), nil, http.StatusNotFound},
		{"registrar:110000", http.MethodGet, "/v1/cases/" + f.m1,
			"Bearer " + e.token("walk-reg-110000", "冯登记", "registrar:110000"), nil, http.StatusOK},
		{sup110000, http.MethodPost, actions, sup, map[string]any{"action": "urge"}, http.StatusOK},
	} {
		r := w.call(x.method, x.target, x.auth, x.body)
		check("extra", x.who, fmt.Sprintf("%s %s %v", x.method, x.target, x.body), r, x.want)
	}

	// Nothing the refused callers sent took effect.
	if st := e.do(http.MethodGet, "/v1/cases/"+f.m1, f.h.manTok, nil).expect(t, http.StatusOK).state(t); st.Stage != "registrar-review" || st.Outcome != "" {
		t.Errorf("after the refused calls %s is at %s (%s), want registrar-review", f.m1, st.Stage, st.Outcome)
	}
	var staff struct{ Roles []string }
	e.do(http.MethodGet, "/v1/staff/"+f.staff, tokens[reg110105], nil).expect(t, http.StatusOK).decode(t, &staff)
	if !slices.Equal(staff.Roles, []string{"registrar:110105"}) {
		t.Errorf("after the refused PUTs %s holds %v", f.staff, staff.Roles)
	}

	// (e) the right actor of each operation succeeds.
	for _, id := range ids {
		op := ops[id]
		for _, v := range table[id] {
			call := v.call
			if v.rightCall != nil {
				call = *v.rightCall
			}
			target := op.target(t, call)
			r := w.call(op.method, target, "Bearer "+tokens[v.right], call.body)
			check(label(id, v), v.right, op.method+" "+target, r, v.rightSt)
			if v.lists != "" && !bytes.Contains(r.body, []byte(v.lists)) {
				t.Errorf("%s as %s does not list %s, so the leak check of this list proves nothing: %.300s", id, v.right, v.lists, r.body)
			}
		}
	}

	sort.Slice(devs, func(i, j int) bool { return devs[i].op < devs[j].op })
	for _, d := range devs {
		t.Errorf("%s as %s: %s", d.op, d.who, d.what)
	}
	t.Logf("operations in the document: %d; requests: %d in %v; deviations: %d",
		len(ops), w.sent, time.Since(begin).Round(time.Millisecond), len(devs))
}

// TestD8DefaultLimitStopsBadTokens: with the limits civilflow ships (no
// configuration), a burst of bad tokens like the review's 300 is stopped:
// once the address has spent its allowance it gets 429 with Retry-After,
// even with a valid token, so guessing cannot go on at full speed; asking
// without a token is not counted and still gets 401.
func TestD8DefaultLimitStopsBadTokens(t *testing.T) {
	dir := t.TempDir()
	c := &clock{}
	e := &env{t: t, app: startOwn(t, dir, c), clock: c, dataDir: dir}
	w := &walker{t: t, base: e.app.URL(), client: &http.Client{Timeout: 30 * time.Second}}
	good := "Bearer " + e.token(person("19850505", true), "申请人")
	w.call(http.MethodGet, "/v1/procedures", good, nil).expect(t, http.StatusOK)

	bad := badTokens(t, e.app.JWTKey)[3].header // HS256 with another key
	counts := map[int]int{}
	var limited response
	for i := 0; i < 150 && limited.status == 0; i++ {
		r := w.call(http.MethodGet, "/v1/procedures", bad, nil)
		counts[r.status]++
		if r.status == http.StatusTooManyRequests {
			limited = r
		}
	}
	if limited.status == 0 {
		t.Fatalf("150 bad tokens in a row were answered %v, never 429", counts)
	}
	if counts[http.StatusUnauthorized] < 50 {
		t.Errorf("429 after only %d failed authentications: %v", counts[http.StatusUnauthorized], counts)
	}
	if s, err := strconv.Atoi(limited.header.Get("Retry-After")); err != nil || s < 1 {
		t.Errorf("429 with Retry-After %q, want whole seconds ≥ 1", limited.header.Get("Retry-After"))
	}
	if !strings.HasPrefix(limited.header.Get("Content-Type"), "application/problem+json") {
		t.Errorf("429 as %q, want problem+json: %s", limited.header.Get("Content-Type"), limited.body)
	}
	// The address is blocked as a whole: a valid token cannot be told from
	// a lucky guess.
	w.call(http.MethodGet, "/v1/procedures", good, nil).expect(t, http.StatusTooManyRequests)
	w.call(http.MethodGet, "/v1/procedures", "", nil).expect(t, http.StatusUnauthorized)
	t.Logf("bad tokens answered %v; Retry-After %s s", counts, limited.header.Get("Retry-After"))
}
