package integration

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"civilflow/procedures"
	"civilflow/workflows"
)

// haidian is 海淀区, Beijing: the adoption registration office of these tests.
const haidian = "110108"

// adoptionStaff are two registrars of the office and a contracted assessor.
type adoptionStaff struct {
	reg, reg2, assessor officer
}

func (e *env) adoptionStaff(tag string) adoptionStaff {
	return adoptionStaff{
		reg:      e.officer("reg-hd-"+tag, "海淀登记员", "registrar:"+haidian),
		reg2:     e.officer("reg-hd2-"+tag, "海淀评估员", "registrar:"+haidian),
		assessor: e.officer("asr-hd-"+tag, "收养评估中心", "assessor:"+haidian),
	}
}

type adopter struct{ id, name, tok string }

func (e *env) adopter(birth string, male bool) adopter {
	id := person(birth, male)
	return adopter{id: id, name: "收养人" + id[14:17], tok: e.token(id, "收养人")}
}

// spouses registers a marriage and returns the two as adopters.
func (e *env) spouses(manBirth, womanBirth string) (adopter, adopter) {
	e.t.Helper()
	c := e.couple(manBirth, womanBirth)
	reg := e.token("reg-adoption-marriages", "婚姻登记员", "registrar:"+beijingChaoyang)
	st := e.do(http.MethodPost, "/v1/cases", c.manTok, marriageBody(c, beijingChaoyang)).expect(e.t, http.StatusCreated).state(e.t)
	e.act(st.CaseID, reg, "register", "").expect(e.t, http.StatusOK)
	return adopter{c.man, c.manName, c.manTok}, adopter{c.woman, c.womanName, c.womanTok}
}

// adoptionBody is an application that passes every rule: the adopters take
// in a boy of six whose parents have special difficulties.
func adoptionBody(adopters ...adopter) map[string]any {
	var apps []map[string]string
	for _, a := range adopters {
		apps = append(apps, map[string]string{"name": a.name, "idNumber": a.id})
	}
	return map[string]any{"procedure": "adoption-registration", "office": haidian, "form": map[string]any{
		"applicants":      apps,
		"adopterChildren": map[string]any{"birth": 0, "adopted": 0},
		"declaration":     map[string]any{"ableToRaise": true, "noDisqualifyingDisease": true, "noAdverseRecord": true},
		"child":           map[string]any{"name": "小明", "sex": "male", "birthDate": "2020-05-01", "category": "parents-in-difficulty"},
		"placement":       map[string]any{"placer": "birth-parents", "name": "王某、刘某", "consents": true, "division": haidian},
	}}
}

func formPart(body map[string]any, key string) map[string]any {
	return body["form"].(map[string]any)[key].(map[string]any)
}

// foundling makes the child one whose parents cannot be found, living in a
// welfare institution that places her.
func foundling(body map[string]any) map[string]any {
	c := formPart(body, "child")
	c["category"], c["inWelfareInstitution"], c["sex"], c["name"] = "parents-not-found", true, "female", "小花"
	p := formPart(body, "placement")
	p["placer"], p["name"] = "welfare-institution", "北京市儿童福利院"
	return body
}

func reasonChecks(st workflows.CaseState) []string {
	var out []string
	for _, r := range st.Reasons {
		if !slices.Contains(out, r.Check) {
			out = append(out, r.Check)
		}
	}
	slices.Sort(out)
	return out
}

func clockNamed(st workflows.CaseState, name string) workflows.ClockState {
	for _, c := range st.Clocks {
		if c.Name == name {
			return c
		}
	}
	return workflows.ClockState{}
}

