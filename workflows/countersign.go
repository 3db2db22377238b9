package workflows

import (
	"fmt"
	"math"
	"slices"
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
// where it must be held (and, for an added signer, that is theirs). A
// person who signed one slot signs no other. In a sequential countersign
// only the first open slot may sign.
func (c *caseRun) slotFor(a Actor) (int, error) {
	for _, s := range c.state.Signatures {
		if s.Status != SlotOpen && s.Actor == a.Subject {
			return -1, rejected("you already gave an opinion in this countersign (slot %s)", s.Slot)
		}
	}
	sequential := c.stage.Mode == procedures.ModeSequential
	for i, s := range c.state.Signatures {
		if s.Status != SlotOpen {
			continue
		}
		if holdsRole(a, s.Role, s.Office) && (s.Person == "" || s.Person == a.Subject) {
			return i, nil
		}
		if sequential {
			return -1, rejected("it is the turn of slot %s (%s)", s.Slot, s.Title.En)
		}
	}
	return -1, rejected("no open countersign slot is for a role you hold here")
}

// slotRole is the slot (open or signed) of this countersign whose role the
// actor holds: whoever takes part may add or remove signers and return.
func (c *caseRun) slotRole(a Actor) (int, error) {
	if c.isParty(a.Subject) {
		return -1, rejected("a party to the case cannot decide it (separation of duties)")
	}
	for i, s := range c.state.Signatures {
		if holdsRole(a, s.Role, s.Office) && (s.Person == "" || s.Person == a.Subject) {
			return i, nil
		}
	}
	return -1, rejected("you take no part in this countersign")
}

func (c *caseRun) validateSignerChange(req ActRequest) error {
	if c.stage.Kind != procedures.KindSign {
		return rejected("signers are added or removed only in a countersign")
	}
	mine, err := c.slotRole(req.Actor)
	if err != nil {
		return err
	}
	if req.Action == ActionRemoveSigner {
		for _, s := range c.state.Signatures {
			if s.Slot == req.Slot {
				if s.Status != SlotOpen || !strings.HasPrefix(s.Slot, "added-") {
					return rejected("only an added signer who has not signed can be removed")
				}
				return nil
			}
		}
		return rejected("no slot %q", req.Slot)
	}
	to, err := single(req)
	if err != nil {
		return err
	}
	s := c.state.Signatures[mine]
	if c.notInterested(to.Subject, "sign") != nil || !holdsRole(to, s.Role, s.Office) {
		return rejected("%s cannot sign: the slot needs the role %s covering %s, held by someone not a party", to.Name, s.Role, s.Office)
	}
	for _, x := range c.state.Signatures {
		if x.Person == to.Subject || x.Actor == to.Subject {
			return rejected("%s already takes part in this countersign", to.Name)
		}
	}
	if req.Position != "" && req.Position != "before" && req.Position != "after" {
		return rejected("position is before or after")
	}
	return nil
}

// changeSigners adds or removes a signer and tells whether the countersign
// is now over (the next stage), e.g. after removing the last open slot.
func (c *caseRun) changeSigners(ctx workflow.Context, st procedures.Stage, req ActRequest, ev *Event) string {
	if req.Action == ActionRemoveSigner {
		c.state.Signatures = slices.DeleteFunc(c.state.Signatures, func(s Signature) bool { return s.Slot == req.Slot })
		ev.Opinion = strings.TrimSpace("slot " + req.Slot + "；" + req.Opinion)
		return c.settleVotes(st)
	}
	mine, _ := c.slotRole(req.Actor)
	to := req.Targets[0]
	s := c.state.Signatures[mine]
	n := 0
	for _, x := range c.state.Signatures {
		var k int
		if _, err := fmt.Sscanf(x.Slot, "added-%d", &k); err == nil && k > n {
			n = k
		}
	}
	slot := Signature{Slot: fmt.Sprintf("added-%d", n+1), Title: procedures.Text{Zh: "加签：" + to.Name, En: "Added: " + to.Name},
		Role: s.Role, Office: s.Office, Person: to.Subject, Status: SlotOpen}
	at := mine + 1
	if req.Position == "before" {
		at = mine
	}
	c.state.Signatures = slices.Insert(c.state.Signatures, at, slot)
	ev.Opinion = strings.TrimSpace(req.Position + " " + s.Slot + ": " + to.Name + "；" + req.Opinion)
	return ""
}

func (c *caseRun) validateVote(req ActRequest) error {
	if req.Action != procedures.ActionAgree && req.Action != procedures.ActionDisagree {
		return rejected("action %q is not possible at stage %q; possible: agree, disagree", req.Action, c.stage.ID)
	}
	if err := c.notInterested(req.Actor.Subject, "decide it"); err != nil {
		return err
	}
	if req.Action == procedures.ActionDisagree && c.noOpinion(req.Opinion) {
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
	next := c.settleVotes(st)
	c.event(ctx, Event{Actor: req.Actor.Subject, ActorName: req.Actor.Name, Role: s.Role, Office: s.Office,
		Action: req.Action + ":" + s.Slot, StageFrom: st.ID, StageTo: next, Opinion: req.Opinion, Basis: st.Basis,
		Attachments: req.Attachments})
	return next
}

// settleVotes decides whether the countersign is over: the next stage, or
// "" while it is still open. Slots nobody needs any more are then closed.
func (c *caseRun) settleVotes(st procedures.Stage) string {
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
		need = min(st.Quorum, len(c.state.Signatures))
	case procedures.ModeRatio:
		// The smallest whole number of signers that reaches the ratio of
		// the slots there are now (added or removed signers count).
		need = int(math.Ceil(st.Ratio*float64(len(c.state.Signatures)) - 1e-9))
	}
	next := ""
	switch {
	case agreed >= need:
		next = st.OnPass
	case agreed+open < need:
		next = st.OnFail
	}
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
