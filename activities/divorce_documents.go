package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"civilflow/calendar"
	"civilflow/store"
	"civilflow/workflows"
)

// Documents of an accepted and of a withdrawn divorce application, named by
// 民发〔2020〕116号: one of each per spouse.
const (
	// DocDivorceAcceptanceReceipt is the 离婚登记申请受理回执单: the case,
	// the day of acceptance and the last day of the cooling-off period.
	DocDivorceAcceptanceReceipt = "divorce-acceptance-receipt"
	// DocDivorceWithdrawalConfirmation is the 撤回离婚登记申请确认单.
	DocDivorceWithdrawalConfirmation = "divorce-withdrawal-confirmation"
)

// coolingOffDays is the period of 民法典第一千零七十七条第一款, counted from
// the day after acceptance as the cooling-off stage counts it.
const coolingOffDays = 30

// EffectRecordArchivedMarriage adds to the registry the marriage the
// registrar found in the paper archive, from the certificate number and
// registration day the spouses gave in the form (婚姻登记条例第十五条、
// 第十九条).
const EffectRecordArchivedMarriage = "record-archived-marriage"

func init() {
	issuers[DocDivorceAcceptanceReceipt] = issueDivorceReceipt
	issuers[DocDivorceWithdrawalConfirmation] = issueDivorceWithdrawal
	reportingEffects[EffectRecordArchivedMarriage] = recordArchivedMarriage
}

// recordArchivedMarriage adds the archived marriage. A form without a
// usable certificate number or day is a registry conflict, not a fault:
// nothing is written and the case is checked again.
func recordArchivedMarriage(ctx context.Context, a *Activities, in workflows.EffectInput) (workflows.EffectResult, error) {
	form, err := decodeForm(in.Form)
	if err != nil {
		return workflows.EffectResult{}, err
	}
	number, _ := form["marriageCertificateNumber"].(string)
	day, _ := form["marriageRegisteredOn"].(string)
	spouses, err := spousesOf(in.Parties)
	if err != nil {
		return workflows.EffectResult{}, err
	}
	if _, err := a.Store.RecordArchivedMarriage(ctx, number, day, spouses); err != nil {
		if errors.Is(err, store.ErrInvalid) {
			err = fmt.Errorf("%w: %w", store.ErrRegistryConflict, err)
		}
		return workflows.EffectResult{}, err
	}
	return workflows.EffectResult{}, nil
}

func issueDivorceReceipt(ctx context.Context, a *Activities, in workflows.IssueInput) ([]workflows.Document, error) {
	data := map[string]any{"caseId": in.CaseID, "acceptedOn": in.OnDay, "coolingOffDays": coolingOffDays,
		"basis": "民法典第一千零七十七条第一款"}
	// The receipt tells the last day when the calendar has it; without the
	// year's data it says how the period is counted, never a guess.
	if from, err := calendar.ParseDate(in.OnDay); err == nil && a.Calendar != nil {
		if d, err := a.Calendar.ForDivision(in.Office).Count(from, coolingOffDays, calendar.CalendarDays); err == nil {
			data["coolingOffLastDay"] = d.Last.String()
			data["rule"] = d.Rule
			if d.ProvisionalReason != "" {
				data["provisional"] = d.ProvisionalReason
			}
		} else {
			data["rule"] = "30 calendar days from the day after acceptance (Civil Code 1077, 201, 203)"
		}
	}
	return issuePerSpouse(ctx, a, in, DocDivorceAcceptanceReceipt, "SL", data)
}

func issueDivorceWithdrawal(ctx context.Context, a *Activities, in workflows.IssueInput) ([]workflows.Document, error) {
	return issuePerSpouse(ctx, a, in, DocDivorceWithdrawalConfirmation, "CH", map[string]any{
		"caseId": in.CaseID, "withdrawnOn": in.OnDay, "basis": "民法典第一千零七十七条第一款"})
}

// issuePerSpouse issues one numbered document of kind to each spouse.
func issuePerSpouse(ctx context.Context, a *Activities, in workflows.IssueInput, kind, prefix string, data map[string]any) ([]workflows.Document, error) {
	raw, err := json.Marshal(data)
	if err != nil {
		return nil, err
	}
	var out []workflows.Document
	for _, p := range in.Parties {
		d, err := a.Store.IssueDocument(ctx, store.DocumentRequest{CaseID: in.CaseID, Kind: kind, Prefix: prefix,
			Office: in.Office, Date: in.OnDay, HolderID: p.IDNumber, HolderName: p.Name, Data: raw})
		if err != nil {
			return nil, err
		}
		out = append(out, workflows.Document{Kind: d.Kind, Number: d.Number, HolderIDNumber: p.IDNumber,
			HolderName: p.Name, IssuedOn: d.IssuedOn, Data: data})
	}
	return out, nil
}
