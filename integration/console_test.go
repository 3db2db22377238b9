package integration

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oauth2-proxy/mockoidc"

	"civilflow/api"
	"civilflow/app"
	"civilflow/procedures"
	"civilflow/store"
)

var accountSeq atomic.Int64

// browser is a signed-in console: the session cookie and its CSRF token.
type browser struct {
	cookie, csrf string
}

// headers are what the console sends on a request; state-changing ones
// carry the CSRF token.
func (b browser) headers(csrf bool) []string {
	h := []string{"Cookie", b.cookie}
	if csrf {
		h = append(h, api.CSRFHeader, b.csrf)
	}
	return h
}

// localAccount adds an account for subject (and, with roles, a directory
// entry) and returns its username.
func (e *env) localAccount(subject, name, password string, roles ...store.Grant) string {
	e.t.Helper()
	ctx := context.Background()
	if len(roles) > 0 {
		if err := e.app.Store().PutStaff(ctx, store.StaffMember{Subject: subject, Name: name, Grants: roles}); err != nil {
			e.t.Fatal(err)
		}
	}
	h, err := store.HashPassword(password)
	if err != nil {
		e.t.Fatal(err)
	}
	username := fmt.Sprintf("user%d-%d", time.Now().UnixNano()%100000, accountSeq.Add(1))
	if err := e.app.Store().CreateAccount(ctx, store.Account{Username: username, Name: name, Subject: subject,
		PasswordHash: h, Active: true}); err != nil {
		e.t.Fatal(err)
	}
	return username
}

// signIn posts the credentials as the console's login form does.
func (e *env) signIn(username, password string) (browser, response) {
	e.t.Helper()
	r := e.do(http.MethodPost, "/v1/session", "", map[string]string{"username": username, "password": password})
	if r.status != http.StatusOK {
		return browser{}, r
	}
	var info api.SessionInfo
	r.decode(e.t, &info)
	b := browser{csrf: info.CSRFToken}
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == api.SessionCookie {
			b.cookie = c.Name + "=" + c.Value
		}
	}
	if b.cookie == "" || b.csrf == "" {
		e.t.Fatalf("sign-in answered no cookie or CSRF token: %v %s", r.header, r.body)
	}
	return b, r
}

// TestConsoleSignInApplicantAndRegistrar: an applicant and a registrar
// sign in with local accounts and complete a marriage with nothing but
// the session cookie and its CSRF token; the registrar's role comes from
// the staff directory.
func TestConsoleSignInApplicantAndRegistrar(t *testing.T) {
	e := sharedEnv(t)
	c := e.couple("19900307", "19920612")
	regSubject := fmt.Sprintf("console-reg-%d", accountSeq.Add(1))
	applicant := e.localAccount(c.man, c.manName, "张伟的好密码123")
	registrar := e.localAccount(regSubject, "王登记", "王登记的好密码456", store.Grant{Role: "registrar", Division: "110105"})

	ab, r := e.signIn(applicant, "张伟的好密码123")
	r.expect(t, http.StatusOK)
	var info api.SessionInfo
	r.decode(t, &info)
	if info.Subject != c.man || len(info.Roles) != 0 {
		t.Fatalf("applicant session %+v: want their ID number and no role", info)
	}
	set := r.header.Get("Set-Cookie")
	if !strings.Contains(set, "HttpOnly") || !strings.Contains(set, "SameSite=Strict") || !strings.Contains(set, "Path=/") {
		t.Errorf("session cookie %q", set)
	}

	// Submitting with the cookie needs the CSRF token.
	e.do(http.MethodPost, "/v1/cases", "", marriageBody(c, "110105"), ab.headers(false)...).expect(t, http.StatusForbidden)
	st := e.do(http.MethodPost, "/v1/cases", "", marriageBody(c, "110105"), ab.headers(true)...).
		expect(t, http.StatusCreated).state(t)

	rb, r := e.signIn(registrar, "王登记的好密码456")
	r.expect(t, http.StatusOK)
	r.decode(t, &info)
	if len(info.Roles) != 1 || info.Roles[0] != "registrar:110105" {
		t.Fatalf("registrar roles %v, want the directory's registrar:110105", info.Roles)
	}
	inbox := e.do(http.MethodGet, "/v1/me/inbox?text="+st.CaseID, "", nil, rb.headers(false)...).expect(t, http.StatusOK)
	if !strings.Contains(string(inbox.body), st.CaseID) {
		t.Fatalf("the registrar's to-do lacks %s: %s", st.CaseID, inbox.body)
	}
	e.do(http.MethodPost, "/v1/cases/"+st.CaseID+"/actions", "", map[string]string{"action": "register"}, rb.headers(false)...).
		expect(t, http.StatusForbidden)
	done := e.do(http.MethodPost, "/v1/cases/"+st.CaseID+"/actions", "", map[string]string{"action": "register"}, rb.headers(true)...).
		expect(t, http.StatusOK).state(t)
	if done.Outcome != procedures.OutcomeApproved {
		t.Fatalf("outcome %s, want approved", done.Outcome)
	}
	// The applicant sees the certificate through their session.
	mine := e.do(http.MethodGet, "/v1/cases/"+st.CaseID, "", nil, ab.headers(false)...).expect(t, http.StatusOK).state(t)
	if len(mine.Documents) == 0 {
		t.Fatalf("the applicant sees no certificate: %+v", mine)
	}
}

