// Package trial runs repeatable trials against a civilflow binary. The
// crash trial starts `civilflow serve` as a child process on a data
// directory of its own, sends a bounded load of marriage applications,
// registrations and (optionally) withdrawals with idempotency keys, kills the child with SIGKILL at
// random moments, restarts it on the same directory, sends every request
// that was not answered again with the same key, and then counts what was
// acknowledged, found, lost and duplicated, and verifies the audit chain.
//
// The trial builds nothing and kills no process but the children it
// started. Its timings are reported, never asserted.
package trial

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"civilflow/auth"
	"civilflow/idnumber"
	"civilflow/policies"
	"civilflow/store"
)

// Limits keep a trial bounded whatever it is asked for.
const (
	MaxKills   = 10
	MaxCouples = 500
	MaxTimeout = 30 * time.Minute
)

// CrashConfig is what a crash trial does. Zero values take the defaults.
type CrashConfig struct {
	// Binary is the civilflow binary to run (default: the running one).
	Binary string
	// Args go before the subcommand, for a binary that needs them; Env is
	// added to the child's environment.
	Args []string
	Env  []string
	// DataDir is the data directory for the child; empty makes a temporary
	// one, removed afterwards unless Keep is set.
	DataDir string
	Keep    bool
	// Kills is how many times the child is killed (default 3, at most 10).
	Kills int
	// Couples is how many marriages are applied for and registered
	// (default 20, at most 500); Workers send them concurrently (default 4).
	Couples int
	Workers int
	// WithdrawEvery makes every n-th couple withdraw their application
	// instead of being registered (0: nobody withdraws).
	WithdrawEvery int
	// Timeout bounds the whole trial (default 5 minutes, at most 30).
	Timeout time.Duration
	// Seed makes the kill moments repeatable; 0 picks one.
	Seed uint64
	// Log receives progress lines; nil discards them.
	Log io.Writer
}

// Counts are the figures of one kind of request.
type Counts struct {
	Sent         int `json:"sent"`
	Acknowledged int `json:"acknowledged"` // answered 2xx
	Unanswered   int `json:"unanswered"`   // no answer before the trial's end
	Resent       int `json:"resent"`       // sent again with the same key after no answer
	Found        int `json:"found"`        // acknowledged and found afterwards
	Lost         int `json:"lost"`         // acknowledged and not found
	Duplicated   int `json:"duplicated"`   // more than one effect for one key
}

// CrashReport is the outcome of a crash trial.
type CrashReport struct {
	Seed          uint64    `json:"seed"`
	Kills         int       `json:"kills"`
	Submissions   Counts    `json:"submissions"`
	Registrations Counts    `json:"registrations"`
	Withdrawals   Counts    `json:"withdrawals"`
	AuditIntact   bool      `json:"auditIntact"`
	AuditEntries  int64     `json:"auditEntries"`
	AuditProblems []string  `json:"auditProblems,omitempty"`
	FirstReady    float64   `json:"firstReadySeconds"`
	RestartReady  []float64 `json:"restartReadySeconds"`
	DataDir       string    `json:"dataDir,omitempty"`
	Took          float64   `json:"tookSeconds"`
}

// Lost is every acknowledged request whose effect was not found.
func (r CrashReport) Lost() int {
	return r.Submissions.Lost + r.Registrations.Lost + r.Withdrawals.Lost
}

// Duplicated is every key with more than one effect.
func (r CrashReport) Duplicated() int {
	return r.Submissions.Duplicated + r.Registrations.Duplicated + r.Withdrawals.Duplicated
}

