package activities_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"go.temporal.io/sdk/testsuite"

	"civilflow/procedures"
	"civilflow/store"
	"civilflow/workflows"
)

// The findings of the legal review on social-organization registration,
// one test each.

var founderActor = workflows.Actor{Subject: founder, Name: "张伟"}

// actForm sends an action with an amended form.
func (f *orgFixture) actForm(action string, actor workflows.Actor, form map[string]any) *string {
	raw, err := json.Marshal(form)
	if err != nil {
		f.t.Fatal(err)
	}
	res := new(string)
	*res = "no answer"
	f.env.UpdateWorkflow(workflows.UpdateAct, "", &testsuite.TestUpdateCallback{
		OnAccept: func() {},
		OnReject: func(err error) { *res = err.Error() },
		OnComplete: func(_ any, err error) {
			*res = ""
			if err != nil {
				*res = err.Error()
			}
		},
	}, f.sign(workflows.ActRequest{Action: action, Actor: actor, Form: raw}))
	return res
}

func clockNamed(t *testing.T, st workflows.CaseState, name string) workflows.ClockState {
	t.Helper()
	for _, c := range st.Clocks {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no clock %s in %+v", name, st.Clocks)
	return workflows.ClockState{}
}

func reasonChecks(st workflows.CaseState) []string {
	var out []string
	for _, r := range st.Reasons {
		out = append(out, r.Check)
	}
	return out
}

// TestS1CorrectionCarriesTheCorrectedForm: a social group of category
// "other" applies without its sponsoring unit's consent; the registrar's
// correction notice asks for it, the founder hands in the corrected form
// with the resubmission, and the checks read that form: the case reaches
// review instead of being refused (行政许可法第三十二条第一款第（四）项:
// the corrected application is what is reviewed).
func TestS1CorrectionCarriesTheCorrectedForm(t *testing.T) {
	f := newOrgFixture(t, "2026-06-01")
	first := orgForm(store.VariantSocialGroup)
	delete(first, "sponsoringUnit")
	corrected := orgForm(store.VariantSocialGroup)
	var notice, resubmit *string
	var review workflows.CaseState
	f.at("2026-06-02", 10, func() { notice = f.act("request-correction", registrar, "补交业务主管单位同意文件") })
	f.at("2026-06-10", 10, func() { resubmit = f.actForm("resubmit", founderActor, corrected) })
	f.at("2026-06-10", 11, func() {
		review = f.state()
		f.act("register", registrar, "")
	})
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, f.input("social-group-registration", "110000", first))
	st := f.result()
	if *notice != "" || *resubmit != "" {
		t.Fatalf("notice %q resubmission %q", *notice, *resubmit)
	}
	if review.Stage != "review" || len(review.Reasons) != 0 || len(review.AmendedForm) == 0 ||
		!strings.Contains(string(review.AmendedForm), "朝阳区文化和旅游局") {
		t.Fatalf("after the corrected form: stage %s reasons %+v amended %s", review.Stage, review.Reasons, review.AmendedForm)
	}
	if st.Outcome != procedures.OutcomeApproved {
		t.Fatalf("outcome %s", st.Outcome)
	}
	org, err := f.db.OrganizationByCase(context.Background(), st.CaseID)
	if err != nil || org.SponsoringUnit != "朝阳区文化和旅游局" {
		t.Fatalf("the registry holds the original form: %+v %v", org, err)
	}
}

