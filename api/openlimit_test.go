package api

import (
	"testing"

	"civilflow/procedures"
)

// TestD14OpenKeyPerProcedure: the one-open-case rule is per procedure. A
// couple is one couple in either order; procedures that legitimately run
// several cases of the same applicants at once get no key, and a local
// definition's param switches the rule, per office like any param.
func TestD14OpenKeyPerProcedure(t *testing.T) {
	proc := func(id string, params map[string]any) *procedures.Procedure {
		return &procedures.Procedure{Definition: procedures.Definition{ID: id, Params: params}}
	}
	a, b := "110105199003071538", "410105199206120249"
	marriage := proc("marriage-registration", nil)
	if k := openKey(marriage, "110105", []string{a, b}); k == "" || k != openKey(marriage, "110106", []string{b, a}) {
		t.Fatalf("marriage keys %q / %q: want one non-empty key for the couple in either order at any office",
			k, openKey(marriage, "110106", []string{b, a}))
	}
	if openKey(marriage, "110105", []string{a, b}) == openKey(proc("divorce-registration", nil), "110105", []string{a, b}) {
		t.Error("a marriage and a divorce of one couple share a key")
	}
	for _, id := range []string{"adoption-registration", "temporary-assistance", "social-group-registration", "county-to-city-conversion"} {
		if k := openKey(proc(id, nil), "110105", []string{a}); k != "" {
			t.Errorf("%s limited to one open case (key %q); it may run several at once", id, k)
		}
	}
	local := proc("elderly-allowance", map[string]any{paramOneOpenCase: map[string]any{"default": true, "440000": false}})
	if openKey(local, "110105", []string{a}) == "" || openKey(local, "440105", []string{a}) != "" {
		t.Error("the local param does not switch the rule by office")
	}
	if openKey(proc("marriage-registration", map[string]any{paramOneOpenCase: false}), "110105", []string{a, b}) != "" {
		t.Error("a definition cannot lift the national default")
	}
}
