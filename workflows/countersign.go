package workflows

import (
	"strings"

	"go.temporal.io/sdk/workflow"

	"civilflow/procedures"
)

// Signature states.
const (
	SlotOpen      = "open"
	SlotAgreed    = "agreed"
	SlotDisagreed = "disagreed"
)

// openSlots starts a countersign: one open slot per signer.
func (c *caseRun) openSlots(st procedures.Stage) {
	c.state.Signatures = []Signature{}
	for _, g := range st.Signers {
		c.state.Signatures = append(c.state.Signatures, Signature{Slot: g.ID, Title: g.Title, Role: g.Role,
			Office: procedures.OfficeAt(c.in.Office, g.Level), Status: SlotOpen})
	}
}

// slotFor finds the open slot an actor may sign: one whose role they hold
// where it must be held. A person who signed one slot signs no other.
func (c *caseRun) slotFor(a Actor) (int, error) {
	for _, s := range c.state.Signatures {
		if s.Status != SlotOpen && s.Actor == a.Subject {
			return -1, rejected("you already gave an opinion in this countersign (slot %s)", s.Slot)
		}
	}
	for i, s := range c.state.Signatures {
		if s.Status == SlotOpen && holdsRole(a, s.Role, s.Office) {
			return i, nil
		}
	}
	return -1, rejected("no open countersign slot is for a role you hold here")
}

func (c *caseRun) validateVote(req ActRequest) error {
	if req.Action != procedures.ActionAgree && req.Action != procedures.ActionDisagree {
		return rejected("action %q is not possible at stage %q; possible: agree, disagree", req.Action, c.stage.ID)
	}
	if c.isParty(req.Actor.Subject) {
		return rejected("a party to the case cannot decide it (separation of duties)")
	}
	if req.Action == procedures.ActionDisagree && strings.TrimSpace(req.Opinion) == "" {
		return rejected("disagreeing requires an opinion stating the reasons")
	}
	_, err := c.slotFor(req.Actor)
	return err
}

// vote records one opinion and decides whether the countersign is over:
// the next stage, or "" while it is still open.
func (c *caseRun) vote(ctx workflow.Context, st procedures.Stage, req ActRequest) string {
	i, _ := c.slotFor(req.Actor) // validated moments ago in the same task
	s := &c.state.Signatures[i]
	s.Status, s.Actor, s.ActorName, s.Opinion = SlotDisagreed, req.Actor.Subject, req.Actor.Name, req.Opinion
	if req.Action == procedures.ActionAgree {
		s.Status = SlotAgreed
	}
	now := workflow.Now(ctx).UTC()
	s.At = &now
	agreed, open := 0, 0
	for _, x := range c.state.Signatures {
		switch x.Status {
		case SlotAgreed:
			agreed++
		case SlotOpen:
			open++
		}
	}
	need := len(c.state.Signatures)
	switch st.Mode {
	case procedures.ModeAny:
		need = 1
	case procedures.ModeQuorum:
		need = st.Quorum
	}
	next := ""
	switch {
	case agreed >= need:
		next = st.OnPass
	case agreed+open < need:
		next = st.OnFail
	}
	c.event(ctx, Event{Actor: req.Actor.Subject, ActorName: req.Actor.Name, Role: s.Role, Office: s.Office,
		Action: req.Action + ":" + s.Slot, StageFrom: st.ID, StageTo: next, Opinion: req.Opinion, Basis: st.Basis,
		Attachments: req.Attachments})
	if next != "" {
		// Slots nobody needs any more are closed, not left for someone to sign.
		for j := range c.state.Signatures {
			if c.state.Signatures[j].Status == SlotOpen {
				c.state.Signatures[j].Status = "not-needed"
			}
		}
	}
	return next
}
