package api

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"civilflow/calendar"
	"civilflow/policies"
	"civilflow/procedures"
	"civilflow/store"
	"civilflow/workflows"
)

// CaseView is a case's state plus its timing as of today, which only the
// API can add: the workflow's state holds dates, not "days left".
type CaseView struct {
	workflows.CaseState
	Timing Timing `json:"timing"`
	// Form is filled by viewFor, which knows the submitted form.
	Form map[string]any `json:"form,omitempty" doc:"The application form as it stands: the one a party handed in with a correction (补正, also in amendedForm) when there is one, else the one submitted; its schema is in the procedure definition. For whoever may read the case"`
}

// Timing says where a case stands against its time limits today.
type Timing struct {
	Today                string        `json:"today" doc:"Today in China time"`
	Status               string        `json:"status" enum:"running,suspended,overdue,pending-calendar,none" doc:"The nearest limit: running, suspended (clock stopped), overdue, pending-calendar (its last day awaits calendar data), or none"`
	DueDate              string        `json:"dueDate,omitempty" doc:"Last day of the nearest running or overdue limit"`
	DueDateProvisional   string        `json:"dueDateProvisional,omitempty" doc:"Set when the due date is provisional, with the reason (a year without a loaded holiday notice)"`
	WorkingDaysRemaining *int          `json:"workingDaysRemaining,omitempty" doc:"Working days after today up to the due date; negative when overdue"`
	Limits               []LimitTiming `json:"limits"`
}

// LimitTiming is one period or clock of the case.
type LimitTiming struct {
	Name                 string          `json:"name"`
	Title                procedures.Text `json:"title"`
	Status               string          `json:"status"`
	LastDay              string          `json:"lastDay,omitempty"`
	WorkingDaysRemaining *int            `json:"workingDaysRemaining,omitempty"`
	SuspendedSince       string          `json:"suspendedSince,omitempty"`
	SuspendedBecause     procedures.Text `json:"suspendedBecause,omitzero"`
	CalendarVersion      string          `json:"calendarVersion"`
	Rule                 string          `json:"rule,omitempty"`
	PendingCalendar      string          `json:"pendingCalendar,omitempty" doc:"Why the last day is not known yet: the legal calendar lacks a year"`
	Provisional          string          `json:"provisional,omitempty" doc:"Set when the last day is provisional, with the reason: a year without a loaded holiday notice; it is recounted when the notice is loaded"`
}

func (d *Deps) today() calendar.Date {
	return calendar.DateOf(time.Now().In(workflows.ChinaTime))
}

// view adds today's timing to a case state.
func (d *Deps) view(st workflows.CaseState) CaseView {
	v := CaseView{CaseState: st, Timing: Timing{Today: d.today().String(), Status: "none", Limits: []LimitTiming{}}}
	var cal *calendar.Calendar
	if d.Calendar != nil {
		cal = d.Calendar.ForDivision(st.Office) // the region's own days off are not working days there
	}
	left := func(last string) *int {
		day, err := calendar.ParseDate(last)
		if err != nil || cal == nil {
			return nil
		}
		n, err := cal.WorkingDaysBetween(d.today(), day)
		if err != nil {
			return nil // a year without calendar data: the date stands, the count cannot
		}
		return &n
	}
	for _, dl := range st.Deadlines {
		if !dl.Active {
			continue
		}
		v.Timing.Limits = append(v.Timing.Limits, LimitTiming{Name: dl.Name, Title: dl.Title, Status: workflows.ClockRunning,
			LastDay: dl.LastDay, WorkingDaysRemaining: left(dl.LastDay), CalendarVersion: dl.CalendarVersion, Rule: dl.Rule,
			PendingCalendar: dl.PendingCalendar, Provisional: dl.Provisional})
	}
	for _, c := range st.Clocks {
		lt := LimitTiming{Name: c.Name, Title: c.Title, Status: c.Status, LastDay: c.LastDay,
			SuspendedSince: c.SuspendedSince, SuspendedBecause: c.SuspendedReason, CalendarVersion: c.CalendarVersion, Rule: c.Rule,
			PendingCalendar: c.PendingCalendar, Provisional: c.Provisional}
		if c.Status == workflows.ClockRunning || c.Status == workflows.ClockOverdue {
			lt.WorkingDaysRemaining = left(c.LastDay)
		}
		v.Timing.Limits = append(v.Timing.Limits, lt)
	}
	for _, lt := range v.Timing.Limits {
		if lt.PendingCalendar != "" {
			if v.Timing.Status == "none" {
				v.Timing.Status = "pending-calendar"
			}
			continue
		}
		switch lt.Status {
		case workflows.ClockRunning, workflows.ClockOverdue:
			if v.Timing.DueDate == "" || lt.LastDay < v.Timing.DueDate {
				v.Timing.DueDate, v.Timing.WorkingDaysRemaining = lt.LastDay, lt.WorkingDaysRemaining
				v.Timing.DueDateProvisional = lt.Provisional
				v.Timing.Status = workflows.ClockRunning
				if lt.Status == workflows.ClockOverdue || lt.LastDay < v.Timing.Today {
					v.Timing.Status = workflows.ClockOverdue
				}
			}
		case workflows.ClockSuspended:
			if v.Timing.Status == "none" {
				v.Timing.Status = workflows.ClockSuspended
			}
		}
	}
	return v
}

