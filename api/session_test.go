package api

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"civilflow/divisions"
	"civilflow/policies"
	"civilflow/store"
)

// sessionEnv is the whole handler on a real store, served over loopback.
type sessionEnv struct {
	t   testing.TB
	db  *store.DB
	srv *httptest.Server
	d   *Deps
}

func newSessionEnv(t testing.TB) *sessionEnv {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "civilflow.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	policy, err := policies.New()
	if err != nil {
		t.Fatal(err)
	}
	divs, err := divisions.Default()
	if err != nil {
		t.Fatal(err)
	}
	d := &Deps{Store: db, Policy: policy, Divisions: divs, JWTKey: []byte(strings.Repeat("k", 32)),
		Logger: slog.New(slog.DiscardHandler),
		Console: fstest.MapFS{"index.html": {Data: []byte("<!doctype html><p>console</p>")},
			"assets/app-1.js": {Data: []byte("console.log(1)")},
			"assets/big.js":   {Data: bytes.Repeat([]byte("console.log(2);\n"), 1250)}}}
	srv := httptest.NewServer(NewHandler(d))
	t.Cleanup(srv.Close)
	return &sessionEnv{t: t, db: db, srv: srv, d: d}
}

// account adds a local account with password pw.
func (e *sessionEnv) account(username, subject, pw string) {
	e.t.Helper()
	h, err := store.HashPassword(pw)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.db.CreateAccount(context.Background(), store.Account{Username: username, Name: "王登记", Subject: subject,
		PasswordHash: h, Active: true}); err != nil {
		e.t.Fatal(err)
	}
}

type answer struct {
	status int
	header http.Header
	body   []byte
}

// call sends a request with the given headers ("Cookie", "X-CSRF-Token" …).
func (e *sessionEnv) call(method, path, body string, headers ...string) answer {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, resp.Header, b}
}

func (e *sessionEnv) signIn(username, pw string) (cookie string, info SessionInfo, a answer) {
	e.t.Helper()
	a = e.call(http.MethodPost, "/v1/session", `{"username":"`+username+`","password":"`+pw+`"}`)
	if a.status != http.StatusOK {
		return "", info, a
	}
	if err := json.Unmarshal(a.body, &info); err != nil {
		e.t.Fatal(err)
	}
	for _, c := range (&http.Response{Header: a.header}).Cookies() {
		if c.Name == SessionCookie {
			cookie = c.Name + "=" + c.Value
		}
	}
	return cookie, info, a
}

func TestConsoleSignInSessionCookie(t *testing.T) {
	e := newSessionEnv(t)
	ctx := context.Background()
	if err := e.db.PutStaff(ctx, store.StaffMember{Subject: "reg-001", Name: "王登记",
		Grants: []store.Grant{{Role: "registrar", Division: "110105"}}}); err != nil {
		t.Fatal(err)
	}
	e.account("wang", "reg-001", "correct horse battery")

	cookie, info, a := e.signIn("wang", "correct horse battery")
	if a.status != http.StatusOK {
		t.Fatalf("sign-in: %d %s", a.status, a.body)
	}
	set := a.header.Get("Set-Cookie")
	for _, attr := range []string{"HttpOnly", "SameSite=Strict", "Path=/"} {
		if !strings.Contains(set, attr) {
			t.Errorf("session cookie %q lacks %s", set, attr)
		}
	}
	if strings.Contains(set, "Secure") {
		t.Errorf("cookie %q is Secure although the public URL is not https", set)
	}
	if info.Subject != "reg-001" || len(info.Roles) != 1 || info.Roles[0] != "registrar:110105" || len(info.CSRFToken) < 32 {
		t.Fatalf("sign-in answer %+v", info)
	}

	// The cookie authenticates reads; roles come from the directory.
	a = e.call(http.MethodGet, "/v1/session", "", "Cookie", cookie)
	var got SessionInfo
	_ = json.Unmarshal(a.body, &got)
	if a.status != http.StatusOK || got.Subject != "reg-001" || got.CSRFToken != info.CSRFToken {
		t.Fatalf("GET /v1/session: %d %s", a.status, a.body)
	}
	if err := e.db.PutStaff(ctx, store.StaffMember{Subject: "reg-001", Name: "王登记",
		Grants: []store.Grant{{Role: "registrar", Division: "110105"}, {Role: "approver", Division: "110105"}}}); err != nil {
		t.Fatal(err)
	}
	a = e.call(http.MethodGet, "/v1/session", "", "Cookie", cookie)
	_ = json.Unmarshal(a.body, &got)
	if len(got.Roles) != 2 {
		t.Errorf("roles after the directory added one: %v, want both (re-read on every request)", got.Roles)
	}

	// Same answer for an unknown user and a wrong password.
	_, _, unknown := e.signIn("nobody", "correct horse battery")
	_, _, wrong := e.signIn("wang", "wrong horse battery")
	if unknown.status != http.StatusUnauthorized || wrong.status != http.StatusUnauthorized ||
		!strings.HasPrefix(unknown.header.Get("Content-Type"), "application/problem+json") {
		t.Fatalf("bad credentials: unknown %d %s, wrong %d %s", unknown.status, unknown.body, wrong.status, wrong.body)
	}
	var pu, pw map[string]any
	_ = json.Unmarshal(unknown.body, &pu)
	_ = json.Unmarshal(wrong.body, &pw)
	if pu["detail"] != pw["detail"] {
		t.Errorf("unknown user (%v) and wrong password (%v) are told apart", pu["detail"], pw["detail"])
	}

	// Sign-out ends the session on the server (with the CSRF token).
	if a := e.call(http.MethodDelete, "/v1/session", "", "Cookie", cookie, CSRFHeader, info.CSRFToken); a.status != http.StatusNoContent {
		t.Fatalf("sign-out: %d %s", a.status, a.body)
	}
	if a := e.call(http.MethodGet, "/v1/session", "", "Cookie", cookie); a.status != http.StatusUnauthorized {
		t.Fatalf("the cookie still works after sign-out: %d", a.status)
	}
}

