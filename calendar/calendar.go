// Package calendar is the statutory calendar of the People's Republic of
// China and counts legal periods the way Chinese law does:
//
//   - a period in days starts the day after the triggering event (民法典第二百零一条);
//   - a period in months ends on the same-numbered day of the final month, or
//     that month's last day (民法典第二百零二条);
//   - a calendar-day or month period whose last day is a rest day ends on the
//     next working day (民法典第二百零三条); a make-up working day (调休) is not
//     a rest day;
//   - working-day periods count Monday to Friday plus make-up working days,
//     minus statutory holidays (行政许可法第八十二条).
//
// Holidays and make-up days come from the State Council's yearly notices and
// are kept as versioned YAML data (data/*.yaml, embedded), which operators can
// extend with further files (LoadDir, and at run time NewLive). A question
// about a year without data fails with ErrYearNotCovered instead of guessing
// that only weekends are rest days, unless the calendar counts such years
// provisionally (Provisional: the statutory holidays alone, every count marked
// provisional with the reason). Regions add their own days off
// (ForDivision). A Calendar is immutable and safe for concurrent use; a live
// one answers each call from its newest immutable snapshot.
package calendar

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ErrYearNotCovered is matched (errors.Is) by every error caused by a date in
// a year for which the calendar has no holiday data. Use errors.As with
// *YearNotCoveredError to learn the year.
var ErrYearNotCovered = errors.New("calendar: year not covered by holiday data")

// ErrInvalidDate is returned for a Date that does not exist, e.g. {2026, 2, 30}.
var ErrInvalidDate = errors.New("calendar: invalid date")

// YearNotCoveredError says which year is missing, so a case can be flagged
// with something an operator can act on (publish that year's data file).
type YearNotCoveredError struct {
	Year    int    // the year without data
	Date    Date   // the date that was asked about
	Version string // the calendar version that lacks it
	Covered []int  // the years the calendar does cover
}

// Error names the year, the date and what the calendar covers.
func (e *YearNotCoveredError) Error() string {
	return fmt.Sprintf("calendar: no holiday data for year %d (date %s); calendar %s covers %s; add the official %d holiday notice",
		e.Year, e.Date, e.Version, yearList(e.Covered), e.Year)
}

// Unwrap makes errors.Is(err, ErrYearNotCovered) true.
func (e *YearNotCoveredError) Unwrap() error { return ErrYearNotCovered }

func yearList(ys []int) string {
	if len(ys) == 0 {
		return "no years"
	}
	s := make([]string, len(ys))
	for i, y := range ys {
		s[i] = strconv.Itoa(y)
	}
	return strings.Join(s, ", ")
}

// yearData is one year's notice, already validated.
type yearData struct {
	year     int
	notice   string
	url      string
	file     string          // where it was loaded from, for duplicate-year errors
	holidays map[Date]string // every day off, weekends inside ranges included
	makeUp   map[Date]bool   // weekend days that are working days
	// provisional marks a year built from the statutory holidays alone
	// because its notice is not loaded (provisionalYear).
	provisional bool
}

// Calendar is a merged set of yearly holiday data with a version naming its
// sources. Build one with Default, Load, LoadDir or New.
type Calendar struct {
	version string
	years   map[int]*yearData
	// provisional counts a year without a notice from the statutory
	// holidays (Provisional) instead of failing with ErrYearNotCovered.
	provisional bool
	// regions holds the regional holidays by division code (M20); division
	// is the office a view from ForDivision counts for, "" nationally.
	regions  map[string]*region
	division string
	// live, when set, makes every method answer from the newest snapshot
	// (NewLive); a snapshot itself has no live.
	live *live
}

// Version names the data the calendar was built from: the version strings of
// all its sources joined by "+", e.g. "cn-2025-2026.v1+cn-2027.v1". Record it
// with every deadline so a later data change can be traced.
func (c *Calendar) Version() string {
	c = c.cur()
	return c.version + c.regionVersion()
}

// CoveredYears returns the years with holiday data, in ascending order.
func (c *Calendar) CoveredYears() []int {
	c = c.cur()
	ys := make([]int, 0, len(c.years))
	for y := range c.years {
		ys = append(ys, y)
	}
	slices.Sort(ys)
	return ys
}

// Covers reports whether the calendar has holiday data for year.
func (c *Calendar) Covers(year int) bool {
	c = c.cur()
	_, ok := c.years[year]
	return ok
}

// Notice returns the official notice the data for year was taken from.
func (c *Calendar) Notice(year int) (string, error) {
	c = c.cur()
	yd, err := c.year(year, Date{Year: year, Month: time.January, Day: 1})
	if err != nil {
		return "", err
	}
	return yd.notice, nil
}

func (c *Calendar) year(y int, asked Date) (*yearData, error) {
	yd, ok := c.years[y]
	if !ok && c.provisional && y >= ProvisionalFrom && y <= ProvisionalUntil {
		return provisionalYears(y), nil
	}
	if !ok {
		return nil, &YearNotCoveredError{Year: y, Date: asked, Version: c.version, Covered: c.CoveredYears()}
	}
	return yd, nil
}

// DayInfo describes one day of the legal calendar.
type DayInfo struct {
	Date    Date   `json:"date"`
	Working bool   `json:"working"`           // offices work: counts as a working day, ends an extension
	Holiday string `json:"holiday,omitempty"` // name of the statutory holiday (zh), or ""
	MakeUp  bool   `json:"make_up"`           // a weekend day made a working day (调休上班)
	Weekend bool   `json:"weekend"`           // Saturday or Sunday, whatever its status
	// Provisional is set for a day of a year without a loaded notice,
	// classified from the statutory holidays alone.
	Provisional bool `json:"provisional,omitempty"`
}

// Day classifies d. It fails with ErrYearNotCovered if the calendar has no
// data for d's year, and with ErrInvalidDate for a date that does not exist.
func (c *Calendar) Day(d Date) (DayInfo, error) {
	c = c.cur()
	if !d.Valid() {
		return DayInfo{}, fmt.Errorf("%w: %s", ErrInvalidDate, d)
	}
	yd, err := c.year(d.Year, d)
	if err != nil {
		return DayInfo{}, err
	}
	wd := d.Weekday()
	info := DayInfo{
		Date:        d,
		Holiday:     yd.holidays[d],
		MakeUp:      yd.makeUp[d],
		Weekend:     wd == time.Saturday || wd == time.Sunday,
		Provisional: yd.provisional,
	}
	if info.Holiday == "" {
		info.Holiday = c.regionalHoliday(d)
	}
	// A region may also make a weekend day a working day for its own
	// days off (广西 2017: 4月8日（星期六）上班).
	info.MakeUp = info.MakeUp || c.regionalMakeUp(d)
	info.Working = info.Holiday == "" && (!info.Weekend || info.MakeUp)
	return info, nil
}

// IsWorkingDay reports whether d is a working day: Monday to Friday or a
// make-up day, and not a statutory holiday.
func (c *Calendar) IsWorkingDay(d Date) (bool, error) {
	info, err := c.Day(d)
	return info.Working, err
}

// describe says in a few words why a day is or is not a working day, for the
// explanations in Deadline.Rule.
func (info DayInfo) describe() string {
	switch {
	case info.Holiday != "":
		return "a rest day (" + info.Holiday + ")"
	case info.MakeUp:
		return "a " + info.Date.Weekday().String() + " but a make-up working day (调休)"
	case info.Weekend:
		return "a rest day (" + info.Date.Weekday().String() + ")"
	default:
		return "a working day"
	}
}
