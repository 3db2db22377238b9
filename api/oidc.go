package api

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"civilflow/store"
	"civilflow/textcheck"
)

// OIDCLoginPath starts a sign-in through the identity provider;
// OIDCCallbackPath is where the provider sends the browser back.
const (
	OIDCLoginPath    = "/auth/oidc/login"
	OIDCCallbackPath = "/auth/oidc/callback"
)

// oidcStateCookie carries the state, nonce and PKCE verifier of one
// sign-in from the login to the callback, signed so it cannot be forged.
const oidcStateCookie = "civilflow_oidc"

// oidcStateTTL is how long a person may take at the provider.
const oidcStateTTL = 10 * time.Minute

// OIDCConfig configures sign-in through an OpenID Connect provider
// (Authorization Code with PKCE).
type OIDCConfig struct {
	Issuer, ClientID, ClientSecret string
	// SubjectClaim names the ID token claim holding the person's subject
	// as the staff directory knows it (default "sub"); for residents, their
	// ID number.
	SubjectClaim string
}

// OIDC is a configured identity provider.
type OIDC struct {
	cfg      OIDCConfig
	provider *oidc.Provider
	verifier *oidc.IDTokenVerifier
}

// NewOIDC discovers the provider at cfg.Issuer.
func NewOIDC(ctx context.Context, cfg OIDCConfig) (*OIDC, error) {
	if cfg.Issuer == "" || cfg.ClientID == "" {
		return nil, errors.New("oidc: the issuer and the client ID are required")
	}
	if cfg.SubjectClaim == "" {
		cfg.SubjectClaim = "sub"
	}
	p, err := oidc.NewProvider(ctx, cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("oidc: discover %s: %w", cfg.Issuer, err)
	}
	return &OIDC{cfg: cfg, provider: p, verifier: p.Verifier(&oidc.Config{ClientID: cfg.ClientID})}, nil
}

// oauth2Config is the client configuration with the callback under base.
func (o *OIDC) oauth2Config(base string) *oauth2.Config {
	return &oauth2.Config{
		ClientID: o.cfg.ClientID, ClientSecret: o.cfg.ClientSecret, Endpoint: o.provider.Endpoint(),
		RedirectURL: base + OIDCCallbackPath, Scopes: []string{oidc.ScopeOpenID, "profile"},
	}
}

// oidcState is what the state cookie holds.
type oidcState struct {
	State    string `json:"s"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"`
	Expires  int64  `json:"e"`
}

// stateKey signs the state cookie; derived from the token key so that
// nothing else needs to be kept, and separate from it so that a state
// cookie can never pass for a token.
func (d *Deps) stateKey() []byte {
	m := hmac.New(sha256.New, d.JWTKey)
	m.Write([]byte("civilflow oidc state cookie"))
	return m.Sum(nil)
}