func TestCSRFTokenRequiredWithCookie(t *testing.T) {
	e := newSessionEnv(t)
	e.account("li", "110105199003071538", "correct horse battery")
	cookie, info, a := e.signIn("li", "correct horse battery")
	if a.status != http.StatusOK {
		t.Fatalf("sign-in: %d %s", a.status, a.body)
	}
	if len(info.Roles) != 0 {
		t.Fatalf("an applicant account holds roles %v", info.Roles)
	}
	for _, h := range [][]string{
		{"Cookie", cookie},
		{"Cookie", cookie, CSRFHeader, "not-the-token"},
		{"Cookie", cookie, CSRFHeader, info.CSRFToken + "x"},
	} {
		a := e.call(http.MethodDelete, "/v1/session", "", h...)
		if a.status != http.StatusForbidden || !strings.Contains(string(a.body), CSRFHeader) {
			t.Errorf("DELETE with %v: %d %s, want 403 naming %s", h[2:], a.status, a.body, CSRFHeader)
		}
	}
	// The refused requests changed nothing: the session is still there.
	if a := e.call(http.MethodGet, "/v1/session", "", "Cookie", cookie); a.status != http.StatusOK {
		t.Fatalf("session after refused sign-outs: %d", a.status)
	}
	// A bearer client needs no CSRF token (a browser never sends one by itself).
	if a := e.call(http.MethodPut, "/v1/accounts/x", `{"name":"x","subject":"x"}`, "Cookie", cookie); a.status != http.StatusForbidden {
		t.Errorf("PUT without the token: %d", a.status)
	}
	if a := e.call(http.MethodGet, "/v1/session", "", "Cookie", SessionCookie+"=forged"); a.status != http.StatusUnauthorized {
		t.Errorf("forged cookie: %d", a.status)
	}
}

func TestLockoutAfterFiveFailures(t *testing.T) {
	e := newSessionEnv(t)
	e.account("zhao", "reg-002", "correct horse battery")
	for i := 1; i <= 5; i++ {
		if _, _, a := e.signIn("zhao", "wrong"); a.status != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d %s", i, a.status, a.body)
		}
	}
	// Locked now, even with the right password.
	_, _, a := e.signIn("zhao", "correct horse battery")
	if a.status != http.StatusTooManyRequests {
		t.Fatalf("after 5 failures the right password got %d %s, want 429", a.status, a.body)
	}
	s, err := strconv.Atoi(a.header.Get("Retry-After"))
	if err != nil || s < 1 || s > 30 {
		t.Fatalf("Retry-After %q, want 1-30 seconds", a.header.Get("Retry-After"))
	}
	acc, _ := e.db.Account(context.Background(), "zhao")
	if acc.FailedAttempts != 5 || acc.LockedUntil.Before(time.Now()) {
		t.Fatalf("account %+v, want 5 failures and a lock in the future", acc)
	}
}

