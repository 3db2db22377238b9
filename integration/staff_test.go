package integration

import (
	"database/sql"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"civilflow/api"
	"civilflow/store"
)

type staffBody struct {
	Name  string   `json:"name"`
	Roles []string `json:"roles"`
}

func (e *env) staffRoles(subject string) []string {
	e.t.Helper()
	var m api.StaffMember
	e.do(http.MethodGet, "/v1/staff/"+subject, e.token("reg-d3-reader", "读者", "registrar:110105"), nil).
		expect(e.t, http.StatusOK).decode(e.t, &m)
	slices.Sort(m.Roles)
	return m.Roles
}

// TestD3StaffChangesCheckedAndAudited: the review's case. An admin of
// Beijing may not overwrite or strip a Hubei registrar's registrar:420100
// (403 naming it, nothing changes) but may add a Beijing role while
// listing it unchanged; admin:000000 is granted and taken away only by an
// admin:000000; nobody edits their own entry; every change, and only a
// change, is in the audit chain with who made it and the entry before and
// after, and the chain verifies.
func TestD3StaffChangesCheckedAndAudited(t *testing.T) {
	e := sharedEnv(t)
	hubeiAdmin := e.token("adm-d3-420000", "鄂管理", "admin:420000")
	beijingAdmin := e.token("adm-d3-110000", "京管理", "admin:110000")
	nationAdmin := e.token("adm-d3-000000", "部管理", "admin:000000")
	sup := e.token("sup-d3-110000", "京监督", "supervisor:110000")
	put := func(tok, subject, name string, roles ...string) response {
		return e.do(http.MethodPut, "/v1/staff/"+subject, tok, staffBody{Name: name, Roles: roles})
	}
	put(hubeiAdmin, "reg-d3-hb", "鄂登记", "registrar:420100").expect(t, http.StatusOK)

	// Overwriting and stripping a role held outside the jurisdiction.
	for _, roles := range [][]string{{"registrar:110105"}, {}} {
		r := put(beijingAdmin, "reg-d3-hb", "鄂登记", roles...).expect(t, http.StatusForbidden)
		if !strings.Contains(string(r.body), "registrar:420100") {
			t.Errorf("the refusal does not name the role held outside: %s", r.body)
		}
		if got := e.staffRoles("reg-d3-hb"); !slices.Equal(got, []string{"registrar:420100"}) {
			t.Fatalf("after a refused change the roles are %v", got)
		}
	}
	// Renaming the holder of a role outside is a change of it too.
	put(beijingAdmin, "reg-d3-hb", "改名", "registrar:420100").expect(t, http.StatusForbidden)
	// Adding within the jurisdiction, the role outside listed unchanged.
	put(beijingAdmin, "reg-d3-hb", "鄂登记", "registrar:420100", "registrar:110105").expect(t, http.StatusOK)
	if got := e.staffRoles("reg-d3-hb"); !slices.Equal(got, []string{"registrar:110105", "registrar:420100"}) {
		t.Fatalf("after adding: %v", got)
	}
	// The same again changes nothing and records nothing.
	put(beijingAdmin, "reg-d3-hb", "鄂登记", "registrar:420100", "registrar:110105").expect(t, http.StatusOK)

	// admin:000000 only by admin:000000, both ways.
	put(beijingAdmin, "adm-d3-new", "新管理", "admin:000000").expect(t, http.StatusForbidden)
	put(nationAdmin, "adm-d3-new", "新管理", "admin:000000", "registrar:110105").expect(t, http.StatusOK)
	r := put(beijingAdmin, "adm-d3-new", "新管理", "registrar:110105").expect(t, http.StatusForbidden)
	if !strings.Contains(string(r.body), "admin:000000") {
		t.Errorf("the refusal does not name admin:000000: %s", r.body)
	}
	// Nobody edits their own entry, not even a nationwide admin.
	put(nationAdmin, "adm-d3-000000", "部管理", "admin:000000", "registrar:110105").expect(t, http.StatusForbidden)
	put(beijingAdmin, "adm-d3-110000", "京管理", "registrar:110105").expect(t, http.StatusForbidden)

	var changes api.StaffChangesResponse
	e.do(http.MethodGet, "/v1/staff/reg-d3-hb/changes", sup, nil).expect(t, http.StatusOK).decode(t, &changes.Body)
	got := changes.Body.Changes
	if len(got) != 2 {
		t.Fatalf("%d changes recorded, want the creation and the addition: %+v", len(got), got)
	}
	if c := got[0]; c.Actor != "adm-d3-420000" || c.Before.Active || len(c.Before.Roles) != 0 ||
		!slices.Equal(c.After.Roles, []string{"registrar:420100"}) || !c.After.Active || c.After.Name != "鄂登记" {
		t.Errorf("creation: %+v", c)
	}
	if c := got[1]; c.Actor != "adm-d3-110000" || c.ActorName != "京管理" || c.Role != "admin" || c.Office != "110000" ||
		!slices.Equal(c.Before.Roles, []string{"registrar:420100"}) ||
		!slices.Equal(c.After.Roles, []string{"registrar:110105", "registrar:420100"}) ||
		!strings.Contains(c.Summary, "registrar:110105") || c.GlobalSeq <= got[0].GlobalSeq || c.PrevHash != got[0].Hash {
		t.Errorf("addition: %+v", c)
	}
	// Someone whose roles lie wholly outside one's jurisdiction is not one's to audit.
	e.do(http.MethodGet, "/v1/staff/reg-d3-hb/changes", e.token("sup-d3-440000", "粤监督", "supervisor:440000"), nil).
		expect(t, http.StatusForbidden)

	var v api.VerifyResult
	e.do(http.MethodGet, "/v1/audit/verify", sup, nil).expect(t, http.StatusOK).decode(t, &v)
	if !v.Intact {
		t.Fatalf("the chain with staff entries does not verify: %+v", v.Problems)
	}
}

