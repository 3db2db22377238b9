package api

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"civilflow/auth"
	"civilflow/policies"
	"civilflow/store"
)

// SessionCookie is the name of the browser's session cookie.
const SessionCookie = "civilflow_session"

// CSRFHeader carries the session's CSRF token on every state-changing
// request authenticated by the cookie.
const CSRFHeader = "X-CSRF-Token"

// SessionTTL is the longest a browser session lives: a working day and its
// evening, the same ceiling as a bearer token's.
const SessionTTL = 12 * time.Hour

// public marks an operation that needs no authentication: an empty, not
// nil, security list, which the OpenAPI document shows as "security": [].
var public = []map[string][]string{}

// isPublic reports whether op needs no authentication.
func isPublic(op *huma.Operation) bool {
	return op != nil && op.Security != nil && len(op.Security) == 0
}

type sessionKey struct{}

// sessionOf is the browser session of a request authenticated by the
// cookie, with its token; ok is false for bearer requests.
type activeSession struct {
	token string
	store.Session
}

func sessionOf(ctx context.Context) (activeSession, bool) {
	s, ok := ctx.Value(sessionKey{}).(activeSession)
	return s, ok
}

// SignInRequest is a sign-in with a local account.
type SignInRequest struct {
	Body struct {
		Username string `json:"username" minLength:"1" maxLength:"64" doc:"The account's username" example:"wang"`
		Password string `json:"password" minLength:"1" maxLength:"1024" doc:"The account's password"`
	}
}

// SessionInfo is who is signed in, with the roles the staff directory
// gives them now.
type SessionInfo struct {
	Subject   string   `json:"subject" doc:"Staff directory subject, or the resident ID number of an applicant"`
	Name      string   `json:"name"`
	Roles     []string `json:"roles" doc:"Roles held now, as role:division, from the staff directory; none for an applicant"`
	CSRFToken string   `json:"csrfToken,omitempty" doc:"Send it as X-CSRF-Token on every POST, PUT, PATCH and DELETE made with the session cookie; absent for bearer tokens"`
	ExpiresAt string   `json:"expiresAt,omitempty" format:"date-time" doc:"When the session ends at the latest"`
}

// SessionResponse answers a sign-in: the person and the session cookie.
type SessionResponse struct {
	SetCookie http.Cookie `header:"Set-Cookie"`
	Body      SessionInfo
}

// SessionInfoResponse is the person of the current session.
type SessionInfoResponse struct {
	Body SessionInfo
}

// SignOutResponse clears the session cookie.
type SignOutResponse struct {
	SetCookie http.Cookie `header:"Set-Cookie"`
}

// Providers says which ways of signing in the console should offer.
type Providers struct {
	Body struct {
		Local    bool   `json:"local" doc:"Local accounts (username and password) are accepted"`
		OIDC     bool   `json:"oidc" doc:"Sign-in through the identity provider is configured"`
		OIDCPath string `json:"oidcLoginPath,omitempty" doc:"Where to send the browser to sign in through the identity provider"`
	}
}

// dummyHash is checked against for unknown usernames, so an unknown user
// costs as much time as a wrong password and cannot be told apart by it.
var dummyHash = sync.OnceValue(func() string {
	h, _ := store.HashPassword("no such account")
	return h
})