// TestW4SimilarScopeIsTheRegistrarsFinding: 北京市朝阳区摄影家协会 (field
// 摄影) is registered; 北京市朝阳区老年摄影协会 (field 老年摄影) is not
// refused by the look-up: it reaches review with the similar body listed,
// and the registrar may register it. 社会团体登记管理条例第十三条第（二）项
// refuses only a body the authority judges 没有必要成立.
func TestW4SimilarScopeIsTheRegistrarsFinding(t *testing.T) {
	f := newOrgFixture(t, "2026-06-01")
	if _, err := f.db.RegisterOrganization(context.Background(), store.Organization{Name: "北京市朝阳区摄影家协会",
		Variant: store.VariantSocialGroup, Field: "摄影", Area: "110105", RegisteredOn: "2026-05-01",
		CaseID: "SGR-110105-20260401-0001"}); err != nil {
		t.Fatal(err)
	}
	form := orgForm(store.VariantSocialGroup)
	org := form["organization"].(map[string]any)
	org["name"], org["field"] = "北京市朝阳区老年摄影协会", "老年摄影"
	chaoyang := workflows.Actor{Subject: "reg-so-2", Name: "李登记", Roles: []workflows.RoleGrant{{Role: "registrar", Division: "110105"}}}
	var review workflows.CaseState
	var register *string
	f.at("2026-06-02", 10, func() { f.act("accept", chaoyang, "") })
	f.at("2026-06-02", 11, func() {
		review = f.state()
		register = f.act("register", chaoyang, "")
	})
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, f.input("social-group-registration", "110105", form))
	st := f.result()
	if review.Stage != "review" || len(review.Reasons) != 1 || review.Reasons[0].Check != "social-group-unique-scope" ||
		!strings.Contains(review.Reasons[0].Message.Zh, "北京市朝阳区摄影家协会") || !strings.Contains(review.Reasons[0].Message.Zh, "有无必要成立") {
		t.Fatalf("similar scope: stage %s reasons %+v", review.Stage, review.Reasons)
	}
	if *register != "" || st.Outcome != procedures.OutcomeApproved {
		t.Fatalf("registration %q outcome %s", *register, st.Outcome)
	}
}

// TestW5NameRulesOfTheNameMeasures: 社会组织名称管理办法 (民政部令第69号)
// 第八条 puts the division's name first and the organizational form last;
// a local name may not be headed (冠以) by 中国/全国/中华 (社会团体登记管理
// 条例第十条第二款), while inside it such a word may qualify the field.
func TestW5NameRulesOfTheNameMeasures(t *testing.T) {
	f := newOrgFixture(t, "2026-06-01")
	name := func(office, variant, name string) []workflows.Reason {
		t.Helper()
		form := orgForm(variant)
		form["organization"].(map[string]any)["name"] = name
		raw, _ := json.Marshal(form)
		check := map[string]string{store.VariantSocialGroup: "social-group-name",
			store.VariantSocialServiceOrganization: "social-service-organization-name", store.VariantFoundation: "foundation-name"}[variant]
		res, err := f.acts.RunChecks(context.Background(), workflows.ChecksInput{CaseID: "SGR-" + office + "-20260601-0001",
			Checks: []procedures.CheckRef{{Check: check}}, Form: raw, Office: office, OnDay: "2026-06-01"})
		if err != nil {
			t.Fatal(err)
		}
		return res.Failed
	}
	for _, c := range []struct {
		office, variant, name string
		fails                 string // a word of the reason, or "" to pass
	}{
		{"310000", store.VariantSocialGroup, "上海市中国画研究会", ""},
		{"110105", store.VariantSocialGroup, "摄影家协会", "行政区划名称"},
		{"110105", store.VariantSocialGroup, "北京市朝阳区摄影家协会", ""},
		{"110105", store.VariantSocialGroup, "朝阳区摄影家协会", ""},
		{"110105", store.VariantSocialGroup, "中华北京市朝阳区摄影家协会", "冠以“中华”"},
		{"110105", store.VariantSocialGroup, "北京市朝阳区国际摄影交流协会", ""},
		{"110105", store.VariantSocialGroup, "北京市朝阳区协会摄影", "结尾"},
		{"000000", store.VariantSocialGroup, "中国摄影家协会", ""},
		{"110000", store.VariantFoundation, "北京阳光教育基金会", ""},
		{"110000", store.VariantFoundation, "阳光教育基金会", "行政区划名称"},
		{"440000", store.VariantFoundation, "广东省世界华人教育基金会", ""},
		{"440000", store.VariantFoundation, "世界华人教育基金会", "冠以“世界”"},
		{"110105", store.VariantSocialServiceOrganization, "北京市朝阳区阳光养老服务中心", ""},
	} {
		got := name(c.office, c.variant, c.name)
		if c.fails == "" && len(got) != 0 || c.fails != "" && (len(got) == 0 || !strings.Contains(got[0].Message.Zh, c.fails)) {
			t.Errorf("%s at %s: %+v, want %q", c.name, c.office, got, c.fails)
		}
		for _, r := range got {
			if !strings.Contains(r.Basis, "民政部令第69号") {
				t.Errorf("basis %q", r.Basis)
			}
		}
	}
}

