package trial

import (
	"strings"
	"testing"

	"civilflow/idnumber"
)

// TestCouplesAreValidAndDistinct: the load's people have valid numbers, a
// man and a woman each, and nobody appears twice, so no submission is
// refused as a second open case of the same person.
func TestCouplesAreValidAndDistinct(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range makeCouples(MaxCouples, 12345) {
		for i, n := range []string{c.man, c.woman} {
			info, err := idnumber.Parse(n)
			if err != nil {
				t.Fatalf("%s: %v", n, err)
			}
			if want := [2]idnumber.Sex{idnumber.Male, idnumber.Female}[i]; info.Sex != want {
				t.Fatalf("%s is %s, want %s", n, info.Sex, want)
			}
			if seen[n] {
				t.Fatalf("%s appears twice", n)
			}
			seen[n] = true
		}
	}
}

// TestCrashConfigBounded: a trial cannot be asked for more than its limits.
func TestCrashConfigBounded(t *testing.T) {
	for _, c := range []CrashConfig{{Kills: MaxKills + 1}, {Couples: MaxCouples + 1}, {Timeout: MaxTimeout + 1}, {Kills: -1}} {
		c.Binary = "trial_test.go" // exists; never run
		if err := c.defaults(); err == nil || !strings.Contains(err.Error(), "must be") {
			t.Errorf("%+v accepted: %v", c, err)
		}
	}
	c := CrashConfig{Binary: "trial_test.go"}
	if err := c.defaults(); err != nil || c.Kills != 3 || c.Couples != 20 || c.Seed == 0 {
		t.Errorf("defaults: %+v, %v", c, err)
	}
}
