package calendar

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

// Every expected date below was worked out by hand from the 2025 and 2026
// notices; the comments show the count.
func TestCount(t *testing.T) {
	civil := []string{BasisCivilCode201}
	civilExt := []string{BasisCivilCode201, BasisCivilCode203}
	month := []string{BasisCivilCode201, BasisCivilCode202}
	monthExt := []string{BasisCivilCode201, BasisCivilCode202, BasisCivilCode203}
	lic := []string{BasisLicensing82}

	cases := []struct {
		name     string
		from     string
		n        int
		unit     Unit
		nominal  string
		last     string
		basis    []string
		ruleHas  []string
		extended bool
	}{
		// Divorce cooling-off: day 30 is 2026-02-15 (Sun, 春节 02-15..02-23).
		{"divorce cooling-off over Spring Festival", "2026-01-16", 30, CalendarDays, "2026-02-15", "2026-02-24", civilExt,
			[]string{"day 30 is 2026-02-15, a rest day (春节), so the period ends on the next working day 2026-02-24"}, true},
		// The joint-appearance window: 02-24 + 30 = 03-26 (Thu).
		{"divorce window", "2026-02-24", 30, CalendarDays, "2026-03-26", "2026-03-26", civil,
			[]string{"a working day, so the period ends that day"}, false},
		// 09-08 + 30 = 10-08, last day of 国庆节、中秋节 10-01..10-08; 10-09 is Thursday.
		{"ends on National Day 2025", "2025-09-08", 30, CalendarDays, "2025-10-08", "2025-10-09", civilExt,
			[]string{"(国庆节、中秋节)"}, true},
		// 10-09 + 30 = 11-08 (Sat); 11-10 is Monday.
		{"ends on a Saturday", "2025-10-09", 30, CalendarDays, "2025-11-08", "2025-11-10", civilExt,
			[]string{"a rest day (Saturday)"}, true},
		// 01-29 + 30 = 02-28, a make-up Saturday: offices are open, no extension.
		{"ends on make-up Saturday 2026-02-28", "2026-01-29", 30, CalendarDays, "2026-02-28", "2026-02-28", civil,
			[]string{"a Saturday but a make-up working day (调休)"}, false},
		// 09-11 + 30 = 10-11, a make-up Saturday.
		{"ends on make-up Saturday 2025-10-11", "2025-09-11", 30, CalendarDays, "2025-10-11", "2025-10-11", civil, nil, false},
		// 01-15 + 30 = 02-14, the make-up Saturday before Spring Festival.
		{"ends on make-up Saturday 2026-02-14", "2026-01-15", 30, CalendarDays, "2026-02-14", "2026-02-14", civil, nil, false},
		// 2026-01-04 is a make-up Sunday.
		{"ends on make-up Sunday 2026-01-04", "2026-01-03", 1, CalendarDays, "2026-01-04", "2026-01-04", civil, nil, false},
		// The event day may lie in an uncovered year; it is never classified.
		{"event in 2024, period in 2025", "2024-12-31", 1, CalendarDays, "2025-01-01", "2025-01-02", civilExt, []string{"(元旦)"}, true},
		// 12-26 + 7 = 2026-01-02 (元旦 01-01..01-03); 01-04 is a make-up Sunday.
		{"extension lands on make-up Sunday", "2025-12-26", 7, CalendarDays, "2026-01-02", "2026-01-04", civilExt, nil, true},

		// Working days, Spring Festival 2026 (02-15..02-23, make-up 02-14 and 02-28).
		// 02-11, 02-12, 02-13, 02-14 (make-up), [02-15..02-23], 02-24.
		{"5 working days before Spring Festival", "2026-02-10", 5, WorkingDays, "2026-02-24", "2026-02-24", lic,
			[]string{"skipped 9 days of 春节", "counted make-up working day 2026-02-14"}, false},
		// 02-14, 02-24, 02-25, 02-26, 02-27.
		{"5 working days from the Friday before", "2026-02-13", 5, WorkingDays, "2026-02-27", "2026-02-27", lic, nil, false},
		// 1-4: 02-11..02-14; 5-9: 02-24..02-28; 10-14: 03-02..03-06; 15-19: 03-09..03-13; 20: 03-16.
		{"20 working days across Spring Festival", "2026-02-10", 20, WorkingDays, "2026-03-16", "2026-03-16", lic,
			[]string{"skipped 9 days of 春节, 5 weekend days", "make-up working days 2026-02-14, 2026-02-28"}, false},

		// National Day 2025 (10-01..10-08, make-up 09-28 and 10-11).
		// 09-26, 09-28 (make-up), 09-29, 09-30, [10-01..10-08], 10-09.
		{"5 working days before National Day 2025", "2025-09-25", 5, WorkingDays, "2025-10-09", "2025-10-09", lic, nil, false},
		// 5: 10-09, 6: 10-10, 7: 10-11 (make-up), 8-12: 10-13..10-17, 13-17: 10-20..10-24, 18: 10-27, 19: 10-28, 20: 10-29.
		{"20 working days across National Day 2025", "2025-09-25", 20, WorkingDays, "2025-10-29", "2025-10-29", lic,
			[]string{"8 days of 国庆节、中秋节", "2025-09-28, 2025-10-11"}, false},

		// Mid-Autumn (09-25..09-27) and National Day 2026 (10-01..10-07, make-up 09-20 and 10-10).
		// 09-24, [09-25..27], 09-28, 09-29, 09-30, [10-01..07], 10-08.
		{"5 working days across Mid-Autumn and National Day 2026", "2026-09-23", 5, WorkingDays, "2026-10-08", "2026-10-08", lic,
			[]string{"3 days of 中秋节, 7 days of 国庆节"}, false},
		// 5: 10-08, 6: 10-09, 7: 10-10 (make-up), 8-12: 10-12..10-16, 13-17: 10-19..10-23, 18: 10-26, 19: 10-27, 20: 10-28.
		{"20 working days across National Day 2026", "2026-09-23", 20, WorkingDays, "2026-10-28", "2026-10-28", lic, nil, false},
		// 1: 09-18, 2: 09-20 (make-up Sun), 3-6: 09-21..09-24, 7-9: 09-28..09-30, 10: 10-08, 11: 10-09,
		// 12: 10-10 (make-up Sat), 13-17: 10-12..10-16, 18: 10-19, 19: 10-20, 20: 10-21.
		{"20 working days with both 2026 autumn make-up days", "2026-09-17", 20, WorkingDays, "2026-10-21", "2026-10-21", lic,
			[]string{"2026-09-20, 2026-10-10"}, false},
		// 2026-01-01..03 are off, 01-04 (Sun) is the first working day of 2026.
		{"1 working day over New Year 2026", "2025-12-31", 1, WorkingDays, "2026-01-04", "2026-01-04", lic, nil, false},

		// Months.
		// February 2026 has no 31st; 02-28 is a make-up Saturday, so no extension.
		{"1 month from 31 January 2026", "2026-01-31", 1, Months, "2026-02-28", "2026-02-28", month,
			[]string{"February 2026 has no day 31", "make-up working day"}, false},
		// 2025-02-28 is a Friday.
		{"1 month from 31 January 2025", "2025-01-31", 1, Months, "2025-02-28", "2025-02-28", month, nil, false},
		{"month end to shorter month", "2026-03-31", 1, Months, "2026-04-30", "2026-04-30", month, nil, false},
		// 2026-03-15 is a Sunday.
		{"12 months ending on a Sunday", "2025-03-15", 12, Months, "2026-03-15", "2026-03-16", monthExt,
			[]string{"the corresponding day of the final month is 2026-03-15, a rest day (Sunday)"}, true},
		// 2026-01-31 is a Saturday.
		{"1 month across the year end", "2025-12-31", 1, Months, "2026-01-31", "2026-02-02", monthExt, nil, true},
		{"1 month into Spring Festival", "2026-01-15", 1, Months, "2026-02-15", "2026-02-24", monthExt, []string{"(春节)"}, true},
		{"12 months from a leap day", "2024-02-29", 12, Months, "2025-02-28", "2025-02-28", month, nil, false},
		{"6 months to end of February", "2025-08-31", 6, Months, "2026-02-28", "2026-02-28", month, nil, false},
		{"12 months to year end", "2025-12-31", 12, Months, "2026-12-31", "2026-12-31", month, nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Default().Count(d(c.from), c.n, c.unit)
			if err != nil {
				t.Fatal(err)
			}
			if got.From != d(c.from) || got.N != c.n || got.Unit != c.unit {
				t.Errorf("echo = %s %d %s", got.From, got.N, got.Unit)
			}
			if got.Nominal != d(c.nominal) || got.Last != d(c.last) || got.Extended != c.extended {
				t.Errorf("nominal %s last %s extended %v; want %s %s %v\nrule: %s",
					got.Nominal, got.Last, got.Extended, c.nominal, c.last, c.extended, got.Rule)
			}
			if !slices.Equal(got.Basis, c.basis) {
				t.Errorf("basis %v, want %v", got.Basis, c.basis)
			}
			for _, s := range c.ruleHas {
				if !strings.Contains(got.Rule, s) {
					t.Errorf("rule %q\nlacks %q", got.Rule, s)
				}
			}
			if got.CalendarVersion != "cn-2025-2026.v1" {
				t.Errorf("CalendarVersion = %q", got.CalendarVersion)
			}
			// The end of the period really is a working day.
			if ok, err := Default().IsWorkingDay(got.Last); err != nil || !ok {
				t.Errorf("Last %s is not a working day (%v)", got.Last, err)
			}
		})
	}
}