// DeadlineRequest asks the calculator to count a period.
type DeadlineRequest struct {
	From string `query:"from" required:"true" maxLength:"10" pattern:"^[0-9]{4}-[0-9]{2}-[0-9]{2}$" doc:"The triggering day; counting starts the next day" example:"2026-01-16"`
	Days int    `query:"days" required:"true" minimum:"1" maximum:"3660" doc:"Length of the period" example:"30"`
	Unit string `query:"unit" enum:"calendar-days,working-days,months" maxLength:"16" default:"calendar-days" doc:"calendar-days (Civil Code 201-203), working-days (Administrative Licensing Law 82) or months (Civil Code 202)"`
	// Office counts with the regional days off of its region (M20).
	Office string `query:"office" maxLength:"6" pattern:"^([0-9]{6})?$" doc:"Count as a case of this office does: with the days off of its region (e.g. 广西 壮族三月三) as well as the national ones" example:"450103"`
}

// DeadlineResponse is a counted period and the rule applied.
type DeadlineResponse struct {
	Body struct {
		From            string   `json:"from"`
		Length          int      `json:"length"`
		Unit            string   `json:"unit"`
		NominalLastDay  string   `json:"nominalLastDay" doc:"Last day before any rest-day extension"`
		LastDay         string   `json:"lastDay" doc:"The period includes this whole day"`
		Extended        bool     `json:"extended"`
		Rule            string   `json:"rule"`
		Basis           []string `json:"basis"`
		CalendarVersion string   `json:"calendarVersion"`
		Provisional     bool     `json:"provisional" doc:"The last day is provisional: the period reaches a year without a loaded holiday notice"`
		ProvisionalNote string   `json:"provisionalReason,omitempty" doc:"Why it is provisional and what will change it"`
	}
}

// DueRequest filters the deadline watch.
type DueRequest struct {
	PageRequest
	Within    int    `query:"within" minimum:"0" maximum:"60" default:"3" doc:"Near-due means the limit ends within this many working days"`
	Procedure string `query:"procedure" maxLength:"64" doc:"Only this procedure"`
	Office    string `query:"office" maxLength:"6" pattern:"^([0-9]{6})?$" doc:"Only this office"`
}

// DueCount is the number of overdue and near-due cases of an office and procedure.
type DueCount struct {
	Office     string `json:"office"`
	OfficeName string `json:"officeName"`
	Procedure  string `json:"procedure"`
	Overdue    int    `json:"overdue"`
	NearDue    int    `json:"nearDue"`
}

// DueResponse lists near-due and overdue cases with counts.
type DueResponse struct {
	Body struct {
		Cutoff string         `json:"cutoff" doc:"Cases whose limit ends on or before this day are listed"`
		Total  int            `json:"total"`
		Counts []DueCount     `json:"counts"`
		Items  []CaseListItem `json:"items"`
		// The window reached a year without holiday data.
		PendingCalendar string `json:"pendingCalendar,omitempty" doc:"Set when the window reaches a year without holiday data: the cutoff is the earliest day it can end"`
		// Cases with a limit that cannot be counted yet, listed apart.
		PendingCalendarTotal int            `json:"pendingCalendarTotal" doc:"Open cases with a time limit waiting for a year of holiday data"`
		PendingCalendarCases []CaseListItem `json:"pendingCalendarCases" doc:"The first of them, oldest first; their dates follow once the year is loaded"`
		// Cases with a provisional last day, listed apart too: they are in
		// Items by their provisional date, which may move.
		ProvisionalTotal int            `json:"provisionalTotal" doc:"Open cases with a time limit whose last day is provisional (a year without a loaded holiday notice)"`
		ProvisionalCases []CaseListItem `json:"provisionalCases" doc:"The first of them, oldest first; their dates are recounted when the notice is loaded"`
	}
}