// Print writes the report as a table.
func (r CrashReport) Print(w io.Writer) {
	fmt.Fprintf(w, "crash trial: %d kills (SIGKILL), seed %d, %.1fs\n\n", r.Kills, r.Seed, r.Took)
	fmt.Fprintf(w, "%-24s %12s %14s %12s\n", "", "submissions", "registrations", "withdrawals")
	row := func(name string, f func(Counts) int) {
		fmt.Fprintf(w, "%-24s %12d %14d %12d\n", name, f(r.Submissions), f(r.Registrations), f(r.Withdrawals))
	}
	row("sent", func(c Counts) int { return c.Sent })
	row("acknowledged", func(c Counts) int { return c.Acknowledged })
	row("unanswered", func(c Counts) int { return c.Unanswered })
	row("resent (same key)", func(c Counts) int { return c.Resent })
	row("found", func(c Counts) int { return c.Found })
	row("lost", func(c Counts) int { return c.Lost })
	row("duplicated", func(c Counts) int { return c.Duplicated })
	fmt.Fprintln(w, "  (duplicated: cases per key > 1, certificates per case > 2)")
	verdict := "INTACT"
	if !r.AuditIntact {
		verdict = "NOT INTACT: " + strings.Join(r.AuditProblems, "; ")
	}
	fmt.Fprintf(w, "\naudit verify            %s (%d entries)\n", verdict, r.AuditEntries)
	fmt.Fprintf(w, "first start to ready    %.1fs\n", r.FirstReady)
	ready := make([]string, len(r.RestartReady))
	for i, s := range r.RestartReady {
		ready[i] = fmt.Sprintf("%.1fs", s)
	}
	fmt.Fprintf(w, "restart to ready        %s\n", strings.Join(ready, " "))
	if r.DataDir != "" {
		fmt.Fprintf(w, "data kept in            %s\n", r.DataDir)
	}
}

// couple is one marriage of the load and what happened to it.
type couple struct {
	man, woman string
	caseID     string
	submitted  bool // acknowledged
	withdraw   bool // withdraws instead of being registered
	decided    bool // the second step (register or withdraw) acknowledged
	sentSecond bool
	unanswered [2]bool
	resent     [2]int
}

// Crash runs the crash trial.
func Crash(ctx context.Context, cfg CrashConfig) (CrashReport, error) {
	began := time.Now()
	if err := cfg.defaults(); err != nil {
		return CrashReport{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	rep := CrashReport{Seed: cfg.Seed}
	logf := func(format string, args ...any) { fmt.Fprintf(cfg.Log, "trial: "+format+"\n", args...) }

	dir := cfg.DataDir
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "civilflow-trial-"); err != nil {
			return rep, err
		}
		if cfg.Keep {
			rep.DataDir = dir
		} else {
			defer os.RemoveAll(dir)
		}
	}
	apiPort, err := freePort()
	if err != nil {
		return rep, err
	}
	temporalPort, err := freePort()
	if err != nil {
		return rep, err
	}
	s := &server{cfg: cfg, dir: dir, base: fmt.Sprintf("http://127.0.0.1:%d", apiPort),
		listen: fmt.Sprintf("127.0.0.1:%d", apiPort), temporal: fmt.Sprintf("127.0.0.1:%d", temporalPort)}
	defer s.stop()

	took, err := s.start(ctx)
	if err != nil {
		return rep, err
	}
	rep.FirstReady = took
	logf("civilflow ready on %s after %.1fs", s.base, took)
	key, err := auth.LoadOrCreateKey(dir)
	if err != nil {
		return rep, fmt.Errorf("trial: signing key: %w", err)
	}
	c := &client{base: s.base, key: key, http: &http.Client{Timeout: 60 * time.Second}}
	if c.registrar, err = c.token("trial-registrar", "试验登记员", policies.Grant{Role: policies.RoleRegistrar, Division: "110105"}); err != nil {
		return rep, err
	}

	couples := makeCouples(cfg.Couples, cfg.Seed)
	for i, cp := range couples {
		cp.withdraw = cfg.WithdrawEvery > 0 && i%cfg.WithdrawEvery == cfg.WithdrawEvery-1
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15))
	// Kill after a random number of answered requests, spread over the
	// first three quarters of the load (2 requests per couple) so that
	// requests are still in flight, at distinct points, each after a random
	// extra delay so it lands inside a request rather than between them.
	span := max(1, int64(2*cfg.Couples*3/4))
	var killAt []int64
	for range cfg.Kills {
		killAt = append(killAt, 1+rng.Int64N(span))
	}
	sort.Slice(killAt, func(i, j int) bool { return killAt[i] < killAt[j] })
	for i := 1; i < len(killAt); i++ {
		killAt[i] = max(killAt[i], killAt[i-1]+1)
	}
	delays := make([]time.Duration, len(killAt))
	for i := range delays {
		delays[i] = time.Duration(rng.Int64N(int64(300 * time.Millisecond)))
	}

	var answered atomic.Int64
	var down sync.RWMutex // held for writing while the child is down
	loadDone := make(chan struct{})
	killerDone := make(chan error, 1)
	go func() {
		defer close(killerDone)
		for i, at := range killAt {
			for answered.Load() < at {
				select {
				case <-loadDone:
					return
				case <-ctx.Done():
					return
				case <-time.After(20 * time.Millisecond):
				}
			}
			time.Sleep(delays[i])
			down.Lock()
			logf("kill %d of %d (SIGKILL) after %d answered requests", i+1, len(killAt), answered.Load())
			if err := s.kill(); err != nil {
				down.Unlock()
				killerDone <- err
				cancel() // the load cannot go on without a server
				return
			}
			rep.Kills++
			took, err := s.start(ctx)
			down.Unlock()
			if err != nil {
				killerDone <- err
				cancel()
				return
			}
			rep.RestartReady = append(rep.RestartReady, took)
			logf("restarted, ready after %.1fs", took)
		}
	}()

	// Each worker takes couples in turn: apply, then register, retrying an
	// unanswered request with the same key until answered or the trial ends.
	work := make(chan *couple)
	var wg sync.WaitGroup
	for range cfg.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for cp := range work {
				c.runCouple(ctx, cp, &answered, &down)
			}
		}()
	}
	for _, cp := range couples {
		select {
		case work <- cp:
		case <-ctx.Done():
		}
	}
	close(work)
	wg.Wait()
	close(loadDone)
	if err := <-killerDone; err != nil {
		return rep, err
	}
	if ctx.Err() != nil {
		logf("the trial's time ran out; requests not answered by then are counted as unanswered")
	}

	// Count with a fresh context: the figures matter even after a timeout.
	cctx, ccancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer ccancel()
	if err := c.count(cctx, couples, &rep); err != nil {
		return rep, err
	}
	if err := s.stop(); err != nil {
		logf("stopping civilflow: %v", err)
	}
	if err := verifyAudit(cctx, dir, &rep); err != nil {
		return rep, err
	}
	rep.Took = time.Since(began).Seconds()
	return rep, nil
}

