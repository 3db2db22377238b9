package workflows

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"civilflow/divisions"
	"civilflow/procedures"
)

// SystemActor names transitions made by the engine itself (checks, timers).
const SystemActor = "system"

// caseRun is the interpreter's memory of one case. All of it is rebuilt by
// replay, so it holds only deterministic values.
type caseRun struct {
	in      CaseInput
	def     procedures.Definition
	state   CaseState
	stage   procedures.Stage
	settled bool        // waiting for a person or a timer, or ended
	pending *ActRequest // an accepted action the main loop has not yet applied
	applied int         // actions applied so far
	queued  int         // actions handed to the main loop so far
	unsaved []Event     // timeline entries not yet written to the store
	lastDay string      // last day of the most recent statutory period
	// resuming is true from a continue-as-new until the case first leaves
	// the stage it resumed in.
	resuming bool
	// timerEnded is the last day of a stage period that just ran out and
	// moved the case, while the next stage is entered.
	timerEnded string
	// fresh is true while the update validator checks a new action (see
	// validateNew).
	fresh bool
	// actionKey verifies signed actions (see signature.go); nonces are
	// those of recently accepted actions.
	actionKey []byte
	nonces    []usedNonce
}

// runCase runs one case through its procedure definition (Cases.CaseWorkflow).
func runCase(ctx workflow.Context, in CaseInput, actionKey []byte) (CaseState, error) {
	c := &caseRun{in: in, def: in.Procedure, actionKey: actionKey}
	c.state = CaseState{
		CaseID: in.CaseID, ProcedureID: in.Procedure.ID, ProcedureVersion: in.Procedure.Version,
		ProcedureTitle: in.Procedure.Title, Office: in.Office, Submitter: in.Submitter.Subject,
		Parties: in.Parties, ReceivedAt: in.ReceivedAt, Status: StatusOpen,
		NextActions: []NextAction{}, Deadlines: []Deadline{}, Clocks: []ClockState{}, Documents: []Document{}, Timeline: []Event{},
	}
	if err := c.registerHandlers(ctx); err != nil {
		return CaseState{}, err
	}
	start := in.Procedure.Start
	if r := in.Resume; r != nil {
		c.state, c.lastDay, c.resuming = r.State, r.LastDay, true
		start = r.State.Stage
	} else {
		c.event(ctx, Event{Actor: in.Submitter.Subject, ActorName: in.Submitter.Name, Action: "submit",
			Office: in.Office, StageTo: in.Procedure.Start, Basis: strings.Join(in.Procedure.LegalBasis, "；")})
	}
	if err := c.run(ctx, start); err != nil {
		return c.state, err
	}
	// Let update handlers that wait for the end return their answer.
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return c.state, err
	}
	return c.state, nil
}

func (c *caseRun) registerHandlers(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, QueryState, func() (CaseState, error) {
		return c.state, nil
	}); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateSettled,
		func(ctx workflow.Context, _ SettledRequest) (CaseState, error) {
			err := workflow.Await(ctx, func() bool { return c.settled })
			return c.state, err
		}, workflow.UpdateHandlerOptions{}); err != nil {
		return err
	}
	return workflow.SetUpdateHandlerWithOptions(ctx, UpdateAct, c.handleAct,
		workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, req ActRequest) error {
			// Here only, never in handleAct: validators do not run on
			// replay, so a rotated key cannot break it (verifySignature).
			if err := c.verifySignature(ctx, req); err != nil {
				return err
			}
			return c.validateNew(ctx, req)
		}})
}

// handleAct hands an accepted action to the main loop and answers with the
// state once the case has settled again (e.g. after certificates are issued).
func (c *caseRun) handleAct(ctx workflow.Context, req ActRequest) (CaseState, error) {
	c.rememberNonce(ctx, req)
	// Two actions accepted in the same workflow task run one after the other;
	// the second is checked again against the stage the first left behind.
	if err := workflow.Await(ctx, func() bool { return c.pending == nil && c.settled }); err != nil {
		return CaseState{}, err
	}
	if err := c.validate(ctx, req); err != nil {
		return CaseState{}, err
	}
	c.queued++
	ticket := c.queued
	c.pending = &req
	c.settled = false
	err := workflow.Await(ctx, func() bool { return c.applied >= ticket && c.settled })
	return c.state, err
}

func rejected(format string, a ...any) error {
	return temporal.NewApplicationError(fmt.Sprintf(format, a...), ErrTypeActionRejected)
}

// validateNew is validate for an action not yet in the history, with the
// rules added since histories were first recorded: the submitter's
// separation of duties (D4), copies within the jurisdiction (D7), invisible
// opinions (D12) and proofs (D2). handleAct checks an accepted action again,
// also on replay, where an action accepted before these rules existed must
// still pass; those rules concern only what the request carries, which the
// validator has already checked, so handleAct leaves them out.
func (c *caseRun) validateNew(ctx workflow.Context, req ActRequest) error {
	c.fresh = true
	defer func() { c.fresh = false }()
	return c.validate(ctx, req)
}

