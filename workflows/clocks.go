package workflows

import (
	"fmt"
	"slices"
	"time"

	"go.temporal.io/sdk/workflow"

	"civilflow/procedures"
)

// ClockStopped is the status of a clock whose case ended before it was met
// (e.g. the application was withdrawn).
const ClockStopped = "stopped"

type wakeKind int

const (
	wakeNone wakeKind = iota
	wakeStageTimer
	wakeReminder
	wakeClockExpiry
	wakeRetry // count again what waits for calendar data
)

// RetryCalendarEvery is how often a period waiting for calendar data is
// counted again.
const RetryCalendarEvery = time.Hour

// RecountProvisionalEvery is how often a provisional period (a year without
// a loaded notice, M21) is counted again: the notice is published once a
// year, so a day's delay changes no outcome and keeps histories short.
const RecountProvisionalEvery = 24 * time.Hour

type wakeUp struct {
	kind     wakeKind
	at       time.Time
	clock    int
	reminder int
}

// nextWake finds the earliest timer of the waiting stage: its own period,
// a reminder of a running clock, or a running clock's end.
func (c *caseRun) nextWake(ctx workflow.Context, due *Deadline) wakeUp {
	w := wakeUp{kind: wakeNone}
	consider := func(k wakeKind, at time.Time, clock, reminder int) {
		if w.kind == wakeNone || at.Before(w.at) {
			w = wakeUp{kind: k, at: at, clock: clock, reminder: reminder}
		}
	}
	retry, recount := false, false
	if due != nil {
		if due.PendingCalendar != "" {
			retry = true
		} else {
			// A provisional period runs on its provisional date meanwhile.
			consider(wakeStageTimer, due.EndsAt, -1, -1)
			recount = recount || due.Provisional != ""
		}
	}
	for i, cs := range c.state.Clocks {
		if cs.Status == ClockRunning && cs.PendingCalendar != "" {
			retry = true
		}
		if cs.Status == ClockRunning && cs.Provisional != "" {
			recount = true
		}
		if cs.Status != ClockRunning || cs.EndsAt == nil {
			continue
		}
		for j, r := range cs.Reminders {
			if !r.Sent {
				consider(wakeReminder, r.At, i, j)
			}
		}
		consider(wakeClockExpiry, *cs.EndsAt, i, -1)
	}
	if retry {
		consider(wakeRetry, workflow.Now(ctx).Add(RetryCalendarEvery), -1, -1)
	} else if recount {
		consider(wakeRetry, workflow.Now(ctx).Add(RecountProvisionalEvery), -1, -1)
	}
	return w
}

func (c *caseRun) clock(name string) int {
	for i, cs := range c.state.Clocks {
		if cs.Name == name {
			return i
		}
	}
	return -1
}

// updateClocks applies entering stage to every clock of the procedure:
// start, stand still, resume where it stopped, or be met.
func (c *caseRun) updateClocks(ctx workflow.Context, stage string) error {
	for _, def := range c.def.Clocks {
		i := c.clock(def.Name)
		if i < 0 {
			if stage == def.StartsAt {
				if err := c.startClock(ctx, def, false); err != nil {
					return err
				}
			}
			continue
		}
		cs := &c.state.Clocks[i]
		if slices.Contains(def.RestartsAt, stage) {
			c.state.Clocks = slices.Delete(c.state.Clocks, i, i+1)
			if err := c.startClock(ctx, def, true); err != nil {
				return err
			}
			continue
		}
		active := cs.Status == ClockRunning || cs.Status == ClockSuspended || cs.Status == ClockOverdue
		switch {
		case active && slices.Contains(def.StopsAt, stage):
			late := cs.Status == ClockOverdue
			cs.Status = ClockMet
			note := "met by " + c.today(ctx)
			if late {
				note = "met late, after " + cs.LastDay
			}
			c.event(ctx, Event{Actor: SystemActor, Action: "clock-met:" + def.Name, StageFrom: stage, Opinion: note, Basis: def.Basis})
		case cs.Status == ClockRunning && slices.Contains(def.SuspendedIn, stage):
			if err := c.suspendClock(ctx, cs, stage); err != nil {
				return err
			}
		case cs.Status == ClockSuspended && !slices.Contains(def.SuspendedIn, stage):
			if err := c.resumeClock(ctx, cs, def, stage); err != nil {
				return err
			}
		}
	}
	return nil
}

