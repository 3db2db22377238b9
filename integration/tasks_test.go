package integration

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"civilflow/procedures"
)

// staffMember registers a person in the staff directory through the API,
// as an admin of Beijing does.
func (e *env) staffMember(subject, name string, roles ...string) string {
	e.t.Helper()
	admin := e.token("admin-bj", "北京管理员", "admin:110000")
	e.do(http.MethodPut, "/v1/staff/"+subject, admin, map[string]any{"name": name, "roles": roles}).expect(e.t, http.StatusOK)
	return e.token(subject, name, roles...)
}

type notifications struct {
	Total int `json:"total"`
	Items []struct {
		ID      int64  `json:"id"`
		CaseID  string `json:"caseId"`
		Kind    string `json:"kind"`
		Message string `json:"message"`
	} `json:"items"`
}

func (n notifications) has(caseID, kind string) bool {
	for _, it := range n.Items {
		if it.CaseID == caseID && it.Kind == kind {
			return true
		}
	}
	return false
}

// TestTaskActionsThroughTheAPI: claim, a transfer to someone without the
// role (refused), a transfer to a colleague, acting on a task someone else
// claimed (refused), urging (rate-limited, also by a supervisor), copying,
// and the notifications each leaves.
func TestTaskActionsThroughTheAPI(t *testing.T) {
	e := sharedEnv(t)
	regA := e.staffMember("task-reg-a", "甲登记", "registrar:110105")
	regB := e.staffMember("task-reg-b", "乙登记", "registrar:110105")
	e.staffMember("task-appr", "丙审批", "approver:110105")
	c := e.couple("19900307", "19920612")
	st := e.do(http.MethodPost, "/v1/cases", c.manTok, marriageBody(c, beijingChaoyang)).expect(t, http.StatusCreated).state(t)

	// Non-staff and unknown targets are refused before reaching the case.
	res := e.do(http.MethodPost, "/v1/cases/"+st.CaseID+"/actions", regA, map[string]any{"action": "transfer", "targets": []string{"nobody-here"}}).
		expect(t, http.StatusUnprocessableEntity)
	var p problem
	res.decode(t, &p)
	if len(p.Errors) != 1 || p.Errors[0].Location != "body.targets[0]" {
		t.Fatalf("problem %+v", p)
	}
	e.do(http.MethodPost, "/v1/cases/"+st.CaseID+"/actions", regA, map[string]any{"action": "claim"}).expect(t, http.StatusOK)
	e.act(st.CaseID, regB, "register", "").expect(t, http.StatusConflict)
	e.do(http.MethodPost, "/v1/cases/"+st.CaseID+"/actions", regA, map[string]any{"action": "transfer", "targets": []string{"task-appr"}}).
		expect(t, http.StatusConflict)
	moved := e.do(http.MethodPost, "/v1/cases/"+st.CaseID+"/actions", regA, map[string]any{"action": "transfer", "targets": []string{"task-reg-b"}, "opinion": "请乙办理"}).
		expect(t, http.StatusOK).state(t)
	if moved.Assignment == nil || moved.Assignment.Holder != "task-reg-b" {
		t.Fatalf("assignment after transfer %+v", moved.Assignment)
	}
	e.act(st.CaseID, regA, "register", "").expect(t, http.StatusConflict)

	// Urging: the applicant once a day; a supervisor, who can only read.
	e.act(st.CaseID, c.womanTok, "urge", "请尽快办理").expect(t, http.StatusOK)
	e.act(st.CaseID, c.womanTok, "urge", "").expect(t, http.StatusConflict)
	sup := e.token("task-sup", "北京监察", "supervisor:110000")
	e.act(st.CaseID, sup, "urge", "已超过承诺时限").expect(t, http.StatusOK)
	e.act(st.CaseID, e.token(person("19800101", true), "路人"), "urge", "").expect(t, http.StatusNotFound)

	e.do(http.MethodPost, "/v1/cases/"+st.CaseID+"/actions", regB, map[string]any{"action": "copy", "targets": []string{"task-reg-a"}}).
		expect(t, http.StatusOK)
	done := e.act(st.CaseID, regB, "register", "").expect(t, http.StatusOK).state(t)
	if done.Outcome != procedures.OutcomeApproved || len(done.Urges) != 2 || len(done.Readers) != 1 {
		t.Fatalf("outcome %s urges %d readers %+v", done.Outcome, len(done.Urges), done.Readers)
	}

	var got notifications
	e.do(http.MethodGet, "/v1/me/notifications", regB, nil).expect(t, http.StatusOK).decode(t, &got)
	for _, kind := range []string{"assigned", "urged"} {
		if !got.has(st.CaseID, kind) {
			t.Errorf("the holder has no %q message: %+v", kind, got.Items)
		}
	}
	e.do(http.MethodGet, "/v1/me/notifications", regA, nil).expect(t, http.StatusOK).decode(t, &got)
	if !got.has(st.CaseID, "copied") {
		t.Errorf("the reader has no copy message: %+v", got.Items)
	}
	e.do(http.MethodGet, "/v1/me/notifications", c.manTok, nil).expect(t, http.StatusOK).decode(t, &got)
	if !got.has(st.CaseID, "decided") {
		t.Fatalf("the applicant was not told the outcome: %+v", got.Items)
	}
	var id int64
	for _, it := range got.Items {
		if it.Kind == "decided" && it.CaseID == st.CaseID {
			id = it.ID
		}
	}
	e.do(http.MethodPost, "/v1/me/notifications/"+strconv.FormatInt(id, 10)+"/read", c.manTok, nil).expect(t, http.StatusNoContent)
	e.do(http.MethodPost, "/v1/me/notifications/"+strconv.FormatInt(id, 10)+"/read", c.womanTok, nil).expect(t, http.StatusNotFound)
}

// TestTakeBackOnlyBeforeTheNextStageActs: a registrar takes an acceptance
// back while review has not acted, and cannot once a colleague claimed it.
func TestTakeBackOnlyBeforeTheNextStageActs(t *testing.T) {
	e := sharedEnv(t)
	regA := e.staffMember("tb-reg-a", "甲登记", "registrar:110105")
	regB := e.staffMember("tb-reg-b", "乙登记", "registrar:110105")
	f := e.founder()
	st := e.submitOrg(orgApplication("social-group-registration", beijingChaoyang, f), f)
	if got := e.act(st.CaseID, regA, "accept", "").expect(t, http.StatusOK).state(t); got.Stage != "review" {
		t.Fatalf("stage %s", got.Stage)
	}
	back := e.act(st.CaseID, regA, "take-back", "误受理").expect(t, http.StatusOK).state(t)
	if back.Stage != "intake" {
		t.Fatalf("after take-back: stage %s", back.Stage)
	}
	e.act(st.CaseID, regA, "accept", "").expect(t, http.StatusOK)
	e.do(http.MethodPost, "/v1/cases/"+st.CaseID+"/actions", regB, map[string]any{"action": "claim"}).expect(t, http.StatusOK)
	res := e.act(st.CaseID, regA, "take-back", "").expect(t, http.StatusConflict)
	if !strings.Contains(string(res.body), "before the next stage acts") {
		t.Fatalf("reason: %s", res.body)
	}
}
