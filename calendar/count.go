package calendar

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Unit is the unit a legal period is expressed in.
type Unit string

// The units of Count.
const (
	// CalendarDays counts every day from the day after the event, then moves
	// a last day that is a rest day to the next working day (民法典 201, 203).
	CalendarDays Unit = "calendar-days"
	// WorkingDays counts only working days after the event (行政许可法 82).
	WorkingDays Unit = "working-days"
	// Months ends on the same-numbered day of the final month, or its last day,
	// then applies the rest-day extension (民法典 201, 202, 203).
	Months Unit = "months"
)

// Valid reports whether u is one of the known units.
func (u Unit) Valid() bool {
	return u == CalendarDays || u == WorkingDays || u == Months
}

// ErrUnknownUnit is returned by Count for a Unit other than the three known ones.
var ErrUnknownUnit = errors.New("calendar: unknown unit")

// MaxPeriod bounds n in Count. No statutory period comes near it; the bound
// keeps a bad request from scanning or overflowing.
const MaxPeriod = 36500

// The legal articles named in Deadline.Basis.
const (
	BasisCivilCode201 = "民法典第二百零一条"  // start the day after the event
	BasisCivilCode202 = "民法典第二百零二条"  // month periods end on the corresponding day
	BasisCivilCode203 = "民法典第二百零三条"  // a last day that is a rest day moves to the next working day
	BasisLicensing82  = "行政许可法第八十二条" // licensing periods are in working days
)

// Deadline is the result of counting a period, with an explanation a person
// can read. It is plain data (JSON-friendly) so a case can store it.
type Deadline struct {
	From            Date     `json:"from"`     // the day of the triggering event (not counted)
	N               int      `json:"n"`        // the length of the period
	Unit            Unit     `json:"unit"`     // the unit of N
	Nominal         Date     `json:"nominal"`  // last day before any rest-day extension
	Last            Date     `json:"last"`     // last day of the period, after extension
	Extended        bool     `json:"extended"` // Nominal was a rest day, so Last is later
	Rule            string   `json:"rule"`     // how Last was reached, in words
	Basis           []string `json:"basis"`    // legal articles applied
	CalendarVersion string   `json:"calendar_version"`
	// Provisional is set when a day the count classified lies in a year
	// without a loaded notice (see Calendar.Provisional); Reason says why,
	// and the period must be counted again once the notice is loaded.
	Provisional       bool   `json:"provisional,omitempty"`
	ProvisionalReason string `json:"provisional_reason,omitempty"`
}

// EndsAt returns the instant the period expires: 24:00 at the end of Last in
// loc, i.e. midnight starting the next day (民法典第二百零三条第二款). Where an
// office has business hours, the act must be done before they close that day.
func (dl Deadline) EndsAt(loc *time.Location) time.Time {
	return dl.Last.AddDays(1).In(loc)
}

// Count counts n units from the event on day from. n must be between 1 and
// MaxPeriod. Any day the count has to classify must lie in a covered year,
// else the error matches ErrYearNotCovered: a nominal last day in an uncovered
// year fails even if it is a weekday, because it could be a holiday.
func (c *Calendar) Count(from Date, n int, unit Unit) (Deadline, error) {
	c = c.cur()
	if !from.Valid() {
		return Deadline{}, fmt.Errorf("%w: %s", ErrInvalidDate, from)
	}
	if n < 1 || n > MaxPeriod {
		return Deadline{}, fmt.Errorf("calendar: period length %d is outside 1..%d", n, MaxPeriod)
	}
	dl := Deadline{From: from, N: n, Unit: unit, CalendarVersion: c.version + c.regionVersion()}
	var err error
	switch unit {
	case CalendarDays:
		err = c.countCalendarDays(&dl)
	case Months:
		err = c.countMonths(&dl)
	case WorkingDays:
		err = c.countWorkingDays(&dl)
	default:
		return Deadline{}, fmt.Errorf("%w %q (want %s, %s or %s)", ErrUnknownUnit, unit, CalendarDays, WorkingDays, Months)
	}
	if err != nil {
		return Deadline{}, fmt.Errorf("counting %s from %s: %w", plural(n, unit), from, err)
	}
	// The days classified: every day counted for working days, the
	// nominal last day and any extension otherwise.
	first := dl.Nominal
	if unit == WorkingDays {
		first = from.AddDays(1)
	}
	for y := first.Year; y <= dl.Last.Year; y++ {
		if yd, err := c.year(y, Date{Year: y, Month: time.January, Day: 1}); err == nil && yd.provisional {
			dl.Provisional = true
			dl.ProvisionalReason = ProvisionalReason(y)
			dl.Basis = append(dl.Basis, BasisHolidayMeasures)
			dl.Rule += "; provisional: " + ProvisionalReason(y)
			break
		}
	}
	return dl, nil
}

func (c *Calendar) countCalendarDays(dl *Deadline) error {
	dl.Nominal = dl.From.AddDays(dl.N)
	dl.Basis = []string{BasisCivilCode201}
	intro := fmt.Sprintf("%s from the day after %s (Civil Code 201); day %d is %s",
		plural(dl.N, CalendarDays), dl.From, dl.N, dl.Nominal)
	return c.extend(dl, intro)
}

