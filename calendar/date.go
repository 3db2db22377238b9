package calendar

import (
	"fmt"
	"time"
)

// dateLayout is the only textual form of a Date, in data files and on the wire.
const dateLayout = "2006-01-02"

// Date is a civil date without time of day or zone. Legal periods are counted
// in whole days, so carrying a time.Time would invite off-by-one errors at
// midnight and across zones.
//
// The zero Date means "no date"; it marshals as an empty string.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate reads a date in the form "2006-01-02" and rejects dates that do
// not exist, such as 2026-02-29.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return Date{}, fmt.Errorf("calendar: invalid date %q: want YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// MustParseDate is ParseDate for constants in code and tests; it panics on a
// bad date.
func MustParseDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// DateOf returns the date part of t in t's own location. Convert t first
// (t.In(loc)) if the date in another zone is wanted, e.g. Asia/Shanghai.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// t is the date at midnight UTC; UTC has no DST, so day arithmetic is exact.
func (d Date) t() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}

// String returns the date as "2006-01-02".
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// Valid reports whether d names a day that exists (Date is a plain struct, so
// a literal such as {2026, 2, 30} can be built).
func (d Date) Valid() bool {
	return d.Year >= 1 && d.Year <= 9999 && DateOf(d.t()) == d
}

// AddDays returns the date n days after d (before d if n is negative).
func (d Date) AddDays(n int) Date {
	return DateOf(d.t().AddDate(0, 0, n))
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.t().Weekday() }

// Compare returns -1, 0 or +1 as d is before, equal to or after o.
func (d Date) Compare(o Date) int {
	switch {
	case d.Year != o.Year:
		return cmpInt(d.Year, o.Year)
	case d.Month != o.Month:
		return cmpInt(int(d.Month), int(o.Month))
	default:
		return cmpInt(d.Day, o.Day)
	}
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Before reports whether d is before o.
func (d Date) Before(o Date) bool { return d.Compare(o) < 0 }

// After reports whether d is after o.
func (d Date) After(o Date) bool { return d.Compare(o) > 0 }

// Equal reports whether d and o are the same day.
func (d Date) Equal(o Date) bool { return d == o }

// DaysUntil returns the number of days from d to o (negative if o is before d).
func (d Date) DaysUntil(o Date) int {
	// Both are UTC midnights, so the difference is an exact multiple of 24h.
	return int(o.t().Sub(d.t()) / (24 * time.Hour))
}

// In returns midnight at the start of d in loc (UTC if loc is nil).
func (d Date) In(loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// addMonths moves d by n months under Civil Code 202: the same-numbered day
// of the final month, or that month's last day if it has no such day. clamped
// reports the second case.
func (d Date) addMonths(n int) (end Date, clamped bool) {
	total := int(d.Month) - 1 + n
	y := d.Year + floorDiv(total, 12)
	m := time.Month(total - floorDiv(total, 12)*12 + 1)
	// Day 0 of the next month is the last day of month m.
	last := time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
	if d.Day > last {
		return Date{Year: y, Month: m, Day: last}, true
	}
	return Date{Year: y, Month: m, Day: d.Day}, false
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// MarshalText writes "2006-01-02", or nothing for the zero Date, so Date
// works as a JSON string and a YAML scalar.
func (d Date) MarshalText() ([]byte, error) {
	if d.IsZero() {
		return []byte{}, nil
	}
	if !d.Valid() {
		return nil, fmt.Errorf("calendar: cannot marshal invalid date %s", d)
	}
	return []byte(d.String()), nil
}

// UnmarshalText reads "2006-01-02"; empty text gives the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