// TestD3StaffEntryTamperingDetected: a staff entry edited in the database
// (a role granted after the fact) is named by GET /v1/audit/verify.
func TestD3StaffEntryTamperingDetected(t *testing.T) {
	dir := t.TempDir()
	c := &clock{}
	e := &env{t: t, app: startOwn(t, dir, c), clock: c, dataDir: dir}
	adm := e.token("adm-d3t", "京管理", "admin:110000")
	sup := e.token("sup-d3t", "京监督", "supervisor:110000")
	e.do(http.MethodPut, "/v1/staff/reg-d3t", adm, staffBody{Name: "王登记", Roles: []string{"registrar:110105"}}).expect(t, http.StatusOK)
	couple := e.couple("19890101", "19910101")
	e.do(http.MethodPost, "/v1/cases", couple.manTok, marriageBody(couple, "110105")).expect(t, http.StatusCreated)
	e.do(http.MethodPut, "/v1/staff/reg-d3t", adm, staffBody{Name: "王登记", Roles: []string{"registrar:110105", "approver:110105"}}).expect(t, http.StatusOK)

	var v api.VerifyResult
	e.do(http.MethodGet, "/v1/audit/verify", sup, nil).expect(t, http.StatusOK).decode(t, &v)
	if !v.Intact {
		t.Fatalf("before tampering: %+v", v.Problems)
	}
	raw, err := sql.Open("sqlite", filepath.Join(dir, "civilflow.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`UPDATE audit_entries SET stage_to = replace(stage_to, 'registrar:110105', 'admin:000000')
WHERE case_id = ? AND seq = 1`, store.StaffChain("reg-d3t")); err != nil {
		t.Fatal(err)
	}
	e.do(http.MethodGet, "/v1/audit/verify", sup, nil).expect(t, http.StatusOK).decode(t, &v)
	if v.Intact || len(v.Problems) == 0 {
		t.Fatalf("tampering with a staff entry not detected: %+v", v)
	}
	if p := v.Problems[0]; p.Kind != store.ProblemAltered || p.CaseID != store.StaffChain("reg-d3t") || p.Seq != 1 {
		t.Errorf("first problem %+v; want the first change of reg-d3t altered", p)
	}
}