// noOpinion reports whether an opinion is missing: blank (invisible text
// included) for a new action, empty after trimming for one re-checked.
func (c *caseRun) noOpinion(s string) bool {
	if c.fresh {
		return blank(s)
	}
	return strings.TrimSpace(s) == ""
}

// validate decides whether an action fits the case now: the stage, the
// actor's role and jurisdiction, separation of duties and the opinion rule.
// It runs before the update enters history, so a rejection changes nothing.
func (c *caseRun) validate(ctx workflow.Context, req ActRequest) error {
	if c.state.Status == StatusClosed {
		return rejected("case %s is closed (%s)", c.state.CaseID, c.state.Outcome)
	}
	if c.pending != nil {
		return rejected("case %s is being processed; try again", c.state.CaseID)
	}
	if len(req.Attachments) > MaxAttachments || len(req.Opinion) > MaxOpinion {
		return rejected("at most %d attachments and %d bytes of opinion per action", MaxAttachments, MaxOpinion)
	}
	if name, ok := strings.CutPrefix(req.Action, procedures.ExtendAction); ok {
		if len(c.stage.Actions) == 0 && c.stage.Kind != procedures.KindSign {
			return rejected("no action is possible at stage %q", c.stage.ID)
		}
		return c.validateExtension(name, req)
	}
	if handled, err := c.validateTask(ctx, req); handled {
		return err
	}
	if c.stage.Kind == procedures.KindSign {
		return c.validateVote(req)
	}
	a, ok := c.stage.Action(req.Action)
	if !ok {
		var allowed []string
		for _, x := range c.stage.Actions {
			allowed = append(allowed, x.ID)
		}
		if len(allowed) == 0 {
			return rejected("no action is possible at stage %q", c.stage.ID)
		}
		return rejected("action %q is not possible at stage %q; possible: %s", req.Action, c.stage.ID, strings.Join(allowed, ", "))
	}
	party := c.isParty(req.Actor.Subject)
	if a.By == procedures.ByParty {
		if !party {
			return rejected("action %q can be taken only by a party to the case", a.ID)
		}
	} else {
		if office := c.actionOffice(c.stage); !holdsRole(req.Actor, a.By, office) {
			return rejected("action %q requires the role %s in a jurisdiction covering %s", a.ID, a.By, office)
		}
		if err := c.notInterested(req.Actor.Subject, "decide it"); err != nil {
			return err
		}
		if err := c.checkHolder(req.Actor); err != nil {
			return err
		}
		if err := c.checkDistinct(c.stage, req.Actor); err != nil {
			return err
		}
	}
	if a.OpinionRequired && c.noOpinion(req.Opinion) {
		return rejected("action %q requires an opinion stating the reasons", a.ID)
	}
	if a.AttachmentRequired && len(req.Attachments) == 0 {
		return rejected("action %q requires the document it relies on as an attachment", a.ID)
	}
	if acceptsProof(a) {
		if c.fresh {
			if err := c.validateProofs(ctx, req); err != nil {
				return err
			}
		}
	} else if a.Effect != "" {
		for _, p := range c.state.Proofs {
			if p.AcceptedBy == req.Actor.Subject {
				return rejected("four eyes: you accepted the proof of %s; another person must confirm it", c.partyName(p.Person))
			}
		}
	}
	if len(req.Form) > 0 && !a.AmendsForm {
		return rejected("action %q does not take an amended form", a.ID)
	}
	if len(req.Form) > MaxForm {
		return rejected("the amended form is larger than %d bytes", MaxForm)
	}
	return c.validateAmount(a, req)
}

func (c *caseRun) isParty(subject string) bool {
	for _, p := range c.in.Parties {
		if p.IDNumber == subject {
			return true
		}
	}
	return false
}

func holdsRole(a Actor, role, office string) bool {
	for _, g := range a.Roles {
		if g.Role == role && divisions.Covers(g.Division, office) {
			return true
		}
	}
	return false
}

