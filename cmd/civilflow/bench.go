package main

import (
	"context"
	"encoding/json"
	"flag"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"civilflow/bench"
)

// benchCmd runs "civilflow bench": civilflow's API against bare Temporal
// on one embedded server started for the run.
func benchCmd(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	quick := fs.Bool("quick", false, "a smoke run of about 30 s: one repetition, short phases")
	closed := fs.String("concurrency", "1,16,32", "closed-loop client counts, comma-separated (empty: none)")
	open := fs.String("rate", "20,30", "open-loop rates in cases per second, comma-separated (empty: none)")
	reps := fs.Int("repetitions", 0, "repetitions of every load, arms alternating (default 3, 1 with --quick; at most 10)")
	dur := fs.Duration("duration", 0, "how long each arm is loaded at each level (default 6s, 1.5s with --quick; at most 1m)")
	drain := fs.Duration("drain", 0, "how long an open loop's cases in flight are awaited after it stops (default 10s, 3s with --quick; at most 1m)")
	profile := fs.String("cpuprofile", "", "write a CPU profile of arm A at the largest closed loop of the first repetition to this file")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg := bench.Default()
	if *quick {
		cfg = bench.Quick()
	}
	loads, err := bench.ParseLoads(*closed, *open)
	if err != nil {
		return err
	}
	cfg.Loads = loads
	if *reps > 0 {
		cfg.Repetitions = min(*reps, 10)
	}
	if *dur > 0 {
		cfg.Duration = min(*dur, time.Minute)
	}
	if *drain > 0 {
		cfg.Drain = min(*drain, time.Minute)
	}
	cfg.CPUProfile = *profile
	cfg.Log = os.Stderr
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := bench.Run(ctx, cfg)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	rep.Print(out)
	return nil
}
