package workflows_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"civilflow/activities"
	"civilflow/procedures"
	"civilflow/workflows"
)

// TestW11UnsignedDeclarationWaitsForTheSignature: 婚姻登记条例第九条 names
// four grounds of refusal; a declaration not yet signed by both is none of
// them. It is signed before the registrar (第八条、第十条), and the case
// goes on to the registrar's review instead of being refused.
func TestW11UnsignedDeclarationWaitsForTheSignature(t *testing.T) {
	f := newFixture(t, received("2026-03-02"))
	form := strings.Replace(fill(marriageForm), `"signedByBoth":true`, `"signedByBoth":false`, 1)
	var waiting, reviewing workflows.CaseState
	var signed, register *outcome
	f.at("2026-03-02", 11, func() {
		waiting = f.state()
		signed = f.act("declaration-signed", registrar, "双方当面补签")
	})
	f.at("2026-03-02", 12, func() {
		reviewing = f.state()
		register = f.act("register", registrar, "")
	})
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, f.input("marriage-registration", form))
	st := f.result()
	signed.expect(t, "signature made good", "")
	register.expect(t, "register", "")
	if waiting.Stage != "awaiting-signature" || waiting.Status != workflows.StatusOpen || waiting.AppealNotice != nil {
		t.Fatalf("unsigned declaration: stage %s status %s", waiting.Stage, waiting.Status)
	}
	if reviewing.Stage != "registrar-review" {
		t.Fatalf("after the signature: stage %s", reviewing.Stage)
	}
	if st.Outcome != procedures.OutcomeApproved || len(st.Documents) != 2 {
		t.Fatalf("outcome %s documents %+v", st.Outcome, st.Documents)
	}
}

// TestW11DeclaredSpouseIsStillRefused: a declaration that one has a
// spouse is 第九条第（三）项, a ground of refusal, signed or not.
func TestW11DeclaredSpouseIsStillRefused(t *testing.T) {
	f := newFixture(t, received("2026-03-02"))
	form := strings.NewReplacer(`"noSpouse":true`, `"noSpouse":false`, `"signedByBoth":true`, `"signedByBoth":false`).Replace(fill(marriageForm))
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, f.input("marriage-registration", form))
	st := f.result()
	if st.Outcome != procedures.OutcomeRefused || len(st.Reasons) == 0 || st.Reasons[0].Check != "declaration-content" {
		t.Fatalf("outcome %s reasons %+v", st.Outcome, st.Reasons)
	}
}

// TestW10HongKongResidentNotAcceptedAtACounty: a party holding a Hong
// Kong residence-permit number (810000…) makes the marriage a case for
// the provincial department or the office it designates (婚姻登记条例第二条
// 第二款); Chaoyang's county office does not accept it and refers the
// couple to 北京市民政局. The same couple is accepted at 110000.
func TestW10HongKongResidentNotAcceptedAtACounty(t *testing.T) {
	hk := newID("810000", "19900101", "123")
	run := func(office string) workflows.CaseState {
		f := newFixture(t, received("2026-03-02"))
		in := f.input("marriage-registration", strings.Replace(fill(marriageForm), husband, hk, 1))
		in.Parties[0].IDNumber = hk
		in.Office = office
		var open workflows.CaseState
		f.at("2026-03-02", 11, func() {
			open = f.state()
			if open.Status == workflows.StatusOpen {
				f.act("withdraw", workflows.Actor{Subject: wife, Name: "李娜"}, "")
			}
		})
		f.env.ExecuteWorkflow(workflows.CaseWorkflowName, in)
		if st := f.result(); st.Outcome == procedures.OutcomeNotAccepted {
			return st
		}
		return open
	}
	st := run("110105")
	if st.Outcome != procedures.OutcomeNotAccepted || len(st.Reasons) != 1 || st.Reasons[0].Check != "marriage-registration-office" ||
		!strings.Contains(st.Reasons[0].Message.Zh, "请向北京市民政局或者其指定的婚姻登记机关申请") {
		t.Fatalf("at the county: outcome %s reasons %+v", st.Outcome, st.Reasons)
	}
	if st := run("110000"); st.Status != workflows.StatusOpen || st.Stage != "registrar-review" {
		t.Fatalf("at the province: stage %s outcome %s reasons %+v", st.Stage, st.Outcome, st.Reasons)
	}
}

// TestW10MainlandCoupleNotAcceptedAtTheProvince: mainland residents
// register at a county-level department (婚姻登记条例第二条第一款); 110000
// does not accept them.
func TestW10MainlandCoupleNotAcceptedAtTheProvince(t *testing.T) {
	f := newFixture(t, received("2026-03-02"))
	in := f.input("marriage-registration", fill(marriageForm))
	in.Office = "110000"
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, in)
	st := f.result()
	if st.Outcome != procedures.OutcomeNotAccepted || len(st.Reasons) != 1 || !strings.Contains(st.Reasons[0].Message.Zh, "县级人民政府民政部门") {
		t.Fatalf("outcome %s reasons %+v", st.Outcome, st.Reasons)
	}
}