func (d *Deps) sealState(s oidcState) string {
	body, _ := json.Marshal(s)
	m := hmac.New(sha256.New, d.stateKey())
	m.Write(body)
	return base64.RawURLEncoding.EncodeToString(body) + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func (d *Deps) openState(v string, now time.Time) (oidcState, error) {
	b64body, b64mac, ok := strings.Cut(v, ".")
	body, err1 := base64.RawURLEncoding.DecodeString(b64body)
	mac, err2 := base64.RawURLEncoding.DecodeString(b64mac)
	if !ok || err1 != nil || err2 != nil {
		return oidcState{}, errors.New("malformed state cookie")
	}
	m := hmac.New(sha256.New, d.stateKey())
	m.Write(body)
	if !hmac.Equal(mac, m.Sum(nil)) {
		return oidcState{}, errors.New("state cookie signature does not match")
	}
	var s oidcState
	if err := json.Unmarshal(body, &s); err != nil {
		return oidcState{}, errors.New("malformed state cookie")
	}
	if now.Unix() > s.Expires {
		return oidcState{}, errors.New("state cookie expired")
	}
	return s, nil
}

// publicBase is the address the browser reaches us at: the public URL,
// else the request's own host. The provider accepts only the redirect
// addresses registered for the client, so a forged Host header gains
// nothing but a refused sign-in; set --public-url in production anyway.
func (d *Deps) publicBase(r *http.Request) string {
	if d.PublicURL != "" {
		return strings.TrimSuffix(d.PublicURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// registerOIDC adds the provider's login and callback to mux.
func (d *Deps) registerOIDC(mux *http.ServeMux) {
	mux.HandleFunc("GET "+OIDCLoginPath, d.oidcLogin)
	mux.HandleFunc("GET "+OIDCCallbackPath, d.oidcCallback)
}

func (d *Deps) oidcLogin(w http.ResponseWriter, r *http.Request) {
	if d.OIDC == nil {
		http.NotFound(w, r)
		return
	}
	s := oidcState{State: randomToken(), Nonce: randomToken(), Verifier: oauth2.GenerateVerifier(),
		Expires: time.Now().Add(oidcStateTTL).Unix()}
	// Lax, not Strict: the provider's redirect back is a cross-site
	// navigation, on which a Strict cookie would not be sent.
	http.SetCookie(w, &http.Cookie{Name: oidcStateCookie, Value: d.sealState(s), Path: "/auth/oidc/",
		MaxAge: int(oidcStateTTL.Seconds()), HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: strings.HasPrefix(strings.ToLower(d.PublicURL), "https://")})
	w.Header().Set("Cache-Control", "no-store")
	url := d.OIDC.oauth2Config(d.publicBase(r)).AuthCodeURL(s.State, oidc.Nonce(s.Nonce), oauth2.S256ChallengeOption(s.Verifier))
	http.Redirect(w, r, url, http.StatusFound)
}

// oidcCallback completes a sign-in: the state must match the cookie, the
// code is exchanged with the PKCE verifier, and the ID token must verify
// and carry the nonce. The person's roles are then what the staff
// directory says about the subject, never what the provider asserts.
func (d *Deps) oidcCallback(w http.ResponseWriter, r *http.Request) {
	if d.OIDC == nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	http.SetCookie(w, &http.Cookie{Name: oidcStateCookie, Value: "", Path: "/auth/oidc/", MaxAge: -1, HttpOnly: true})
	addr := clientAddr(r.RemoteAddr)
	fail := func(reason string, err error) {
		d.limiters.authFailed(addr, time.Now())
		d.Logger.Info("identity provider sign-in refused", "reason", reason, "error", err, "address", addr)
		http.Redirect(w, r, "/login?error=oidc", http.StatusSeeOther)
	}
	if wait := d.limiters.authBlocked(addr, time.Now()); wait > 0 {
		w.Header().Set("Retry-After", fmt.Sprint(retryAfter(wait)))
		http.Error(w, "too many failed sign-ins from your address; try again later", http.StatusTooManyRequests)
		return
	}
	c, err := r.Cookie(oidcStateCookie)
	if err != nil {
		fail("no state cookie", err)
		return
	}
	st, err := d.openState(c.Value, time.Now())
	if err != nil {
		fail("bad state cookie", err)
		return
	}
	q := r.URL.Query()
	if e := q.Get("error"); e != "" {
		fail("provider answered an error", errors.New(e))
		return
	}
	if q.Get("state") == "" || !hmac.Equal([]byte(q.Get("state")), []byte(st.State)) {
		fail("state does not match", nil)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 15*time.Second)
	defer cancel()
	tok, err := d.OIDC.oauth2Config(d.publicBase(r)).Exchange(ctx, q.Get("code"), oauth2.VerifierOption(st.Verifier))
	if err != nil {
		fail("code exchange failed", err)
		return
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		fail("no ID token", nil)
		return
	}
	idt, err := d.OIDC.verifier.Verify(ctx, raw)
	if err != nil {
		fail("ID token does not verify", err)
		return
	}
	if !hmac.Equal([]byte(idt.Nonce), []byte(st.Nonce)) {
		fail("nonce does not match", nil)
		return
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		fail("unreadable claims", err)
		return
	}
	subject, _ := claims[d.OIDC.cfg.SubjectClaim].(string)
	if !store.ValidSubject(subject) {
		fail("subject claim "+d.OIDC.cfg.SubjectClaim+" missing or malformed", nil)
		return
	}
	name := subject
	for _, k := range []string{"name", "preferred_username"} {
		if v, _ := claims[k].(string); v != "" && textcheck.Line(v) == nil && len([]rune(v)) <= 60 {
			name = v
			break
		}
	}
	_, ok, err := d.directoryGrants(ctx, subject)
	if err != nil {
		d.Logger.Error("identity provider sign-in", "error", err)
		http.Error(w, "internal error; the failure was logged", http.StatusInternalServerError)
		return
	}
	if !ok {
		fail("staff member removed from the directory", errors.New(subject))
		return
	}
	token, _, err := d.openSession(ctx, store.Session{Subject: subject, Name: name}, time.Now())
	if err != nil {
		d.Logger.Error("identity provider sign-in", "error", err)
		http.Error(w, "internal error; the failure was logged", http.StatusInternalServerError)
		return
	}
	sc := d.sessionCookie(token, int(SessionTTL.Seconds()))
	http.SetCookie(w, &sc)
	d.Logger.Info("signed in through the identity provider", "subject", subject, "address", addr)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}