func (c *Calendar) countMonths(dl *Deadline) error {
	nominal, clamped := dl.From.addMonths(dl.N)
	dl.Nominal = nominal
	dl.Basis = []string{BasisCivilCode201, BasisCivilCode202}
	var intro string
	if clamped {
		intro = fmt.Sprintf("%s from %s (Civil Code 201, 202): %s %d has no day %d, so the period runs to that month's last day, %s",
			plural(dl.N, Months), dl.From, nominal.Month, nominal.Year, dl.From.Day, nominal)
	} else {
		intro = fmt.Sprintf("%s from %s (Civil Code 201, 202): the corresponding day of the final month is %s",
			plural(dl.N, Months), dl.From, nominal)
	}
	return c.extend(dl, intro)
}

// extend applies Civil Code 203 to dl.Nominal and finishes dl.
func (c *Calendar) extend(dl *Deadline, intro string) error {
	info, err := c.Day(dl.Nominal)
	if err != nil {
		return err
	}
	if info.Working {
		dl.Last = dl.Nominal
		dl.Rule = fmt.Sprintf("%s, %s, so the period ends that day", intro, info.describe())
		return nil
	}
	last := dl.Nominal
	for {
		last = last.AddDays(1)
		ok, err := c.IsWorkingDay(last)
		if err != nil {
			return fmt.Errorf("extending past rest day %s: %w", dl.Nominal, err)
		}
		if ok {
			break
		}
	}
	dl.Last = last
	dl.Extended = true
	dl.Basis = append(dl.Basis, BasisCivilCode203)
	dl.Rule = fmt.Sprintf("%s, %s, so the period ends on the next working day %s (Civil Code 203)",
		intro, info.describe(), last)
	return nil
}

func (c *Calendar) countWorkingDays(dl *Deadline) error {
	d := dl.From
	var holidays []string // in order of first appearance, for the explanation
	holidayDays := map[string]int{}
	var weekends int
	var makeUps []string
	for count := 0; count < dl.N; {
		d = d.AddDays(1)
		info, err := c.Day(d)
		if err != nil {
			return err
		}
		switch {
		case info.Working:
			count++
			if info.MakeUp {
				makeUps = append(makeUps, d.String())
			}
		case info.Holiday != "":
			if holidayDays[info.Holiday] == 0 {
				holidays = append(holidays, info.Holiday)
			}
			holidayDays[info.Holiday]++
		default:
			weekends++
		}
	}
	dl.Nominal, dl.Last = d, d
	dl.Basis = []string{BasisLicensing82}

	var b strings.Builder
	fmt.Fprintf(&b, "%s from the day after %s (Administrative Licensing Law 82: Monday to Friday and make-up working days, excluding statutory holidays); working day %d is %s",
		plural(dl.N, WorkingDays), dl.From, dl.N, d)
	var skipped []string
	for _, h := range holidays {
		skipped = append(skipped, fmt.Sprintf("%d %s of %s", holidayDays[h], dayWord(holidayDays[h]), h))
	}
	if weekends > 0 {
		skipped = append(skipped, fmt.Sprintf("%d weekend %s", weekends, dayWord(weekends)))
	}
	if len(skipped) > 0 {
		fmt.Fprintf(&b, "; skipped %s", strings.Join(skipped, ", "))
	}
	if len(makeUps) > 0 {
		fmt.Fprintf(&b, "; counted make-up working %s %s", dayWord(len(makeUps)), strings.Join(makeUps, ", "))
	}
	dl.Rule = b.String()
	return nil
}

// WorkingDaysBetween counts the working days strictly after from up to and
// including to; if to is before from the result is the negated count of
// working days strictly after to up to and including from. So for a deadline
// on its last day Last, WorkingDaysBetween(today, Last) is the working days
// remaining: 0 on the last day itself, negative once it has passed.
// Every day in the range must lie in a covered year.
func (c *Calendar) WorkingDaysBetween(from, to Date) (int, error) {
	c = c.cur()
	if !from.Valid() || !to.Valid() {
		return 0, fmt.Errorf("%w: %s or %s", ErrInvalidDate, from, to)
	}
	sign := 1
	if to.Before(from) {
		from, to, sign = to, from, -1
	}
	n := 0
	for d := from.AddDays(1); !d.After(to); d = d.AddDays(1) {
		ok, err := c.IsWorkingDay(d)
		if err != nil {
			return 0, err
		}
		if ok {
			n++
		}
	}
	return sign * n, nil
}

// WorkingDaysIn counts the working days of a covered year; useful to check a
// data file against the total its notice implies.
func (c *Calendar) WorkingDaysIn(year int) (int, error) {
	c = c.cur()
	if _, err := c.year(year, Date{Year: year, Month: time.January, Day: 1}); err != nil {
		return 0, err
	}
	// From 1 January itself, not from the day before: that day lies in
	// another year, which need not be covered (or exist, for year 1).
	jan1 := Date{year, time.January, 1}
	n, err := c.WorkingDaysBetween(jan1, Date{year, time.December, 31})
	if err != nil {
		return 0, err
	}
	if ok, _ := c.IsWorkingDay(jan1); ok {
		n++
	}
	return n, nil
}

func plural(n int, u Unit) string {
	word := map[Unit]string{CalendarDays: "calendar day", WorkingDays: "working day", Months: "month"}[u]
	if word == "" {
		word = string(u)
	}
	if n != 1 {
		word += "s"
	}
	return fmt.Sprintf("%d %s", n, word)
}

func dayWord(n int) string {
	if n == 1 {
		return "day"
	}
	return "days"
}
