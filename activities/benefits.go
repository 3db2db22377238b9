package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"

	"civilflow/procedures"
	"civilflow/store"
	"civilflow/workflows"
)

// Shared by the benefit procedures (subsistence allowance, temporary
// assistance, local allowances): money in fen, params and form numbers,
// and the payment month.

// errBadDefinition reports a definition that lacks what a check or an
// issuer needs (a local param, an assessed amount): a fault of the
// definition, never guessed around, since a guessed standard pays wrongly.
func errBadDefinition(format string, a ...any) error {
	return temporal.NewNonRetryableApplicationError(fmt.Sprintf(format, a...), "BadDefinition", nil)
}

// toFen turns yuan into fen (0.01 yuan), rounding half away from zero.
func toFen(yuan float64) int64 { return int64(math.Round(yuan * 100)) }

// yuanText shows fen as yuan with two decimals ("620.00").
func yuanText(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s%d.%02d", sign, fen/100, fen%100)
}

// parseYuan reads yuanText back.
func parseYuan(s string) (int64, error) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("bad amount %q: %w", s, err)
	}
	return toFen(v), nil
}

// number reads a JSON number of a form or params object.
func number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	}
	return 0, false
}

// paramNumber reads a numeric param; ok is false when the definition does
// not set it.
func paramNumber(e *checkEnv, name string) (float64, bool) {
	return number(e.in.Params[name])
}

// childObject returns m[key] as an object (nil if absent).
func childObject(m map[string]any, key string) map[string]any {
	o, _ := m[key].(map[string]any)
	return o
}

// firstOfNextMonth is the first day of the month after day: benefits are
// paid from the month after the decision (审核确认办法第二十一条).
func firstOfNextMonth(day string) (string, error) {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return "", temporal.NewNonRetryableApplicationError("bad day "+day, "BadInput", err)
	}
	return time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly), nil
}

// holder is the applicant in whose name a benefit runs.
func holder(parties []workflows.Party) (workflows.Party, error) {
	if len(parties) == 0 {
		return workflows.Party{}, temporal.NewNonRetryableApplicationError("a benefit needs an applicant", "BadInput", nil)
	}
	return parties[0], nil
}

// benefitOf reads a case's roster row; a missing one means the definition
// let the case reach a decision without the check that assesses the amount.
func benefitOf(ctx context.Context, a *Activities, caseID string) (store.Benefit, error) {
	b, err := a.Store.BenefitOf(ctx, caseID)
	if errors.Is(err, store.ErrNotFound) {
		return b, errBadDefinition("case %s has no assessed benefit: the definition must assess the amount before deciding", caseID)
	}
	return b, err
}

// asDocument is the case's view of an issued document, named by the
// person who holds it.
func asDocument(d store.Document, p workflows.Party) workflows.Document {
	return workflows.Document{Kind: d.Kind, Number: d.Number, HolderIDNumber: p.IDNumber, HolderName: p.Name, IssuedOn: d.IssuedOn}
}

func mustJSON(v any) json.RawMessage {
	raw, err := json.Marshal(v)
	if err != nil {
		panic(err) // only maps of strings and numbers are marshalled here
	}
	return raw
}

// Documents, checks and effects of the subsistence allowance (最低生活保障).
const (
	// DocSubsistenceDecision is the approval (保障决定/确认通知) with the
	// monthly amount and the first month paid.
	DocSubsistenceDecision = "subsistence-allowance-decision"
	// DocSubsistenceAdjustment is the notice of a reduced amount (减发通知).
	DocSubsistenceAdjustment = "subsistence-allowance-adjustment"
	// DocSubsistenceStop is the notice that payment stops (停发通知).
	DocSubsistenceStop = "subsistence-allowance-stop"
	// DocSubsistencePublication is what the county publishes in the
	// village or community (公布): name, household size and amount only.
	DocSubsistencePublication = "subsistence-allowance-publication"
	// EffectProposeSubsistenceAmount reads the new amount a reduction
	// states in its opinion.
	EffectProposeSubsistenceAmount = "propose-subsistence-amount"
	// BenefitSubsistence names the benefit on the roster.
	BenefitSubsistence = "subsistence-allowance"
)

// subsistenceBasis is the measures every subsistence rule comes from.
const subsistenceBasis = "最低生活保障审核确认办法"

