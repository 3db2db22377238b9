package integration

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"testing"
	"time"

	"civilflow/app"
	"civilflow/trial"
)

// standInEnv makes this test binary act as `civilflow serve` when the crash
// trial starts it as its child, so the test needs no separate build of the
// command (linking the embedded server takes minutes).
const standInEnv = "CIVILFLOW_TRIAL_STAND_IN"

func init() {
	if os.Getenv(standInEnv) == "1" && len(os.Args) > 1 && os.Args[1] == "serve" {
		if err := standInServe(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "stand-in serve:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
}

// standInServe is `civilflow serve` with the flags the trial passes.
func standInServe(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	dataDir := fs.String("data-dir", "", "")
	listen := fs.String("listen", "", "")
	embedded := fs.String("embedded-temporal-address", "", "")
	fs.String("log-level", "warn", "")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	a, err := app.Start(ctx, app.Config{DataDir: *dataDir, Listen: *listen, EmbeddedAddress: *embedded, Logger: log})
	if err != nil {
		return err
	}
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return a.Stop(sctx)
}

// TestCrashTrialLosesNothing: the server is killed with SIGKILL once while
// marriages are applied for and registered; afterwards every acknowledged
// request is found, no key made two cases or extra certificates, and the
// audit chain verifies. Timings are printed, not asserted.
func TestCrashTrialLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts civilflow twice")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	rep, err := trial.Crash(context.Background(), trial.CrashConfig{
		Binary: exe, Env: []string{standInEnv + "=1"}, Kills: 1, Couples: 8, Workers: 4, WithdrawEvery: 4,
		Timeout: 90 * time.Second, DataDir: t.TempDir(), Log: io.MultiWriter(&out, testWriter{t}),
	})
	if err != nil {
		t.Fatalf("trial: %v\n%s", err, out.String())
	}
	var table bytes.Buffer
	rep.Print(&table)
	t.Log("\n" + table.String())
	if rep.Kills != 1 {
		t.Errorf("killed %d times, want 1", rep.Kills)
	}
	if rep.Lost() != 0 || rep.Duplicated() != 0 {
		t.Errorf("lost %d, duplicated %d; want none", rep.Lost(), rep.Duplicated())
	}
	if !rep.AuditIntact || rep.AuditEntries == 0 {
		t.Errorf("audit intact %v with %d entries: %v", rep.AuditIntact, rep.AuditEntries, rep.AuditProblems)
	}
	if rep.Withdrawals.Sent != 2 || rep.Withdrawals.Found+rep.Withdrawals.Unanswered != 2 {
		t.Errorf("withdrawals %+v: want the 2 sent found or unanswered", rep.Withdrawals)
	}
	if rep.Submissions.Acknowledged+rep.Submissions.Unanswered != rep.Submissions.Sent || rep.Submissions.Acknowledged == 0 {
		t.Errorf("submissions %+v: every one answered or counted unanswered, some acknowledged", rep.Submissions)
	}
}

// testWriter sends the trial's progress lines to the test log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(bytes.TrimRight(p, "\n")))
	return len(p), nil
}
