package activities_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"

	"civilflow/activities"
	"civilflow/calendar"
	"civilflow/idnumber"
	"civilflow/procedures"
	"civilflow/store"
	"civilflow/worker"
	"civilflow/workflows"
)

func residentID(region, birth, seq string) string {
	s := region + birth + seq
	return s + string(idnumber.CheckDigit(s))
}

var (
	founder   = residentID("110105", "19800101", "013")
	registrar = workflows.Actor{Subject: "reg-so-1", Name: "王登记", Roles: []workflows.RoleGrant{{Role: "registrar", Division: "110000"}}}
)

// orgForm is a form every check of its variant passes.
func orgForm(variant string) map[string]any {
	f := map[string]any{
		"applicants": []map[string]string{{"name": "张伟", "idNumber": founder}},
		"organization": map[string]any{"name": "北京市朝阳区摄影家协会", "category": "other", "field": "摄影",
			"scope": "摄影交流、培训、展览", "domicile": "朝阳路1号",
			"legalRepresentative": map[string]string{"name": "张伟", "idNumber": founder}},
		"sponsoringUnit": map[string]any{"name": "朝阳区文化和旅游局", "consented": true, "document": "朝文旅〔2026〕1号"},
		"members":        map[string]any{"individuals": 60, "units": 0},
		"funds":          map[string]any{"amount": 30000},
	}
	switch variant {
	case store.VariantSocialServiceOrganization:
		delete(f, "members")
		f["organization"].(map[string]any)["name"] = "北京市朝阳区阳光养老服务中心"
		f["organization"].(map[string]any)["field"] = "养老服务"
	case store.VariantFoundation:
		delete(f, "members")
		f["organization"].(map[string]any)["name"] = "北京阳光教育基金会"
		f["organization"].(map[string]any)["field"] = "教育"
		f["fundraising"] = "non-public"
		f["funds"] = map[string]any{"amount": 2_000_000, "paidInCash": true}
	}
	return f
}

type orgFixture struct {
	t    *testing.T
	env  *testsuite.TestWorkflowEnvironment
	db   *store.DB
	acts *activities.Activities
	reg  *procedures.Registry
	// signed counts the actions signed so far.
	signed int
}

func newOrgFixture(t *testing.T, received string) *orgFixture {
	t.Helper()
	var s testsuite.WorkflowTestSuite
	s.SetLogger(sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))))
	env := s.NewTestWorkflowEnvironment()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "civilflow.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	acts := &activities.Activities{Store: db, Calendar: calendar.Default()}
	worker.Register(env, acts, orgActionKey)
	env.SetStartTime(chinaTime(received, 10))
	return &orgFixture{t: t, env: env, db: db, acts: acts, reg: orgDefinitions(t)}
}

