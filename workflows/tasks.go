package workflows

import (
	"fmt"
	"slices"
	"strings"

	"go.temporal.io/sdk/workflow"

	"civilflow/divisions"
	"civilflow/procedures"
)

// taskRole is the role whose holders decide a stage: its first action by a
// role. Stages with none (applicant stages, waits) have no task to assign.
func taskRole(st procedures.Stage) string {
	for _, a := range st.Actions {
		if a.By != procedures.ByParty {
			return a.By
		}
	}
	return ""
}

// assign puts a stage's task into its role's pool. The office is raised to
// the parent jurisdiction while the staff directory knows nobody holding
// the role where it should be held (empty approver).
func (c *caseRun) assign(ctx workflow.Context, st procedures.Stage) error {
	c.state.Assignment = nil
	role := taskRole(st)
	if st.Kind != procedures.KindTask || role == "" {
		return nil
	}
	office := procedures.OfficeAt(c.in.Office, st.Level)
	c.state.Assignment = &Assignment{Role: role, Office: office}
	// Cases started before the directory existed replay without the look-up.
	if workflow.GetVersion(ctx, "empty-approver", workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return nil
	}
	var res HoldersResult
	if err := workflow.ExecuteActivity(activityCtx(ctx), ActivityFindHolders, HoldersInput{Role: role, Office: office}).Get(ctx, &res); err != nil {
		return err
	}
	if res.Office != "" && res.Office != office {
		c.state.Assignment.Office, c.state.Assignment.RaisedFrom = res.Office, office
		c.event(ctx, Event{Actor: SystemActor, Action: "raise", StageFrom: st.ID, Role: role, Office: res.Office,
			Opinion: fmt.Sprintf("nobody holds %s at %s; the task goes up to %s", role, office, res.Office)})
	}
	return nil
}

// actionOffice is where a role action of the current stage must be held.
func (c *caseRun) actionOffice(st procedures.Stage) string {
	if a := c.state.Assignment; a != nil {
		return a.Office
	}
	return procedures.OfficeAt(c.in.Office, st.Level)
}

// mayHoldTask reports whether actor can work on the current task: holds its
// role where it is held and is not a party.
func (c *caseRun) mayHoldTask(a Actor) error {
	as := c.state.Assignment
	if as == nil {
		return rejected("stage %q has no task to assign", c.stage.ID)
	}
	if err := c.notInterested(a.Subject, "work on it"); err != nil {
		return err
	}
	if !holdsRole(a, as.Role, as.Office) {
		return rejected("the task needs the role %s in a jurisdiction covering %s", as.Role, as.Office)
	}
	return nil
}

// checkHolder enforces claims and delegations on the stage's own actions.
func (c *caseRun) checkHolder(a Actor) error {
	as := c.state.Assignment
	if as == nil {
		return nil
	}
	if as.Owner != "" {
		if a.Subject == as.Holder {
			return rejected("a delegate gives an opinion (resolve); the owner %s decides", as.OwnerName)
		}
		return rejected("the task is delegated to %s; it comes back with their opinion", as.HolderName)
	}
	if as.Holder != "" && as.Holder != a.Subject {
		return rejected("the task is claimed by %s", as.HolderName)
	}
	return nil
}

// checkDistinct enforces four eyes: nobody who decided at one of the
// stage's DistinctFrom stages decides here.
func (c *caseRun) checkDistinct(st procedures.Stage, a Actor) error {
	for _, e := range c.state.Timeline {
		if e.Actor == a.Subject && e.Role != "applicant" && slices.Contains(st.DistinctFrom, e.StageFrom) {
			return rejected("four eyes: you decided at stage %q, so another person must decide here", e.StageFrom)
		}
	}
	return nil
}

// coversOffice reports whether a holds any role in a jurisdiction covering office.
func coversOffice(a Actor, office string) bool {
	for _, g := range a.Roles {
		if divisions.Covers(g.Division, office) {
			return true
		}
	}
	return false
}

// notInterested enforces separation of duties: neither a party nor the
// person who submitted the application on their behalf may do what (decide,
// work on, sign, extend) for the case.
func (c *caseRun) notInterested(subject, what string) error {
	if c.isParty(subject) {
		return rejected("a party to the case cannot %s (separation of duties)", what)
	}
	if c.fresh && subject == c.in.Submitter.Subject {
		return rejected("you submitted this application on the applicants' behalf, so another person must %s (separation of duties)", what)
	}
	return nil
}

