// Package activities holds every side effect of a case: registry look-ups
// and certificate issuance, deadline counting, and writing the read model
// and audit trail. Each activity is idempotent, because Temporal retries.
package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"

	"civilflow/calendar"
	"civilflow/procedures"
	"civilflow/store"
	"civilflow/workflows"
)

// Activities carries the dependencies of the case activities.
type Activities struct {
	Store    *store.DB
	Calendar *calendar.Calendar
	Logger   *slog.Logger
}

func (a *Activities) log() *slog.Logger {
	if a.Logger != nil {
		return a.Logger
	}
	return slog.Default()
}

// RecordTransition writes the case summary and its new timeline entries.
// Replays and retries write nothing twice (entries are keyed by sequence).
func (a *Activities) RecordTransition(ctx context.Context, in workflows.RecordInput) (workflows.RecordResult, error) {
	return workflows.RecordResult{}, a.RecordTransitionOf(ctx, in.State, in.NewEvents, in.DueAt)
}

// RecordTransitionOf writes a case's summary and new timeline entries, with
// their notifications; RecordTransition runs it for the workflow, and an
// effect on another, closed case (a marriage ended per proof) runs it too.
func (a *Activities) RecordTransitionOf(ctx context.Context, st workflows.CaseState, events []workflows.Event, dueAt *time.Time) error {
	in := workflows.RecordInput{State: st, NewEvents: events, DueAt: dueAt}
	snapshot, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("unable to encode case state: %w", err)
	}
	sum := store.CaseSummary{
		ID: st.CaseID, ProcedureID: st.ProcedureID, ProcedureVersion: st.ProcedureVersion,
		Title: st.ProcedureTitle.Zh + " " + st.ProcedureTitle.En, Office: st.Office, Submitter: st.Submitter,
		Status: st.Status, Stage: st.Stage, StageTitle: st.StageTitle.Zh + " " + st.StageTitle.En,
		Outcome: st.Outcome, DueAt: in.DueAt, SubmittedAt: st.ReceivedAt, Seq: st.Seq, State: snapshot,
		Reasons: reasonIDs(st.Reasons),
	}
	for _, p := range st.Parties {
		sum.Parties = append(sum.Parties, p.IDNumber)
	}
	// The inbox lists a case under the first role that may act now.
	for _, na := range st.NextActions {
		if na.By != "party" && st.Status == workflows.StatusOpen {
			sum.WaitingRole, sum.WaitingOffice = na.By, na.Office
			break
		}
	}
	sum.UpdatedAt = time.Now().UTC()
	if n := len(st.Timeline); n > 0 {
		sum.UpdatedAt = st.Timeline[n-1].At
	}
	t := store.Transition{Summary: sum}
	var lim limit
	for _, e := range in.NewEvents {
		lim = limitAt(st, e, lim)
		t.Entries = append(t.Entries, store.AuditEntry{
			CaseID: st.CaseID, Seq: e.Seq, At: e.At, ActorSubject: e.Actor, ActorName: e.ActorName,
			Role: e.Role, Office: e.Office, Action: e.Action, Outcome: st.Outcome,
			StageFrom: e.StageFrom, StageTo: e.StageTo, Opinion: e.Opinion, LegalBasis: e.Basis,
			DeadlineName: lim.name, DeadlineLastDay: lim.lastDay, DeadlineState: lim.state,
		})
	}
	if err := a.Store.ApplyTransition(ctx, t); err != nil {
		return storeErr("record transition", err)
	}
	if err := a.Store.SetTaskState(ctx, st.CaseID, st.Seq, taskState(st)); err != nil {
		return storeErr("record task holder and readers", err)
	}
	if err := a.notify(ctx, in); err != nil {
		return err
	}
	return nil
}

