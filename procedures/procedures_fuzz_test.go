package procedures

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// builtinSources are the embedded definitions, the fuzzers' seeds.
func builtinSources(f *testing.F) [][]byte {
	f.Helper()
	names, err := fs.Glob(builtin, "definitions/*.yaml")
	if err != nil || len(names) == 0 {
		f.Fatalf("no built-in definitions: %v", err)
	}
	var out [][]byte
	for _, n := range names {
		b, err := builtin.ReadFile(n)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// FuzzParseDefinition: loading a definition never panics, whatever the
// bytes, and an accepted definition keeps its invariants: it validates
// again, survives the JSON round trip the API serves it through, its start
// stage exists and its diagram can be drawn.
func FuzzParseDefinition(f *testing.F) {
	for _, b := range builtinSources(f) {
		f.Add(b)
	}
	f.Add([]byte(minimal))
	f.Add([]byte("id: x\nform: {type: object}\nstages: [{id: a, kind: end}]\n"))
	f.Add([]byte("{}"))
	f.Add([]byte("id: [unclosed"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		p, err := Parse(raw, testCatalog)
		if err != nil {
			if p != nil {
				t.Fatal("Parse returned a procedure with an error")
			}
			return
		}
		if err := Validate(&p.Definition, testCatalog); err != nil {
			t.Fatalf("accepted definition does not validate again: %v", err)
		}
		if _, ok := p.Stage(p.Start); !ok {
			t.Fatalf("accepted definition %q starts at a missing stage %q", p.ID, p.Start)
		}
		served, err := json.Marshal(p.Definition)
		if err != nil {
			t.Fatalf("accepted definition %q cannot be served as JSON: %v", p.ID, err)
		}
		var back Definition
		if err := json.Unmarshal(served, &back); err != nil {
			t.Fatalf("served definition does not decode: %v", err)
		}
		if again, err := json.Marshal(back); err != nil || !bytes.Equal(again, served) {
			t.Fatalf("served definition changes on a round trip:\n%s\n%s", served, again)
		}
		if strings.TrimSpace(p.Mermaid()) == "" {
			t.Fatalf("accepted definition %q has no diagram", p.ID)
		}
		_ = p.ValidateForm(json.RawMessage(`{}`))
	})
}

// FuzzValidateForm: checking a form against a built-in procedure's schema
// never panics, is deterministic, names every fault under "form" with a
// rule, and accepts only JSON objects; an accepted form is accepted again
// after being re-encoded.
func FuzzValidateForm(f *testing.F) {
	reg, err := LoadBuiltin(testCatalog)
	if err != nil {
		f.Fatal(err)
	}
	procs := reg.List()
	f.Add(uint8(0), []byte(`{"applicants":[{"name":"张伟","idNumber":"110105199003071538"},{"name":"李娜","idNumber":"410105199206120249"}],"declaration":{"noSpouse":true,"noProhibitedKinship":true,"signedByBoth":true}}`))
	f.Add(uint8(1), []byte(`{"applicants":[{"name":"张伟","idNumber":"110105199003071538"},{"name":"李娜","idNumber":"410105199206120249"}],"agreement":{"willToDivorce":true,"children":"无子女","property":"各自","debts":"无"},"fullCivilCapacity":true}`))
	f.Add(uint8(2), []byte(`{"applicants":[{"name":"x","idNumber":"11010519900307153x"}]}`))
	f.Add(uint8(3), []byte(`[]`))
	f.Add(uint8(4), []byte(`null`))
	f.Add(uint8(5), []byte(`{"applicants":"x","a":1e999}`))
	f.Add(uint8(6), []byte(`{`))
	f.Fuzz(func(t *testing.T, which uint8, form []byte) {
		p := procs[int(which)%len(procs)]
		errs := p.ValidateForm(form)
		for _, e := range errs {
			if !strings.HasPrefix(e.Field, "form") || e.Rule == "" {
				t.Fatalf("%s: fault %+v does not name a field under form and a rule", p.ID, e)
			}
		}
		if again := p.ValidateForm(form); len(again) != len(errs) {
			t.Fatalf("%s: %d faults, then %d on the same form", p.ID, len(errs), len(again))
		}
		if len(errs) > 0 {
			return
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(form))
		if err != nil {
			t.Fatalf("%s: accepted a form that is not JSON: %q", p.ID, form)
		}
		if _, ok := doc.(map[string]any); !ok {
			t.Fatalf("%s: accepted a form that is not an object: %q", p.ID, form)
		}
		re, err := json.Marshal(doc)
		if err != nil {
			t.Fatalf("%s: accepted form cannot be re-encoded: %v", p.ID, err)
		}
		if errs := p.ValidateForm(re); len(errs) > 0 {
			t.Fatalf("%s: accepted %q but not its re-encoding %q: %+v", p.ID, form, re, errs)
		}
	})
}