// The exact wording matters: it is shown to applicants and officers.
func TestCountRuleText(t *testing.T) {
	got, err := Default().Count(d("2026-01-16"), 30, CalendarDays)
	if err != nil {
		t.Fatal(err)
	}
	want := "30 calendar days from the day after 2026-01-16 (Civil Code 201); day 30 is 2026-02-15, a rest day (春节), so the period ends on the next working day 2026-02-24 (Civil Code 203)"
	if got.Rule != want {
		t.Errorf("Rule =\n%s\nwant\n%s", got.Rule, want)
	}

	got, err = Default().Count(d("2026-02-12"), 1, WorkingDays)
	if err != nil {
		t.Fatal(err)
	}
	want = "1 working day from the day after 2026-02-12 (Administrative Licensing Law 82: Monday to Friday and make-up working days, excluding statutory holidays); working day 1 is 2026-02-13"
	if got.Rule != want {
		t.Errorf("Rule =\n%s\nwant\n%s", got.Rule, want)
	}
}

func TestCountErrors(t *testing.T) {
	c := Default()
	for _, n := range []int{0, -1, MaxPeriod + 1} {
		if _, err := c.Count(d("2026-01-16"), n, CalendarDays); err == nil {
			t.Errorf("Count(n=%d) succeeded", n)
		}
	}
	if _, err := c.Count(d("2026-01-16"), 30, Unit("days")); !errors.Is(err, ErrUnknownUnit) {
		t.Errorf("unknown unit error = %v", err)
	}
	if _, err := c.Count(Date{2026, 2, 30}, 1, CalendarDays); !errors.Is(err, ErrInvalidDate) {
		t.Errorf("invalid date error = %v", err)
	}

	// 2026-12-20 (Sun): 9 working days remain in 2026 (12-21..25, 12-28..31),
	// so the 20th lies in 2027, which has no data.
	_, err := c.Count(d("2026-12-20"), 20, WorkingDays)
	var yerr *YearNotCoveredError
	if !errors.Is(err, ErrYearNotCovered) || !errors.As(err, &yerr) || yerr.Year != 2027 {
		t.Errorf("20 working days from 2026-12-20: error = %v, want year 2027 not covered", err)
	}
	// 9 working days still fit in 2026.
	if dl, err := c.Count(d("2026-12-20"), 9, WorkingDays); err != nil || dl.Last != d("2026-12-31") {
		t.Errorf("9 working days from 2026-12-20 = %v, %v", dl.Last, err)
	}
	// A nominal last day in 2027 fails even though 2027-01-05 is a Tuesday:
	// without the notice nobody knows it is not a holiday.
	if _, err := c.Count(d("2026-12-06"), 30, CalendarDays); !errors.Is(err, ErrYearNotCovered) {
		t.Errorf("calendar days into 2027: error = %v", err)
	}
	if _, err := c.Count(d("2026-12-31"), 1, Months); !errors.Is(err, ErrYearNotCovered) {
		t.Errorf("month into 2027: error = %v", err)
	}
}