func (cfg *CrashConfig) defaults() error {
	if cfg.Binary == "" {
		exe, err := os.Executable()
		if err != nil {
			return fmt.Errorf("trial: which binary: %w", err)
		}
		cfg.Binary = exe
	}
	if _, err := os.Stat(cfg.Binary); err != nil {
		return fmt.Errorf("trial: binary: %w", err)
	}
	if cfg.Kills == 0 {
		cfg.Kills = 3
	}
	if cfg.Couples == 0 {
		cfg.Couples = 20
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 4
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 5 * time.Minute
	}
	switch {
	case cfg.Kills < 0 || cfg.Kills > MaxKills:
		return fmt.Errorf("trial: kills must be between 0 and %d", MaxKills)
	case cfg.Couples < 1 || cfg.Couples > MaxCouples:
		return fmt.Errorf("trial: couples must be between 1 and %d", MaxCouples)
	case cfg.Timeout > MaxTimeout:
		return fmt.Errorf("trial: timeout must be at most %v", MaxTimeout)
	}
	if cfg.Seed == 0 {
		cfg.Seed = rand.Uint64()
	}
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	return nil
}

// server is the child civilflow.
type server struct {
	cfg              CrashConfig
	dir              string
	base             string
	listen, temporal string
	mu               sync.Mutex
	cmd              *exec.Cmd
	exited           chan struct{}
	logFile          *os.File
	stopped          bool
}

// start runs `civilflow serve` on the trial's directory and ports and
// returns the seconds until its API answered.
func (s *server) start(ctx context.Context) (float64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.logFile == nil {
		f, err := os.OpenFile(filepath.Join(s.dir, "trial-serve.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			return 0, fmt.Errorf("trial: server log: %w", err)
		}
		s.logFile = f
	}
	args := append(append([]string{}, s.cfg.Args...), "serve", "--data-dir", s.dir, "--listen", s.listen,
		"--embedded-temporal-address", s.temporal, "--log-level", "warn")
	cmd := exec.Command(s.cfg.Binary, args...)
	cmd.Env = append(os.Environ(), s.cfg.Env...)
	cmd.Stdout, cmd.Stderr = s.logFile, s.logFile
	began := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, fmt.Errorf("trial: start %s: %w", s.cfg.Binary, err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	s.cmd, s.exited = cmd, exited
	for {
		select {
		case <-exited:
			return 0, fmt.Errorf("trial: civilflow serve exited before it was ready (%s; see trial-serve.log in the data directory)", cmd.ProcessState)
		case <-ctx.Done():
			return 0, fmt.Errorf("trial: civilflow serve not ready: %w", ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
		res, err := probe.Get(s.base + "/openapi.json")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return time.Since(began).Seconds(), nil
			}
		}
	}
}

// probe asks whether the child's API answers; a child that accepts the
// connection but hangs must not hang the trial.
var probe = &http.Client{Timeout: 2 * time.Second}

// kill sends SIGKILL to the child this trial started, and waits for it.
func (s *server) kill() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return nil
	}
	if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("trial: kill: %w", err)
	}
	<-s.exited
	s.cmd = nil
	return nil
}

