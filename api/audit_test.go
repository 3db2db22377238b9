package api

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/danielgtaylor/huma/v2/humatest"

	"civilflow/activities"
	"civilflow/auth"
	"civilflow/calendar"
	"civilflow/divisions"
	"civilflow/policies"
	"civilflow/procedures"
	"civilflow/store"
	"civilflow/workflows"
)

// The people of the audit tests.
const (
	husband = "110105199003071538"
	wife    = "410105199206120249"
)

// auditEnv is the API on a real store, without Temporal: closed cases are
// served from the store, which is what audit and supervision read.
type auditEnv struct {
	t    *testing.T
	api  humatest.TestAPI
	db   *store.DB
	path string
	key  []byte
}

func newAuditEnv(t *testing.T) *auditEnv {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "civilflow.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	// The staff roles of app.Roles (the app package links the Temporal server).
	roles := []string{policies.RoleRegistrar, policies.RoleSupervisor, policies.RoleAdmin, policies.RoleApprover, policies.RoleAssessor}
	procs, err := procedures.LoadBuiltin(activities.Catalog(roles))
	if err != nil {
		t.Fatal(err)
	}
	divs, err := divisions.Default()
	if err != nil {
		t.Fatal(err)
	}
	policy, err := policies.New()
	if err != nil {
		t.Fatal(err)
	}
	e := &auditEnv{t: t, db: db, path: path, key: bytes.Repeat([]byte("k"), auth.MinKeyLen)}
	_, e.api = humatest.New(t, Config())
	Register(e.api, &Deps{Store: db, Procedures: procs, Policy: policy, Divisions: divs, Calendar: calendar.Default(),
		JWTKey: e.key, Logger: slog.New(slog.DiscardHandler),
		AuditCheckpoints: filepath.Join(filepath.Dir(path), store.CheckpointFile)})
	return e
}

// token signs a bearer header for subject holding roles.
func (e *auditEnv) token(subject string, roles ...string) string {
	e.t.Helper()
	var gs []policies.Grant
	for _, r := range roles {
		g, err := policies.ParseGrant(r)
		if err != nil {
			e.t.Fatal(err)
		}
		gs = append(gs, g)
	}
	tok, err := auth.Sign(e.key, auth.Principal{Subject: subject, Name: "测试 " + subject, Grants: gs}, time.Now(), time.Hour)
	if err != nil {
		e.t.Fatal(err)
	}
	return "Authorization: Bearer " + tok
}

var received = time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC) // Monday 10:00 in Beijing