// TestAdoptionRegisteredAfterStaffAssessment: a married couple adopts; two
// staff assess them; the registrar registers and each adopter gets an
// adoption certificate. The registry then counts that adoption against a
// later one.
func TestAdoptionRegisteredAfterStaffAssessment(t *testing.T) {
	e := sharedEnv(t)
	s := e.adoptionStaff("ok")
	man, woman := e.spouses("19850101", "19870101")
	st := e.do(http.MethodPost, "/v1/cases", man.tok, adoptionBody(man, woman)).expect(t, http.StatusCreated).state(t)
	id := st.CaseID
	if st.Stage != "assessment-arrangement" || !strings.HasPrefix(id, "ADO-"+haidian+"-") || len(st.Deadlines) != 0 {
		t.Fatalf("after submission: %s at %s, reasons %+v", id, st.Stage, st.Reasons)
	}
	if c := clockNamed(st, "review"); c.Status != workflows.ClockSuspended || c.Remaining != 30 {
		t.Fatalf("the review clock stands still during the assessment: %+v", c)
	}
	e.act(id, woman.tok, "assess-by-staff", "").expect(t, http.StatusConflict)
	st = e.act(id, s.reg.tok, "assess-by-staff", "").expect(t, http.StatusOK).state(t)
	if st.Stage != "staff-assessment" || len(st.Signatures) != 2 {
		t.Fatalf("stage %s signatures %+v", st.Stage, st.Signatures)
	}
	e.act(id, s.reg.tok, "agree", "").expect(t, http.StatusOK)
	e.act(id, s.reg.tok, "agree", "").expect(t, http.StatusConflict) // two different assessors
	st = e.act(id, s.reg2.tok, "agree", "").expect(t, http.StatusOK).state(t)
	if st.Stage != "review" || clockNamed(st, "review").Status != workflows.ClockRunning || clockNamed(st, "assessment").Status != workflows.ClockMet {
		t.Fatalf("stage %s clocks %+v", st.Stage, st.Clocks)
	}
	st = e.act(id, s.reg.tok, "register", "").expect(t, http.StatusOK).state(t)
	if st.Outcome != procedures.OutcomeApproved || len(st.Documents) != 2 || clockNamed(st, "review").Status != workflows.ClockMet {
		t.Fatalf("outcome %s documents %+v clocks %+v", st.Outcome, st.Documents, st.Clocks)
	}
	for i, d := range st.Documents {
		if d.Kind != "adoption-certificate" || !strings.HasPrefix(d.Number, "SY"+haidian+"-") || d.HolderIDNumber != []string{man.id, woman.id}[i] {
			t.Fatalf("certificate %+v", d)
		}
	}

	// They declare one child of their own and no adoption, but the
	// registry holds the one just registered: both number rules fail.
	again := adoptionBody(man, woman)
	formPart(again, "adopterChildren")["birth"] = 1
	st = e.do(http.MethodPost, "/v1/cases", man.tok, again).expect(t, http.StatusCreated).state(t)
	if got := reasonChecks(st); st.Outcome != procedures.OutcomeRefused || !slices.Equal(got, []string{"adopter-children", "adoption-number"}) {
		t.Fatalf("second adoption: outcome %s reasons %+v", st.Outcome, st.Reasons)
	}
}

// TestAdoptionThirdPartyReport: the contracted assessor must attach its
// report; the registrar then registers.
func TestAdoptionThirdPartyReport(t *testing.T) {
	e := sharedEnv(t)
	s := e.adoptionStaff("tp")
	man, woman := e.spouses("19840101", "19860101")
	st := e.do(http.MethodPost, "/v1/cases", woman.tok, adoptionBody(man, woman)).expect(t, http.StatusCreated).state(t)
	id := st.CaseID
	e.act(id, s.reg.tok, "commission-third-party", "").expect(t, http.StatusOK)
	e.act(id, s.reg.tok, "report-favourable", "").expect(t, http.StatusConflict) // registrars do not write the report
	if res := e.act(id, s.assessor.tok, "report-favourable", ""); res.status != http.StatusConflict || !strings.Contains(string(res.body), "attachment") {
		t.Fatalf("report without the document: %d %s", res.status, res.body)
	}
	st = e.mustAttach(id, s.assessor, "report-favourable", "", "收养能力评估报告")
	if st.Stage != "review" {
		t.Fatalf("stage %s", st.Stage)
	}
	st = e.act(id, s.reg.tok, "register", "").expect(t, http.StatusOK).state(t)
	if st.Outcome != procedures.OutcomeApproved {
		t.Fatalf("outcome %s", st.Outcome)
	}
}

