package activities

import (
	"strings"
	"testing"

	"civilflow/procedures"
	"civilflow/workflows"
)

// TestM2ApplicantsToldOfCorrectionExtensionAndSuspension: the applicant
// gets the one complete correction notice (行政许可法第三十二条第一款第（四）
// 项; 最低生活保障审核确认办法第十条), the reason and new last day of an
// extension (第四十二条第一款), and word that a time limit stands still
// (第四十五条): each party once, naming the case.
func TestM2ApplicantsToldOfCorrectionExtensionAndSuspension(t *testing.T) {
	st := workflows.CaseState{CaseID: "SHT-110105-20260302-0001", ProcedureTitle: procedures.Text{Zh: "社会团体成立登记"},
		Status: workflows.StatusOpen, Stage: "correction", StageKind: procedures.KindApplicant,
		StageTitle: procedures.Text{Zh: "补正材料"}, Parties: []workflows.Party{{IDNumber: "A"}, {IDNumber: "B"}}}
	cases := []struct {
		name, kind, want string
		e                workflows.Event
	}{
		{"correction", "action-needed", "请补正：验资报告；住所证明",
			workflows.Event{Seq: 5, Actor: "reg-001", Action: "request-correction", StageTo: "correction", Opinion: "请补正：验资报告；住所证明"}},
		{"extension", "extended", "情况复杂，需入户核查 (last day 2026-04-13 → 2026-04-28)",
			workflows.Event{Seq: 6, Actor: "cty-001", Action: procedures.ExtendAction + "overall", Opinion: "情况复杂，需入户核查 (last day 2026-04-13 → 2026-04-28)"}},
		{"suspension", "suspended", "stands still during 专家评审",
			workflows.Event{Seq: 7, Actor: workflows.SystemActor, Action: "clock-suspend:decision", Opinion: "40 calendar-days left; stands still during 专家评审"}},
	}
	for _, c := range cases {
		ns := notifications(workflows.RecordInput{State: st, NewEvents: []workflows.Event{c.e}})
		var told []string
		for _, n := range ns {
			if n.Kind == c.kind {
				told = append(told, n.Subject)
				if !strings.Contains(n.Message, c.want) || !strings.Contains(n.Message, st.CaseID) {
					t.Errorf("%s: message %q", c.name, n.Message)
				}
			}
		}
		if strings.Join(told, ",") != "A,B" {
			t.Errorf("%s: told %v, want both parties (all: %+v)", c.name, told, ns)
		}
	}
	// A party's own action at an applicant stage is no notice to them.
	own := notifications(workflows.RecordInput{State: st, NewEvents: []workflows.Event{{Seq: 8, Actor: "A", Action: "resubmit", StageTo: "correction"}}})
	for _, n := range own {
		if n.Kind == "action-needed" {
			t.Errorf("told of their own action: %+v", n)
		}
	}
}
