package calendar

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestM21ProvisionalCounting2027 counts across 2027, for which no notice is
// loaded, with the statutory holidays of 全国年节及纪念日放假办法 (2024) art. 2
// (元旦 1, 春节 4 from 除夕, 清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3) and the
// day in lieu of art. 6 for a holiday on a weekend. The lunar and solar-term
// dates are computed, not typed: 除夕 2027-02-05, 清明 04-05, 端午 06-09,
// 中秋 09-15.
func TestM21ProvisionalCounting2027(t *testing.T) {
	cal := Default().Provisional()
	days := []struct {
		day     Date
		holiday string
		working bool
	}{
		{Date{2027, 1, 1}, "元旦", false},
		{Date{2027, 2, 4}, "", true},
		{Date{2027, 2, 5}, "春节", false}, // 除夕
		{Date{2027, 2, 6}, "春节", false}, // 正月初一, computed
		{Date{2027, 2, 8}, "春节", false}, // 初三
		{Date{2027, 2, 9}, "春节（补假）", false},
		{Date{2027, 2, 10}, "春节（补假）", false},
		{Date{2027, 2, 11}, "", true},
		{Date{2027, 4, 5}, "清明节", false},
		{Date{2027, 5, 3}, "劳动节（补假）", false},
		{Date{2027, 6, 9}, "端午节", false},
		{Date{2027, 9, 15}, "中秋节", false},
		{Date{2027, 10, 5}, "国庆节（补假）", false},
		{Date{2027, 10, 6}, "", true},
	}
	for _, tc := range days {
		info, err := cal.Day(tc.day)
		if err != nil {
			t.Fatalf("%s: %v", tc.day, err)
		}
		if info.Holiday != tc.holiday || info.Working != tc.working || !info.Provisional {
			t.Errorf("%s: holiday %q working %v provisional %v, want %q %v true", tc.day, info.Holiday, info.Working, info.Provisional, tc.holiday, tc.working)
		}
	}

	counts := []struct {
		from        Date
		n           int
		unit        Unit
		last        Date
		provisional bool
	}{
		// Divorce received 2026-12-02: day 30 is 元旦, then a weekend.
		{Date{2026, 12, 2}, 30, CalendarDays, Date{2027, 1, 4}, true},
		// Day 30 lands on 正月初一 (a Saturday): after 春节 and its two days in lieu.
		{Date{2027, 1, 7}, 30, CalendarDays, Date{2027, 2, 11}, true},
		{Date{2026, 12, 2}, 30, WorkingDays, Date{2027, 1, 14}, true},
		// 60 working days from 2027-01-04 skip 春节 with its days in lieu.
		{Date{2027, 1, 4}, 60, WorkingDays, Date{2027, 4, 2}, true},
		{Date{2027, 4, 30}, 1, WorkingDays, Date{2027, 5, 5}, true},
		// A period inside 2026 never touches 2027: not provisional.
		{Date{2026, 11, 2}, 30, CalendarDays, Date{2026, 12, 2}, false},
		// Working days through 2026 only, though the count starts there.
		{Date{2026, 12, 1}, 5, WorkingDays, Date{2026, 12, 8}, false},
	}
	for _, tc := range counts {
		dl, err := cal.Count(tc.from, tc.n, tc.unit)
		if err != nil {
			t.Fatalf("%s +%d %s: %v", tc.from, tc.n, tc.unit, err)
		}
		if dl.Last != tc.last || dl.Provisional != tc.provisional {
			t.Errorf("%s +%d %s: last %s provisional %v, want %s %v (%s)", tc.from, tc.n, tc.unit, dl.Last, dl.Provisional, tc.last, tc.provisional, dl.Rule)
		}
		if tc.provisional && (!strings.Contains(dl.ProvisionalReason, "2027") || !strings.Contains(dl.Rule, "provisional")) {
			t.Errorf("%s +%d: the reason must name the year and the rule say provisional: %q / %q", tc.from, tc.n, dl.ProvisionalReason, dl.Rule)
		}
	}

	// Without Provisional the calendar still refuses to guess, and a year
	// before the 2024 revision is never counted provisionally.
	if _, err := Default().Count(Date{2026, 12, 2}, 30, CalendarDays); !errors.Is(err, ErrYearNotCovered) {
		t.Errorf("strict calendar: %v, want ErrYearNotCovered", err)
	}
	if _, err := cal.Day(Date{2024, 5, 1}); !errors.Is(err, ErrYearNotCovered) {
		t.Errorf("2024 is before the revision: %v, want ErrYearNotCovered", err)
	}
}

