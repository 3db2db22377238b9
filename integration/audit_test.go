package integration

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"

	"civilflow/api"
	"civilflow/app"
	"civilflow/procedures"
	"civilflow/store"
	"civilflow/workflows"
)

// readLog is a page of GET /v1/audit/reads.
type readLog struct {
	Total int               `json:"total"`
	Items []api.ReadLogItem `json:"items"`
}

func (l readLog) has(subject, operation string) bool {
	for _, it := range l.Items {
		if it.Subject == subject && it.Operation == operation {
			return true
		}
	}
	return false
}

// TestAuditTrailExportsAndReadLog registers a marriage through the API and
// audits it: the trail in words, who may see what, the read log, the case
// file, the raw history while it exists, and the supervision views.
func TestAuditTrailExportsAndReadLog(t *testing.T) {
	e := sharedEnv(t)
	reg := e.token("reg-audit-1", "王登记", "registrar:110105")
	sup := e.token("sup-audit-1", "赵监督", "supervisor:110000")
	outsiderSup := e.token("sup-audit-2", "钱监督", "supervisor:410000")
	c := e.couple("19900307", "19920612")
	st := e.do(http.MethodPost, "/v1/cases", c.manTok, marriageBody(c, beijingChaoyang)).expect(t, http.StatusCreated).state(t)
	e.act(st.CaseID, reg, "register", "双方符合结婚条件").expect(t, http.StatusOK)

	// The trail, in words, for the office and its supervisors.
	var trail api.CaseTrail
	e.do(http.MethodGet, "/v1/cases/"+st.CaseID+"/trail", sup, nil).expect(t, http.StatusOK).decode(t, &trail)
	if !trail.Integrity.Intact || len(trail.Entries) < 5 {
		t.Fatalf("trail %+v", trail)
	}
	var register *api.TrailEntry
	for i, en := range trail.Entries {
		if en.Action == "register" {
			register = &trail.Entries[i]
		}
		if en.ActionLabel.Zh == "" || en.ActionLabel.En == "" || en.RoleLabel.Zh == "" || en.Hash == "" || en.GlobalSeq == 0 {
			t.Errorf("entry %d is not in words or not chained: %+v", en.Seq, en)
		}
	}
	if register == nil || register.Actor != "reg-audit-1" || register.ActorName != "王登记" || register.Role != "registrar" ||
		register.OfficeName != "北京市朝阳区" || register.Opinion != "双方符合结婚条件" || register.LegalBasis == "" ||
		register.StageFromTitle == nil || register.StageFromTitle.Zh == register.StageFrom {
		t.Fatalf("register entry %+v", register)
	}
	e.do(http.MethodGet, "/v1/cases/"+st.CaseID+"/trail", reg, nil).expect(t, http.StatusOK)
	e.do(http.MethodGet, "/v1/cases/"+st.CaseID+"/trail", c.womanTok, nil).expect(t, http.StatusForbidden)
	e.do(http.MethodGet, "/v1/cases/"+st.CaseID+"/trail", outsiderSup, nil).expect(t, http.StatusNotFound)

	// Exports are for supervisors only.
	for _, path := range []string{"/file", "/file.html", "/history"} {
		e.do(http.MethodGet, "/v1/cases/"+st.CaseID+path, reg, nil).expect(t, http.StatusForbidden)
		e.do(http.MethodGet, "/v1/cases/"+st.CaseID+path, c.manTok, nil).expect(t, http.StatusForbidden)
		e.do(http.MethodGet, "/v1/cases/"+st.CaseID+path, outsiderSup, nil).expect(t, http.StatusNotFound)
	}
	var file api.CaseFile
	e.do(http.MethodGet, "/v1/cases/"+st.CaseID+"/file", sup, nil).expect(t, http.StatusOK).decode(t, &file)
	applicants, _ := file.Application["applicants"].([]any)
	if len(applicants) != 2 || len(file.Documents) != 2 || len(file.Decisions) != 1 || file.Outcome != procedures.OutcomeApproved {
		t.Fatalf("case file: application %v documents %d decisions %d outcome %s", file.Application, len(file.Documents), len(file.Decisions), file.Outcome)
	}
	page := e.do(http.MethodGet, "/v1/cases/"+st.CaseID+"/file.html", sup, nil).expect(t, http.StatusOK)
	if !strings.Contains(string(page.body), file.Documents[0].Number) || !strings.Contains(string(page.body), "哈希链完整") {
		t.Error("the printable case file lacks the certificate or the integrity check")
	}
	hist := e.do(http.MethodGet, "/v1/cases/"+st.CaseID+"/history", sup, nil).expect(t, http.StatusOK)
	var h struct {
		Events []map[string]any `json:"events"`
	}
	hist.decode(t, &h)
	if len(h.Events) < 5 {
		t.Fatalf("history has %d events", len(h.Events))
	}

	// Who looked: the registrar's read of the case is logged, the parties'
	// reads of their own case are not.
	e.do(http.MethodGet, "/v1/cases/"+st.CaseID, reg, nil).expect(t, http.StatusOK)
	e.do(http.MethodGet, "/v1/cases/"+st.CaseID, c.womanTok, nil).expect(t, http.StatusOK)
	var log readLog
	e.do(http.MethodGet, "/v1/audit/reads?case="+st.CaseID, sup, nil).expect(t, http.StatusOK).decode(t, &log)
	for _, want := range []struct{ who, op string }{
		{"reg-audit-1", "get-case"}, {"reg-audit-1", "get-case-trail"}, {"sup-audit-1", "export-case-file"},
		{"sup-audit-1", "export-case-file-html"}, {"sup-audit-1", "export-case-history"},
	} {
		if !log.has(want.who, want.op) {
			t.Errorf("read log lacks %s by %s: %+v", want.op, want.who, log.Items)
		}
	}
	for _, it := range log.Items {
		if it.Subject == c.man || it.Subject == c.woman {
			t.Errorf("a party's read of its own case was logged: %+v", it)
		}
		if it.Operation == "get-case" && strings.Join(it.Fields, ",") != "parties,application,documents,timeline" {
			t.Errorf("fields of a case read: %v", it.Fields)
		}
	}
	e.do(http.MethodGet, "/v1/audit/reads?case="+st.CaseID, reg, nil).expect(t, http.StatusForbidden)

	// Supervision views count the case.
	var stats api.SupervisionStats
	e.do(http.MethodGet, "/v1/supervision/stats?division=110105", sup, nil).expect(t, http.StatusOK).decode(t, &stats)
	approved := 0
	for _, o := range stats.ByOutcome {
		if o.Outcome == procedures.OutcomeApproved {
			approved = o.Count
		}
	}
	if approved < 1 || len(stats.ProcessingTime) == 0 {
		t.Errorf("stats %+v", stats)
	}
	e.do(http.MethodGet, "/v1/supervision/stats?division=110105", reg, nil).expect(t, http.StatusForbidden)
	e.do(http.MethodGet, "/v1/supervision/stats?division=110105", outsiderSup, nil).expect(t, http.StatusForbidden)
}