// startClock starts a clock; a restart always counts from the day of the
// stage entry that restarts it.
func (c *caseRun) startClock(ctx workflow.Context, def procedures.Clock, restart bool) error {
	today := c.today(ctx)
	if def.From == procedures.FromReceipt && !restart {
		today = c.in.ReceivedAt.In(ChinaTime).Format(time.DateOnly)
	}
	// A local length (a province's shorter limit) replaces the national one.
	length := procedures.Length(c.def.Params, def.Length, def.LengthParam, c.in.Office)
	res, reason, err := c.count(ctx, DeadlineInput{From: today, Length: length, Unit: def.Unit, Reminders: def.Reminders})
	if err != nil {
		return err
	}
	cs := ClockState{Name: def.Name, Title: def.Title, Status: ClockRunning, Unit: def.Unit, Length: length,
		StartedOn: today, Basis: def.Basis, PendingFrom: today, PendingLength: length, PendingUnit: def.Unit}
	c.setPeriod(ctx, &cs, res, reason)
	c.state.Clocks = append(c.state.Clocks, cs)
	last := res.LastDay
	if reason != "" {
		last = "not yet known (" + reason + ")"
	}
	action := "clock-start:"
	if restart {
		action = "clock-restart:"
	}
	c.event(ctx, Event{Actor: SystemActor, Action: action + def.Name, StageFrom: def.StartsAt,
		Opinion: fmt.Sprintf("%d %s; last day %s", length, def.Unit, last), Basis: def.Basis})
	return nil
}

// setPeriod installs a counted period on a clock, keeping only reminders
// that still lie ahead; with a reason the period stays pending (the count
// to retry stays in PendingFrom/Length/Unit).
func (c *caseRun) setPeriod(ctx workflow.Context, cs *ClockState, res DeadlineResult, reason string) {
	cs.PendingCalendar = reason
	if reason != "" {
		cs.LastDay, cs.EndsAt, cs.Reminders, cs.Rule, cs.Provisional = "", nil, nil, "", ""
		return
	}
	// A provisional count keeps what to count again once the notice is in.
	if cs.Provisional = res.Provisional; cs.Provisional == "" {
		cs.PendingFrom, cs.PendingLength, cs.PendingUnit = "", 0, ""
	}
	cs.NominalLastDay = res.NominalLastDay
	end := endOfDay(res.LastDay)
	cs.LastDay, cs.EndsAt, cs.Rule, cs.CalendarVersion = res.LastDay, &end, res.Rule, res.CalendarVersion
	now := workflow.Now(ctx)
	cs.Reminders = nil
	for _, r := range res.ReminderDays {
		if at := startOfDay(r.Day); at.After(now) {
			cs.Reminders = append(cs.Reminders, Reminder{Before: r.Before, At: at})
		}
	}
}