// A rest-day extension that would have to scan into an uncovered year fails.
func TestExtensionIntoUncoveredYear(t *testing.T) {
	c, err := New(File{Name: "fixture.yaml", Data: []byte(`
version: fixture-2030
years:
  - year: 2030
    notice: test fixture, not an official notice
    holidays:
      - {name: 测试, from: 2030-12-31, to: 2030-12-31}
`)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Count(d("2030-12-30"), 1, CalendarDays)
	var yerr *YearNotCoveredError
	if !errors.As(err, &yerr) || yerr.Year != 2031 || yerr.Version != "fixture-2030" {
		t.Errorf("error = %v, want year 2031 not covered", err)
	}
	if !strings.Contains(err.Error(), "extending past rest day 2030-12-31") {
		t.Errorf("error %q does not say what it was doing", err)
	}
}

func TestWorkingDaysBetween(t *testing.T) {
	cases := []struct {
		from, to string
		want     int
	}{
		{"2026-02-10", "2026-02-10", 0},
		{"2026-02-10", "2026-02-24", 5},  // 02-11, 12, 13, 14 (make-up), 24
		{"2026-02-24", "2026-02-10", -5}, // same days, counted backwards
		{"2026-02-14", "2026-02-23", 0},  // only the holiday follows 02-14
		{"2026-02-13", "2026-02-14", 1},  // the make-up Saturday counts
		{"2026-02-10", "2026-03-16", 20}, // agrees with Count
		{"2025-12-31", "2026-12-31", 248},
		{"2024-12-31", "2025-12-31", 248}, // 2024-12-31 itself is not examined
	}
	for _, c := range cases {
		got, err := Default().WorkingDaysBetween(d(c.from), d(c.to))
		if err != nil || got != c.want {
			t.Errorf("WorkingDaysBetween(%s, %s) = %d, %v; want %d", c.from, c.to, got, err, c.want)
		}
	}
	// Going backwards from 2025-01-02 examines 2025-01-01 and 2025-01-02 only.
	if got, err := Default().WorkingDaysBetween(d("2025-01-02"), d("2024-12-31")); err != nil || got != -1 {
		t.Errorf("backwards over New Year = %d, %v; want -1", got, err)
	}
	if _, err := Default().WorkingDaysBetween(d("2026-12-01"), d("2027-01-05")); !errors.Is(err, ErrYearNotCovered) {
		t.Errorf("range into 2027: error = %v", err)
	}
}

func TestDeadlineJSONAndEndsAt(t *testing.T) {
	dl, err := Default().Count(d("2026-01-16"), 30, CalendarDays)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(dl)
	if err != nil {
		t.Fatal(err)
	}
	var back Deadline
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Last != dl.Last || back.Nominal != dl.Nominal || back.Unit != dl.Unit || back.Rule != dl.Rule || !slices.Equal(back.Basis, dl.Basis) {
		t.Errorf("JSON round trip: %s", b)
	}
	if !strings.Contains(string(b), `"last":"2026-02-24"`) {
		t.Errorf("JSON = %s", b)
	}

	cst := time.FixedZone("CST", 8*3600)
	end := dl.EndsAt(cst)
	if !end.Equal(time.Date(2026, 2, 25, 0, 0, 0, 0, cst)) {
		t.Errorf("EndsAt = %v, want 24:00 on 2026-02-24", end)
	}
}