// TestCSRFRefusedWithoutTokenChangesNothing: a state-changing request
// with the cookie but a missing or wrong X-CSRF-Token is refused with
// 403 problem+json and does nothing; a GET needs no token.
func TestCSRFRefusedWithoutTokenChangesNothing(t *testing.T) {
	e := sharedEnv(t)
	c := e.couple("19910101", "19930101")
	b, _ := e.signIn(e.localAccount(c.man, c.manName, "a long password 1"), "a long password 1")
	for _, h := range [][]string{{"Cookie", b.cookie}, {"Cookie", b.cookie, api.CSRFHeader, "forged"}} {
		r := e.do(http.MethodPost, "/v1/cases", "", marriageBody(c, "110105"), h...)
		if r.status != http.StatusForbidden || !strings.HasPrefix(r.header.Get("Content-Type"), "application/problem+json") ||
			!strings.Contains(string(r.body), api.CSRFHeader) {
			t.Errorf("submit with %v: %d %s", h[2:], r.status, r.body)
		}
	}
	var apps struct{ Cases []any }
	e.do(http.MethodGet, "/v1/me/applications", "", nil, b.headers(false)...).expect(t, http.StatusOK).decode(t, &apps)
	if len(apps.Cases) != 0 {
		t.Fatalf("a refused request submitted a case: %+v", apps)
	}
	// Signing out ends the session on the server.
	e.do(http.MethodDelete, "/v1/session", "", nil, b.headers(true)...).expect(t, http.StatusNoContent)
	e.do(http.MethodGet, "/v1/session", "", nil, b.headers(false)...).expect(t, http.StatusUnauthorized)
}

// TestLockoutAfterFiveFailedSignIns: five wrong passwords lock the
// account: the sixth attempt, even with the right password, gets 429 with
// Retry-After, while an unknown user and a wrong password get the same 401.
func TestLockoutAfterFiveFailedSignIns(t *testing.T) {
	e := sharedEnv(t)
	u := e.localAccount(fmt.Sprintf("lock-%d", accountSeq.Add(1)), "赵登记", "the right password")
	var first response
	for i := range 5 {
		_, r := e.signIn(u, "wrong password "+strconv.Itoa(i))
		r.expect(t, http.StatusUnauthorized)
		first = r
	}
	_, unknown := e.signIn("no-such-user-at-all", "wrong password")
	if unknown.status != first.status || string(unknown.body) != string(first.body) {
		t.Errorf("unknown user %d %s vs wrong password %d %s: told apart", unknown.status, unknown.body, first.status, first.body)
	}
	_, r := e.signIn(u, "the right password")
	r.expect(t, http.StatusTooManyRequests)
	if s, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || s < 1 || s > 30 {
		t.Fatalf("Retry-After %q", r.header.Get("Retry-After"))
	}
}

