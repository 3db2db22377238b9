// Package integration drives civilflow through its real HTTP API against
// the embedded Temporal server. It is the only test package that links the
// server, because each such package links a ~200 MB test binary.
package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"civilflow/app"
	"civilflow/auth"
	"civilflow/idnumber"
	"civilflow/policies"
	"civilflow/workflows"
)

// clock lets a test back-date receipts: the statutory periods of a case
// received weeks ago have already run, so their timers fire at once on the
// real server without any test sleeping through real days.
type clock struct {
	mu    sync.Mutex
	fixed time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fixed.IsZero() {
		return time.Now()
	}
	return c.fixed
}

// receivedOn makes the next submissions received on day (China time) at
// 10:00, until the test ends.
func (c *clock) receivedOn(t *testing.T, day string) {
	d, err := time.ParseInLocation(time.DateOnly, day, workflows.ChinaTime)
	if err != nil {
		t.Fatal(err)
	}
	c.mu.Lock()
	c.fixed = d.Add(10 * time.Hour)
	c.mu.Unlock()
	t.Cleanup(func() {
		c.mu.Lock()
		c.fixed = time.Time{}
		c.mu.Unlock()
	})
}

// env is one running civilflow.
type env struct {
	t       *testing.T
	app     *app.App
	clock   *clock
	dataDir string
}

var (
	sharedOnce sync.Once
	shared     *env
	sharedErr  error
	personSeq  atomic.Int64
)

// syntheticYears writes calendar data for the years after the official
// ones, so tests whose real-time windows reach into them work in any year.
// It is test data (weekends only), never shipped.
func syntheticYears(dir string) error {
	var b bytes.Buffer
	b.WriteString("version: test-synthetic-weekends-only\nyears:\n")
	for y := 2027; y <= 2035; y++ {
		fmt.Fprintf(&b, "  - year: %d\n    notice: synthetic test data without holidays\n    holidays: []\n    makeup_workdays: []\n", y)
	}
	return os.WriteFile(filepath.Join(dir, "synthetic.yaml"), b.Bytes(), 0o644)
}

// start starts civilflow on dataDir with the test calendar years; edit
// adjusts the configuration (retention, procedures directory …).
func start(t *testing.T, dataDir string, c *clock, edit ...func(*app.Config)) (*app.App, error) {
	calDir := filepath.Join(dataDir, "test-calendar")
	if err := os.MkdirAll(calDir, 0o755); err != nil {
		return nil, err
	}
	if err := syntheticYears(calDir); err != nil {
		return nil, err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cfg := app.Config{
		DataDir: dataDir, Listen: "127.0.0.1:0", EmbeddedAddress: "127.0.0.1:0",
		CalendarDir: calDir, Logger: log, Now: c.Now,
	}
	for _, e := range edit {
		e(&cfg)
	}
	return app.Start(ctx, cfg)
}

// startOwn starts a civilflow of the test's own, stopped when it ends.
func startOwn(t *testing.T, dataDir string, c *clock, edit ...func(*app.Config)) *app.App {
	t.Helper()
	a, err := start(t, dataDir, c, edit...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Stop(context.Background()) })
	return a
}

// sharedEnv is one civilflow for the tests that do not restart it; each
// test uses its own people, so they do not see each other's cases.
func sharedEnv(t *testing.T) *env {
	sharedOnce.Do(func() {
		dir, err := os.MkdirTemp("", "civilflow-it-")
		if err != nil {
			sharedErr = err
			return
		}
		c := &clock{}
		a, err := start(t, dir, c)
		shared, sharedErr = &env{app: a, clock: c, dataDir: dir}, err
	})
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	e := *shared
	e.t = t
	return &e
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared != nil && shared.app != nil {
		_ = shared.app.Stop(context.Background())
		os.RemoveAll(shared.dataDir)
	}
	os.Exit(code)
}

