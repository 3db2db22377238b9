package activities

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"go.temporal.io/sdk/temporal"

	"civilflow/divisions"
	"civilflow/procedures"
	"civilflow/store"
	"civilflow/workflows"
)

// Documents and checks of county-to-city conversion (撤县设市).
const (
	// DocConversionAnnouncement is the public announcement of an approved
	// conversion (行政区划管理条例第十八条); it has no holder.
	DocConversionAnnouncement = "conversion-announcement"
)

// conversionPlan is the change plan of the application (实施办法第三条).
type conversionPlan struct {
	NewName       string `json:"newName"`
	Seat          string `json:"seat"`
	Subordination string `json:"subordination"`
	AreaKm2       int    `json:"areaKm2"`
	Population    int    `json:"population"`
}

func init() {
	checkers["county-may-become-city"] = checker{basis: "宪法第八十九条第（十五）项；行政区划管理条例第七条；行政区划管理条例实施办法第三条",
		run: checkCountyMayBecomeCity}
	checkers["conversion-applied-by-prefecture"] = checker{basis: "行政区划管理条例实施办法第三条", run: checkAppliedByPrefecture}
	checkers["conversion-concerns-autonomous-area"] = checker{basis: "行政区划管理条例第十四条；民族区域自治法第十四条",
		run: checkConcernsAutonomousArea}
	issuers[DocConversionAnnouncement] = issueConversionAnnouncement
}

// countySuffixes end the names of the county-level divisions that can be
// converted: counties and autonomous counties, banners and autonomous
// banners. Districts and county-level cities cannot.
var countySuffixes = []string{"县", "旗"}

func checkCountyMayBecomeCity(_ context.Context, e *checkEnv) ([]procedures.Text, error) {
	t, err := divisions.Default()
	if err != nil {
		return nil, err
	}
	d, ok := t.Lookup(e.in.Office)
	if ok && d.Level == divisions.LevelCounty {
		for _, s := range countySuffixes {
			if strings.HasSuffix(d.Name, s) {
				return nil, nil
			}
		}
	}
	name := e.in.Office
	if ok {
		name = d.Name + "（" + e.in.Office + "）"
	}
	return []procedures.Text{{
		Zh: fmt.Sprintf("%s不是县、自治县、旗或者自治旗，不适用撤县设市", name),
		En: fmt.Sprintf("%s is not a county or banner, so it cannot be converted into a city", name),
	}}, nil
}

// issueConversionAnnouncement publishes the approved change: the county,
// the new city, its seat and subordination, and the approval day.
func issueConversionAnnouncement(ctx context.Context, a *Activities, in workflows.IssueInput) ([]workflows.Document, error) {
	var f struct {
		Plan conversionPlan `json:"plan"`
	}
	if err := json.Unmarshal(in.Form, &f); err != nil {
		return nil, temporal.NewNonRetryableApplicationError("not a conversion form", "BadInput", err)
	}
	t, err := divisions.Default()
	if err != nil {
		return nil, err
	}
	data, err := json.Marshal(map[string]any{
		"county": t.FullName(in.Office), "countyCode": in.Office, "newName": f.Plan.NewName, "seat": f.Plan.Seat,
		"subordination": f.Plan.Subordination, "approvedOn": in.OnDay,
	})
	if err != nil {
		return nil, err
	}
	d, err := a.Store.IssueDocument(ctx, store.DocumentRequest{CaseID: in.CaseID, Kind: DocConversionAnnouncement,
		Prefix: "QHGG", Office: in.Office, Date: in.OnDay, Data: data})
	if err != nil {
		return nil, err
	}
	return []workflows.Document{{Kind: d.Kind, Number: d.Number, IssuedOn: d.IssuedOn}}, nil
}

// checkAppliedByPrefecture holds when the prefecture-level city's
// government drafted the plan and applies (实施办法第三条).
func checkAppliedByPrefecture(_ context.Context, e *checkEnv) ([]procedures.Text, error) {
	var f struct {
		ApplicantGovernment string `json:"applicantGovernment"`
	}
	if err := json.Unmarshal(e.in.Form, &f); err != nil {
		return nil, temporal.NewNonRetryableApplicationError("not a conversion form", "BadInput", err)
	}
	if f.ApplicantGovernment == "prefecture" {
		return nil, nil
	}
	return []procedures.Text{{Zh: "由县人民政府申请", En: "the county government applies"}}, nil
}

// checkConcernsAutonomousArea holds when the county is an autonomous
// county or banner, or lies within an autonomous prefecture, league or
// region: the change then concerns a 民族自治地方.
func checkConcernsAutonomousArea(_ context.Context, e *checkEnv) ([]procedures.Text, error) {
	t, err := divisions.Default()
	if err != nil {
		return nil, err
	}
	for c := e.in.Office; c != "" && c != divisions.Nationwide; c = divisions.Parent(c) {
		if d, ok := t.Lookup(c); ok && strings.Contains(d.Name, "自治") {
			return nil, nil
		}
	}
	return []procedures.Text{{Zh: t.FullName(e.in.Office) + "不涉及民族自治地方", En: e.in.Office + " lies in no autonomous area"}}, nil
}
