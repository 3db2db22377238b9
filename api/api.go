// Package api is the REST API (Huma, OpenAPI 3.1): it authenticates each
// request, asks the policy whether the person may do it, and hands the rest
// to Temporal (start, update, query) or to the store (lists). No business
// rule lives here beyond "who is asking and may they".
package api

import (
	"context"
	"log/slog"
	"net/http"
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
const Version = "1.10.0"

// Deps are what the operations need.
type Deps struct {
	Temporal   client.Client
	Store      *store.DB
	Procedures *procedures.Registry
	Policy     policies.Authorizer
	Divisions  *divisions.Table
	Calendar   *calendar.Calendar // the legal calendar cases count on
	JWTKey     []byte
	Logger     *slog.Logger
	Now        func() time.Time // when an application counts as received; tests back-date it

	// AuditCheckpoints is the file of audit chain checkpoints that
	// GET /v1/audit/verify compares the chain with ("" for none).
	AuditCheckpoints string
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
	api := humago.New(mux, Config())
	Register(api, d)
	return mux
}

// Config is the API's OpenAPI configuration.
func Config() huma.Config {
	cfg := huma.DefaultConfig("civilflow", Version)
	cfg.Info.Description = "Civil-affairs administrative approvals: submit a case, act on it, and see where it stands. " +
		"Every operation needs a bearer token (`civilflow token`)."
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"bearer": {Type: "http", Scheme: "bearer", BearerFormat: "JWT"},
	}
	cfg.Security = []map[string][]string{{"bearer": {}}}
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
	api.UseMiddleware(authenticate(api, d))
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

// authenticate verifies the bearer token of every operation.
func authenticate(api huma.API, d *Deps) func(huma.Context, func(huma.Context)) {
	return func(ctx huma.Context, next func(huma.Context)) {
		h := ctx.Header("Authorization")
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || token == "" {
			ctx.SetHeader("WWW-Authenticate", `Bearer realm="civilflow"`)
			_ = huma.WriteErr(api, ctx, http.StatusUnauthorized, "a bearer token is required")
			return
		}
		p, err := auth.Verify(d.JWTKey, token, time.Now())
		if err != nil {
			ctx.SetHeader("WWW-Authenticate", `Bearer realm="civilflow", error="invalid_token"`)
			_ = huma.WriteErr(api, ctx, http.StatusUnauthorized, "the bearer token is invalid or expired")
			return
		}
		next(huma.WithValue(ctx, principalKey{}, p))
	}
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