// run walks the definition from stage id until an end stage.
func (c *caseRun) run(ctx workflow.Context, id string) error {
	for {
		st, ok := c.def.Stage(id)
		if !ok {
			return temporal.NewNonRetryableApplicationError("stage "+id+" missing from definition", "BadDefinition", nil)
		}
		prev := c.stage
		c.enter(st)
		if d := c.state.LastDecision; d != nil && d.To == prev.ID && prev.ID != st.ID {
			switch prev.Kind {
			case procedures.KindCheck, procedures.KindRoute:
				// Checks change nothing: the decision still waits for the
				// stage the case settles in.
				d.To = st.ID
			case procedures.KindIssue:
				c.state.LastDecision = nil // documents were issued; no taking back
			}
		}
		// A resumed case re-enters the stage it was waiting in: its slots,
		// clocks and periods are already in its state.
		if !c.resuming {
			if st.Kind == procedures.KindSign {
				c.openSlots(st)
			}
			err := c.updateClocks(ctx, st.ID)
			c.timerEnded = ""
			if err != nil {
				return err
			}
			if err := c.assign(ctx, st); err != nil {
				return err
			}
		}
		c.refreshActions()
		var next string
		var err error
		switch st.Kind {
		case procedures.KindCheck:
			next, err = c.runChecks(ctx, st)
		case procedures.KindRoute:
			next, err = c.route(ctx, st)
		case procedures.KindIssue:
			next, err = c.issue(ctx, st)
		case procedures.KindEnd:
			return c.end(ctx, st, prev)
		default:
			next, err = c.wait(ctx, st)
		}
		if err != nil {
			return err
		}
		id = next
	}
}

func (c *caseRun) enter(st procedures.Stage) {
	c.stage = st
	c.state.Stage, c.state.StageKind, c.state.StageTitle = st.ID, st.Kind, st.Title
}

// form is the application form as it stands: the one submitted, or the
// one a party handed in with a correction.
func (c *caseRun) form() json.RawMessage {
	if len(c.state.AmendedForm) > 0 {
		return c.state.AmendedForm
	}
	return c.in.Form
}

// isTaskAction reports whether action is one of the task actions every
// human stage understands rather than one of the stage's own.
func isTaskAction(action string) bool {
	switch action {
	case ActionClaim, ActionRelease, ActionTransfer, ActionDelegate, ActionResolve, ActionTakeBack,
		ActionUrge, ActionCopy, ActionAddSigner, ActionRemoveSigner, ActionConfirm:
		return true
	}
	return strings.HasPrefix(action, procedures.ReturnAction)
}

// refreshActions lists what people may do now: the stage's actions and the
// extension of any running clock that allows one.
func (c *caseRun) refreshActions() {
	c.state.NextActions = []NextAction{}
	for _, a := range c.stage.Actions {
		office := c.in.Office
		if a.By != procedures.ByParty {
			office = c.actionOffice(c.stage)
		}
		c.state.NextActions = append(c.state.NextActions, NextAction{Action: a.ID, Title: a.Title, By: a.By,
			Office: office, OpinionRequired: a.OpinionRequired})
	}
	if c.state.Status == StatusOpen && !c.state.AllConfirmed() &&
		slices.ContainsFunc(c.state.Reasons, func(r Reason) bool { return r.Registry }) {
		// What the registry holds is withheld from applicants until each
		// has confirmed the application (or a registrar saw them in person).
		c.state.NextActions = append(c.state.NextActions, NextAction{Action: ActionConfirm,
			Title: procedures.Text{Zh: "确认申请", En: "Confirm the application"}, By: procedures.ByParty, Office: c.in.Office})
	}
	if as := c.state.Assignment; as != nil && as.Holder == "" {
		c.state.NextActions = append(c.state.NextActions, NextAction{Action: ActionClaim,
			Title: procedures.Text{Zh: "认领", En: "Claim"}, By: as.Role, Office: as.Office})
	}
	for _, to := range c.stage.ReturnTo {
		back, _ := c.def.Stage(to)
		role, office := taskRole(c.stage), c.actionOffice(c.stage)
		if c.stage.Kind == procedures.KindSign && len(c.stage.Signers) > 0 {
			role, office = c.stage.Signers[0].Role, procedures.OfficeAt(c.in.Office, c.stage.Signers[0].Level)
		}
		c.state.NextActions = append(c.state.NextActions, NextAction{Action: procedures.ReturnAction + to,
			Title: procedures.Text{Zh: "退回：" + back.Title.Zh, En: "Return to " + back.Title.En}, By: role, Office: office, OpinionRequired: true})
	}
	if c.stage.Kind == procedures.KindSign {
		for _, s := range c.state.Signatures {
			if s.Status != SlotOpen {
				continue
			}
			c.state.NextActions = append(c.state.NextActions,
				NextAction{Action: procedures.ActionAgree, Title: procedures.Text{Zh: "同意（" + s.Title.Zh + "）", En: "Agree (" + s.Title.En + ")"}, By: s.Role, Office: s.Office},
				NextAction{Action: procedures.ActionDisagree, Title: procedures.Text{Zh: "不同意（" + s.Title.Zh + "）", En: "Disagree (" + s.Title.En + ")"}, By: s.Role, Office: s.Office, OpinionRequired: true})
		}
	}
	waiting := len(c.stage.Actions) > 0 || c.stage.Kind == procedures.KindSign
	for _, cs := range c.state.Clocks {
		def, _ := c.def.Clock(cs.Name)
		if cs.Status == ClockRunning && !cs.Extended && def.Extension != nil && waiting {
			c.state.NextActions = append(c.state.NextActions, NextAction{
				Action: procedures.ExtendAction + cs.Name,
				Title:  procedures.Text{Zh: "延长" + cs.Title.Zh, En: "Extend: " + cs.Title.En},
				// Where the approving authority sits, which may be above the office.
				By: def.Extension.By, Office: procedures.OfficeAt(c.in.Office, def.Extension.Level), OpinionRequired: true,
			})
		}
	}
}

