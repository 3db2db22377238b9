package integration

import (
	"net/http"
	"strings"
	"testing"

	"civilflow/idnumber"
	"civilflow/procedures"
	"civilflow/workflows"
)

// counterDivorce files a divorce as a registrar of office does at the
// counter with both spouses present: accepted on receipt, the cooling-off
// period running (民法典第一千零七十六条、第一千零七十七条). The counter
// registrar is another person than the one who later decides (D4).
func (e *env) counterDivorce(c couple, office string) workflows.CaseState {
	e.t.Helper()
	counter := e.token("reg-counter-"+office, "窗口登记员", "registrar:"+office)
	return e.do(http.MethodPost, "/v1/cases", counter, divorceBody(c, office)).expect(e.t, http.StatusCreated).state(e.t)
}

// withdrawInPerson records a spouse's withdrawal at the office, with the
// written withdrawal (撤回离婚登记申请书) as its attachment.
func (e *env) withdrawInPerson(caseID, registrarTok string) response {
	return e.do(http.MethodPost, "/v1/cases/"+caseID+"/actions", registrarTok, map[string]any{
		"action": "withdraw", "opinion": "当事人到场撤回",
		"attachments": []map[string]string{{"title": "撤回离婚登记申请书", "reference": "archive://withdrawal/" + caseID}},
	})
}

// TestW9OnlineDivorceWaitsForInPersonAcceptance: a spouse files online; the
// case waits, without any period, until both appear and the registrar
// accepts (民法典第一千零七十六条第一款); then the spouses see the receipt
// (受理回执单, 民发〔2020〕116号) with the last day of the cooling-off
// period, which counts from that acceptance (第一千零七十七条第一款). A
// spouse cannot withdraw from home; the registrar records the withdrawal
// made at the office and both get its confirmation (S3, N15).
func TestW9OnlineDivorceWaitsForInPersonAcceptance(t *testing.T) {
	e := sharedEnv(t)
	reg := e.token("reg-w9", "冯登记", "registrar:110105")
	c := e.married(beijingChaoyang, reg)
	st := e.do(http.MethodPost, "/v1/cases", c.womanTok, divorceBody(c, beijingChaoyang)).expect(t, http.StatusCreated).state(t)
	if st.Stage != "in-person-acceptance" || len(st.Deadlines) != 0 || len(st.Documents) != 0 {
		t.Fatalf("filed online: stage %s deadlines %+v documents %+v", st.Stage, st.Deadlines, st.Documents)
	}
	e.act(st.CaseID, c.manTok, "accept", "").expect(t, http.StatusConflict)
	e.act(st.CaseID, reg, "accept", "").expect(t, http.StatusOK)
	st = e.do(http.MethodGet, "/v1/cases/"+st.CaseID, c.manTok, nil).expect(t, http.StatusOK).state(t)
	if st.Stage != "cooling-off" || len(st.Deadlines) != 1 || len(st.Documents) != 2 {
		t.Fatalf("accepted: stage %s deadlines %+v documents %+v", st.Stage, st.Deadlines, st.Documents)
	}
	for _, d := range st.Documents {
		if d.Kind != "divorce-acceptance-receipt" || d.Data["caseId"] != st.CaseID ||
			(d.Data["coolingOffLastDay"] != nil && d.Data["coolingOffLastDay"] != st.Deadlines[0].LastDay) {
			t.Errorf("receipt %+v, deadline %+v", d, st.Deadlines[0])
		}
	}
	e.act(st.CaseID, c.womanTok, "withdraw", "").expect(t, http.StatusConflict)
	done := e.withdrawInPerson(st.CaseID, reg).expect(t, http.StatusOK).state(t)
	if done.Outcome != procedures.OutcomeWithdrawn || len(done.Documents) != 4 || done.Documents[3].Kind != "divorce-withdrawal-confirmation" {
		t.Fatalf("withdrawn: outcome %s documents %+v", done.Outcome, done.Documents)
	}
	if *recordHistories {
		e.saveHistory(st.CaseID, "divorce-v3-accepted-withdrawn.json")
	}
}

// TestW10HongKongResidentReferredToTheProvince: a marriage with a Hong
// Kong resident (810000… residence-permit number) filed at Chaoyang is not
// accepted there; the answer refers the couple to 北京市民政局 (婚姻登记条例
// 第二条第二款) and names the body and limits of an appeal (M1).
func TestW10HongKongResidentReferredToTheProvince(t *testing.T) {
	e := sharedEnv(t)
	c := e.couple("19900101", "19920101")
	hk := "810000" + "19890303" + "135"
	hk += string(idnumber.CheckDigit(hk))
	body := marriageBody(c, beijingChaoyang)
	body["form"].(map[string]any)["applicants"] = []map[string]string{{"name": "陈港", "idNumber": hk}, c.applicants()[1]}
	st := e.do(http.MethodPost, "/v1/cases", c.womanTok, body).expect(t, http.StatusCreated).state(t)
	if st.Outcome != procedures.OutcomeNotAccepted || len(st.Reasons) != 1 ||
		!strings.Contains(st.Reasons[0].Message.Zh, "请向北京市民政局或者其指定的婚姻登记机关申请") {
		t.Fatalf("outcome %s reasons %+v", st.Outcome, st.Reasons)
	}
	if st.AppealNotice == nil || !strings.Contains(st.AppealNotice.Zh, "60日内向北京市朝阳区人民政府申请行政复议") ||
		!strings.Contains(st.AppealNotice.Zh, "6个月内") {
		t.Fatalf("appeal notice %+v", st.AppealNotice)
	}
}
