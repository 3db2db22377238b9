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
