package app

import (
	"context"
	"time"

	"civilflow/calendar"
	"civilflow/workflows"
)

// watchCalendar warns at start and then daily while the legal calendar's
// data ends within calendar.CoverageWarnDays: cases whose periods reach
// past it wait as pending-calendar, so the operator must load the next
// year's notice in time. It stops when the API shuts down.
func (a *App) watchCalendar(cal *calendar.Calendar) {
	now := a.cfg.Now
	if now == nil {
		now = time.Now
	}
	warn := func() {
		today := calendar.DateOf(now().In(workflows.ChinaTime))
		if msg := cal.CoverageWarning(today, calendar.CoverageWarnDays); msg != "" {
			last, _ := cal.CoveredUntil()
			a.cfg.Logger.Warn("legal calendar running out: "+msg, "coveredUntil", last.String(), "version", cal.Version())
		}
	}
	warn()
	ctx, cancel := context.WithCancel(context.Background())
	a.http.RegisterOnShutdown(cancel)
	go func() {
		t := time.NewTicker(24 * time.Hour)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				warn()
			}
		}
	}()
}