func (c *caseRun) event(ctx workflow.Context, e Event) {
	c.state.Seq++
	e.Seq = c.state.Seq
	e.At = workflow.Now(ctx).UTC()
	c.state.Timeline = append(c.state.Timeline, e)
	c.unsaved = append(c.unsaved, e)
}

func (c *caseRun) today(ctx workflow.Context) string {
	return workflow.Now(ctx).In(ChinaTime).Format(time.DateOnly)
}

func (c *caseRun) runChecks(ctx workflow.Context, st procedures.Stage) (string, error) {
	var res ChecksResult
	err := workflow.ExecuteActivity(activityCtx(ctx), ActivityRunChecks, ChecksInput{
		CaseID: c.in.CaseID, Checks: st.Checks, Params: c.def.Params, Parties: c.in.Parties,
		Form: c.form(), Office: c.in.Office, OnDay: c.today(ctx), AmountFen: c.state.AmountFen, Submitter: &c.in.Submitter,
	}).Get(ctx, &res)
	if err != nil {
		return "", err
	}
	if len(res.Failed) == 0 {
		c.event(ctx, Event{Actor: SystemActor, Action: "checks-passed", StageFrom: st.ID, StageTo: st.OnPass, Basis: st.Basis})
		return st.OnPass, nil
	}
	// Every failed rule is listed; the route is the stage's own unless only
	// checks with their own route (e.g. a registry mismatch) failed.
	next := ""
	for _, f := range res.Failed {
		target := st.OnFail
		for _, ref := range st.Checks {
			if ref.Check == f.Check && ref.OnFail != "" {
				target = ref.OnFail
			}
		}
		if target == st.OnFail || next == "" {
			next = target
		}
	}
	c.state.Reasons = res.Failed
	opinion, party := reasonsText(res.Failed)
	c.event(ctx, Event{Actor: SystemActor, Action: "checks-failed", StageFrom: st.ID, StageTo: next,
		Opinion: opinion, PartyOpinion: party, Basis: st.Basis})
	return next, nil
}

// route takes the first way whose condition holds; the conditions are
// named checks, run together in one activity.
func (c *caseRun) route(ctx workflow.Context, st procedures.Stage) (string, error) {
	refs := make([]procedures.CheckRef, 0, len(st.Routes))
	for _, r := range st.Routes {
		refs = append(refs, procedures.CheckRef{Check: r.Check})
	}
	var res ChecksResult
	err := workflow.ExecuteActivity(activityCtx(ctx), ActivityRunChecks, ChecksInput{
		CaseID: c.in.CaseID, Checks: refs, Params: c.def.Params, Parties: c.in.Parties,
		Form: c.form(), Office: c.in.Office, OnDay: c.today(ctx), AmountFen: c.state.AmountFen, Submitter: &c.in.Submitter,
	}).Get(ctx, &res)
	if err != nil {
		return "", err
	}
	// Otherwise, the record says why no way's condition held.
	next := st.Otherwise
	why, party := reasonsText(res.Failed)
	for _, r := range st.Routes {
		if !slices.ContainsFunc(res.Failed, func(f Reason) bool { return f.Check == r.Check }) {
			next, why, party = r.To, r.Check+" holds", ""
			break
		}
	}
	c.event(ctx, Event{Actor: SystemActor, Action: "route", StageFrom: st.ID, StageTo: next, Opinion: why, PartyOpinion: party, Basis: st.Basis})
	return next, nil
}

