package activities

import (
	"context"
	"fmt"
	"strings"
	"time"

	"civilflow/idnumber"
	"civilflow/procedures"
	"civilflow/store"
	"civilflow/workflows"
)

// A local allowance by age band while it is paid: the amount moves to the
// next band from the month after the birthday that reaches it, and payment
// stops from the month after a death is recorded. Typical local measures
// say so (e.g. 贵池, 曲阜: 90+ and 100+ bands); the bands are the
// definition's params.

// Documents of a local allowance while it is paid.
const (
	// DocAllowanceAdjustment moves the allowance to another age band.
	DocAllowanceAdjustment = "allowance-adjustment"
	// DocAllowanceStop stops the allowance (a death recorded).
	DocAllowanceStop = "allowance-stop"
)

func init() {
	checkers["age-band-current"] = checker{basis: allowanceBasis, run: checkAgeBandCurrent}
	issuers[DocAllowanceAdjustment] = issueAllowanceAdjustment
	issuers[DocAllowanceStop] = stopIssuer(DocAllowanceStop, "JTTF")
}

// allowanceKind is the roster's name for a local allowance: one per
// procedure (its case-ID code), so that the store's rule of one payment
// per person and benefit does not mix two different local allowances.
func allowanceKind(caseID string) string {
	code, _, _ := strings.Cut(caseID, "-")
	return BenefitAllowance + ":" + code
}

// bandOn is the band a person born on birth is in on day, and the day the
// band was reached (the birthday of its first age).
func bandOn(bands []ageBand, birth, day time.Time) (*ageBand, time.Time) {
	age := idnumber.AgeOn(birth, day)
	var band *ageBand
	for i := range bands {
		if bands[i].FromAge <= age {
			band = &bands[i]
		}
	}
	if band == nil {
		return nil, time.Time{}
	}
	return band, birth.AddDate(band.FromAge, 0, 0)
}

// checkAgeBandCurrent holds while the amount paid is the one of the band
// the holder is in today; it fails, naming the new band, once a birthday
// moves them up.
func checkAgeBandCurrent(ctx context.Context, e *checkEnv) ([]procedures.Text, error) {
	bands, err := ageBands(e)
	if err != nil {
		return nil, err
	}
	if len(e.persons) == 0 {
		return nil, nil
	}
	b, err := e.a.Store.BenefitOf(ctx, e.in.CaseID)
	if err != nil {
		return nil, err
	}
	band, reached := bandOn(bands, e.persons[0].Birth, e.onDay)
	if band == nil || toFen(band.MonthlyAmount) == b.MonthlyFen {
		return nil, nil
	}
	return []procedures.Text{{
		Zh: fmt.Sprintf("%s于%s年满%d周岁，津贴调整为每月%s元", e.name(0), reached.Format(time.DateOnly), band.FromAge, yuanText(toFen(band.MonthlyAmount))),
		En: fmt.Sprintf("%s turned %d on %s; the allowance becomes %s yuan a month", e.name(0), band.FromAge, reached.Format(time.DateOnly),
			yuanText(toFen(band.MonthlyAmount))),
	}}, nil
}

// issueAllowanceAdjustment moves the allowance to the band of today, from
// the month after the birthday that reached it (paid back if that month
// has begun). One notice per band: the band's age keys it.
func issueAllowanceAdjustment(ctx context.Context, a *Activities, in workflows.IssueInput) ([]workflows.Document, error) {
	p, err := holder(in.Parties)
	if err != nil {
		return nil, err
	}
	info, err := idnumber.Parse(p.IDNumber)
	if err != nil {
		return nil, errBadDefinition("case %s: the holder's ID number: %v", in.CaseID, err)
	}
	env := &checkEnv{in: workflows.ChecksInput{Params: procedures.ParamsFor(in.Params, in.Office)}}
	bands, err := ageBands(env)
	if err != nil {
		return nil, err
	}
	day, err := time.Parse(time.DateOnly, in.OnDay)
	if err != nil {
		return nil, errBadDefinition("bad day %s", in.OnDay)
	}
	band, reached := bandOn(bands, info.Birth, day)
	if band == nil {
		return nil, errBadDefinition("case %s: the holder is in no band", in.CaseID)
	}
	b, err := benefitOf(ctx, a, in.CaseID)
	if err != nil {
		return nil, err
	}
	from, err := firstOfNextMonth(reached.Format(time.DateOnly))
	if err != nil {
		return nil, err
	}
	d, err := a.Store.IssueDocument(ctx, store.DocumentRequest{CaseID: in.CaseID, Kind: DocAllowanceAdjustment, Prefix: "JTBG",
		Office: in.Office, Date: in.OnDay, HolderID: fmt.Sprintf("%s#%d", p.IDNumber, band.FromAge), HolderName: p.Name,
		Data: mustJSON(map[string]any{
			"previousAmount": yuanText(b.MonthlyFen), "monthlyAmount": yuanText(toFen(band.MonthlyAmount)),
			"bandFromAge": band.FromAge, "effectiveFrom": from, "decidedOn": in.OnDay,
		})})
	if err != nil {
		return nil, err
	}
	return applyAdjustment(ctx, a, in, d, p)
}
