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

// RecordTransition writes the case summary and its new timeline entries.
// Replays and retries write nothing twice (entries are keyed by sequence).
func (a *Activities) RecordTransition(ctx context.Context, in workflows.RecordInput) (workflows.RecordResult, error) {
	st := in.State
	snapshot, err := json.Marshal(st)
	if err != nil {
		return workflows.RecordResult{}, fmt.Errorf("unable to encode case state: %w", err)
	}
	sum := store.CaseSummary{
		ID: st.CaseID, ProcedureID: st.ProcedureID, ProcedureVersion: st.ProcedureVersion,
		Title: st.ProcedureTitle.Zh + " " + st.ProcedureTitle.En, Office: st.Office, Submitter: st.Submitter,
		Status: st.Status, Stage: st.Stage, StageTitle: st.StageTitle.Zh + " " + st.StageTitle.En,
		Outcome: st.Outcome, DueAt: in.DueAt, SubmittedAt: st.ReceivedAt, Seq: st.Seq, State: snapshot,
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
	for _, e := range in.NewEvents {
		t.Entries = append(t.Entries, store.AuditEntry{
			CaseID: st.CaseID, Seq: e.Seq, At: e.At, ActorSubject: e.Actor, ActorName: e.ActorName,
			Role: e.Role, Office: e.Office, Action: e.Action, Outcome: st.Outcome,
			StageFrom: e.StageFrom, StageTo: e.StageTo, Opinion: e.Opinion, LegalBasis: e.Basis,
		})
	}
	if err := a.Store.ApplyTransition(ctx, t); err != nil {
		return workflows.RecordResult{}, storeErr("record transition", err)
	}
	return workflows.RecordResult{}, nil
}

// issuer issues one kind of document into the registry for a case. It
// must be idempotent by case: a retry returns the documents already issued.
type issuer func(ctx context.Context, a *Activities, in workflows.IssueInput) ([]workflows.Document, error)

// effect applies a named registry effect of an action, idempotently by case.
type effect func(ctx context.Context, a *Activities, in workflows.EffectInput) error

// issuers and effects are filled by the files of each procedure family
// (marriage.go, …) in their init functions.
var (
	issuers = map[string]issuer{}
	effects = map[string]effect{}
)

// IssueDocuments issues a document into the registry.
func (a *Activities) IssueDocuments(ctx context.Context, in workflows.IssueInput) (workflows.IssueResult, error) {
	issue, ok := issuers[in.Document]
	if !ok {
		return workflows.IssueResult{}, temporal.NewNonRetryableApplicationError("unknown document "+in.Document, "BadInput", nil)
	}
	docs, err := issue(ctx, a, in)
	if errors.Is(err, store.ErrRegistryConflict) {
		return workflows.IssueResult{}, temporal.NewNonRetryableApplicationError(err.Error(), workflows.ErrTypeRegistryConflict, err)
	}
	if err != nil {
		return workflows.IssueResult{}, storeErr("issue "+in.Document, err)
	}
	return workflows.IssueResult{Documents: docs}, nil
}

// ApplyEffect applies a named registry effect of an action.
func (a *Activities) ApplyEffect(ctx context.Context, in workflows.EffectInput) (workflows.EffectResult, error) {
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
	return fmt.Errorf("unable to %s: %w", what, err)
}