func (c *caseRun) issue(ctx workflow.Context, st procedures.Stage) (string, error) {
	var res IssueResult
	err := workflow.ExecuteActivity(activityCtx(ctx), ActivityIssueDocuments, IssueInput{
		CaseID: c.in.CaseID, Document: st.Document, Office: c.in.Office, OnDay: c.today(ctx), Parties: c.in.Parties,
		Form: c.form(), ProcedureID: c.def.ID, Params: c.def.Params, AmountFen: c.state.AmountFen,
	}).Get(ctx, &res)
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) && appErr.Type() == ErrTypeRegistryConflict {
		// The registry changed after the checks (e.g. a spouse married
		// elsewhere meanwhile): check again from the start instead of failing.
		c.event(ctx, Event{Actor: SystemActor, Action: ReasonRegistryConflict, StageFrom: st.ID,
			StageTo: c.def.Start, Opinion: RegistryConflictText.Zh + " " + RegistryConflictText.En})
		return c.def.Start, nil
	}
	if err != nil {
		return "", err
	}
	c.state.Documents = append(c.state.Documents, res.Documents...)
	var numbers []string
	for _, d := range res.Documents {
		numbers = append(numbers, d.Number)
	}
	c.event(ctx, Event{Actor: SystemActor, Action: "issue:" + st.Document, StageFrom: st.ID, StageTo: st.Next,
		Opinion: strings.Join(numbers, ", "), Basis: st.Basis})
	return st.Next, nil
}

func (c *caseRun) end(ctx workflow.Context, st, decidedAt procedures.Stage) error {
	c.state.Status = StatusClosed
	c.state.Outcome = st.Outcome
	now := workflow.Now(ctx).UTC()
	c.state.ClosedAt = &now
	// Refusals, non-acceptance and a decision to terminate (a benefit
	// stopped) are administrative acts that can be appealed.
	if st.Outcome == procedures.OutcomeRefused || st.Outcome == procedures.OutcomeNotAccepted || st.Outcome == procedures.OutcomeTerminated {
		notice := AppealNotice(c.def.AppealNotice, procedures.OfficeAt(c.in.Office, decidedAt.Level))
		c.state.AppealNotice = &notice
	}
	for i := range c.state.Deadlines {
		c.state.Deadlines[i].Active = false
	}
	c.stopClocks()
	c.event(ctx, Event{Actor: SystemActor, Action: "close:" + st.Outcome, StageFrom: st.ID})
	if err := c.record(ctx); err != nil {
		return err
	}
	c.settled = true
	return nil
}

// wait parks the case at a human or timer stage until an action moves it
// on or the stage's period runs out. Meanwhile it sends the reminders of
// running clocks and escalates or applies those that run out.
func (c *caseRun) wait(ctx workflow.Context, st procedures.Stage) (string, error) {
	var due *Deadline
	if st.Timer != nil {
		if d, ok := c.activeDeadline(st.Timer.Name); ok && c.resuming {
			due = &d
		} else {
			d, err := c.deadline(ctx, st)
			if err != nil {
				return "", err
			}
			due = &d
		}
	}
	c.resuming = false
	if err := c.record(ctx); err != nil {
		return "", err
	}
	c.settled = true
	arrived := func() bool { return c.pending != nil }
	for {
		if err := c.maybeContinueAsNew(ctx); err != nil {
			return "", err
		}
		w := c.nextWake(ctx, due)
		if w.kind == wakeNone {
			if err := workflow.Await(ctx, arrived); err != nil {
				return "", err
			}
		} else {
			ok, err := workflow.AwaitWithTimeout(ctx, w.at.Sub(workflow.Now(ctx)), arrived)
			if err != nil {
				return "", err
			}
			if !ok {
				next, err := c.wake(ctx, st, due, w)
				if next != "" || err != nil {
					return next, err
				}
				continue
			}
		}
		next, stay, err := c.apply(ctx, st, due)
		if err != nil || !stay {
			return next, err
		}
	}
}

// wake handles a timer that fired while waiting; a non-empty result moves
// the case to that stage.
func (c *caseRun) wake(ctx workflow.Context, st procedures.Stage, due *Deadline, w wakeUp) (string, error) {
	switch w.kind {
	case wakeStageTimer:
		c.settled = false
		c.closeDeadline(due.Name)
		c.timerEnded = due.LastDay
		c.event(ctx, Event{Actor: SystemActor, Action: "expire:" + st.Timer.Name, StageFrom: st.ID,
			StageTo: st.Timer.OnExpiry, Basis: st.Timer.Basis})
		return st.Timer.OnExpiry, nil
	case wakeRetry:
		if err := c.retryPending(ctx, due); err != nil {
			return "", err
		}
	case wakeReminder:
		cs := &c.state.Clocks[w.clock]
		cs.Reminders[w.reminder].Sent = true
		c.event(ctx, Event{Actor: SystemActor, Action: "remind:" + cs.Name, StageFrom: st.ID,
			Opinion: fmt.Sprintf("%d %s left; last day %s", cs.Reminders[w.reminder].Before, cs.Unit, cs.LastDay),
			Basis:   cs.Basis})
	case wakeClockExpiry:
		cs := &c.state.Clocks[w.clock]
		def, _ := c.def.Clock(cs.Name)
		if def.OnExpiry.Next != "" {
			c.settled = false
			cs.Status = ClockExpired
			c.event(ctx, Event{Actor: SystemActor, Action: "expire:" + cs.Name, StageFrom: st.ID,
				StageTo: def.OnExpiry.Next, Basis: cs.Basis})
			return def.OnExpiry.Next, nil
		}
		cs.Status = ClockOverdue
		cs.EscalatedTo = def.OnExpiry.EscalateTo
		c.event(ctx, Event{Actor: SystemActor, Action: "escalate:" + cs.Name, StageFrom: st.ID,
			Role: def.OnExpiry.EscalateTo, Office: c.in.Office,
			Opinion: "time limit passed on " + cs.LastDay, Basis: cs.Basis})
	}
	return "", c.record(ctx)
}

