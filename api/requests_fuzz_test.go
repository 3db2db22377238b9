package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"civilflow/activities"
	"civilflow/auth"
	"civilflow/calendar"
	"civilflow/divisions"
	"civilflow/idnumber"
	"civilflow/policies"
	"civilflow/procedures"
	"civilflow/store"
	"civilflow/workflows"
)

// errNoTemporal is what the stand-in for Temporal answers every call with.
var errNoTemporal = errors.New("no temporal in this test")

// recordingTemporal stands in for Temporal: it records what the API would
// have sent and fails the call, so a request the API fully accepted ends in
// the generic 500 of a Temporal failure. Any other method is nil and
// panics, which the fuzzer reports.
type recordingTemporal struct {
	client.Client
	mu      sync.Mutex
	calls   int
	started []workflows.CaseInput
	acted   []workflows.ActRequest
}

func (r *recordingTemporal) called() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls
}

// NewWithStartWorkflowOperation records the case the API would start.
func (r *recordingTemporal) NewWithStartWorkflowOperation(_ client.StartWorkflowOptions, _ any, args ...any) client.WithStartWorkflowOperation {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	if len(args) == 1 {
		if in, ok := args[0].(workflows.CaseInput); ok {
			r.started = append(r.started, in)
		}
	}
	return nil
}

// UpdateWithStartWorkflow fails.
func (r *recordingTemporal) UpdateWithStartWorkflow(context.Context, client.UpdateWithStartWorkflowOptions) (client.WorkflowUpdateHandle, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	return nil, errNoTemporal
}

// QueryWorkflow fails.
func (r *recordingTemporal) QueryWorkflow(context.Context, string, string, string, ...any) (converter.EncodedValue, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	return nil, errNoTemporal
}

// UpdateWorkflow records the action the API would send, and fails.
func (r *recordingTemporal) UpdateWorkflow(_ context.Context, o client.UpdateWorkflowOptions) (client.WorkflowUpdateHandle, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	if len(o.Args) == 1 {
		if req, ok := o.Args[0].(workflows.ActRequest); ok {
			r.acted = append(r.acted, req)
		}
	}
	return nil, errNoTemporal
}

// fuzzEnv is the real API on a real store, with Temporal recorded.
type fuzzEnv struct {
	handler  http.Handler
	deps     *Deps
	temporal *recordingTemporal
}

const fuzzOpenCase = "MAR-110105-20261202-0001"

// newFuzzEnv is built once per fuzz target, on f, so its store outlives
// the iterations.
func newFuzzEnv(tb testing.TB) *fuzzEnv {
	tb.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(tb.TempDir(), "civilflow.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	roles := []string{policies.RoleRegistrar, policies.RoleSupervisor, policies.RoleAdmin, policies.RoleApprover, policies.RoleAssessor}
	procs, err := procedures.LoadBuiltin(activities.Catalog(roles))
	if err != nil {
		tb.Fatal(err)
	}
	divs, err := divisions.Default()
	if err != nil {
		tb.Fatal(err)
	}
	policy, err := policies.New()
	if err != nil {
		tb.Fatal(err)
	}
	rt := &recordingTemporal{}
	d := &Deps{Temporal: rt, Store: db, Procedures: procs, Policy: policy, Divisions: divs,
		Calendar: calendar.Default(), JWTKey: bytes.Repeat([]byte("k"), auth.MinKeyLen), Logger: slog.New(slog.DiscardHandler), Now: time.Now}
	// Actions are signed where the build has an action key; it is set by
	// name so that this test does not depend on the field.
	if f := reflect.ValueOf(d).Elem().FieldByName("ActionKey"); f.IsValid() && f.CanSet() {
		f.SetBytes(bytes.Repeat([]byte("a"), 32))
	}
	// The real handler, with its middleware and its generic 5xx answers.
	handler := NewHandler(d)
	now := time.Now()
	if err := db.CreateCase(ctx, store.CaseSummary{ID: fuzzOpenCase,
		ProcedureID: "marriage-registration", ProcedureVersion: 1, Title: "结婚登记", Office: "110105",
		Submitter: husband, Parties: []string{husband, wife}, Status: store.StatusOpen, Stage: "registrar-review",
		SubmittedAt: now, UpdatedAt: now}); err != nil {
		tb.Fatal(err)
	}
	return &fuzzEnv{handler: handler, deps: d, temporal: rt}
}

// post sends body to path with the headers, straight to the handler
// (humatest's helpers call Helper on the fuzz target's F).
func (e *fuzzEnv) post(path string, body []byte, headers map[string]string) (int, []byte) {
	req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, req)
	return rec.Code, rec.Body.Bytes()
}

