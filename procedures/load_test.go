package procedures

import (
	"encoding/json"
	"strings"
	"testing"
	"testing/fstest"

	"civilflow/idnumber"
)

var testCatalog = Catalog{
	Roles:     []string{"registrar", "supervisor"},
	Checks:    []string{"legal-marriage-age", "one-man-one-woman", "declaration-signed", "not-currently-married", "divorce-agreement", "full-civil-capacity", "married-to-each-other"},
	Documents: []string{"marriage-certificate", "divorce-certificate"},
	Effects:   []string{"end-prior-marriages", "end-prior-marriage"},
}

func TestBuiltinDefinitionsLoad(t *testing.T) {
	r, err := LoadBuiltin(testCatalog)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"marriage-registration", "divorce-registration"} {
		if _, ok := r.Get(id); !ok {
			t.Errorf("%s not loaded", id)
		}
	}
}

const minimal = `
id: demo
code: DEM
version: 1
title: {zh: 示例, en: Demo}
applicants: {min: 1, max: 1}
form: {type: object}
start: review
stages:
  - id: review
    kind: task
    title: {zh: 审查, en: Review}
    actions:
      - {id: approve, by: registrar, next: done}
  - id: done
    kind: end
    outcome: approved
`

// TestInvalidDefinitions proves that each structural fault stops the load
// with a message naming the file and the fault.
func TestInvalidDefinitions(t *testing.T) {
	cases := []struct {
		name, from, to, want string
	}{
		{"unknown kind", "kind: task", "kind: vote", `unknown stage kind "vote"`},
		{"dangling transition", "next: done}", "next: nowhere}", `unknown stage "nowhere"`},
		{"unknown role", "by: registrar", "by: mayor", `unknown role "mayor"`},
		{"unknown outcome", "outcome: approved", "outcome: maybe", `unknown outcome "maybe"`},
		{"missing start", "start: review", "start: intake", `start: stage "intake" does not exist`},
		{"unreachable stage", "outcome: approved\n", "outcome: approved\n  - id: orphan\n    kind: end\n    outcome: refused\n", `stage "orphan": unreachable`},
		{"never ends", "- {id: approve, by: registrar, next: done}", "- {id: approve, by: registrar, next: loop}\n  - id: loop\n    kind: task\n    actions:\n      - {id: again, by: registrar, next: review}", `no path from here ever ends`},
		{"unknown check", "  - id: review\n    kind: task", "  - id: review\n    kind: check\n    checks: [{check: horoscope}]\n    onPass: done\n    onFail: done\n  - id: unused\n    kind: task", `unknown check "horoscope"`},
		{"bad timer unit", "next: done}\n", "next: done}\n    timer: {name: t, length: 3, unit: fortnights, from: receipt, onExpiry: done}\n", `unknown unit "fortnights"`},
		{"unknown field", "code: DEM", "code: DEM\nflavour: sweet", "field flavour not found"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := strings.Replace(minimal, c.from, c.to, 1)
			if src == minimal {
				t.Fatalf("test edit %q did not apply", c.from)
			}
			_, err := LoadFS(fstest.MapFS{"demo.yaml": {Data: []byte(src)}}, testCatalog)
			if err == nil {
				t.Fatal("invalid definition loaded")
			}
			if !strings.Contains(err.Error(), "demo.yaml") || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q does not name the file and %q", err, c.want)
			}
		})
	}
	if _, err := LoadFS(fstest.MapFS{"demo.yaml": {Data: []byte(minimal)}}, testCatalog); err != nil {
		t.Fatalf("the minimal definition itself must be valid: %v", err)
	}
}

func TestValidateFormNamesTheField(t *testing.T) {
	r, err := LoadBuiltin(testCatalog)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := r.Get("marriage-registration")
	good := "110105199003071234"
	good = good[:17] + string(idnumber.CheckDigit(good[:17]))
	bad := good[:17] + "0"
	if bad == good {
		bad = good[:17] + "1"
	}
	form := func(id2 string) json.RawMessage {
		return json.RawMessage(`{"applicants":[{"name":"张三","idNumber":"` + good + `"},{"name":"李四","idNumber":"` + id2 + `"}],
			"declaration":{"noSpouse":true,"noProhibitedKinship":true,"signedByBoth":true}}`)
	}
	if errs := p.ValidateForm(form(good)); len(errs) != 0 {
		t.Fatalf("valid form rejected: %+v", errs)
	}
	errs := p.ValidateForm(form(bad))
	if len(errs) != 1 || errs[0].Field != "form.applicants[1].idNumber" || !strings.Contains(errs[0].Rule, "resident-id") {
		t.Fatalf("got %+v, want one error on form.applicants[1].idNumber", errs)
	}
	errs = p.ValidateForm(json.RawMessage(`{"applicants":[]}`))
	if len(errs) < 2 {
		t.Fatalf("expected errors for minItems and missing declaration, got %+v", errs)
	}
}

func TestMermaidShowsEveryStageAndWayOut(t *testing.T) {
	r, err := LoadBuiltin(testCatalog)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := r.Get("divorce-registration")
	m := p.Mermaid()
	for _, want := range []string{
		"flowchart TD",
		`s_cooling_off[/"离婚冷静期<br/>Cooling-off period"/]`,
		`s_cooling_off -- "withdraw (registrar)" --> s_issue_withdrawal_confirmation`,
		`s_awaiting_appearance -- "appearance-window: 30 calendar-days run out" --> s_deemed_withdrawn`,
		`s_acceptance -- "fail" --> s_not_accepted`,
		`s_deemed_withdrawn(["视为撤回离婚登记申请<br/>Deemed withdrawn<br/>(deemed-withdrawn)"])`,
	} {
		if !strings.Contains(m, want) {
			t.Errorf("diagram lacks %q:\n%s", want, m)
		}
	}
}

// TestD2ProofAcceptedByARoleWithoutEffect: the registrar who accepts a
// proof changes nothing; a party cannot accept one.
func TestD2ProofAcceptedByARoleWithoutEffect(t *testing.T) {
	for _, action := range []string{
		"{id: accept, by: party, next: done, proofRequired: true}",
		"{id: accept, by: registrar, next: done, proofRequired: true, effect: end-prior-marriage}",
	} {
		src := strings.Replace(minimal, "{id: approve, by: registrar, next: done}", action, 1)
		if src == minimal {
			t.Fatal("the minimal definition changed; adjust the test")
		}
		if _, err := Parse([]byte(src), testCatalog); err == nil || !strings.Contains(err.Error(), "proof is accepted by a role") {
			t.Errorf("%s: %v", action, err)
		}
	}
}