// stop ends the child gently (SIGTERM, then SIGKILL after 30 s).
func (s *server) stop() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var err error
	if s.cmd != nil {
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(30 * time.Second):
			_ = s.cmd.Process.Signal(syscall.SIGKILL)
			<-s.exited
			err = errors.New("civilflow serve did not stop within 30 s of SIGTERM")
		}
		s.cmd = nil
	}
	if s.logFile != nil {
		_ = s.logFile.Close()
		s.logFile = nil
	}
	return err
}

// freePort asks the kernel for a free port on 127.0.0.1. The child listens
// on it at every start, so restarts keep the address.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("trial: free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// makeCouples makes n couples of distinct, valid identity numbers, the man
// born 1990 and the woman 1992, unique within the run and across runs of
// the same seed.
func makeCouples(n int, seed uint64) []*couple {
	out := make([]*couple, n)
	base := time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(seed%300))
	for i := range out {
		birth := base.AddDate(0, 0, i/400)
		seq := (i % 400) * 2
		out[i] = &couple{
			man:   idNumber("110105", birth, seq+1),
			woman: idNumber("110105", birth.AddDate(2, 0, 0), seq+2),
		}
	}
	return out
}

func idNumber(region string, birth time.Time, seq int) string {
	first17 := fmt.Sprintf("%s%s%03d", region, birth.Format("20060102"), seq%1000)
	return first17 + string(idnumber.CheckDigit(first17))
}

// client speaks the API.
type client struct {
	base      string
	key       []byte
	http      *http.Client
	registrar string
}

// token signs a bearer token the way `civilflow token` does, with the key
// of the child's data directory.
func (c *client) token(subject, name string, grants ...policies.Grant) (string, error) {
	return auth.Sign(c.key, auth.Principal{Subject: subject, Name: name, Grants: grants}, time.Now(), time.Hour)
}

// answer is an HTTP answer; status 0 is no answer (the server was down).
type answer struct {
	status int
	body   []byte
}

// send posts body once.
func (c *client) send(ctx context.Context, method, path, token, key string, body any) answer {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return answer{}
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return answer{}
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return answer{}
	}
	return answer{status: res.StatusCode, body: b}
}

// retryable reports an answer to send again with the same key: none at all
// (the child was down), the server failing while it went down, or a limit.
func retryable(a answer) bool {
	return a.status == 0 || a.status >= 500 || a.status == http.StatusTooManyRequests
}

// sendUntilAnswered sends with the same key until the answer is final or
// the trial ends; a request in flight when the child is killed simply
// gets no answer and goes again.
func (c *client) sendUntilAnswered(ctx context.Context, down *sync.RWMutex, method, path, token, key string, body any, resent *int) (answer, bool) {
	for attempt := 0; ; attempt++ {
		down.RLock() // wait while the child restarts
		down.RUnlock()
		if attempt > 0 {
			*resent++
		}
		a := c.send(ctx, method, path, token, key, body)
		if !retryable(a) {
			return a, true
		}
		select {
		case <-ctx.Done():
			return a, false
		case <-time.After(time.Duration(min(attempt+1, 10)) * 100 * time.Millisecond):
		}
	}
}