// orgDefinitions loads the three built-in definitions of this family
// alone, so that other families' definitions do not affect these tests.
func orgDefinitions(t *testing.T) *procedures.Registry {
	t.Helper()
	files := fstest.MapFS{}
	for _, id := range []string{"social-group-registration", "social-service-organization-registration", "foundation-registration"} {
		raw, err := os.ReadFile(filepath.Join("..", "procedures", "definitions", id+".yaml"))
		if err != nil {
			t.Fatal(err)
		}
		files[id+".yaml"] = &fstest.MapFile{Data: raw}
	}
	reg, err := procedures.LoadFS(files, activities.Catalog([]string{"registrar", "supervisor", "admin"}))
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

func chinaTime(day string, hour int) time.Time {
	d, err := time.ParseInLocation(time.DateOnly, day, workflows.ChinaTime)
	if err != nil {
		panic(err)
	}
	return d.Add(time.Duration(hour) * time.Hour)
}

func (f *orgFixture) input(procedure, office string, form map[string]any) workflows.CaseInput {
	p, ok := f.reg.Get(procedure)
	if !ok {
		f.t.Fatalf("no procedure %s", procedure)
	}
	raw, err := json.Marshal(form)
	if err != nil {
		f.t.Fatal(err)
	}
	return workflows.CaseInput{CaseID: p.Code + "-" + office + "-" + f.env.Now().In(workflows.ChinaTime).Format("20060102") + "-0001",
		Procedure: p.Definition, Office: office, Submitter: workflows.Actor{Subject: founder, Name: "张伟"},
		Parties: []workflows.Party{{IDNumber: founder, Name: "张伟"}}, Form: raw, ReceivedAt: f.env.Now()}
}

func (f *orgFixture) at(day string, hour int, fn func()) {
	f.env.RegisterDelayedCallback(fn, chinaTime(day, hour).Sub(f.env.Now()))
}

func (f *orgFixture) state() workflows.CaseState {
	f.t.Helper()
	v, err := f.env.QueryWorkflow(workflows.QueryState)
	if err != nil {
		f.t.Fatal(err)
	}
	var st workflows.CaseState
	if err := v.Get(&st); err != nil {
		f.t.Fatal(err)
	}
	return st
}

// act sends an action; the returned pointer holds "" once it was applied,
// or the rejection.
func (f *orgFixture) act(action string, actor workflows.Actor, opinion string) *string {
	res := new(string)
	*res = "no answer"
	f.env.UpdateWorkflow(workflows.UpdateAct, "", &testsuite.TestUpdateCallback{
		OnAccept: func() {},
		OnReject: func(err error) { *res = err.Error() },
		OnComplete: func(_ any, err error) {
			*res = ""
			if err != nil {
				*res = err.Error()
			}
		},
	}, f.sign(workflows.ActRequest{Action: action, Actor: actor, Opinion: opinion}))
	return res
}

// orgActionKey is the test worker's action key; sign signs with it, as
// the API does.
var orgActionKey = []byte("test action key, 32 bytes or more")

func (f *orgFixture) sign(req workflows.ActRequest) workflows.ActRequest {
	f.t.Helper()
	v, err := f.env.QueryWorkflow(workflows.QueryState)
	var st workflows.CaseState
	if err == nil {
		err = v.Get(&st)
	}
	if err == nil {
		f.signed++
		req, err = workflows.SignAct(orgActionKey, st.CaseID, req, f.env.Now(), fmt.Sprint("org-", f.signed))
	}
	if err != nil {
		f.t.Fatal(err)
	}
	return req
}

func (f *orgFixture) result() workflows.CaseState {
	f.t.Helper()
	if !f.env.IsWorkflowCompleted() {
		f.t.Fatal("workflow did not complete")
	}
	if err := f.env.GetWorkflowError(); err != nil {
		f.t.Fatal(err)
	}
	var st workflows.CaseState
	if err := f.env.GetWorkflowResult(&st); err != nil {
		f.t.Fatal(err)
	}
	return st
}

func decisionClock(t *testing.T, st workflows.CaseState) workflows.ClockState {
	t.Helper()
	for _, c := range st.Clocks {
		if c.Name == "registration-decision" {
			return c
		}
	}
	t.Fatalf("no decision clock in %+v", st.Clocks)
	return workflows.ClockState{}
}

func dayOf(e workflows.Event) string { return e.At.In(workflows.ChinaTime).Format("2006-01-02 15:04") }

func eventsOf(st workflows.CaseState, prefix string) []workflows.Event {
	var out []workflows.Event
	for _, e := range st.Timeline {
		if strings.HasPrefix(e.Action, prefix) {
			out = append(out, e)
		}
	}
	return out
}

// TestW8CorrectionRestartsTheSixtyDays: received Mon 2026-06-01, the
// 60-day decision clock ends 2026-07-31; the correction notice of 06-03
// stops it, and the resubmission of 06-15 starts the 60 days again, since
// they run from receipt of all valid documents (社会团体登记管理条例第十二条
// 第一款: 自收到…全部有效文件之日起60日内): last day 2026-08-14, not the
// 2026-08-12 a clock resuming with its 58 days left would give.
func TestW8CorrectionRestartsTheSixtyDays(t *testing.T) {
	f := newOrgFixture(t, "2026-06-01")
	var received, correcting, resumed workflows.CaseState
	var silent, byFounder, noOpinion, notice, resubmitByRegistrar, resubmit, register *string
	f.at("2026-06-01", 11, func() { received = f.state() })
	f.at("2026-06-03", 10, func() {
		byFounder = f.act("request-correction", workflows.Actor{Subject: founder, Name: "张伟"}, "补正")
		noOpinion = f.act("request-correction", registrar, " ")
		notice = f.act("request-correction", registrar, "请补正：验资报告；住所使用证明；拟任负责人身份证明")
	})
	f.at("2026-06-03", 11, func() {
		correcting = f.state()
		silent = f.act("register", registrar, "")
	})
	f.at("2026-06-15", 10, func() {
		resubmitByRegistrar = f.act("resubmit", registrar, "")
		resubmit = f.act("resubmit", workflows.Actor{Subject: founder, Name: "张伟"}, "")
	})
	f.at("2026-06-15", 11, func() { resumed = f.state() })
	f.at("2026-06-22", 10, func() { register = f.act("register", registrar, "") })
	// The registrar of the province acts on a case of the province's own office.
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, f.input("social-group-registration", "110000", orgForm(store.VariantSocialGroup)))
	st := f.result()

	if c := decisionClock(t, received); c.Status != workflows.ClockRunning || c.StartedOn != "2026-06-01" || c.LastDay != "2026-07-31" {
		t.Fatalf("on receipt: %+v", c)
	}
	if received.Stage != "intake" || len(received.Deadlines) != 1 || received.Deadlines[0].LastDay != "2026-06-08" {
		t.Fatalf("on receipt: stage %s deadlines %+v", received.Stage, received.Deadlines)
	}
	for what, got := range map[string]*string{"a party sends the notice": byFounder, "a notice without opinion": noOpinion,
		"register during correction": silent, "the registrar resubmits": resubmitByRegistrar} {
		if *got == "" || *got == "no answer" {
			t.Errorf("%s: %q, want a rejection", what, *got)
		}
	}
	for what, got := range map[string]*string{"notice": notice, "resubmission": resubmit, "registration": register} {
		if *got != "" {
			t.Errorf("%s: %s", what, *got)
		}
	}
	c := decisionClock(t, correcting)
	if correcting.Stage != "correction" || c.Status != workflows.ClockSuspended || c.Remaining != 58 || c.LastDay != "" ||
		c.SuspendedSince != "2026-06-03" || correcting.Deadlines[0].Active {
		t.Fatalf("in correction: stage %s clock %+v deadlines %+v", correcting.Stage, c, correcting.Deadlines)
	}
	if c := decisionClock(t, resumed); resumed.Stage != "review" || c.Status != workflows.ClockRunning ||
		c.StartedOn != "2026-06-15" || c.LastDay != "2026-08-14" {
		t.Fatalf("after resubmission: stage %s clock %+v", resumed.Stage, c)
	}
	if r := eventsOf(resumed, "clock-restart:registration-decision"); len(r) != 1 || dayOf(r[0]) != "2026-06-15 10:00" ||
		len(eventsOf(resumed, "clock-resume:")) != 0 {
		t.Fatalf("restart events %+v", r)
	}

	if st.Outcome != procedures.OutcomeApproved || decisionClock(t, st).Status != workflows.ClockMet || len(st.Documents) != 2 {
		t.Fatalf("outcome %s clock %+v documents %+v", st.Outcome, decisionClock(t, st), st.Documents)
	}
	cert, ann := st.Documents[0], st.Documents[1]
	if cert.Kind != activities.DocSocialGroupCertificate || !strings.HasPrefix(cert.Number, "ST110000-2026-") ||
		!store.ValidUnifiedCode(cert.HolderIDNumber) || cert.HolderName != "北京市朝阳区摄影家协会" || cert.IssuedOn != "2026-06-22" {
		t.Fatalf("certificate %+v", cert)
	}
	if ann.Kind != activities.DocRegistrationAnnouncement || ann.HolderIDNumber != "" || !strings.HasPrefix(ann.Number, "GG110000-2026-") {
		t.Fatalf("announcement %+v", ann)
	}
	org, err := f.db.OrganizationByCase(context.Background(), st.CaseID)
	if err != nil || org.UnifiedCode != cert.HolderIDNumber || org.Variant != store.VariantSocialGroup ||
		org.SponsoringUnit != "朝阳区文化和旅游局" || org.RegisteredOn != "2026-06-22" || org.Area != "110000" {
		t.Fatalf("registry %+v %v", org, err)
	}
	docs, err := f.db.DocumentsForCase(context.Background(), st.CaseID)
	if err != nil || len(docs) != 2 || !strings.Contains(string(docs[1].Data), org.UnifiedCode) || !strings.Contains(string(docs[1].Data), "特此公告") {
		t.Fatalf("stored documents %+v %v", docs, err)
	}
}

