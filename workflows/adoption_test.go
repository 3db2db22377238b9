package workflows_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"civilflow/activities"
	"civilflow/calendar"
	"civilflow/procedures"
	"civilflow/workflows"
)

// everyRole is every role the policy knows; the built-in definitions name
// all of them.
var everyRole = []string{"registrar", "supervisor", "admin", "approver", "assessor"}

// builtin parses one built-in definition from its file with the full
// catalog, so these tests do not depend on the other definitions.
func builtin(t *testing.T, id string) procedures.Definition {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "procedures", "definitions", id+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := procedures.Parse(raw, activities.Catalog(everyRole))
	if err != nil {
		t.Fatalf("%s: %v", id, err)
	}
	return p.Definition
}

var (
	thirdParty = staff("asr-001", "评估中心", "assessor:110105")
	assessorB  = staff("reg-adoption-2", "赵评估", "registrar:110105")
	report     = workflows.Attachment{Title: "收养能力评估报告", Reference: "doc://assessment/2026-031", SHA256: strings.Repeat("ab", 32)}
)

// foundlingForm: the couple adopts a girl from a welfare institution whose
// parents cannot be found.
const foundlingForm = `{"applicants":[{"name":"张伟","idNumber":"H"},{"name":"李娜","idNumber":"W"}],
 "adopterChildren":{"birth":0,"adopted":0},
 "declaration":{"ableToRaise":true,"noDisqualifyingDisease":true,"noAdverseRecord":true},
 "child":{"name":"小花","sex":"female","birthDate":"2025-06-01","category":"parents-not-found","inWelfareInstitution":true},
 "placement":{"placer":"welfare-institution","name":"北京市儿童福利院","consents":true,"division":"110105"}}`

func adoptionInput(f *fixture, form string) workflows.CaseInput {
	def := builtin(f.t, "adoption-registration")
	return workflows.CaseInput{
		CaseID: "ADO-110105-20260310-0001", Procedure: def, Office: "110105",
		Submitter: spouseA, Parties: []workflows.Party{{IDNumber: husband, Name: "张伟"}, {IDNumber: wife, Name: "李娜"}},
		Form: json.RawMessage(fill(form)), ReceivedAt: f.env.Now(),
	}
}

// publish records that the announcement seeking the birth parents is
// published, with the newspaper page as the attachment.
func (f *fixture) publish() *outcome {
	return f.actReq(workflows.ActRequest{Action: "announcement-published", Actor: registrar,
		Attachments: []workflows.Attachment{{Title: "寻亲公告", Reference: "doc://announcement/2026-017"}}})
}

func dayOf(t time.Time) string { return t.In(workflows.ChinaTime).Format(time.DateOnly) }

func daysBetween(t *testing.T, from, to string) int {
	t.Helper()
	a, err1 := calendar.ParseDate(from)
	b, err2 := calendar.ParseDate(to)
	if err1 != nil || err2 != nil {
		t.Fatalf("bad days %q %q", from, to)
	}
	return a.DaysUntil(b)
}

// lastDayIn reads "last day YYYY-MM-DD" from a clock event.
func lastDayIn(t *testing.T, e workflows.Event) string {
	t.Helper()
	_, day, ok := strings.Cut(e.Opinion, "last day ")
	if !ok || len(day) < 10 {
		t.Fatalf("no last day in %+v", e)
	}
	return day[:10]
}

