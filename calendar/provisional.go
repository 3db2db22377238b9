package calendar

import (
	"fmt"
	"time"

	lunar "github.com/6tail/lunar-go/calendar"
)

// The years a calendar may count provisionally: the holidays of
// 全国年节及纪念日放假办法 as revised in 2024 apply from 2025; the lunar
// tables are reliable well past the end of the range.
const (
	ProvisionalFrom  = 2025
	ProvisionalUntil = 2100
)

// BasisHolidayMeasures is the regulation fixing the statutory holidays a
// provisional year is counted with.
const BasisHolidayMeasures = "全国年节及纪念日放假办法（2024年修订）第二条、第六条"

// ProvisionalReason says why a period counted in year y is provisional and
// what will change it.
func ProvisionalReason(y int) string {
	return fmt.Sprintf("no State Council holiday notice for %d is loaded: counted provisionally with the statutory holidays of "+
		"全国年节及纪念日放假办法 (2024) — 元旦, 春节 from 除夕 (4 days), 清明节, 劳动节 (2), 端午节, 中秋节, 国庆节 (3) — "+
		"with a day in lieu on the next working day for each that falls on a weekend, and no make-up working days; "+
		"recounted when the %d notice is loaded", y, y)
}

// provisionalYear builds the days off of a year without a notice from the
// statutory holidays alone. Bridging days and make-up working days are set
// by each year's notice and cannot be known; a holiday day on a weekend (or
// on another holiday) is owed on a working day (办法第六条), placed on the
// next working days after the holiday as the notices do.
func provisionalYear(y int) *yearData {
	yd := &yearData{year: y, notice: "provisional: " + BasisHolidayMeasures, holidays: map[Date]string{},
		makeUp: map[Date]bool{}, provisional: true}
	solar := func(s *lunar.Solar) Date {
		return Date{Year: s.GetYear(), Month: time.Month(s.GetMonth()), Day: s.GetDay()}
	}
	newYear := lunar.NewLunarFromYmd(y, 1, 1).GetSolar()
	qingming := lunar.NewSolarFromYmd(y, 6, 1).GetLunar().GetJieQiTable()["清明"]
	type holiday struct {
		name  string
		first Date
		days  int
	}
	list := []holiday{
		{"元旦", Date{y, time.January, 1}, 1},
		{"春节", solar(newYear.NextDay(-1)), 4}, // 除夕, 初一, 初二, 初三
		{"清明节", solar(qingming), 1},
		{"劳动节", Date{y, time.May, 1}, 2},
		{"端午节", solar(lunar.NewLunarFromYmd(y, 5, 5).GetSolar()), 1},
		{"中秋节", solar(lunar.NewLunarFromYmd(y, 8, 15).GetSolar()), 1},
		{"国庆节", Date{y, time.October, 1}, 3},
	}
	owed := map[string]int{}
	var order []string
	last := map[string]Date{}
	for _, h := range list {
		for i := range h.days {
			d := h.first.AddDays(i)
			if d.Year != y {
				continue // 除夕 of a 春节 starting in December is that year's business
			}
			if other := yd.holidays[d]; other != "" {
				// Two holidays on one day (中秋 on 国庆): one day is owed.
				yd.holidays[d] = other + "、" + h.name
				owed[h.name]++
			} else {
				yd.holidays[d] = h.name
				if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
					owed[h.name]++
				}
			}
			last[h.name] = d
		}
		order = append(order, h.name)
	}
	for _, name := range order {
		d := last[name]
		for n := owed[name]; n > 0; {
			d = d.AddDays(1)
			if d.Year != y {
				break
			}
			if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday || yd.holidays[d] != "" {
				continue
			}
			yd.holidays[d] = name + "（补假）"
			n--
		}
	}
	return yd
}