// TestFoundationDeemedAcceptedThenEscalated: nobody acts on a foundation
// received Mon 2026-06-01; it counts as accepted once the 5 working days end
// (06-08), passes its checks, and waits in review. Reminders go out 10 and
// 3 days ahead of the 60-day limit (07-31); the day after it the case is
// escalated to the supervisors; the late registration meets it late.
func TestFoundationDeemedAcceptedThenEscalated(t *testing.T) {
	f := newOrgFixture(t, "2026-06-01")
	var review, overdue workflows.CaseState
	f.at("2026-06-09", 9, func() { review = f.state() })
	f.at("2026-08-01", 9, func() { overdue = f.state() })
	f.at("2026-08-03", 10, func() { f.act("register", registrar, "") })
	f.env.ExecuteWorkflow(workflows.CaseWorkflowName, f.input("foundation-registration", "110000", orgForm(store.VariantFoundation)))
	st := f.result()

	if exp := eventsOf(review, "expire:correction-notice"); review.Stage != "review" || len(exp) != 1 || dayOf(exp[0]) != "2026-06-09 00:00" {
		t.Fatalf("deemed acceptance: stage %s events %+v", review.Stage, exp)
	}
	if c := decisionClock(t, review); c.Status != workflows.ClockRunning || c.LastDay != "2026-07-31" {
		t.Fatalf("clock after deemed acceptance %+v", c)
	}
	var reminded []string
	for _, e := range eventsOf(st, "remind:registration-decision") {
		reminded = append(reminded, dayOf(e))
	}
	if !slices.Equal(reminded, []string{"2026-07-21 00:00", "2026-07-28 00:00"}) {
		t.Fatalf("reminders %v", reminded)
	}
	if c := decisionClock(t, overdue); c.Status != workflows.ClockOverdue || c.EscalatedTo != "supervisor" || overdue.Stage != "review" {
		t.Fatalf("overdue: stage %s clock %+v", overdue.Stage, c)
	}
	if esc := eventsOf(st, "escalate:registration-decision"); len(esc) != 1 || dayOf(esc[0]) != "2026-08-01 00:00" {
		t.Fatalf("escalation %+v", esc)
	}
	if met := eventsOf(st, "clock-met:registration-decision"); st.Outcome != procedures.OutcomeApproved || len(met) != 1 ||
		!strings.Contains(met[0].Opinion, "late") {
		t.Fatalf("outcome %s met %+v", st.Outcome, met)
	}
	if len(st.Documents) != 2 || st.Documents[0].Kind != activities.DocFoundationCertificate || st.Documents[0].HolderIDNumber[:2] != "53" {
		t.Fatalf("documents %+v", st.Documents)
	}
}

