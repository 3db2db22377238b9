package calendar

import (
	"testing"
	"time"

	lunar "github.com/6tail/lunar-go/calendar"
)

// TestPastYearsSpotChecks checks days of 2008–2024 against the words of
// their notices, including the notices that changed a year afterwards.
func TestPastYearsSpotChecks(t *testing.T) {
	cal, err := Default().WithPastYears()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		day     string
		working bool
		why     string
	}{
		{"2008-02-06", false, "2008: 春节 from 除夕 (2月6日—12日)"},
		{"2008-02-03", true, "2008: 2月3日（星期日）上班"},
		{"2013-04-07", true, "2013: 4月7日（星期日）上班"},
		{"2014-01-30", true, "2014: 除夕 no longer a day off (1月31日至2月6日)"},
		{"2014-04-07", false, "2014: 4月7日（星期一）补休"},
		{"2015-09-04", false, "2015: 9月4日（星期五）调休 (国发明电〔2015〕1号)"},
		{"2015-09-06", true, "2015: 9月6日（星期日）上班"},
		{"2018-12-29", true, "2019 notice: 2018年12月29日（星期六）上班"},
		{"2018-12-31", false, "2019 notice: 2018年12月30日至2019年1月1日放假"},
		{"2019-05-02", false, "2019: 劳动节 as adjusted, 5月1日至4日"},
		{"2019-05-05", true, "2019: 5月5日（星期日）上班"},
		{"2020-01-31", false, "2020: 春节 extended to 2月2日 (国办发明电〔2020〕1号)"},
		{"2020-02-01", false, "2020: the make-up Saturday fell inside the extension"},
		{"2020-02-03", true, "2020: 2月3日起正常上班"},
		{"2024-02-09", true, "2024: 除夕 only recommended (鼓励…安排职工在除夕休息)"},
		{"2024-02-18", true, "2024: 2月18日（星期日）上班"},
		{"2024-10-12", true, "2024: 10月12日（星期六）上班"},
	} {
		info, err := cal.Day(mustDate(t, tc.day))
		if err != nil {
			t.Fatalf("%s: %v", tc.day, err)
		}
		if info.Working != tc.working || info.Provisional {
			t.Errorf("%s: working %v (provisional %v), want %v — %s", tc.day, info.Working, info.Provisional, tc.working, tc.why)
		}
	}
	// A period across the years counts on the past data: 30 days from
	// 2019-12-25 end on Friday 2020-01-24, the first day of 春节 — so on the
	// first working day after the extended festival, 2020-02-03 (民法典第二百零三条).
	dl, err := cal.Count(mustDate(t, "2019-12-25"), 30, CalendarDays)
	if err != nil || dl.Last != mustDate(t, "2020-02-03") {
		t.Errorf("30 days from 2019-12-25: %+v %v", dl, err)
	}
}

// TestPastYearsHoldEveryStatutoryDay: every day the 办法 of the time made a
// holiday, computed from the lunar calendar and not typed, is a day off in
// the loaded notices (2008–2013: 春节 除夕 to 初二; 2014–2024: 初一 to 初三;
// 元旦, 清明, 劳动节, 端午, 中秋 one day each; 国庆 three).
func TestPastYearsHoldEveryStatutoryDay(t *testing.T) {
	cal, err := Default().WithPastYears()
	if err != nil {
		t.Fatal(err)
	}
	solar := func(s *lunar.Solar) Date { return Date{s.GetYear(), time.Month(s.GetMonth()), s.GetDay()} }
	for y := 2008; y <= 2024; y++ {
		newYear := lunar.NewLunarFromYmd(y, 1, 1).GetSolar()
		first := solar(newYear)
		if y < 2014 {
			first = solar(newYear.NextDay(-1))
		}
		days := []Date{{y, time.January, 1}, first, first.AddDays(1), first.AddDays(2),
			solar(lunar.NewSolarFromYmd(y, 6, 1).GetLunar().GetJieQiTable()["清明"]), {y, time.May, 1},
			solar(lunar.NewLunarFromYmd(y, 5, 5).GetSolar()), solar(lunar.NewLunarFromYmd(y, 8, 15).GetSolar()),
			{y, time.October, 1}, {y, time.October, 2}, {y, time.October, 3}}
		for _, d := range days {
			if info, err := cal.Day(d); err != nil || info.Working {
				t.Errorf("%d: statutory day %s is not a day off (%+v, %v)", y, d, info, err)
			}
		}
		if _, err := cal.WorkingDaysIn(y); err != nil {
			t.Errorf("%d: %v", y, err)
		}
	}
}

func mustDate(t *testing.T, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