// TestM21ProvisionalYearsFollowTheirNotices checks the computation against
// the two notices loaded: every statutory day the 办法 names is a day off in
// the notice of 2025 and of 2026, so the provisional count can only miss
// bridging days and make-up days, never a holiday.
func TestM21ProvisionalYearsFollowTheirNotices(t *testing.T) {
	for _, y := range []int{2025, 2026} {
		yd := provisionalYear(y)
		for d, name := range yd.holidays {
			if strings.Contains(name, "补假") {
				continue // placed by custom, the notice may put it elsewhere
			}
			info, err := Default().Day(d)
			if err != nil || info.Holiday == "" {
				t.Errorf("%d: computed %s (%s) is not a day off in the notice (%v)", y, d, name, err)
			}
		}
	}
}

// TestM20GuangxiSanyuesanCountsAsRestDay: in Guangxi "壮族三月三" (2025-03-31 and
// 04-01, notice of the region's government of 2025-02-26) are days off for
// everyone, so neither a working day (行政许可法第八十二条) nor the end of a
// period (民法典第二百零三条) there; elsewhere they are ordinary days. The
// review's case: office 450103, accepted 2025-03-24.
func TestM20GuangxiSanyuesanCountsAsRestDay(t *testing.T) {
	nat := Default()
	gx := nat.ForDivision("450103")
	for _, tc := range []struct {
		cal  *Calendar
		n    int
		want Date
	}{
		{nat, 5, Date{2025, 3, 31}}, {nat, 30, Date{2025, 5, 8}},
		{gx, 5, Date{2025, 4, 2}}, {gx, 30, Date{2025, 5, 12}},
		{nat.ForDivision("110105"), 30, Date{2025, 5, 8}},
	} {
		dl, err := tc.cal.Count(Date{2025, 3, 24}, tc.n, WorkingDays)
		if err != nil {
			t.Fatal(err)
		}
		if dl.Last != tc.want {
			t.Errorf("%s: %d working days end %s, want %s", tc.cal.Version(), tc.n, dl.Last, tc.want)
		}
	}
	if v := gx.Version(); !strings.Contains(v, "gx-2025.v1") {
		t.Errorf("a Guangxi count must record the regional data in its version, got %q", v)
	}
	if v := nat.Version(); strings.Contains(v, "gx-") {
		t.Errorf("the national version must not name regional data, got %q", v)
	}
	info, _ := gx.Day(Date{2025, 3, 31})
	if info.Working || info.Holiday != "壮族三月三" {
		t.Errorf("2025-03-31 in Guangxi: %+v", info)
	}
	// A calendar-day period whose last day is 三月三 moves past it there only.
	dl, _ := gx.Count(Date{2025, 3, 1}, 30, CalendarDays)
	if dl.Last != (Date{2025, 4, 2}) {
		t.Errorf("30 days from 2025-03-01 in Guangxi end %s, want 2025-04-02", dl.Last)
	}
}

func TestRegionalFileRules(t *testing.T) {
	_, err := New(File{Name: "r.yaml", Data: []byte("version: r.v1\nregion: \"45\"\nyears:\n  - year: 2025\n    notice: n\n    makeup_workdays: [2025-03-27]\n")})
	if err == nil || !strings.Contains(err.Error(), "six-digit") || !strings.Contains(err.Error(), "make-up working day 2025-03-27 is a Thursday") {
		t.Errorf("want the bad region and the weekday make-up day refused, got %v", err)
	}
}

type memSource struct {
	stamp string
	files []File
}

func (m *memSource) CalendarStamp(context.Context) (string, error) { return m.stamp, nil }
func (m *memSource) CalendarFiles(context.Context) ([]File, error) { return m.files, nil }