// TestOrganizationChecksReadParams runs the checks directly where the API
// cannot reach: a national office, and params a province changed.
func TestOrganizationChecksReadParams(t *testing.T) {
	f := newOrgFixture(t, "2026-06-01")
	ctx := context.Background()
	run := func(office string, params map[string]any, form map[string]any, checks ...string) []workflows.Reason {
		t.Helper()
		raw, _ := json.Marshal(form)
		var refs []procedures.CheckRef
		for _, c := range checks {
			refs = append(refs, procedures.CheckRef{Check: c})
		}
		res, err := f.acts.RunChecks(ctx, workflows.ChecksInput{CaseID: "SGR-110105-20260601-0001", Checks: refs, Params: params,
			Parties: []workflows.Party{{IDNumber: founder, Name: "张伟"}}, Form: raw, Office: office, OnDay: "2026-06-01"})
		if err != nil {
			t.Fatal(err)
		}
		return res.Failed
	}
	form := orgForm(store.VariantSocialGroup)
	form["funds"] = map[string]any{"amount": 50000}
	form["organization"].(map[string]any)["name"] = "中国摄影家协会"
	if got := run("110105", nil, form, "social-group-funds", "social-group-name"); len(got) != 1 || !strings.Contains(got[0].Message.Zh, "不得冠以“中国”") {
		t.Fatalf("local, national defaults: %+v", got)
	}
	// National: the national minimum applies, and the name may say 中国.
	got := run("000000", nil, form, "social-group-funds", "social-group-name")
	if len(got) != 1 || got[0].Check != "social-group-funds" || !strings.Contains(got[0].Message.En, "minimum of 100000 yuan for a national") {
		t.Fatalf("national: %+v", got)
	}
	// A province that sets its own minimum and drops the direct-registration
	// categories (params arrive as JSON numbers and lists).
	form["organization"].(map[string]any)["category"] = "charity"
	delete(form, "sponsoringUnit")
	params := map[string]any{"localMinimumFunds": float64(60000), "directRegistrationCategories": []any{}}
	got = run("110105", params, form, "social-group-funds", "social-group-sponsoring-unit")
	if len(got) != 2 || !strings.Contains(got[0].Message.Zh, "低于地方性社会团体60000元") || got[1].Check != "social-group-sponsoring-unit" ||
		got[1].Message.En != "the sponsoring unit's consent is missing" {
		t.Fatalf("local params: %+v", got)
	}
	if got := run("110105", nil, form, "social-group-sponsoring-unit"); len(got) != 0 {
		t.Fatalf("a charity registers directly by default: %+v", got)
	}
	// Members: mixed membership counts in total.
	for _, m := range []struct {
		ind, units int
		pass       bool
	}{{50, 0, true}, {49, 0, false}, {0, 30, true}, {0, 29, false}, {40, 10, true}, {30, 19, false}, {0, 0, false}} {
		form["members"] = map[string]any{"individuals": m.ind, "units": m.units}
		if got := run("110105", nil, form, "social-group-members"); (len(got) == 0) != m.pass {
			t.Errorf("%d individual and %d unit members: %+v", m.ind, m.units, got)
		}
	}
	// Foundations: the minimum follows the kind of fundraising.
	fd := orgForm(store.VariantFoundation)
	for _, c := range []struct {
		office, fundraising string
		amount              int
		pass                bool
	}{{"110000", "non-public", 2_000_000, true}, {"110000", "non-public", 1_999_999, false},
		{"110000", "public", 3_999_999, false}, {"110000", "public", 4_000_000, true},
		{"000000", "public", 4_000_000, false}, {"000000", "public", 8_000_000, true}} {
		fd["fundraising"] = c.fundraising
		fd["funds"] = map[string]any{"amount": c.amount, "paidInCash": true}
		if got := run(c.office, nil, fd, "foundation-initial-funds"); (len(got) == 0) != c.pass {
			t.Errorf("%+v: %+v", c, got)
		}
	}
	if got := run("110105", nil, fd, "foundation-registration-authority"); len(got) != 1 || got[0].Basis != "基金会管理条例第六条" {
		t.Fatalf("a district office registering a foundation: %+v", got)
	}
	// Same or similar scope: equal fields, or one containing the other,
	// of the same variant in the same area.
	_, err := f.db.RegisterOrganization(ctx, store.Organization{Name: "北京市朝阳区摄影家协会", Variant: store.VariantSocialGroup,
		Field: "摄影", Area: "110105", RegisteredOn: "2026-05-01", CaseID: "SGR-110105-20260401-0001"})
	if err != nil {
		t.Fatal(err)
	}
	for field, similar := range map[string]bool{"摄影": true, "摄影 艺术": true, "影": true, "书法": false} {
		sg := orgForm(store.VariantSocialGroup)
		sg["organization"].(map[string]any)["field"] = field
		got := run("110105", nil, sg, "social-group-unique-scope")
		if (len(got) == 1) != similar || similar && !strings.Contains(got[0].Message.Zh, "北京市朝阳区摄影家协会") {
			t.Errorf("field %q: %+v", field, got)
		}
		if got := run("110108", nil, sg, "social-group-unique-scope"); len(got) != 0 {
			t.Errorf("field %q in another district: %+v", field, got)
		}
		if got := run("110105", nil, sg, "social-service-organization-unique-scope"); len(got) != 0 {
			t.Errorf("field %q for another variant: %+v", field, got)
		}
	}
}
