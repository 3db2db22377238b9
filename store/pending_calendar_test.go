package store

import (
	"context"
	"encoding/json"
	"testing"
	"time"
)

// TestD15PendingCalendarListed: open cases of the jurisdiction with a limit
// waiting for calendar data are listed; counted ones, closed ones and other
// provinces' are not.
func TestD15PendingCalendarListed(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	now := time.Date(2026, 12, 2, 2, 0, 0, 0, time.UTC)
	add := func(id, office, status, state string) {
		t.Helper()
		c := CaseSummary{ID: id, ProcedureID: "divorce-registration", ProcedureVersion: 1, Title: "离婚登记", Office: office,
			Submitter: "s-" + id, Parties: []string{"p-" + id}, Status: status, Stage: "cooling-off",
			SubmittedAt: now, UpdatedAt: now, State: json.RawMessage(state)}
		if status == StatusClosed {
			c.Outcome = "withdrawn"
		}
		if err := db.CreateCase(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	pending := `{"deadlines":[{"name":"cooling-off","pendingCalendar":"no holiday data for year 2027"}]}`
	add("DIV-110105-20261202-0001", "110105", StatusOpen, pending)
	add("DIV-110105-20261202-0002", "110105", StatusOpen, `{"deadlines":[{"name":"cooling-off","lastDay":"2026-12-31"}]}`)
	add("DIV-110105-20261202-0003", "110105", StatusClosed, pending)
	add("DIV-410105-20261202-0001", "410105", StatusOpen, pending)
	cs, total, err := db.ListPendingCalendar(ctx, DueFilter{Divisions: []string{"110000"}}, Page{})
	if err != nil {
		t.Fatal(err)
	}
	if total != 1 || len(cs) != 1 || cs[0].ID != "DIV-110105-20261202-0001" {
		t.Fatalf("listed %d: %+v", total, cs)
	}
	if _, _, err := db.ListPendingCalendar(ctx, DueFilter{}, Page{}); err == nil {
		t.Error("no jurisdiction accepted")
	}
}
