// Package bench measures civilflow against the Temporal server it embeds:
// arm A runs complete marriage cases through civilflow's HTTP API, arm B
// a bare workflow of the same shape driven by the Temporal SDK directly,
// both against one embedded civilflow started by the bench, alternating,
// at closed-loop concurrencies and open-loop rates. The bench runs in the
// same process as the server, so CPU and memory figures include the
// clients. Figures are reported, never asserted.
package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"civilflow/app"
	"civilflow/store"
)

// Load is one load level: a closed loop of Concurrency clients, each
// starting a case when its last one completed, or an open loop offering
// Rate cases per second whatever the answers.
type Load struct {
	Concurrency int     `json:"concurrency,omitempty"`
	Rate        float64 `json:"rate,omitempty"`
}

// String names the load as the table shows it.
func (l Load) String() string {
	if l.Rate > 0 {
		return fmt.Sprintf("open %g/s", l.Rate)
	}
	return fmt.Sprintf("closed %d", l.Concurrency)
}

// Config bounds a run.
type Config struct {
	Loads       []Load
	Repetitions int
	Duration    time.Duration // how long each arm is loaded at each level
	Drain       time.Duration // how long an open loop's cases still in flight are awaited
	CPUProfile  string        // file for a CPU profile of arm A at the first closed loop of most clients
	Log         io.Writer     // progress; nil is quiet
	DataDir     string        // empty: a temporary directory, removed at the end
}

// DefaultLoads are the levels of a full run.
func DefaultLoads() []Load {
	return []Load{{Concurrency: 1}, {Concurrency: 16}, {Concurrency: 32}, {Rate: 20}, {Rate: 30}}
}

// Default is a full run: about five minutes on 2 cores.
func Default() Config {
	return Config{Loads: DefaultLoads(), Repetitions: 3, Duration: 6 * time.Second, Drain: 10 * time.Second}
}

// Quick is a smoke run of about half a minute.
func Quick() Config {
	return Config{Loads: DefaultLoads(), Repetitions: 1, Duration: 1500 * time.Millisecond, Drain: 3 * time.Second}
}

// Phase is one arm at one load in one repetition.
type Phase struct {
	Arm        string        `json:"arm"`
	Load       Load          `json:"load"`
	Repetition int           `json:"repetition"`
	Completed  int           `json:"completed"`
	Failed     int           `json:"failed"`
	Unfinished int           `json:"unfinished"` // open loop: still in flight when the drain ended
	Elapsed    time.Duration `json:"elapsedNs"`
	CasesPerS  float64       `json:"casesPerSecond"`
	CPUPerCase time.Duration `json:"cpuPerCaseNs"` // process CPU time (server and clients) per completed case
	PeakRSS    int64         `json:"peakRssBytes"`
	DiskDelta  int64         `json:"diskDeltaBytes"`
	SubmitP50  time.Duration `json:"submitP50Ns"`
	SubmitP99  time.Duration `json:"submitP99Ns"`
	ActP50     time.Duration `json:"actP50Ns"`
	ActP99     time.Duration `json:"actP99Ns"`
	FirstError string        `json:"firstError,omitempty"`
	submits    []time.Duration
	acts       []time.Duration
}

// Row sums up an arm at a load over the repetitions.
type Row struct {
	Arm             string        `json:"arm"`
	Load            Load          `json:"load"`
	Completed       int           `json:"completed"`
	Failed          int           `json:"failed"`
	Unfinished      int           `json:"unfinished"`
	CasesPerSMin    float64       `json:"casesPerSecondMin"`
	CasesPerSMax    float64       `json:"casesPerSecondMax"`
	CasesPerS       float64       `json:"casesPerSecond"` // all repetitions' cases over their time
	SubmitP50       time.Duration `json:"submitP50Ns"`
	SubmitP95       time.Duration `json:"submitP95Ns"`
	SubmitP99       time.Duration `json:"submitP99Ns"`
	ActP50          time.Duration `json:"actP50Ns"`
	ActP95          time.Duration `json:"actP95Ns"`
	ActP99          time.Duration `json:"actP99Ns"`
	CPUPerCase      time.Duration `json:"cpuPerCaseNs"`
	PeakRSS         int64         `json:"peakRssBytes"`
	RatioThroughput float64       `json:"ratioThroughputAB,omitempty"` // on arm A's rows: A/B
	RatioSubmitP50  float64       `json:"ratioSubmitP50AB,omitempty"`
	RatioCPUPerCase float64       `json:"ratioCpuPerCaseAB,omitempty"`
}