func (c *client) runCouple(ctx context.Context, cp *couple, answered *atomic.Int64, down *sync.RWMutex) {
	tok, err := c.token(cp.man, "申请人")
	if err != nil {
		return
	}
	body := map[string]any{"procedure": "marriage-registration", "office": "110105", "form": map[string]any{
		"applicants":  []map[string]string{{"name": "张伟", "idNumber": cp.man}, {"name": "李娜", "idNumber": cp.woman}},
		"declaration": map[string]bool{"noSpouse": true, "noProhibitedKinship": true, "signedByBoth": true},
	}}
	a, ok := c.sendUntilAnswered(ctx, down, http.MethodPost, "/v1/cases", tok, "trial-submit-"+cp.man, body, &cp.resent[0])
	answered.Add(1)
	if !ok {
		cp.unanswered[0] = true
		return
	}
	var st struct {
		CaseID string `json:"caseId"`
	}
	if a.status/100 != 2 || json.Unmarshal(a.body, &st) != nil || st.CaseID == "" {
		return
	}
	cp.submitted, cp.caseID = true, st.CaseID
	cp.sentSecond = true
	who, action := c.registrar, "register"
	if cp.withdraw {
		who, action = tok, "withdraw"
	}
	a, ok = c.sendUntilAnswered(ctx, down, http.MethodPost, "/v1/cases/"+cp.caseID+"/actions", who,
		"trial-"+action+"-"+cp.man, map[string]string{"action": action}, &cp.resent[1])
	answered.Add(1)
	if !ok {
		cp.unanswered[1] = true
		return
	}
	cp.decided = a.status/100 == 2
}

// count looks up what the API holds for every couple: the cases of the
// man (one per submission key) and the certificates of each case.
func (c *client) count(ctx context.Context, couples []*couple, rep *CrashReport) error {
	s := &rep.Submissions
	for _, cp := range couples {
		g, outcome, wantCerts := &rep.Registrations, "approved", 2
		if cp.withdraw {
			g, outcome, wantCerts = &rep.Withdrawals, "withdrawn", 0
		}
		s.Sent++
		s.Resent += cp.resent[0]
		g.Resent += cp.resent[1]
		if cp.unanswered[0] {
			s.Unanswered++
		}
		if cp.sentSecond {
			g.Sent++
		}
		if cp.unanswered[1] {
			g.Unanswered++
		}
		tok, err := c.token(cp.man, "申请人")
		if err != nil {
			return err
		}
		a := c.send(ctx, http.MethodGet, "/v1/me/applications?limit=10", tok, "", nil)
		var list struct {
			Total int `json:"total"`
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
		}
		if a.status != http.StatusOK || json.Unmarshal(a.body, &list) != nil {
			return fmt.Errorf("trial: list the applications of %s: status %d", cp.man, a.status)
		}
		if list.Total > 1 {
			s.Duplicated++
		}
		if cp.submitted {
			s.Acknowledged++
			if hasCase(list.Items, cp.caseID) {
				s.Found++
			} else {
				s.Lost++
			}
		}
		if cp.caseID == "" {
			continue
		}
		a = c.send(ctx, http.MethodGet, "/v1/cases/"+cp.caseID, tok, "", nil)
		var st struct {
			Outcome   string `json:"outcome"`
			Documents []struct {
				Kind string `json:"kind"`
			} `json:"documents"`
		}
		if a.status != http.StatusOK || json.Unmarshal(a.body, &st) != nil {
			return fmt.Errorf("trial: get case %s: status %d", cp.caseID, a.status)
		}
		certs := 0
		for _, d := range st.Documents {
			if d.Kind == "marriage-certificate" {
				certs++
			}
		}
		if certs > 2 {
			g.Duplicated++
		}
		if cp.decided {
			g.Acknowledged++
			if st.Outcome == outcome && certs == wantCerts {
				g.Found++
			} else {
				g.Lost++
			}
		}
	}
	return nil
}

func hasCase(items []struct {
	ID string `json:"id"`
}, id string) bool {
	for _, it := range items {
		if it.ID == id {
			return true
		}
	}
	return false
}

// verifyAudit walks the audit chains of the stopped child's store.
func verifyAudit(ctx context.Context, dir string, rep *CrashReport) error {
	cps, err := store.ReadCheckpointFile(filepath.Join(dir, store.CheckpointFile))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("trial: %w", err)
	}
	db, err := store.Open(ctx, filepath.Join(dir, "civilflow.db"))
	if err != nil {
		return fmt.Errorf("trial: %w", err)
	}
	defer db.Close()
	v, err := db.VerifyAudit(ctx, cps)
	if err != nil {
		return fmt.Errorf("trial: audit verify: %w", err)
	}
	rep.AuditIntact, rep.AuditEntries = v.Intact, v.Entries
	for _, p := range v.Problems {
		rep.AuditProblems = append(rep.AuditProblems, p.String())
	}
	return nil
}