// TestAdoptionAnnouncementExcludedFromReviewLimit: received on 2026-03-10,
// the 30-day review would end on 2026-04-09. The child's parents cannot be
// found, so the search is announced at once; the announcement runs 60 days
// to 2026-05-09 (a make-up working Saturday) and the review clock stands
// still meanwhile, then again during the assessment. Its last day moves by
// exactly the days the announcement took, then by the assessment's.
func TestAdoptionAnnouncementExcludedFromReviewLimit(t *testing.T) {
	f := newFixture(t, received("2026-03-10"))
	f.marry()
	var announcing, arranging, reviewing workflows.CaseState
	var early, foreign, agree1, agree2, register *outcome
	f.at("2026-03-10", 11, func() { f.publish() })
	f.at("2026-03-10", 12, func() {
		announcing = f.state()
		early = f.act("register", registrar, "")
	})
	f.at("2026-05-11", 10, func() {
		arranging = f.state()
		f.act("assess-by-staff", registrar, "")
	})
	f.at("2026-05-25", 10, func() {
		foreign = f.act("agree", otherProv, "")
		agree1 = f.actReq(workflows.ActRequest{Action: "agree", Actor: registrar, Attachments: []workflows.Attachment{report}})
		agree2 = f.act("agree", assessorB, "")
	})
	f.at("2026-05-25", 11, func() { reviewing = f.state() })
	f.at("2026-05-27", 10, func() { register = f.act("register", registrar, "") })
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, adoptionInput(f, foundlingForm))
	st := f.result()
	early.expect(t, "register during the announcement", "not possible at stage")
	foreign.expect(t, "registrar of another province signs", "no open countersign slot")
	agree1.expect(t, "first assessor", "")
	agree2.expect(t, "second assessor", "")
	register.expect(t, "register", "")

	if announcing.Stage != "announcement" || len(announcing.Deadlines) != 1 {
		t.Fatalf("stage %s deadlines %+v", announcing.Stage, announcing.Deadlines)
	}
	ann := announcing.Deadlines[0]
	if ann.From != "2026-03-10" || ann.LastDay != "2026-05-09" {
		t.Fatalf("announcement %+v", ann)
	}
	c := announcing.Clocks[0]
	if c.Name != "review" || c.Status != workflows.ClockSuspended || c.Remaining != 30 || c.SuspendedReason.En == "" {
		t.Fatalf("review clock during the announcement %+v", c)
	}
	started := events(st, "clock-start:review")
	if len(started) != 1 || lastDayIn(t, started[0]) != "2026-04-09" {
		t.Fatalf("clock start %+v", started)
	}
	if arranging.Stage != "assessment-arrangement" || arranging.Clocks[0].Status != workflows.ClockSuspended {
		t.Fatalf("after the announcement: stage %s clock %+v", arranging.Stage, arranging.Clocks[0])
	}
	if exp := events(arranging, "expire:announcement"); len(exp) != 1 || dayOf(exp[0].At) != "2026-05-10" {
		t.Fatalf("announcement expiry %+v", exp)
	}
	// The review clock resumed when the announcement ended: its last day
	// moved by the days the announcement took.
	resumed := events(st, "clock-resume:review")
	if len(resumed) != 2 {
		t.Fatalf("resumptions %+v", resumed)
	}
	t.Run("announcement days excluded exactly", func(t *testing.T) {
		annDays := daysBetween(t, ann.From, ann.LastDay)
		moved := daysBetween(t, "2026-04-09", lastDayIn(t, resumed[0]))
		if moved != annDays {
			t.Errorf("after the announcement the last day is %s: moved %d days, the announcement took %d",
				lastDayIn(t, resumed[0]), moved, annDays)
		}
	})
	// The case entered the assessment the day the announcement's timer
	// fired, and the clock stood still until the countersign passed.
	if reviewing.Stage != "review" || reviewing.Clocks[0].Status != workflows.ClockRunning {
		t.Fatalf("review state %s %+v", reviewing.Stage, reviewing.Clocks)
	}
	if a := reviewing.Clocks[1]; a.Name != "assessment" || a.Status != workflows.ClockMet || a.StartedOn != "2026-05-10" {
		t.Fatalf("assessment clock %+v", a)
	}
	if moved := daysBetween(t, lastDayIn(t, resumed[0]), reviewing.Clocks[0].LastDay); moved != daysBetween(t, "2026-05-10", "2026-05-25") {
		t.Errorf("the assessment moved the last day by %d days", moved)
	}

	if st.Outcome != procedures.OutcomeApproved || st.Clocks[0].Status != workflows.ClockMet || len(st.Documents) != 2 {
		t.Fatalf("outcome %s clocks %+v documents %+v", st.Outcome, st.Clocks, st.Documents)
	}
	for i, d := range st.Documents {
		if d.Kind != "adoption-certificate" || !strings.HasPrefix(d.Number, "SY110105-2026-") || d.HolderIDNumber != []string{husband, wife}[i] {
			t.Fatalf("certificate %+v", d)
		}
	}
	if n, err := f.db.AdoptionsRegistered(context.Background(), wife); err != nil || n != 1 {
		t.Fatalf("registry: %d adoptions (%v)", n, err)
	}
	var withReport bool
	for _, e := range st.Timeline {
		withReport = withReport || e.Action == "agree:first-assessor" && len(e.Attachments) == 1 && e.Attachments[0].Reference == report.Reference
	}
	if !withReport {
		t.Error("the assessment report is not on the record")
	}
}

// difficultyForm: the couple adopts the son of parents with special
// difficulties, who place him themselves.
const difficultyForm = `{"applicants":[{"name":"张伟","idNumber":"H"},{"name":"李娜","idNumber":"W"}],
 "adopterChildren":{"birth":1,"adopted":0},
 "declaration":{"ableToRaise":true,"noDisqualifyingDisease":true,"noAdverseRecord":true},
 "child":{"name":"小明","sex":"male","birthDate":"2016-09-01","category":"parents-in-difficulty","consents":true},
 "placement":{"placer":"birth-parents","name":"王某、刘某","consents":true,"division":"110105"}}`