func registerSession(api huma.API, d *Deps) {
	huma.Register(api, huma.Operation{
		OperationID: "sign-in", Method: http.MethodPost, Path: "/v1/session",
		Summary: "Sign in with a local account", Tags: []string{"Session"}, DefaultStatus: http.StatusOK, Security: public,
		Description: "Checks the username and password and opens a browser session: the answer sets the HttpOnly, " +
			"SameSite=Strict cookie " + SessionCookie + " (Secure when the public URL is https) and carries the CSRF " +
			"token to send as " + CSRFHeader + " on every state-changing request made with it. The session lasts " +
			"12 hours at most and ends at once when the account is deactivated or its password changed, or when " +
			"the staff directory no longer lists the person as active. Roles are never part of the account: they " +
			"are read from the staff directory on every request. An unknown username and a wrong password get the " +
			"same 401; after 5 failures in a row the account is locked for 30 seconds, doubling with each further " +
			"failure up to 15 minutes, answered 429 with Retry-After. A request a browser marks as coming from another " +
			"site (Sec-Fetch-Site: cross-site) is refused with 403.",
		Errors:      []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusUnprocessableEntity, http.StatusTooManyRequests},
		Middlewares: huma.Middlewares{refuseCrossSite(api)},
	}, d.signIn)

	huma.Register(api, huma.Operation{
		OperationID: "get-session", Method: http.MethodGet, Path: "/v1/session",
		Summary: "Who is signed in", Tags: []string{"Session"}, DefaultStatus: http.StatusOK,
		Description: "The person of the session cookie (or of the bearer token) with the roles the staff directory " +
			"gives them now, and, for a session, its CSRF token.",
		Errors: []int{http.StatusUnauthorized},
	}, func(ctx context.Context, _ *struct{}) (*SessionInfoResponse, error) {
		p := principalOf(ctx)
		info := SessionInfo{Subject: p.Subject, Name: p.Name, Roles: principalRoles(p)}
		if s, ok := sessionOf(ctx); ok {
			info.CSRFToken = s.CSRFToken
			info.ExpiresAt = s.ExpiresAt.UTC().Format(time.RFC3339)
		}
		return &SessionInfoResponse{Body: info}, nil
	})

	huma.Register(api, huma.Operation{
		OperationID: "sign-out", Method: http.MethodDelete, Path: "/v1/session",
		Summary: "Sign out", Tags: []string{"Session"}, DefaultStatus: http.StatusNoContent,
		Description: "Ends the session on the server and clears the cookie. With a bearer token there is no session " +
			"and nothing changes.",
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden},
	}, func(ctx context.Context, _ *struct{}) (*SignOutResponse, error) {
		if s, ok := sessionOf(ctx); ok {
			if err := d.Store.DeleteSession(ctx, s.token); err != nil {
				return nil, huma.Error500InternalServerError("sign out", err)
			}
		}
		return &SignOutResponse{SetCookie: d.sessionCookie("", -1)}, nil
	})

	huma.Register(api, huma.Operation{
		OperationID: "list-sign-in-providers", Method: http.MethodGet, Path: "/v1/session/providers",
		Summary: "Ways to sign in", Tags: []string{"Session"}, DefaultStatus: http.StatusOK, Security: public,
		Description: "Whether the console should offer local accounts and the identity provider. Needs no sign-in.",
	}, func(ctx context.Context, _ *struct{}) (*Providers, error) {
		out := &Providers{}
		out.Body.Local = true
		if d.OIDC != nil {
			out.Body.OIDC, out.Body.OIDCPath = true, OIDCLoginPath
		}
		return out, nil
	})
}

// refuseCrossSite refuses a request a browser marks as sent by a page of
// another site: such a page must not sign a browser in, as someone else.
func refuseCrossSite(api huma.API) func(huma.Context, func(huma.Context)) {
	return func(ctx huma.Context, next func(huma.Context)) {
		if ctx.Header("Sec-Fetch-Site") == "cross-site" {
			_ = huma.WriteErr(api, ctx, http.StatusForbidden, "signing in from another site is refused")
			return
		}
		next(ctx)
	}
}

// principalRoles are p's grants as role:division.
func principalRoles(p auth.Principal) []string {
	roles := make([]string, 0, len(p.Grants))
	for _, g := range p.Grants {
		roles = append(roles, g.String())
	}
	return roles
}

// passwordChecks bounds the argon2id checks running at once: each takes
// 19 MiB and some 80 ms of a core, so a crowd of sign-ins (or guesses from
// many addresses) queues here instead of exhausting memory.
var passwordChecks = make(chan struct{}, 4)

// checkPassword is store.CheckPassword within the bound; false when ctx
// ends while waiting.
func checkPassword(ctx context.Context, hash, password string) bool {
	select {
	case passwordChecks <- struct{}{}:
	case <-ctx.Done():
		return false
	}
	defer func() { <-passwordChecks }()
	return store.CheckPassword(hash, password)
}

