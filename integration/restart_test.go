package integration

import (
	"context"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"go.temporal.io/api/history/v1"
	"go.temporal.io/api/temporalproto"

	"civilflow/procedures"
	"civilflow/workflows"
)

var recordHistories = flag.Bool("record-histories", false, "write the histories of the restart test's cases to workflows/testdata for the replay test")

// TestRestartMidCase stops civilflow with a divorce in cooling-off and a
// marriage awaiting the registrar, starts it again on the same data
// directory, and finishes both cases.
func TestRestartMidCase(t *testing.T) {
	dir := t.TempDir()
	c := &clock{}
	a, err := start(t, dir, c)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, app: a, clock: c, dataDir: dir}
	reg := e.token("reg-restart", "吴登记", "registrar:110105")

	married := e.married(beijingChaoyang, reg)
	divorce := e.counterDivorce(married, beijingChaoyang)
	if divorce.Stage != "cooling-off" {
		t.Fatalf("divorce stage %s", divorce.Stage)
	}
	couple := e.couple("19930101", "19950101")
	marriage := e.do(http.MethodPost, "/v1/cases", couple.womanTok, marriageBody(couple, beijingChaoyang)).expect(t, http.StatusCreated).state(t)
	if marriage.Stage != "registrar-review" {
		t.Fatalf("marriage stage %s", marriage.Stage)
	}

	if err := a.Stop(context.Background()); err != nil {
		t.Fatalf("stop: %v", err)
	}
	if e.app, err = start(t, dir, c); err != nil {
		t.Fatalf("restart: %v", err)
	}
	t.Cleanup(func() { e.app.Stop(context.Background()) })
	// The tokens signed before the restart still work: the key persisted.
	reg2 := reg

	st := e.do(http.MethodGet, "/v1/cases/"+divorce.CaseID, married.womanTok, nil).expect(t, http.StatusOK).state(t)
	if st.Stage != "cooling-off" || len(st.Deadlines) != 1 || st.Deadlines[0].LastDay != divorce.Deadlines[0].LastDay {
		t.Fatalf("divorce after restart: stage %s deadlines %+v", st.Stage, st.Deadlines)
	}
	done := e.withdrawInPerson(divorce.CaseID, reg2).expect(t, http.StatusOK).state(t)
	if done.Outcome != procedures.OutcomeWithdrawn {
		t.Fatalf("divorce outcome %s", done.Outcome)
	}
	done = e.act(marriage.CaseID, reg2, "register", "").expect(t, http.StatusOK).state(t)
	if done.Outcome != procedures.OutcomeApproved || len(done.Documents) != 2 {
		t.Fatalf("marriage outcome %s documents %+v", done.Outcome, done.Documents)
	}

	if *recordHistories {
		// Named after the definition versions, so the histories of the
		// versions before them stay and keep replaying.
		e.saveHistory(marriage.CaseID, "marriage-v3-registered.json")
		e.saveHistory(divorce.CaseID, "divorce-v3-counter-withdrawn.json")
	}
}

// TestRecordTimerHistory runs a divorce whose periods have both run out,
// so its history holds the cooling-off and window timers.
func TestRecordTimerHistory(t *testing.T) {
	if !*recordHistories {
		t.Skip("only with -record-histories")
	}
	e := sharedEnv(t)
	reg := e.token("reg-rec", "郑登记", "registrar:110105")
	c := e.married(beijingChaoyang, reg)
	e.clock.receivedOn(t, "2026-01-16")
	st := e.counterDivorce(c, beijingChaoyang)
	e.waitFor(st.CaseID, c.manTok, func(s workflows.CaseState) bool { return s.Status == workflows.StatusClosed })
	e.saveHistory(st.CaseID, "divorce-v3-deemed-withdrawn.json")
}

func (e *env) saveHistory(caseID, name string) {
	e.t.Helper()
	it := e.app.Client().GetWorkflowHistory(context.Background(), caseID, "", false, 0)
	h := &history.History{}
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			e.t.Fatal(err)
		}
		h.Events = append(h.Events, ev)
	}
	raw, err := temporalproto.CustomJSONMarshalOptions{Indent: "  "}.Marshal(h)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("..", "workflows", "testdata", name), raw, 0o644); err != nil {
		e.t.Fatal(err)
	}
}
