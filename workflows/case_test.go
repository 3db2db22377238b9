package workflows_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"

	"civilflow/activities"
	"civilflow/calendar"
	"civilflow/idnumber"
	"civilflow/procedures"
	"civilflow/store"
	"civilflow/worker"
	"civilflow/workflows"
)

// Two spouses: a man born 1990 and a woman born 1992.
var (
	husband = newID("110105", "19900307", "153")
	wife    = newID("410105", "19920612", "246")
)

func newID(region, birth, seq string) string {
	s := region + birth + seq
	return s + string(idnumber.CheckDigit(s))
}

var (
	registrar = workflows.Actor{Subject: "reg-001", Name: "王登记", Roles: []workflows.RoleGrant{{Role: "registrar", Division: "110105"}}}
	otherProv = workflows.Actor{Subject: "reg-900", Name: "外省登记员", Roles: []workflows.RoleGrant{{Role: "registrar", Division: "410105"}}}
	spouseA   = workflows.Actor{Subject: husband, Name: "张伟"}
	outsider  = workflows.Actor{Subject: newID("110105", "19850101", "011"), Name: "路人"}
)

type fixture struct {
	t    *testing.T
	env  *testsuite.TestWorkflowEnvironment
	db   *store.DB
	acts *activities.Activities
	// nonces counts the actions signed so far.
	nonces int
}

func newFixture(t *testing.T, start time.Time) *fixture {
	t.Helper()
	var s testsuite.WorkflowTestSuite
	s.SetLogger(sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))))
	env := s.NewTestWorkflowEnvironment()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "civilflow.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	acts := &activities.Activities{Store: db, Calendar: calendar.Default()}
	worker.Register(env, acts, testActionKey)
	env.SetStartTime(start)
	return &fixture{t: t, env: env, db: db, acts: acts}
}

func definition(t *testing.T, id string) procedures.Definition {
	t.Helper()
	reg, err := procedures.LoadBuiltin(activities.Catalog([]string{"registrar", "supervisor", "admin", "approver", "assessor"}))
	if err != nil {
		t.Fatal(err)
	}
	p, ok := reg.Get(id)
	if !ok {
		t.Fatalf("no procedure %s", id)
	}
	return p.Definition
}

func (f *fixture) input(procedure, form string) workflows.CaseInput {
	def := definition(f.t, procedure)
	return workflows.CaseInput{
		CaseID: def.Code + "-110105-20260116-0001", Procedure: def, Office: "110105",
		Submitter: spouseA, Parties: []workflows.Party{{IDNumber: husband, Name: "张伟"}, {IDNumber: wife, Name: "李娜"}},
		Form: json.RawMessage(form), ReceivedAt: f.env.Now(),
	}
}

const divorceForm = `{"applicants":[{"name":"张伟","idNumber":"H"},{"name":"李娜","idNumber":"W"}],
 "agreement":{"willToDivorce":true,"children":"无子女","property":"各自所有","debts":"无共同债务"},"fullCivilCapacity":true}`

func (f *fixture) marry() {
	f.t.Helper()
	_, err := f.db.RegisterMarriage(context.Background(), "MAR-110105-20200520-0001", "110105", "2020-05-20", [2]store.Person{
		{IDNumber: husband, Name: "张伟", Sex: "male", BirthDate: "1990-03-07"},
		{IDNumber: wife, Name: "李娜", Sex: "female", BirthDate: "1992-06-12"},
	})
	if err != nil {
		f.t.Fatal(err)
	}
}

func fill(form string) string {
	return strings.NewReplacer(`"H"`, `"`+husband+`"`, `"W"`, `"`+wife+`"`).Replace(form)
}

// at runs fn when the test clock reaches the given China-time day and hour.
func (f *fixture) at(day string, hour int, fn func()) {
	when, err := time.ParseInLocation(time.DateOnly, day, workflows.ChinaTime)
	if err != nil {
		f.t.Fatal(err)
	}
	f.env.RegisterDelayedCallback(fn, when.Add(time.Duration(hour)*time.Hour).Sub(f.env.Now()))
}

func (f *fixture) state() workflows.CaseState {
	f.t.Helper()
	v, err := f.env.QueryWorkflow(workflows.QueryState)
	if err != nil {
		f.t.Fatal(err)
	}
	var st workflows.CaseState
	if err := v.Get(&st); err != nil {
		f.t.Fatal(err)
	}
	return st
}

// outcome is what became of one action; the test environment reports it
// asynchronously, so tests read it after the workflow has finished.
type outcome struct {
	done     bool
	rejected string
}

// act sends an action; the returned outcome fills in as the workflow runs.
func (f *fixture) act(action string, actor workflows.Actor, opinion string) *outcome {
	return f.actReq(workflows.ActRequest{Action: action, Actor: actor, Opinion: opinion})
}

