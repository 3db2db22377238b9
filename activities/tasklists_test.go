package activities

import (
	"context"
	"path/filepath"
	"testing"

	"civilflow/store"
	"civilflow/workflows"
)

// TestRecordTransitionKeepsHolderAndReaders records a claimed case copied
// to someone, then its close: the claim takes it out of the pool into its
// holder's to-do, the reader may read it, and the closed case is in nobody's
// to-do while still copied.
func TestRecordTransitionKeepsHolderAndReaders(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "civilflow.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	a := &Activities{Store: db}
	at := cst("2026-03-02", 10)
	st := workflows.CaseState{
		CaseID: "MAR-110105-20260302-0001", ProcedureID: "marriage-registration", ProcedureVersion: 1, Office: "110105",
		Submitter: "S", ReceivedAt: at, Status: workflows.StatusOpen, Stage: "registrar-review", Seq: 3,
		NextActions: []workflows.NextAction{{Action: "register", By: "registrar", Office: "110105"}},
		Assignment:  &workflows.Assignment{Role: "registrar", Office: "110105", Holder: "reg-a", HolderName: "甲"},
		Readers:     []workflows.Reader{{Subject: "chief", Name: "科长", By: "reg-a", At: at}},
	}
	grants := []store.Grant{{Role: "registrar", Division: "110105"}}
	todo := func(subject string) int {
		t.Helper()
		_, n, err := db.ListToDo(ctx, subject, grants, store.TaskFilter{}, store.Page{})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if _, err := a.RecordTransition(ctx, workflows.RecordInput{State: st}); err != nil {
		t.Fatal(err)
	}
	if a, b := todo("reg-a"), todo("reg-b"); a != 1 || b != 0 {
		t.Errorf("to-do of the holder %d, of a colleague %d; want 1 and 0", a, b)
	}
	if ok, err := db.IsReader(ctx, st.CaseID, "chief"); err != nil || !ok {
		t.Errorf("the case copied to chief: %v, %v", ok, err)
	}

	st.Seq, st.Status, st.Stage, st.Outcome, st.NextActions = 4, workflows.StatusClosed, "registered", "approved", nil
	if _, err := a.RecordTransition(ctx, workflows.RecordInput{State: st}); err != nil {
		t.Fatal(err)
	}
	if n := todo("reg-a"); n != 0 {
		t.Errorf("a closed case is in its last holder's to-do (%d)", n)
	}
	if _, n, err := db.ListCopied(ctx, "chief", store.TaskFilter{}, store.Page{}); err != nil || n != 1 {
		t.Errorf("copied to chief after the close: %d, %v", n, err)
	}
}
