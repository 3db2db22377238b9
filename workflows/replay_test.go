package workflows_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"civilflow/workflows"
)

// The histories under testdata/ were recorded from real runs against the
// embedded server (go test ./integration -run 'TestRestartMidCase|TestRecordTimerHistory|TestW9|TestW11|TestM22|TestM7'
// -record-histories); a history of a new definition version gets a file of
// its own, so those of the versions before it stay. Replaying them proves that today's interpreter still
// makes the same decisions for cases already in flight.
//
// The worker is registered the way production registers it, but with a key
// that signed none of the recorded actions (most were recorded before
// actions were signed at all): replay must not depend on the key, because
// the signature is checked only by the update validator, which the SDK
// skips on replay.
func TestReplayRecordedHistories(t *testing.T) {
	files, err := filepath.Glob("testdata/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no recorded histories (%v)", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			r := worker.NewWorkflowReplayer()
			r.RegisterWorkflowWithOptions(replayCases.CaseWorkflow, workflow.RegisterOptions{Name: workflows.CaseWorkflowName})
			if err := r.ReplayWorkflowHistoryFromJSONFile(nil, f); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// replayCases has a key unrelated to any recorded history.
var replayCases = workflows.Cases{ActionKey: []byte("a key that signed no recorded action")}

// TestReplayDetectsNonDeterminism changes which activity a recorded history
// scheduled first; the replayer must refuse it, or the replay test above
// could not catch a breaking change.
func TestReplayDetectsNonDeterminism(t *testing.T) {
	raw, err := os.ReadFile("testdata/marriage-registered.json")
	if err != nil {
		t.Fatal(err)
	}
	bad := bytes.Replace(raw, []byte(`"name": "RunChecks"`), []byte(`"name": "IssueDocuments"`), 1)
	if bytes.Equal(bad, raw) {
		t.Fatal("the history has no RunChecks activity to tamper with")
	}
	h, err := client.HistoryFromJSON(bytes.NewReader(bad), client.HistoryJSONOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r := worker.NewWorkflowReplayer()
	r.RegisterWorkflowWithOptions(replayCases.CaseWorkflow, workflow.RegisterOptions{Name: workflows.CaseWorkflowName})
	err = r.ReplayWorkflowHistory(nil, h)
	if err == nil || !strings.Contains(err.Error(), "nondeterministic") {
		t.Fatalf("tampered history replayed without a non-determinism error: %v", err)
	}
}