func single(req ActRequest) (Actor, error) {
	if len(req.Targets) != 1 || req.Targets[0].Subject == "" {
		return Actor{}, rejected("action %q needs exactly one target person", req.Action)
	}
	return req.Targets[0], nil
}

// validateTask checks the task actions every human stage understands;
// handled is false for any other action.
func (c *caseRun) validateTask(ctx workflow.Context, req ActRequest) (handled bool, err error) {
	as := c.state.Assignment
	switch req.Action {
	case ActionClaim:
		if as == nil || as.Holder != "" {
			return true, rejected("there is no unclaimed task at stage %q", c.stage.ID)
		}
		return true, c.mayHoldTask(req.Actor)
	case ActionRelease:
		if as == nil || as.Holder != req.Actor.Subject || as.Owner != "" {
			return true, rejected("only the person holding the task may release it")
		}
		return true, nil
	case ActionTransfer, ActionDelegate:
		if err := c.mayHoldTask(req.Actor); err != nil {
			return true, err
		}
		if as.Owner != "" || (as.Holder != "" && as.Holder != req.Actor.Subject) {
			return true, rejected("only the person holding the task may hand it on")
		}
		to, err := single(req)
		if err != nil {
			return true, err
		}
		if to.Subject == req.Actor.Subject {
			return true, rejected("the task cannot be handed to yourself")
		}
		if err := c.mayHoldTask(to); err != nil {
			return true, rejected("%s cannot take the task: %s", to.Name, strings.TrimPrefix(err.Error(), "the task "))
		}
		return true, nil
	case ActionResolve:
		if as == nil || as.Owner == "" || as.Holder != req.Actor.Subject {
			return true, rejected("only a delegate resolves a delegated task")
		}
		if c.noOpinion(req.Opinion) {
			return true, rejected("resolving a delegated task requires the delegate's opinion")
		}
		return true, nil
	case ActionTakeBack:
		d := c.state.LastDecision
		if d == nil || d.To != c.stage.ID || d.Actor != req.Actor.Subject {
			return true, rejected("only the person who made the last decision may take it back, before the next stage acts")
		}
		return true, nil
	case ActionUrge:
		return true, c.validateUrge(ctx, req)
	case ActionCopy:
		if c.stage.Kind == procedures.KindSign {
			if _, err := c.slotRole(req.Actor); err != nil {
				return true, err
			}
		} else if err := c.mayHoldTask(req.Actor); err != nil {
			return true, err
		}
		if len(req.Targets) == 0 || len(c.state.Readers)+len(req.Targets) > MaxReaders {
			return true, rejected("copy to between 1 and %d readers", MaxReaders)
		}
		// A reader reads the case like a party, so only staff of its
		// jurisdiction may be one.
		for _, t := range req.Targets {
			if c.fresh && !coversOffice(t, c.in.Office) {
				return true, rejected("%s (%s) cannot be copied: they hold no role in a jurisdiction covering %s", t.Name, t.Subject, c.in.Office)
			}
		}
		return true, nil
	case ActionAddSigner, ActionRemoveSigner:
		return true, c.validateSignerChange(req)
	case ActionConfirm:
		if c.isParty(req.Actor.Subject) {
			if slices.Contains(c.state.Confirmed, req.Actor.Subject) {
				return true, rejected("you have already confirmed this application")
			}
			return true, nil
		}
		if c.state.AllConfirmed() {
			return true, rejected("every applicant has already confirmed this application")
		}
		// Staff record that the applicants confirmed in person before them.
		if err := c.mayHoldTask(req.Actor); err != nil {
			return true, err
		}
		return true, c.checkHolder(req.Actor)
	}
	if to, ok := strings.CutPrefix(req.Action, procedures.ReturnAction); ok {
		if !slices.Contains(c.stage.ReturnTo, to) {
			return true, rejected("stage %q cannot return the case to %q", c.stage.ID, to)
		}
		if c.noOpinion(req.Opinion) {
			return true, rejected("a return requires an opinion saying what to revise")
		}
		if c.stage.Kind == procedures.KindSign {
			_, err := c.slotRole(req.Actor)
			return true, err
		}
		if err := c.mayHoldTask(req.Actor); err != nil {
			return true, err
		}
		return true, c.checkHolder(req.Actor)
	}
	return false, nil
}