// marriageCase records a registered marriage at office, the way the
// workflow would have left it: summary, state snapshot and trail.
func (e *auditEnv) marriageCase(id, office string) {
	e.t.Helper()
	at := func(h int) time.Time { return received.Add(time.Duration(h) * time.Hour) }
	closed := at(50)
	st := workflows.CaseState{
		CaseID: id, ProcedureID: "marriage-registration", ProcedureVersion: 1,
		ProcedureTitle: procedures.Text{Zh: "结婚登记", En: "Marriage registration"}, Office: office, Submitter: husband,
		Parties: []workflows.Party{{IDNumber: husband, Name: "张伟"}, {IDNumber: wife, Name: "李娜"}}, ReceivedAt: received,
		Status: workflows.StatusClosed, Stage: "registered", StageTitle: procedures.Text{Zh: "已登记", En: "Registered"},
		Outcome: procedures.OutcomeApproved, NextActions: []workflows.NextAction{}, Deadlines: []workflows.Deadline{},
		Clocks: []workflows.ClockState{}, ClosedAt: &closed, Seq: 5,
		Documents: []workflows.Document{{Kind: "marriage-certificate", Number: "J" + office + "-2026-000001",
			HolderIDNumber: husband, HolderName: "张伟", IssuedOn: "2026-03-04"}},
	}
	snapshot, err := json.Marshal(st)
	if err != nil {
		e.t.Fatal(err)
	}
	ctx := context.Background()
	sum := store.CaseSummary{ID: id, ProcedureID: st.ProcedureID, ProcedureVersion: 1, Title: "结婚登记 Marriage registration",
		Office: office, Submitter: husband, Parties: []string{husband, wife}, Status: store.StatusOpen,
		Stage: "acceptance", SubmittedAt: received, UpdatedAt: received,
		Application: json.RawMessage(`{"applicants":[{"name":"张伟","idNumber":"` + husband + `"},{"name":"李娜","idNumber":"` + wife + `"}]}`)}
	if err := e.db.CreateCase(ctx, sum); err != nil {
		e.t.Fatal(err)
	}
	sum.Status, sum.Stage, sum.StageTitle, sum.Outcome, sum.Seq, sum.State, sum.UpdatedAt =
		store.StatusClosed, "registered", "已登记 Registered", procedures.OutcomeApproved, 5, snapshot, closed
	sys := func(seq int64, h int, action, from, to, opinion string) store.AuditEntry {
		return store.AuditEntry{Seq: seq, At: at(h), ActorSubject: workflows.SystemActor, Action: action,
			Outcome: procedures.OutcomeApproved, StageFrom: from, StageTo: to, Opinion: opinion}
	}
	entries := []store.AuditEntry{
		{Seq: 1, At: at(0), ActorSubject: husband, ActorName: "张伟", Office: office, Action: "submit",
			StageTo: "acceptance", LegalBasis: "婚姻登记条例第五条"},
		sys(2, 0, "checks-passed", "acceptance", "registrar-review", ""),
		{Seq: 3, At: at(50), ActorSubject: "reg-7", ActorName: "王登记", Role: policies.RoleRegistrar, Office: office,
			Action: "register", Outcome: procedures.OutcomeApproved, StageFrom: "registrar-review",
			StageTo: "issue-certificates", Opinion: "=HYPERLINK(\"x\") 符合条件", LegalBasis: "民法典第一千零四十九条",
			DeadlineName: "decision", DeadlineLastDay: "2026-03-31", DeadlineState: store.DeadlineMet},
		sys(4, 50, "issue:marriage-certificate", "issue-certificates", "registered", "J"+office+"-2026-000001"),
		sys(5, 50, "close:approved", "registered", "", ""),
	}
	if err := e.db.ApplyTransition(ctx, store.Transition{Summary: sum, Entries: entries}); err != nil {
		e.t.Fatal(err)
	}
}

func (e *auditEnv) get(path, auth string) (int, []byte) {
	e.t.Helper()
	args := []any{}
	if auth != "" {
		args = append(args, auth)
	}
	res := e.api.Get(path, args...)
	return res.Code, res.Body.Bytes()
}

const (
	beijingCase = "MAR-110105-20260302-0001"
	henanCase   = "MAR-410105-20260302-0001"
)

