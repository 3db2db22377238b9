package workflows_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"civilflow/store"
	"civilflow/workflows"
)

// The W1 registry: the husband A is married to C, the wife B to D.
var (
	spouseC = newID("110105", "19880202", "022")
	spouseD = newID("110105", "19860303", "031")
)

const firstCase = "MAR-110105-20180601-0001"

// priorMarriages registers A–C and B–D; B–D by a case whose read model a
// reader of that case sees.
func (f *fixture) priorMarriages() {
	f.t.Helper()
	ctx := context.Background()
	if _, err := f.db.RegisterMarriage(ctx, "MAR-110105-20150501-0001", "110105", "2015-05-01", [2]store.Person{
		{IDNumber: husband, Name: "张伟", Sex: "male"}, {IDNumber: spouseC, Name: "陈芳", Sex: "female"}}); err != nil {
		f.t.Fatal(err)
	}
	received := time.Date(2018, 6, 1, 2, 0, 0, 0, time.UTC)
	st := workflows.CaseState{CaseID: firstCase, ProcedureID: "marriage-registration", ProcedureVersion: 1, Office: "110105",
		Submitter: spouseD, Parties: []workflows.Party{{IDNumber: spouseD, Name: "丁强"}, {IDNumber: wife, Name: "李娜"}},
		ReceivedAt: received, Status: workflows.StatusClosed, Stage: "registered", Outcome: "approved", Seq: 1,
		Timeline: []workflows.Event{{Seq: 1, At: received, Actor: spouseD, Action: "submit"}}}
	if err := f.acts.RecordTransitionOf(ctx, st, st.Timeline, nil); err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.db.RegisterMarriage(ctx, firstCase, "110105", "2018-06-01", [2]store.Person{
		{IDNumber: spouseD, Name: "丁强", Sex: "male"}, {IDNumber: wife, Name: "李娜", Sex: "female"}}); err != nil {
		f.t.Fatal(err)
	}
}

func proof(kind, person, spouse, date string) func(*workflows.ActRequest) {
	return func(r *workflows.ActRequest) {
		r.Opinion = "见判决书"
		r.Attachments = []workflows.Attachment{{Title: "判决书", Reference: "dms://proof/1", SHA256: strings.Repeat("ab", 32),
			Proof: &workflows.Proof{Kind: kind, Number: "（2025）京0105民初123号", Date: date, Person: person, Spouse: spouse}}}
	}
}

