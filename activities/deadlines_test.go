package activities

import (
	"context"
	"strings"
	"testing"

	"civilflow/calendar"
	"civilflow/workflows"
)

// TestM20SubsistenceInNanningSkipsSanyuesan: a 低保 case accepted at office
// 450103 (南宁) on 2025-03-24 counts its 5 and 30 working days
// (最低生活保障审核确认办法; 行政许可法第八十二条) without Guangxi's
// "壮族三月三" days off (2025-03-31, 04-01): 2025-04-02 and 2025-05-12, where
// an office in Beijing gets 2025-03-31 and 2025-05-08.
func TestM20SubsistenceInNanningSkipsSanyuesan(t *testing.T) {
	a := &Activities{Calendar: calendar.Default()}
	for _, tc := range []struct {
		office string
		n      int
		want   string
	}{
		{"450103", 5, "2025-04-02"}, {"450103", 30, "2025-05-12"},
		{"110105", 5, "2025-03-31"}, {"110105", 30, "2025-05-08"},
	} {
		res, err := a.ComputeDeadline(context.Background(), workflows.DeadlineInput{From: "2025-03-24", Length: tc.n, Unit: "working-days", Office: tc.office, Reminders: []int{3}})
		if err != nil {
			t.Fatal(err)
		}
		if res.LastDay != tc.want {
			t.Errorf("%s, %d working days: %s, want %s", tc.office, tc.n, res.LastDay, tc.want)
		}
		if gx := strings.Contains(res.CalendarVersion, "gx-2025.v1"); gx != (tc.office == "450103") {
			t.Errorf("%s: calendar version %q", tc.office, res.CalendarVersion)
		}
	}
	// Three working days before 2025-04-02 in Nanning: 03-28, 03-27, 03-26.
	res, _ := a.ComputeDeadline(context.Background(), workflows.DeadlineInput{From: "2025-03-24", Length: 5, Unit: "working-days", Office: "450103", Reminders: []int{3}})
	if len(res.ReminderDays) != 1 || res.ReminderDays[0].Day != "2025-03-26" {
		t.Errorf("reminder %+v", res.ReminderDays)
	}
	rem, err := a.CountRemaining(context.Background(), workflows.RemainingInput{From: "2025-03-28", LastDay: "2025-04-02", Unit: "working-days", Office: "450103"})
	if err != nil || rem.Remaining != 1 {
		t.Errorf("remaining in Nanning from 03-28 to 04-02: %+v %v, want 1", rem, err)
	}
}

// TestM21ReminderOfAProvisionalDateSaysSo: a due-soon message about a clock
// whose last day is provisional carries the reason.
func TestM21ReminderOfAProvisionalDateSaysSo(t *testing.T) {
	st := workflows.CaseState{CaseID: "SA-110105-20261202-0001", Assignment: &workflows.Assignment{Role: "registrar", Office: "110105"},
		Clocks: []workflows.ClockState{{Name: "overall", Provisional: "no State Council holiday notice for 2027 is loaded"}}}
	ns := notifications(workflows.RecordInput{State: st, NewEvents: []workflows.Event{{Seq: 7, Action: "remind:overall", Opinion: "3 working-days left; last day 2027-01-14"}}})
	if len(ns) != 1 || ns[0].Kind != "due-soon" || !strings.Contains(ns[0].Message, "provisional") {
		t.Fatalf("notifications %+v", ns)
	}
}
