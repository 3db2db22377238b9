package workflows_test

import (
	"strings"
	"testing"

	"civilflow/procedures"
	"civilflow/workflows"
)

// TestM3ChildTurnedEighteenBeforeRegistrationIsRefused: the adoption
// exists from the day of registration (民法典第一千一百零五条第一款) and
// only a minor may be adopted (第一千零九十三条). A girl born 2008-03-01 is
// 17 when her adopters apply on 2026-02-20; the announcement and the
// assessment take until May, and on 2026-05-10, when the registrar
// registers, she is 18: the registration is refused (登记办法第八条第一款).
func TestM3ChildTurnedEighteenBeforeRegistrationIsRefused(t *testing.T) {
	f := newFixture(t, received("2026-02-20"))
	f.marry()
	form := strings.Replace(foundlingForm, `"birthDate":"2025-06-01"`, `"birthDate":"2008-03-01","consents":true`, 1)
	var register *outcome
	f.at("2026-02-20", 11, func() { f.publish() })
	f.at("2026-04-22", 10, func() { f.act("assess-by-staff", registrar, "") })
	f.at("2026-04-23", 10, func() {
		f.actReq(workflows.ActRequest{Action: "agree", Actor: registrar, Attachments: []workflows.Attachment{report}})
		f.act("agree", assessorB, "")
	})
	f.at("2026-05-10", 10, func() { register = f.act("register", registrar, "") })
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, adoptionInput(f, form))
	st := f.result()
	register.expect(t, "register", "")
	if st.Outcome != procedures.OutcomeRefused || len(st.Documents) != 0 || len(st.Reasons) != 1 ||
		st.Reasons[0].Check != "child-adoptable" || !strings.Contains(st.Reasons[0].Message.Zh, "已满18周岁") {
		t.Fatalf("outcome %s documents %+v reasons %+v", st.Outcome, st.Documents, st.Reasons)
	}
	if checks := events(st, "checks-failed"); len(checks) != 1 || checks[0].StageFrom != "registration-check" {
		t.Fatalf("refused where? %+v", checks)
	}
}

// TestM4PlacerMustFitTheChild: an orphan is placed by the guardian or the
// welfare institution, not by "birth parents" (民法典第一千零九十四条); a
// birth parent places alone only when the other is unknown, cannot be
// found or has died, with the proof (第一千零九十七条, 登记办法第七条).
func TestM4PlacerMustFitTheChild(t *testing.T) {
	for name, c := range map[string]struct {
		from, to string
		refused  bool
	}{
		"orphan placed by birth parents": {`"category":"parents-in-difficulty"`, `"category":"orphan"`, true},
		"one parent alone, no proof":     {`"placer":"birth-parents"`, `"placer":"birth-parent"`, true},
		"one parent alone, the other dead": {`"placer":"birth-parents"`,
			`"placer":"birth-parent","otherParentAbsent":"deceased","otherParentProof":"居民死亡医学证明（推断）书 第110105202400123号"`, false},
	} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, received("2026-03-10"))
			f.marry()
			f.at("2026-03-10", 11, func() { f.act("withdraw", spouseA, "") })
			f.env.ExecuteWorkflow(workflows.CaseWorkflowName, adoptionInput(f, strings.Replace(difficultyForm, c.from, c.to, 1)))
			st := f.result()
			refused := st.Outcome == procedures.OutcomeRefused
			if refused != c.refused || refused && (len(st.Reasons) != 1 || st.Reasons[0].Check != "placer-fits-category") {
				t.Fatalf("outcome %s reasons %+v", st.Outcome, st.Reasons)
			}
		})
	}
}

// TestM5StepparentMustBeMarriedToThePlacingParent: 民法典第一千一百零三条
// lets a stepparent adopt the child of the spouse; 登记办法第六条第三款 asks
// for the proof of that marriage. 张伟 is married to 李娜; a child placed by
// another woman is no stepchild of his.
func TestM5StepparentMustBeMarriedToThePlacingParent(t *testing.T) {
	const stepForm = `{"applicants":[{"name":"张伟","idNumber":"H"}],
 "adopterChildren":{"birth":0,"adopted":0},
 "declaration":{"ableToRaise":true,"noDisqualifyingDisease":true,"noAdverseRecord":true},
 "child":{"name":"小军","sex":"male","birthDate":"2020-05-01","category":"stepchild"},
 "placement":{"placer":"birth-parent","name":"生母","consents":true,"division":"110105","birthParentIdNumber":"P"}}`
	run := func(parent string) workflows.CaseState {
		f := newFixture(t, received("2026-03-10"))
		f.marry()
		in := adoptionInput(f, strings.Replace(stepForm, `"P"`, `"`+parent+`"`, 1))
		in.Parties = in.Parties[:1]
		var open workflows.CaseState
		f.at("2026-03-10", 11, func() {
			open = f.state()
			f.act("withdraw", spouseA, "")
		})
		f.env.ExecuteWorkflow(workflows.CaseWorkflowName, in)
		if st := f.result(); st.Outcome == procedures.OutcomeRefused {
			return st
		}
		return open
	}
	st := run(outsider.Subject)
	if st.Outcome != procedures.OutcomeRefused || len(st.Reasons) != 1 || st.Reasons[0].Check != "stepparent-married-to-birth-parent" {
		t.Fatalf("placed by another woman: outcome %s reasons %+v", st.Outcome, st.Reasons)
	}
	if st := run(wife); st.Stage != "review" {
		t.Fatalf("placed by his wife: stage %s reasons %+v", st.Stage, st.Reasons)
	}
}