func TestAuditAndSupervisionAreForSupervisors(t *testing.T) {
	e := newAuditEnv(t)
	e.marriageCase(beijingCase, "110105")
	e.marriageCase(henanCase, "410105")
	people := map[string]string{
		"party":            e.token(husband),
		"outsider":         e.token("110105198001011234"),
		"registrar":        e.token("reg-1", "registrar:110105"),
		"other registrar":  e.token("reg-2", "registrar:410105"),
		"supervisor":       e.token("sup-1", "supervisor:110000"),
		"other supervisor": e.token("sup-2", "supervisor:410000"),
		"admin":            e.token("adm-1", "admin:000000"),
		"nobody":           "",
	}
	csvPath := "/v1/audit/entries.csv?division=110105&from=2026-03-01&to=2026-03-31"
	tests := []struct {
		path string
		want map[string]int // status by person; people not listed are not asked
	}{
		{"/v1/cases/" + beijingCase + "/trail", map[string]int{"party": 403, "outsider": 404, "registrar": 200,
			"other registrar": 404, "supervisor": 200, "other supervisor": 404, "admin": 200, "nobody": 401}},
		{"/v1/cases/" + beijingCase + "/file", map[string]int{"party": 403, "outsider": 404, "registrar": 403,
			"supervisor": 200, "other supervisor": 404, "admin": 200, "nobody": 401}},
		{"/v1/cases/" + beijingCase + "/file.html", map[string]int{"party": 403, "outsider": 404, "registrar": 403,
			"supervisor": 200, "other supervisor": 404, "nobody": 401}},
		{"/v1/audit/verify", map[string]int{"party": 403, "registrar": 403, "supervisor": 200, "other supervisor": 200,
			"admin": 200, "nobody": 401}},
		{"/v1/audit/reads?division=110000", map[string]int{"party": 403, "registrar": 403, "supervisor": 200,
			"other supervisor": 403, "admin": 200, "nobody": 401}},
		{"/v1/audit/reads?case=" + beijingCase, map[string]int{"party": 403, "outsider": 404, "registrar": 403,
			"supervisor": 200, "other supervisor": 404}},
		{"/v1/audit/reads", map[string]int{"supervisor": 422}},
		{csvPath, map[string]int{"party": 403, "registrar": 403, "supervisor": 200, "other supervisor": 403, "nobody": 401}},
		{"/v1/supervision/stats?division=110000", map[string]int{"party": 403, "registrar": 403, "supervisor": 200,
			"other supervisor": 403, "admin": 200, "nobody": 401}},
		{"/v1/supervision/stats?division=110105&from=2026-03-01&to=2026-03-31", map[string]int{"supervisor": 200}},
		{"/v1/supervision/stats?division=000000", map[string]int{"supervisor": 403, "admin": 200}},
	}
	for _, tt := range tests {
		for who, want := range tt.want {
			t.Run(who+" "+tt.path, func(t *testing.T) {
				if got, body := e.get(tt.path, people[who]); got != want {
					t.Errorf("status %d, want %d: %s", got, want, body)
				}
			})
		}
	}
}

func TestTrailInWords(t *testing.T) {
	e := newAuditEnv(t)
	e.marriageCase(beijingCase, "110105")
	code, body := e.get("/v1/cases/"+beijingCase+"/trail", e.token("reg-1", "registrar:110105"))
	if code != http.StatusOK {
		t.Fatalf("status %d: %s", code, body)
	}
	var trail CaseTrail
	if err := json.Unmarshal(body, &trail); err != nil {
		t.Fatal(err)
	}
	if len(trail.Entries) != 5 || !trail.Integrity.Intact || trail.Integrity.Head != trail.Entries[4].Hash {
		t.Fatalf("trail %+v", trail)
	}
	if trail.ProcedureTitle.Zh != "结婚登记" || trail.OfficeName != "北京市朝阳区" {
		t.Errorf("procedure %+v office %q", trail.ProcedureTitle, trail.OfficeName)
	}
	reg := trail.Entries[2]
	want := TrailEntry{Seq: 3, Actor: "reg-7", ActorName: "王登记", Role: "registrar",
		RoleLabel: procedures.Text{Zh: "登记员", En: "Registrar"}, Office: "110105", OfficeName: "北京市朝阳区", Action: "register"}
	if reg.Seq != want.Seq || reg.Actor != want.Actor || reg.RoleLabel != want.RoleLabel || reg.OfficeName != want.OfficeName ||
		reg.ActionLabel.Zh == "register" || reg.StageFromTitle == nil || reg.StageFromTitle.Zh == "registrar-review" ||
		reg.LegalBasis == "" || reg.Limit == nil || reg.Limit.State != store.DeadlineMet || reg.Limit.StateLabel.Zh != "期限内办理" {
		t.Errorf("register entry in words: %+v", reg)
	}
	labels := map[string]string{
		"submit": "提交申请", "checks-passed": "自动核查通过", "issue:marriage-certificate": "颁发：结婚证",
		"close:approved": "办结：准予登记",
	}
	for _, en := range trail.Entries {
		if zh, ok := labels[en.Action]; ok && en.ActionLabel.Zh != zh {
			t.Errorf("%s labelled %q, want %q", en.Action, en.ActionLabel.Zh, zh)
		}
		if en.ActionLabel.En == "" || en.RoleLabel.Zh == "" {
			t.Errorf("%s lacks a label: %+v", en.Action, en)
		}
	}
	if trail.Entries[0].RoleLabel.Zh != "提交人" || trail.Entries[1].RoleLabel.Zh != "系统" {
		t.Errorf("submitter %q system %q", trail.Entries[0].RoleLabel.Zh, trail.Entries[1].RoleLabel.Zh)
	}
}