// TestAdoptionThirdPartyAssessment: a contracted assessor must hand in its
// report; an unfavourable one is sent back for a new assessment, and the
// second, favourable report leads to registration.
func TestAdoptionThirdPartyAssessment(t *testing.T) {
	f := newFixture(t, received("2026-03-10"))
	f.marry()
	type try struct {
		action string
		actor  workflows.Actor
		opn    string
		att    bool
		want   string
	}
	tries := []try{
		{"commission-third-party", registrar, "", false, ""},
		{"report-favourable", thirdParty, "", false, "requires the document"},
		{"report-favourable", registrar, "", true, "requires the role assessor"},
		{"report-unfavourable", thirdParty, "", true, "requires an opinion"},
		{"report-unfavourable", thirdParty, "家庭关系紧张，暂不具备收养能力", true, ""},
		{"return:assessment-arrangement", registrar, "", false, "requires an opinion"},
		{"return:assessment-arrangement", registrar, "评估人员未入户访谈，重新评估", false, ""},
		{"commission-third-party", registrar, "", false, ""},
		{"report-favourable", thirdParty, "", true, ""},
		{"register", registrar, "", false, ""},
	}
	outs := make([]*outcome, len(tries))
	for i, tr := range tries {
		f.at("2026-03-"+[]string{"11", "12", "13", "16", "17", "18", "19", "20", "23", "24"}[i], 10, func() {
			req := workflows.ActRequest{Action: tr.action, Actor: tr.actor, Opinion: tr.opn}
			if tr.att {
				req.Attachments = []workflows.Attachment{report}
			}
			outs[i] = f.actReq(req)
		})
	}
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, adoptionInput(f, difficultyForm))
	st := f.result()
	for i, tr := range tries {
		outs[i].expect(t, tr.action+" by "+tr.actor.Subject, tr.want)
	}
	if st.Outcome != procedures.OutcomeApproved || len(st.Documents) != 2 {
		t.Fatalf("outcome %s documents %+v", st.Outcome, st.Documents)
	}
	var path []string
	reports := 0
	for _, e := range st.Timeline {
		if e.StageTo != "" {
			path = append(path, e.StageTo)
		}
		if strings.HasPrefix(e.Action, "report-") && len(e.Attachments) == 1 && e.Role == "assessor" {
			reports++
		}
	}
	want := "competence eligibility announcement-route assessment-route assessment-arrangement third-party-assessment assessment-unfavourable " +
		"assessment-arrangement third-party-assessment review registration-check issue-certificate registered"
	if got := strings.Join(path, " "); got != want {
		t.Fatalf("path %s", got)
	}
	if reports != 2 {
		t.Fatalf("%d reports on the record", reports)
	}
	// No announcement for a child whose parents are known; the review clock
	// stood still only while the assessments ran (03-11 to 03-17, 03-19 to
	// 03-23): ten days after 04-09 is Sunday 04-19, so it ends on 04-20.
	if len(st.Deadlines) != 0 || st.Clocks[0].LastDay != "2026-04-20" || st.Clocks[0].Status != workflows.ClockMet {
		t.Fatalf("deadlines %+v review clock %+v", st.Deadlines, st.Clocks[0])
	}
}

// TestAdoptionAnnouncementInterrupted: a man claims to be the father on
// 2026-04-07; the registrar finds the claim unfounded and announces again
// on 2026-04-14, for 60 days counted from that day (to Monday 2026-06-15,
// since 06-13 is a Saturday).
func TestAdoptionAnnouncementInterrupted(t *testing.T) {
	f := newFixture(t, received("2026-03-10"))
	f.marry()
	var claimed, again, after workflows.CaseState
	var noOpinion *outcome
	f.at("2026-03-10", 11, func() { f.publish() })
	f.at("2026-04-07", 10, func() {
		noOpinion = f.act("parent-came-forward", registrar, "")
		f.act("parent-came-forward", registrar, "一男子自称生父前来认领")
	})
	f.at("2026-04-07", 11, func() { claimed = f.state() })
	f.at("2026-04-14", 10, func() { f.act("announce-again", registrar, "DNA鉴定排除亲子关系，认领不实") })
	f.at("2026-04-14", 11, func() { again = f.state() })
	f.at("2026-06-15", 22, func() { after = f.state() })
	f.at("2026-06-15", 23, func() { f.act("withdraw", spouseA, "") })
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, adoptionInput(f, foundlingForm))
	st := f.result()
	noOpinion.expect(t, "claim without opinion", "requires an opinion")
	if claimed.Stage != "claim-review" || claimed.Deadlines[0].Active || claimed.Clocks[0].Status != workflows.ClockRunning {
		t.Fatalf("after the claim: stage %s deadlines %+v clock %+v", claimed.Stage, claimed.Deadlines, claimed.Clocks[0])
	}
	if again.Stage != "re-announcement" || len(again.Deadlines) != 2 || again.Clocks[0].Status != workflows.ClockSuspended {
		t.Fatalf("announced again: stage %s deadlines %+v clock %+v", again.Stage, again.Deadlines, again.Clocks[0])
	}
	if d := again.Deadlines[1]; d.Name != "re-announcement" || d.From != "2026-04-14" || d.LastDay != "2026-06-15" || !d.Active {
		t.Fatalf("new announcement %+v", d)
	}
	// The review ran again from 04-07 to 04-14 (claim-review): seven of its
	// days are gone.
	if c := again.Clocks[0]; c.Remaining != 23 {
		t.Fatalf("review clock %+v", c)
	}
	if after.Stage != "re-announcement" {
		t.Fatalf("on the new announcement's last day the stage is %s", after.Stage)
	}
	if st.Outcome != procedures.OutcomeWithdrawn || st.Clocks[0].Status != workflows.ClockStopped {
		t.Fatalf("outcome %s clocks %+v", st.Outcome, st.Clocks)
	}
}
