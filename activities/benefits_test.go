package activities

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"slices"
	"testing"

	"go.temporal.io/sdk/temporal"

	"civilflow/idnumber"
	"civilflow/procedures"
	"civilflow/store"
	"civilflow/workflows"
)

func benefitActivities(t *testing.T) *Activities {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "civilflow.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return &Activities{Store: db}
}

func benefitID(birth, seq string) string {
	s := "440106" + birth + seq
	return s + string(idnumber.CheckDigit(s))
}

func checkIDs(rs []workflows.Reason) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Check)
	}
	return out
}

func TestStatedAmount(t *testing.T) {
	for _, tc := range []struct {
		opinion string
		fen     int64
		ok      bool
	}{
		{"家庭收入增加，月保障金额减为350元", 35000, true},
		{"由620元减至280.5元", 28050, true},
		{"调整为：400元（原620元）", 40000, true},
		{"New amount: 120", 12000, true},
		{"家庭收入增加，应当减发", 0, false},
		{"原620元", 0, false},
	} {
		fen, ok := statedAmount(tc.opinion)
		if fen != tc.fen || ok != tc.ok {
			t.Errorf("%q: %d %v, want %d %v", tc.opinion, fen, ok, tc.fen, tc.ok)
		}
	}
}

// TestSubsistenceRulesAndAmount: every failed rule is listed with its basis;
// a household that passes has its gap recorded on the roster.
func TestSubsistenceRulesAndAmount(t *testing.T) {
	a := benefitActivities(t)
	me, child := benefitID("19750304", "022"), benefitID("20120101", "041")
	params := map[string]any{"monthlyStandard": 800.0, "financialAssetsMonths": 24.0, "maxVehicles": 0.0, "maxExtraHomes": 0.0}
	form := func(income, assets float64, vehicles, homes int) json.RawMessage {
		raw, _ := json.Marshal(map[string]any{"household": map[string]any{
			"members":       []map[string]string{{"name": "刘芳", "idNumber": me}, {"name": "王小明", "idNumber": child}},
			"monthlyIncome": income, "financialAssets": assets, "vehicles": vehicles, "extraHomes": homes,
		}})
		return raw
	}
	in := workflows.ChecksInput{CaseID: "SUB-440106-20260302-0001", Params: params, Office: "440106", OnDay: "2026-03-02",
		Parties: []workflows.Party{{IDNumber: me, Name: "刘芳"}},
		Checks:  []procedures.CheckRef{{Check: "income-below-standard"}, {Check: "assets-within-limits"}}}

	in.Form = form(1700, 40000, 1, 2)
	res, err := a.RunChecks(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if got := checkIDs(res.Failed); !slices.Equal(got, []string{"income-below-standard", "assets-within-limits", "assets-within-limits", "assets-within-limits"}) {
		t.Fatalf("failed %v: %+v", got, res.Failed)
	}
	for _, r := range res.Failed {
		if r.Basis == "" || r.Message.Zh == "" || r.Message.En == "" {
			t.Errorf("reason %+v", r)
		}
	}
	if _, err := a.Store.BenefitOf(context.Background(), in.CaseID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a household above the standard has an amount on the roster: %v", err)
	}

	in.Form = form(1000.5, 38400, 0, 0) // assets exactly at 24 months of the standard per person
	if res, err = a.RunChecks(context.Background(), in); err != nil || len(res.Failed) != 0 {
		t.Fatalf("a household within every rule: %+v %v", res.Failed, err)
	}
	b, err := a.Store.BenefitOf(context.Background(), in.CaseID)
	if err != nil || b.MonthlyFen != 59950 || b.Status != store.BenefitAssessed {
		t.Fatalf("roster %+v %v", b, err)
	}

	in.Params = map[string]any{}
	_, err = a.RunChecks(context.Background(), in)
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || appErr.Type() != "BadDefinition" {
		t.Fatalf("a definition without the local standard: %v", err)
	}
}

// TestRepeatedReductionsEachGetANotice: a benefit reduced at two reviews
// gets two notices; a retried issue returns the one it issued.
func TestRepeatedReductionsEachGetANotice(t *testing.T) {
	ctx := context.Background()
	a := benefitActivities(t)
	me := benefitID("19750304", "022")
	const id = "SUB-440106-20260302-0002"
	if err := a.Store.AssessBenefit(ctx, store.Benefit{CaseID: id, Benefit: BenefitSubsistence, HolderID: me, HolderName: "刘芳",
		Office: "440106", MonthlyFen: 62000, UpdatedOn: "2026-03-02"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Store.StartBenefit(ctx, id, "2026-04-01", "2026-03-10"); err != nil {
		t.Fatal(err)
	}
	issue := func(day, opinion string) workflows.Document {
		t.Helper()
		if err := proposeSubsistenceAmount(ctx, a, workflows.EffectInput{CaseID: id, OnDay: day, Note: opinion}); err != nil {
			t.Fatal(err)
		}
		in := workflows.IssueInput{CaseID: id, Document: DocSubsistenceAdjustment, Office: "440106", OnDay: day,
			Parties: []workflows.Party{{IDNumber: me, Name: "刘芳"}}}
		res, err := a.IssueDocuments(ctx, in)
		if err != nil || len(res.Documents) != 1 {
			t.Fatalf("issue on %s: %+v %v", day, res, err)
		}
		again, err := a.IssueDocuments(ctx, in)
		if err != nil || again.Documents[0].Number != res.Documents[0].Number {
			t.Fatalf("retry on %s: %+v %v", day, again, err)
		}
		return res.Documents[0]
	}
	first := issue("2027-03-12", "减为500元")
	second := issue("2028-03-14", "减为300元")
	if first.Number == second.Number || second.HolderIDNumber != me {
		t.Fatalf("notices %+v and %+v", first, second)
	}
	b, err := a.Store.BenefitOf(ctx, id)
	if err != nil || b.MonthlyFen != 30000 || b.AmountFrom != "2028-04-01" || b.ProposedFen != nil {
		t.Fatalf("roster %+v %v", b, err)
	}
}

// TestAgeBands: the highest band reached applies; below every band is a
// reason, not a fault.
func TestAgeBands(t *testing.T) {
	a := benefitActivities(t)
	params := map[string]any{"minimumAge": 80.0, "ageBands": []any{
		map[string]any{"fromAge": 100.0, "monthlyAmount": 300.0},
		map[string]any{"fromAge": 80.0, "monthlyAmount": 30.0},
		map[string]any{"fromAge": 90.0, "monthlyAmount": 60.0},
	}}
	for i, tc := range []struct {
		birth  string
		fen    int64
		failed []string
	}{
		{"19410302", 3000, nil},
		{"19360302", 6000, nil},
		{"19250101", 30000, nil},
		{"19460303", 0, []string{"minimum-age", "hukou-in-jurisdiction", "age-band-amount"}}, // 79 the day before the birthday
	} {
		who := benefitID(tc.birth, "012")
		hukou := "440106"
		if tc.failed != nil {
			hukou = "440105"
		}
		in := workflows.ChecksInput{CaseID: "ELD-440106-20260302-000" + string(rune('1'+i)), Params: params, Office: "440106",
			OnDay: "2026-03-02", Parties: []workflows.Party{{IDNumber: who, Name: "陈奶奶"}}, Form: json.RawMessage(`{"hukouDivision":"` + hukou + `"}`),
			Checks: []procedures.CheckRef{{Check: "minimum-age"}, {Check: "hukou-in-jurisdiction"}, {Check: "age-band-amount"}}}
		res, err := a.RunChecks(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		if got := checkIDs(res.Failed); !slices.Equal(got, tc.failed) {
			t.Errorf("born %s: failed %v, want %v", tc.birth, got, tc.failed)
			continue
		}
		if tc.failed == nil {
			if b, err := a.Store.BenefitOf(context.Background(), in.CaseID); err != nil || b.MonthlyFen != tc.fen {
				t.Errorf("born %s: roster %+v %v", tc.birth, b, err)
			}
		}
	}
}