func TestReadsAreLogged(t *testing.T) {
	e := newAuditEnv(t)
	e.marriageCase(beijingCase, "110105")
	sup := e.token("sup-1", "supervisor:110000")
	// A party reading its own case is not logged; staff reads are.
	for _, r := range []struct{ path, auth string }{
		{"/v1/cases/" + beijingCase, e.token(husband)},
		{"/v1/cases/" + beijingCase, e.token("reg-1", "registrar:110105")},
		{"/v1/cases/" + beijingCase + "/trail", e.token("reg-1", "registrar:110105")},
		{"/v1/cases/" + beijingCase + "/file", sup},
		{"/v1/audit/entries.csv?division=110105&from=2026-03-01&to=2026-03-02", sup},
	} {
		if code, body := e.get(r.path, r.auth); code != http.StatusOK {
			t.Fatalf("%s: status %d: %s", r.path, code, body)
		}
	}
	code, body := e.get("/v1/audit/reads?case="+beijingCase, sup)
	if code != http.StatusOK {
		t.Fatalf("status %d: %s", code, body)
	}
	var log struct {
		Total int           `json:"total"`
		Items []ReadLogItem `json:"items"`
	}
	if err := json.Unmarshal(body, &log); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range log.Items {
		got = append(got, it.Subject+" "+it.Operation+" "+strings.Join(it.Fields, ","))
	}
	want := []string{
		"sup-1 export-case-file application,parties,documents,trail",
		"reg-1 get-case-trail trail",
		"reg-1 get-case parties,application,documents,timeline",
	}
	if log.Total != 3 || strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("read log %v (total %d), want %v", got, log.Total, want)
	}
	if it := log.Items[2]; it.Name != "测试 reg-1" || len(it.Roles) != 1 || it.Roles[0] != "registrar:110105" || it.OfficeName == "" {
		t.Errorf("who: %+v", it)
	}
	// The range export shows up within the division, by subject.
	code, body = e.get("/v1/audit/reads?division=110105&subject=sup-1", sup)
	if code != http.StatusOK || !strings.Contains(string(body), "export-audit-entries 2026-03-01..2026-03-02") {
		t.Fatalf("by subject: %d %s", code, body)
	}
}