// File2027 is a test notice for 2027 (not the real one, which is not
// published): 春节 with bridging days and a make-up Saturday, enough to move
// a provisional date.
var File2027 = File{Name: "cn-2027-test.yaml", Data: []byte(`version: cn-2027-test.v1
years:
  - year: 2027
    notice: test notice for 2027
    holidays:
      - {name: 元旦, from: 2027-01-01, to: 2027-01-04}
      - {name: 春节, from: 2027-02-05, to: 2027-02-12}
    makeup_workdays: [2027-02-20]
`)}

// TestM21LiveCalendarTakesALoadedYear: a year loaded into the source is used
// after Refresh (or the next check), and replaces the provisional count.
func TestM21LiveCalendarTakesALoadedYear(t *testing.T) {
	src := &memSource{stamp: "0"}
	cal, err := NewLive(context.Background(), Default().Provisional(), src)
	if err != nil {
		t.Fatal(err)
	}
	before, err := cal.Count(Date{2026, 12, 2}, 30, CalendarDays)
	if err != nil || !before.Provisional || before.Last != (Date{2027, 1, 4}) {
		t.Fatalf("before: %+v %v", before, err)
	}
	src.stamp, src.files = "1", []File{File2027}
	if err := cal.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	after, err := cal.Count(Date{2026, 12, 2}, 30, CalendarDays)
	if err != nil || after.Provisional || after.Last != (Date{2027, 1, 5}) {
		t.Fatalf("after: %+v %v", after, err)
	}
	if !strings.Contains(cal.Version(), "cn-2027-test.v1") || !cal.Covers(2027) {
		t.Errorf("version %q", cal.Version())
	}
	// A bad file in the source keeps the last good calendar.
	src.stamp, src.files = "2", []File{File2027, File2027}
	if err := cal.Refresh(context.Background()); err == nil || cal.LastError() == nil {
		t.Error("a duplicate year must be refused")
	}
	if !cal.Covers(2027) {
		t.Error("the last good calendar must stay in use")
	}
}

// TestM21CoverageWarningWhenProvisional: a calendar that counts provisionally
// still warns before its data ends, and says periods are provisional rather
// than pending.
func TestM21CoverageWarningWhenProvisional(t *testing.T) {
	cal := Default().Provisional()
	w := cal.CoverageWarning(Date{2026, 12, 2}, CoverageWarnDays)
	if !strings.Contains(w, "provisionally") || !strings.Contains(w, "2027") || strings.Contains(w, "pending") {
		t.Errorf("warning %q", w)
	}
	if w := cal.CoverageWarning(Date{2026, 3, 1}, CoverageWarnDays); w != "" {
		t.Errorf("no warning expected in March, got %q", w)
	}
	if w := cal.CoverageWarning(Date{2027, 1, 5}, CoverageWarnDays); !strings.Contains(w, "today's year") {
		t.Errorf("in 2027: %q", w)
	}
}

// TestM20GuangxiPastYears: in 2017 Guangxi took the national make-up
// Saturday 4月1日 off for 三月三 and worked 4月8日 instead (notice of
// 2017-02-10); elsewhere 4月1日 was worked and 4月8日 was not.
func TestM20GuangxiPastYears(t *testing.T) {
	cal, err := Default().WithPastYears()
	if err != nil {
		t.Fatal(err)
	}
	gx, bj := cal.ForDivision("450102"), cal.ForDivision("110105")
	for _, tc := range []struct {
		day        Date
		gxW, elseW bool
	}{
		{Date{2017, 3, 30}, false, true},
		{Date{2017, 4, 1}, false, true},
		{Date{2017, 4, 8}, true, false},
		{Date{2024, 4, 12}, false, true},
		{Date{2023, 4, 21}, false, true},
	} {
		g, _ := gx.Day(tc.day)
		b, _ := bj.Day(tc.day)
		if g.Working != tc.gxW || b.Working != tc.elseW {
			t.Errorf("%s: Guangxi working %v, Beijing %v; want %v, %v", tc.day, g.Working, b.Working, tc.gxW, tc.elseW)
		}
	}
}