// TestSessionEndsWhenStaffRemoved: an admin takes every role away from a
// registrar in the directory; the registrar's open session ends at once.
func TestSessionEndsWhenStaffRemoved(t *testing.T) {
	e := sharedEnv(t)
	subject := fmt.Sprintf("console-rm-%d", accountSeq.Add(1))
	u := e.localAccount(subject, "周登记", "a long password 2", store.Grant{Role: "registrar", Division: "110105"})
	b, r := e.signIn(u, "a long password 2")
	r.expect(t, http.StatusOK)
	e.do(http.MethodGet, "/v1/me/inbox", "", nil, b.headers(false)...).expect(t, http.StatusOK)

	admin := e.token(fmt.Sprintf("console-adm-%d", accountSeq.Add(1)), "钱管理", "admin:110000")
	e.do(http.MethodPut, "/v1/staff/"+subject, admin, map[string]any{"name": "周登记", "roles": []string{}}).expect(t, http.StatusOK)

	r = e.do(http.MethodGet, "/v1/me/inbox", "", nil, b.headers(false)...)
	r.expect(t, http.StatusUnauthorized)
	if !strings.Contains(r.header.Get("Set-Cookie"), "Max-Age=0") {
		t.Errorf("the refusal does not clear the cookie: %q", r.header.Get("Set-Cookie"))
	}
	// Nor can they sign in again.
	_, r = e.signIn(u, "a long password 2")
	r.expect(t, http.StatusUnauthorized)
}

// externalRef finds URLs to other hosts in a page's src and href
// attributes, and any absolute http(s) URL at all.
var externalRef = regexp.MustCompile(`https?://`)
var localRef = regexp.MustCompile(`(?:src|href)="(/[^"]*)"`)

// TestConsoleServedOffline: the console's page and /docs come from the
// binary with a strict CSP, name no other host, and every script and
// stylesheet they load is served.
func TestConsoleServedOffline(t *testing.T) {
	e := sharedEnv(t)
	for _, page := range []string{"/", "/work/todo", "/docs"} {
		r := e.do(http.MethodGet, page, "", nil).expect(t, http.StatusOK)
		if !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
			t.Fatalf("%s: type %q", page, r.header.Get("Content-Type"))
		}
		csp := r.header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "script-src 'self';") {
			t.Errorf("%s: CSP %q", page, csp)
		}
		if loc := externalRef.FindIndex(r.body); loc != nil {
			t.Errorf("%s names another host: …%s…", page, r.body[max(0, loc[0]-40):min(len(r.body), loc[1]+60)])
		}
		if strings.Contains(string(r.body), "<script>") {
			t.Errorf("%s has an inline script, which the CSP would block", page)
		}
		for _, m := range localRef.FindAllSubmatch(r.body, -1) {
			ref := string(m[1])
			a := e.do(http.MethodGet, ref, "", nil)
			if a.status != http.StatusOK || strings.HasPrefix(a.header.Get("Content-Type"), "text/html") {
				t.Errorf("%s loads %s: %d %s", page, ref, a.status, a.header.Get("Content-Type"))
			}
		}
	}
	// API paths keep their own answers.
	e.do(http.MethodGet, "/v1/no-such-operation", "", nil).expect(t, http.StatusNotFound)
	e.do(http.MethodGet, "/openapi.json", "", nil).expect(t, http.StatusOK)
}

// TestOIDCSignIn signs in through a real OpenID provider in the process:
// Authorization Code with PKCE (the provider checks the verifier), state
// and nonce; the roles are the staff directory's, and a subject the
// directory lists without a role is refused. The subject comes from the
// claim configured (--oidc-subject-claim).
func TestOIDCSignIn(t *testing.T) {
	m, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Shutdown() })
	cfg := m.Config()
	dir := t.TempDir()
	c := &clock{}
	a := startOwn(t, dir, c, func(ac *app.Config) {
		// The subject is taken from the claim configured, not from sub.
		ac.OIDC = api.OIDCConfig{Issuer: m.Issuer(), ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret,
			SubjectClaim: "preferred_username"}
	})
	e := &env{t: t, app: a, clock: c, dataDir: dir}
	ctx := context.Background()
	if err := a.Store().PutStaff(ctx, store.StaffMember{Subject: "oidc-reg-1", Name: "王登记",
		Grants: []store.Grant{{Role: "registrar", Division: "110105"}}}); err != nil {
		t.Fatal(err)
	}
	var prov struct {
		OIDC bool   `json:"oidc"`
		Path string `json:"oidcLoginPath"`
	}
	e.do(http.MethodGet, "/v1/session/providers", "", nil).expect(t, http.StatusOK).decode(t, &prov)
	if !prov.OIDC || prov.Path != api.OIDCLoginPath {
		t.Fatalf("providers %+v", prov)
	}

	m.QueueUser(&mockoidc.MockUser{Subject: "opaque-7f3a", PreferredUsername: "oidc-reg-1", Groups: []string{"admin:000000"}})
	b := oidcFlow(t, e)
	var info api.SessionInfo
	e.do(http.MethodGet, "/v1/session", "", nil, b.headers(false)...).expect(t, http.StatusOK).decode(t, &info)
	if info.Subject != "oidc-reg-1" || len(info.Roles) != 1 || info.Roles[0] != "registrar:110105" {
		t.Fatalf("session %+v: want the directory's registrar:110105 only", info)
	}
	e.do(http.MethodGet, "/v1/me/inbox", "", nil, b.headers(false)...).expect(t, http.StatusOK)

	// Removed from the directory: the provider still vouches for them, but
	// no session opens.
	if err := a.Store().PutStaff(ctx, store.StaffMember{Subject: "oidc-reg-1", Name: "王登记"}); err != nil {
		t.Fatal(err)
	}
	e.do(http.MethodGet, "/v1/session", "", nil, b.headers(false)...).expect(t, http.StatusUnauthorized)
	m.QueueUser(&mockoidc.MockUser{Subject: "opaque-7f3a", PreferredUsername: "oidc-reg-1"})
	if b := oidcFlowRefused(t, e); b != "" {
		t.Fatalf("a removed staff member got a session through the provider")
	}
}

