package calendar

import (
	"strings"
	"testing"
)

// TestD15CoverageWarning: the warning starts 60 days before the data ends,
// names the missing year and the fix, and is also given when today's year
// itself has no data.
func TestD15CoverageWarning(t *testing.T) {
	cal := Default()
	last, ok := cal.CoveredUntil()
	if !ok || last != MustParseDate("2026-12-31") {
		t.Fatalf("built-in data ends %v (%v), want 2026-12-31", last, ok)
	}
	for _, tc := range []struct {
		today string
		want  string // substring; "" means no warning
	}{
		{"2026-10-01", ""},
		{"2026-11-01", ""},                   // 60 days ahead: not yet
		{"2026-11-02", "will be pending"},    // 59 days
		{"2026-12-31", "ends on 2026-12-31"}, // the last day
		{"2027-01-04", "no holiday data for 2027"},
	} {
		got := cal.CoverageWarning(MustParseDate(tc.today), CoverageWarnDays)
		if tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
			t.Errorf("%s: warning %q, want %q", tc.today, got, tc.want)
		}
		if got != "" && !strings.Contains(got, "--calendar-dir") {
			t.Errorf("%s: warning %q does not say how to fix it", tc.today, got)
		}
	}
	// A loaded 2027 silences it for 2026.
	with2027, err := Load(File{Name: "cn-2027.yaml", Data: []byte("version: test-2027\nyears:\n  - year: 2027\n    notice: test notice\n    holidays: []\n    makeup_workdays: []\n")})
	if err != nil {
		t.Fatal(err)
	}
	if got := with2027.CoverageWarning(MustParseDate("2026-12-02"), CoverageWarnDays); got != "" {
		t.Errorf("with 2027 loaded: warning %q", got)
	}
	empty, err := New()
	if err != nil {
		t.Fatal(err)
	}
	if got := empty.CoverageWarning(MustParseDate("2026-12-02"), CoverageWarnDays); !strings.Contains(got, "no holiday data at all") {
		t.Errorf("empty calendar: warning %q", got)
	}
}