func TestCaseFileExports(t *testing.T) {
	e := newAuditEnv(t)
	e.marriageCase(beijingCase, "110105")
	sup := e.token("sup-1", "supervisor:110000")

	code, body := e.get("/v1/cases/"+beijingCase+"/file", sup)
	if code != http.StatusOK {
		t.Fatalf("status %d: %s", code, body)
	}
	var f CaseFile
	if err := json.Unmarshal(body, &f); err != nil {
		t.Fatal(err)
	}
	if f.Application == nil || len(f.Parties) != 2 || len(f.Documents) != 1 || len(f.Trail) != 5 || len(f.Decisions) != 1 ||
		f.Decisions[0].Action != "register" || f.OutcomeLabel == nil || f.OutcomeLabel.Zh != "准予登记" ||
		!f.Integrity.Intact || f.GeneratedBy != "sup-1 测试 sup-1" || f.ClosedAt == nil {
		t.Fatalf("case file %+v", f)
	}

	res := e.api.Get("/v1/cases/"+beijingCase+"/file.html", sup)
	page := res.Body.String()
	if ct := res.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("content type %q", ct)
	}
	for _, want := range []string{"结婚登记案卷", "Marriage registration", "案件编号 Case ID", "张伟", wife, "J110105-2026-000001",
		"结婚证", "王登记", "办理记录", "哈希链完整", "@page", "=HYPERLINK(&#34;x&#34;)"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if csp := res.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("CSP %q", csp)
	}

	res = e.api.Get("/v1/audit/entries.csv?division=110000&from=2026-03-02&to=2026-03-04", sup)
	if res.Code != http.StatusOK || !strings.HasPrefix(res.Header().Get("Content-Type"), "text/csv") ||
		!strings.Contains(res.Header().Get("Content-Disposition"), "audit-110000-2026-03-02-2026-03-04.csv") {
		t.Fatalf("csv: %d %v", res.Code, res.Header())
	}
	rows, err := csv.NewReader(res.Body).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 6 || strings.Join(rows[0], ",") != strings.Join(csvHeader, ",") {
		t.Fatalf("csv rows %v", rows)
	}
	if got := rows[3][12]; got != `'=HYPERLINK("x") 符合条件` {
		t.Errorf("a formula in an opinion is exported as %q", got)
	}
	if rows[3][3] != "2026-03-04T12:00:00+08:00" || rows[3][16] != "met" || len(rows[3][18]) != 64 {
		t.Errorf("register row %v", rows[3])
	}
	// A period outside the case has no rows, and a backwards one is refused.
	if res := e.api.Get("/v1/audit/entries.csv?division=110000&from=2026-04-01&to=2026-04-30", sup); res.Code != 200 || strings.Count(res.Body.String(), "\n") != 1 {
		t.Errorf("empty period: %d %q", res.Code, res.Body.String())
	}
	if res := e.api.Get("/v1/audit/entries.csv?division=110000&from=2026-04-30&to=2026-04-01", sup); res.Code != http.StatusUnprocessableEntity {
		t.Errorf("backwards period: %d", res.Code)
	}
}

