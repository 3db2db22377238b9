package activities

import (
	"context"
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
	effects[EffectEndPriorMarriages] = func(ctx context.Context, a *Activities, in workflows.EffectInput) error {
		ids := make([]string, 0, len(in.Parties))
		for _, p := range in.Parties {
			ids = append(ids, p.IDNumber)
		}
		return a.Store.EndMarriagesPerProof(ctx, in.CaseID, in.OnDay, ids, in.Note)
	}
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
