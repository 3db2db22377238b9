package workflows_test

import (
	"context"
	"strings"
	"testing"

	"civilflow/activities"
	"civilflow/calendar"
	"civilflow/procedures"
	"civilflow/store"
	"civilflow/workflows"
)

// notice2027 is made-up data standing in for the 2027 notice, which is not
// published: 元旦 with a bridging day up to Monday 2027-01-04, enough to
// move a provisional last day.
var notice2027 = calendar.File{Name: "cn-2027 (test)", Data: []byte(`version: cn-2027-test.v1
years:
  - year: 2027
    notice: test notice for 2027
    holidays:
      - {name: 元旦, from: 2027-01-01, to: 2027-01-04}
`)}

// coolingDef is a 30-day cooling-off like the divorce's, on its own so the
// test does not depend on the steps before it.
const coolingDef = `
id: test-cooling
code: TCO
version: 1
title: {zh: 冷静期, en: Cooling-off}
applicants: {min: 2, max: 2}
form: {type: object}
start: cooling-off
stages:
  - id: cooling-off
    kind: wait
    title: {zh: 离婚冷静期, en: Cooling-off period}
    timer:
      name: cooling-off
      title: {zh: 冷静期, en: Cooling-off period}
      length: 30
      unit: calendar-days
      from: stage-entry
      onExpiry: ended
      basis: 民法典第一千零七十七条；民法典第二百零一条、第二百零三条
  - {id: ended, kind: end, outcome: deemed-withdrawn}
`

// TestM21DivorceFiledTodayHasProvisionalEndThenRecounts: a divorce accepted
// on 2026-12-02 has day 30 of its cooling-off (民法典第一千零七十七条) on
// 2027-01-01, a year without a loaded notice. It gets a provisional last day
// at once, counted with the statutory holidays of 全国年节及纪念日放假办法
// (元旦 and the weekend after it: Monday 2027-01-04), and is recounted when
// the notice is loaded: the notice's bridging day moves it to 2027-01-05
// (民法典第二百零三条), the trail records the move, and both spouses are told.
func TestM21DivorceFiledTodayHasProvisionalEndThenRecounts(t *testing.T) {
	f := newFixture(t, received("2026-12-02"))
	f.acts.Calendar = calendar.Default().Provisional()
	p, err := procedures.Parse([]byte(coolingDef), activities.Catalog([]string{"registrar", "supervisor", "admin", "approver", "assessor"}))
	if err != nil {
		t.Fatal(err)
	}
	in := f.input("marriage-registration", fill(marriageForm))
	in.Procedure, in.CaseID = p.Definition, "TCO-110105-20261202-0001"
	var provisional, recounted workflows.CaseState
	f.at("2026-12-03", 10, func() { provisional = f.state() })
	f.at("2026-12-10", 9, func() {
		cal, err := calendar.Default().Provisional().With(notice2027)
		if err != nil {
			t.Error(err)
			return
		}
		f.acts.Calendar = cal
	})
	f.at("2026-12-11", 12, func() { recounted = f.state() })
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, in)
	st := f.result()

	if len(provisional.Deadlines) != 1 {
		t.Fatalf("deadlines %+v", provisional.Deadlines)
	}
	d := provisional.Deadlines[0]
	if d.LastDay != "2027-01-04" || d.PendingCalendar != "" || !strings.Contains(d.Provisional, "2027") || !strings.Contains(d.Rule, "provisional") {
		t.Fatalf("provisional deadline %+v", d)
	}
	if r := recounted.Deadlines[0]; r.LastDay != "2027-01-05" || r.Provisional != "" || r.CalendarVersion != "cn-2025-2026.v1+cn-2027-test.v1" {
		t.Fatalf("after the notice: %+v", r)
	}
	moves := events(recounted, workflows.ActionRecount+"cooling-off")
	if len(moves) != 1 || !strings.Contains(moves[0].Opinion, "2027-01-04 → 2027-01-05") {
		t.Fatalf("trail of the recount %+v", moves)
	}
	for _, who := range []string{husband, wife} {
		ns, _, err := f.db.Notifications(context.Background(), who, nil, store.Page{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		told := false
		for _, n := range ns {
			told = told || (n.Kind == "deadline-moved" && strings.Contains(n.Message, "2027-01-05"))
		}
		if !told {
			t.Errorf("%s was not told the date moved: %+v", who, ns)
		}
	}
	if st.Outcome != procedures.OutcomeDeemedWithdrawn {
		t.Fatalf("outcome %s", st.Outcome)
	}
}

const extensionDef = `
id: test-extension
code: TEX
version: 1
title: {zh: 延长, en: Extension}
applicants: {min: 2, max: 2}
form: {type: object}
start: review
stages:
  - id: review
    kind: task
    title: {zh: 实施, en: Implementation}
    actions:
      - {id: done, by: registrar, next: approved}
  - {id: approved, kind: end, outcome: approved}
clocks:
  - name: implementation
    title: {zh: 实施期限, en: Implementation}
    length: 1
    unit: months
    startsAt: review
    stopsAt: [approved]
    onExpiry: {escalateTo: supervisor}
    extension: {length: 1, unit: months, by: approver, level: province}
`

// TestN10ExtensionCountsFromTheNominalLastDay: one month from 2026-02-07
// ends on Saturday 2026-03-07, extended to Monday 03-09 (民法典第二百零三条).
// The extension prolongs the period itself (行政区划管理条例第十五条 for the
// conversion's implementation), so its month runs from 03-07 to 04-07, not
// from the rest-day extension to 04-09.
func TestN10ExtensionCountsFromTheNominalLastDay(t *testing.T) {
	f := newFixture(t, received("2026-02-07"))
	p, err := procedures.Parse([]byte(extensionDef), activities.Catalog([]string{"registrar", "supervisor", "admin", "approver", "assessor"}))
	if err != nil {
		t.Fatal(err)
	}
	in := f.input("marriage-registration", fill(marriageForm))
	in.Procedure, in.CaseID = p.Definition, "TEX-110105-20260207-0001"
	var before, after workflows.CaseState
	var ext *outcome
	approver := staff("appr-p", "省审批", "approver:110000")
	f.at("2026-02-09", 10, func() { before = f.state() })
	f.at("2026-02-10", 10, func() {
		ext = f.act("extend:implementation", approver, "界线勘定尚未完成，同意延长一个月")
	})
	f.at("2026-02-10", 11, func() { after = f.state() })
	f.at("2026-02-11", 10, func() { f.act("done", registrar, "") })
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, in)
	f.result()
	ext.expect(t, "extend", "")
	if c := before.Clocks[0]; c.LastDay != "2026-03-09" || c.NominalLastDay != "2026-03-07" {
		t.Fatalf("before the extension %+v", c)
	}
	if c := after.Clocks[0]; c.LastDay != "2026-04-07" || !c.Extended {
		t.Fatalf("after the extension: last day %s, want 2026-04-07 (%s)", c.LastDay, c.Rule)
	}
}
