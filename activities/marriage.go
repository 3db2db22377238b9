package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"go.temporal.io/sdk/temporal"

	"civilflow/idnumber"
	"civilflow/store"
	"civilflow/workflows"
)

// Documents and effects of marriage and divorce registration.
const (
	DocMarriageCertificate = "marriage-certificate"
	DocDivorceCertificate  = "divorce-certificate"
	// EffectEndPriorMarriages records that the registrar accepted proof
	// (a judgment, a divorce or death certificate) that a marriage the
	// registry still shows has ended.
	EffectEndPriorMarriages = "end-prior-marriages"
	// EffectEndPriorMarriage ends, once a second person confirmed it, the
	// marriage each accepted proof names, and no other.
	EffectEndPriorMarriage = "end-prior-marriage"
	// ActionMarriageEnded is the entry a registered marriage's case gets
	// when a proof accepted elsewhere ends that marriage.
	ActionMarriageEnded = "marriage-ended"
)

func init() {
	issuers[DocMarriageCertificate] = func(ctx context.Context, a *Activities, in workflows.IssueInput) ([]workflows.Document, error) {
		spouses, err := spousesOf(in.Parties)
		if err != nil {
			return nil, err
		}
		certs, err := a.Store.RegisterMarriage(ctx, in.CaseID, in.Office, in.OnDay, spouses)
		return certificates(certs), err
	}
	issuers[DocDivorceCertificate] = func(ctx context.Context, a *Activities, in workflows.IssueInput) ([]workflows.Document, error) {
		spouses, err := spousesOf(in.Parties)
		if err != nil {
			return nil, err
		}
		certs, err := a.Store.RegisterDivorce(ctx, in.CaseID, in.Office, in.OnDay, spouses)
		return certificates(certs), err
	}
	// Both names end only the marriage each confirmed proof names; the
	// older one is what definitions before proofs named.
	reportingEffects[EffectEndPriorMarriages] = endMarriagesPerProof
	reportingEffects[EffectEndPriorMarriage] = endMarriagesPerProof
}

// endMarriagesPerProof ends the marriage each proof names, then shows the
// end in the case that registered it and tells the former spouse.
func endMarriagesPerProof(ctx context.Context, a *Activities, in workflows.EffectInput) (workflows.EffectResult, error) {
	var res workflows.EffectResult
	if len(in.Proofs) == 0 {
		return res, temporal.NewNonRetryableApplicationError("no proof to apply", "BadInput", nil)
	}
	for _, p := range in.Proofs {
		status := store.MaritalDivorced
		if p.Widowed() {
			status = store.MaritalWidowed
		}
		note := proofNote(p.Proof)
		m, err := a.Store.EndMarriagePerProof(ctx, in.CaseID, p.Person, p.Spouse, p.Date, note, status)
		if err != nil {
			return res, err
		}
		res.Ended = append(res.Ended, workflows.EndedMarriage{Person: p.Person, RegisteredOn: m.RegisteredOn, DissolvedOn: m.DissolvedOn, Status: status})
		if err := a.showDissolution(ctx, m, p.Proof, status, note); err != nil {
			return res, err
		}
	}
	return res, nil
}

// proofKindText names a kind of proof in both languages.
var proofKindText = map[string]string{
	workflows.ProofDivorceJudgment:    "离婚判决书 divorce judgment",
	workflows.ProofDivorceCertificate: "离婚证 divorce certificate",
	workflows.ProofDeathCertificate:   "死亡证明 death certificate",
	workflows.ProofDeathDeclaration:   "宣告死亡判决书 declaration of death",
}

func proofNote(p workflows.Proof) string {
	return proofKindText[p.Kind] + " " + p.Number + " (" + p.Date + ")"
}

// showDissolution records the end of a marriage in the case that registered
// it, which a reader of that case would otherwise still see as a marriage
// that lasts, and tells the former spouse (unless the proof is their
// death). The entry names the proof, not the case that relied on it.
func (a *Activities) showDissolution(ctx context.Context, m *store.Marriage, p workflows.Proof, status, note string) error {
	zh, en := "离婚", "divorced"
	if status == store.MaritalWidowed {
		zh, en = "丧偶", "widowed"
	}
	text := fmt.Sprintf("婚姻关系已于%s终止（%s），依据%s the marriage ended on %s (%s) per %s", m.DissolvedOn, zh, note, m.DissolvedOn, en, note)
	sum, err := a.Store.GetCase(ctx, m.CaseID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		// Registered before this system kept cases: the registry row is all there is.
	case err != nil:
		return err
	default:
		var st workflows.CaseState
		if err := json.Unmarshal(sum.State, &st); err != nil {
			return fmt.Errorf("decode case %s: %w", m.CaseID, err)
		}
		if !slices.ContainsFunc(st.Timeline, func(e workflows.Event) bool { return e.Action == ActionMarriageEnded }) {
			st.Seq++
			e := workflows.Event{Seq: st.Seq, At: time.Now().UTC(), Actor: workflows.SystemActor, Action: ActionMarriageEnded,
				Office: st.Office, Opinion: text, Basis: "婚姻登记条例第十条"}
			st.Timeline = append(st.Timeline, e)
			st.Flags = append(st.Flags, "marriage-ended: "+m.DissolvedOn+" ("+status+")")
			if err := a.RecordTransitionOf(ctx, st, []workflows.Event{e}, nil); err != nil {
				return err
			}
		}
	}
	if status == store.MaritalWidowed {
		return nil
	}
	return a.Store.Enqueue(ctx, []store.Notification{{
		DedupeKey: fmt.Sprintf("%s:marriage-ended:%s", m.CaseID, p.Spouse), CaseID: m.CaseID, Kind: ActionMarriageEnded,
		Subject: p.Spouse, Message: fmt.Sprintf("%s 结婚登记 marriage registration: %s", m.CaseID, text), CreatedAt: time.Now().UTC(),
	}})
}

// spousesOf reads the two parties of a marriage or divorce; sex and birth
// date come from their identity numbers.
func spousesOf(parties []workflows.Party) ([2]store.Person, error) {
	var spouses [2]store.Person
	if len(parties) != 2 {
		return spouses, temporal.NewNonRetryableApplicationError("two parties are required", "BadInput", nil)
	}
	for i, p := range parties {
		info, err := idnumber.Parse(p.IDNumber)
		if err != nil {
			return spouses, temporal.NewNonRetryableApplicationError("bad identity number", "BadInput", err)
		}
		spouses[i] = store.Person{IDNumber: info.Number, Name: p.Name, Sex: string(info.Sex), BirthDate: info.Birth.Format(time.DateOnly)}
	}
	return spouses, nil
}

func certificates(certs []store.Certificate) []workflows.Document {
	out := make([]workflows.Document, 0, len(certs))
	for _, c := range certs {
		out = append(out, workflows.Document{Kind: c.Kind, Number: c.Number,
			HolderIDNumber: c.HolderIDNumber, HolderName: c.HolderName, IssuedOn: c.IssuedOn})
	}
	return out
}
