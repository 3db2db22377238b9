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

// TestM22MarriageMissingFromTheRegistryThroughTheAPI: a couple married in
// 1995, whose marriage the registry lacks, apply; the case waits for the
// archive instead of being not accepted (婚姻登记条例第十四条第（三）项, 第十九
// 条); the registrar adds it from the archive and the case goes on to the
// in-person acceptance.
func TestM22MarriageMissingFromTheRegistryThroughTheAPI(t *testing.T) {
	e := sharedEnv(t)
	reg := e.token("reg-m22", "褚登记", "registrar:110105")
	c := e.couple("19700101", "19720101")
	body := divorceBody(c, beijingChaoyang)
	number := "J110105-1995-" + c.man[14:17]
	form := body["form"].(map[string]any)
	form["marriageCertificateNumber"], form["marriageRegisteredOn"] = number, "1995-05-20"
	st := e.do(http.MethodPost, "/v1/cases", c.womanTok, body).expect(t, http.StatusCreated).state(t)
	if st.Stage != "archive-verification" || st.Outcome != "" {
		t.Fatalf("filed: stage %s outcome %s reasons %+v", st.Stage, st.Outcome, st.Reasons)
	}
	st = e.do(http.MethodPost, "/v1/cases/"+st.CaseID+"/actions", reg, map[string]any{
		"action": "archive-verified", "attachments": []map[string]string{{"title": "结婚登记档案复印件", "reference": "archive://" + number}},
	}).expect(t, http.StatusOK).state(t)
	if st.Stage != "in-person-acceptance" {
		t.Fatalf("after the archive: stage %s reasons %+v", st.Stage, st.Reasons)
	}
	// Before acceptance a spouse may still withdraw from home.
	done := e.act(st.CaseID, c.womanTok, "withdraw", "").expect(t, http.StatusOK).state(t)
	if done.Outcome != procedures.OutcomeWithdrawn {
		t.Fatalf("outcome %s", done.Outcome)
	}
	if *recordHistories {
		e.saveHistory(st.CaseID, "divorce-v4-archive-withdrawn.json")
	}
}
