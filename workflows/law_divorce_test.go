package workflows_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"civilflow/procedures"
	"civilflow/workflows"
)

// TestW9DivorceStartsAtInPersonAcceptance: both spouses apply in person
// (民法典第一千零七十六条第一款, 婚姻登记条例第十三条) and the 30 days run from
// the office's receipt of that application (民法典第一千零七十七条第一款).
// Submitted online 2026-03-02, the case waits without a period; accepted
// on 2026-03-05, day 30 is 2026-04-04 (Saturday, 清明), so the period ends
// on the next working day, 2026-04-07 (民法典第二百零三条).
func TestW9DivorceStartsAtInPersonAcceptance(t *testing.T) {
	f := newFixture(t, received("2026-03-02"))
	f.marry()
	var before, after workflows.CaseState
	f.at("2026-03-03", 10, func() { before = f.state() })
	var accept *outcome
	f.at("2026-03-05", 11, func() { accept = f.act("accept", registrar, "") })
	f.at("2026-03-05", 12, func() { after = f.state() })
	f.at("2026-03-06", 10, func() {
		f.actReq(workflows.ActRequest{Action: "withdraw", Actor: registrar, Attachments: []workflows.Attachment{withdrawalForm}})
	})
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, f.input("divorce-registration", fill(divorceForm)))
	f.result()
	accept.expect(t, "acceptance in person", "")
	if before.Stage != "in-person-acceptance" || len(before.Deadlines) != 0 {
		t.Fatalf("before acceptance: stage %s deadlines %+v", before.Stage, before.Deadlines)
	}
	if after.Stage != "cooling-off" || len(after.Deadlines) != 1 {
		t.Fatalf("after acceptance: stage %s deadlines %+v", after.Stage, after.Deadlines)
	}
	if d := after.Deadlines[0]; d.From != "2026-03-05" || d.LastDay != "2026-04-07" {
		t.Fatalf("cooling-off %+v, want from 2026-03-05 to 2026-04-07", d)
	}
	accepts := events(after, "accept")
	if len(accepts) != 1 || accepts[0].Actor != registrar.Subject || accepts[0].Basis == "" {
		t.Fatalf("acceptance in the trail: %+v", accepts)
	}
}

// TestS3ReceiptAndWithdrawalConfirmationAreIssued: 民发〔2020〕116号 names
// the 离婚登记申请受理回执单, issued on acceptance with the case and the
// last day of the cooling-off period, and the 撤回离婚登记申请确认单,
// issued on withdrawal; each spouse gets one of each.
func TestS3ReceiptAndWithdrawalConfirmationAreIssued(t *testing.T) {
	f := newFixture(t, received("2026-01-16"))
	f.marry()
	f.acceptInPerson("2026-01-16")
	var cooling workflows.CaseState
	f.at("2026-01-17", 10, func() { cooling = f.state() })
	f.at("2026-01-25", 10, func() {
		f.actReq(workflows.ActRequest{Action: "withdraw", Actor: registrar, Opinion: "张伟到场撤回", Attachments: []workflows.Attachment{withdrawalForm}})
	})
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, f.input("divorce-registration", fill(divorceForm)))
	st := f.result()
	if len(cooling.Documents) != 2 {
		t.Fatalf("documents after acceptance %+v", cooling.Documents)
	}
	for _, d := range cooling.Documents {
		if d.Kind != "divorce-acceptance-receipt" || d.Data["caseId"] != st.CaseID || d.Data["coolingOffLastDay"] != "2026-02-24" ||
			d.Data["coolingOffLastDay"] != cooling.Deadlines[0].LastDay || d.IssuedOn != "2026-01-16" || d.Number == "" {
			t.Errorf("receipt %+v", d)
		}
	}
	if cooling.Documents[0].HolderIDNumber == cooling.Documents[1].HolderIDNumber {
		t.Errorf("both receipts for one spouse: %+v", cooling.Documents)
	}
	if st.Outcome != procedures.OutcomeWithdrawn || len(st.Documents) != 4 {
		t.Fatalf("outcome %s documents %+v", st.Outcome, st.Documents)
	}
	for _, d := range st.Documents[2:] {
		if d.Kind != "divorce-withdrawal-confirmation" || d.Data["caseId"] != st.CaseID || d.Data["withdrawnOn"] != "2026-01-25" {
			t.Errorf("withdrawal confirmation %+v", d)
		}
	}
}