func (c *caseRun) suspendClock(ctx workflow.Context, cs *ClockState, stage string) error {
	today := c.today(ctx)
	if cs.PendingCalendar != "" {
		// Without its last day nothing can be carried over; the stage's days
		// are noted for the operator who adds the calendar year.
		c.event(ctx, Event{Actor: SystemActor, Action: "clock-suspend:" + cs.Name, StageFrom: stage,
			Opinion: "the clock waits for calendar data; the days from " + today + " must be added by hand", Basis: cs.Basis})
		return nil
	}
	last := cs.LastDay
	if cs.NominalLastDay != "" {
		last = cs.NominalLastDay // rest days added at the end are not time the office had
	}
	var rem RemainingResult
	err := workflow.ExecuteActivity(activityCtx(ctx), ActivityCountRemaining,
		RemainingInput{From: today, LastDay: last, Unit: cs.Unit, Office: c.in.Office}).Get(ctx, &rem)
	if err != nil {
		return err
	}
	st, _ := c.def.Stage(stage)
	cs.Status, cs.Remaining, cs.RemainingUnit = ClockSuspended, rem.Remaining, rem.Unit
	cs.SuspendedSince, cs.SuspendedReason = today, st.Title
	cs.LastDay, cs.NominalLastDay, cs.EndsAt, cs.Reminders, cs.Provisional = "", "", nil, nil, ""
	cs.PendingFrom, cs.PendingLength, cs.PendingUnit = "", 0, ""
	c.event(ctx, Event{Actor: SystemActor, Action: "clock-suspend:" + cs.Name, StageFrom: stage,
		Opinion: fmt.Sprintf("%d %s left; stands still during %s", rem.Remaining, rem.Unit, st.Title.Zh), Basis: cs.Basis})
	return nil
}

func (c *caseRun) resumeClock(ctx workflow.Context, cs *ClockState, def procedures.Clock, stage string) error {
	today := c.today(ctx)
	if c.timerEnded != "" && c.timerEnded < today {
		// A period that ran out at 24:00 ended the suspension: the clock
		// counts on from the next day, not from the day after that.
		today = c.timerEnded
	}
	var res DeadlineResult
	var reason string
	if cs.Remaining < 1 {
		// Suspended on its last day: it ends on the day it resumes.
		res = DeadlineResult{LastDay: today, Rule: "resumed on its last day", CalendarVersion: cs.CalendarVersion}
	} else {
		var reminders []int
		for _, r := range def.Reminders {
			if r < cs.Remaining {
				reminders = append(reminders, r)
			}
		}
		var err error
		if res, reason, err = c.count(ctx, DeadlineInput{From: today, Length: cs.Remaining, Unit: cs.RemainingUnit, Reminders: reminders}); err != nil {
			return err
		}
		cs.PendingFrom, cs.PendingLength, cs.PendingUnit = today, cs.Remaining, cs.RemainingUnit
	}
	c.setPeriod(ctx, cs, res, reason)
	cs.Status, cs.SuspendedSince, cs.SuspendedReason = ClockRunning, "", procedures.Text{}
	c.event(ctx, Event{Actor: SystemActor, Action: "clock-resume:" + cs.Name, StageFrom: stage,
		Opinion: fmt.Sprintf("%d %s left; last day %s", cs.Remaining, cs.RemainingUnit, res.LastDay), Basis: cs.Basis})
	cs.Remaining, cs.RemainingUnit = 0, ""
	return nil
}

// extend grants a clock its one extension, counted on from the period's
// nominal last day (N10): the law extends the period, not the rest days
// that Civil Code 203 added at its end.
func (c *caseRun) extend(ctx workflow.Context, st procedures.Stage, name string, req ActRequest) error {
	i := c.clock(name)
	def, _ := c.def.Clock(name)
	cs := &c.state.Clocks[i]
	x := def.Extension
	extra := procedures.Length(c.def.Params, x.Length, x.LengthParam, c.in.Office)
	from := cs.LastDay
	if cs.NominalLastDay != "" {
		from = cs.NominalLastDay
	}
	res, reason, err := c.count(ctx, DeadlineInput{From: from, Length: extra, Unit: x.Unit, Reminders: def.Reminders})
	if err != nil {
		return err
	}
	previous := cs.LastDay
	cs.PendingFrom, cs.PendingLength, cs.PendingUnit = from, extra, x.Unit
	c.setPeriod(ctx, cs, res, reason)
	cs.Extended = true
	c.event(ctx, Event{Actor: req.Actor.Subject, ActorName: req.Actor.Name, Role: x.By, Office: c.in.Office,
		Action: req.Action, StageFrom: st.ID, StageTo: st.ID,
		Opinion: fmt.Sprintf("%s (last day %s → %s)", req.Opinion, previous, res.LastDay), Basis: x.Basis})
	c.refreshActions()
	return nil
}