// person makes a fresh valid identity number born on birth (YYYYMMDD).
func person(birth string, male bool) string {
	n := personSeq.Add(1) % 500
	seq := fmt.Sprintf("%03d", n*2)
	if male {
		seq = fmt.Sprintf("%03d", n*2+1)
	}
	// Beijing region codes with a prefecture of 01–70 and a county of
	// 01–99, the shape idnumber.CheckRegion accepts.
	k := personSeq.Load()
	region := fmt.Sprintf("11%02d%02d", 1+(k/99)%70, 1+k%99)
	s := region + birth + seq
	return s + string(idnumber.CheckDigit(s))
}

// token signs a token the way `civilflow token` does.
func (e *env) token(subject, name string, roles ...string) string {
	var grants []policies.Grant
	for _, r := range roles {
		g, err := policies.ParseGrant(r)
		if err != nil {
			e.t.Fatal(err)
		}
		grants = append(grants, g)
	}
	tok, err := auth.Sign(e.app.JWTKey, auth.Principal{Subject: subject, Name: name, Grants: grants}, time.Now(), time.Hour)
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

func (r response) state(t *testing.T) workflows.CaseState {
	t.Helper()
	var st workflows.CaseState
	r.decode(t, &st)
	return st
}

func (e *env) do(method, path, token string, body any, headers ...string) response {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, e.app.URL()+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: raw}
}

// expect fails the test unless the response has the status.
func (r response) expect(t *testing.T, status int) response {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	return r
}

type couple struct {
	man, woman         string
	manTok, womanTok   string
	manName, womanName string
}

func (e *env) couple(manBirth, womanBirth string) couple {
	c := couple{man: person(manBirth, true), woman: person(womanBirth, false), manName: "张伟", womanName: "李娜"}
	c.manTok = e.token(c.man, c.manName)
	c.womanTok = e.token(c.woman, c.womanName)
	return c
}

func (c couple) applicants() []map[string]string {
	return []map[string]string{{"name": c.manName, "idNumber": c.man}, {"name": c.womanName, "idNumber": c.woman}}
}

func marriageBody(c couple, office string) map[string]any {
	return map[string]any{"procedure": "marriage-registration", "office": office, "form": map[string]any{
		"applicants":  c.applicants(),
		"declaration": map[string]bool{"noSpouse": true, "noProhibitedKinship": true, "signedByBoth": true},
	}}
}

func divorceBody(c couple, office string) map[string]any {
	return map[string]any{"procedure": "divorce-registration", "office": office, "form": map[string]any{
		"applicants": c.applicants(),
		"agreement": map[string]any{"willToDivorce": true, "children": "无子女", "property": "各自名下财产归各自所有",
			"debts": "无共同债务"},
		"fullCivilCapacity": true,
	}}
}

// act posts an action and returns the response.
func (e *env) act(caseID, token, action, opinion string) response {
	body := map[string]string{"action": action}
	if opinion != "" {
		body["opinion"] = opinion
	}
	return e.do(http.MethodPost, "/v1/cases/"+caseID+"/actions", token, body)
}

// married registers a marriage through the API and returns its couple.
func (e *env) married(office, registrarTok string) couple {
	e.t.Helper()
	c := e.couple("19880101", "19900101")
	st := e.do(http.MethodPost, "/v1/cases", c.manTok, marriageBody(c, office)).expect(e.t, http.StatusCreated).state(e.t)
	e.act(st.CaseID, registrarTok, "register", "").expect(e.t, http.StatusOK)
	return c
}

// waitFor polls a case until cond holds (timers fire on the real server).
func (e *env) waitFor(caseID, token string, cond func(workflows.CaseState) bool) workflows.CaseState {
	e.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		st := e.do(http.MethodGet, "/v1/cases/"+caseID, token, nil).expect(e.t, http.StatusOK).state(e.t)
		if cond(st) {
			return st
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("case %s never reached the expected state; last: stage %s outcome %s", caseID, st.Stage, st.Outcome)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