// TestN15WithdrawalDuringCoolingOffIsMadeInPerson: under 民发〔2020〕116号
// a spouse withdraws at the receiving office with a written withdrawal;
// a spouse's remote action is refused, the registrar's with the written
// withdrawal is taken (民法典第一千零七十七条第一款: either may withdraw).
func TestN15WithdrawalDuringCoolingOffIsMadeInPerson(t *testing.T) {
	f := newFixture(t, received("2026-01-16"))
	f.marry()
	f.acceptInPerson("2026-01-16")
	var remote, inPerson *outcome
	f.at("2026-01-20", 10, func() {
		remote = f.act("withdraw", workflows.Actor{Subject: wife, Name: "李娜"}, "")
		inPerson = f.actReq(workflows.ActRequest{Action: "withdraw", Actor: registrar, Opinion: "李娜到场撤回", Attachments: []workflows.Attachment{withdrawalForm}})
	})
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, f.input("divorce-registration", fill(divorceForm)))
	st := f.result()
	remote.expect(t, "remote withdrawal", "requires the role registrar")
	inPerson.expect(t, "withdrawal at the office", "")
	if st.Outcome != procedures.OutcomeWithdrawn {
		t.Fatalf("outcome %s", st.Outcome)
	}
}

// TestW9DivorceAtTheCounterIsAcceptedOnReceipt: entered by a registrar at
// the counter with both spouses present, the application is received and
// accepted at once (民法典第一千零七十六条、第一千零七十七条): the receipt
// is issued and the cooling-off counts from the day of receipt.
func TestW9DivorceAtTheCounterIsAcceptedOnReceipt(t *testing.T) {
	f := newFixture(t, received("2026-01-16"))
	f.marry()
	counter := workflows.Actor{Subject: "reg-002", Name: "窗口登记员", Roles: registrar.Roles}
	var cooling workflows.CaseState
	f.at("2026-01-16", 11, func() { cooling = f.state() })
	f.at("2026-01-17", 10, func() {
		f.actReq(workflows.ActRequest{Action: "withdraw", Actor: registrar, Attachments: []workflows.Attachment{withdrawalForm}})
	})
	in := f.input("divorce-registration", fill(divorceForm))
	in.Submitter = counter
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, in)
	f.result()
	if cooling.Stage != "cooling-off" || len(cooling.Deadlines) != 1 || cooling.Deadlines[0].From != "2026-01-16" ||
		cooling.Deadlines[0].LastDay != "2026-02-24" || len(cooling.Documents) != 2 || cooling.Documents[0].Kind != "divorce-acceptance-receipt" {
		t.Fatalf("at the counter: stage %s deadlines %+v documents %+v", cooling.Stage, cooling.Deadlines, cooling.Documents)
	}
}