// TestD2ProofEndsOnlyTheMarriageItNames is the legal review's W1: A is
// married to C, B to D; a judgment for B ends B–D alone, after a second
// registrar confirmed it; the checks run again, A is still married, and no
// certificate is issued. D is told, and D's own case shows the end.
func TestD2ProofEndsOnlyTheMarriageItNames(t *testing.T) {
	f := newFixture(t, received("2026-03-02"))
	f.priorMarriages()
	var afterConfirm workflows.CaseState
	f.at("2026-03-02", 18, func() { afterConfirm = f.state() })
	st := play(t, f, caseInput(f.input("marriage-registration", fill(marriageForm))), []step{
		{0, "accept-proof", reg1, "requires the document", nil},
		{1, "accept-proof", reg1, "must name the applicant", proof("divorce-judgment", spouseC, spouseD, "2025-01-10")},
		{1, "accept-proof", reg1, "sha256", func(r *workflows.ActRequest) {
			proof("divorce-judgment", wife, spouseD, "2025-01-10")(r)
			r.Attachments[0].SHA256 = ""
		}},
		{2, "accept-proof", reg1, "married to each other", proof("divorce-judgment", wife, husband, "2025-01-10")},
		{3, "accept-proof", reg1, "after today", proof("divorce-judgment", wife, spouseD, "2027-01-10")},
		{4, "accept-proof", reg1, "", proof("divorce-judgment", wife, spouseD, "2025-01-10")},
		{5, "confirm-proof", reg1, "four eyes", nil},
		{6, "confirm-proof", reg2, "", nil},
		{8, "refuse", reg1, "", nil},
	})
	ctx := context.Background()
	if afterConfirm.Stage != "awaiting-proof" || !strings.Contains(afterConfirm.Reasons[0].Message.En, "张伟") || len(afterConfirm.Reasons) != 1 {
		t.Fatalf("after the confirmed proof: stage %s reasons %+v", afterConfirm.Stage, afterConfirm.Reasons)
	}
	if len(st.Documents) != 0 || st.Outcome != "refused" {
		t.Fatalf("outcome %s documents %+v", st.Outcome, st.Documents)
	}
	if m, _ := f.db.ActiveMarriageBetween(ctx, husband, spouseC); m == nil {
		t.Fatal("A–C was ended without proof")
	}
	if m, _ := f.db.ActiveMarriage(ctx, wife); m != nil {
		t.Fatalf("B–D still active: %+v", m)
	}
	for id, want := range map[string]string{wife: store.MaritalDivorced, spouseD: store.MaritalDivorced, spouseC: store.MaritalMarried} {
		if p, err := f.db.Person(ctx, id); err != nil || p.MaritalStatus != want {
			t.Errorf("%s: %+v %v, want %s", id, p, err, want)
		}
	}
	c := events(st, "confirm-proof")
	if len(c) != 1 || !strings.Contains(c[0].Opinion, "2025-01-10") || c[0].PartyOpinion == "" || strings.Contains(c[0].PartyOpinion, "2018-06-01") {
		t.Fatalf("confirm-proof entries %+v", c)
	}
	first, err := f.db.GetCase(ctx, firstCase)
	if err != nil || !strings.Contains(string(first.State), "marriage-ended") || !strings.Contains(string(first.State), "2025-01-10") ||
		strings.Contains(string(first.State), st.CaseID) {
		t.Fatalf("the first marriage's case: %v %s", err, first.State)
	}
	ns, _, err := f.db.Notifications(ctx, spouseD, nil, store.Page{Limit: 10})
	if err != nil || len(ns) != 1 || ns[0].Kind != "marriage-ended" || strings.Contains(ns[0].Message, st.CaseID) {
		t.Fatalf("notifications to D: %v %+v", err, ns)
	}
}

// TestD2DeathCertificateWidows is the legal review's N1: a death
// certificate of C dated 2024-03-01 makes A widowed, the marriage ended
// that day, not on the day the registrar accepted it.
func TestD2DeathCertificateWidows(t *testing.T) {
	f := newFixture(t, received("2026-03-02"))
	ctx := context.Background()
	if _, err := f.db.RegisterMarriage(ctx, "MAR-110105-20150501-0001", "110105", "2015-05-01", [2]store.Person{
		{IDNumber: husband, Name: "张伟", Sex: "male"}, {IDNumber: spouseC, Name: "陈芳", Sex: "female"}}); err != nil {
		t.Fatal(err)
	}
	st := play(t, f, caseInput(f.input("marriage-registration", fill(marriageForm))), []step{
		{0, "accept-proof", reg1, "", proof("death-certificate", husband, spouseC, "2024-03-01")},
		{1, "confirm-proof", reg2, "", nil},
		{2, "register", reg1, "", nil},
	})
	if st.Outcome != "approved" || len(st.Documents) != 2 {
		t.Fatalf("outcome %s documents %+v", st.Outcome, st.Documents)
	}
	if p, _ := f.db.Person(ctx, husband); p.MaritalStatus != store.MaritalMarried {
		t.Fatalf("A after the new marriage: %+v", p)
	}
	// The ended marriage: dissolved on the day of death; C keeps the status at death.
	var dissolved string
	if m, _ := f.db.ActiveMarriageBetween(ctx, husband, spouseC); m != nil {
		t.Fatal("A–C still active")
	}
	ended := events(st, "confirm-proof")
	if len(ended) == 1 {
		dissolved = ended[0].Opinion
	}
	if !strings.Contains(dissolved, "2024-03-01") || !strings.Contains(dissolved, "widowed") {
		t.Fatalf("confirm-proof opinion %q", dissolved)
	}
	if p, _ := f.db.Person(ctx, spouseC); p.MaritalStatus != store.MaritalMarried {
		t.Fatalf("the deceased's status changed: %+v", p)
	}
}