func (d *Deps) signIn(ctx context.Context, in *SignInRequest) (*SessionResponse, error) {
	now := time.Now()
	addr := remoteAddrOf(ctx)
	if wait := d.limiters.authBlocked(addr, now); wait > 0 {
		return nil, retryLater(wait, "too many failed sign-ins from your address; try again later")
	}
	badCredentials := huma.Error401Unauthorized("the username or the password is wrong")
	a, err := d.Store.Account(ctx, in.Body.Username)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !a.Active) {
		checkPassword(ctx, dummyHash(), in.Body.Password)
		d.limiters.authFailed(addr, now)
		d.Logger.Info("sign-in refused", "reason", "unknown or inactive account", "address", addr)
		return nil, badCredentials
	}
	if err != nil {
		return nil, huma.Error500InternalServerError("sign in", err)
	}
	if wait := a.LockedUntil.Sub(now); wait > 0 {
		return nil, retryLater(wait, "this account is locked after repeated failed sign-ins; try again later")
	}
	if !checkPassword(ctx, a.PasswordHash, in.Body.Password) {
		d.limiters.authFailed(addr, now)
		until, err := d.Store.SignInFailed(ctx, a.Username, now, store.DefaultLockout)
		if err != nil {
			return nil, huma.Error500InternalServerError("sign in", err)
		}
		d.Logger.Info("sign-in refused", "reason", "wrong password", "username", a.Username, "address", addr,
			"lockedUntil", until)
		return nil, badCredentials
	}
	if err := d.Store.SignInSucceeded(ctx, a.Username); err != nil {
		return nil, huma.Error500InternalServerError("sign in", err)
	}
	grants, ok, err := d.directoryGrants(ctx, a.Subject)
	if err != nil {
		return nil, huma.Error500InternalServerError("sign in", err)
	}
	if !ok {
		d.Logger.Info("sign-in refused", "reason", "staff member removed from the directory", "username", a.Username)
		return nil, badCredentials
	}
	token, s, err := d.openSession(ctx, store.Session{Subject: a.Subject, Name: a.Name, Username: a.Username}, now)
	if err != nil {
		return nil, err
	}
	p := auth.Principal{Subject: a.Subject, Name: a.Name, Grants: grants}
	return &SessionResponse{SetCookie: d.sessionCookie(token, int(SessionTTL.Seconds())),
		Body: SessionInfo{Subject: p.Subject, Name: p.Name, Roles: principalRoles(p), CSRFToken: s.CSRFToken,
			ExpiresAt: s.ExpiresAt.UTC().Format(time.RFC3339)}}, nil
}

// openSession records a new session for s and returns its token.
func (d *Deps) openSession(ctx context.Context, s store.Session, now time.Time) (string, store.Session, error) {
	// Every sign-in sweeps the sessions that expired unused, so the
	// table grows with the people signed in, not with time.
	if _, err := d.Store.DeleteExpiredSessions(ctx, now); err != nil {
		d.Logger.Warn("remove expired sessions", "error", err)
	}
	token, csrf := randomToken(), randomToken()
	s.CSRFToken, s.CreatedAt, s.ExpiresAt = csrf, now, now.Add(SessionTTL)
	if err := d.Store.CreateSession(ctx, token, s); err != nil {
		return "", store.Session{}, huma.Error500InternalServerError("open session", err)
	}
	return token, s, nil
}

// randomToken is 256 random bits, URL-safe.
func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

// sessionCookie is the session cookie carrying token; maxAge < 0 clears it.
func (d *Deps) sessionCookie(token string, maxAge int) http.Cookie {
	return http.Cookie{Name: SessionCookie, Value: token, Path: "/", MaxAge: maxAge, HttpOnly: true,
		Secure: strings.HasPrefix(strings.ToLower(d.PublicURL), "https://"), SameSite: http.SameSiteStrictMode}
}

// directoryGrants are the grants the staff directory gives subject now;
// ok is false when the directory lists them without an active role
// (removed or deactivated). A subject never listed is an applicant and
// holds no staff grant.
func (d *Deps) directoryGrants(ctx context.Context, subject string) (grants []policies.Grant, ok bool, err error) {
	listed, held, err := d.Store.StaffStanding(ctx, subject)
	if err != nil {
		return nil, false, err
	}
	if listed && len(held) == 0 {
		return nil, false, nil
	}
	for _, g := range held {
		grants = append(grants, policies.Grant{Role: g.Role, Division: g.Division})
	}
	return grants, true, nil
}

