package procedures

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The benefit definitions name the approver role and checks, documents and
// an effect that the activities package implements; the test catalog
// learns them here, so the built-in definitions load in this package's
// tests without importing it.
func init() {
	if !slices.Contains(testCatalog.Roles, "approver") {
		testCatalog.Roles = append(testCatalog.Roles, "approver")
	}
	testCatalog.Checks = append(testCatalog.Checks,
		"data-check-consent", "applicant-in-household", "income-below-standard", "assets-within-limits",
		"not-staff-relative", "stable-income", "reduced-amount-stated",
		"assistance-amount-cap", "assistance-recent-hardship", "within-township-limit",
		"minimum-age", "hukou-in-jurisdiction", "age-band-amount",
		"hukou-where-applying", "not-already-receiving", "amount-within-standard", "increased-amount-stated",
		"age-band-current")
	testCatalog.Documents = append(testCatalog.Documents,
		"subsistence-allowance-decision", "subsistence-allowance-adjustment", "subsistence-allowance-stop",
		"subsistence-allowance-publication",
		"temporary-assistance-decision", "temporary-assistance-payment", "temporary-assistance-recovery",
		"allowance-decision", "allowance-adjustment", "allowance-stop")
	testCatalog.Effects = append(testCatalog.Effects, "propose-subsistence-amount")
}

func parseFile(t *testing.T, path string) *Procedure {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Parse(raw, testCatalog)
	if err != nil {
		t.Fatalf("%s: %v", filepath.Base(path), err)
	}
	return p
}

// TestSubsistenceAllowanceDefinition pins the statutory shape: two
// investigators, the start clocks and the whole-procedure clock with its
// extension, the 7-day notice and the county's decision.
func TestSubsistenceAllowanceDefinition(t *testing.T) {
	p := parseFile(t, "definitions/subsistence-allowance.yaml")
	inv, _ := p.Stage("investigation")
	if inv.Kind != KindSign || inv.Mode != ModeAll || len(inv.Signers) != 2 ||
		inv.Signers[0].Role != "registrar" || inv.Signers[1].Role != "registrar" {
		t.Errorf("investigation %+v", inv)
	}
	for _, want := range []struct {
		name, startsAt string
		length         int
	}{
		{"investigation-start", "awaiting-investigation", 3}, {"data-check-start", "awaiting-data-check", 3},
		{"county-decision", "county-review", 10}, {"refusal-notice", "refusal-notice", 3}, {"overall", "awaiting-investigation", 30},
	} {
		c, ok := p.Clock(want.name)
		if !ok || c.Length != want.length || c.Unit != "working-days" || c.StartsAt != want.startsAt || c.OnExpiry.EscalateTo != "supervisor" {
			t.Errorf("clock %s: %+v", want.name, c)
		}
	}
	if c, _ := p.Clock("overall"); c.Extension == nil || c.Extension.Length != 15 || c.Extension.By != "approver" {
		t.Errorf("overall extension %+v", c.Extension)
	}
	notice, _ := p.Stage("public-notice")
	if notice.Timer == nil || notice.Timer.Length != 7 || notice.Timer.Unit != "calendar-days" || notice.Timer.OnExpiry != "county-review" {
		t.Errorf("public notice %+v", notice.Timer)
	}
	decision, _ := p.Stage("county-decision")
	if a, ok := decision.Action("approve"); !ok || a.By != "approver" || a.Amount == nil || !a.Amount.Required {
		t.Errorf("county decision %+v", decision.Actions)
	}
	form := `{"applicants":[{"name":"张伟","idNumber":"110105199003071538"}],"hukouDivision":"110105",
		"household":{"members":[{"name":"张伟","idNumber":"110105199003071538","relation":"本人"}],
		"monthlyIncome":300,"financialAssets":0,"vehicles":0,"extraHomes":0,"irregularIncome":false},
		"consent":{"dataCheck":true},"staffRelative":false}`
	if errs := p.ValidateForm(json.RawMessage(form)); len(errs) != 0 {
		t.Errorf("valid form rejected: %+v", errs)
	}
}

// TestTemporaryAssistanceAndLocalAllowance: both load under the same rules
// as every definition; the emergency path stays open at a stage titled as
// awaiting paperwork.
func TestTemporaryAssistanceAndLocalAllowance(t *testing.T) {
	ta := parseFile(t, "definitions/temporary-assistance.yaml")
	st, _ := ta.Stage("awaiting-paperwork")
	if st.Kind != KindTask || st.Title.En != "Paid first; awaiting paperwork" {
		t.Errorf("awaiting paperwork %+v", st)
	}
	if _, ok := ta.Params["townshipLimit"]; !ok {
		t.Error("the township limit is not a param")
	}
	el := parseFile(t, "../examples/procedures/elderly-allowance.yaml")
	if el.Params["minimumAge"] != 80 {
		t.Errorf("minimum age param %v", el.Params["minimumAge"])
	}
}

// TestAmountRuleParamsCheckedAtLoad: an action's amount is held within
// params that must exist and be amounts, or the definition does not load
// (a missing limit would let any amount through).
func TestAmountRuleParamsCheckedAtLoad(t *testing.T) {
	raw, err := os.ReadFile("definitions/temporary-assistance.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ old, new, want string }{
		{"emergencyLimit: 1000", "emergencyLimit: -1", `param "emergencyLimit"`},
		{"emergencyLimit: 1000", "emergencyLimt: 1000", `param "emergencyLimit" is not set`},
	} {
		broken := []byte(strings.Replace(string(raw), tc.old, tc.new, 1))
		if _, err := Parse(broken, testCatalog); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error naming %s", tc.new, err, tc.want)
		}
	}
}