func registerCalendar(api huma.API, d *Deps) {
	registerCalendarNotices(api, d)
	huma.Register(api, huma.Operation{
		OperationID: "count-deadline", Method: http.MethodGet, Path: "/v1/calendar/deadline",
		Summary: "Count a statutory period", Tags: []string{"Calendar"}, DefaultStatus: http.StatusOK,
		Description: "Counts a period on the legal calendar the way cases do, and names the rule applied. " +
			"A period reaching into a year without a loaded holiday notice is counted provisionally from the statutory holidays " +
			"(provisional, with the reason) where the calendar allows it, and otherwise refused (422), never guessed.",
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *DeadlineRequest) (*DeadlineResponse, error) {
		if ok, err := d.allowed(request(principalOf(ctx), policies.ObjectCalendar, policies.ActionRead)); err != nil || !ok {
			return nil, orForbidden(err)
		}
		from, err := calendar.ParseDate(in.From)
		if err != nil {
			return nil, huma.Error422UnprocessableEntity("validation failed", &huma.ErrorDetail{Location: "query.from", Message: "not a real date", Value: in.From})
		}
		dl, err := d.Calendar.ForDivision(in.Office).Count(from, in.Days, calendar.Unit(in.Unit))
		if errors.Is(err, calendar.ErrYearNotCovered) {
			return nil, huma.Error422UnprocessableEntity("validation failed", &huma.ErrorDetail{Location: "query.days", Message: err.Error()})
		}
		if err != nil {
			return nil, huma.Error422UnprocessableEntity("validation failed", &huma.ErrorDetail{Location: "query", Message: err.Error()})
		}
		out := &DeadlineResponse{}
		out.Body.From, out.Body.Length, out.Body.Unit = dl.From.String(), dl.N, string(dl.Unit)
		out.Body.NominalLastDay, out.Body.LastDay, out.Body.Extended = dl.Nominal.String(), dl.Last.String(), dl.Extended
		out.Body.Rule, out.Body.Basis, out.Body.CalendarVersion = dl.Rule, dl.Basis, dl.CalendarVersion
		out.Body.Provisional, out.Body.ProvisionalNote = dl.Provisional, dl.ProvisionalReason
		return out, nil
	})

	huma.Register(api, huma.Operation{
		OperationID: "list-due-cases", Method: http.MethodGet, Path: "/v1/supervision/deadlines",
		Summary: "List near-due and overdue cases", Tags: []string{"Supervision"}, DefaultStatus: http.StatusOK,
		Description: "Open cases in your jurisdictions whose nearest time limit has passed or ends within `within` working days, " +
			"earliest first, with counts per office and procedure (电子监察).",
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *DueRequest) (*DueResponse, error) {
		p := principalOf(ctx)
		if ok, err := d.allowed(request(p, policies.ObjectDeadlines, policies.ActionList)); err != nil || !ok {
			return nil, orForbidden(err)
		}
		var divs []string
		for _, g := range p.Grants {
			if g.Role == policies.RoleSupervisor || g.Role == policies.RoleAdmin {
				divs = append(divs, g.Division)
			}
		}
		slices.Sort(divs)
		cutoff, pending, err := d.dueCutoff(in.Within)
		if err != nil {
			return nil, huma.Error500InternalServerError("deadline window", err)
		}
		before := cutoff.AddDays(1).In(workflows.ChinaTime) // limits ending on the cutoff day end at its 24:00
		rows, counts, total, err := d.Store.ListDue(ctx, store.DueFilter{Divisions: slices.Compact(divs), Before: before.Add(time.Nanosecond),
			Procedure: in.Procedure, Office: in.Office}, time.Now(), store.Page{Limit: in.Limit, Offset: in.Offset})
		if err != nil {
			return nil, huma.Error500InternalServerError("list due cases", err)
		}
		out := &DueResponse{}
		list := d.caseList(rows, total)
		out.Body.Cutoff, out.Body.Total, out.Body.Items = cutoff.String(), total, list.Body.Items
		out.Body.PendingCalendar = pending
		if out.Body.PendingCalendarTotal, out.Body.PendingCalendarCases, err = d.pendingCalendarCases(ctx, store.DueFilter{
			Divisions: slices.Compact(divs), Procedure: in.Procedure, Office: in.Office}); err != nil {
			return nil, err
		}
		if out.Body.ProvisionalTotal, out.Body.ProvisionalCases, err = d.provisionalCases(ctx, store.DueFilter{
			Divisions: slices.Compact(divs), Procedure: in.Procedure, Office: in.Office}); err != nil {
			return nil, err
		}
		out.Body.Counts = make([]DueCount, 0, len(counts))
		for _, c := range counts {
			out.Body.Counts = append(out.Body.Counts, DueCount{Office: c.Office, OfficeName: d.Divisions.FullName(c.Office),
				Procedure: c.Procedure, Overdue: c.Overdue, NearDue: c.NearDue})
		}
		return out, nil
	})
}

// provisionalCases lists the open cases of the watch with a provisional
// last day (at most 50).
func (d *Deps) provisionalCases(ctx context.Context, f store.DueFilter) (int, []CaseListItem, error) {
	rows, total, err := d.Store.ListProvisional(ctx, f, store.Page{Limit: 50})
	if err != nil {
		return 0, nil, huma.Error500InternalServerError("list cases with provisional dates", err)
	}
	items := d.caseList(rows, total).Body.Items
	if items == nil {
		items = []CaseListItem{}
	}
	return total, items, nil
}