// TestD9RegistryConflictIsCaseNeutral: a proof that does not fit the
// registry, and a registry that changed before registration, are recorded
// with the reason code and a fixed text, never the store's error.
func TestD9RegistryConflictIsCaseNeutral(t *testing.T) {
	f := newFixture(t, received("2026-03-02"))
	f.priorMarriages()
	st := play(t, f, caseInput(f.input("marriage-registration", fill(marriageForm))), []step{
		// The judgment names C as B's spouse: the registry shows B married to D.
		{0, "accept-proof", reg1, "", proof("divorce-judgment", wife, spouseC, "2025-01-10")},
		{1, "confirm-proof", reg2, "", nil},
		{2, "withdraw", spouseA, "", nil},
	})
	// The case is checked again from its start, the competent office first.
	conflicts := events(st, workflows.ReasonRegistryConflict)
	if len(conflicts) != 1 || conflicts[0].StageTo != "competence" {
		t.Fatalf("conflicts %+v", conflicts)
	}
	for _, e := range st.Timeline {
		for _, bad := range []string{"MAR-", "store:", "type:", "retryable", husband, spouseC, spouseD} {
			if e.Action != "accept-proof" && strings.Contains(e.Opinion, bad) {
				t.Errorf("entry %s holds %q: %s", e.Action, bad, e.Opinion)
			}
		}
	}
	if m, _ := f.db.ActiveMarriage(context.Background(), wife); m == nil {
		t.Fatal("B–D ended by a proof that does not fit")
	}
}

// TestD5RegistryReasonsWaitForConfirmation: the reason that the registry
// shows B married is marked, the timeline carries a text without it for
// applicants, and confirming is offered until both applicants confirmed.
func TestD5RegistryReasonsWaitForConfirmation(t *testing.T) {
	f := newFixture(t, received("2026-03-02"))
	f.priorMarriages()
	var before workflows.CaseState
	f.at("2026-03-02", 11, func() { before = f.state() })
	st := play(t, f, caseInput(f.input("marriage-registration", fill(marriageForm))), []step{
		{1, "confirm", spouseA, "", nil},
		{2, "confirm", spouseA, "already confirmed", nil},
		{3, "confirm", outsider, "needs the role", nil},
		{4, "confirm", workflows.Actor{Subject: wife, Name: "李娜"}, "", nil},
		{5, "withdraw", spouseA, "", nil},
	})
	if len(before.Reasons) != 2 || !before.Reasons[0].Registry || !before.Reasons[1].Registry {
		t.Fatalf("reasons %+v", before.Reasons)
	}
	failed := events(before, "checks-failed")
	if len(failed) != 1 || !strings.Contains(failed[0].Opinion, "2018-06-01") ||
		strings.Contains(failed[0].PartyOpinion, "2018") || !strings.Contains(failed[0].PartyOpinion, workflows.WithheldReason.Zh) {
		t.Fatalf("checks-failed %+v", failed)
	}
	if before.AllConfirmed() || !slices.ContainsFunc(before.NextActions, func(n workflows.NextAction) bool { return n.Action == "confirm" }) {
		t.Fatalf("before confirmation: confirmed %v next %+v", before.Confirmed, before.NextActions)
	}
	if !st.AllConfirmed() || len(events(st, "confirm")) != 2 {
		t.Fatalf("after: confirmed %v", st.Confirmed)
	}
}