// apply carries out the pending action. Most actions leave the stage;
// extending a clock does not (stay is true then).
func (c *caseRun) apply(ctx workflow.Context, st procedures.Stage, due *Deadline) (next string, stay bool, err error) {
	req := *c.pending
	if name, ok := strings.CutPrefix(req.Action, procedures.ExtendAction); ok {
		if err := c.extend(ctx, st, name, req); err != nil {
			return "", false, err
		}
		c.pending = nil
		c.applied++
		if err := c.record(ctx); err != nil {
			return "", false, err
		}
		c.settled = true
		return "", true, nil
	}
	if isTaskAction(req.Action) {
		next, stay := c.applyTask(ctx, st, req)
		c.pending = nil
		c.applied++
		if !stay {
			if due != nil {
				c.closeDeadline(due.Name)
			}
			return next, false, nil
		}
		c.refreshActions()
		if err := c.record(ctx); err != nil {
			return "", false, err
		}
		c.settled = true
		return "", true, nil
	}
	if st.Kind == procedures.KindSign {
		c.state.LastDecision = nil
		next := c.vote(ctx, st, req)
		c.pending = nil
		c.applied++
		if next != "" {
			if due != nil {
				c.closeDeadline(due.Name)
			}
			return next, false, nil
		}
		c.refreshActions()
		if err := c.record(ctx); err != nil {
			return "", false, err
		}
		c.settled = true
		return "", true, nil
	}
	a, _ := st.Action(req.Action)
	if acceptsProof(a) {
		c.state.Proofs = acceptedProofs(ctx, req)
	}
	var ended []EndedMarriage
	if a.Effect != "" {
		var res EffectResult
		err := workflow.ExecuteActivity(activityCtx(ctx), ActivityApplyEffect, EffectInput{
			CaseID: c.in.CaseID, Effect: a.Effect, OnDay: c.today(ctx), Parties: c.in.Parties, Note: req.Opinion,
			Form: c.form(), ProcedureID: c.def.ID, Params: c.def.Params, Office: c.in.Office, Proofs: c.state.Proofs,
		}).Get(ctx, &res)
		var appErr *temporal.ApplicationError
		if errors.As(err, &appErr) && appErr.Type() == ErrTypeRegistryConflict {
			// The registry does not show what the proof says (or changed
			// meanwhile): nothing was written; the case is checked again.
			c.state.Proofs = nil
			if due != nil {
				c.closeDeadline(due.Name)
			}
			c.event(ctx, Event{Actor: req.Actor.Subject, ActorName: req.Actor.Name, Role: a.By, Office: c.actionOffice(st),
				Action: ReasonRegistryConflict, StageFrom: st.ID, StageTo: c.def.Start,
				Opinion: RegistryConflictText.Zh + " " + RegistryConflictText.En})
			c.pending = nil
			c.applied++
			return c.def.Start, false, nil
		}
		if err != nil {
			return "", false, err
		}
		ended = res.Ended
		c.state.Proofs = nil
	} else if !acceptsProof(a) {
		c.state.Proofs = nil // the proof was rejected, or the case ends
	}
	if due != nil {
		c.closeDeadline(due.Name)
	}
	if a.Accepts {
		c.state.AcceptedOn = c.today(ctx)
	}
	role := a.By
	if a.By == procedures.ByParty {
		role = "applicant"
	} else {
		c.state.Reasons = nil
	}
	if a.OpinionRequired && a.Next != "" {
		if next, ok := c.def.Stage(a.Next); ok && next.Kind == procedures.KindEnd &&
			(next.Outcome == procedures.OutcomeRefused || next.Outcome == procedures.OutcomeNotAccepted) {
			c.state.Reasons = append(c.state.Reasons, Reason{Message: procedures.Text{Zh: req.Opinion, En: req.Opinion}, Basis: procedures.ActionBasis(st, a)})
		}
	}
	office := c.in.Office
	if a.By != procedures.ByParty {
		office = c.actionOffice(st)
	}
	opinion := req.Opinion
	if req.AmountFen != nil {
		c.state.AmountFen = req.AmountFen
		opinion = strings.TrimPrefix(opinion+"；"+amountText(*req.AmountFen), "；")
	}
	if len(req.Form) > 0 {
		// The amended form replaces the submitted one for every later check
		// and document; the submitted one stays in the case's input.
		c.state.AmendedForm = req.Form
		opinion = strings.TrimSpace("form amended (补正)；" + opinion)
	}
	// Which marriage ended, and since when it was registered, is registry
	// data: applicants read it once all of them confirmed (D5).
	party := ""
	if len(ended) > 0 {
		party = strings.TrimPrefix(opinion+"；"+provenText, "；")
	}
	for _, m := range ended {
		opinion = strings.TrimPrefix(opinion+"；"+endedText(c.partyName(m.Person), m), "；")
	}
	c.event(ctx, Event{Actor: req.Actor.Subject, ActorName: req.Actor.Name, Role: role, Office: office,
		Action: a.ID, StageFrom: st.ID, StageTo: a.Next, Opinion: opinion, PartyOpinion: party, Basis: procedures.ActionBasis(st, a), Attachments: req.Attachments})
	c.state.LastDecision = nil
	if a.By != procedures.ByParty && a.Effect == "" && a.Next != st.ID {
		// A decision without registry effects may be taken back until the
		// next stage acts.
		c.state.LastDecision = &Decision{Actor: req.Actor.Subject, Action: a.ID, From: st.ID, To: a.Next, Seq: c.state.Seq}
	}
	c.pending = nil
	c.applied++
	return a.Next, false, nil
}