// TestM6AdoptionOnlyAtTheCompetentCounty: the county-level department of
// the place 登记办法第四条 names registers (第二条第二款): for a child of a
// welfare institution in 110105, not 海淀 (110108) and not the province.
func TestM6AdoptionOnlyAtTheCompetentCounty(t *testing.T) {
	for _, office := range []string{"110108", "110000"} {
		f := newFixture(t, received("2026-03-10"))
		in := adoptionInput(f, foundlingForm)
		in.Office = office
		f.env.ExecuteWorkflow(workflows.CaseWorkflowName, in)
		st := f.result()
		if st.Outcome != procedures.OutcomeNotAccepted || len(st.Reasons) != 1 || st.Reasons[0].Check != "adoption-registration-office" ||
			!strings.Contains(st.Reasons[0].Message.Zh, "北京市朝阳区") {
			t.Fatalf("at %s: outcome %s reasons %+v", office, st.Outcome, st.Reasons)
		}
	}
}

// TestM7AnnouncementCountsFromPublication: 自公告之日起满60日 (登记办法第八条
// 第二款). Received 2026-03-02 and published 2026-03-10, the 60 days end on
// 2026-05-09, a Saturday that is a make-up working day, so not extended;
// counted from receipt they would have ended on 2026-05-01, a holiday.
func TestM7AnnouncementCountsFromPublication(t *testing.T) {
	f := newFixture(t, received("2026-03-02"))
	f.marry()
	var waiting, announcing workflows.CaseState
	f.at("2026-03-03", 10, func() { waiting = f.state() })
	f.at("2026-03-10", 10, func() { f.publish() })
	f.at("2026-03-10", 11, func() {
		announcing = f.state()
		f.act("withdraw", spouseA, "")
	})
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, adoptionInput(f, foundlingForm))
	f.result()
	if waiting.Stage != "awaiting-publication" || len(waiting.Deadlines) != 0 {
		t.Fatalf("before publication: stage %s deadlines %+v", waiting.Stage, waiting.Deadlines)
	}
	if announcing.Stage != "announcement" || len(announcing.Deadlines) != 1 ||
		announcing.Deadlines[0].From != "2026-03-10" || announcing.Deadlines[0].LastDay != "2026-05-09" {
		t.Fatalf("announcement: stage %s deadlines %+v", announcing.Stage, announcing.Deadlines)
	}
}

// TestW10ForeignAdopterRegistersWithTheProvince: an adopter holding a
// foreigner's permanent residence card (number beginning with 9) registers
// with the province of the child's place, here 北京市民政局 (民法典第一千一百
// 零九条第一款), not with the county.
func TestW10ForeignAdopterRegistersWithTheProvince(t *testing.T) {
	foreigner := newID("911840", "19800101", "001")
	run := func(office string) workflows.CaseState {
		f := newFixture(t, received("2026-03-10"))
		in := adoptionInput(f, strings.Replace(difficultyForm, `{"name":"张伟","idNumber":"H"},`, "", 1))
		in.Form = []byte(strings.Replace(string(in.Form), `"name":"李娜","idNumber":"`+wife+`"`, `"name":"Anna","idNumber":"`+foreigner+`"`, 1))
		in.Parties = []workflows.Party{{IDNumber: foreigner, Name: "Anna"}}
		in.Office = office
		var open workflows.CaseState
		f.at("2026-03-10", 11, func() {
			open = f.state()
			if open.Status == workflows.StatusOpen {
				f.act("withdraw", workflows.Actor{Subject: foreigner, Name: "Anna"}, "")
			}
		})
		f.env.ExecuteWorkflow(workflows.CaseWorkflowName, in)
		if st := f.result(); st.Outcome == procedures.OutcomeNotAccepted {
			return st
		}
		return open
	}
	st := run("110105")
	if st.Outcome != procedures.OutcomeNotAccepted || !strings.Contains(st.Reasons[0].Message.Zh, "北京市民政局") {
		t.Fatalf("at the county: outcome %s reasons %+v", st.Outcome, st.Reasons)
	}
	if st := run("110000"); len(st.Reasons) > 0 && st.Reasons[0].Check == "adoption-registration-office" {
		t.Fatalf("at the province: %+v", st.Reasons)
	}
}
