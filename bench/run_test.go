package bench

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// A short run of both arms against a real embedded civilflow completes
// its cases (arm A's registered as approved marriages through the API)
// and reports them; the timings are not asserted.
func TestRunQuickBothArmsComplete(t *testing.T) {
	if testing.Short() {
		t.Skip("starts an embedded civilflow")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cfg := Config{Loads: []Load{{Concurrency: 1}, {Rate: 4}}, Repetitions: 1, Duration: time.Second, Drain: 5 * time.Second}
	rep, err := Run(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Phases) != 4 || len(rep.Rows) != 4 {
		t.Fatalf("%d phases and %d rows, want 4 and 4", len(rep.Phases), len(rep.Rows))
	}
	for _, ph := range rep.Phases {
		if ph.Completed == 0 || ph.Failed != 0 || ph.Unfinished != 0 {
			t.Errorf("arm %s at %s: %d completed, %d failed (%s), %d unfinished",
				ph.Arm, ph.Load, ph.Completed, ph.Failed, ph.FirstError, ph.Unfinished)
		}
		if len(ph.submits) != ph.Completed || len(ph.acts) != ph.Completed {
			t.Errorf("arm %s at %s: %d submit and %d act timings for %d cases", ph.Arm, ph.Load, len(ph.submits), len(ph.acts), ph.Completed)
		}
	}
	var out bytes.Buffer
	rep.Print(&out)
	for _, want := range []string{"| closed 1 | A |", "| open 4/s | B |", "A/B"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
}