// noRedirect is a client that shows each redirect instead of following it.
var noRedirect = &http.Client{Timeout: 20 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// oidcSteps runs login → provider → callback as a browser would and
// returns the callback's answer.
func oidcSteps(t *testing.T, e *env) *http.Response {
	t.Helper()
	login, err := noRedirect.Get(e.app.URL() + api.OIDCLoginPath)
	if err != nil {
		t.Fatal(err)
	}
	login.Body.Close()
	if login.StatusCode != http.StatusFound {
		t.Fatalf("login: %d", login.StatusCode)
	}
	authURL, _ := url.Parse(login.Header.Get("Location"))
	q := authURL.Query()
	if q.Get("code_challenge") == "" || q.Get("code_challenge_method") != "S256" || q.Get("nonce") == "" || q.Get("state") == "" {
		t.Fatalf("authorization request without PKCE, nonce or state: %s", authURL)
	}
	var state *http.Cookie
	for _, c := range login.Cookies() {
		if c.Name == "civilflow_oidc" {
			state = c
		}
	}
	if state == nil || !state.HttpOnly {
		t.Fatalf("no HttpOnly state cookie: %v", login.Header["Set-Cookie"])
	}
	authz, err := noRedirect.Get(authURL.String())
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, authz.Body)
	authz.Body.Close()
	back := authz.Header.Get("Location")
	if !strings.HasPrefix(back, e.app.URL()+api.OIDCCallbackPath) {
		t.Fatalf("the provider sent the browser to %q (%d)", back, authz.StatusCode)
	}
	// Without the state cookie (another browser) the callback refuses.
	if r, err := noRedirect.Get(back); err != nil {
		t.Fatal(err)
	} else if r.Body.Close(); r.Header.Get("Location") != "/login?error=oidc" {
		t.Fatalf("callback without the state cookie: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	req, _ := http.NewRequest(http.MethodGet, back, nil)
	req.AddCookie(state)
	cb, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	cb.Body.Close()
	return cb
}

// oidcFlow signs in through the provider and returns the browser.
func oidcFlow(t *testing.T, e *env) browser {
	t.Helper()
	cb := oidcSteps(t, e)
	if cb.StatusCode != http.StatusSeeOther || cb.Header.Get("Location") != "/" {
		t.Fatalf("callback: %d → %q", cb.StatusCode, cb.Header.Get("Location"))
	}
	var b browser
	for _, c := range cb.Cookies() {
		if c.Name == api.SessionCookie {
			b.cookie = c.Name + "=" + c.Value
			if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode {
				t.Errorf("session cookie %+v", c)
			}
		}
	}
	if b.cookie == "" {
		t.Fatal("the callback set no session cookie")
	}
	var info api.SessionInfo
	e.do(http.MethodGet, "/v1/session", "", nil, b.headers(false)...).expect(t, http.StatusOK).decode(t, &info)
	b.csrf = info.CSRFToken
	return b
}

// oidcFlowRefused runs the flow and returns the session cookie it got, if
// any ("" when refused, as expected).
func oidcFlowRefused(t *testing.T, e *env) string {
	t.Helper()
	cb := oidcSteps(t, e)
	for _, c := range cb.Cookies() {
		if c.Name == api.SessionCookie && c.Value != "" {
			return c.Value
		}
	}
	if cb.Header.Get("Location") != "/login?error=oidc" {
		t.Errorf("refused callback sent the browser to %q", cb.Header.Get("Location"))
	}
	return ""
}
