package procedures

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func init() {
	for _, c := range []string{"marriage-registration-office", "adoption-registration-office", "declaration-content", "declaration-signature", "submitted-at-office", "placer-fits-category", "stepparent-married-to-birth-parent"} {
		if !slices.Contains(testCatalog.Checks, c) {
			testCatalog.Checks = append(testCatalog.Checks, c)
		}
	}
	if !slices.Contains(testCatalog.Effects, "record-archived-marriage") {
		testCatalog.Effects = append(testCatalog.Effects, "record-archived-marriage")
	}
	for _, d := range []string{"divorce-acceptance-receipt", "divorce-withdrawal-confirmation"} {
		if !slices.Contains(testCatalog.Documents, d) {
			testCatalog.Documents = append(testCatalog.Documents, d)
		}
	}
}

// TestN12MarriageAgesCannotBeLoweredLocally: 民法典第一千零四十七条 sets 22
// and 20 for the whole country; a local value below them is refused at
// load, naming the param, the division and the article.
func TestN12MarriageAgesCannotBeLoweredLocally(t *testing.T) {
	raw, err := os.ReadFile("definitions/marriage-registration.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Parse(raw, testCatalog); err != nil {
		t.Fatalf("the national definition must load: %v", err)
	}
	lowered := bytes.Replace(raw, []byte("  femaleMinimumAge: 20\n"), []byte("  femaleMinimumAge: {default: 20, \"440000\": 18}\n"), 1)
	_, err = Parse(lowered, testCatalog)
	if err == nil || !strings.Contains(err.Error(), `param "femaleMinimumAge" (440000): 18 is below the national floor 20 (民法典第一千零四十七条)`) {
		t.Fatalf("a lowered marriage age must be refused: %v", err)
	}
	raised := bytes.Replace(raw, []byte("  femaleMinimumAge: 20\n"), []byte("  femaleMinimumAge: {default: 20, \"440000\": 21}\n"), 1)
	if _, err := Parse(raised, testCatalog); err != nil {
		t.Fatalf("a floor bounds from below only: %v", err)
	}
}

// TestS4EveryDecisionRecordsALegalBasis: every action taken by a role in
// the built-in definitions and the example has a legal basis, its own or
// its stage's, which the interpreter records (the spec: every decision
// records its legal basis). The files are read as YAML only, so the test
// does not depend on the checks each definition names.
func TestS4EveryDecisionRecordsALegalBasis(t *testing.T) {
	files, _ := filepath.Glob("definitions/*.yaml")
	files = append(files, "../examples/procedures/elderly-allowance.yaml")
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var d yamlDefinition
		if err := yaml.Unmarshal(raw, &d); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, s := range d.Stages {
			for _, a := range s.Actions {
				if a.By != ByParty && ActionBasis(s, a) == "" {
					t.Errorf("%s: stage %s action %s decides without a legal basis", filepath.Base(f), s.ID, a.ID)
				}
			}
		}
	}
}

// TestN12AdoptionNumbersBindEveryLocality: the Civil Code's adoption
// numbers are national too; a province may not let adopters of 25 adopt
// (民法典第一千零九十八条第（五）项) or ask a child's consent only from 10
// (第一千一百零四条).
func TestN12AdoptionNumbersBindEveryLocality(t *testing.T) {
	raw, err := os.ReadFile("definitions/adoption-registration.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Parse(raw, testCatalog); err != nil {
		t.Fatalf("the national definition must load: %v", err)
	}
	for _, c := range []struct{ from, to, want string }{
		{"  adopterMinimumAge: 30 ", `  adopterMinimumAge: {default: 30, "440000": 25} `, `param "adopterMinimumAge" (440000): 25 is below the national floor 30`},
		{"  childConsentAge: 8 ", `  childConsentAge: {default: 8, "310000": 10} `, `param "childConsentAge" (310000): 10 is above the national ceiling 8`},
	} {
		changed := bytes.Replace(raw, []byte(c.from), []byte(c.to), 1)
		if bytes.Equal(changed, raw) {
			t.Fatalf("no %q in the definition", c.from)
		}
		if _, err := Parse(changed, testCatalog); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v", c.to, err)
		}
	}
}