// TestM8LegalRepresentativeOfOneGroupOnly: P is the legal representative
// of the registered social group G1; a new social group naming P is
// refused (社会团体登记管理条例第十二条第三款), and so is a foundation,
// whose representative may represent no other organization at all
// (基金会管理条例第二十三条第一款).
func TestM8LegalRepresentativeOfOneGroupOnly(t *testing.T) {
	for _, c := range []struct{ procedure, variant, office string }{
		{"social-group-registration", store.VariantSocialGroup, "110000"},
		{"foundation-registration", store.VariantFoundation, "110000"},
	} {
		t.Run(c.procedure, func(t *testing.T) {
			f := newOrgFixture(t, "2026-06-01")
			if _, err := f.db.RegisterOrganization(context.Background(), store.Organization{Name: "北京市海淀区书法家协会",
				Variant: store.VariantSocialGroup, Field: "书法", Area: "110108", RegisteredOn: "2025-05-01",
				LegalRepresentative: "张伟", LegalRepresentativeID: founder, CaseID: "SGR-110108-20250401-0001"}); err != nil {
				t.Fatal(err)
			}
			f.at("2026-06-02", 10, func() { f.act("accept", registrar, "") })
			f.env.ExecuteWorkflow(workflows.CaseWorkflowName, f.input(c.procedure, c.office, orgForm(c.variant)))
			st := f.result()
			want := map[string]string{"social-group-registration": "org-legal-representative",
				"foundation-registration": "foundation-legal-representative"}[c.procedure]
			if st.Outcome != procedures.OutcomeRefused || len(st.Reasons) != 1 || st.Reasons[0].Check != want ||
				!strings.Contains(st.Reasons[0].Message.Zh, "北京市海淀区书法家协会") {
				t.Fatalf("outcome %s reasons %+v", st.Outcome, st.Reasons)
			}
		})
	}
	// Registered, the representative's ID is kept for the next look-up.
	f := newOrgFixture(t, "2026-06-01")
	f.at("2026-06-02", 10, func() { f.act("accept", registrar, "") })
	f.at("2026-06-02", 11, func() { f.act("register", registrar, "") })
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, f.input("social-group-registration", "110000", orgForm(store.VariantSocialGroup)))
	if st := f.result(); st.Outcome != procedures.OutcomeApproved {
		t.Fatalf("first group: %s %+v", st.Outcome, st.Reasons)
	}
	held, err := f.db.OrganizationsRepresentedBy(context.Background(), founder)
	if err != nil || len(held) != 1 || held[0].Name != "北京市朝阳区摄影家协会" {
		t.Fatalf("represented by the founder: %+v %v", held, err)
	}
}