// Report is what a run measured.
type Report struct {
	Cores               int           `json:"cores"`
	Startup             time.Duration `json:"startupNs"`
	IdleRSS             int64         `json:"idleRssBytes"`
	DiskPerThousandA    int64         `json:"diskPerThousandCasesABytes"`
	DiskPerThousandB    int64         `json:"diskPerThousandCasesBBytes"`
	Rows                []Row         `json:"rows"`
	Phases              []Phase       `json:"phases"`
	Duration            time.Duration `json:"phaseDurationNs"`
	Repetitions         int           `json:"repetitions"`
	ProfiledPhase       string        `json:"profiledPhase,omitempty"`
	IncludesClientsNote string        `json:"note"`
}

// Run starts an embedded civilflow, seeds its staff directory, and loads
// both arms in turn at every level, cfg.Repetitions times.
func Run(ctx context.Context, cfg Config) (Report, error) {
	if cfg.Repetitions <= 0 || len(cfg.Loads) == 0 || cfg.Duration <= 0 {
		return Report{}, errors.New("bench: loads, repetitions and duration must be positive")
	}
	for _, l := range cfg.Loads {
		if (l.Concurrency <= 0) == (l.Rate <= 0) || l.Concurrency > 256 || l.Rate > 500 {
			return Report{}, fmt.Errorf("bench: load %+v: give a concurrency of 1–256 or a rate of up to 500/s", l)
		}
	}
	logf := func(format string, args ...any) {
		if cfg.Log != nil {
			fmt.Fprintf(cfg.Log, format+"\n", args...)
		}
	}
	dir := cfg.DataDir
	if dir == "" {
		d, err := os.MkdirTemp("", "civilflow-bench-")
		if err != nil {
			return Report{}, err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	rep := Report{Cores: numCPU(), Duration: cfg.Duration, Repetitions: cfg.Repetitions,
		IncludesClientsNote: "the bench runs in the server's process: CPU per case and RSS include the clients"}

	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	sctx, scancel := context.WithTimeout(ctx, 2*time.Minute)
	began := time.Now()
	a, err := app.Start(sctx, app.Config{DataDir: dir, Listen: "127.0.0.1:0", EmbeddedAddress: "127.0.0.1:0", Logger: log})
	scancel()
	if err != nil {
		return rep, fmt.Errorf("bench: start civilflow: %w", err)
	}
	rep.Startup = time.Since(began)
	defer a.Stop(context.Background())
	logf("civilflow ready after %v", rep.Startup.Round(time.Millisecond))

	var subjects []string
	for i := range 8 {
		s := fmt.Sprintf("bench-registrar-%d", i+1)
		if err := a.Store().PutStaff(ctx, store.StaffMember{Subject: s, Name: "基准登记员",
			Grants: []store.Grant{{Role: "registrar", Division: "110105"}}}); err != nil {
			return rep, fmt.Errorf("bench: seed the staff directory: %w", err)
		}
		subjects = append(subjects, s)
	}
	regs, err := registrarTokens(a.JWTKey, subjects)
	if err != nil {
		return rep, err
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 512
	armA := &apiArm{base: a.URL(), key: a.JWTKey, http: &http.Client{Transport: tr, Timeout: 60 * time.Second}, registrars: regs}
	armB, err := startBare(a.Client(), strconv.FormatInt(time.Now().UnixNano(), 36))
	if err != nil {
		return rep, fmt.Errorf("bench: start the bare worker: %w", err)
	}
	defer armB.w.Stop()

	// A couple of cases each to warm up connections, caches and task
	// queues, then let the server settle before reading idle memory.
	for _, ar := range []arm{armA, armB} {
		for range 3 {
			if _, _, err := ar.runCase(ctx); err != nil {
				return rep, fmt.Errorf("bench: warm-up of arm %s: %w", ar.name(), err)
			}
		}
	}
	time.Sleep(time.Second)
	rep.IdleRSS = procStatus("VmRSS")
	logf("idle RSS %s", mib(rep.IdleRSS))

	profileLoad := -1
	for i, l := range cfg.Loads {
		if cfg.CPUProfile != "" && l.Concurrency > 0 && (profileLoad < 0 || l.Concurrency > cfg.Loads[profileLoad].Concurrency) {
			profileLoad = i
		}
	}
	var diskA, diskB, casesA, casesB int64
	for r := 1; r <= cfg.Repetitions; r++ {
		for li, l := range cfg.Loads {
			// Alternate which arm goes first, so that neither always
			// meets the other's leftovers.
			arms := []arm{armA, armB}
			if (r+li)%2 == 0 {
				arms = []arm{armB, armA}
			}
			for _, ar := range arms {
				if ctx.Err() != nil {
					return rep, ctx.Err()
				}
				profile := r == 1 && li == profileLoad && ar.name() == "A"
				ph, err := runPhase(ctx, ar, l, cfg, dir, profile)
				if err != nil {
					return rep, err
				}
				if profile {
					rep.ProfiledPhase = fmt.Sprintf("arm A, %s, repetition 1", l)
				}
				ph.Repetition = r
				rep.Phases = append(rep.Phases, ph)
				if ar.name() == "A" {
					diskA, casesA = diskA+ph.DiskDelta, casesA+int64(ph.Completed)
				} else {
					diskB, casesB = diskB+ph.DiskDelta, casesB+int64(ph.Completed)
				}
				logf("rep %d %-10s arm %s: %d cases (%d failed, %d unfinished) %.1f cases/s, submit p50 %v, act p50 %v%s",
					r, l, ar.name(), ph.Completed, ph.Failed, ph.Unfinished, ph.CasesPerS,
					ms(ph.SubmitP50), ms(ph.ActP50), errNote(ph.FirstError))
			}
		}
	}
	if casesA > 0 {
		rep.DiskPerThousandA = diskA * 1000 / casesA
	}
	if casesB > 0 {
		rep.DiskPerThousandB = diskB * 1000 / casesB
	}
	rep.Rows = summarize(rep.Phases, cfg.Loads)
	return rep, nil
}

func errNote(s string) string {
	if s == "" {
		return ""
	}
	return " — first error: " + s
}

// runPhase loads one arm at one level for cfg.Duration.
func runPhase(ctx context.Context, ar arm, l Load, cfg Config, dir string, profile bool) (Phase, error) {
	ph := Phase{Arm: ar.name(), Load: l}
	var mu sync.Mutex
	record := func(s, a time.Duration, err error) {
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			ph.Failed++
			if ph.FirstError == "" {
				ph.FirstError = err.Error()
			}
			return
		}
		ph.Completed++
		ph.submits = append(ph.submits, s)
		ph.acts = append(ph.acts, a)
	}
	diskBefore := dirSize(dir)
	resetPeakRSS()
	if profile {
		f, err := os.Create(cfg.CPUProfile)
		if err != nil {
			return ph, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return ph, err
		}
		defer pprof.StopCPUProfile()
	}
	cpuBefore := cpuTime()
	began := time.Now()
	end := began.Add(cfg.Duration)
	var wg sync.WaitGroup
	if l.Concurrency > 0 {
		for range l.Concurrency {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for time.Now().Before(end) && ctx.Err() == nil {
					record(ar.runCase(ctx))
				}
			}()
		}
		wg.Wait()
	} else {
		// The drain bounds the run when the server falls behind; cases
		// cut off then count as unfinished, not failed.
		cctx, cancel := context.WithDeadline(ctx, end.Add(cfg.Drain))
		defer cancel()
		var inflight sync.WaitGroup
		p := NewPacer(began, l.Rate)
		for t := p.Next(); t.Before(end); t = p.Next() {
			time.Sleep(time.Until(t))
			inflight.Add(1)
			go func() {
				defer inflight.Done()
				s, a, err := ar.runCase(cctx)
				if err != nil && cctx.Err() != nil {
					mu.Lock()
					ph.Unfinished++
					mu.Unlock()
					return
				}
				record(s, a, err)
			}()
		}
		inflight.Wait()
	}
	ph.Elapsed = time.Since(began)
	cpu := cpuTime() - cpuBefore
	ph.PeakRSS = procStatus("VmHWM")
	ph.DiskDelta = dirSize(dir) - diskBefore
	if ph.Completed > 0 {
		ph.CPUPerCase = cpu / time.Duration(ph.Completed)
	}
	ph.CasesPerS = float64(ph.Completed) / ph.Elapsed.Seconds()
	ph.SubmitP50, ph.SubmitP99 = Percentile(ph.submits, 50), Percentile(ph.submits, 99)
	ph.ActP50, ph.ActP99 = Percentile(ph.acts, 50), Percentile(ph.acts, 99)
	return ph, nil
}

func summarize(phases []Phase, loads []Load) []Row {
	var rows []Row
	for _, l := range loads {
		first := len(rows)
		for _, armName := range []string{"A", "B"} {
			row := Row{Arm: armName, Load: l, CasesPerSMin: -1}
			var subs, acts []time.Duration
			var elapsed time.Duration
			var cpu time.Duration
			for _, ph := range phases {
				if ph.Arm != armName || ph.Load != l {
					continue
				}
				row.Completed += ph.Completed
				row.Failed += ph.Failed
				row.Unfinished += ph.Unfinished
				elapsed += ph.Elapsed
				cpu += ph.CPUPerCase * time.Duration(ph.Completed)
				if row.CasesPerSMin < 0 || ph.CasesPerS < row.CasesPerSMin {
					row.CasesPerSMin = ph.CasesPerS
				}
				row.CasesPerSMax = max(row.CasesPerSMax, ph.CasesPerS)
				row.PeakRSS = max(row.PeakRSS, ph.PeakRSS)
				subs = append(subs, ph.submits...)
				acts = append(acts, ph.acts...)
			}
			row.CasesPerSMin = max(row.CasesPerSMin, 0)
			if elapsed > 0 {
				row.CasesPerS = float64(row.Completed) / elapsed.Seconds()
			}
			if row.Completed > 0 {
				row.CPUPerCase = cpu / time.Duration(row.Completed)
			}
			row.SubmitP50, row.SubmitP95, row.SubmitP99 = Percentile(subs, 50), Percentile(subs, 95), Percentile(subs, 99)
			row.ActP50, row.ActP95, row.ActP99 = Percentile(acts, 50), Percentile(acts, 95), Percentile(acts, 99)
			rows = append(rows, row)
		}
		a, b := &rows[first], &rows[first+1]
		a.RatioThroughput = ratio(a.CasesPerS, b.CasesPerS)
		a.RatioSubmitP50 = ratio(float64(a.SubmitP50), float64(b.SubmitP50))
		a.RatioCPUPerCase = ratio(float64(a.CPUPerCase), float64(b.CPUPerCase))
	}
	return rows
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// Print writes the report as a table.
func (r Report) Print(w io.Writer) {
	fmt.Fprintf(w, "civilflow bench: %d cores, %d repetitions of %v per arm and load, arms alternating\n", r.Cores, r.Repetitions, r.Duration)
	fmt.Fprintf(w, "start-up %v, idle RSS %s, disk per 1,000 closed cases: A %s, B %s\n",
		r.Startup.Round(time.Millisecond), mib(r.IdleRSS), mib(r.DiskPerThousandA), mib(r.DiskPerThousandB))
	fmt.Fprintf(w, "(%s)\n\n", r.IncludesClientsNote)
	fmt.Fprintln(w, "| load | arm | cases | cases/s (min–max) | submit p50 / p95 / p99 | act p50 / p95 / p99 | CPU/case | peak RSS |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|")
	for _, row := range r.Rows {
		cases := strconv.Itoa(row.Completed)
		if row.Failed > 0 || row.Unfinished > 0 {
			cases += fmt.Sprintf(" (+%d failed, %d unfinished)", row.Failed, row.Unfinished)
		}
		fmt.Fprintf(w, "| %s | %s | %s | %.1f (%.1f–%.1f) | %v / %v / %v | %v / %v / %v | %v | %s |\n",
			row.Load, row.Arm, cases, row.CasesPerS, row.CasesPerSMin, row.CasesPerSMax,
			ms(row.SubmitP50), ms(row.SubmitP95), ms(row.SubmitP99), ms(row.ActP50), ms(row.ActP95), ms(row.ActP99),
			ms(row.CPUPerCase), mib(row.PeakRSS))
	}
	fmt.Fprint(w, "\nA/B (civilflow API over bare Temporal):\n\n")
	fmt.Fprintln(w, "| load | cases/s | submit p50 | CPU/case |")
	fmt.Fprintln(w, "|---|---|---|---|")
	for _, row := range r.Rows {
		if row.Arm == "A" {
			fmt.Fprintf(w, "| %s | %.2f | %.2f | %.2f |\n", row.Load, row.RatioThroughput, row.RatioSubmitP50, row.RatioCPUPerCase)
		}
	}
	if r.ProfiledPhase != "" {
		fmt.Fprintf(w, "\nCPU profile: %s\n", r.ProfiledPhase)
	}
}

// ParseLoads reads closed-loop concurrencies and open-loop rates, e.g.
// "1,16,32" and "20,30".
func ParseLoads(closed, open string) ([]Load, error) {
	var out []Load
	for _, f := range splitList(closed) {
		n, err := strconv.Atoi(f)
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("concurrency %q: want a positive whole number", f)
		}
		out = append(out, Load{Concurrency: n})
	}
	for _, f := range splitList(open) {
		r, err := strconv.ParseFloat(f, 64)
		if err != nil || r <= 0 {
			return nil, fmt.Errorf("rate %q: want a positive number of cases per second", f)
		}
		out = append(out, Load{Rate: r})
	}
	return out, nil
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func ms(d time.Duration) string {
	switch {
	case d == 0:
		return "–"
	case d >= 10*time.Second:
		return d.Round(100 * time.Millisecond).String()
	default:
		return d.Round(time.Millisecond).String()
	}
}

func mib(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// procStatus reads a size field (kB) of /proc/self/status in bytes; 0
// where there is none.
func procStatus(field string) int64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}

// resetPeakRSS starts VmHWM again from the current RSS (Linux
// clear_refs 5), so that each phase's peak is its own.
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

func dirSize(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

func numCPU() int { return runtime.NumCPU() }
