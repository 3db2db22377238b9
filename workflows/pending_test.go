package workflows_test

import (
	"strings"
	"testing"

	"civilflow/activities"
	"civilflow/calendar"
	"civilflow/procedures"
	"civilflow/workflows"
)

// TestPeriodInAYearWithoutCalendarData: a divorce received 2026-12-10 has a
// cooling-off period ending in January 2027, a year the built-in calendar
// does not cover. The case is not blocked and nothing is guessed: it is
// flagged and its period stays pending (the case goes on meanwhile); and
// once an operator adds 2027 the period is counted and runs as usual. This
// is the strict calendar (no Provisional), as for a year before 2025 or a
// deployment that wants no provisional dates.
func TestPeriodInAYearWithoutCalendarData(t *testing.T) {
	f := newFixture(t, received("2026-12-10"))
	// The cooling-off alone (coolingDef): the steps before it in the divorce
	// definition do not matter here.
	p, err := procedures.Parse([]byte(coolingDef), activities.Catalog([]string{"registrar", "supervisor", "admin", "approver", "assessor"}))
	if err != nil {
		t.Fatal(err)
	}
	in := f.input("marriage-registration", fill(marriageForm))
	in.Procedure, in.CaseID = p.Definition, "TCO-110105-20261210-0001"
	var pending, counted workflows.CaseState
	f.at("2026-12-11", 10, func() { pending = f.state() })
	f.at("2026-12-20", 9, func() {
		// The operator adds the 2027 notice (made-up data for the test).
		cal, err := calendar.Default().With(calendar.File{Name: "2027.yaml", Data: []byte(
			"version: test-2027\nyears:\n  - year: 2027\n    notice: test data\n    holidays: []\n    makeup_workdays: []\n")})
		if err != nil {
			t.Error(err)
			return
		}
		f.acts.Calendar = cal
	})
	f.at("2026-12-20", 11, func() { counted = f.state() })
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, in)
	st := f.result()

	if pending.Stage != "cooling-off" || len(pending.Deadlines) != 1 || pending.Deadlines[0].PendingCalendar == "" || pending.Deadlines[0].LastDay != "" {
		t.Fatalf("pending: stage %s deadlines %+v", pending.Stage, pending.Deadlines)
	}
	if len(pending.Flags) != 1 || !strings.Contains(pending.Flags[0], "2027") {
		t.Fatalf("flags %v", pending.Flags)
	}
	if counted.Deadlines[0].LastDay != "2027-01-11" || counted.Deadlines[0].PendingCalendar != "" || len(counted.Flags) != 0 {
		// 30 days after 2026-12-10 is Saturday 2027-01-09, so Monday the 11th.
		t.Fatalf("after adding 2027: %+v flags %v", counted.Deadlines, counted.Flags)
	}
	if st.Outcome != procedures.OutcomeDeemedWithdrawn {
		t.Fatalf("outcome %s", st.Outcome)
	}
}
