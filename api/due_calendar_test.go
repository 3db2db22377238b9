package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"civilflow/calendar"
	"civilflow/store"
	"civilflow/workflows"
)

// weekendsOnly is a test calendar for the given years, without holidays.
func weekendsOnly(t *testing.T, years ...int) *calendar.Calendar {
	t.Helper()
	var b strings.Builder
	b.WriteString("version: test-weekends\nyears:\n")
	for _, y := range years {
		fmt.Fprintf(&b, "  - year: %d\n    notice: test data\n    holidays: []\n    makeup_workdays: []\n", y)
	}
	cal, err := calendar.New(calendar.File{Name: "test.yaml", Data: []byte(b.String())})
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

// TestD15DueCutoffStopsShortNotGuessed: a window reaching a year without
// holiday data ends at the earliest day it can end, and says why; a window
// inside the data is counted in working days as before.
func TestD15DueCutoffStopsShortNotGuessed(t *testing.T) {
	today := calendar.DateOf(time.Now().In(workflows.ChinaTime))
	// Today's year has no data: the very next day is unknown.
	d := &Deps{Calendar: weekendsOnly(t, 2000)}
	cutoff, pending, err := d.dueCutoff(30)
	if err != nil {
		t.Fatal(err)
	}
	if cutoff != today.AddDays(30) || !strings.Contains(pending, fmt.Sprint(today.AddDays(1).Year)) {
		t.Errorf("uncovered: cutoff %s (%q), want %s flagged", cutoff, pending, today.AddDays(30))
	}
	// Covered: 30 working days of weekends-only data are 6 weeks.
	d = &Deps{Calendar: weekendsOnly(t, today.Year, today.Year+1)}
	cutoff, pending, err = d.dueCutoff(30)
	if err != nil || pending != "" {
		t.Fatalf("covered: %v, %q", err, pending)
	}
	if n := today.DaysUntil(cutoff); n < 40 || n > 44 {
		t.Errorf("covered: cutoff %s is %d days ahead, want 6 weeks of working days", cutoff, n)
	}
}

// TestD15DeadlinesListedPastCalendarEnd: GET /v1/supervision/deadlines
// answers 200 with the cases it can list, not 422, when the window reaches
// a year the built-in calendar does not cover.
func TestD15DeadlinesListedPastCalendarEnd(t *testing.T) {
	e := newAuditEnv(t)
	due := time.Now().Add(24 * time.Hour)
	if err := e.db.CreateCase(context.Background(), store.CaseSummary{ID: "MAR-110105-20261202-0001",
		ProcedureID: "marriage-registration", ProcedureVersion: 1, Title: "结婚登记", Office: "110105",
		Submitter: husband, Parties: []string{husband, wife}, Status: store.StatusOpen, Stage: "registrar-review",
		SubmittedAt: time.Now(), UpdatedAt: time.Now(), DueAt: &due}); err != nil {
		t.Fatal(err)
	}
	// A divorce whose cooling-off ends in a year without data: no due date.
	if err := e.db.CreateCase(context.Background(), store.CaseSummary{ID: "DIV-110105-20261202-0001",
		ProcedureID: "divorce-registration", ProcedureVersion: 1, Title: "离婚登记", Office: "110105",
		Submitter: husband, Parties: []string{husband, wife}, Status: store.StatusOpen, Stage: "cooling-off",
		SubmittedAt: time.Now(), UpdatedAt: time.Now(),
		State: json.RawMessage(`{"deadlines":[{"name":"cooling-off","active":true,"pendingCalendar":"calendar: no holiday data for year 2027"}]}`)}); err != nil {
		t.Fatal(err)
	}
	code, body := e.get("/v1/supervision/deadlines?within=60", e.token("sup-1", "supervisor:110000"))
	if code != http.StatusOK {
		t.Fatalf("status %d: %s", code, body)
	}
	var out struct {
		Cutoff          string `json:"cutoff"`
		PendingCalendar string `json:"pendingCalendar"`
		Total           int    `json:"total"`
		PendingTotal    int    `json:"pendingCalendarTotal"`
		PendingCases    []struct {
			ID string `json:"id"`
		} `json:"pendingCalendarCases"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatal(err)
	}
	if out.Total != 1 {
		t.Errorf("listed %d cases, want the one due tomorrow: %s", out.Total, body)
	}
	if out.PendingTotal != 1 || len(out.PendingCases) != 1 || out.PendingCases[0].ID != "DIV-110105-20261202-0001" {
		t.Errorf("the case waiting for the calendar is not flagged: %s", body)
	}
	// Flagged exactly when the window runs past the data (2026 today; later
	// years still run this check once they are loaded).
	last, _ := calendar.Default().CoveredUntil()
	if past := out.Cutoff > last.String(); past != (out.PendingCalendar != "") {
		t.Errorf("cutoff %s, data until %s, pendingCalendar %q", out.Cutoff, last, out.PendingCalendar)
	}

	code, body = e.get("/v1/supervision/stats?division=110000", e.token("sup-1", "supervisor:110000"))
	if code != http.StatusOK || !strings.Contains(string(body), `"calendarCoveredUntil":"`+last.String()+`"`) {
		t.Errorf("stats do not show the calendar's end: %d %s", code, body)
	}
}
