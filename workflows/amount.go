package workflows

import (
	"fmt"

	"civilflow/procedures"
)

// An officer sets an amount with an action (核定金额): the subsistence
// allowance granted or changed at a review, the temporary assistance
// approved or paid first. The definition says which actions carry one and
// the params it may not exceed; the case keeps the last one for the checks
// and documents that follow.

// validateAmount holds the amount an action carries to its rule. Like the
// other rules on what a request carries it applies to new actions: the
// re-check of an accepted one has nothing to add.
func (c *caseRun) validateAmount(a procedures.Action, req ActRequest) error {
	if !c.fresh {
		return nil
	}
	rule := a.Amount
	switch {
	case rule == nil && req.AmountFen != nil:
		return rejected("action %q does not take an amount", a.ID)
	case rule == nil:
		return nil
	case req.AmountFen == nil:
		if rule.Required {
			return rejected("action %q requires the amount the officer sets (amount, in yuan)", a.ID)
		}
		return nil
	}
	fen := *req.AmountFen
	if fen < 0 || (fen == 0 && !rule.AllowZero) {
		return rejected("action %q: the amount must be above 0", a.ID)
	}
	for _, name := range rule.MaxParams {
		v, ok := procedures.ParamValue(c.def.Params, name, c.in.Office)
		limit, isNum := procedures.AmountOf(v)
		if !ok || !isNum {
			continue // validated when the definition loaded
		}
		if max := yuanToFen(limit); fen > max {
			return rejected("action %q: the amount of %s yuan exceeds %s, %s yuan", a.ID, yuanOf(fen), name, yuanOf(max))
		}
	}
	return nil
}

// yuanToFen rounds yuan to whole fen, half away from zero.
func yuanToFen(yuan float64) int64 {
	if yuan < 0 {
		return -int64(-yuan*100 + 0.5)
	}
	return int64(yuan*100 + 0.5)
}

// yuanOf shows fen as yuan with two decimals.
func yuanOf(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s%d.%02d", sign, fen/100, fen%100)
}

// amountText is how the record shows the amount an action set.
func amountText(fen int64) string {
	return fmt.Sprintf("核定金额%s元 (amount set: %s yuan)", yuanOf(fen), yuanOf(fen))
}