func (c *caseRun) activeDeadline(name string) (Deadline, bool) {
	for _, d := range c.state.Deadlines {
		if d.Name == name && d.Active {
			return d, true
		}
	}
	return Deadline{}, false
}

// maybeContinueAsNew starts a fresh history once this one is long, at a
// wait with no action pending, carrying the state over. Cases that last
// years (county-to-city conversion, benefits under periodic review) stay
// cheap to replay.
func (c *caseRun) maybeContinueAsNew(ctx workflow.Context) error {
	limit := c.in.HistoryLimit
	if limit <= 0 {
		limit = DefaultHistoryLimit
	}
	info := workflow.GetInfo(ctx)
	if !info.GetContinueAsNewSuggested() && info.GetCurrentHistoryLength() < limit {
		return nil
	}
	// Handlers still answering (a settled query-like update) finish first;
	// one that handed over an action waits for this loop, so apply it first.
	if err := workflow.Await(ctx, func() bool { return c.pending != nil || workflow.AllHandlersFinished(ctx) }); err != nil {
		return err
	}
	if c.pending != nil {
		return nil
	}
	next := c.in
	st := c.state
	if n := len(st.Timeline); n > TimelineKept {
		st.Timeline = append([]Event(nil), st.Timeline[n-TimelineKept:]...)
	}
	next.Resume = &Resumption{State: st, LastDay: c.lastDay}
	return workflow.NewContinueAsNewError(ctx, CaseWorkflowName, next)
}

func (c *caseRun) closeDeadline(name string) {
	for i := range c.state.Deadlines {
		if c.state.Deadlines[i].Name == name {
			c.state.Deadlines[i].Active = false
		}
	}
}

// deadline counts the stage's statutory period.
func (c *caseRun) deadline(ctx workflow.Context, st procedures.Stage) (Deadline, error) {
	t := st.Timer
	from := c.today(ctx)
	switch t.From {
	case procedures.FromReceipt:
		from = c.in.ReceivedAt.In(ChinaTime).Format(time.DateOnly)
	case procedures.FromPreviousPeriod:
		if c.lastDay != "" {
			from = c.lastDay
		}
	case procedures.FromAcceptance:
		from = c.state.AcceptedOn
		if from == "" {
			from = c.in.ReceivedAt.In(ChinaTime).Format(time.DateOnly)
		}
	}
	d := Deadline{Name: t.Name, Title: t.Title, From: from, Basis: t.Basis, Active: true, Unit: t.Unit,
		Length: procedures.Length(c.def.Params, t.Length, t.LengthParam, c.in.Office)}
	if err := c.countDeadline(ctx, &d); err != nil {
		return Deadline{}, err
	}
	c.state.Deadlines = append(c.state.Deadlines, d)
	return d, nil
}

// countDeadline counts d, or leaves it pending for lack of calendar data.
func (c *caseRun) countDeadline(ctx workflow.Context, d *Deadline) error {
	res, reason, err := c.count(ctx, DeadlineInput{From: d.From, Length: d.Length, Unit: d.Unit})
	if err != nil {
		return err
	}
	d.PendingCalendar = reason
	if reason == "" {
		d.LastDay, d.EndsAt, d.Rule, d.CalendarVersion = res.LastDay, endOfDay(res.LastDay), res.Rule, res.CalendarVersion
		d.Provisional = res.Provisional
		c.lastDay = res.LastDay
	}
	return nil
}

