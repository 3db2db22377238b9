package workflows

import (
	"testing"

	"civilflow/procedures"
)

// TestNewRulesSpareActionsAlreadyAccepted: handleAct checks an accepted
// action again, also when a history recorded before the D2, D4, D7 and D12
// rules replays. Those rules refuse a new action but must not refuse, on
// the re-check, one such a history holds, or the replay would diverge.
func TestNewRulesSpareActionsAlreadyAccepted(t *testing.T) {
	reg := Actor{Subject: "reg-1", Name: "一号", Roles: []RoleGrant{{Role: "registrar", Division: "110105"}}}
	hubei := Actor{Subject: "reg-hb", Name: "湖北", Roles: []RoleGrant{{Role: "registrar", Division: "420100"}}}
	st := procedures.Stage{ID: "review", Kind: procedures.KindTask, Actions: []procedures.Action{
		{ID: "register", By: "registrar", Next: "done"},
		{ID: "refuse", By: "registrar", Next: "refused", OpinionRequired: true},
		{ID: "accept-proof", By: "registrar", Next: "review", Effect: legacyProofEffect},
	}}
	c := &caseRun{in: CaseInput{Office: "110105", Submitter: reg, Parties: []Party{{IDNumber: "A"}, {IDNumber: "B"}}}}
	c.state.Assignment = &Assignment{Role: "registrar", Office: "110105"}
	c.enter(st)
	for _, req := range []ActRequest{
		{Action: "register", Actor: reg},                      // the submitter decides (D4)
		{Action: "copy", Actor: reg, Targets: []Actor{hubei}}, // a copy out of the jurisdiction (D7)
		{Action: "refuse", Actor: reg, Opinion: "\u200b"},     // an invisible opinion (D12)
		{Action: "accept-proof", Actor: reg, Opinion: "见判决"},  // no proof (D2)
	} {
		c.in.Submitter = reg
		if req.Action == "copy" {
			c.in.Submitter = Actor{Subject: "someone-else"}
		}
		if err := c.validate(nil, req); err != nil {
			t.Errorf("re-check of %s refused: %v", req.Action, err)
		}
		if err := c.validateNew(nil, req); err == nil {
			t.Errorf("new %s accepted", req.Action)
		}
	}
}