func TestConsoleFallbackAndCSP(t *testing.T) {
	e := newSessionEnv(t)
	for _, p := range []string{"/", "/login", "/work/cases/MAR-110105-2026-0001"} {
		a := e.call(http.MethodGet, p, "")
		if a.status != http.StatusOK || !strings.Contains(string(a.body), "console") {
			t.Errorf("GET %s: %d %.80s, want the console page", p, a.status, a.body)
		}
		csp := a.header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-eval") ||
			strings.Contains(csp, "script-src 'self' 'unsafe-inline'") {
			t.Errorf("GET %s: CSP %q", p, csp)
		}
	}
	if a := e.call(http.MethodGet, "/assets/app-1.js", ""); a.status != http.StatusOK || !strings.Contains(a.header.Get("Cache-Control"), "immutable") {
		t.Errorf("bundle: %d %q", a.status, a.header.Get("Cache-Control"))
	}
	// Bundles go out compressed to clients that take gzip.
	a := e.call(http.MethodGet, "/assets/big.js", "", "Accept-Encoding", "gzip, br")
	if a.header.Get("Content-Encoding") != "gzip" || len(a.body) >= 20000 || !strings.HasPrefix(a.header.Get("Content-Type"), "text/javascript") {
		t.Errorf("big bundle with gzip: encoding %q, %d bytes, type %q", a.header.Get("Content-Encoding"), len(a.body), a.header.Get("Content-Type"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(a.body))
	if err != nil {
		t.Fatal(err)
	}
	if plain, _ := io.ReadAll(zr); len(plain) != 20000 {
		t.Errorf("gzip body unpacks to %d bytes, want 20000", len(plain))
	}
	if a := e.call(http.MethodGet, "/assets/big.js", ""); a.header.Get("Content-Encoding") != "" || len(a.body) != 20000 {
		t.Errorf("without Accept-Encoding: %q, %d bytes", a.header.Get("Content-Encoding"), len(a.body))
	}
	for _, p := range []string{"/v1/no-such-thing", "/assets/missing.js", "/auth/nothing", "/.env", "/debug/pprof/x.txt"} {
		if a := e.call(http.MethodGet, p, ""); a.status != http.StatusNotFound && a.status != http.StatusUnauthorized {
			t.Errorf("GET %s: %d, want 404 (not the console page)", p, a.status)
		} else if strings.Contains(string(a.body), "console") {
			t.Errorf("GET %s served the console page", p)
		}
	}
	if a := e.call(http.MethodGet, "/v1/session/providers", ""); a.status != http.StatusOK || !strings.Contains(string(a.body), `"oidc":false`) {
		t.Errorf("providers: %d %s", a.status, a.body)
	}
}

func TestAccountsAdminWithinJurisdiction(t *testing.T) {
	e := newSessionEnv(t)
	ctx := context.Background()
	for _, m := range []store.StaffMember{
		{Subject: "adm-110000", Name: "钱管理", Grants: []store.Grant{{Role: "admin", Division: "110000"}}},
		{Subject: "reg-110105", Name: "王登记", Grants: []store.Grant{{Role: "registrar", Division: "110105"}}},
		{Subject: "reg-420000", Name: "孙登记", Grants: []store.Grant{{Role: "registrar", Division: "420000"}}},
	} {
		if err := e.db.PutStaff(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	e.account("qian", "adm-110000", "correct horse battery")
	e.account("sun", "reg-420000", "correct horse battery")
	cookie, info, a := e.signIn("qian", "correct horse battery")
	if a.status != http.StatusOK {
		t.Fatalf("sign-in %d %s", a.status, a.body)
	}
	put := func(username, body string) answer {
		return e.call(http.MethodPut, "/v1/accounts/"+username, body, "Cookie", cookie, CSRFHeader, info.CSRFToken)
	}
	if a := put("wang", `{"name":"王登记","subject":"reg-110105","password":"another good one"}`); a.status != http.StatusOK {
		t.Fatalf("create within the jurisdiction: %d %s", a.status, a.body)
	}
	if a := put("wang2", `{"name":"王登记","subject":"reg-110105"}`); a.status != http.StatusUnprocessableEntity ||
		!strings.Contains(string(a.body), "body.password") {
		t.Errorf("new account without a password: %d %s", a.status, a.body)
	}
	if a := put("wang3", `{"name":"王登记","subject":"reg-110105","password":"short"}`); a.status != http.StatusUnprocessableEntity ||
		!strings.Contains(string(a.body), "at least 10") {
		t.Errorf("short password: %d %s", a.status, a.body)
	}
	// Outside the jurisdiction: neither the account nor its subject.
	if a := put("sun", `{"name":"孙登记","subject":"reg-420000","active":false}`); a.status != http.StatusForbidden {
		t.Errorf("deactivate an account of 420000: %d %s", a.status, a.body)
	}
	if a := put("wang", `{"name":"王登记","subject":"reg-420000"}`); a.status != http.StatusForbidden {
		t.Errorf("point an account at a subject of 420000: %d %s", a.status, a.body)
	}
	if a := put("qian", `{"name":"钱管理","subject":"adm-110000","password":"my own new one"}`); a.status != http.StatusForbidden {
		t.Errorf("change one's own account: %d %s", a.status, a.body)
	}
	a = e.call(http.MethodGet, "/v1/accounts", "", "Cookie", cookie)
	if a.status != http.StatusOK || !strings.Contains(string(a.body), `"wang"`) || strings.Contains(string(a.body), `"sun"`) ||
		strings.Contains(string(a.body), "argon2") {
		t.Errorf("list: %d %s, want wang, not sun, no hashes", a.status, a.body)
	}
	// Deactivating ends the account's session at once.
	wcookie, _, a := e.signIn("wang", "another good one")
	if a.status != http.StatusOK {
		t.Fatalf("sign-in as wang: %d %s", a.status, a.body)
	}
	if a := put("wang", `{"name":"王登记","subject":"reg-110105","active":false}`); a.status != http.StatusOK {
		t.Fatalf("deactivate: %d %s", a.status, a.body)
	}
	if a := e.call(http.MethodGet, "/v1/session", "", "Cookie", wcookie); a.status != http.StatusUnauthorized {
		t.Errorf("session of a deactivated account: %d", a.status)
	}
	if _, _, a := e.signIn("wang", "another good one"); a.status != http.StatusUnauthorized {
		t.Errorf("sign-in to a deactivated account: %d", a.status)
	}
}

func TestSignInRefusedFromAnotherSite(t *testing.T) {
	e := newSessionEnv(t)
	e.account("li", "reg-003", "correct horse battery")
	body := `{"username":"li","password":"correct horse battery"}`
	// A page elsewhere can post a form (text/plain) but not set the type
	// to JSON without a preflight, which fails; and browsers say where a
	// request comes from.
	if a := e.call(http.MethodPost, "/v1/session", body, "Content-Type", "text/plain"); a.status < 400 || a.status >= 500 ||
		a.header.Get("Set-Cookie") != "" {
		t.Errorf("text/plain sign-in: %d %q", a.status, a.header.Get("Set-Cookie"))
	}
	if a := e.call(http.MethodPost, "/v1/session", body, "Sec-Fetch-Site", "cross-site"); a.status != http.StatusForbidden ||
		a.header.Get("Set-Cookie") != "" {
		t.Errorf("cross-site sign-in: %d %s", a.status, a.body)
	}
	if a := e.call(http.MethodPost, "/v1/session", body, "Sec-Fetch-Site", "same-origin"); a.status != http.StatusOK {
		t.Errorf("same-origin sign-in: %d %s", a.status, a.body)
	}
}

func TestSessionCookieSecureUnderHTTPS(t *testing.T) {
	d := &Deps{PublicURL: "https://civilflow.example.gov.cn"}
	if c := d.sessionCookie("t", 60); !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode {
		t.Fatalf("cookie under https: %+v", c)
	}
	if c := (&Deps{PublicURL: "http://127.0.0.1:8080"}).sessionCookie("t", 60); c.Secure {
		t.Fatalf("cookie under http is Secure, which a browser would never send back: %+v", c)
	}
}

func TestOIDCStateCookieCannotBeForged(t *testing.T) {
	d := &Deps{JWTKey: []byte(strings.Repeat("k", 32))}
	now := time.Now()
	sealed := d.sealState(oidcState{State: "s", Nonce: "n", Verifier: "v", Expires: now.Add(time.Minute).Unix()})
	if st, err := d.openState(sealed, now); err != nil || st.Verifier != "v" {
		t.Fatalf("open: %+v %v", st, err)
	}
	body, mac, _ := strings.Cut(sealed, ".")
	forged := d.sealState(oidcState{State: "attacker", Expires: now.Add(time.Minute).Unix()})
	fbody, _, _ := strings.Cut(forged, ".")
	for name, v := range map[string]string{
		"other body, old signature": fbody + "." + mac,
		"no signature":              body,
		"other key":                 (&Deps{JWTKey: []byte(strings.Repeat("x", 32))}).sealState(oidcState{State: "s", Expires: now.Add(time.Minute).Unix()}),
	} {
		if _, err := d.openState(v, now); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := d.openState(sealed, now.Add(2*time.Minute)); err == nil {
		t.Error("an expired state cookie was accepted")
	}
}

// BenchmarkSessionRequest measures what authenticating by the session
// cookie costs per request (session and directory look-ups included).
func BenchmarkSessionRequest(b *testing.B) {
	e := newSessionEnv(b)
	e.account("bench", "reg-bench", "correct horse battery")
	cookie, _, a := e.signIn("bench", "correct horse battery")
	if a.status != http.StatusOK {
		b.Fatalf("sign-in %d", a.status)
	}
	e.d.limiters = newLimiters(Limits{RequestsPerSecond: 1e9, RequestBurst: 1e9}.withDefaults())
	for b.Loop() {
		if a := e.call(http.MethodGet, "/v1/session", "", "Cookie", cookie); a.status != http.StatusOK {
			b.Fatalf("status %d", a.status)
		}
	}
}