// validateExtension decides whether an actor may extend a clock now.
func (c *caseRun) validateExtension(name string, req ActRequest) error {
	def, ok := c.def.Clock(name)
	if !ok || def.Extension == nil {
		return rejected("clock %q cannot be extended", name)
	}
	i := c.clock(name)
	if i < 0 || c.state.Clocks[i].Status != ClockRunning {
		return rejected("clock %q is not running", name)
	}
	if c.state.Clocks[i].Extended {
		return rejected("clock %q was already extended", name)
	}
	if office := procedures.OfficeAt(c.in.Office, def.Extension.Level); !holdsRole(req.Actor, def.Extension.By, office) {
		return rejected("extending %q requires the role %s in a jurisdiction covering %s", name, def.Extension.By, office)
	}
	if err := c.notInterested(req.Actor.Subject, "extend its time limit"); err != nil {
		return err
	}
	if c.noOpinion(req.Opinion) {
		return rejected("an extension requires the reasons, which are told to the applicant")
	}
	return nil
}

// stopClocks closes the clocks of a case that ends.
func (c *caseRun) stopClocks() {
	for i := range c.state.Clocks {
		switch c.state.Clocks[i].Status {
		case ClockRunning, ClockSuspended:
			c.state.Clocks[i].Status = ClockStopped
		}
	}
}

// retryPending counts again every period still waiting for calendar data,
// and every provisional one (M21). A provisional period that the loaded
// notice settles is recorded in the trail, and when its last day moves the
// parties are told (ActionRecount).
func (c *caseRun) retryPending(ctx workflow.Context, due *Deadline) error {
	if due != nil && (due.PendingCalendar != "" || due.Provisional != "") {
		before := *due
		if err := c.countDeadline(ctx, due); err != nil {
			return err
		}
		for i := range c.state.Deadlines {
			if c.state.Deadlines[i].Name == due.Name && c.state.Deadlines[i].Active {
				c.state.Deadlines[i] = *due
			}
		}
		c.recounted(ctx, due.Name, before.Provisional, before.LastDay, due.Provisional, due.LastDay, due.CalendarVersion, due.Basis)
	}
	for i := range c.state.Clocks {
		cs := &c.state.Clocks[i]
		if (cs.PendingCalendar == "" && cs.Provisional == "") || cs.Status != ClockRunning {
			continue
		}
		def, _ := c.def.Clock(cs.Name)
		res, reason, err := c.count(ctx, DeadlineInput{From: cs.PendingFrom, Length: cs.PendingLength, Unit: cs.PendingUnit, Reminders: def.Reminders})
		if err != nil {
			return err
		}
		wasProvisional, was := cs.Provisional, cs.LastDay
		c.setPeriod(ctx, cs, res, reason)
		c.recounted(ctx, cs.Name, wasProvisional, was, cs.Provisional, cs.LastDay, cs.CalendarVersion, cs.Basis)
	}
	return nil
}

// ActionRecount is the trail entry of a provisional period counted again:
// "recount:<name>".
const ActionRecount = "recount:"

// recounted records what a recount of a provisional period changed: the
// entry when it became final, or whenever its last day moved.
func (c *caseRun) recounted(ctx workflow.Context, name, wasProvisional, was, provisional, last, version, basis string) {
	if wasProvisional == "" || last == "" || (provisional != "" && last == was) {
		return
	}
	var note string
	switch {
	case last != was && provisional == "":
		note = fmt.Sprintf("last day moved %s → %s, counted on calendar %s (was provisional)", was, last, version)
	case last != was:
		note = fmt.Sprintf("last day moved %s → %s, still provisional: %s", was, last, provisional)
	default:
		note = fmt.Sprintf("last day %s confirmed on calendar %s (was provisional)", last, version)
	}
	c.event(ctx, Event{Actor: SystemActor, Action: ActionRecount + name, StageFrom: c.state.Stage, Opinion: note, Basis: basis})
}