// TestM1RefusalNamesTheReconsiderationBodyAndLimits: a refusal at 110105
// tells where and how long: 60 days to the 北京市朝阳区人民政府 (行政复议法
// 第二十条第一款、第二十四条第一款第（一）项), 6 months to sue (行政诉讼法
// 第四十六条第一款).
func TestM1RefusalNamesTheReconsiderationBodyAndLimits(t *testing.T) {
	f := newFixture(t, received("2026-03-02"))
	f.at("2026-03-02", 11, func() { f.act("refuse", registrar, "当事人非自愿") })
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, f.input("marriage-registration", fill(marriageForm)))
	st := f.result()
	if st.Outcome != procedures.OutcomeRefused || st.AppealNotice == nil {
		t.Fatalf("outcome %s notice %v", st.Outcome, st.AppealNotice)
	}
	n := st.AppealNotice.Zh
	for _, want := range []string{"自收到本决定之日起60日内向北京市朝阳区人民政府申请行政复议", "6个月内依法向人民法院提起行政诉讼"} {
		if !strings.Contains(n, want) {
			t.Errorf("notice %q lacks %q", n, want)
		}
	}
	if strings.Contains(n, workflows.ReconsiderationBodyPlaceholder) || !strings.Contains(st.AppealNotice.En, "北京市朝阳区人民政府") {
		t.Errorf("notice not filled in: %+v", st.AppealNotice)
	}
}

// TestM1NoticeWithoutPlaceholderGetsBodyAndLimits: a definition whose
// notice names neither (a local one, or a snapshot of an older version)
// still carries both; the Ministry reviews its own acts (行政复议法第二十五条).
func TestM1NoticeWithoutPlaceholderGetsBodyAndLimits(t *testing.T) {
	n := workflows.AppealNotice(procedures.Text{Zh: "可以依法申请行政复议或者提起行政诉讼。", En: "You may appeal."}, "000000")
	if !strings.Contains(n.Zh, "60日内向中华人民共和国民政部申请行政复议") || !strings.Contains(n.Zh, "6个月内") || !strings.Contains(n.En, "60 days") {
		t.Fatalf("notice %+v", n)
	}
	if got := workflows.ReconsiderationBody("410105"); got != "河南省郑州市金水区人民政府" {
		t.Fatalf("body of 410105: %s", got)
	}
}

// TestS4ActionWithoutOwnBasisRecordsTheStageBasis: an approval whose action
// names no basis (as 29 did, e.g. temporary assistance's township
// approval) records its stage's in the timeline and the audit trail, as the
// spec asks of every decision; an action's own basis comes first.
func TestS4ActionWithoutOwnBasisRecordsTheStageBasis(t *testing.T) {
	s := procedures.Stage{ID: "awaiting-proof", Basis: "婚姻登记条例第十条"}
	if got := procedures.ActionBasis(s, procedures.Action{ID: "refuse", Basis: "第九条"}); got != "第九条" {
		t.Fatalf("own basis %q", got)
	}
	p, err := procedures.Parse([]byte(`
id: demo
code: DEM
version: 1
title: {zh: 示例, en: Demo}
applicants: {min: 1, max: 2}
form: {type: object}
start: township-approval
stages:
  - id: township-approval
    kind: task
    title: {zh: 乡镇审批, en: Township approval}
    basis: 社会救助暂行办法第四十八条
    actions:
      - {id: approve, title: {zh: 批准, en: Approve}, by: registrar, next: done}
  - id: done
    kind: end
    title: {zh: 已批准, en: Approved}
    outcome: approved
`), activities.Catalog(everyRole))
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, received("2026-03-02"))
	f.at("2026-03-02", 11, func() { f.act("approve", registrar, "") })
	in := f.input("marriage-registration", `{}`)
	in.Procedure, in.CaseID = p.Definition, "DEM-110105-20260302-0001"
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, in)
	st := f.result()
	approved := events(st, "approve")
	if len(approved) != 1 || approved[0].Basis != "社会救助暂行办法第四十八条" {
		t.Fatalf("approval %+v", approved)
	}
	trail, err := f.db.AuditTrail(context.Background(), st.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range trail {
		found = found || e.Action == "approve" && e.LegalBasis == "社会救助暂行办法第四十八条"
	}
	if !found {
		t.Fatalf("audit trail without the basis: %+v", trail)
	}
}

// TestM1EveryProcedureNamesBodyAndLimits: every built-in procedure and the
// local example, refusing or terminating at a county, names the county's
// people's government and both limits (行政复议法第二十条第一款、第二十四条;
// 行政诉讼法第四十六条第一款), whether or not its own text does.
func TestM1EveryProcedureNamesBodyAndLimits(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "procedures", "definitions", "*.yaml"))
	files = append(files, filepath.Join("..", "examples", "procedures", "elderly-allowance.yaml"))
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var d struct {
			AppealNotice procedures.Text `yaml:"appealNotice"`
		}
		if err := yaml.Unmarshal(raw, &d); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		n := workflows.AppealNotice(d.AppealNotice, "110105")
		for _, want := range []string{"60日内向北京市朝阳区人民政府申请行政复议", "6个月内"} {
			if !strings.Contains(n.Zh, want) {
				t.Errorf("%s: notice %q lacks %q", filepath.Base(f), n.Zh, want)
			}
		}
		if !strings.Contains(n.En, "60 days") || !strings.Contains(n.En, "6 months") {
			t.Errorf("%s: English notice %q", filepath.Base(f), n.En)
		}
	}
}
