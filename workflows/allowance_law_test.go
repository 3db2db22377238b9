package workflows_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"civilflow/activities"
	"civilflow/procedures"
	"civilflow/store"
	"civilflow/workflows"
)

// The 80+ allowance example after the 2026-12 legal review (§8).

// exampleDefinition parses a definition of examples/procedures.
func exampleDefinition(t *testing.T, id string) procedures.Definition {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "examples", "procedures", id+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := procedures.Parse(raw, activities.Catalog([]string{"registrar", "supervisor", "admin", "approver", "assessor"}))
	if err != nil {
		t.Fatal(err)
	}
	return p.Definition
}

// TestM24AllowanceMovesBandAndStopsOnDeath: born 1936-05-10, approved in
// January 2026 at 30 yuan (80-89); from June 2026, the month after the
// 90th birthday, 60 yuan; a death recorded on 2026-08-03 stops payment
// from September (local measures under 老年人权益保障法第三十三条第二款).
func TestM24AllowanceMovesBandAndStopsOnDeath(t *testing.T) {
	f := newBenefitFixture(t, received("2026-01-12"))
	elder := workflows.Party{IDNumber: newID("110105", "19360510", "022"), Name: "陈奶奶"}
	in := workflows.CaseInput{
		CaseID: "ELD-110105-20260112-0001", Procedure: exampleDefinition(t, "elderly-allowance"), Office: "110105",
		Submitter: workflows.Actor{Subject: elder.IDNumber, Name: elder.Name}, Parties: []workflows.Party{elder},
		Form:       []byte(`{"applicants":[{"name":"陈奶奶","idNumber":"` + elder.IDNumber + `"}],"hukouDivision":"110105"}`),
		ReceivedAt: f.env.Now(),
	}
	var april, june workflows.CaseState
	f.at("2026-01-12", 11, func() { f.act("verified", reg1, "") })
	f.at("2026-01-12", 12, func() { f.act("approve", appr1, "") })
	f.at("2026-04-20", 10, func() { april = f.state() })
	f.at("2026-06-15", 10, func() { june = f.state() })
	f.at("2026-08-03", 10, func() { f.act("record-death", reg1, "经公安部门通报，陈奶奶于2026年8月1日死亡") })
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, in)
	st := f.result()
	if april.Stage != "paying" || len(april.Documents) != 1 {
		t.Fatalf("in April: stage %s documents %+v", april.Stage, april.Documents)
	}
	if june.Stage != "paying" || len(june.Documents) != 2 || june.Documents[1].Kind != activities.DocAllowanceAdjustment {
		t.Fatalf("in June: stage %s documents %+v", june.Stage, june.Documents)
	}
	adj := docData(f, in.CaseID, activities.DocAllowanceAdjustment)
	if adj["previousAmount"] != "30.00" || adj["monthlyAmount"] != "60.00" || adj["effectiveFrom"] != "2026-06-01" {
		t.Fatalf("band change %v", adj)
	}
	if st.Outcome != procedures.OutcomeTerminated || st.Stage != "stopped" {
		t.Fatalf("outcome %s at %s", st.Outcome, st.Stage)
	}
	if got := docData(f, in.CaseID, activities.DocAllowanceStop)["stoppedFrom"]; got != "2026-09-01" {
		t.Fatalf("stopped from %v", got)
	}
	b, err := f.db.BenefitOf(context.Background(), in.CaseID)
	if err != nil || b.Status != store.BenefitStopped || b.MonthlyFen != 6000 || b.StoppedFrom != "2026-09-01" {
		t.Fatalf("roster %+v %v", b, err)
	}
}
