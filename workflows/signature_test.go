package workflows_test

import (
	"strings"
	"testing"
	"time"

	"civilflow/procedures"
	"civilflow/workflows"
)

// TestD1ForgedActRejected: an action reaches the workflow only with the
// API's signature over exactly that request, for this case, recently issued
// and not seen before. Everything else is rejected by the validator, so it
// never enters the history and changes nothing; the signed action passes.
func TestD1ForgedActRejected(t *testing.T) {
	f := newFixture(t, received("2026-11-27"))
	register := workflows.ActRequest{Action: "register", Actor: registrar}
	// A registrar of nowhere in particular: what the review's forged
	// update claimed to be.
	nobody := workflows.Actor{Subject: "nobody", Name: "无名", Roles: []workflows.RoleGrant{{Role: "registrar", Division: "000000"}}}

	tries := map[string]*outcome{}
	var before, after workflows.CaseState
	var claim workflows.ActRequest
	f.at("2026-11-27", 11, func() {
		before = f.state()
		tries["unsigned"] = f.actRaw(register)
		tries["nobody, unsigned"] = f.actRaw(workflows.ActRequest{Action: "register", Actor: nobody})

		forged, err := workflows.SignAct([]byte("some other key of at least 32 bytes"), before.CaseID, register, f.env.Now(), "n-forged")
		if err != nil {
			t.Fatal(err)
		}
		tries["other key"] = f.actRaw(forged)

		// Signed for an applicant's harmless action, then made a registrar's.
		tampered := f.sign(workflows.ActRequest{Action: "register", Actor: spouseA})
		tampered.Actor = registrar
		tries["actor changed"] = f.actRaw(tampered)
		roles := f.sign(register)
		roles.Actor.Roles = append(roles.Actor.Roles, workflows.RoleGrant{Role: "supervisor", Division: "110000"})
		tries["roles changed"] = f.actRaw(roles)
		opinion := f.sign(register)
		opinion.Opinion = "added later"
		tries["opinion changed"] = f.actRaw(opinion)

		other, err := workflows.SignAct(testActionKey, "MAR-110105-20261127-0999", register, f.env.Now(), "n-other-case")
		if err != nil {
			t.Fatal(err)
		}
		tries["other case"] = f.actRaw(other)

		stale, err := workflows.SignAct(testActionKey, before.CaseID, register, f.env.Now().Add(-workflows.SignatureMaxAge-time.Second), "n-stale")
		if err != nil {
			t.Fatal(err)
		}
		tries["stale"] = f.actRaw(stale)
		ahead, err := workflows.SignAct(testActionKey, before.CaseID, register, f.env.Now().Add(workflows.SignatureMaxSkew+time.Second), "n-ahead")
		if err != nil {
			t.Fatal(err)
		}
		tries["issued ahead"] = f.actRaw(ahead)

		claim = f.sign(workflows.ActRequest{Action: workflows.ActionClaim, Actor: registrar})
		tries["claim"] = f.actRaw(claim)
		// The same signed request a little later, well within its age.
		f.env.RegisterDelayedCallback(func() {
			after = f.state()
			tries["claim again"] = f.actRaw(claim)
			tries["signed"] = f.actReq(register)
		}, 2*time.Minute)
	})
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, f.input("marriage-registration", fill(marriageForm)))
	st := f.result()

	for what, want := range map[string]string{
		"unsigned": "not signed", "nobody, unsigned": "not signed",
		"other key": "does not verify", "actor changed": "does not verify", "roles changed": "does not verify",
		"opinion changed": "does not verify", "other case": "does not verify",
		"stale": "stale", "issued ahead": "stale",
		"claim": "", "claim again": "already received", "signed": "",
	} {
		tries[what].expect(t, what, want)
		if want != "" && tries[what].rejected != "" && !strings.Contains(tries[what].rejected, workflows.ErrTypeActionRejected) {
			t.Errorf("%s: not an %s: %s", what, workflows.ErrTypeActionRejected, tries[what].rejected)
		}
	}
	// Only the claim entered the timeline before the registration.
	if len(after.Timeline) != len(before.Timeline)+1 || after.Stage != before.Stage {
		t.Errorf("rejected actions changed the case: timeline %d → %d, stage %s → %s",
			len(before.Timeline), len(after.Timeline), before.Stage, after.Stage)
	}
	if st.Outcome != procedures.OutcomeApproved || len(st.Documents) != 2 {
		t.Fatalf("signed register: outcome %s documents %d", st.Outcome, len(st.Documents))
	}
	for _, e := range st.Timeline {
		if e.Actor == "nobody" {
			t.Fatalf("a forged actor reached the timeline: %+v", e)
		}
	}
}

// TestD1UnkeyedWorkerAcceptsNothing: a worker registered without a key
// fails closed rather than skipping the check.
func TestD1UnkeyedWorkerAcceptsNothing(t *testing.T) {
	req, err := workflows.SignAct(testActionKey, "C-1", workflows.ActRequest{Action: "register", Actor: registrar}, received("2026-11-27"), "n")
	if err != nil {
		t.Fatal(err)
	}
	if err := workflows.VerifyAct(nil, "C-1", req, received("2026-11-27")); err == nil {
		t.Fatal("verified without a key")
	}
	if err := workflows.VerifyAct(testActionKey, "C-1", req, received("2026-11-27")); err != nil {
		t.Fatalf("the signer's own key: %v", err)
	}
}
