// Package api is the REST API (Huma, OpenAPI 3.1): it authenticates each
// request, asks the policy whether the person may do it, and hands the rest
// to Temporal (start, update, query) or to the store (lists). No business
// rule lives here beyond "who is asking and may they".
package api

import (
	"context"
	"io/fs"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"go.temporal.io/sdk/client"

	"civilflow/auth"
	"civilflow/calendar"
	"civilflow/divisions"
	"civilflow/policies"
	"civilflow/procedures"
	"civilflow/store"
)

// Version is the API version reported in the OpenAPI document.
const Version = "1.21.0"

// Deps are what the operations need.
type Deps struct {
	Temporal   client.Client
	Store      *store.DB
	Procedures *procedures.Registry
	Policy     policies.Authorizer
	Divisions  *divisions.Table
	Calendar   *calendar.Calendar // the legal calendar cases count on
	JWTKey     []byte
	// ActionKey signs every action sent to a case workflow; the worker
	// verifies it with the same key (workflows.Cases).
	ActionKey []byte
	Logger    *slog.Logger
	Now       func() time.Time // when an application counts as received; tests back-date it

	// AuditCheckpoints is the file of audit chain checkpoints that
	// GET /v1/audit/verify compares the chain with ("" for none).
	AuditCheckpoints string

	// Limits bound token lifetimes and request rates (zero: defaults).
	Limits Limits
	// PublicURL is the API's address as clients reach it, e.g.
	// https://civilflow.example.gov.cn; the $schema links of answers are
	// built from it. Empty gives links relative to the host ("/schemas/…"),
	// never a host named by the request.
	PublicURL string
	// Console is the built console served at / with the API reference's
	// renderer under docs/ (web.Dist); nil serves neither, and /docs
	// falls back to Huma's page.
	Console fs.FS

	// OIDC, when set, offers sign-in through that identity provider.
	OIDC *OIDC

	limits   Limits
	limiters *limiters
}

var errorFactoryOnce sync.Once

// NewHandler builds the HTTP handler: OpenAPI at /openapi.json, docs at
// /docs, and the operations under /v1.
func NewHandler(d *Deps) http.Handler {
	if d.Now == nil {
		d.Now = time.Now
	}
	errorFactoryOnce.Do(func() { installErrorFactory(d.Logger) })
	mux := http.NewServeMux()
	cfg := configFor(d.PublicURL)
	if d.Console != nil {
		// Huma's page loads its renderer from a CDN; ours comes from the
		// binary (registerConsole).
		cfg.DocsPath = ""
	}
	api := humago.New(mux, cfg)
	Register(api, d)
	registerConsole(mux, d.Console)
	d.registerOIDC(mux)
	return withHeaders(mux)
}

// Config is the API's OpenAPI configuration, with $schema links relative
// to the host.
func Config() huma.Config { return configFor("") }

// configFor is Config with $schema links under publicURL.
func configFor(publicURL string) huma.Config {
	cfg := huma.DefaultConfig("civilflow", Version)
	cfg.CreateHooks = []func(huma.Config) huma.Config{schemaLinks(publicURL)}
	cfg.Info.Description = "Civil-affairs administrative approvals: submit a case, act on it, and see where it stands. " +
		"Every operation but signing in needs a bearer token (`civilflow token`) or the console's session cookie " +
		"(POST /v1/session); with the cookie, every POST, PUT, PATCH and DELETE also needs the session's " +
		"X-CSRF-Token header."
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"bearer":  {Type: "http", Scheme: "bearer", BearerFormat: "JWT"},
		"session": {Type: "apiKey", In: "cookie", Name: SessionCookie},
	}
	cfg.Security = []map[string][]string{{"bearer": {}}, {"session": {}}}
	return cfg
}

type principalKey struct{}

// principalOf returns the authenticated person of a request.
func principalOf(ctx context.Context) auth.Principal {
	p, _ := ctx.Value(principalKey{}).(auth.Principal)
	return p
}

// Register adds the middleware and every operation to api. The middleware
// is added first: Huma skips middleware for operations registered before it.
func Register(api huma.API, d *Deps) {
	d.limits = d.Limits.withDefaults()
	d.limiters = newLimiters(d.limits)
	api.UseMiddleware(authenticate(api, d))
	registerSession(api, d)
	registerAccounts(api, d)
	registerProcedures(api, d)
	registerCases(api, d)
	registerLists(api, d)
	registerCalendar(api, d)
	registerStaff(api, d)
	registerNotifications(api, d)
	registerAudit(api, d)
	registerCaseFile(api, d)
	registerSupervision(api, d)
}

