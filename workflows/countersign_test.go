package workflows_test

import (
	"fmt"
	"testing"

	"civilflow/activities"
	"civilflow/procedures"
	"civilflow/workflows"
)

func signInput(f *fixture, mode string, quorum int) workflows.CaseInput {
	src := fmt.Sprintf(`
id: test-sign
code: TSG
version: 1
title: {zh: 会签测试, en: Countersign test}
applicants: {min: 2, max: 2}
form: {type: object}
start: assess
stages:
  - id: assess
    kind: countersign
    title: {zh: 评估, en: Assessment}
    mode: %s
    quorum: %d
    ratio: 0.6
    signers:
      - {id: first, role: registrar, title: {zh: 评估人一, en: First assessor}}
      - {id: second, role: registrar, title: {zh: 评估人二, en: Second assessor}}
      - {id: city, role: registrar, level: prefecture, title: {zh: 市级, en: City}}
    onPass: approved
    onFail: refused
  - {id: approved, kind: end, outcome: approved}
  - {id: refused, kind: end, outcome: refused}
`, mode, quorum)
	p, err := procedures.Parse([]byte(src), activities.Catalog([]string{"registrar", "supervisor", "admin"}))
	if err != nil {
		f.t.Fatal(err)
	}
	in := f.input("marriage-registration", fill(marriageForm))
	in.Procedure, in.CaseID = p.Definition, "TSG-110105-20260302-0001"
	return in
}

var (
	staff2 = workflows.Actor{Subject: "reg-002", Name: "李登记", Roles: []workflows.RoleGrant{{Role: "registrar", Division: "110105"}}}
	city   = workflows.Actor{Subject: "reg-city", Name: "市登记", Roles: []workflows.RoleGrant{{Role: "registrar", Division: "110100"}}}
)

func TestCountersignModes(t *testing.T) {
	type vote struct {
		action string
		actor  workflows.Actor
		reject string
	}
	cases := []struct {
		name    string
		mode    string
		quorum  int
		votes   []vote
		outcome string
	}{
		{"all agree", procedures.ModeAll, 0, []vote{
			{"agree", registrar, ""},
			{"agree", registrar, "already gave an opinion"},
			{"disagree", staff2, "requires an opinion"},
			{"agree", staff2, ""},
			{"agree", city, ""},
		}, procedures.OutcomeApproved},
		{"all fails on one disagreement", procedures.ModeAll, 0, []vote{
			{"agree", registrar, ""},
			{"disagree", city, "材料不实"},
		}, procedures.OutcomeRefused},
		{"any passes on the first agreement", procedures.ModeAny, 0, []vote{
			{"disagree", registrar, "不同意"},
			{"agree", city, ""},
		}, procedures.OutcomeApproved},
		{"quorum 2 of 3 fails once out of reach", procedures.ModeQuorum, 2, []vote{
			{"disagree", registrar, "不同意"},
			{"agree", staff2, ""},
			{"disagree", city, "不同意"},
		}, procedures.OutcomeRefused},
		{"ratio 0.6 of 3 needs 2 agreements", procedures.ModeRatio, 0, []vote{
			{"agree", registrar, ""},
			{"disagree", staff2, "不同意"},
			{"agree", city, ""},
		}, procedures.OutcomeApproved},
		{"ratio 0.6 of 3 fails with 2 disagreements", procedures.ModeRatio, 0, []vote{
			{"disagree", registrar, "不同意"},
			{"disagree", city, "不同意"},
		}, procedures.OutcomeRefused},
		{"a party never signs", procedures.ModeAny, 0, []vote{
			{"agree", workflows.Actor{Subject: husband, Roles: registrar.Roles}, "separation of duties"},
			{"agree", outsider, "no open countersign slot"},
			{"agree", staff2, ""},
		}, procedures.OutcomeApproved},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, received("2026-03-02"))
			outcomes := make([]*outcome, len(tc.votes))
			for i, v := range tc.votes {
				f.at("2026-03-02", 11+i, func() {
					opinion := v.reject
					if v.action == "agree" {
						opinion = ""
					}
					if v.action == "disagree" && v.reject == "requires an opinion" {
						opinion = ""
					}
					outcomes[i] = f.act(v.action, v.actor, opinion)
				})
			}
			f.env.ExecuteWorkflow(workflows.CaseWorkflowName, signInput(f, tc.mode, tc.quorum))
			st := f.result()
			for i, v := range tc.votes {
				want := ""
				switch v.reject {
				case "already gave an opinion", "requires an opinion", "separation of duties", "no open countersign slot":
					want = v.reject
				}
				if outcomes[i] == nil {
					continue // the case ended before this vote
				}
				outcomes[i].expect(t, fmt.Sprintf("vote %d (%s by %s)", i, v.action, v.actor.Subject), want)
			}
			if st.Outcome != tc.outcome {
				t.Fatalf("outcome %s, want %s (signatures %+v)", st.Outcome, tc.outcome, st.Signatures)
			}
		})
	}
}