// testActionKey is the key the test worker verifies actions with; sign
// signs with it, as the API does.
var testActionKey = []byte("test action key, 32 bytes or more")

// sign signs req for the running case at the test clock.
func (f *fixture) sign(req workflows.ActRequest) workflows.ActRequest {
	f.t.Helper()
	f.nonces++
	signed, err := workflows.SignAct(testActionKey, f.state().CaseID, req, f.env.Now(), fmt.Sprint("nonce-", f.nonces))
	if err != nil {
		f.t.Fatal(err)
	}
	return signed
}

// expect checks an outcome: accepted when want is "", else rejected with a
// message containing want.
func (o *outcome) expect(t *testing.T, what, want string) {
	t.Helper()
	switch {
	case !o.done:
		t.Errorf("%s: no answer", what)
	case want == "" && o.rejected != "":
		t.Errorf("%s: rejected: %s", what, o.rejected)
	case want != "" && !strings.Contains(o.rejected, want):
		t.Errorf("%s: got %q, want rejection containing %q", what, o.rejected, want)
	}
}

func (f *fixture) result() workflows.CaseState {
	f.t.Helper()
	if !f.env.IsWorkflowCompleted() {
		f.t.Fatal("workflow did not complete")
	}
	if err := f.env.GetWorkflowError(); err != nil {
		f.t.Fatal(err)
	}
	var st workflows.CaseState
	if err := f.env.GetWorkflowResult(&st); err != nil {
		f.t.Fatal(err)
	}
	return st
}

func received(day string) time.Time {
	t, _ := time.ParseInLocation(time.DateOnly, day, workflows.ChinaTime)
	return t.Add(10 * time.Hour)
}

// acceptInPerson has the registrar accept the divorce at 11:00 on day,
// both spouses having appeared (民法典第一千零七十六条).
func (f *fixture) acceptInPerson(day string) {
	f.at(day, 11, func() { f.act("accept", registrar, "") })
}

// withdrawalForm is the written withdrawal a spouse hands in at the office.
var withdrawalForm = workflows.Attachment{Title: "撤回离婚登记申请书", Reference: "archive://withdrawal/1"}

// TestDivorceFullTimeline: received and accepted in person 2026-01-16, the
// cooling-off period ends 2026-02-24 (Spring Festival extension), both
// appear on 2026-03-02 and the registrar registers the divorce.
func TestDivorceFullTimeline(t *testing.T) {
	f := newFixture(t, received("2026-01-16"))
	f.marry()
	f.acceptInPerson("2026-01-16")
	var cooling, window workflows.CaseState
	var early, foreign, register *outcome
	f.at("2026-01-20", 9, func() {
		cooling = f.state()
		early = f.act("register", registrar, "")
	})
	f.at("2026-02-24", 23, func() {
		if st := f.state(); st.Stage != "cooling-off" {
			t.Errorf("on the last day of cooling-off the stage is %s", st.Stage)
		}
	})
	f.at("2026-03-02", 10, func() {
		window = f.state()
		foreign = f.act("register", otherProv, "")
		register = f.act("register", registrar, "")
	})
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, f.input("divorce-registration", fill(divorceForm)))
	st := f.result()
	early.expect(t, "register during cooling-off", "not possible at stage")
	foreign.expect(t, "registrar of another province", "requires the role registrar")
	register.expect(t, "register in the window", "")

	if cooling.Stage != "cooling-off" || len(cooling.Deadlines) != 1 || cooling.Deadlines[0].LastDay != "2026-02-24" {
		t.Fatalf("cooling-off state: stage %s deadlines %+v", cooling.Stage, cooling.Deadlines)
	}
	if window.Stage != "awaiting-appearance" || len(window.Deadlines) != 2 || window.Deadlines[1].LastDay != "2026-03-26" {
		t.Fatalf("window state: stage %s deadlines %+v", window.Stage, window.Deadlines)
	}
	if st.Outcome != procedures.OutcomeApproved || len(st.Documents) != 4 || st.Documents[2].Kind != "divorce-certificate" {
		t.Fatalf("outcome %s documents %+v", st.Outcome, st.Documents)
	}
	m, err := f.db.ActiveMarriageBetween(context.Background(), husband, wife)
	if err != nil || m != nil {
		t.Fatalf("marriage still active after divorce: %+v %v", m, err)
	}
	trail, err := f.db.AuditTrail(context.Background(), st.CaseID)
	if err != nil || len(trail) != len(st.Timeline) {
		t.Fatalf("audit trail has %d entries, timeline %d (%v)", len(trail), len(st.Timeline), err)
	}
}