func TestVerifyThroughTheAPINamesTampering(t *testing.T) {
	e := newAuditEnv(t)
	e.marriageCase(beijingCase, "110105")
	e.marriageCase(henanCase, "410105")
	sup := e.token("sup-1", "supervisor:110000")
	verify := func() VerifyResult {
		t.Helper()
		code, body := e.get("/v1/audit/verify", sup)
		if code != http.StatusOK {
			t.Fatalf("status %d: %s", code, body)
		}
		var r VerifyResult
		if err := json.Unmarshal(body, &r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	if r := verify(); !r.Intact || r.Entries != 10 || r.Head.GlobalSeq != 10 || r.CheckpointFile != "missing" {
		t.Fatalf("before: %+v", r)
	}
	cp := &store.Checkpointer{DB: e.db, Path: filepath.Join(filepath.Dir(e.path), store.CheckpointFile), Logger: slog.New(slog.DiscardHandler)}
	if _, _, err := cp.Checkpoint(context.Background()); err != nil {
		t.Fatal(err)
	}
	if r := verify(); !r.Intact || r.CheckpointFile != "read" || r.CheckpointsMatched != 1 {
		t.Fatalf("with a checkpoint: %+v", r)
	}

	raw, err := sql.Open("sqlite", e.path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`UPDATE audit_entries SET opinion = '不符合条件' WHERE case_id = ? AND seq = 3`, beijingCase); err != nil {
		t.Fatal(err)
	}
	r := verify()
	if r.Intact || r.ProblemCount != 1 {
		t.Fatalf("after tampering: %+v", r)
	}
	if p := r.Problems[0]; p.Kind != store.ProblemAltered || p.CaseID != beijingCase || p.Seq != 3 || p.GlobalSeq != 3 {
		t.Errorf("problem %+v; want altered %s seq 3 global #3", p, beijingCase)
	}
	// The trail and the printed file say so too.
	_, body := e.get("/v1/cases/"+beijingCase+"/trail", sup)
	var trail CaseTrail
	if err := json.Unmarshal(body, &trail); err != nil {
		t.Fatal(err)
	}
	if trail.Integrity.Intact || len(trail.Integrity.Problems) != 1 {
		t.Errorf("trail integrity %+v", trail.Integrity)
	}
	if _, page := e.get("/v1/cases/"+beijingCase+"/file.html", sup); !bytes.Contains(page, []byte("校验未通过")) {
		t.Error("the printed case file does not show the failed check")
	}
	// Cutting off the newest entry is caught by the checkpoint.
	if _, err := raw.Exec(`DELETE FROM audit_entries WHERE global_seq = 10`); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range verify().Problems {
		found = found || (p.Kind == store.ProblemTruncated && p.CaseID == henanCase && p.Seq == 5)
	}
	if !found {
		t.Error("the truncation is not reported")
	}
}

func TestSupervisionStats(t *testing.T) {
	e := newAuditEnv(t)
	e.marriageCase(beijingCase, "110105")
	e.marriageCase("MAR-110108-20260302-0001", "110108")
	e.marriageCase(henanCase, "410105")
	code, body := e.get("/v1/supervision/stats?division=110000", e.token("sup-1", "supervisor:110000"))
	if code != http.StatusOK {
		t.Fatalf("status %d: %s", code, body)
	}
	var s SupervisionStats
	if err := json.Unmarshal(body, &s); err != nil {
		t.Fatal(err)
	}
	if len(s.ByProcedure) != 1 || s.ByProcedure[0].Total != 2 || len(s.ByOffice) != 2 || s.DivisionName != "北京市" ||
		len(s.ByOutcome) != 1 || s.ByOutcome[0].Label.Zh != "准予登记" || s.ByOutcome[0].Count != 2 {
		t.Fatalf("stats %+v", s)
	}
	// Received Monday 2026-03-02, closed Wednesday 03-04: two working days.
	if len(s.ProcessingTime) != 1 || s.ProcessingTime[0].Counted != 2 || s.ProcessingTime[0].P50 != 2 || s.ProcessingTime[0].Max != 2 {
		t.Errorf("processing time %+v", s.ProcessingTime)
	}
}

func TestPercentile(t *testing.T) {
	values := []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	tests := []struct {
		q    float64
		want int
	}{{0.5, 5}, {0.9, 9}, {0.95, 10}, {1, 10}, {0.01, 1}}
	for _, tt := range tests {
		if got := percentile(values, tt.q); got != tt.want {
			t.Errorf("percentile(%v) = %d, want %d", tt.q, got, tt.want)
		}
	}
	if got := percentile([]int{7}, 0.5); got != 7 {
		t.Errorf("single value: %d", got)
	}
}

func TestLimitLabelsCoverStates(t *testing.T) {
	for _, s := range []string{store.DeadlineRunning, store.DeadlineSuspended, store.DeadlineMet, store.DeadlineOverdue, store.DeadlineExpired} {
		if _, ok := limitStateLabels[s]; !ok {
			t.Errorf("no label for %q", s)
		}
	}
	for _, o := range []string{procedures.OutcomeApproved, procedures.OutcomeRefused, procedures.OutcomeNotAccepted,
		procedures.OutcomeWithdrawn, procedures.OutcomeDeemedWithdrawn, procedures.OutcomeTerminated} {
		if _, ok := outcomeLabels[o]; !ok {
			t.Errorf("no label for outcome %q", o)
		}
	}
}
