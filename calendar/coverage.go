package calendar

import (
	"fmt"
	"time"
)

// CoverageWarnDays is how far ahead of the end of its data the calendar
// warns. The State Council publishes the next year's notice in the autumn,
// so a warning 60 days before 31 December leaves time to load it.
const CoverageWarnDays = 60

// CoveredUntil returns 31 December of the last year with holiday data, and
// false for a calendar without any year.
func (c *Calendar) CoveredUntil() (Date, bool) {
	c = c.cur()
	ys := c.CoveredYears()
	if len(ys) == 0 {
		return Date{}, false
	}
	return Date{Year: ys[len(ys)-1], Month: time.December, Day: 31}, true
}

// CoverageWarning says what an operator must do when the calendar's data
// ends within ahead days of today, or does not cover today at all; it is ""
// while the data reaches far enough. Periods running past the end are
// flagged pending-calendar rather than guessed, so the fix is to load the
// next year's notice (serve --calendar-dir).
func (c *Calendar) CoverageWarning(today Date, ahead int) string {
	c = c.cur()
	if c.provisional {
		return c.provisionalWarning(today, ahead)
	}
	last, ok := c.CoveredUntil()
	switch {
	case !ok:
		return "the legal calendar has no holiday data at all; load the State Council's holiday notices (serve --calendar-dir)"
	case !c.Covers(today.Year):
		return fmt.Sprintf("the legal calendar has no holiday data for %d, today's year (calendar %s covers %s): "+
			"periods reaching into it are pending until the %d holiday notice is loaded (serve --calendar-dir)",
			today.Year, c.version, yearList(c.CoveredYears()), today.Year)
	case today.DaysUntil(last) < ahead:
		return fmt.Sprintf("the legal calendar's data ends on %s, in %d days (calendar %s): periods reaching into %d "+
			"will be pending until the %d holiday notice is loaded (serve --calendar-dir)",
			last, today.DaysUntil(last), c.version, last.Year+1, last.Year+1)
	default:
		return ""
	}
}

// provisionalWarning is CoverageWarning for a calendar that counts years
// without a notice provisionally: nothing waits, but dates will move.
func (c *Calendar) provisionalWarning(today Date, ahead int) string {
	last, ok := c.CoveredUntil()
	switch {
	case !ok || !c.Covers(today.Year):
		return fmt.Sprintf("the legal calendar has no holiday notice for %d, today's year (calendar %s covers %s): "+
			"periods are counted provisionally and recounted when the notice is loaded (civilflow calendar load)",
			today.Year, c.version, yearList(c.CoveredYears()))
	case today.DaysUntil(last) < ahead:
		return fmt.Sprintf("the legal calendar's data ends on %s, in %d days (calendar %s): periods reaching into %d "+
			"are counted provisionally until the %d holiday notice is loaded (civilflow calendar load)",
			last, today.DaysUntil(last), c.version, last.Year+1, last.Year+1)
	}
	return ""
}
