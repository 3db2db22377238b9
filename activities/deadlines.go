package activities

import (
	"context"
	"errors"
	"slices"

	"go.temporal.io/sdk/temporal"

	"civilflow/calendar"
	"civilflow/workflows"
)

// ComputeDeadline counts a statutory period on the legal calendar, and the
// days on which reminders fall before its last day.
func (a *Activities) ComputeDeadline(_ context.Context, in workflows.DeadlineInput) (workflows.DeadlineResult, error) {
	from, err := calendar.ParseDate(in.From)
	if err != nil {
		return workflows.DeadlineResult{}, temporal.NewNonRetryableApplicationError("bad start date", "BadInput", err)
	}
	// One snapshot for the whole count: a year loaded meanwhile waits for
	// the next count rather than mixing two calendars in one answer.
	cal := a.Calendar.ForDivision(in.Office)
	d, err := cal.Count(from, in.Length, calendar.Unit(in.Unit))
	if err != nil {
		return workflows.DeadlineResult{}, calendarErr(err)
	}
	res := workflows.DeadlineResult{LastDay: d.Last.String(), NominalLastDay: d.Nominal.String(), Rule: d.Rule,
		CalendarVersion: d.CalendarVersion, Provisional: d.ProvisionalReason}
	befores := slices.Clone(in.Reminders)
	slices.Sort(befores)
	slices.Reverse(befores)
	for _, before := range slices.Compact(befores) {
		day, err := reminderDay(cal, d.Last, before, calendar.Unit(in.Unit))
		if err != nil {
			return workflows.DeadlineResult{}, calendarErr(err)
		}
		res.ReminderDays = append(res.ReminderDays, workflows.ReminderDay{Before: before, Day: day.String()})
	}
	return res, nil
}

// reminderDay is the day `before` units ahead of the last day: for a
// working-day period the before-th working day counting back, so people are
// reminded on a day the office is open; otherwise calendar days.
func reminderDay(cal *calendar.Calendar, last calendar.Date, before int, unit calendar.Unit) (calendar.Date, error) {
	if unit != calendar.WorkingDays {
		return last.AddDays(-before), nil
	}
	d := last
	for left := 0; left < before; {
		d = d.AddDays(-1)
		ok, err := cal.IsWorkingDay(d)
		if err != nil {
			return d, err
		}
		if ok {
			left++
		}
	}
	return d, nil
}

// CountRemaining counts what is left of a period after a day, for a clock
// that stands still; months are counted as the calendar days they hold.
func (a *Activities) CountRemaining(_ context.Context, in workflows.RemainingInput) (workflows.RemainingResult, error) {
	from, err1 := calendar.ParseDate(in.From)
	last, err2 := calendar.ParseDate(in.LastDay)
	if err := errors.Join(err1, err2); err != nil {
		return workflows.RemainingResult{}, temporal.NewNonRetryableApplicationError("bad date", "BadInput", err)
	}
	if calendar.Unit(in.Unit) == calendar.WorkingDays {
		n, err := a.Calendar.ForDivision(in.Office).WorkingDaysBetween(from, last)
		if err != nil {
			return workflows.RemainingResult{}, calendarErr(err)
		}
		return workflows.RemainingResult{Remaining: max(n, 0), Unit: in.Unit}, nil
	}
	return workflows.RemainingResult{Remaining: max(from.DaysUntil(last), 0), Unit: string(calendar.CalendarDays)}, nil
}

func calendarErr(err error) error {
	if errors.Is(err, calendar.ErrYearNotCovered) {
		return temporal.NewNonRetryableApplicationError(err.Error(), workflows.ErrTypeYearNotCovered, err)
	}
	return temporal.NewNonRetryableApplicationError(err.Error(), "BadInput", err)
}