// token is a bearer header for subject holding roles.
func (e *fuzzEnv) token(tb testing.TB, subject string, roles ...string) string {
	var gs []policies.Grant
	for _, r := range roles {
		g, err := policies.ParseGrant(r)
		if err != nil {
			tb.Fatal(err)
		}
		gs = append(gs, g)
	}
	tok, err := auth.Sign(e.deps.JWTKey, auth.Principal{Subject: subject, Name: "测试", Grants: gs}, time.Now(), time.Hour)
	if err != nil {
		tb.Fatal(err)
	}
	return "Bearer " + tok
}

// checkAnswer holds for every answer: no 5xx unless Temporal was reached
// (the stand-in always fails), and every 4xx is problem+json naming its
// status, a 422 naming where the fault is.
func checkAnswer(t *testing.T, code int, body []byte, reached bool) {
	t.Helper()
	if code >= 500 && !reached {
		t.Fatalf("status %d before Temporal was reached: %s", code, body)
	}
	if code >= 500 && bytes.Contains(body, []byte(errNoTemporal.Error())) {
		t.Fatalf("5xx body leaks the internal error: %s", body)
	}
	if code < 400 || code >= 500 {
		return
	}
	var p struct {
		Status int `json:"status"`
		Errors []struct {
			Location string `json:"location"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(body, &p); err != nil || p.Status != code {
		t.Fatalf("status %d with a body that is not its problem+json: %s", code, body)
	}
	if code == http.StatusUnprocessableEntity {
		for _, e := range p.Errors {
			if !strings.HasPrefix(e.Location, "body") && !strings.HasPrefix(e.Location, "header") &&
				!strings.HasPrefix(e.Location, "path") && !strings.HasPrefix(e.Location, "query") {
				t.Fatalf("422 names no field: %s", body)
			}
		}
	}
}

const validMarriage = `{"procedure":"marriage-registration","office":"110105","form":{"applicants":[{"name":"张伟","idNumber":"110105199003071538"},{"name":"李娜","idNumber":"410105199206120249"}],"declaration":{"noSpouse":true,"noProhibitedKinship":true,"signedByBoth":true}}}`

// FuzzSubmitBody: whatever body is posted to /v1/cases, the API decodes and
// validates it without failing, and only a submission that passes every
// rule reaches Temporal: a known procedure and office, a form its schema
// accepts, applicants in number and distinct, with valid ID numbers.
func FuzzSubmitBody(f *testing.F) {
	f.Add([]byte(validMarriage), "k1")
	f.Add([]byte(`{"procedure":"divorce-registration","office":"110105","form":{"applicants":[{"name":"张伟","idNumber":"110105199003071538"},{"name":"李娜","idNumber":"410105199206120249"}],"agreement":{"willToDivorce":true,"children":"无","property":"无","debts":"无"},"fullCivilCapacity":true}}`), "")
	f.Add([]byte(`{"procedure":"nope","office":"110105","form":{}}`), "k2")
	f.Add([]byte(`{"procedure":"marriage-registration","office":"000000","form":{"applicants":[]}}`), "")
	f.Add([]byte(`{"procedure":"marriage-registration","office":"110105","form":{"applicants":[{"name":"a","idNumber":"110105199003071538"},{"name":"a","idNumber":"110105199003071538"}]}}`), "")
	f.Add([]byte(`{"procedure":1}`), "")
	f.Add([]byte(`[`), "")
	f.Add([]byte(``), strings.Repeat("k", 65))
	e := newFuzzEnv(f)
	tok := e.token(f, husband)
	// The valid seed must get through to Temporal, or the fuzzer would only
	// ever see refusals (a stale token, a changed policy).
	if code, body := e.post("/v1/cases", []byte(validMarriage), map[string]string{"Authorization": tok,
		"Content-Type": "application/json"}); e.temporal.called() == 0 || len(e.temporal.started) != 1 {
		f.Fatalf("the valid submission did not reach Temporal: %d %s", code, body)
	}
	f.Fuzz(func(t *testing.T, body []byte, key string) {
		before := e.temporal.called()
		e.temporal.mu.Lock()
		nStarted := len(e.temporal.started)
		e.temporal.mu.Unlock()
		h := map[string]string{"Authorization": tok, "Content-Type": "application/json"}
		if key != "" {
			h["Idempotency-Key"] = key
		}
		code, answer := e.post("/v1/cases", body, h)
		checkAnswer(t, code, answer, e.temporal.called() > before)
		e.temporal.mu.Lock()
		started := slices.Clone(e.temporal.started[nStarted:])
		e.temporal.mu.Unlock()
		for _, in := range started {
			proc, ok := e.deps.Procedures.Get(in.Procedure.ID)
			if !ok {
				t.Fatalf("started a case of unknown procedure %q", in.Procedure.ID)
			}
			if _, ok := e.deps.Divisions.Lookup(in.Office); !ok {
				t.Fatalf("started a case at unknown office %q", in.Office)
			}
			if errs := proc.ValidateForm(in.Form); len(errs) > 0 {
				t.Fatalf("started a case whose form breaks its schema: %+v", errs)
			}
			if n := len(in.Parties); n < proc.Applicants.Min || n > proc.Applicants.Max {
				t.Fatalf("started a case with %d applicants", n)
			}
			seen := map[string]bool{}
			for _, p := range in.Parties {
				if _, err := idnumber.Parse(p.IDNumber); err != nil || seen[p.IDNumber] {
					t.Fatalf("started a case with party %q (%v, repeated %v)", p.IDNumber, err, seen[p.IDNumber])
				}
				seen[p.IDNumber] = true
			}
		}
	})
}

var actionPattern = regexp.MustCompile(`^[a-z0-9:-]{1,64}$`)

// FuzzActBody: whatever body is posted to a case's actions, the API
// decodes and validates it without failing, and what reaches Temporal
// keeps the request's limits: an action name of the allowed form, an
// opinion of at most 2000 characters, at most 20 targets and attachments.
func FuzzActBody(f *testing.F) {
	f.Add([]byte(`{"action":"register"}`))
	f.Add([]byte(`{"action":"refuse","opinion":"  不符合条件  "}`))
	f.Add([]byte(`{"action":"transfer","targets":["reg-2"]}`))
	f.Add([]byte(`{"action":"register","attachments":[{"title":"t","reference":"dms://1","sha256":"` + strings.Repeat("a", 64) + `"}]}`))
	f.Add([]byte(`{"action":"correct","form":{"applicants":[]}}`))
	f.Add([]byte(`{"action":"Register!"}`))
	f.Add([]byte(`{"action":"register","opinion":"` + strings.Repeat("意", 2001) + `"}`))
	f.Add([]byte(`{"action":"remove-signer","slot":"x","position":"sideways"}`))
	f.Add([]byte(`null`))
	e := newFuzzEnv(f)
	tok := e.token(f, "reg-1", "registrar:110105")
	if code, body := e.post("/v1/cases/"+fuzzOpenCase+"/actions", []byte(`{"action":"register"}`),
		map[string]string{"Authorization": tok, "Content-Type": "application/json"}); len(e.temporal.acted) != 1 {
		f.Fatalf("a valid action did not reach Temporal: %d %s", code, body)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		before := e.temporal.called()
		e.temporal.mu.Lock()
		nActed := len(e.temporal.acted)
		e.temporal.mu.Unlock()
		code, answer := e.post("/v1/cases/"+fuzzOpenCase+"/actions", body,
			map[string]string{"Authorization": tok, "Content-Type": "application/json"})
		checkAnswer(t, code, answer, e.temporal.called() > before)
		e.temporal.mu.Lock()
		acted := slices.Clone(e.temporal.acted[nActed:])
		e.temporal.mu.Unlock()
		for _, req := range acted {
			if !actionPattern.MatchString(req.Action) || utf8.RuneCountInString(req.Opinion) > 2000 ||
				len(req.Targets) > 20 || len(req.Attachments) > 20 || req.Actor.Subject != "reg-1" {
				t.Fatalf("sent an action outside the request's limits: %+v", req)
			}
			for _, a := range req.Attachments {
				if a.Title == "" || a.Reference == "" {
					t.Fatalf("sent an attachment without title or reference: %+v", a)
				}
			}
		}
	})
}