func init() {
	for id, c := range map[string]checker{
		"data-check-consent":      {basis: subsistenceBasis + "第九条", run: checkDataCheckConsent},
		"applicant-in-household":  {basis: subsistenceBasis + "第四条、第七条", run: checkApplicantInHousehold},
		"income-below-standard":   {basis: "社会救助暂行办法第九条；" + subsistenceBasis + "第十三条", run: checkIncomeBelowStandard},
		"assets-within-limits":    {basis: "社会救助暂行办法第九条；" + subsistenceBasis + "第十四条", run: checkAssetsWithinLimits},
		"not-staff-relative":      {basis: subsistenceBasis + "第十一条、第二十条", run: checkNotStaffRelative},
		"stable-income":           {basis: subsistenceBasis + "第三十一条", run: checkStableIncome},
		"reduced-amount-stated":   {basis: subsistenceBasis + "第三十二条", run: checkReducedAmountStated},
		"increased-amount-stated": {basis: subsistenceBasis + "第三十一条、第三十二条", run: checkIncreasedAmountStated},
		"amount-within-standard":  {basis: subsistenceBasis + "第二十一条、第二十三条", run: checkAmountWithinStandard},
		"hukou-where-applying":    {basis: subsistenceBasis + "第四条、第五条", run: checkHukouWhereApplying},
		"not-already-receiving":   {basis: subsistenceBasis + "第二十八条", run: checkNotAlreadyReceiving},
	} {
		checkers[id] = c
	}
	issuers[DocSubsistenceDecision] = issueSubsistenceDecision
	issuers[DocSubsistenceAdjustment] = issueSubsistenceAdjustment
	issuers[DocSubsistenceStop] = stopIssuer(DocSubsistenceStop, "DBTF")
	issuers[DocSubsistencePublication] = issueSubsistencePublication
	effects[EffectProposeSubsistenceAmount] = proposeSubsistenceAmount
}

func checkDataCheckConsent(_ context.Context, e *checkEnv) ([]procedures.Text, error) {
	if childObject(e.form, "consent")["dataCheck"] == true {
		return nil, nil
	}
	return []procedures.Text{{
		Zh: "申请人未授权核对其家庭经济状况",
		En: "the applicant has not authorized the check of the household's economic status",
	}}, nil
}

// householdMembers lists the members living together (审核确认办法第七条).
func householdMembers(e *checkEnv) []map[string]any {
	var out []map[string]any
	list, _ := childObject(e.form, "household")["members"].([]any)
	for _, m := range list {
		if o, ok := m.(map[string]any); ok {
			out = append(out, o)
		}
	}
	return out
}

func checkApplicantInHousehold(_ context.Context, e *checkEnv) ([]procedures.Text, error) {
	var out []procedures.Text
	members := householdMembers(e)
	for i, p := range e.persons {
		found := false
		for _, m := range members {
			id, _ := m["idNumber"].(string)
			found = found || strings.EqualFold(id, p.Number)
		}
		if !found {
			out = append(out, procedures.Text{
				Zh: fmt.Sprintf("申请人%s不在所列共同生活的家庭成员之中", e.name(i)),
				En: fmt.Sprintf("the applicant %s is not among the household members listed", e.name(i)),
			})
		}
	}
	return out, nil
}

// subsistenceStandard is the local monthly standard per person (set by the
// province or prefecture, 社会救助暂行办法第十条); there is no national one.
func subsistenceStandard(e *checkEnv) (int64, error) {
	v, ok := paramNumber(e, "monthlyStandard")
	if !ok || v <= 0 {
		return 0, errBadDefinition("params.monthlyStandard (the local subsistence standard, yuan per person per month) is not set")
	}
	return toFen(v), nil
}