// authenticateSession authenticates a request by its session cookie:
// the session must be live, a state-changing request must carry the
// session's CSRF token, and the person's grants are what the directory
// says now.
func (d *Deps) authenticateSession(api huma.API, ctx huma.Context, token string, next func(huma.Context)) {
	now := time.Now()
	addr := clientAddr(ctx.RemoteAddr())
	if wait := d.limiters.authBlocked(addr, now); wait > 0 {
		tooMany(api, ctx, wait, "too many failed authentications from your address; try again later")
		return
	}
	ended := func(reason string) {
		d.limiters.authFailed(addr, now)
		d.Logger.Info("session refused", "reason", reason, "address", addr)
		ctx.SetHeader("WWW-Authenticate", `Bearer realm="civilflow"`)
		c := d.sessionCookie("", -1)
		ctx.AppendHeader("Set-Cookie", c.String())
		_ = huma.WriteErr(api, ctx, http.StatusUnauthorized, "the session has ended; sign in again")
	}
	if d.Store == nil {
		ended("no store")
		return
	}
	s, err := d.Store.SessionByToken(ctx.Context(), token, now)
	if errors.Is(err, store.ErrNotFound) {
		ended("unknown or expired session")
		return
	}
	if err != nil {
		_ = huma.WriteErr(api, ctx, http.StatusInternalServerError, "look up session", err)
		return
	}
	switch ctx.Method() {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
	default:
		// SameSite=Strict keeps other sites' requests from carrying the
		// cookie in today's browsers; the token also covers older ones and
		// same-site pages that are not the console.
		got := ctx.Header(CSRFHeader)
		if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(s.CSRFToken)) != 1 {
			d.Logger.Info("request refused", "reason", "missing or wrong CSRF token", "subject", s.Subject, "address", addr)
			_ = huma.WriteErr(api, ctx, http.StatusForbidden, "a state-changing request with the session cookie needs the session's "+CSRFHeader+" header")
			return
		}
	}
	if wait := d.limiters.subjectWait(s.Subject, now); wait > 0 {
		tooMany(api, ctx, wait, "too many requests; try again later")
		return
	}
	grants, ok, err := d.directoryGrants(ctx.Context(), s.Subject)
	if err != nil {
		_ = huma.WriteErr(api, ctx, http.StatusInternalServerError, "look up staff standing", err)
		return
	}
	if !ok {
		// Removed from the directory: every session of theirs ends now,
		// not only this one.
		if err := d.Store.DeleteSessionsOf(ctx.Context(), s.Subject); err != nil {
			d.Logger.Error("end sessions", "subject", s.Subject, "error", err)
		}
		ended("staff member removed from the directory: " + s.Subject)
		return
	}
	p := auth.Principal{Subject: s.Subject, Name: s.Name, Grants: grants}
	hctx := huma.WithValue(ctx, principalKey{}, p)
	next(huma.WithValue(hctx, sessionKey{}, activeSession{token: token, Session: s}))
}

// sessionToken is the session cookie's value of a request, if any.
func sessionToken(ctx huma.Context) string {
	token := ""
	ctx.EachHeader(func(name, value string) {
		if token != "" || !strings.EqualFold(name, "Cookie") {
			return
		}
		cs, err := http.ParseCookie(value)
		if err != nil {
			return
		}
		for _, c := range cs {
			if c.Name == SessionCookie && c.Value != "" {
				token = c.Value
				return
			}
		}
	})
	return token
}

type addrKey struct{}

// remoteAddrOf is the client address the middleware saw (clientAddr).
func remoteAddrOf(ctx context.Context) string {
	a, _ := ctx.Value(addrKey{}).(string)
	return a
}

// retryLater is a 429 with the seconds to wait in Retry-After.
func retryLater(wait time.Duration, msg string) error {
	return huma.ErrorWithHeaders(huma.NewError(http.StatusTooManyRequests, msg),
		http.Header{"Retry-After": {strconv.Itoa(retryAfter(wait))}})
}
