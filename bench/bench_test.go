package bench

import (
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"civilflow/idnumber"
)

func TestBareCaseSettlesThenDecides(t *testing.T) {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	env.RegisterWorkflowWithOptions(BareCase, workflow.RegisterOptions{Name: bareWorkflow})
	env.RegisterActivityWithOptions(BareStep, activity.RegisterOptions{Name: bareActivity})
	var early error
	env.RegisterDelayedCallback(func() {
		env.UpdateWorkflow(bareAct, "early", &testsuite.TestUpdateCallback{
			OnReject: func(err error) { early = err }, OnAccept: func() {}, OnComplete: func(any, error) {}})
		env.UpdateWorkflow(bareSubmit, "s", &testsuite.TestUpdateCallback{
			OnReject: func(err error) { t.Errorf("submit rejected: %v", err) }, OnAccept: func() {},
			OnComplete: func(v any, err error) {
				if err != nil || v.(int) != 3 {
					t.Errorf("submit: %v %v", v, err)
				}
			}})
	}, time.Second)
	env.RegisterDelayedCallback(func() {
		env.UpdateWorkflow(bareAct, "a", &testsuite.TestUpdateCallback{
			OnReject: func(err error) { t.Errorf("act rejected: %v", err) }, OnAccept: func() {},
			OnComplete: func(v any, err error) {
				if err != nil {
					t.Errorf("act: %v", err)
				}
			}})
	}, 2*time.Second)
	env.ExecuteWorkflow(bareWorkflow)
	if !env.IsWorkflowCompleted() || env.GetWorkflowError() != nil {
		t.Fatalf("completed %v, error %v", env.IsWorkflowCompleted(), env.GetWorkflowError())
	}
	if early == nil {
		t.Error("an act before the submission was accepted")
	}
}

func TestPercentileNearestRank(t *testing.T) {
	var ds []time.Duration
	for i := 100; i >= 1; i-- { // unsorted on purpose
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	for _, c := range []struct {
		p    float64
		want time.Duration
	}{{50, 50 * time.Millisecond}, {95, 95 * time.Millisecond}, {99, 99 * time.Millisecond}, {100, 100 * time.Millisecond}, {0, time.Millisecond}} {
		if got := Percentile(ds, c.p); got != c.want {
			t.Errorf("p%v = %v, want %v", c.p, got, c.want)
		}
	}
	if got := Percentile([]time.Duration{7 * time.Second}, 99); got != 7*time.Second {
		t.Errorf("one sample: p99 = %v", got)
	}
	if got := Percentile(nil, 50); got != 0 {
		t.Errorf("no samples: %v", got)
	}
}

// The pacer keeps the offered rate whatever the caller's delays: arrivals
// are due at start + n/rate, not after the previous one returned.
func TestPacerOffersTheRateRegardlessOfDelays(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := NewPacer(start, 20)
	for n := range 100 {
		if got, want := p.Next(), start.Add(time.Duration(n)*50*time.Millisecond); !got.Equal(want) {
			t.Fatalf("arrival %d due %v, want %v", n, got.Sub(start), want.Sub(start))
		}
	}
	p = NewPacer(start, 30)
	var last time.Time
	for range 31 {
		last = p.Next()
	}
	if d := last.Sub(start); d < 999*time.Millisecond || d > time.Second {
		t.Errorf("31st arrival at 30/s due after %v, want 1s", d)
	}
}

// Every couple is two valid, distinct identity numbers of an existing
// region, a man and a woman, never seen before in the run.
func TestCoupleNFreshValidCouples(t *testing.T) {
	seen := map[string]bool{}
	for n := range 5000 {
		c := CoupleN(n)
		for i, id := range []string{c.Man, c.Woman} {
			if err := idnumber.Validate(id, time.Now()); err != nil {
				t.Fatalf("couple %d: %s: %v", n, id, err)
			}
			info, _ := idnumber.Parse(id)
			if want := []idnumber.Sex{idnumber.Male, idnumber.Female}[i]; info.Sex != want {
				t.Fatalf("couple %d: %s has sex %v, want %v", n, id, info.Sex, want)
			}
			if idnumber.AgeOn(info.Birth, time.Now()) < 22 {
				t.Fatalf("couple %d: %s is under marriage age", n, id)
			}
			if seen[id] {
				t.Fatalf("couple %d: %s seen before", n, id)
			}
			seen[id] = true
		}
	}
}

func TestParseLoads(t *testing.T) {
	got, err := ParseLoads("1, 16", "20,2.5")
	if err != nil {
		t.Fatal(err)
	}
	want := []Load{{Concurrency: 1}, {Concurrency: 16}, {Rate: 20}, {Rate: 2.5}}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
	for _, bad := range [][2]string{{"0", ""}, {"x", ""}, {"", "-1"}} {
		if _, err := ParseLoads(bad[0], bad[1]); err == nil {
			t.Errorf("%q %q accepted", bad[0], bad[1])
		}
	}
}