func (c *caseRun) validateUrge(ctx workflow.Context, req ActRequest) error {
	party := c.isParty(req.Actor.Subject)
	if !party && !holdsRole(req.Actor, "supervisor", c.in.Office) {
		return rejected("only a party or a supervisor of %s may urge", c.in.Office)
	}
	if len(c.state.NextActions) == 0 {
		return rejected("nobody holds the case at stage %q", c.stage.ID)
	}
	for _, u := range c.state.Urges {
		if u.By == req.Actor.Subject && u.Stage == c.stage.ID && workflow.Now(ctx).Sub(u.At) < UrgeInterval {
			return rejected("you urged this stage at %s; once a day is enough", u.At.In(ChinaTime).Format("2006-01-02 15:04"))
		}
	}
	return nil
}

// applyTask carries out a task action; stay is false when the case moves
// on (to next).
func (c *caseRun) applyTask(ctx workflow.Context, st procedures.Stage, req ActRequest) (next string, stay bool) {
	as := c.state.Assignment
	ev := Event{Actor: req.Actor.Subject, ActorName: req.Actor.Name, Office: c.actionOffice(st), Action: req.Action,
		StageFrom: st.ID, Opinion: req.Opinion, Attachments: req.Attachments}
	if as != nil {
		ev.Role = as.Role
	}
	human := true // whether the stage itself acted (ends the take-back window)
	switch req.Action {
	case ActionClaim:
		as.Holder, as.HolderName = req.Actor.Subject, req.Actor.Name
	case ActionRelease:
		as.Holder, as.HolderName = "", ""
	case ActionTransfer:
		to := req.Targets[0]
		as.Holder, as.HolderName = to.Subject, to.Name
		ev.Opinion = strings.TrimSpace("to " + to.Name + " (" + to.Subject + ")；" + req.Opinion)
	case ActionDelegate:
		to := req.Targets[0]
		as.Owner, as.OwnerName, as.Holder, as.HolderName = req.Actor.Subject, req.Actor.Name, to.Subject, to.Name
		ev.Opinion = strings.TrimSpace("to " + to.Name + " (" + to.Subject + ")；" + req.Opinion)
	case ActionResolve:
		as.Holder, as.HolderName, as.Owner, as.OwnerName = as.Owner, as.OwnerName, "", ""
	case ActionTakeBack:
		d := c.state.LastDecision
		c.state.LastDecision = nil
		c.state.Proofs = nil // a proof taken back is accepted again, or not
		ev.StageTo = d.From
		ev.Opinion = strings.TrimSpace("takes back " + d.Action + "；" + req.Opinion)
		c.event(ctx, ev)
		return d.From, false
	case ActionUrge:
		human = false
		ev.Role = "applicant"
		if !c.isParty(req.Actor.Subject) {
			ev.Role = "supervisor"
		}
		c.state.Urges = append(c.state.Urges, Urge{By: req.Actor.Subject, ByName: req.Actor.Name, Stage: st.ID,
			At: workflow.Now(ctx).UTC(), Message: req.Opinion})
	case ActionConfirm:
		human = false
		if c.isParty(req.Actor.Subject) {
			ev.Role = "applicant"
			ev.Office = c.in.Office
			c.state.Confirmed = append(c.state.Confirmed, req.Actor.Subject)
			ev.Opinion = strings.TrimSpace("confirmed by the applicant；" + req.Opinion)
			break
		}
		for _, p := range c.in.Parties {
			if !slices.Contains(c.state.Confirmed, p.IDNumber) {
				c.state.Confirmed = append(c.state.Confirmed, p.IDNumber)
			}
		}
		ev.Opinion = strings.TrimSpace("confirmed by every applicant in person；" + req.Opinion)
	case ActionCopy:
		human = false
		var names []string
		for _, t := range req.Targets {
			if !slices.ContainsFunc(c.state.Readers, func(r Reader) bool { return r.Subject == t.Subject }) {
				c.state.Readers = append(c.state.Readers, Reader{Subject: t.Subject, Name: t.Name, By: req.Actor.Subject, At: workflow.Now(ctx).UTC()})
				names = append(names, t.Name)
			}
		}
		ev.Opinion = strings.TrimSpace("to " + strings.Join(names, "、") + "；" + req.Opinion)
	case ActionAddSigner, ActionRemoveSigner:
		next = c.changeSigners(ctx, st, req, &ev)
		c.event(ctx, ev)
		c.state.LastDecision = nil
		return next, next == ""
	default: // return:<stage>
		to := strings.TrimPrefix(req.Action, procedures.ReturnAction)
		ev.StageTo = to
		c.event(ctx, ev)
		c.state.LastDecision = nil
		return to, false
	}
	if human {
		c.state.LastDecision = nil
	}
	c.event(ctx, ev)
	return "", true
}
