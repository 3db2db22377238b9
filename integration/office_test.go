package integration

import (
	"net/http"
	"path/filepath"
	"testing"

	"civilflow/procedures"
	"civilflow/workflows"
)

// TestEveryTaskActionThroughTheAPI drives delegation, release, a sequential
// countersign with an added and a removed signer, an extension and a return
// from the countersign through the HTTP API, on a procedure loaded from a
// directory as an office would add one.
func TestEveryTaskActionThroughTheAPI(t *testing.T) {
	dir := t.TempDir()
	c := &clock{}
	e := &env{t: t, app: bnStart(t, dir, filepath.Join("testdata", "procedures"), c), clock: c, dataDir: dir}
	regA := e.staffMember("oa-reg-a", "甲科员", "registrar:110105")
	regB := e.staffMember("oa-reg-b", "乙科员", "registrar:110105")
	head := e.staffMember("oa-head", "丙科长", "approver:110105")
	e.staffMember("oa-head-2", "丁副科长", "approver:110105")
	who := person("19850101", true)
	body := map[string]any{"procedure": "office-approval", "office": beijingChaoyang,
		"form": map[string]any{"applicants": []map[string]string{{"name": "王五", "idNumber": who}}}}
	st := e.do(http.MethodPost, "/v1/cases", e.token(who, "王五"), body).expect(t, http.StatusCreated).state(t)
	id := st.CaseID
	do := func(tok string, status int, b map[string]any) workflows.CaseState {
		t.Helper()
		res := e.do(http.MethodPost, "/v1/cases/"+id+"/actions", tok, b).expect(t, status)
		if status != http.StatusOK {
			return workflows.CaseState{}
		}
		return res.state(t)
	}
	do(regA, 200, map[string]any{"action": "claim"})
	do(regA, 200, map[string]any{"action": "delegate", "targets": []string{"oa-reg-b"}})
	do(regB, 409, map[string]any{"action": "pass"})                              // a delegate only gives an opinion
	do(regA, 409, map[string]any{"action": "pass"})                              // the owner waits for it
	do(regB, 409, map[string]any{"action": "resolve"})                           // an opinion is required
	got := do(regB, 200, map[string]any{"action": "resolve", "opinion": "材料齐全"}) // back to the owner
	if a := got.Assignment; a == nil || a.Holder != "oa-reg-a" || a.Owner != "" {
		t.Fatalf("after resolve: %+v", got.Assignment)
	}
	do(regA, 200, map[string]any{"action": "release"})
	do(regB, 200, map[string]any{"action": "claim"})
	got = do(regB, 200, map[string]any{"action": "pass"})
	if got.Stage != "sign" {
		t.Fatalf("stage %s", got.Stage)
	}

	do(head, 409, map[string]any{"action": "agree"}) // in turn: the clerk first
	do(regA, 200, map[string]any{"action": "agree"})
	got = do(head, 200, map[string]any{"action": "add-signer", "targets": []string{"oa-head-2"}, "position": "before"})
	if len(got.Signatures) != 3 || got.Signatures[1].Person != "oa-head-2" {
		t.Fatalf("signatures after adding %+v", got.Signatures)
	}
	do(head, 409, map[string]any{"action": "agree"}) // the added signer's turn
	do(head, 200, map[string]any{"action": "remove-signer", "slot": got.Signatures[1].Slot})
	got = do(head, 200, map[string]any{"action": "extend:decision", "opinion": "需补充调查，延长十个工作日"})
	if !got.Clocks[0].Extended {
		t.Fatalf("clock %+v", got.Clocks[0])
	}
	got = do(head, 200, map[string]any{"action": "return:review", "opinion": "请补充说明后重新报批"})
	if got.Stage != "review" {
		t.Fatalf("after return: %s", got.Stage)
	}
	do(regB, 200, map[string]any{"action": "pass"})
	do(regA, 200, map[string]any{"action": "agree"})
	done := do(head, 200, map[string]any{"action": "agree"})
	if done.Outcome != procedures.OutcomeApproved || done.Clocks[0].Status != workflows.ClockMet {
		t.Fatalf("outcome %s clocks %+v", done.Outcome, done.Clocks)
	}
	for _, action := range []string{"delegate", "resolve", "release", "add-signer", "remove-signer", "extend:decision", "return:review"} {
		if len(events(done, action)) == 0 {
			t.Errorf("no %s in the trail", action)
		}
	}
}

func events(st workflows.CaseState, action string) []workflows.Event {
	var out []workflows.Event
	for _, e := range st.Timeline {
		if e.Action == action {
			out = append(out, e)
		}
	}
	return out
}