func TestDivorceWithdrawnDuringCoolingOff(t *testing.T) {
	f := newFixture(t, received("2026-01-16"))
	f.marry()
	f.acceptInPerson("2026-01-16")
	var byOutsider, noForm, atOffice *outcome
	f.at("2026-01-25", 10, func() {
		byOutsider = f.act("withdraw", outsider, "")
		noForm = f.act("withdraw", registrar, "李娜到场撤回")
		atOffice = f.actReq(workflows.ActRequest{Action: "withdraw", Actor: registrar, Opinion: "李娜到场撤回",
			Attachments: []workflows.Attachment{withdrawalForm}})
	})
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, f.input("divorce-registration", fill(divorceForm)))
	st := f.result()
	byOutsider.expect(t, "outsider withdraws", "requires the role registrar")
	noForm.expect(t, "withdrawal without the written application", "requires the document")
	atOffice.expect(t, "withdrawal in person", "")
	if st.Outcome != procedures.OutcomeWithdrawn {
		t.Fatalf("outcome %s", st.Outcome)
	}
	if m, _ := f.db.ActiveMarriageBetween(context.Background(), husband, wife); m == nil {
		t.Fatal("a withdrawn divorce must leave the marriage in place")
	}
	if st.ClosedAt.In(workflows.ChinaTime).Format(time.DateOnly) != "2026-01-25" {
		t.Fatalf("closed at %s", st.ClosedAt)
	}
}

// TestDivorceDeemedWithdrawn: nobody appears; the timer alone ends the case
// right after the window's last day, 2026-03-26.
func TestDivorceDeemedWithdrawn(t *testing.T) {
	f := newFixture(t, received("2026-01-16"))
	f.marry()
	f.acceptInPerson("2026-01-16")
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, f.input("divorce-registration", fill(divorceForm)))
	st := f.result()
	if st.Outcome != procedures.OutcomeDeemedWithdrawn {
		t.Fatalf("outcome %s", st.Outcome)
	}
	closed := st.ClosedAt.In(workflows.ChinaTime)
	if want := time.Date(2026, 3, 27, 0, 0, 0, 0, workflows.ChinaTime); !closed.Equal(want) {
		t.Fatalf("deemed withdrawn at %s, want %s", closed, want)
	}
}

func TestDivorceNotAcceptedWithoutAgreement(t *testing.T) {
	f := newFixture(t, received("2026-01-16"))
	// Not married in the registry, and no settlement of property.
	form := strings.Replace(fill(divorceForm), `"各自所有"`, `" "`, 1)
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, f.input("divorce-registration", form))
	st := f.result()
	if st.Outcome != procedures.OutcomeNotAccepted || len(st.Reasons) != 2 || st.AppealNotice == nil {
		t.Fatalf("outcome %s reasons %+v", st.Outcome, st.Reasons)
	}
}

const marriageForm = `{"applicants":[{"name":"张伟","idNumber":"H"},{"name":"李娜","idNumber":"W"}],
 "declaration":{"noSpouse":true,"noProhibitedKinship":true,"signedByBoth":true}}`

func TestMarriageRegistered(t *testing.T) {
	f := newFixture(t, received("2026-11-27"))
	var noOpinion, own, register *outcome
	f.at("2026-11-27", 11, func() {
		noOpinion = f.act("refuse", registrar, "")
		own = f.act("register", workflows.Actor{Subject: husband, Name: "张伟", Roles: registrar.Roles}, "")
		register = f.act("register", registrar, "")
	})
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, f.input("marriage-registration", fill(marriageForm)))
	st := f.result()
	noOpinion.expect(t, "refuse without opinion", "requires an opinion")
	own.expect(t, "party registers own marriage", "separation of duties")
	register.expect(t, "register", "")
	if st.Outcome != procedures.OutcomeApproved || len(st.Documents) != 2 || st.Documents[0].Kind != "marriage-certificate" {
		t.Fatalf("outcome %s documents %+v", st.Outcome, st.Documents)
	}
	if m, _ := f.db.ActiveMarriageBetween(context.Background(), husband, wife); m == nil {
		t.Fatal("marriage not in the registry")
	}
}

func TestMarriageUnderAgeRefusedWithEveryReason(t *testing.T) {
	f := newFixture(t, received("2026-11-27"))
	young := newID("110105", "20051201", "013")   // a man of 20
	younger := newID("110105", "20070101", "024") // a woman of 19
	in := f.input("marriage-registration", strings.NewReplacer(`"H"`, `"`+young+`"`, `"W"`, `"`+younger+`"`).Replace(marriageForm))
	in.Parties = []workflows.Party{{IDNumber: young, Name: "小王"}, {IDNumber: younger, Name: "小李"}}
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, in)
	st := f.result()
	if st.Outcome != procedures.OutcomeRefused || len(st.Reasons) != 2 {
		t.Fatalf("outcome %s reasons %+v", st.Outcome, st.Reasons)
	}
	for _, r := range st.Reasons {
		if r.Check != "legal-marriage-age" || r.Basis == "" {
			t.Fatalf("reason %+v", r)
		}
	}
}
