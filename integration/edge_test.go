package integration

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"civilflow/api"
	"civilflow/app"
	"civilflow/auth"
	"civilflow/idnumber"
)

// raw sends body as it is (json.Marshal would repair broken UTF-8), with
// the Authorization header given whole and an optional Host.
func (e *env) raw(method, path, authorization string, body []byte, host string) response {
	e.t.Helper()
	req, err := http.NewRequest(method, e.app.URL()+path, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	if host != "" {
		req.Host = host
		req.Header.Set("X-Forwarded-Host", host)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: b}
}

// expectField fails unless r is a 422 naming loc with a message holding rule.
func (r response) expectField(t *testing.T, loc, rule string) {
	t.Helper()
	r.expect(t, http.StatusUnprocessableEntity)
	var p problem
	r.decode(t, &p)
	for _, e := range p.Errors {
		if e.Location == loc && strings.Contains(e.Message, rule) {
			return
		}
	}
	t.Fatalf("422 does not name %s (%q): %s", loc, rule, r.body)
}

func TestD8RemovedStaffTokenStopsAtOnce(t *testing.T) {
	e := sharedEnv(t)
	admin := e.token("admin-bj", "北京管理员", "admin:110000")
	reg := e.staffMember("reg-d8-removed", "撤销登记员", "registrar:110105")
	c := e.couple("19900307", "19920612")
	st := e.do(http.MethodPost, "/v1/cases", c.manTok, marriageBody(c, "110105")).expect(t, http.StatusCreated).state(t)
	e.do(http.MethodGet, "/v1/cases/"+st.CaseID, reg, nil).expect(t, http.StatusOK)

	// Removed from the directory: the same token, not yet expired, stops.
	e.do(http.MethodPut, "/v1/staff/reg-d8-removed", admin, map[string]any{"name": "撤销登记员", "roles": []string{}}).expect(t, http.StatusOK)
	e.act(st.CaseID, reg, "register", "").expect(t, http.StatusUnauthorized)
	e.do(http.MethodGet, "/v1/me/inbox", reg, nil).expect(t, http.StatusUnauthorized)
	// Back in the directory, the token works again: nothing was cached.
	e.do(http.MethodPut, "/v1/staff/reg-d8-removed", admin, map[string]any{"name": "撤销登记员", "roles": []string{"registrar:110105"}}).expect(t, http.StatusOK)
	e.do(http.MethodGet, "/v1/cases/"+st.CaseID, reg, nil).expect(t, http.StatusOK)

	// A listed person's token carries no grant the directory lacks.
	e.staffMember("reg-d8-narrow", "朝阳登记员", "registrar:110105")
	wide := e.token("reg-d8-narrow", "朝阳登记员", "registrar:110105", "registrar:110000")
	c2 := e.couple("19900307", "19920612")
	xicheng := e.do(http.MethodPost, "/v1/cases", c2.manTok, marriageBody(c2, "110111")).expect(t, http.StatusCreated).state(t)
	e.do(http.MethodGet, "/v1/cases/"+xicheng.CaseID, wide, nil).expect(t, http.StatusNotFound)
	e.do(http.MethodGet, "/v1/cases/"+st.CaseID, wide, nil).expect(t, http.StatusOK)
}

func TestD8TokenLifetimeAndScheme(t *testing.T) {
	e := sharedEnv(t)
	c := e.couple("19900307", "19920612")
	century, err := auth.Sign(e.app.JWTKey, auth.Principal{Subject: c.man, Name: c.manName}, time.Now(), 876000*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	e.do(http.MethodGet, "/v1/me/applications", century, nil).expect(t, http.StatusUnauthorized)
	// RFC 7235: the scheme is case-insensitive.
	for _, scheme := range []string{"bearer", "BEARER", "Bearer"} {
		e.raw(http.MethodGet, "/v1/me/applications", scheme+" "+c.manTok, nil, "").expect(t, http.StatusOK)
	}
	e.raw(http.MethodGet, "/v1/me/applications", "Basic "+c.manTok, nil, "").expect(t, http.StatusUnauthorized)
}

func TestD8RateLimitsAnswer429WithRetryAfter(t *testing.T) {
	a := startOwn(t, t.TempDir(), &clock{}, func(c *app.Config) {
		c.Limits = api.Limits{RequestsPerSecond: 0.2, RequestBurst: 5, FailedAuthPerMinute: 1, FailedAuthBurst: 3}
	})
	e := &env{t: t, app: a}
	c := e.couple("19900307", "19920612")
	for range 5 {
		e.do(http.MethodGet, "/v1/me/applications", c.manTok, nil).expect(t, http.StatusOK)
	}
	res := e.do(http.MethodGet, "/v1/me/applications", c.manTok, nil).expect(t, http.StatusTooManyRequests)
	expect429(t, res, 5)
	// Another person is not held back by the first one's requests.
	e.do(http.MethodGet, "/v1/me/applications", c.womanTok, nil).expect(t, http.StatusOK)

	// Failed authentications from one address: after the burst every
	// request from it waits, a valid token's too.
	for range 3 {
		e.do(http.MethodGet, "/v1/me/applications", "forged", nil).expect(t, http.StatusUnauthorized)
	}
	expect429(t, e.do(http.MethodGet, "/v1/me/applications", "forged", nil).expect(t, http.StatusTooManyRequests), 60)
	expect429(t, e.do(http.MethodGet, "/v1/me/applications", c.womanTok, nil).expect(t, http.StatusTooManyRequests), 60)
}

// expect429 checks a rate-limit answer: problem+json and a Retry-After of
// at most max seconds.
func expect429(t *testing.T, res response, max int) {
	t.Helper()
	if ct := res.header.Get("Content-Type"); !strings.Contains(ct, "problem+json") {
		t.Errorf("429 Content-Type %q", ct)
	}
	s, err := strconv.Atoi(res.header.Get("Retry-After"))
	if err != nil || s < 1 || s > max {
		t.Errorf("Retry-After %q, want 1–%d seconds", res.header.Get("Retry-After"), max)
	}
	var p problem
	res.decode(t, &p)
	if p.Status != http.StatusTooManyRequests {
		t.Errorf("problem %s", res.body)
	}
}

func TestD10StaffBlankNameIs422(t *testing.T) {
	e := sharedEnv(t)
	admin := e.token("admin-bj", "北京管理员", "admin:110000")
	for _, name := range []string{"   ", "\u3000", "\u200b"} {
		e.do(http.MethodPut, "/v1/staff/reg-d10", admin, map[string]any{"name": name, "roles": []string{"registrar:110105"}}).
			expectField(t, "body.name", "blank")
	}
}

func TestD11TextAndCodesRefusedNamingTheField(t *testing.T) {
	e := sharedEnv(t)
	admin := e.token("admin-bj", "北京管理员", "admin:110000")
	e.do(http.MethodPut, "/v1/staff/reg-d11", admin, map[string]any{"name": "\u0000", "roles": []string{"registrar:110105"}}).
		expectField(t, "body.name", "NUL")
	for _, div := range []string{"110199", "119900"} {
		e.do(http.MethodPut, "/v1/staff/reg-d11", admin, map[string]any{"name": "王登记", "roles": []string{"registrar:110105", "registrar:" + div}}).
			expectField(t, "body.roles[1]", "unknown division")
	}

	c := e.couple("19900307", "19920612")
	body := marriageBody(c, "110105")
	apps := c.applicants()
	apps[1]["name"] = "李\x00娜"
	body["form"].(map[string]any)["applicants"] = apps
	e.do(http.MethodPost, "/v1/cases", c.manTok, body).expectField(t, "body.form.applicants[1].name", "NUL")
	apps[1]["name"] = "李\u202e娜"
	e.do(http.MethodPost, "/v1/cases", c.manTok, body).expectField(t, "body.form.applicants[1].name", "bidi")

	// Invalid UTF-8 and a lone surrogate are refused, not replaced.
	good, err := json.Marshal(marriageBody(c, "110105"))
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][]byte{[]byte("李\xff娜"), []byte(`李\ud800娜`)} {
		raw := bytes.Replace(good, []byte(c.womanName), bad, 1)
		e.raw(http.MethodPost, "/v1/cases", "Bearer "+c.manTok, raw, "").expectField(t, "body.form.applicants[1].name", "UTF-8")
	}

	// An ID number whose region code never existed.
	nobody := "999999" + "19920612" + "024"
	nobody += string(idnumber.CheckDigit(nobody))
	apps = c.applicants()
	apps[1]["idNumber"] = nobody
	body["form"].(map[string]any)["applicants"] = apps
	e.do(http.MethodPost, "/v1/cases", c.manTok, body).expectField(t, "body.form.applicants[1].idNumber", "unknown region code")

	// The text of an action.
	reg := e.staffMember("reg-d11-act", "文本登记员", "registrar:110105")
	st := e.do(http.MethodPost, "/v1/cases", c.manTok, marriageBody(c, "110105")).expect(t, http.StatusCreated).state(t)
	e.act(st.CaseID, reg, "refuse", "不符合\x00条件").expectField(t, "body.opinion", "NUL")
	e.act(st.CaseID, reg, "refuse", "不符合\u2066条件").expectField(t, "body.opinion", "bidi")
	e.do(http.MethodPost, "/v1/cases/"+st.CaseID+"/actions", reg, map[string]any{"action": "refuse", "opinion": "材料不全",
		"attachments": []map[string]string{{"title": "报告\u202e", "reference": "dms://1"}}}).expectField(t, "body.attachments[0].title", "bidi")
	// Nothing happened to the case; a clean multi-line opinion is taken.
	e.act(st.CaseID, reg, "refuse", "材料不全。\n请补正后再申请。").expect(t, http.StatusOK)
}

func TestD12InvisibleOpinionCountsAsEmpty(t *testing.T) {
	e := sharedEnv(t)
	reg := e.staffMember("reg-d12", "意见登记员", "registrar:110105")
	c := e.couple("19900307", "19920612")
	st := e.do(http.MethodPost, "/v1/cases", c.manTok, marriageBody(c, "110105")).expect(t, http.StatusCreated).state(t)
	for _, op := range []string{"\u200b", "\ufeff", "\u3000", "\u200b\u2060 \u200d"} {
		e.act(st.CaseID, reg, "refuse", op).expect(t, http.StatusConflict)
	}
	got := e.do(http.MethodGet, "/v1/cases/"+st.CaseID, reg, nil).expect(t, http.StatusOK).state(t)
	if got.Stage != "registrar-review" || got.Outcome != "" {
		t.Fatalf("after invisible opinions: stage %s outcome %s", got.Stage, got.Outcome)
	}
}

func TestD14HeadersAndSchemaLinks(t *testing.T) {
	e := sharedEnv(t)
	c := e.couple("19900307", "19920612")
	st := e.do(http.MethodPost, "/v1/cases", c.manTok, marriageBody(c, "110105")).expect(t, http.StatusCreated).state(t)
	for _, x := range []struct {
		path, token string
		status      int
		noStore     bool
	}{
		{"/v1/cases/" + st.CaseID, c.manTok, http.StatusOK, true},
		{"/v1/me/applications", c.manTok, http.StatusOK, true},
		{"/v1/cases/" + st.CaseID, "", http.StatusUnauthorized, true},
		{"/v1/procedures", c.manTok, http.StatusOK, false},
		{"/openapi.json", "", http.StatusOK, false},
	} {
		res := e.do(http.MethodGet, x.path, x.token, nil).expect(t, x.status)
		if got := res.header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options %q", x.path, got)
		}
		if got := res.header.Get("Cache-Control"); (got == "no-store") != x.noStore {
			t.Errorf("%s: Cache-Control %q, want no-store %v", x.path, got, x.noStore)
		}
	}
	for _, path := range []string{"/v1/me/applications", "/v1/procedures/marriage-registration"} {
		res := e.raw(http.MethodGet, path, "Bearer "+c.manTok, nil, "evil.example").expect(t, http.StatusOK)
		var v struct {
			Schema string `json:"$schema"`
		}
		res.decode(t, &v)
		if strings.Contains(v.Schema, "evil") || !strings.HasPrefix(v.Schema, "/schemas/") {
			t.Errorf("%s: $schema %q with a forged Host", path, v.Schema)
		}
		if l := res.header.Get("Link"); strings.Contains(l, "evil") {
			t.Errorf("%s: Link %q", path, l)
		}
	}
}
