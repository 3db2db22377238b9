package calendar

import (
	"errors"
	"slices"
	"testing"
)

// The embedded file must be valid, or Default would panic at first use.
func TestEmbeddedDataIsValid(t *testing.T) {
	c, err := buildDefault()
	if err != nil {
		t.Fatalf("embedded data: %v", err)
	}
	if c.Version() != "cn-2025-2026.v1" {
		t.Errorf("Version = %q", c.Version())
	}
	if got := c.CoveredYears(); !slices.Equal(got, []int{2025, 2026}) {
		t.Errorf("CoveredYears = %v", got)
	}
	if Default() != Default() {
		t.Error("Default should build once and share the immutable calendar")
	}
	n, err := c.Notice(2026)
	if err != nil || n == "" {
		t.Errorf("Notice(2026) = %q, %v", n, err)
	}
}

// The reference computes 248 working days in each year from the notices; a
// typo in any range or make-up day would change the total.
func TestWorkingDaysPerYear(t *testing.T) {
	for _, y := range []int{2025, 2026} {
		n, err := Default().WorkingDaysIn(y)
		if err != nil {
			t.Fatal(err)
		}
		if n != 248 {
			t.Errorf("%d has %d working days, want 248", y, n)
		}
	}
	if _, err := Default().WorkingDaysIn(2027); !errors.Is(err, ErrYearNotCovered) {
		t.Errorf("WorkingDaysIn(2027) error = %v", err)
	}
}

// Holiday and make-up day totals per year, straight from the two notices.
func TestDataMatchesNotices(t *testing.T) {
	type tally struct{ holidays, makeUps int }
	want := map[int]tally{
		2025: {1 + 8 + 3 + 5 + 3 + 8, 5},
		2026: {3 + 9 + 3 + 5 + 3 + 3 + 7, 6},
	}
	for y, w := range want {
		var got tally
		for day := d("2025-01-01").AddDays(0); day.Year <= 2026; day = day.AddDays(1) {
			if day.Year != y {
				continue
			}
			info, err := Default().Day(day)
			if err != nil {
				t.Fatal(err)
			}
			if info.Holiday != "" {
				got.holidays++
			}
			if info.MakeUp {
				got.makeUps++
			}
		}
		if got != w {
			t.Errorf("%d: %+v, want %+v", y, got, w)
		}
	}
}

func TestDay(t *testing.T) {
	cases := []struct {
		date string
		want DayInfo
	}{
		{"2026-01-16", DayInfo{Working: true}},                              // Friday
		{"2026-01-17", DayInfo{Weekend: true}},                              // Saturday
		{"2026-01-01", DayInfo{Holiday: "元旦"}},                              // Thursday, holiday
		{"2026-01-04", DayInfo{Working: true, MakeUp: true, Weekend: true}}, // make-up Sunday
		{"2026-02-14", DayInfo{Working: true, MakeUp: true, Weekend: true}},
		{"2026-02-15", DayInfo{Holiday: "春节", Weekend: true}},
		{"2026-02-23", DayInfo{Holiday: "春节"}}, // Monday inside the range
		{"2026-02-24", DayInfo{Working: true}},
		{"2026-02-28", DayInfo{Working: true, MakeUp: true, Weekend: true}},
		{"2026-09-20", DayInfo{Working: true, MakeUp: true, Weekend: true}},
		{"2026-09-25", DayInfo{Holiday: "中秋节"}},
		{"2026-10-07", DayInfo{Holiday: "国庆节"}},
		{"2026-10-10", DayInfo{Working: true, MakeUp: true, Weekend: true}},
		{"2025-01-26", DayInfo{Working: true, MakeUp: true, Weekend: true}},
		{"2025-02-08", DayInfo{Working: true, MakeUp: true, Weekend: true}},
		{"2025-04-27", DayInfo{Working: true, MakeUp: true, Weekend: true}},
		{"2025-09-28", DayInfo{Working: true, MakeUp: true, Weekend: true}},
		{"2025-10-08", DayInfo{Holiday: "国庆节、中秋节"}},
		{"2025-10-11", DayInfo{Working: true, MakeUp: true, Weekend: true}},
		{"2025-10-12", DayInfo{Weekend: true}},
		{"2025-05-05", DayInfo{Holiday: "劳动节"}},
		{"2025-09-03", DayInfo{Working: true}}, // no national day off was found for the 80th anniversary
	}
	for _, c := range cases {
		c.want.Date = d(c.date)
		got, err := Default().Day(d(c.date))
		if err != nil {
			t.Errorf("Day(%s): %v", c.date, err)
			continue
		}
		if got != c.want {
			t.Errorf("Day(%s) = %+v, want %+v", c.date, got, c.want)
		}
		ok, err := Default().IsWorkingDay(d(c.date))
		if err != nil || ok != c.want.Working {
			t.Errorf("IsWorkingDay(%s) = %v, %v", c.date, ok, err)
		}
	}
}

func TestUncoveredYearFails(t *testing.T) {
	for _, s := range []string{"2027-01-04", "2024-12-31", "2027-06-15"} {
		_, err := Default().Day(d(s))
		if !errors.Is(err, ErrYearNotCovered) {
			t.Fatalf("Day(%s) error = %v, want ErrYearNotCovered", s, err)
		}
		var yerr *YearNotCoveredError
		if !errors.As(err, &yerr) || yerr.Year != d(s).Year || yerr.Date != d(s) || yerr.Version != "cn-2025-2026.v1" {
			t.Errorf("Day(%s) error = %#v", s, err)
		}
		if _, err := Default().IsWorkingDay(d(s)); !errors.Is(err, ErrYearNotCovered) {
			t.Errorf("IsWorkingDay(%s) error = %v", s, err)
		}
	}
	if _, err := Default().Day(Date{2026, 2, 30}); !errors.Is(err, ErrInvalidDate) {
		t.Errorf("Day(2026-02-30) error = %v", err)
	}
}
