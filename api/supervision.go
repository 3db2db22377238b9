package api

import (
	"context"
	"errors"
	"fmt"
	"math"
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

// StatsRequest selects the cases a supervision view counts.
type StatsRequest struct {
	Division string `query:"division" maxLength:"6" pattern:"^[0-9]{6}$" required:"true" doc:"Cases handled by offices within this division"`
	From     string `query:"from" maxLength:"10" pattern:"^[0-9]{4}-[0-9]{2}-[0-9]{2}$" required:"false" doc:"Received on or after this day (China time)"`
	To       string `query:"to" maxLength:"10" pattern:"^[0-9]{4}-[0-9]{2}-[0-9]{2}$" required:"false" doc:"Received on or before this day (China time)"`
}

// ProcedureStats counts the cases of one procedure.
type ProcedureStats struct {
	ProcedureID string `json:"procedureId"`
	Title       string `json:"title"`
	Total       int    `json:"total"`
	Open        int    `json:"open"`
	Closed      int    `json:"closed"`
}

// StageStats counts the open cases at one stage.
type StageStats struct {
	ProcedureID string `json:"procedureId"`
	Stage       string `json:"stage"`
	StageTitle  string `json:"stageTitle"`
	Open        int    `json:"open"`
}

// OfficeStats counts the cases of one office.
type OfficeStats struct {
	Office     string `json:"office"`
	OfficeName string `json:"officeName"`
	Total      int    `json:"total"`
	Open       int    `json:"open"`
	Closed     int    `json:"closed"`
	Overdue    int    `json:"overdue" doc:"Open cases past their current time limit"`
}

// OutcomeStats counts the closed cases with one outcome.
type OutcomeStats struct {
	Outcome string          `json:"outcome"`
	Label   procedures.Text `json:"label"`
	Count   int             `json:"count"`
}

// ProcessingTime summarizes, per procedure, the working days from receipt
// to closing (counted like a statutory period: the days after the day of
// receipt up to and including the day of closing).
type ProcessingTime struct {
	ProcedureID string `json:"procedureId"`
	Closed      int    `json:"closed" doc:"Closed cases"`
	Counted     int    `json:"counted" doc:"Closed cases whose days the legal calendar covers"`
	P50         int    `json:"p50" doc:"Median, in working days"`
	P90         int    `json:"p90"`
	P95         int    `json:"p95"`
	Max         int    `json:"max"`
}

// RefusalStats counts refused or not-accepted cases citing one reason.
type RefusalStats struct {
	Reason string          `json:"reason" doc:"A check id, or opinion for grounds stated by the officer"`
	Label  procedures.Text `json:"label"`
	Count  int             `json:"count"`
}

// OverdueStats is an office with open cases past their time limit.
type OverdueStats struct {
	Office     string    `json:"office"`
	OfficeName string    `json:"officeName"`
	Overdue    int       `json:"overdue"`
	OldestDue  time.Time `json:"oldestDue" doc:"The earliest passed limit"`
}

// SupervisionStats are the supervision views of a division.
type SupervisionStats struct {
	Division             string           `json:"division"`
	DivisionName         string           `json:"divisionName"`
	From                 string           `json:"from,omitempty"`
	To                   string           `json:"to,omitempty"`
	GeneratedAt          time.Time        `json:"generatedAt"`
	CalendarVersion      string           `json:"calendarVersion"`
	CalendarCoveredUntil string           `json:"calendarCoveredUntil,omitempty" doc:"Last day with holiday data; periods past it are pending-calendar"`
	CalendarWarning      string           `json:"calendarWarning,omitempty" doc:"Set when the holiday data ends within 60 days: load the next year's notice"`
	ByProcedure          []ProcedureStats `json:"byProcedure"`
	ByStage              []StageStats     `json:"byStage" doc:"Open cases"`
	ByOffice             []OfficeStats    `json:"byOffice"`
	ByOutcome            []OutcomeStats   `json:"byOutcome" doc:"Closed cases"`
	ProcessingTime       []ProcessingTime `json:"processingTime"`
	Refusals             []RefusalStats   `json:"refusals" doc:"Refused and not-accepted cases by reason; a case citing several reasons counts once for each"`
	Overdue              []OverdueStats   `json:"overdue" doc:"Offices with open cases past their time limit, the most overdue first"`
}

// SupervisionStatsResponse returns the views.
type SupervisionStatsResponse struct {
	Body SupervisionStats
}

func registerSupervision(api huma.API, d *Deps) {
	huma.Register(api, huma.Operation{
		OperationID: "get-supervision-stats", Method: http.MethodGet, Path: "/v1/supervision/stats",
		Summary: "Get supervision statistics", Tags: []string{"Supervision"}, DefaultStatus: http.StatusOK,
		Description: "For the cases handled within a division you supervise (and received in a period, if given): counts " +
			"by procedure, open stage, office and outcome; processing-time percentiles in working days on the legal " +
			"calendar; refusals by reason; and offices with overdue cases.",
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *StatsRequest) (*SupervisionStatsResponse, error) {
		f := store.StatsFilter{Division: in.Division, Now: time.Now()}
		var err error
		if in.From != "" || in.To != "" {
			from, to := in.From, in.To
			if from == "" {
				from = "0001-01-01"
			}
			if to == "" {
				to = "9999-12-30"
			}
			if f.From, f.To, err = dayRange(from, to); err != nil {
				return nil, err
			}
		}
		req := request(principalOf(ctx), policies.ObjectSupervision, policies.ActionRead)
		req.Division = in.Division
		if ok, err := d.allowed(req); err != nil || !ok {
			return nil, orForbidden(err)
		}
		cs, err := d.Store.CaseStats(ctx, f)
		if err != nil {
			return nil, huma.Error500InternalServerError("case stats", err)
		}
		out := &SupervisionStatsResponse{}
		out.Body = d.supervisionStats(cs)
		out.Body.Division, out.Body.From, out.Body.To, out.Body.GeneratedAt = in.Division, in.From, in.To, f.Now.UTC()
		if d.Divisions != nil {
			out.Body.DivisionName = d.Divisions.FullName(in.Division)
		}
		return out, nil
	})
}

// supervisionStats turns the store's counts into the views.
func (d *Deps) supervisionStats(cs store.CaseStats) SupervisionStats {
	s := SupervisionStats{
		ByProcedure: []ProcedureStats{}, ByStage: []StageStats{}, ByOffice: []OfficeStats{}, ByOutcome: []OutcomeStats{},
		ProcessingTime: []ProcessingTime{}, Refusals: []RefusalStats{}, Overdue: []OverdueStats{},
	}
	if d.Calendar != nil {
		s.CalendarVersion = d.Calendar.Version()
		if last, ok := d.Calendar.CoveredUntil(); ok {
			s.CalendarCoveredUntil = last.String()
		}
		s.CalendarWarning = d.Calendar.CoverageWarning(d.today(), calendar.CoverageWarnDays)
	}
	officeName := func(code string) string {
		if d.Divisions == nil {
			return code
		}
		return d.Divisions.FullName(code)
	}
	for _, c := range cs.ByProcedure {
		s.ByProcedure = append(s.ByProcedure, ProcedureStats(c))
	}
	for _, c := range cs.ByStage {
		s.ByStage = append(s.ByStage, StageStats(c))
	}
	for _, c := range cs.ByOffice {
		s.ByOffice = append(s.ByOffice, OfficeStats{Office: c.Office, OfficeName: officeName(c.Office), Total: c.Total,
			Open: c.Open, Closed: c.Closed, Overdue: c.Overdue})
		if c.Overdue > 0 && c.OldestDue != nil {
			s.Overdue = append(s.Overdue, OverdueStats{Office: c.Office, OfficeName: officeName(c.Office),
				Overdue: c.Overdue, OldestDue: *c.OldestDue})
		}
	}
	slices.SortStableFunc(s.Overdue, func(a, b OverdueStats) int { return b.Overdue - a.Overdue })
	for _, c := range cs.ByOutcome {
		s.ByOutcome = append(s.ByOutcome, OutcomeStats{Outcome: c.Outcome, Label: label(outcomeLabels, c.Outcome), Count: c.Count})
	}
	for _, c := range cs.Refusals {
		s.Refusals = append(s.Refusals, RefusalStats{Reason: c.Reason, Label: label(reasonLabels, c.Reason), Count: c.Count})
	}
	s.ProcessingTime = d.processingTimes(cs.Closed)
	return s
}

// processingTimes computes working-day percentiles per procedure. Cases
// whose days fall in a year without calendar data are not counted rather
// than guessed.
func (d *Deps) processingTimes(closed []store.ClosedCase) []ProcessingTime {
	out := []ProcessingTime{}
	if d.Calendar == nil {
		return out
	}
	days := map[string][]int{}
	var order []string
	// Many cases share a pair of days; counting each pair once keeps a
	// large office's view fast.
	memo := map[[2]calendar.Date]int{}
	count := map[string]int{}
	for _, c := range closed {
		if _, ok := days[c.ProcedureID]; !ok {
			days[c.ProcedureID] = nil
			order = append(order, c.ProcedureID)
		}
		count[c.ProcedureID]++
		key := [2]calendar.Date{calendar.DateOf(c.SubmittedAt.In(workflows.ChinaTime)), calendar.DateOf(c.ClosedAt.In(workflows.ChinaTime))}
		n, ok := memo[key]
		if !ok {
			var err error
			if n, err = d.Calendar.WorkingDaysBetween(key[0], key[1]); err != nil {
				n = -1
			}
			memo[key] = n
		}
		if n >= 0 {
			days[c.ProcedureID] = append(days[c.ProcedureID], n)
		}
	}
	for _, id := range order {
		ds := days[id]
		slices.Sort(ds)
		pt := ProcessingTime{ProcedureID: id, Closed: count[id], Counted: len(ds)}
		if len(ds) > 0 {
			pt.P50, pt.P90, pt.P95, pt.Max = percentile(ds, 0.5), percentile(ds, 0.9), percentile(ds, 0.95), ds[len(ds)-1]
		}
		out = append(out, pt)
	}
	return out
}

// percentile is the nearest-rank percentile of sorted values: the smallest
// value with at least q of the values at or below it.
func percentile(sorted []int, q float64) int {
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// dueCutoff is the last day of the deadline watch's window: within working
// days after today. Where the window reaches a year without holiday data
// the working days there cannot be told, so the cutoff is the earliest day
// the window can end (each remaining working day is at least one calendar
// day) and pending says so: every case listed is within the window, and
// none is guessed into it. Cases whose own dates await the calendar have no
// due date and are not listed either way; their timing shows it.
func (d *Deps) dueCutoff(within int) (cutoff calendar.Date, pending string, err error) {
	cutoff = d.today()
	for i := 0; i < within; {
		next := cutoff.AddDays(1)
		ok, err := d.Calendar.IsWorkingDay(next)
		var nc *calendar.YearNotCoveredError
		if errors.As(err, &nc) {
			cutoff = cutoff.AddDays(within - i)
			return cutoff, fmt.Sprintf("no holiday data for %d: the window ends on %s at the earliest; cases due after it "+
				"are listed once the %d holiday notice is loaded", nc.Year, cutoff, nc.Year), nil
		}
		if err != nil {
			return cutoff, "", err
		}
		cutoff = next
		if ok {
			i++
		}
	}
	return cutoff, "", nil
}

// pendingCalendarCases lists, apart from the dated ones, the open cases of
// the watch whose limits wait for calendar data (at most 50).
func (d *Deps) pendingCalendarCases(ctx context.Context, f store.DueFilter) (int, []CaseListItem, error) {
	rows, total, err := d.Store.ListPendingCalendar(ctx, f, store.Page{Limit: 50})
	if err != nil {
		return 0, nil, huma.Error500InternalServerError("list cases pending the calendar", err)
	}
	items := d.caseList(rows, total).Body.Items
	if items == nil {
		items = []CaseListItem{}
	}
	return total, items, nil
}
