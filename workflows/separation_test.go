package workflows_test

import (
	"strconv"
	"testing"

	"civilflow/procedures"
	"civilflow/workflows"
)

// TestD4SubmitterCannotDecide: a registrar who files an application for
// two people cannot claim or decide it; a second registrar can.
func TestD4SubmitterCannotDecide(t *testing.T) {
	f := newFixture(t, received("2026-03-02"))
	in := tasksInput(f, tasksDef)
	in.Submitter = reg1
	st := play(t, f, in, []step{
		{0, "claim", reg1, "submitted this application", nil},
		{1, "approve", reg1, "submitted this application", nil},
		{2, "claim", reg2, "", nil},
		{3, "transfer", reg2, "submitted this application", to(reg1)},
		{4, "approve", reg2, "", nil},
		{5, "approve", appr1, "", nil},
	})
	if st.Outcome != procedures.OutcomeApproved {
		t.Fatalf("outcome %s", st.Outcome)
	}
	for _, e := range st.Timeline {
		if e.Actor == reg1.Subject && e.Action != "submit" {
			t.Fatalf("the submitter acted: %+v", e)
		}
	}
}

// TestD7CopyOnlyWithinJurisdiction: a case of a Beijing district is copied
// to staff of that district, never to a registrar of another province.
func TestD7CopyOnlyWithinJurisdiction(t *testing.T) {
	f := newFixture(t, received("2026-03-02"))
	hubei := staff("reg-hb", "湖北登记员", "registrar:420100")
	nobody := staff("clerk-0", "无职务")
	st := play(t, f, tasksInput(f, tasksDef), []step{
		{0, "copy", reg1, "湖北登记员 (reg-hb) cannot be copied", to(hubei)},
		{1, "copy", reg1, "cannot be copied", func(r *workflows.ActRequest) { r.Targets = []workflows.Actor{reg2, nobody} }},
		{2, "copy", reg1, "", to(sup)},
		{3, "approve", reg1, "", nil},
		{4, "approve", appr1, "", nil},
	})
	if len(st.Readers) != 1 || st.Readers[0].Subject != sup.Subject {
		t.Fatalf("readers %+v", st.Readers)
	}
}

// TestD12InvisibleOpinionIsNoOpinion: a refusal needs reasons a reader can
// see; white space, format characters and controls are none.
func TestD12InvisibleOpinionIsNoOpinion(t *testing.T) {
	f := newFixture(t, received("2026-11-27"))
	invisible := []string{"\u200b", "\x00", "\ufeff", "\u3000", " \u200e\u2060\t", "\u3164", "\x01\x7f", "\xff"}
	var outs []*outcome
	var refuse *outcome
	f.at("2026-11-27", 11, func() {
		for _, op := range invisible {
			outs = append(outs, f.act("refuse", registrar, op))
		}
		refuse = f.act("refuse", registrar, "\u200b双方存在禁止结婚的亲属关系")
	})
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, f.input("marriage-registration", fill(marriageForm)))
	st := f.result()
	for i, o := range outs {
		o.expect(t, "refuse with opinion "+strconv.Quote(invisible[i]), "requires an opinion")
	}
	refuse.expect(t, "refuse with a visible opinion", "")
	if st.Outcome != procedures.OutcomeRefused {
		t.Fatalf("outcome %s", st.Outcome)
	}
}
