package integration

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"civilflow/api"
)

// staffList is the answer of GET /v1/staff.
type staffList struct {
	Total int               `json:"total"`
	Items []api.StaffMember `json:"items"`
}

// TestStaffListForTargetPicker: the list the console picks transfer,
// delegate, copy and add-signer targets from. With the case's office it
// names who holds a role covering the office (there or above), never Hubei's
// staff; without it, who holds a role within the caller's jurisdiction;
// role and text narrow it, it pages, an office outside the jurisdiction and
// an applicant are refused.
func TestStaffListForTargetPicker(t *testing.T) {
	e := sharedEnv(t)
	nation := e.token("adm-sl-000000", "部管理", "admin:000000")
	for subject, role := range map[string]string{
		"sl-bj-reg": "registrar:110105", "sl-bj-city": "approver:110100", "sl-bj-hd": "registrar:110108",
		"sl-hb-reg": "registrar:420102",
	} {
		e.do(http.MethodPut, "/v1/staff/"+subject, nation, staffBody{Name: "名单" + subject[3:], Roles: []string{role}}).
			expect(t, http.StatusOK)
	}
	reg := e.token("reg-sl-110105", "朝阳登记", "registrar:110105")
	sup := e.token("sup-sl-110000", "京监督", "supervisor:110000")
	list := func(tok string, q url.Values) staffList {
		t.Helper()
		var l staffList
		e.do(http.MethodGet, "/v1/staff?"+q.Encode(), tok, nil).expect(t, http.StatusOK).decode(t, &l)
		return l
	}
	subjects := func(l staffList) []string {
		var s []string
		for _, m := range l.Items {
			if strings.HasPrefix(m.Subject, "sl-") {
				s = append(s, m.Subject)
			}
		}
		return s
	}
	for _, c := range []struct {
		name string
		tok  string
		q    url.Values
		want []string
	}{
		{"covering 110105", reg, url.Values{"office": {"110105"}, "text": {"sl-"}}, []string{"sl-bj-city", "sl-bj-reg"}},
		{"covering, registrars only", reg, url.Values{"office": {"110105"}, "role": {"registrar"}, "text": {"sl-"}}, []string{"sl-bj-reg"}},
		{"covering, by name", reg, url.Values{"office": {"110105"}, "text": {"名单bj-c"}}, []string{"sl-bj-city"}},
		{"the county registrar's jurisdiction", reg, url.Values{"text": {"sl-"}}, []string{"sl-bj-reg"}},
		{"Beijing's jurisdiction", sup, url.Values{"text": {"SL-"}}, []string{"sl-bj-city", "sl-bj-hd", "sl-bj-reg"}},
		{"Beijing's approvers", sup, url.Values{"role": {"approver"}, "text": {"sl-"}}, []string{"sl-bj-city"}},
	} {
		if got := subjects(list(c.tok, c.q)); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	// The covering list reaches above the caller, with each person's roles.
	l := list(reg, url.Values{"office": {"110105"}, "text": {"sl-bj-city"}})
	if len(l.Items) != 1 || l.Total != 1 || l.Items[0].Name != "名单bj-city" || !slices.Equal(l.Items[0].Roles, []string{"approver:110100"}) {
		t.Fatalf("covering entry %+v", l)
	}
	// Pages: the total counts the whole list.
	page := list(sup, url.Values{"text": {"sl-bj-"}, "limit": {"1"}, "offset": {"1"}})
	if page.Total != 3 || len(page.Items) != 1 || page.Items[0].Subject != "sl-bj-hd" {
		t.Fatalf("second page %+v", page)
	}

	e.do(http.MethodGet, "/v1/staff?office=420102", reg, nil).expect(t, http.StatusForbidden)
	hubei := e.token("reg-sl-420102", "鄂登记", "registrar:420102")
	if got := subjects(list(hubei, url.Values{"office": {"420102"}, "text": {"sl-"}})); !slices.Equal(got, []string{"sl-hb-reg"}) {
		t.Errorf("Hubei's registrar sees %v", got)
	}
	applicant := e.token(person("19900101", true), "张伟")
	e.do(http.MethodGet, "/v1/staff?office=110105", applicant, nil).expect(t, http.StatusForbidden)
	e.do(http.MethodGet, "/v1/staff", applicant, nil).expect(t, http.StatusForbidden)
	e.do(http.MethodGet, "/v1/staff?role=applicant", reg, nil).expectField(t, "query.role", "one of")
	e.do(http.MethodGet, "/v1/staff?office=1101", reg, nil).expectField(t, "query.office", "")
}

// caseForm is the form of a case view.
type caseForm struct {
	Form map[string]any `json:"form"`
}

// TestCaseViewCarriesTheForm: whoever may read a case gets the application
// form with it (the parties, the registrar of the office) in the case view
// and in action answers, the corrected form once a party handed one in; a
// case one may not read shows nothing of it.
func TestCaseViewCarriesTheForm(t *testing.T) {
	e := sharedEnv(t)
	c := e.couple("19880101", "19900101")
	r := e.do(http.MethodPost, "/v1/cases", c.manTok, marriageBody(c, "110105")).expect(t, http.StatusCreated)
	id := r.state(t).CaseID
	hasApplicants := func(who string, r response) {
		t.Helper()
		var v caseForm
		r.decode(t, &v)
		apps, _ := v.Form["applicants"].([]any)
		if len(apps) != 2 || !strings.Contains(string(r.body), c.woman) || v.Form["declaration"] == nil {
			t.Fatalf("%s: form %v", who, v.Form)
		}
	}
	hasApplicants("submission answer", r)
	hasApplicants("the man", e.do(http.MethodGet, "/v1/cases/"+id, c.manTok, nil).expect(t, http.StatusOK))
	hasApplicants("the woman", e.do(http.MethodGet, "/v1/cases/"+id, c.womanTok, nil).expect(t, http.StatusOK))
	reg := e.token("reg-cf-110105", "朝阳登记", "registrar:110105")
	hasApplicants("the registrar", e.do(http.MethodGet, "/v1/cases/"+id, reg, nil).expect(t, http.StatusOK))
	hasApplicants("a claim's answer", e.act(id, reg, "claim", "").expect(t, http.StatusOK))
	for who, tok := range map[string]string{
		"Hubei's registrar": e.token("reg-cf-420102", "鄂登记", "registrar:420102"),
		"an outsider":       e.token(person("19850101", true), "王五"),
	} {
		r := e.do(http.MethodGet, "/v1/cases/"+id, tok, nil).expect(t, http.StatusNotFound)
		if strings.Contains(string(r.body), c.man) || strings.Contains(string(r.body), "applicants") {
			t.Fatalf("%s: %s", who, r.body)
		}
	}

	// A correction: the view then carries the corrected form.
	f := e.founder()
	st := e.submitOrg(orgApplication("social-group-registration", beijingChaoyang, f), f)
	soReg := e.token("reg-cf-so", "吴登记", "registrar:"+beijingChaoyang)
	domicile := func(r response) any {
		t.Helper()
		var v caseForm
		r.decode(t, &v)
		org, _ := v.Form["organization"].(map[string]any)
		return org["domicile"]
	}
	if got := domicile(e.do(http.MethodGet, "/v1/cases/"+st.CaseID, f.tok, nil).expect(t, http.StatusOK)); got != "朝阳路1号" {
		t.Fatalf("submitted domicile %v", got)
	}
	e.act(st.CaseID, soReg, "request-correction", "请补正住所").expect(t, http.StatusOK)
	body := orgApplication("social-group-registration", beijingChaoyang, f)
	orgOf(body)["domicile"] = "朝阳路2号"
	r = e.do(http.MethodPost, "/v1/cases/"+st.CaseID+"/actions", f.tok,
		map[string]any{"action": "resubmit", "form": body["form"]}).expect(t, http.StatusOK)
	if got := domicile(r); got != "朝阳路2号" {
		t.Fatalf("the resubmission's answer carries domicile %v", got)
	}
	for who, tok := range map[string]string{"the founder": f.tok, "the registrar": soReg} {
		if got := domicile(e.do(http.MethodGet, "/v1/cases/"+st.CaseID, tok, nil).expect(t, http.StatusOK)); got != "朝阳路2号" {
			t.Errorf("%s sees domicile %v", who, got)
		}
	}
}
