package integration

import (
	"net/http"
	"strings"
	"testing"

	"civilflow/procedures"
)

// TestW11UnsignedDeclarationWaitsAtTheCounter: a declaration not yet
// signed by both is no ground of refusal (婚姻登记条例第九条 names four):
// the couple see their case waiting for the signature, the registrar
// records that both signed before them, and registers.
func TestW11UnsignedDeclarationWaitsAtTheCounter(t *testing.T) {
	e := sharedEnv(t)
	reg := e.token("reg-w11", "韩登记", "registrar:110105")
	c := e.couple("19910101", "19930101")
	body := marriageBody(c, beijingChaoyang)
	body["form"].(map[string]any)["declaration"] = map[string]bool{"noSpouse": true, "noProhibitedKinship": true, "signedByBoth": false}
	st := e.do(http.MethodPost, "/v1/cases", c.manTok, body).expect(t, http.StatusCreated).state(t)
	if st.Stage != "awaiting-signature" || st.Outcome != "" || st.AppealNotice != nil {
		t.Fatalf("unsigned: stage %s outcome %s", st.Stage, st.Outcome)
	}
	e.act(st.CaseID, c.womanTok, "declaration-signed", "").expect(t, http.StatusConflict)
	st = e.act(st.CaseID, reg, "declaration-signed", "双方当面签名").expect(t, http.StatusOK).state(t)
	if st.Stage != "registrar-review" {
		t.Fatalf("after the signature: stage %s reasons %+v", st.Stage, st.Reasons)
	}
	done := e.act(st.CaseID, reg, "register", "").expect(t, http.StatusOK).state(t)
	if done.Outcome != procedures.OutcomeApproved || len(done.Documents) != 2 {
		t.Fatalf("outcome %s documents %+v", done.Outcome, done.Documents)
	}
	if *recordHistories {
		e.saveHistory(st.CaseID, "marriage-v3-signature-then-registered.json")
	}
}

// TestM1ProcedureDescriptionDescribesTheBody: before any office decides,
// GET /v1/procedures/{id} describes the reconsideration body and states both
// limits, and shows no template placeholder.
func TestM1ProcedureDescriptionDescribesTheBody(t *testing.T) {
	e := sharedEnv(t)
	c := e.couple("19910101", "19930101")
	var p struct {
		AppealNotice struct{ Zh, En string } `json:"appealNotice"`
	}
	e.do(http.MethodGet, "/v1/procedures/marriage-registration", c.manTok, nil).expect(t, http.StatusOK).decode(t, &p)
	if !strings.Contains(p.AppealNotice.Zh, "60日内向作出决定的民政部门的本级人民政府申请行政复议") ||
		!strings.Contains(p.AppealNotice.Zh, "6个月内") || strings.Contains(p.AppealNotice.Zh+p.AppealNotice.En, "{") {
		t.Fatalf("appeal notice %+v", p.AppealNotice)
	}
}