// count counts a period in an activity, so new calendar data never changes
// the history of a running case. When the legal calendar lacks a year the
// count needs, ok is false and reason says which: the caller keeps the
// period pending (the case is flagged, works on, and retries hourly) rather
// than guessing with weekends alone.
func (c *caseRun) count(ctx workflow.Context, in DeadlineInput) (res DeadlineResult, reason string, err error) {
	in.Office = c.in.Office // the region's own days off count too (M20)
	err = workflow.ExecuteActivity(activityCtx(ctx), ActivityComputeDeadline, in).Get(ctx, &res)
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) && appErr.Type() == ErrTypeYearNotCovered {
		return res, appErr.Message(), nil
	}
	if err != nil {
		return res, "", err
	}
	if _, err := time.Parse(time.DateOnly, res.LastDay); err != nil {
		return res, "", temporal.NewNonRetryableApplicationError("bad deadline "+res.LastDay, "BadDeadline", err)
	}
	return res, "", nil
}

// calendarFlags lists the periods waiting for calendar data, as flags.
func (c *caseRun) calendarFlags() {
	c.state.Flags = slices.DeleteFunc(c.state.Flags, func(f string) bool { return strings.HasPrefix(f, "calendar: ") })
	for _, d := range c.state.Deadlines {
		if d.Active && d.PendingCalendar != "" {
			c.state.Flags = append(c.state.Flags, "calendar: "+d.Name+": "+d.PendingCalendar)
		}
	}
	for _, cs := range c.state.Clocks {
		if cs.PendingCalendar != "" && (cs.Status == ClockRunning || cs.Status == ClockSuspended) {
			c.state.Flags = append(c.state.Flags, "calendar: "+cs.Name+": "+cs.PendingCalendar)
		}
	}
}

// endOfDay is 24:00 China time of day: a period includes its whole last day.
func endOfDay(day string) time.Time {
	d, _ := time.ParseInLocation(time.DateOnly, day, ChinaTime)
	return d.AddDate(0, 0, 1).UTC()
}

// startOfDay is 00:00 China time of day.
func startOfDay(day string) time.Time {
	d, _ := time.ParseInLocation(time.DateOnly, day, ChinaTime)
	return d.UTC()
}

// dueAt is the earliest end among the stage's period and the clocks that
// are running or overdue: what lists sort and supervise by.
func (c *caseRun) dueAt() *time.Time {
	var due *time.Time
	consider := func(t time.Time) {
		if due == nil || t.Before(*due) {
			due = &t
		}
	}
	for _, d := range c.state.Deadlines {
		if d.Active && d.PendingCalendar == "" {
			consider(d.EndsAt)
		}
	}
	for _, cs := range c.state.Clocks {
		if (cs.Status == ClockRunning || cs.Status == ClockOverdue) && cs.EndsAt != nil {
			consider(*cs.EndsAt)
		}
	}
	return due
}

// record writes the read model and the new timeline entries to the store.
// It runs at every point where the case settles, so lists and audits
// follow each transition.
func (c *caseRun) record(ctx workflow.Context) error {
	c.calendarFlags()
	dueAt := c.dueAt()
	in := RecordInput{State: c.state, NewEvents: c.unsaved, DueAt: dueAt}
	if err := workflow.ExecuteActivity(activityCtx(ctx), ActivityRecordTransition, in).Get(ctx, nil); err != nil {
		return err
	}
	c.unsaved = nil
	sa := []temporal.SearchAttributeUpdate{
		temporal.NewSearchAttributeKeyKeyword(SearchStage).ValueSet(c.state.Stage),
		temporal.NewSearchAttributeKeyKeyword(SearchProcedure).ValueSet(c.state.ProcedureID),
		temporal.NewSearchAttributeKeyKeyword(SearchOffice).ValueSet(c.state.Office),
	}
	if dueAt != nil {
		sa = append(sa, temporal.NewSearchAttributeKeyTime(SearchDueAt).ValueSet(*dueAt))
	} else {
		sa = append(sa, temporal.NewSearchAttributeKeyTime(SearchDueAt).ValueUnset())
	}
	return workflow.UpsertTypedSearchAttributes(ctx, sa...)
}

// activityCtx sets the options every case activity shares: short attempts,
// retried with backoff, except for business errors that no retry can fix.
func activityCtx(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:        time.Second,
			BackoffCoefficient:     2,
			MaximumInterval:        5 * time.Minute,
			NonRetryableErrorTypes: []string{ErrTypeYearNotCovered, ErrTypeRegistryConflict},
		},
	})
}
