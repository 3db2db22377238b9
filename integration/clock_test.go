package integration

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"civilflow/workflows"
)

type caseView struct {
	workflows.CaseState
	Timing struct {
		Today                string `json:"today"`
		Status               string `json:"status"`
		DueDate              string `json:"dueDate"`
		WorkingDaysRemaining *int   `json:"workingDaysRemaining"`
	} `json:"timing"`
}

// TestCaseDueDateMatchesCalculator: the cooling-off period a divorce shows
// is the one the public calculator counts from the same receipt day.
func TestCaseDueDateMatchesCalculator(t *testing.T) {
	e := sharedEnv(t)
	reg := e.token("reg-clock-1", "冯登记", "registrar:110105")
	c := e.married(beijingChaoyang, reg)
	st := e.counterDivorce(c, beijingChaoyang)

	var v caseView
	e.do(http.MethodGet, "/v1/cases/"+st.CaseID, c.manTok, nil).expect(t, http.StatusOK).decode(t, &v)
	received := st.ReceivedAt.In(workflows.ChinaTime).Format(time.DateOnly)
	var calc struct {
		LastDay, Rule, CalendarVersion string
	}
	q := url.Values{"from": {received}, "days": {"30"}, "unit": {"calendar-days"}}
	e.do(http.MethodGet, "/v1/calendar/deadline?"+q.Encode(), c.manTok, nil).expect(t, http.StatusOK).decode(t, &calc)
	if v.Timing.DueDate != calc.LastDay || v.Deadlines[0].LastDay != calc.LastDay || v.Deadlines[0].Rule != calc.Rule {
		t.Fatalf("case due %s (%s), calculator %s (%s)", v.Timing.DueDate, v.Deadlines[0].Rule, calc.LastDay, calc.Rule)
	}
	if v.Timing.Status != "running" || v.Timing.WorkingDaysRemaining == nil || *v.Timing.WorkingDaysRemaining < 15 {
		t.Fatalf("timing %+v", v.Timing)
	}
	if v.Deadlines[0].CalendarVersion != calc.CalendarVersion {
		t.Fatalf("calendar versions differ: %s vs %s", v.Deadlines[0].CalendarVersion, calc.CalendarVersion)
	}
	// Bad input names the parameter.
	e.do(http.MethodGet, "/v1/calendar/deadline?from=2026-02-30&days=3", c.manTok, nil).expect(t, http.StatusUnprocessableEntity)
}

// TestDeadlineWatch: a divorce received 29 days ago ends its cooling-off
// period within days, so a supervisor of the city sees it as near-due,
// counted under its office; a supervisor elsewhere does not; an applicant
// may not look.
func TestDeadlineWatch(t *testing.T) {
	e := sharedEnv(t)
	reg := e.token("reg-clock-2", "陈登记", "registrar:110105")
	c := e.married(beijingChaoyang, reg)
	e.clock.receivedOn(t, time.Now().In(workflows.ChinaTime).AddDate(0, 0, -29).Format(time.DateOnly))
	st := e.counterDivorce(c, beijingChaoyang)
	if st.Stage != "cooling-off" {
		t.Skipf("cooling-off already over (stage %s): the period was extended past today's date", st.Stage)
	}

	type watch struct {
		Cutoff string
		Total  int
		Counts []struct {
			Office, Procedure string
			Overdue, NearDue  int
		}
		Items []struct{ ID string }
	}
	var w watch
	sup := e.token("sup-bj-clock", "北京监察", "supervisor:110000")
	e.do(http.MethodGet, "/v1/supervision/deadlines?within=10", sup, nil).expect(t, http.StatusOK).decode(t, &w)
	found := false
	for _, it := range w.Items {
		found = found || it.ID == st.CaseID
	}
	counted := false
	for _, n := range w.Counts {
		counted = counted || (n.Office == beijingChaoyang && n.Procedure == "divorce-registration" && n.NearDue >= 1)
	}
	if !found || !counted {
		t.Fatalf("near-due divorce missing from the watch: %+v", w)
	}
	var other watch
	e.do(http.MethodGet, "/v1/supervision/deadlines?within=10", e.token("sup-hn", "河南监察", "supervisor:410000"), nil).expect(t, http.StatusOK).decode(t, &other)
	for _, it := range other.Items {
		if it.ID == st.CaseID {
			t.Fatal("a Henan supervisor sees a Beijing case")
		}
	}
	e.do(http.MethodGet, "/v1/supervision/deadlines", c.manTok, nil).expect(t, http.StatusForbidden)
}