// checkIncomeBelowStandard applies the income condition and, when it is
// met, records the monthly amount: the gap between the standard for every
// member and the household's income (差额, 审核确认办法第二十三条).
func checkIncomeBelowStandard(ctx context.Context, e *checkEnv) ([]procedures.Text, error) {
	standard, err := subsistenceStandard(e)
	if err != nil {
		return nil, err
	}
	members := int64(len(householdMembers(e)))
	if members == 0 {
		return []procedures.Text{{Zh: "未列明共同生活的家庭成员", En: "no household members are listed"}}, nil
	}
	v, _ := number(childObject(e.form, "household")["monthlyIncome"])
	income := toFen(v)
	perCapita := int64(math.Round(float64(income) / float64(members)))
	gap := standard*members - income
	if gap <= 0 {
		return []procedures.Text{{
			Zh: fmt.Sprintf("家庭月人均收入%s元，不低于当地最低生活保障标准%s元", yuanText(perCapita), yuanText(standard)),
			En: fmt.Sprintf("the household's monthly income per person, %s yuan, is not below the local subsistence standard of %s yuan",
				yuanText(perCapita), yuanText(standard)),
		}}, nil
	}
	p, err := holder(e.in.Parties)
	if err != nil {
		return nil, err
	}
	err = e.a.Store.AssessBenefit(ctx, store.Benefit{CaseID: e.in.CaseID, Benefit: BenefitSubsistence, HolderID: p.IDNumber,
		HolderName: p.Name, Office: e.in.Office, MonthlyFen: gap, UpdatedOn: e.in.OnDay, Members: memberIDs(e.form, p),
		Basis: mustJSON(map[string]any{
			"monthlyStandard": yuanText(standard), "householdMembers": members,
			"householdMonthlyIncome": yuanText(income), "perCapitaIncome": yuanText(perCapita),
		})})
	return nil, err
}

// checkAssetsWithinLimits applies the local asset rules. Each limit is a
// param; a locality that sets none has no such rule (审核确认办法第十四条
// leaves assets to local rules).
func checkAssetsWithinLimits(_ context.Context, e *checkEnv) ([]procedures.Text, error) {
	hh := childObject(e.form, "household")
	var out []procedures.Text
	if months, ok := paramNumber(e, "financialAssetsMonths"); ok {
		standard, err := subsistenceStandard(e)
		if err != nil {
			return nil, err
		}
		members := int64(max(len(householdMembers(e)), 1))
		v, _ := number(hh["financialAssets"])
		perCapita := int64(math.Round(float64(toFen(v)) / float64(members)))
		if limit := int64(math.Round(months * float64(standard))); perCapita > limit {
			out = append(out, procedures.Text{
				Zh: fmt.Sprintf("家庭人均金融资产%s元，超过当地标准%g个月的数额%s元", yuanText(perCapita), months, yuanText(limit)),
				En: fmt.Sprintf("financial assets per person of %s yuan exceed %g months of the standard, %s yuan", yuanText(perCapita), months, yuanText(limit)),
			})
		}
	}
	for _, r := range []struct{ param, field, zh, unit, en string }{
		{"maxVehicles", "vehicles", "机动车", "辆", "motor vehicles"},
		{"maxExtraHomes", "extraHomes", "自住以外的住房", "处", "homes besides the one lived in"},
	} {
		limit, ok := paramNumber(e, r.param)
		if !ok {
			continue
		}
		if n, _ := number(hh[r.field]); n > limit {
			out = append(out, procedures.Text{
				Zh: fmt.Sprintf("家庭拥有%s%g%s，超过当地规定的%g%s", r.zh, n, r.unit, limit, r.unit),
				En: fmt.Sprintf("the household owns %g %s, more than the local limit of %g", n, r.en, limit),
			})
		}
	}
	return out, nil
}

func checkNotStaffRelative(_ context.Context, e *checkEnv) ([]procedures.Text, error) {
	if e.form["staffRelative"] != true {
		return nil, nil
	}
	return []procedures.Text{{
		Zh: "申请家庭成员为最低生活保障经办人员或者村（居）民委员会成员的近亲属：单独登记备案，县级民政部门入户核查",
		En: "a household member is a close relative of subsistence-allowance staff or of a village or residents' committee member: registered separately, with a home visit by the county",
	}}, nil
}

// checkStableIncome routes the periodic review: households whose members
// can work and whose income is irregular are reviewed half-yearly.
func checkStableIncome(_ context.Context, e *checkEnv) ([]procedures.Text, error) {
	if childObject(e.form, "household")["irregularIncome"] != true {
		return nil, nil
	}
	return []procedures.Text{{
		Zh: "家庭成员有劳动能力且收入不固定，每半年核查一次",
		En: "members can work and their income is irregular, so the household is reviewed every six months",
	}}, nil
}

// reductionPattern finds the new amount in a reduction's opinion, e.g.
// "家庭收入增加，减为350元" or "new amount 350".
var reductionPattern = regexp.MustCompile(`(?i)(?:减为|减至|降为|降至|调整为|调整至|new (?:monthly )?amount(?: of| is)?)\s*[:：]?\s*(\d+(?:\.\d{1,2})?)`)

