package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"civilflow/trial"
)

// errTrialFailed makes the command exit non-zero when something was lost,
// duplicated or the audit chain does not verify.
var errTrialFailed = errors.New("trial: requests were lost or duplicated, or the audit record does not verify (see above)")

// trialCmd runs "civilflow trial crash".
func trialCmd(args []string, out io.Writer) error {
	if len(args) == 0 || args[0] != "crash" {
		return errors.New("trial: usage: civilflow trial crash [--binary PATH] [--kills 3] [--couples 20] [--withdraw-every N] [--timeout 5m] [--seed N] [--keep] [--json]")
	}
	fs := flag.NewFlagSet("trial crash", flag.ContinueOnError)
	binary := fs.String("binary", "", "civilflow binary to run as the server (default: this one)")
	kills := fs.Int("kills", 3, fmt.Sprintf("how many times the server is killed with SIGKILL (at most %d)", trial.MaxKills))
	couples := fs.Int("couples", 20, fmt.Sprintf("marriages applied for and registered (at most %d)", trial.MaxCouples))
	workers := fs.Int("workers", 4, "requests sent at once")
	withdrawEvery := fs.Int("withdraw-every", 0, "every n-th couple withdraws instead of being registered (0: none)")
	timeout := fs.Duration("timeout", 5*time.Minute, "bound on the whole trial")
	seed := fs.Uint64("seed", 0, "seed of the kill moments, to repeat a run (0 picks one)")
	keep := fs.Bool("keep", false, "keep the trial's data directory and print where it is")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := trial.Crash(ctx, trial.CrashConfig{Binary: *binary, Kills: *kills, Couples: *couples, Workers: *workers,
		WithdrawEvery: *withdrawEvery, Timeout: *timeout, Seed: *seed, Keep: *keep, Log: os.Stderr})
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		rep.Print(out)
	}
	if rep.Lost() > 0 || rep.Duplicated() > 0 || !rep.AuditIntact {
		return errTrialFailed
	}
	return nil
}