// authenticate verifies the bearer token of every operation, then asks the
// staff directory whether the person still holds what the token says.
//
// The directory is read on every request, not cached, so removing or
// deactivating someone stops their token at once in every API process
// sharing the database. A subject the directory lists but with no active
// role is refused; for one it lists with roles, the token's staff grants
// are cut down to those the directory holds (a grant added later needs a
// new token). A subject the directory never listed keeps the grants of
// its token: applicants are never listed, and the first administrator is
// minted with `civilflow token` before anyone is listed; whoever holds the
// signing key may mint any grant anyway.
func authenticate(api huma.API, d *Deps) func(huma.Context, func(huma.Context)) {
	return func(ctx huma.Context, next func(huma.Context)) {
		if isPublic(ctx.Operation()) {
			next(huma.WithValue(ctx, addrKey{}, clientAddr(ctx.RemoteAddr())))
			return
		}
		// A browser sends the session cookie and no Authorization header;
		// an API client sends its bearer token, which wins when both come.
		if ctx.Header("Authorization") == "" {
			if tok := sessionToken(ctx); tok != "" {
				d.authenticateSession(api, ctx, tok, next)
				return
			}
		}
		now := time.Now()
		scheme, token, _ := strings.Cut(ctx.Header("Authorization"), " ")
		token = strings.TrimSpace(token)
		// RFC 7235: the scheme is case-insensitive.
		if !strings.EqualFold(scheme, "Bearer") || token == "" {
			ctx.SetHeader("WWW-Authenticate", `Bearer realm="civilflow"`)
			_ = huma.WriteErr(api, ctx, http.StatusUnauthorized, "a bearer token or a session cookie is required")
			return
		}
		addr := clientAddr(ctx.RemoteAddr())
		if wait := d.limiters.authBlocked(addr, now); wait > 0 {
			tooMany(api, ctx, wait, "too many failed authentications from your address; try again later")
			return
		}
		refuse := func(reason string) {
			d.limiters.authFailed(addr, now)
			d.Logger.Info("authentication refused", "reason", reason, "address", addr)
			ctx.SetHeader("WWW-Authenticate", `Bearer realm="civilflow", error="invalid_token"`)
			_ = huma.WriteErr(api, ctx, http.StatusUnauthorized, "the bearer token is invalid or expired")
		}
		p, err := auth.VerifyMaxTTL(d.JWTKey, token, now, d.limits.MaxTokenTTL)
		if err != nil {
			refuse(err.Error())
			return
		}
		if wait := d.limiters.subjectWait(p.Subject, now); wait > 0 {
			tooMany(api, ctx, wait, "too many requests; try again later")
			return
		}
		if d.Store != nil {
			listed, held, err := d.Store.StaffStanding(ctx.Context(), p.Subject)
			if err != nil {
				_ = huma.WriteErr(api, ctx, http.StatusInternalServerError, "look up staff standing", err)
				return
			}
			if listed && len(held) == 0 {
				refuse("staff member removed from the directory: " + p.Subject)
				return
			}
			if listed {
				p.Grants = slices.DeleteFunc(p.Grants, func(g policies.Grant) bool {
					return !slices.Contains(held, store.Grant{Role: g.Role, Division: g.Division})
				})
			}
		}
		next(huma.WithValue(ctx, principalKey{}, p))
	}
}

// tooMany answers 429 with the seconds to wait in Retry-After.
func tooMany(api huma.API, ctx huma.Context, wait time.Duration, msg string) {
	ctx.SetHeader("Retry-After", strconv.Itoa(retryAfter(wait)))
	_ = huma.WriteErr(api, ctx, http.StatusTooManyRequests, msg)
}

// allowed asks the policy; an error from the policy itself is a 500.
func (d *Deps) allowed(r policies.Request) (bool, error) {
	ok, err := d.Policy.Allowed(r)
	if err != nil {
		d.Logger.Error("policy evaluation failed", "error", err)
		return false, huma.Error500InternalServerError("policy evaluation failed")
	}
	return ok, nil
}

// request builds a policy request for the person asking.
func request(p auth.Principal, object, action string) policies.Request {
	return policies.Request{Subject: p.Subject, Grants: p.Grants, Object: object, Action: action}
}

var errForbidden = huma.Error403Forbidden("you may not do this")