// TestAdoptionRefusedWithEveryReason: each rule of Civil Code 1093-1104
// refuses the application on its own, and several at once are all listed.
func TestAdoptionRefusedWithEveryReason(t *testing.T) {
	shared := sharedEnv(t)
	for _, tc := range []struct {
		name   string
		build  func(e *env) (adopter, map[string]any)
		checks []string // nil: not refused
		count  int      // reasons expected, when more than one per check
	}{
		{"adopter under 30", func(e *env) (adopter, map[string]any) {
			a := e.adopter("20000101", false)
			b := adoptionBody(a)
			formPart(b, "child")["sex"] = "female"
			return a, b
		}, []string{"adopter-age"}, 0},
		{"two children already", func(e *env) (adopter, map[string]any) {
			m, w := e.spouses("19800101", "19820101")
			b := adoptionBody(m, w)
			formPart(b, "adopterChildren")["birth"] = 2
			return m, b
		}, []string{"adopter-children"}, 0},
		{"a child and an adoption already", func(e *env) (adopter, map[string]any) {
			m, w := e.spouses("19800101", "19820101")
			b := adoptionBody(m, w)
			formPart(b, "adopterChildren")["birth"], formPart(b, "adopterChildren")["adopted"] = 1, 1
			return m, b
		}, []string{"adopter-children", "adoption-number"}, 0},
		{"orphan: the number rules do not apply", func(e *env) (adopter, map[string]any) {
			m, w := e.spouses("19800101", "19820101")
			b := adoptionBody(m, w)
			formPart(b, "adopterChildren")["birth"] = 2
			formPart(b, "child")["category"] = "orphan"
			formPart(b, "placement")["placer"], formPart(b, "placement")["supportersConsent"] = "guardian", true
			return m, b
		}, nil, 0},
		{"declarations missing", func(e *env) (adopter, map[string]any) {
			m, w := e.spouses("19800101", "19820101")
			b := adoptionBody(m, w)
			formPart(b, "declaration")["noDisqualifyingDisease"], formPart(b, "declaration")["noAdverseRecord"] = false, false
			return m, b
		}, []string{"adopter-declarations"}, 2},
		{"a married man alone", func(e *env) (adopter, map[string]any) {
			m, _ := e.spouses("19800101", "19820101")
			return m, adoptionBody(m)
		}, []string{"joint-adoption-by-spouses"}, 0},
		{"two adopters not married", func(e *env) (adopter, map[string]any) {
			a, b := e.adopter("19800101", true), e.adopter("19820101", false)
			return a, adoptionBody(a, b)
		}, []string{"joint-adoption-by-spouses"}, 0},
		{"single man adopts a girl 26 years younger", func(e *env) (adopter, map[string]any) {
			a := e.adopter("19900101", true)
			b := adoptionBody(a)
			c := formPart(b, "child")
			c["sex"], c["birthDate"], c["consents"] = "female", "2016-01-01", true
			return a, b
		}, []string{"single-adopter-age-gap"}, 0},
		{"an adult", func(e *env) (adopter, map[string]any) {
			m, w := e.spouses("19700101", "19720101")
			b := adoptionBody(m, w)
			formPart(b, "child")["birthDate"], formPart(b, "child")["consents"] = "2006-01-01", true
			return m, b
		}, []string{"child-adoptable"}, 0},
		{"a child of ten does not consent", func(e *env) (adopter, map[string]any) {
			m, w := e.spouses("19800101", "19820101")
			b := adoptionBody(m, w)
			formPart(b, "child")["birthDate"] = "2016-01-01"
			return m, b
		}, []string{"child-consent"}, 0},
		{"the parents do not consent", func(e *env) (adopter, map[string]any) {
			m, w := e.spouses("19800101", "19820101")
			b := adoptionBody(m, w)
			formPart(b, "placement")["consents"] = false
			return m, b
		}, []string{"placement-consent"}, 0},
		{"everything at once", func(e *env) (adopter, map[string]any) {
			a := e.adopter("20010101", true)
			b := adoptionBody(a)
			formPart(b, "adopterChildren")["birth"] = 2
			formPart(b, "declaration")["ableToRaise"] = false
			c := formPart(b, "child")
			c["sex"], c["birthDate"] = "female", "2016-01-01"
			formPart(b, "placement")["consents"] = false
			return a, b
		}, []string{"adopter-age", "adopter-children", "adopter-declarations", "child-consent", "placement-consent", "single-adopter-age-gap"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := *shared
			e.t = t
			a, body := tc.build(&e)
			st := e.do(http.MethodPost, "/v1/cases", a.tok, body).expect(t, http.StatusCreated).state(t)
			if tc.checks == nil {
				if st.Status != workflows.StatusOpen || len(st.Reasons) != 0 {
					t.Fatalf("refused: %s %+v", st.Outcome, st.Reasons)
				}
				return
			}
			if st.Outcome != procedures.OutcomeRefused || st.AppealNotice == nil || !slices.Equal(reasonChecks(st), tc.checks) {
				t.Fatalf("outcome %s reasons %+v, want %v", st.Outcome, st.Reasons, tc.checks)
			}
			if tc.count > 0 && len(st.Reasons) != tc.count {
				t.Fatalf("%d reasons, want %d: %+v", len(st.Reasons), tc.count, st.Reasons)
			}
			for _, r := range st.Reasons {
				if r.Message.Zh == "" || r.Message.En == "" || r.Basis == "" {
					t.Fatalf("reason %+v", r)
				}
			}
		})
	}
}

