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
	"civilflow/idnumber"
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

// Document kinds the registry can issue.
const (
	DocMarriageCertificate = "marriage-certificate"
	DocDivorceCertificate  = "divorce-certificate"
)

// Effects an action can have on the registry.
const (
	// EffectEndPriorMarriages records that the registrar accepted proof
	// (a judgment, a divorce or death certificate) that a marriage the
	// registry still shows has ended.
	EffectEndPriorMarriages = "end-prior-marriages"
)

// IssueDocuments issues a document into the registry; a retry returns the
// same certificates instead of issuing new ones.
func (a *Activities) IssueDocuments(ctx context.Context, in workflows.IssueInput) (workflows.IssueResult, error) {
	if len(in.Parties) != 2 {
		return workflows.IssueResult{}, temporal.NewNonRetryableApplicationError("two parties are required", "BadInput", nil)
	}
	var spouses [2]store.Person
	for i, p := range in.Parties {
		info, err := idnumber.Parse(p.IDNumber)
		if err != nil {
			return workflows.IssueResult{}, temporal.NewNonRetryableApplicationError("bad identity number", "BadInput", err)
		}
		spouses[i] = store.Person{IDNumber: info.Number, Name: p.Name, Sex: string(info.Sex), BirthDate: info.Birth.Format(time.DateOnly)}
	}
	var certs []store.Certificate
	var err error
	switch in.Document {
	case DocMarriageCertificate:
		certs, err = a.Store.RegisterMarriage(ctx, in.CaseID, in.Office, in.OnDay, spouses)
	case DocDivorceCertificate:
		certs, err = a.Store.RegisterDivorce(ctx, in.CaseID, in.Office, in.OnDay, spouses)
	default:
		return workflows.IssueResult{}, temporal.NewNonRetryableApplicationError("unknown document "+in.Document, "BadInput", nil)
	}
	if errors.Is(err, store.ErrRegistryConflict) {
		return workflows.IssueResult{}, temporal.NewNonRetryableApplicationError(err.Error(), workflows.ErrTypeRegistryConflict, err)
	}
	if err != nil {
		return workflows.IssueResult{}, storeErr("issue "+in.Document, err)
	}
	out := workflows.IssueResult{}
	for _, c := range certs {
		out.Documents = append(out.Documents, workflows.Document{Kind: c.Kind, Number: c.Number,
			HolderIDNumber: c.HolderIDNumber, HolderName: c.HolderName, IssuedOn: c.IssuedOn})
	}
	return out, nil
}

// ApplyEffect applies a named registry effect of an action.
func (a *Activities) ApplyEffect(ctx context.Context, in workflows.EffectInput) (workflows.EffectResult, error) {
	switch in.Effect {
	case EffectEndPriorMarriages:
		ids := make([]string, 0, len(in.Parties))
		for _, p := range in.Parties {
			ids = append(ids, p.IDNumber)
		}
		if err := a.Store.EndMarriagesPerProof(ctx, in.CaseID, in.OnDay, ids, in.Note); err != nil {
			return workflows.EffectResult{}, storeErr("end prior marriages", err)
		}
		return workflows.EffectResult{}, nil
	}
	return workflows.EffectResult{}, temporal.NewNonRetryableApplicationError("unknown effect "+in.Effect, "BadInput", nil)
}

// Catalog lists the checks, documents and effects implemented here, so
// definitions naming anything else fail at load.
func Catalog(roles []string) procedures.Catalog {
	cat := procedures.Catalog{
		Roles:     roles,
		Documents: []string{DocMarriageCertificate, DocDivorceCertificate},
		Effects:   []string{EffectEndPriorMarriages},
	}
	for id := range checkers {
		cat.Checks = append(cat.Checks, id)
	}
	slices.Sort(cat.Checks)
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