// TestD5RegistrarConfirmsInPerson: a registrar of the task records that
// both applicants confirmed before them.
func TestD5RegistrarConfirmsInPerson(t *testing.T) {
	f := newFixture(t, received("2026-03-02"))
	f.priorMarriages()
	st := play(t, f, caseInput(f.input("marriage-registration", fill(marriageForm))), []step{
		{0, "confirm", otherProv, "needs the role registrar", nil},
		{1, "confirm", reg1, "", nil},
		{2, "confirm", reg2, "already confirmed", nil},
		{3, "withdraw", spouseA, "", nil},
	})
	if !st.AllConfirmed() {
		t.Fatalf("confirmed %v", st.Confirmed)
	}
}

// TestD2RunningCasesOnTheOldDefinitionNameTheProof: a case started on the
// first marriage definition (accept-proof ending every applicant's
// marriage at once) must name the proof too; only B–D ends, and the
// registration then meets the registry's refusal for A and waits again.
func TestD2RunningCasesOnTheOldDefinitionNameTheProof(t *testing.T) {
	f := newFixture(t, received("2026-03-02"))
	f.priorMarriages()
	in := f.input("marriage-registration", fill(marriageForm))
	in.Procedure.Version = 1
	for i, st := range in.Procedure.Stages {
		if st.ID != "awaiting-proof" {
			continue
		}
		for j, a := range st.Actions {
			if a.ID == "accept-proof" {
				a.Next, a.Effect, a.ProofRequired, a.AttachmentRequired = "registrar-review", "end-prior-marriages", false, false
				in.Procedure.Stages[i].Actions[j] = a
			}
		}
	}
	st := play(t, f, caseInput(in), []step{
		{0, "accept-proof", reg1, "requires the proof", nil},
		{1, "accept-proof", reg1, "", proof("divorce-judgment", wife, spouseD, "2025-01-10")},
		{2, "register", reg1, "", nil},
		{3, "withdraw", spouseA, "", nil},
	})
	ctx := context.Background()
	if m, _ := f.db.ActiveMarriageBetween(ctx, husband, spouseC); m == nil {
		t.Fatal("A–C was ended without proof")
	}
	if m, _ := f.db.ActiveMarriage(ctx, wife); m != nil {
		t.Fatal("B–D still active")
	}
	if len(st.Documents) != 0 || len(events(st, workflows.ReasonRegistryConflict)) != 1 {
		t.Fatalf("documents %+v timeline %+v", st.Documents, st.Timeline)
	}
}

// TestD2TwoProofsAtOnce: both applicants bring proof in one acceptance;
// each ends its own marriage, and the new one is registered.
func TestD2TwoProofsAtOnce(t *testing.T) {
	f := newFixture(t, received("2026-03-02"))
	f.priorMarriages()
	both := func(r *workflows.ActRequest) {
		proof("divorce-judgment", wife, spouseD, "2025-01-10")(r)
		a := r.Attachments[0]
		r.Attachments = append(r.Attachments, workflows.Attachment{Title: "死亡证明", Reference: "dms://proof/2", SHA256: a.SHA256,
			Proof: &workflows.Proof{Kind: "death-certificate", Number: "No. 2024-0301", Date: "2024-03-01", Person: husband, Spouse: spouseC}})
	}
	twice := func(r *workflows.ActRequest) {
		both(r)
		r.Attachments[1].Proof.Person = wife
	}
	st := play(t, f, caseInput(f.input("marriage-registration", fill(marriageForm))), []step{
		{0, "accept-proof", reg1, "one proof per applicant", twice},
		{1, "accept-proof", reg1, "", both},
		{2, "confirm-proof", reg2, "", nil},
		{3, "register", reg1, "", nil},
	})
	if st.Outcome != "approved" || len(st.Documents) != 2 {
		t.Fatalf("outcome %s documents %+v", st.Outcome, st.Documents)
	}
	ctx := context.Background()
	for id, want := range map[string]string{spouseD: store.MaritalDivorced, spouseC: store.MaritalMarried, husband: store.MaritalMarried, wife: store.MaritalMarried} {
		if p, _ := f.db.Person(ctx, id); p.MaritalStatus != want {
			t.Errorf("%s: %s, want %s", id, p.MaritalStatus, want)
		}
	}
}
