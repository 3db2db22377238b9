package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"civilflow/divisions"
	"civilflow/procedures"
	"civilflow/store"
	"civilflow/workflows"
)

// The subsistence allowance as the 办法 has it: the township accepts on
// complete materials, the figures are what the investigation and the data
// check establish, and the county sets the amount when it decides (第二十一条
// "同时确定救助金额"). The officer's amount travels with the action
// (workflows.ActRequest.AmountFen); these checks hold it to the rules.

// memberIDs lists the resident ID numbers of the household (the holder
// first, and always), upper-cased as the registry keeps them.
func memberIDs(form map[string]any, p workflows.Party) []string {
	out := []string{strings.ToUpper(p.IDNumber)}
	list, _ := childObject(form, "household")["members"].([]any)
	for _, m := range list {
		o, _ := m.(map[string]any)
		id, _ := o["idNumber"].(string)
		if id = strings.ToUpper(id); id != "" && !contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// maxSubsistenceFen is the most a household can be granted: the standard
// for every member (the gap when the verified income is nothing).
func maxSubsistenceFen(e *checkEnv) (int64, int64, error) {
	standard, err := subsistenceStandard(e)
	if err != nil {
		return 0, 0, err
	}
	members := int64(max(len(householdMembers(e)), 1))
	return standard * members, standard, nil
}

// checkAmountWithinStandard: the county's amount is the gap between the
// standard and the verified income (第二十三条), so it lies above 0 and at
// most the standard for every member.
func checkAmountWithinStandard(_ context.Context, e *checkEnv) ([]procedures.Text, error) {
	ceiling, standard, err := maxSubsistenceFen(e)
	if err != nil {
		return nil, err
	}
	if e.in.AmountFen == nil {
		return []procedures.Text{{Zh: "审核确认未核定月保障金额", En: "the decision sets no monthly amount"}}, nil
	}
	if a := *e.in.AmountFen; a <= 0 || a > ceiling {
		return []procedures.Text{{
			Zh: fmt.Sprintf("核定的月保障金额%s元须大于0且不超过保障标准%s元乘以家庭人数（%s元）", yuanText(a), yuanText(standard), yuanText(ceiling)),
			En: fmt.Sprintf("the monthly amount of %s yuan must be above 0 and at most the standard of %s yuan for every member (%s yuan)",
				yuanText(a), yuanText(standard), yuanText(ceiling)),
		}}, nil
	}
	return nil, nil
}

// checkIncreasedAmountStated: an increase (增发, 第三十二条) states a new
// amount above the current one and within the standard.
func checkIncreasedAmountStated(ctx context.Context, e *checkEnv) ([]procedures.Text, error) {
	b, err := e.a.Store.BenefitOf(ctx, e.in.CaseID)
	if errors.Is(err, store.ErrNotFound) {
		return []procedures.Text{{Zh: "该案件没有正在发放的保障金", En: "the case has no benefit being paid"}}, nil
	}
	if err != nil {
		return nil, err
	}
	ceiling, _, err := maxSubsistenceFen(e)
	if err != nil {
		return nil, err
	}
	if e.in.AmountFen == nil {
		return []procedures.Text{{Zh: "增发未核定新的月保障金额", En: "the increase sets no new monthly amount"}}, nil
	}
	if a := *e.in.AmountFen; a <= b.MonthlyFen || a > ceiling {
		return []procedures.Text{{
			Zh: fmt.Sprintf("增发后的月保障金额%s元须高于现金额%s元且不超过%s元", yuanText(a), yuanText(b.MonthlyFen), yuanText(ceiling)),
			En: fmt.Sprintf("the increased amount of %s yuan must be above the current %s yuan and at most %s yuan",
				yuanText(a), yuanText(b.MonthlyFen), yuanText(ceiling)),
		}}, nil
	}
	return nil, nil
}

// checkHukouWhereApplying: one applies to the township of the hukou place
// (第四条); where the province lets residence-permit holders apply where
// they live (第五条, params.residencePermitHolders), a permit issued in the
// jurisdiction serves too. The reason refers the applicant to the right
// office.
func checkHukouWhereApplying(_ context.Context, e *checkEnv) ([]procedures.Text, error) {
	hukou, _ := e.form["hukouDivision"].(string)
	if divisions.Covers(e.in.Office, hukou) {
		return nil, nil
	}
	if e.in.Params["residencePermitHolders"] == true {
		if permit, _ := e.form["residencePermitDivision"].(string); permit != "" && divisions.Covers(e.in.Office, permit) {
			return nil, nil
		}
	}
	return []procedures.Text{{
		Zh: fmt.Sprintf("申请人户籍所在地（%s）不在本机关（%s）辖区内，请向户籍所在地乡镇人民政府（街道办事处）提出申请", hukou, e.in.Office),
		En: fmt.Sprintf("the applicant's hukou (%s) is outside this office's jurisdiction (%s): apply to the township or street office where the hukou is",
			hukou, e.in.Office),
	}}, nil
}

// checkNotAlreadyReceiving: nobody is paid the subsistence allowance by two
// cases (第二十八条); the store refuses it at payment as well.
func checkNotAlreadyReceiving(ctx context.Context, e *checkEnv) ([]procedures.Text, error) {
	p, err := holder(e.in.Parties)
	if err != nil {
		return nil, err
	}
	got, err := e.a.Store.Receiving(ctx, BenefitSubsistence, memberIDs(e.form, p), e.in.CaseID)
	if err != nil {
		return nil, err
	}
	var out []procedures.Text
	// The reason reaches the applicant: it names the member, masked, and
	// not the other household's case.
	for _, id := range memberIDs(e.form, p) {
		if _, ok := got[id]; ok {
			out = append(out, procedures.Text{
				Zh: fmt.Sprintf("家庭成员%s已在另一户的案件中享受最低生活保障", maskID(id)),
				En: fmt.Sprintf("household member %s already receives the subsistence allowance in another case", maskID(id)),
			})
		}
	}
	return out, nil
}

// maskID shows an ID number the way notices do: region and last four.
func maskID(id string) string {
	if len(id) < 10 {
		return id
	}
	return id[:6] + strings.Repeat("*", len(id)-10) + id[len(id)-4:]
}

// grantedAmount is the amount the county set, when it set one: the roster
// row is assessed with it (and the household's members) before payment
// starts. A decision of an older definition version grants the amount the
// income check assessed.
func grantedAmount(ctx context.Context, a *Activities, in workflows.IssueInput) error {
	if in.AmountFen == nil || in.ProcedureID != "subsistence-allowance" {
		return nil
	}
	p, err := holder(in.Parties)
	if err != nil {
		return err
	}
	form, err := decodeForm(in.Form)
	if err != nil {
		return err
	}
	params := procedures.ParamsFor(in.Params, in.Office)
	standard, _ := number(params["monthlyStandard"])
	members, _ := childObject(form, "household")["members"].([]any)
	basis := map[string]any{"monthlyStandard": yuanText(toFen(standard)), "householdMembers": len(members), "amountSetBy": "county"}
	// What the declared figures gave stays on record beside it.
	if old, err := a.Store.BenefitOf(ctx, in.CaseID); err == nil {
		var declared map[string]any
		if json.Unmarshal(old.Basis, &declared) == nil && len(declared) > 0 && declared["amountSetBy"] == nil {
			declared["monthlyAmount"] = yuanText(old.MonthlyFen)
			basis["declared"] = declared
		}
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	return a.Store.AssessBenefit(ctx, store.Benefit{CaseID: in.CaseID, Benefit: BenefitSubsistence, HolderID: p.IDNumber,
		HolderName: p.Name, Office: in.Office, MonthlyFen: *in.AmountFen, UpdatedOn: in.OnDay, Members: memberIDs(form, p),
		Basis: mustJSON(basis)})
}

// issueSubsistencePublication issues what the county publishes in the
// village or community (第二十四条; 社会救助暂行办法第十一条(三)): the name,
// the number of household members and the amount, nothing else, since the
// publication must protect privacy. The 办法 gives it no end: it stands
// while the benefit is paid.
func issueSubsistencePublication(ctx context.Context, a *Activities, in workflows.IssueInput) ([]workflows.Document, error) {
	p, err := holder(in.Parties)
	if err != nil {
		return nil, err
	}
	b, err := benefitOf(ctx, a, in.CaseID)
	if err != nil {
		return nil, err
	}
	members := len(b.Members)
	if members == 0 {
		members = 1
	}
	d, err := a.Store.IssueDocument(ctx, store.DocumentRequest{CaseID: in.CaseID, Kind: DocSubsistencePublication, Prefix: "DBGB",
		Office: in.Office, Date: in.OnDay, HolderID: p.IDNumber, HolderName: p.Name, Data: mustJSON(map[string]any{
			"name": p.Name, "householdMembers": members, "monthlyAmount": yuanText(b.MonthlyFen),
		})})
	if err != nil {
		return nil, err
	}
	return []workflows.Document{asDocument(d, p)}, nil
}