// TestTrailRecordsTheLimitInForce withdraws a divorce during the
// cooling-off period: the trail shows the period running when the case
// entered it and met when the withdrawal came.
func TestTrailRecordsTheLimitInForce(t *testing.T) {
	e := sharedEnv(t)
	reg := e.token("reg-audit-2", "吴登记", "registrar:110105")
	sup := e.token("sup-audit-3", "郑监督", "supervisor:110105")
	c := e.married(beijingChaoyang, reg)
	st := e.counterDivorce(c, beijingChaoyang)
	if st.Stage != "cooling-off" {
		t.Fatalf("stage %s", st.Stage)
	}
	e.withdrawInPerson(st.CaseID, reg).expect(t, http.StatusOK)
	var trail api.CaseTrail
	e.do(http.MethodGet, "/v1/cases/"+st.CaseID+"/trail", sup, nil).expect(t, http.StatusOK).decode(t, &trail)
	states := map[string]string{}
	for _, en := range trail.Entries {
		if en.Limit != nil {
			if en.Limit.Name != "cooling-off" || en.Limit.LastDay != st.Deadlines[0].LastDay || en.Limit.Title.Zh == "cooling-off" {
				t.Errorf("%s: limit %+v", en.Action, en.Limit)
			}
			states[en.Action] = en.Limit.State
		}
	}
	want := map[string]string{"submit": store.DeadlineRunning, "checks-passed": store.DeadlineRunning,
		"withdraw": store.DeadlineMet, "close:withdrawn": store.DeadlineMet}
	for action, state := range want {
		if states[action] != state {
			t.Errorf("%s: limit state %q, want %q (all: %v)", action, states[action], state, states)
		}
	}
}

