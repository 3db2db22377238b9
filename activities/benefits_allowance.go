package activities

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"go.temporal.io/sdk/temporal"

	"civilflow/divisions"
	"civilflow/idnumber"
	"civilflow/procedures"
	"civilflow/store"
	"civilflow/workflows"
)

// Generic building blocks of local monthly allowances (the allowance for
// people aged 80+, 高龄津贴, and the like): national law sets neither the
// age, the amounts nor the procedure, so a province writes a definition of
// its own (--procedures-dir) and sets them as params; nothing here names a
// locality.
const (
	// DocAllowanceDecision approves a monthly allowance with its amount
	// and the first month paid.
	DocAllowanceDecision = "allowance-decision"
	// BenefitAllowance names such allowances on the roster, followed by
	// the procedure's code (allowanceKind).
	BenefitAllowance = "allowance"
)

// allowanceBasis is the basis of the generic checks: the local measures
// that set the condition, under the law that invites them.
const allowanceBasis = "地方津贴办法；老年人权益保障法第三十三条第二款"

func init() {
	checkers["minimum-age"] = checker{basis: allowanceBasis, run: checkMinimumAge}
	checkers["hukou-in-jurisdiction"] = checker{basis: allowanceBasis, run: checkHukouInJurisdiction}
	checkers["age-band-amount"] = checker{basis: allowanceBasis, run: checkAgeBandAmount}
	issuers[DocAllowanceDecision] = issueAllowanceDecision
}

// decodeForm reads an application form as a plain tree.
func decodeForm(raw json.RawMessage) (map[string]any, error) {
	var form map[string]any
	if err := json.Unmarshal(raw, &form); err != nil {
		return nil, temporal.NewNonRetryableApplicationError("form is not an object", "BadInput", err)
	}
	return form, nil
}

// checkMinimumAge: every applicant has reached params.minimumAge on the
// day of the check.
func checkMinimumAge(_ context.Context, e *checkEnv) ([]procedures.Text, error) {
	minAge, ok := paramNumber(e, "minimumAge")
	if !ok {
		return nil, errBadDefinition("params.minimumAge is not set")
	}
	var out []procedures.Text
	for i, p := range e.persons {
		if age := idnumber.AgeOn(p.Birth, e.onDay); age < int(minAge) {
			out = append(out, procedures.Text{
				Zh: fmt.Sprintf("%s申请之日年满%d周岁，未满%g周岁", e.name(i), age, minAge),
				En: fmt.Sprintf("%s is %d on the day of application, under the age of %g", e.name(i), age, minAge),
			})
		}
	}
	return out, nil
}

// checkHukouInJurisdiction: the applicant's household registration
// (form.hukouDivision) lies within the office's jurisdiction, since local
// allowances are paid where one's hukou is.
func checkHukouInJurisdiction(_ context.Context, e *checkEnv) ([]procedures.Text, error) {
	hukou, _ := e.form["hukouDivision"].(string)
	if divisions.Covers(e.in.Office, hukou) {
		return nil, nil
	}
	return []procedures.Text{{
		Zh: fmt.Sprintf("户籍所在地（%s）不在受理机关（%s）辖区内", hukou, e.in.Office),
		En: fmt.Sprintf("the household registration (%s) is outside the office's jurisdiction (%s)", hukou, e.in.Office),
	}}, nil
}

// ageBand is one step of params.ageBands: from an age on, an amount.
type ageBand struct {
	FromAge       int
	MonthlyAmount float64
}

func ageBands(e *checkEnv) ([]ageBand, error) {
	list, ok := e.in.Params["ageBands"].([]any)
	if !ok || len(list) == 0 {
		return nil, errBadDefinition("params.ageBands (a list of fromAge and monthlyAmount) is not set")
	}
	var out []ageBand
	for i, item := range list {
		m, _ := item.(map[string]any)
		from, ok1 := number(m["fromAge"])
		amount, ok2 := number(m["monthlyAmount"])
		if !ok1 || !ok2 || amount < 0 {
			return nil, errBadDefinition("params.ageBands[%d] needs fromAge and monthlyAmount >= 0", i)
		}
		out = append(out, ageBand{FromAge: int(from), MonthlyAmount: amount})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].FromAge < out[j].FromAge })
	return out, nil
}

// checkAgeBandAmount finds the applicant's band in params.ageBands and
// records its monthly amount on the roster for the decision to grant.
func checkAgeBandAmount(ctx context.Context, e *checkEnv) ([]procedures.Text, error) {
	bands, err := ageBands(e)
	if err != nil {
		return nil, err
	}
	p, err := holder(e.in.Parties)
	if err != nil || len(e.persons) == 0 {
		return nil, err
	}
	age := idnumber.AgeOn(e.persons[0].Birth, e.onDay)
	var band *ageBand
	for i := range bands {
		if bands[i].FromAge <= age {
			band = &bands[i]
		}
	}
	if band == nil {
		return []procedures.Text{{
			Zh: fmt.Sprintf("%s年满%d周岁，不在任何津贴档次之内（最低%d周岁）", e.name(0), age, bands[0].FromAge),
			En: fmt.Sprintf("%s is %d, in no allowance band (the lowest starts at %d)", e.name(0), age, bands[0].FromAge),
		}}, nil
	}
	return nil, e.a.Store.AssessBenefit(ctx, store.Benefit{CaseID: e.in.CaseID, Benefit: allowanceKind(e.in.CaseID), HolderID: p.IDNumber,
		HolderName: p.Name, Office: e.in.Office, MonthlyFen: toFen(band.MonthlyAmount), UpdatedOn: e.in.OnDay,
		Basis: mustJSON(map[string]any{"age": age, "bandFromAge": band.FromAge})})
}

func issueAllowanceDecision(ctx context.Context, a *Activities, in workflows.IssueInput) ([]workflows.Document, error) {
	return issueBenefitDecision(ctx, a, in, DocAllowanceDecision, "JT")
}