// TestStepparentAdoptionSkipsAssessment: a stepfather of 28 adopts his
// wife's son; the age, children and declaration rules and the assessment
// do not apply (Civil Code 1103), the child's consent does.
func TestStepparentAdoptionSkipsAssessment(t *testing.T) {
	e := sharedEnv(t)
	s := e.adoptionStaff("step")
	man, woman := e.spouses("19980101", "19990101")
	body := adoptionBody(man)
	formPart(body, "adopterChildren")["birth"] = 2
	formPart(body, "declaration")["ableToRaise"] = false
	c := formPart(body, "child")
	c["category"], c["birthDate"] = "stepchild", "2016-01-01"
	p := formPart(body, "placement")
	p["placer"], p["name"], p["birthParentIdNumber"] = "birth-parent", woman.name, woman.id
	st := e.do(http.MethodPost, "/v1/cases", man.tok, body).expect(t, http.StatusCreated).state(t)
	if st.Outcome != procedures.OutcomeRefused || !slices.Equal(reasonChecks(st), []string{"child-consent"}) {
		t.Fatalf("without the child's consent: %s %+v", st.Outcome, st.Reasons)
	}
	c["consents"] = true
	st = e.do(http.MethodPost, "/v1/cases", man.tok, body).expect(t, http.StatusCreated).state(t)
	if st.Stage != "review" || clockNamed(st, "review").Status != workflows.ClockRunning || clockNamed(st, "assessment").Name != "" {
		t.Fatalf("stage %s clocks %+v reasons %+v", st.Stage, st.Clocks, st.Reasons)
	}
	for _, ev := range st.Timeline {
		if strings.HasPrefix(ev.StageTo, "assessment-arrangement") || strings.HasSuffix(ev.StageTo, "announcement") {
			t.Fatalf("a stepchild's adoption went through %s", ev.StageTo)
		}
	}
	st = e.act(st.CaseID, s.reg.tok, "register", "").expect(t, http.StatusOK).state(t)
	if st.Outcome != procedures.OutcomeApproved || len(st.Documents) != 1 || len(st.Reasons) != 0 {
		t.Fatalf("outcome %s documents %+v reasons %+v", st.Outcome, st.Documents, st.Reasons)
	}
}

// publishAnnouncement records, through the API, that the announcement
// seeking a foundling's parents was published today.
func (e *env) publishAnnouncement(caseID, registrarTok string) response {
	return e.do(http.MethodPost, "/v1/cases/"+caseID+"/actions", registrarTok, map[string]any{
		"action": "announcement-published", "attachments": []map[string]string{{"title": "寻亲公告", "reference": "doc://announcement/" + caseID}}})
}