// reasonIDs names the grounds of a refusal for supervision counts: the
// failed check, or store.ReasonOpinion for grounds an officer stated.
func reasonIDs(rs []workflows.Reason) []string {
	var out []string
	for _, r := range rs {
		id := r.Check
		if id == "" {
			id = store.ReasonOpinion
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// limit is the time limit in force when an entry happened.
type limit struct{ name, lastDay, state string }

// limitActions are the actions about one named limit ("expire:cooling-off")
// and the state each puts it in.
var limitActions = map[string]string{
	"expire": workflows.ClockExpired, "escalate": workflows.ClockOverdue, "remind": workflows.ClockRunning,
	"clock-start": workflows.ClockRunning, "clock-met": workflows.ClockMet, "clock-resume": workflows.ClockRunning,
	"clock-suspend": workflows.ClockSuspended, strings.TrimSuffix(procedures.ExtendAction, ":"): workflows.ClockRunning,
}

// limitAt tells which time limit was in force when e happened, from the
// state recorded with it: the limit an entry is about (its expiry, an
// extension…); else the most pressing stage period whose days contain the
// entry, or running clock; else, for the closing entry, the limit of the
// entry before it (prev). Met and expired clocks are left out, because the
// state does not say when they stopped.
func limitAt(st workflows.CaseState, e workflows.Event, prev limit) limit {
	if kind, name, ok := strings.Cut(e.Action, ":"); ok {
		if state, ok := limitActions[kind]; ok {
			l := limit{name: name, state: state}
			for _, d := range st.Deadlines {
				if d.Name == name {
					l.lastDay = d.LastDay
				}
			}
			for _, c := range st.Clocks {
				if c.Name == name {
					l.lastDay = c.LastDay
				}
			}
			return l
		}
	}
	day := e.At.In(workflows.ChinaTime).Format(time.DateOnly)
	var best limit
	consider := func(l limit) {
		if best.name == "" || (l.lastDay != "" && (best.lastDay == "" || l.lastDay < best.lastDay)) {
			best = l
		}
	}
	for _, d := range st.Deadlines {
		// A stage period is in force from its triggering day to its end.
		if d.From <= day && e.At.Before(d.EndsAt) {
			state := workflows.ClockMet
			if d.Active {
				state = workflows.ClockRunning
			}
			consider(limit{name: d.Name, lastDay: d.LastDay, state: state})
		}
	}
	for _, c := range st.Clocks {
		if c.StartedOn > day {
			continue
		}
		switch c.Status {
		case workflows.ClockRunning, workflows.ClockOverdue, workflows.ClockSuspended:
			state := c.Status
			if state == workflows.ClockRunning && c.EndsAt != nil && !e.At.Before(*c.EndsAt) {
				state = workflows.ClockOverdue
			}
			consider(limit{name: c.Name, lastDay: c.LastDay, state: state})
		}
	}
	if best.name == "" && strings.HasPrefix(e.Action, "close:") {
		return prev
	}
	return best
}

// issuer issues one kind of document into the registry for a case. It
// must be idempotent by case: a retry returns the documents already issued.
type issuer func(ctx context.Context, a *Activities, in workflows.IssueInput) ([]workflows.Document, error)

// effect applies a named registry effect of an action, idempotently by case.
type effect func(ctx context.Context, a *Activities, in workflows.EffectInput) error

// reportingEffect is an effect that says what it changed.
type reportingEffect func(ctx context.Context, a *Activities, in workflows.EffectInput) (workflows.EffectResult, error)

// issuers and effects are filled by the files of each procedure family
// (marriage.go, …) in their init functions.
var (
	issuers          = map[string]issuer{}
	effects          = map[string]effect{}
	reportingEffects = map[string]reportingEffect{}
)

// IssueDocuments issues a document into the registry.
func (a *Activities) IssueDocuments(ctx context.Context, in workflows.IssueInput) (workflows.IssueResult, error) {
	issue, ok := issuers[in.Document]
	if !ok {
		return workflows.IssueResult{}, temporal.NewNonRetryableApplicationError("unknown document "+in.Document, "BadInput", nil)
	}
	in.Params = procedures.ParamsFor(in.Params, in.Office)
	docs, err := issue(ctx, a, in)
	if errors.Is(err, store.ErrRegistryConflict) {
		// The store's text names other people's cases and ID numbers; it
		// goes to the log only. The history, and from it the timeline and
		// the audit trail, carry the reason code alone.
		a.log().Warn("registry conflict", "case", in.CaseID, "document", in.Document, "err", err)
		return workflows.IssueResult{}, temporal.NewNonRetryableApplicationError(workflows.ReasonRegistryConflict, workflows.ErrTypeRegistryConflict, nil)
	}
	if err != nil {
		return workflows.IssueResult{}, storeErr("issue "+in.Document, err)
	}
	return workflows.IssueResult{Documents: docs}, nil
}

// ApplyEffect applies a named registry effect of an action.
func (a *Activities) ApplyEffect(ctx context.Context, in workflows.EffectInput) (workflows.EffectResult, error) {
	in.Params = procedures.ParamsFor(in.Params, in.Office)
	if report, ok := reportingEffects[in.Effect]; ok {
		res, err := report(ctx, a, in)
		if errors.Is(err, store.ErrRegistryConflict) {
			// As in IssueDocuments: the code goes to the history, the text to the log.
			a.log().Warn("registry conflict", "case", in.CaseID, "effect", in.Effect, "err", err)
			return workflows.EffectResult{}, temporal.NewNonRetryableApplicationError(workflows.ReasonRegistryConflict, workflows.ErrTypeRegistryConflict, nil)
		}
		if err != nil {
			return workflows.EffectResult{}, storeErr(in.Effect, err)
		}
		return res, nil
	}
	apply, ok := effects[in.Effect]
	if !ok {
		return workflows.EffectResult{}, temporal.NewNonRetryableApplicationError("unknown effect "+in.Effect, "BadInput", nil)
	}
	if err := apply(ctx, a, in); err != nil {
		return workflows.EffectResult{}, storeErr(in.Effect, err)
	}
	return workflows.EffectResult{}, nil
}

// Catalog lists the checks, documents and effects implemented here, so
// definitions naming anything else fail at load.
func Catalog(roles []string) procedures.Catalog {
	cat := procedures.Catalog{Roles: roles}
	for id := range checkers {
		cat.Checks = append(cat.Checks, id)
	}
	for id := range issuers {
		cat.Documents = append(cat.Documents, id)
	}
	for id := range effects {
		cat.Effects = append(cat.Effects, id)
	}
	for id := range reportingEffects {
		cat.Effects = append(cat.Effects, id)
	}
	slices.Sort(cat.Checks)
	slices.Sort(cat.Documents)
	slices.Sort(cat.Effects)
	return cat
}

// storeErr wraps a store failure; malformed input is not retried, since no
// retry can fix it, while anything else (a busy database) is.
func storeErr(what string, err error) error {
	if errors.Is(err, store.ErrInvalid) || errors.Is(err, store.ErrIdempotencyConflict) {
		return temporal.NewNonRetryableApplicationError("unable to "+what+": "+err.Error(), "InvalidRecord", err)
	}
	return activityErr(fmt.Sprintf("unable to %s", what), err)
}

// activityErr adds context to err. An application error (a business
// refusal, possibly non-retryable) is returned as it is: Temporal reads
// only the top-level error, so wrapping it would make it retryable.
func activityErr(what string, err error) error {
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		return appErr
	}
	return fmt.Errorf("%s: %w", what, err)
}
