package procedures

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestParamValueTakesTheMostLocalValue(t *testing.T) {
	params := map[string]any{
		"limit":  map[string]any{"default": 30.0, "440000": 25.0, "440100": 20.0, "440105": 18.0},
		"plain":  7.0,
		"object": map[string]any{"a": 1.0}, // no default: an ordinary object
	}
	cases := []struct {
		name, office string
		want         any
	}{
		{"limit", "440105", 18.0},
		{"limit", "440106", 20.0}, // its prefecture
		{"limit", "440203", 25.0}, // its province
		{"limit", "110105", 30.0}, // the national default
		{"plain", "440105", 7.0},
	}
	for _, c := range cases {
		if got, ok := ParamValue(params, c.name, c.office); !ok || got != c.want {
			t.Errorf("%s at %s = %v, want %v", c.name, c.office, got, c.want)
		}
	}
	if got, _ := ParamValue(params, "object", "440105"); got.(map[string]any)["a"] != 1.0 {
		t.Errorf("object param = %v", got)
	}
	if flat := ParamsFor(params, "440106"); flat["limit"] != 20.0 || flat["plain"] != 7.0 {
		t.Errorf("ParamsFor = %v", flat)
	}
	if n := Length(params, 30, "limit", "440105"); n != 18 {
		t.Errorf("Length = %d", n)
	}
}

func TestLengthParamIsCheckedAgainstTheNationalCeiling(t *testing.T) {
	def := func(params string) string {
		return strings.Replace(minimal, "form: {type: object}", "form: {type: object}\nparams:\n"+params, 1) +
			"clocks:\n  - {name: c, length: 20, lengthParam: days, unit: working-days, startsAt: review, stopsAt: [done], onExpiry: {escalateTo: supervisor}}\n"
	}
	cases := []struct{ params, want string }{
		{"  days: {default: 20, \"440000\": 15}\n", ""},
		{"  days: {default: 20, \"440000\": 25}\n", "not a whole number from 1 to 20"},
		{"  days: {\"440000\": 15}\n", "needs a default"},
		{"  days: {default: 20, \"44\": 15}\n", "not a six-digit division code"},
		{"  other: 3\n", `lengthParam "days" is not among the params`},
	}
	for _, c := range cases {
		_, err := LoadFS(fstest.MapFS{"demo.yaml": {Data: []byte(def(c.params))}}, testCatalog)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%q: %v", c.params, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%q: error %v, want %q", c.params, err, c.want)
		}
	}
}