// TestM7AnnouncementCountsFromPublicationThroughTheAPI: received 75 days
// ago, the case waited for the announcement to appear; the 60 days run
// from the day it was published (自公告之日起, 登记办法第八条第二款), not
// from receipt, so the period runs now. (The timer ending the announcement
// is tested with time skipping in the workflows package.)
func TestM7AnnouncementCountsFromPublicationThroughTheAPI(t *testing.T) {
	e := sharedEnv(t)
	s := e.adoptionStaff("m7")
	man, woman := e.spouses("19830101", "19850101")
	received := e.clock.Now().In(workflows.ChinaTime).AddDate(0, 0, -75).Format(time.DateOnly)
	e.clock.receivedOn(t, received)
	st := e.do(http.MethodPost, "/v1/cases", man.tok, foundling(adoptionBody(man, woman))).expect(t, http.StatusCreated).state(t)
	if st.Stage != "awaiting-publication" || len(st.Deadlines) != 0 {
		t.Fatalf("after submission: %s %+v", st.Stage, st.Deadlines)
	}
	e.act(st.CaseID, s.reg.tok, "announcement-published", "").expect(t, http.StatusConflict) // the announcement itself is attached
	st = e.publishAnnouncement(st.CaseID, s.reg.tok).expect(t, http.StatusOK).state(t)
	today := chinaDate(time.Now())
	if want := e.periodEnd(man.tok, today, 60, "calendar-days"); st.Stage != "announcement" || len(st.Deadlines) != 1 ||
		st.Deadlines[0].From != today || st.Deadlines[0].LastDay != want || !st.Deadlines[0].Active {
		t.Fatalf("announcement %s %+v, want %s to %s", st.Stage, st.Deadlines, today, want)
	}
	if clockNamed(st, "review").Status != workflows.ClockSuspended {
		t.Fatalf("clocks %+v", st.Clocks)
	}
	done := e.act(st.CaseID, woman.tok, "withdraw", "").expect(t, http.StatusOK).state(t)
	if done.Outcome != procedures.OutcomeWithdrawn {
		t.Fatalf("outcome %s", done.Outcome)
	}
	if *recordHistories {
		e.saveHistory(st.CaseID, "adoption-v2-published-withdrawn.json")
	}
}

// TestAdoptionAnnouncementInterrupted: a man claims to be the father; the
// case goes back to review. A founded claim ends in refusal; an unfounded
// one in a new announcement of 60 days from then.
func TestAdoptionAnnouncementInterrupted(t *testing.T) {
	shared := sharedEnv(t)
	s := shared.adoptionStaff("claim")
	claim := func(e *env) workflows.CaseState {
		e.t.Helper()
		man, woman := e.spouses("19830101", "19850101")
		st := e.do(http.MethodPost, "/v1/cases", woman.tok, foundling(adoptionBody(man, woman))).expect(e.t, http.StatusCreated).state(e.t)
		st = e.publishAnnouncement(st.CaseID, s.reg.tok).expect(e.t, http.StatusOK).state(e.t)
		if st.Stage != "announcement" || len(st.Deadlines) != 1 || st.Deadlines[0].From != chinaDate(st.ReceivedAt) {
			e.t.Fatalf("after submission: %s %+v", st.Stage, st.Deadlines)
		}
		e.act(st.CaseID, s.reg.tok, "register", "").expect(e.t, http.StatusConflict)
		e.act(st.CaseID, s.reg.tok, "parent-came-forward", "").expect(e.t, http.StatusConflict)
		st = e.act(st.CaseID, s.reg.tok, "parent-came-forward", "一男子持出生医学证明前来认领").expect(e.t, http.StatusOK).state(e.t)
		if st.Stage != "claim-review" || st.Deadlines[0].Active || clockNamed(st, "review").Status != workflows.ClockRunning {
			e.t.Fatalf("after the claim: %s %+v %+v", st.Stage, st.Deadlines, st.Clocks)
		}
		return st
	}
	t.Run("founded", func(t *testing.T) {
		e := *shared
		e.t = t
		st := claim(&e)
		st = e.act(st.CaseID, s.reg.tok, "refuse", "生父认领，经核实属实，被收养人不属于查找不到生父母的儿童").expect(t, http.StatusOK).state(t)
		if st.Outcome != procedures.OutcomeRefused || len(st.Reasons) != 1 || st.AppealNotice == nil {
			t.Fatalf("outcome %s reasons %+v", st.Outcome, st.Reasons)
		}
	})
	t.Run("unfounded", func(t *testing.T) {
		e := *shared
		e.t = t
		st := claim(&e)
		st = e.act(st.CaseID, s.reg.tok, "announce-again", "亲子鉴定排除，认领不实").expect(t, http.StatusOK).state(t)
		today := chinaDate(e.clock.Now())
		if st.Stage != "re-announcement" || len(st.Deadlines) != 2 || st.Deadlines[1].From != today ||
			st.Deadlines[1].LastDay != e.periodEnd(s.reg.tok, today, 60, "calendar-days") {
			t.Fatalf("new announcement: %s %+v", st.Stage, st.Deadlines)
		}
		if clockNamed(st, "review").Status != workflows.ClockSuspended {
			t.Fatalf("clocks %+v", st.Clocks)
		}
	})
}

func chinaDate(t time.Time) string { return t.In(workflows.ChinaTime).Format(time.DateOnly) }