// TestM9CharityDecidedInThirtyDays: a foundation applying to register as a
// charity, accepted on 2026-06-01, is due 2026-07-01 (慈善法第十条第一款:
// 自受理申请之日起三十日内), not on the 60th day; its purposes are
// checked (慈善法第九条).
func TestM9CharityDecidedInThirtyDays(t *testing.T) {
	f := newOrgFixture(t, "2026-06-01")
	form := orgForm(store.VariantFoundation)
	form["charity"] = map[string]any{"nonProfit": true, "purposes": []string{"education-science-culture-health-sports"}}
	var review workflows.CaseState
	f.at("2026-06-01", 11, func() { f.act("accept", registrar, "") })
	f.at("2026-06-01", 12, func() {
		review = f.state()
		f.act("register", registrar, "")
	})
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, f.input("foundation-registration", "110000", form))
	st := f.result()
	c := clockNamed(t, review, "charity-registration-decision")
	if review.Stage != "review" || c.Status != workflows.ClockRunning || c.LastDay != "2026-07-01" || !strings.Contains(c.Basis, "慈善法第十条") {
		t.Fatalf("charity: stage %s clock %+v", review.Stage, c)
	}
	if sixty := clockNamed(t, review, "registration-decision"); sixty.Status == workflows.ClockRunning {
		t.Fatalf("the 60-day clock still runs for a charity: %+v", sixty)
	}
	if st.Outcome != procedures.OutcomeApproved || clockNamed(t, st, "charity-registration-decision").Status != workflows.ClockMet {
		t.Fatalf("outcome %s clocks %+v", st.Outcome, st.Clocks)
	}

	// A charity that seeks profit is refused on 慈善法第九条第（二）项.
	g := newOrgFixture(t, "2026-06-01")
	form["charity"] = map[string]any{"nonProfit": false, "purposes": []string{"poverty-relief"}}
	g.at("2026-06-01", 11, func() { g.act("accept", registrar, "") })
	g.env.ExecuteWorkflow(workflows.CaseWorkflowName, g.input("foundation-registration", "110000", form))
	if st := g.result(); st.Outcome != procedures.OutcomeRefused || len(st.Reasons) != 1 || st.Reasons[0].Check != "charity-purpose" {
		t.Fatalf("profit-seeking charity: %s %+v", st.Outcome, st.Reasons)
	}
}

// TestM10FoundationAuthorityBySixthArticle: 基金会管理条例第六条 gives the
// Ministry national public-fundraising foundations, those with a
// representative who is not a mainland resident, and non-public ones with
// an initial fund over 20 million whose founders apply to it; the
// province the rest. A non-public foundation of 5 million filed at 000000
// is not accepted and referred to the province.
func TestM10FoundationAuthorityBySixthArticle(t *testing.T) {
	f := newOrgFixture(t, "2026-06-01")
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, f.input("foundation-registration", "000000", func() map[string]any {
		fd := orgForm(store.VariantFoundation)
		fd["funds"] = map[string]any{"amount": 5_000_000, "paidInCash": true}
		return fd
	}()))
	st := f.result()
	if st.Outcome != procedures.OutcomeNotAccepted || len(st.Reasons) != 1 || st.Reasons[0].Check != "foundation-registration-authority" ||
		!strings.Contains(st.Reasons[0].Message.Zh, "省级民政部门") {
		t.Fatalf("5 million non-public at the Ministry: %s %+v", st.Outcome, st.Reasons)
	}
	for _, c := range []struct {
		office, fundraising string
		amount              int
		abroad, pass        bool
	}{
		{"000000", "public", 8_000_000, false, true},
		{"000000", "non-public", 20_000_000, false, false},
		{"000000", "non-public", 20_000_001, false, true},
		{"000000", "non-public", 2_000_000, true, true},
		{"110000", "non-public", 25_000_000, false, true},
		{"110000", "public", 4_000_000, false, true},
		{"110000", "non-public", 2_000_000, true, false},
		{"110105", "non-public", 2_000_000, false, false},
	} {
		fd := orgForm(store.VariantFoundation)
		fd["fundraising"], fd["legalRepresentativeAbroad"] = c.fundraising, c.abroad
		fd["funds"] = map[string]any{"amount": c.amount, "paidInCash": true}
		raw, _ := json.Marshal(fd)
		res, err := f.acts.RunChecks(context.Background(), workflows.ChecksInput{CaseID: "FDN-" + c.office + "-20260601-0002",
			Checks: []procedures.CheckRef{{Check: "foundation-registration-authority"}}, Form: raw, Office: c.office, OnDay: "2026-06-01"})
		if err != nil {
			t.Fatal(err)
		}
		if (len(res.Failed) == 0) != c.pass {
			t.Errorf("%+v: %+v", c, res.Failed)
		}
	}
}
