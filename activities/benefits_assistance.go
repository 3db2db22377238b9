package activities

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"civilflow/procedures"
	"civilflow/store"
	"civilflow/workflows"
)

// Documents of temporary assistance (临时救助).
const (
	// DocAssistanceDecision approves assistance on the ordinary path.
	DocAssistanceDecision = "temporary-assistance-decision"
	// DocAssistancePayment records assistance paid first in an emergency
	// (先行救助), before the paperwork is completed.
	DocAssistancePayment = "temporary-assistance-payment"
	// DocAssistanceRecovery tells the recipient that a payment made first
	// was not recognised and is to be paid back (暂行办法第六十八条).
	DocAssistanceRecovery = "temporary-assistance-recovery"
)

func init() {
	checkers["assistance-amount-cap"] = checker{basis: "社会救助暂行办法第四十九条", run: checkAssistanceAmountCap}
	checkers["assistance-recent-hardship"] = checker{basis: "社会救助暂行办法第四十七条", run: checkAssistanceRecentHardship}
	checkers["within-township-limit"] = checker{basis: "社会救助暂行办法第四十八条", run: checkWithinTownshipLimit}
	issuers[DocAssistanceDecision] = issueAssistance(DocAssistanceDecision, "LJ")
	issuers[DocAssistancePayment] = issueAssistance(DocAssistancePayment, "LJXX")
	issuers[DocAssistanceRecovery] = issueAssistanceRecovery
}

// assistanceAmount is the amount the form asks for, in fen.
func assistanceAmount(form map[string]any) int64 {
	v, _ := number(form["requestedAmount"])
	return toFen(v)
}

// checkAssistanceAmountCap: local standards (社会救助暂行办法第四十九条) set
// the most one application may receive; a locality without a cap sets none.
func checkAssistanceAmountCap(_ context.Context, e *checkEnv) ([]procedures.Text, error) {
	limit, ok := paramNumber(e, "maximumAmount")
	if !ok {
		return nil, nil
	}
	if amount := assistanceAmount(e.form); amount > toFen(limit) {
		return []procedures.Text{{
			Zh: fmt.Sprintf("申请救助金额%s元，超过当地一次救助上限%s元", yuanText(amount), yuanText(toFen(limit))),
			En: fmt.Sprintf("the %s yuan asked for exceed the local maximum of %s yuan per application", yuanText(amount), yuanText(toFen(limit))),
		}}, nil
	}
	return nil, nil
}

// checkAssistanceRecentHardship: temporary assistance answers a sudden
// hardship (暂行办法第四十七条); an event older than the local window
// (params.hardshipWithinDays) is for other assistance.
func checkAssistanceRecentHardship(_ context.Context, e *checkEnv) ([]procedures.Text, error) {
	days, ok := paramNumber(e, "hardshipWithinDays")
	if !ok {
		return nil, nil
	}
	s, _ := childObject(e.form, "hardship")["occurredOn"].(string)
	on, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return []procedures.Text{{Zh: "未写明困难发生日期", En: "the date of the hardship is missing"}}, nil
	}
	if on.After(e.onDay) {
		return []procedures.Text{{Zh: "困难发生日期晚于申请日期", En: "the hardship is dated after the application"}}, nil
	}
	if age := int(e.onDay.Sub(on).Hours() / 24); age > int(days) {
		return []procedures.Text{{
			Zh: fmt.Sprintf("困难发生于%s，距申请已%d日，超过临时救助受理期限%g日", s, age, days),
			En: fmt.Sprintf("the hardship happened on %s, %d days ago, beyond the %g days within which temporary assistance is given", s, age, days),
		}}, nil
	}
	return nil, nil
}

// checkWithinTownshipLimit routes: small amounts are approved by the
// township (暂行办法第四十八条), the rest by the county.
func checkWithinTownshipLimit(_ context.Context, e *checkEnv) ([]procedures.Text, error) {
	limit, ok := paramNumber(e, "townshipLimit")
	if !ok {
		return nil, errBadDefinition("params.townshipLimit (the amount up to which the township approves) is not set")
	}
	amount := assistanceAmount(e.form)
	if e.in.AmountFen != nil {
		amount = *e.in.AmountFen // the amount the township proposed
	}
	if amount > toFen(limit) {
		return []procedures.Text{{
			Zh: fmt.Sprintf("救助金额%s元超过乡镇审批限额%s元，报县级民政部门审批", yuanText(amount), yuanText(toFen(limit))),
			En: fmt.Sprintf("%s yuan is above the township's limit of %s yuan, so the county approves", yuanText(amount), yuanText(toFen(limit))),
		}}, nil
	}
	return nil, nil
}

// issueAssistance issues a one-off assistance document for the amount the
// officer set (definitions from version 2), or else the amount asked for.
func issueAssistance(kind, prefix string) issuer {
	return func(ctx context.Context, a *Activities, in workflows.IssueInput) ([]workflows.Document, error) {
		p, err := holder(in.Parties)
		if err != nil {
			return nil, err
		}
		form, err := decodeForm(in.Form)
		if err != nil {
			return nil, err
		}
		hardship := childObject(form, "hardship")
		amount := assistanceAmount(form)
		if in.AmountFen != nil {
			amount = *in.AmountFen
		}
		d, err := a.Store.IssueDocument(ctx, store.DocumentRequest{CaseID: in.CaseID, Kind: kind, Prefix: prefix,
			Office: in.Office, Date: in.OnDay, HolderID: p.IDNumber, HolderName: p.Name, Data: mustJSON(map[string]any{
				"amount": yuanText(amount), "requested": yuanText(assistanceAmount(form)), "cause": hardship["cause"], "decidedOn": in.OnDay,
			})})
		if err != nil {
			return nil, err
		}
		return []workflows.Document{asDocument(d, p)}, nil
	}
}

// issueAssistanceRecovery issues the notice to pay back a payment made
// first that the county did not recognise: the amount is the payment's.
func issueAssistanceRecovery(ctx context.Context, a *Activities, in workflows.IssueInput) ([]workflows.Document, error) {
	p, err := holder(in.Parties)
	if err != nil {
		return nil, err
	}
	docs, err := a.Store.DocumentsForCase(ctx, in.CaseID)
	if err != nil {
		return nil, err
	}
	var paid store.Document
	for _, d := range docs {
		if d.Kind == DocAssistancePayment {
			paid = d
		}
	}
	if paid.Number == "" {
		return nil, errBadDefinition("case %s: a recovery notice without a payment made first", in.CaseID)
	}
	var data struct{ Amount string }
	if err := json.Unmarshal(paid.Data, &data); err != nil {
		return nil, fmt.Errorf("payment %s: %w", paid.Number, err)
	}
	d, err := a.Store.IssueDocument(ctx, store.DocumentRequest{CaseID: in.CaseID, Kind: DocAssistanceRecovery, Prefix: "LJZH",
		Office: in.Office, Date: in.OnDay, HolderID: p.IDNumber, HolderName: p.Name, Data: mustJSON(map[string]any{
			"amount": data.Amount, "payment": paid.Number, "decidedOn": in.OnDay,
		})})
	if err != nil {
		return nil, err
	}
	return []workflows.Document{asDocument(d, p)}, nil
}