// statedAmount is the amount a reduction's opinion states, if any.
func statedAmount(opinion string) (int64, bool) {
	m := reductionPattern.FindStringSubmatch(opinion)
	if m == nil {
		return 0, false
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return 0, false
	}
	return toFen(v), true
}

// proposeSubsistenceAmount records the new amount a reduction states. An
// opinion without one records none; the check that follows sends the
// decision back, so a wording slip never stops the case.
func proposeSubsistenceAmount(ctx context.Context, a *Activities, in workflows.EffectInput) error {
	var fen *int64
	if v, ok := statedAmount(in.Note); ok {
		fen = &v
	}
	return a.Store.ProposeBenefitAmount(ctx, in.CaseID, fen, in.OnDay)
}

func checkReducedAmountStated(ctx context.Context, e *checkEnv) ([]procedures.Text, error) {
	b, err := e.a.Store.BenefitOf(ctx, e.in.CaseID)
	if errors.Is(err, store.ErrNotFound) {
		return []procedures.Text{{Zh: "该案件没有正在发放的保障金", En: "the case has no benefit being paid"}}, nil
	}
	if err != nil {
		return nil, err
	}
	p := b.ProposedFen
	if e.in.AmountFen != nil {
		p = e.in.AmountFen // set with the reduction (definitions from version 2)
	}
	switch {
	case p == nil:
		return []procedures.Text{{
			Zh: "减发意见未写明新的月保障金额（例如“减为350元”）",
			En: `the reduction does not state the new monthly amount (e.g. "new amount 350")`,
		}}, nil
	case *p <= 0 || *p >= b.MonthlyFen:
		return []procedures.Text{{
			Zh: fmt.Sprintf("减发后的月保障金额%s元须大于0并低于现金额%s元（停发请选择停止保障）", yuanText(*p), yuanText(b.MonthlyFen)),
			En: fmt.Sprintf("the reduced amount of %s yuan must be above 0 and below the current %s yuan (to stop, choose stop)",
				yuanText(*p), yuanText(b.MonthlyFen)),
		}}, nil
	}
	return nil, nil
}

func issueSubsistenceDecision(ctx context.Context, a *Activities, in workflows.IssueInput) ([]workflows.Document, error) {
	return issueBenefitDecision(ctx, a, in, DocSubsistenceDecision, "DB")
}

// issueBenefitDecision issues the decision granting an assessed benefit
// (its monthly amount, paid from the first of next month) and starts the
// payments; the subsistence allowance and the 80+ allowance share it.
func issueBenefitDecision(ctx context.Context, a *Activities, in workflows.IssueInput, kind, prefix string) ([]workflows.Document, error) {
	p, err := holder(in.Parties)
	if err != nil {
		return nil, err
	}
	if err := grantedAmount(ctx, a, in); err != nil {
		return nil, err
	}
	b, err := benefitOf(ctx, a, in.CaseID)
	if err != nil {
		return nil, err
	}
	from, err := firstOfNextMonth(in.OnDay)
	if err != nil {
		return nil, err
	}
	var data map[string]any
	if err := json.Unmarshal(b.Basis, &data); err != nil {
		return nil, fmt.Errorf("benefit basis of %s: %w", in.CaseID, err)
	}
	data["monthlyAmount"], data["paymentFrom"], data["decidedOn"] = yuanText(b.MonthlyFen), from, in.OnDay
	d, err := a.Store.IssueDocument(ctx, store.DocumentRequest{CaseID: in.CaseID, Kind: kind, Prefix: prefix,
		Office: in.Office, Date: in.OnDay, HolderID: p.IDNumber, HolderName: p.Name, Data: mustJSON(data)})
	if err != nil {
		return nil, err
	}
	if _, err := a.Store.StartBenefit(ctx, in.CaseID, from, in.OnDay); errors.Is(err, store.ErrAlreadyReceiving) {
		// Another case started paying a member since the checks: the
		// decision cannot take effect, and retrying will not change that.
		return nil, errBadDefinition("case %s: a household member is already paid this benefit by another case", in.CaseID)
	} else if err != nil {
		return nil, err
	}
	return []workflows.Document{asDocument(d, p)}, nil
}