// TestM22MarriageMissingFromTheRegistryIsVerifiedInTheArchive: the couple
// hold certificates J110105-1995-000123 of a marriage registered before
// the registry went electronic. Not registered outside the mainland, it is
// no ground for not accepting (婚姻登记条例第十四条第（三）项): the registrar
// finds it in the paper archive (第十九条), adds it, and the application
// goes on to acceptance.
func TestM22MarriageMissingFromTheRegistryIsVerifiedInTheArchive(t *testing.T) {
	f := newFixture(t, received("2026-03-02"))
	form := strings.Replace(fill(divorceForm), `"fullCivilCapacity":true`,
		`"fullCivilCapacity":true,"marriageCertificateNumber":"J110105-1995-000123","marriageRegisteredOn":"1995-05-20"`, 1)
	var waiting, accepting workflows.CaseState
	var noCopy, verified *outcome
	f.at("2026-03-02", 11, func() {
		waiting = f.state()
		noCopy = f.act("archive-verified", registrar, "")
		verified = f.actReq(workflows.ActRequest{Action: "archive-verified", Actor: registrar,
			Attachments: []workflows.Attachment{{Title: "结婚登记档案复印件", Reference: "archive://110105/1995/000123"}}})
	})
	f.at("2026-03-02", 12, func() {
		accepting = f.state()
		f.act("withdraw", spouseA, "")
	})
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, f.input("divorce-registration", form))
	f.result()
	noCopy.expect(t, "without the archive copy", "requires the document")
	verified.expect(t, "verified in the archive", "")
	if waiting.Stage != "archive-verification" || waiting.Status != workflows.StatusOpen {
		t.Fatalf("without a registry row: stage %s outcome %s", waiting.Stage, waiting.Outcome)
	}
	if accepting.Stage != "in-person-acceptance" {
		t.Fatalf("after the archive: stage %s reasons %+v", accepting.Stage, accepting.Reasons)
	}
	m, err := f.db.ActiveMarriageBetween(context.Background(), husband, wife)
	if err != nil || m == nil || m.RegisteredOn != "1995-05-20" || m.Office != "110105" {
		t.Fatalf("registry after 补录: %+v %v", m, err)
	}
}

// TestM22NotInTheArchiveIsNotAccepted: nothing in the archive either, the
// registrar does not accept the application, with reasons and the appeal.
func TestM22NotInTheArchiveIsNotAccepted(t *testing.T) {
	f := newFixture(t, received("2026-03-02"))
	f.at("2026-03-02", 11, func() { f.act("not-found", registrar, "经查婚姻登记档案，无该结婚登记记录") })
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, f.input("divorce-registration", fill(divorceForm)))
	st := f.result()
	if st.Outcome != procedures.OutcomeNotAccepted || st.AppealNotice == nil || len(st.Reasons) == 0 {
		t.Fatalf("outcome %s reasons %+v", st.Outcome, st.Reasons)
	}
}

// TestN15SpouseDeathDuringCoolingOffTerminates: a divorce needs the joint
// application of both spouses in person (民法典第一千零七十六条); when one
// dies during the cooling-off period the marriage has ended and the
// registrar, shown the death certificate, terminates the case; no divorce
// certificate is issued.
func TestN15SpouseDeathDuringCoolingOffTerminates(t *testing.T) {
	f := newFixture(t, received("2026-01-16"))
	f.marry()
	f.acceptInPerson("2026-01-16")
	var died *outcome
	f.at("2026-01-28", 10, func() {
		died = f.actReq(workflows.ActRequest{Action: "spouse-died", Actor: registrar, Opinion: "张伟于2026年1月26日死亡",
			Attachments: []workflows.Attachment{{Title: "居民死亡医学证明（推断）书", Reference: "archive://death/2026-0126"}}})
	})
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, f.input("divorce-registration", fill(divorceForm)))
	st := f.result()
	died.expect(t, "spouse died", "")
	if st.Outcome != procedures.OutcomeTerminated || st.AppealNotice == nil {
		t.Fatalf("outcome %s notice %v", st.Outcome, st.AppealNotice)
	}
	for _, d := range st.Documents {
		if d.Kind == "divorce-certificate" {
			t.Fatalf("divorce certificate issued: %+v", d)
		}
	}
}

// TestW10HongKongSpouseDivorceNotAcceptedAtACounty: a divorce with a Hong
// Kong resident is for the provincial department (婚姻登记条例第二条第二款).
func TestW10HongKongSpouseDivorceNotAcceptedAtACounty(t *testing.T) {
	f := newFixture(t, received("2026-03-02"))
	hk := newID("810000", "19900101", "123")
	in := f.input("divorce-registration", strings.Replace(fill(divorceForm), husband, hk, 1))
	in.Parties[0].IDNumber = hk
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, in)
	st := f.result()
	if st.Outcome != procedures.OutcomeNotAccepted || !slices.ContainsFunc(st.Reasons, func(r workflows.Reason) bool {
		return r.Check == "marriage-registration-office" && strings.Contains(r.Message.Zh, "北京市民政局")
	}) {
		t.Fatalf("outcome %s reasons %+v", st.Outcome, st.Reasons)
	}
}