// startWith starts a civilflow of its own with a short namespace retention
// and frequent audit checkpoints.
func startWith(t *testing.T, dataDir string, c *clock) *app.App {
	return startOwn(t, dataDir, c, func(cfg *app.Config) {
		cfg.Retention = time.Hour // the embedded server's minimum
		cfg.AuditCheckpointEvery = 100 * time.Millisecond
	})
}

// TestClosedCaseOutlivesTemporalHistory closes a case, deletes its
// workflow execution the way the namespace retention does, and reads the
// case, its trail and its documents from the store afterwards. Then it
// tampers with the database and has GET /v1/audit/verify name the entry.
func TestClosedCaseOutlivesTemporalHistory(t *testing.T) {
	dir := t.TempDir()
	c := &clock{}
	e := &env{t: t, app: startWith(t, dir, c), clock: c, dataDir: dir}
	reg := e.token("reg-retention", "孙登记", "registrar:110105")
	sup := e.token("sup-retention", "李监督", "supervisor:110000")
	couple := e.couple("19890101", "19910101")
	st := e.do(http.MethodPost, "/v1/cases", couple.manTok, marriageBody(couple, beijingChaoyang)).expect(t, http.StatusCreated).state(t)
	done := e.act(st.CaseID, reg, "register", "").expect(t, http.StatusOK).state(t)
	if done.Status != workflows.StatusClosed || len(done.Documents) != 2 {
		t.Fatalf("case not closed with certificates: %s %+v", done.Status, done.Documents)
	}
	var before api.CaseTrail
	e.do(http.MethodGet, "/v1/cases/"+st.CaseID+"/trail", sup, nil).expect(t, http.StatusOK).decode(t, &before)

	// What retention does when it runs out: the execution and its history go.
	ctx := context.Background()
	ws := e.app.Client().WorkflowService()
	if _, err := ws.DeleteWorkflowExecution(ctx, &workflowservice.DeleteWorkflowExecutionRequest{
		Namespace: "civilflow", WorkflowExecution: &commonpb.WorkflowExecution{WorkflowId: st.CaseID},
	}); err != nil {
		t.Fatalf("delete execution: %v", err)
	}
	// The server deletes a closed execution once its transfer queue's ack
	// level has passed the close task, which it records every 30 s.
	began := time.Now()
	deadline := began.Add(2 * time.Minute)
	for {
		_, err := e.app.Client().DescribeWorkflowExecution(ctx, st.CaseID, "")
		var notFound *serviceerror.NotFound
		if errors.As(err, &notFound) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the execution was not deleted: %v", err)
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Logf("the execution was deleted %v after the request", time.Since(began).Round(time.Second))

	// The case, its documents and its trail are all still there.
	after := e.do(http.MethodGet, "/v1/cases/"+st.CaseID, couple.womanTok, nil).expect(t, http.StatusOK).state(t)
	if after.Outcome != procedures.OutcomeApproved || len(after.Documents) != 2 || after.Documents[0].Number != done.Documents[0].Number ||
		len(after.Timeline) != len(done.Timeline) {
		t.Fatalf("the case as read after its history was deleted: %+v", after)
	}
	var trail api.CaseTrail
	e.do(http.MethodGet, "/v1/cases/"+st.CaseID+"/trail", sup, nil).expect(t, http.StatusOK).decode(t, &trail)
	if len(trail.Entries) != len(before.Entries) || !trail.Integrity.Intact || trail.Integrity.Head != before.Integrity.Head {
		t.Fatalf("trail after deletion: %d entries, integrity %+v; before %d entries", len(trail.Entries), trail.Integrity, len(before.Entries))
	}
	var file api.CaseFile
	e.do(http.MethodGet, "/v1/cases/"+st.CaseID+"/file", sup, nil).expect(t, http.StatusOK).decode(t, &file)
	if len(file.Documents) != 2 || file.Application == nil || len(file.Trail) != len(before.Entries) {
		t.Fatalf("case file after deletion: %+v", file)
	}
	var gone problem
	e.do(http.MethodGet, "/v1/cases/"+st.CaseID+"/history", sup, nil).expect(t, http.StatusGone).decode(t, &gone)
	if gone.Type != "/problems/gone" || !strings.Contains(gone.Detail, "retention") {
		t.Errorf("410 problem %+v", gone)
	}

	// Tampering with the database is named through the API.
	cpFile := filepath.Join(dir, store.CheckpointFile)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if cps, err := store.ReadCheckpointFile(cpFile); err == nil && len(cps) > 0 && cps[len(cps)-1].GlobalSeq == int64(len(before.Entries)) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no checkpoint of the head was written")
		}
	}
	var v api.VerifyResult
	e.do(http.MethodGet, "/v1/audit/verify", sup, nil).expect(t, http.StatusOK).decode(t, &v)
	if !v.Intact || v.CheckpointFile != "read" || v.CheckpointsMatched == 0 {
		t.Fatalf("before tampering: %+v", v)
	}
	raw, err := sql.Open("sqlite", filepath.Join(dir, "civilflow.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`UPDATE audit_entries SET actor_name = '周某' WHERE case_id = ? AND action = 'register'`, st.CaseID); err != nil {
		t.Fatal(err)
	}
	e.do(http.MethodGet, "/v1/audit/verify", sup, nil).expect(t, http.StatusOK).decode(t, &v)
	if v.Intact || len(v.Problems) == 0 {
		t.Fatalf("tampering not detected: %+v", v)
	}
	p := v.Problems[0]
	if p.Kind != store.ProblemAltered || p.CaseID != st.CaseID || p.Seq != register(t, before).Seq {
		t.Errorf("first problem %+v; want the register entry of %s altered", p, st.CaseID)
	}
	raw.Exec(`UPDATE audit_entries SET actor_name = '孙登记' WHERE case_id = ? AND action = 'register'`, st.CaseID)
	// Cutting off the newest entries is caught by the checkpoint.
	if _, err := raw.Exec(`DELETE FROM audit_entries WHERE global_seq = (SELECT MAX(global_seq) FROM audit_entries)`); err != nil {
		t.Fatal(err)
	}
	e.do(http.MethodGet, "/v1/audit/verify", sup, nil).expect(t, http.StatusOK).decode(t, &v)
	if v.Intact || v.Problems[0].Kind != store.ProblemTruncated || v.Problems[0].CaseID != st.CaseID {
		raw, _ := json.Marshal(v.Problems)
		t.Errorf("after truncation: %s", raw)
	}
}

func register(t *testing.T, tr api.CaseTrail) api.TrailEntry {
	t.Helper()
	for _, e := range tr.Entries {
		if e.Action == "register" {
			return e
		}
	}
	t.Fatal("no register entry")
	return api.TrailEntry{}
}