// issueSubsistenceAdjustment issues the notice of a reduction and applies
// it to the roster. A benefit can be reduced at several reviews while the
// store issues one document per case, kind and holder, so every notice
// after the first is keyed by the holder and its ordinal ("…#2").
func issueSubsistenceAdjustment(ctx context.Context, a *Activities, in workflows.IssueInput) ([]workflows.Document, error) {
	p, err := holder(in.Parties)
	if err != nil {
		return nil, err
	}
	docs, err := a.Store.DocumentsForCase(ctx, in.CaseID)
	if err != nil {
		return nil, err
	}
	var d store.Document
	earlier := 0
	for _, x := range docs {
		if x.Kind != DocSubsistenceAdjustment {
			continue
		}
		var data struct{ DecidedOn string }
		if json.Unmarshal(x.Data, &data) == nil && data.DecidedOn == in.OnDay {
			d = x // a retry: this decision's notice exists
		}
		earlier++
	}
	if d.Number == "" {
		b, err := benefitOf(ctx, a, in.CaseID)
		if err != nil {
			return nil, err
		}
		proposed := b.ProposedFen
		if in.AmountFen != nil {
			proposed = in.AmountFen // set with the decision to increase or reduce
		}
		if proposed == nil {
			return nil, errBadDefinition("case %s: a change reached its notice without a stated amount", in.CaseID)
		}
		change := "reduce"
		if *proposed > b.MonthlyFen {
			change = "increase"
		}
		from, err := firstOfNextMonth(in.OnDay)
		if err != nil {
			return nil, err
		}
		key := p.IDNumber
		if earlier > 0 {
			key = fmt.Sprintf("%s#%d", p.IDNumber, earlier+1)
		}
		d, err = a.Store.IssueDocument(ctx, store.DocumentRequest{CaseID: in.CaseID, Kind: DocSubsistenceAdjustment, Prefix: "DBBG",
			Office: in.Office, Date: in.OnDay, HolderID: key, HolderName: p.Name, Data: mustJSON(map[string]any{
				"previousAmount": yuanText(b.MonthlyFen), "monthlyAmount": yuanText(*proposed),
				"effectiveFrom": from, "decidedOn": in.OnDay, "change": change,
			})})
		if err != nil {
			return nil, err
		}
	}
	return applyAdjustment(ctx, a, in, d, p)
}

// applyAdjustment changes the benefit to what an issued adjustment notice
// says. It reads the amount back from the document, so a retried issue
// (which returns the document issued first) applies the same change.
func applyAdjustment(ctx context.Context, a *Activities, in workflows.IssueInput, d store.Document, p workflows.Party) ([]workflows.Document, error) {
	var data struct{ MonthlyAmount, EffectiveFrom string }
	if err := json.Unmarshal(d.Data, &data); err != nil {
		return nil, fmt.Errorf("adjustment %s: %w", d.Number, err)
	}
	fen, err := parseYuan(data.MonthlyAmount)
	if err != nil {
		return nil, err
	}
	if _, err := a.Store.ChangeBenefit(ctx, in.CaseID, fen, data.EffectiveFrom, in.OnDay); err != nil {
		return nil, err
	}
	return []workflows.Document{asDocument(d, p)}, nil
}

// stopIssuer issues a stop notice of the given kind: the benefit ends from
// the month after the decision. The subsistence allowance and the local
// allowances stop alike.
func stopIssuer(kind, prefix string) func(context.Context, *Activities, workflows.IssueInput) ([]workflows.Document, error) {
	return func(ctx context.Context, a *Activities, in workflows.IssueInput) ([]workflows.Document, error) {
		p, err := holder(in.Parties)
		if err != nil {
			return nil, err
		}
		b, err := benefitOf(ctx, a, in.CaseID)
		if err != nil {
			return nil, err
		}
		from, err := firstOfNextMonth(in.OnDay)
		if err != nil {
			return nil, err
		}
		d, err := a.Store.IssueDocument(ctx, store.DocumentRequest{CaseID: in.CaseID, Kind: kind, Prefix: prefix,
			Office: in.Office, Date: in.OnDay, HolderID: p.IDNumber, HolderName: p.Name, Data: mustJSON(map[string]any{
				"lastAmount": yuanText(b.MonthlyFen), "stoppedFrom": from, "decidedOn": in.OnDay,
			})})
		if err != nil {
			return nil, err
		}
		if _, err := a.Store.StopBenefit(ctx, in.CaseID, from, in.OnDay); err != nil {
			return nil, err
		}
		return []workflows.Document{asDocument(d, p)}, nil
	}
}
