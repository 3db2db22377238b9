package integration

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	enums "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"civilflow/temporalserver"
)

const (
	tsNamespace     = "civilflow-it"
	tsTaskQueue     = "temporalserver-it"
	tsWorkflowName  = "TemporalServerITApproval"
	tsSignal        = "decision"
	tsChildEnv      = "CIVILFLOW_TEMPORALSERVER_CHILD_DIR"
	tsChildReadyTag = "TEMPORALSERVER-CHILD-READY"
)

var (
	tsStage  = temporal.NewSearchAttributeKeyKeyword("CivilflowStage")
	tsOffice = temporal.NewSearchAttributeKeyKeyword("CivilflowOffice")
)

// tsApprovalWorkflow stands in for an approval case: it waits for a decision
// signal, which may arrive after any number of server restarts.
func tsApprovalWorkflow(ctx workflow.Context) (string, error) {
	var decision string
	workflow.GetSignalChannel(ctx, tsSignal).Receive(ctx, &decision)
	// Exercises the history service's view of the namespace's attributes.
	if err := workflow.UpsertTypedSearchAttributes(ctx, tsStage.ValueSet("decided")); err != nil {
		return "", err
	}
	return "decided:" + decision, nil
}

func tsConfig(t *testing.T, dir string) temporalserver.Config {
	return temporalserver.Config{
		DataDir:          dir,
		Namespace:        tsNamespace,
		Address:          "127.0.0.1:0",
		SearchAttributes: map[string]enums.IndexedValueType{tsStage.GetName(): enums.INDEXED_VALUE_TYPE_KEYWORD},
		Logger:           slog.New(slog.NewTextHandler(t.Output(), nil)),
	}
}

func tsStart(t *testing.T, ctx context.Context, cfg temporalserver.Config, what string) *temporalserver.Server {
	t.Helper()
	begin := time.Now()
	srv, err := temporalserver.Start(ctx, cfg)
	if err != nil {
		t.Fatalf("Start (%s): %v", what, err)
	}
	t.Logf("FIGURE Start() to ready, %s: %v", what, time.Since(begin).Round(time.Millisecond))
	return srv
}

func tsExpectStartError(t *testing.T, ctx context.Context, cfg temporalserver.Config, want string) {
	t.Helper()
	srv, err := temporalserver.Start(ctx, cfg)
	if err == nil {
		_ = srv.Stop()
		t.Fatalf("Start on %s at %s succeeded, want an error containing %q", cfg.DataDir, cfg.Address, want)
	}
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("Start error = %v, want it to contain %q", err, want)
	}
	t.Logf("expected Start error: %v", err)
}

func tsStop(t *testing.T, srv *temporalserver.Server) {
	t.Helper()
	begin := time.Now()
	if err := srv.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	t.Logf("FIGURE Stop(): %v", time.Since(begin).Round(time.Millisecond))
}

// tsConnect dials the server and runs a worker for tsApprovalWorkflow; the
// cleanup returned stops both.
func tsConnect(t *testing.T, srv *temporalserver.Server) (client.Client, func()) {
	t.Helper()
	c, err := client.Dial(client.Options{
		HostPort:  srv.Address(),
		Namespace: tsNamespace,
		// The server accepts only the client certificate it issued.
		ConnectionOptions: client.ConnectionOptions{TLS: srv.ClientTLS()},
		// Warn and up: poll errors around restarts are the interesting part.
		Logger: sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))),
	})
	if err != nil {
		t.Fatalf("dial %s: %v", srv.Address(), err)
	}
	w := worker.New(c, tsTaskQueue, worker.Options{})
	w.RegisterWorkflowWithOptions(tsApprovalWorkflow, workflow.RegisterOptions{Name: tsWorkflowName})
	if err := w.Start(); err != nil {
		c.Close()
		t.Fatalf("start worker: %v", err)
	}
	return c, func() { w.Stop(); c.Close() }
}

func tsStartCase(t *testing.T, ctx context.Context, c client.Client, id string, attrs ...temporal.SearchAttributeUpdate) {
	t.Helper()
	_, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                    id,
		TaskQueue:             tsTaskQueue,
		TypedSearchAttributes: temporal.NewSearchAttributes(attrs...),
	}, tsWorkflowName)
	if err != nil {
		t.Fatalf("start workflow %s: %v", id, err)
	}
}

// tsAwaitBlocked waits until the worker has run the workflow's first task, so
// the case is parked on its signal the way a real approval case is.
func tsAwaitBlocked(t *testing.T, ctx context.Context, c client.Client, id string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		desc, err := c.DescribeWorkflowExecution(ctx, id, "")
		if err != nil {
			t.Fatalf("describe workflow %s: %v", id, err)
		}
		// Started, task scheduled, started, completed.
		if desc.GetPendingWorkflowTask() == nil && desc.GetWorkflowExecutionInfo().GetHistoryLength() >= 4 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("workflow %s did not block on its signal: %v", id, desc)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func tsStatus(t *testing.T, ctx context.Context, c client.Client, id string) enums.WorkflowExecutionStatus {
	t.Helper()
	desc, err := c.DescribeWorkflowExecution(ctx, id, "")
	if err != nil {
		t.Fatalf("describe workflow %s: %v", id, err)
	}
	return desc.GetWorkflowExecutionInfo().GetStatus()
}

func tsDecide(t *testing.T, ctx context.Context, c client.Client, id, decision string) {
	t.Helper()
	if err := c.SignalWorkflow(ctx, id, "", tsSignal, decision); err != nil {
		t.Fatalf("signal %s: %v", id, err)
	}
	var result string
	if err := c.GetWorkflow(ctx, id, "").Get(ctx, &result); err != nil {
		t.Fatalf("result of %s: %v", id, err)
	}
	if want := "decided:" + decision; result != want {
		t.Fatalf("result of %s = %q, want %q", id, result, want)
	}
}

func tsRetention(t *testing.T, ctx context.Context, c client.Client) time.Duration {
	t.Helper()
	desc, err := c.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: tsNamespace})
	if err != nil {
		t.Fatalf("describe namespace: %v", err)
	}
	return desc.GetConfig().GetWorkflowExecutionRetentionTtl().AsDuration()
}

func tsClusterID(t *testing.T, ctx context.Context, c client.Client) string {
	t.Helper()
	info, err := c.WorkflowService().GetClusterInfo(ctx, &workflowservice.GetClusterInfoRequest{})
	if err != nil {
		t.Fatalf("cluster info: %v", err)
	}
	return info.GetClusterId()
}

// tsAwaitCount waits until visibility counts want workflows for query.
func tsAwaitCount(t *testing.T, ctx context.Context, c client.Client, query string, want int64) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		resp, err := c.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{Namespace: tsNamespace, Query: query})
		if err == nil && resp.GetCount() == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("count %q: got %d (err %v), want %d", query, resp.GetCount(), err, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestTemporalServer checks that approval cases survive graceful restarts of
// the embedded server and that retention and search attributes follow the
// configuration on every start.
func TestTemporalServer(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cfg := tsConfig(t, t.TempDir())

	// 1. Fresh data directory: start a case that waits for its decision.
	srv := tsStart(t, ctx, cfg, "fresh dir")
	c, closeClient := tsConnect(t, srv)
	tsStartCase(t, ctx, c, "case-1", tsStage.ValueSet("review"))
	tsAwaitBlocked(t, ctx, c, "case-1")
	tsAwaitCount(t, ctx, c, `CivilflowStage = "review"`, 1)
	if got := tsRetention(t, ctx, c); got != temporalserver.DefaultRetention {
		t.Fatalf("retention after creation = %v, want %v", got, temporalserver.DefaultRetention)
	}
	clusterID := tsClusterID(t, ctx, c)
	closeClient()
	tsStop(t, srv)

	// 2. Same configuration again: the case is still waiting.
	srv = tsStart(t, ctx, cfg, "existing dir")
	c, closeClient = tsConnect(t, srv)
	if got := tsStatus(t, ctx, c, "case-1"); got != enums.WORKFLOW_EXECUTION_STATUS_RUNNING {
		t.Fatalf("case-1 after restart: status %v, want running", got)
	}
	if got := tsRetention(t, ctx, c); got != temporalserver.DefaultRetention {
		t.Fatalf("retention after restart = %v, want %v", got, temporalserver.DefaultRetention)
	}
	if got := tsClusterID(t, ctx, c); got != clusterID {
		t.Fatalf("cluster ID changed across restart: %s -> %s", clusterID, got)
	}
	closeClient()
	tsStop(t, srv)

	// 3. Changed configuration: retention is updated and a new search attribute
	// is usable as soon as Start returns.
	cfg.Retention = 400 * 24 * time.Hour
	cfg.SearchAttributes[tsOffice.GetName()] = enums.INDEXED_VALUE_TYPE_KEYWORD
	srv = tsStart(t, ctx, cfg, "existing dir, new retention and search attribute")
	defer tsStop(t, srv)
	c, closeClient = tsConnect(t, srv)
	defer closeClient()
	if got := tsRetention(t, ctx, c); got != cfg.Retention {
		t.Fatalf("retention after reconfigured restart = %v, want %v", got, cfg.Retention)
	}
	if got := tsStatus(t, ctx, c, "case-1"); got != enums.WORKFLOW_EXECUTION_STATUS_RUNNING {
		t.Fatalf("case-1 after second restart: status %v, want running", got)
	}
	tsStartCase(t, ctx, c, "case-2", tsStage.ValueSet("review"), tsOffice.ValueSet("district-3"))

	// A second server on the same directory or address must fail with an
	// error, not share the database or exit the process.
	tsExpectStartError(t, ctx, cfg, "in use")
	other := tsConfig(t, t.TempDir())
	other.Address = srv.Address()
	tsExpectStartError(t, ctx, other, "in use")

	begin := time.Now()
	tsDecide(t, ctx, c, "case-1", "approved")
	t.Logf("FIGURE signal to completion after restarts: %v", time.Since(begin).Round(time.Millisecond))
	tsDecide(t, ctx, c, "case-2", "rejected")
	tsAwaitCount(t, ctx, c, `CivilflowStage = "decided" AND ExecutionStatus = "Completed"`, 2)
	tsAwaitCount(t, ctx, c, `CivilflowOffice = "district-3"`, 1)
}

// TestTemporalServerKill9 checks that a case survives the server process
// being killed without any shutdown (hot WAL, lock file left behind).
func TestTemporalServerKill9(t *testing.T) {
	if dir := os.Getenv(tsChildEnv); dir != "" {
		tsKillChild(t, dir)
		return
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	dir := t.TempDir()

	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestTemporalServerKill9$", "-test.count=1")
	cmd.Env = append(os.Environ(), tsChildEnv+"="+dir)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdin, err := cmd.StdinPipe() // the child exits when this closes
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	if err := cmd.Start(); err != nil {
		t.Fatalf("start child: %v", err)
	}
	ready := false
	var out strings.Builder
	for sc := bufio.NewScanner(stdout); sc.Scan(); {
		if strings.HasPrefix(sc.Text(), tsChildReadyTag) {
			ready = true
			break
		}
		out.WriteString(sc.Text() + "\n")
	}
	if !ready {
		_ = cmd.Wait()
		t.Fatalf("child did not get ready; stdout:\n%s\nstderr:\n%s", out.String(), stderr.String())
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }() // never block the child on a full pipe
	if err := cmd.Process.Kill(); err != nil {         // SIGKILL
		t.Fatalf("kill child: %v", err)
	}
	_ = cmd.Wait()

	srv := tsStart(t, ctx, tsConfig(t, dir), "after kill -9")
	defer tsStop(t, srv)
	c, closeClient := tsConnect(t, srv)
	defer closeClient()
	if got := tsStatus(t, ctx, c, "case-killed"); got != enums.WORKFLOW_EXECUTION_STATUS_RUNNING {
		t.Fatalf("case-killed after kill -9: status %v, want running", got)
	}
	tsDecide(t, ctx, c, "case-killed", "approved")
}

// tsKillChild runs in the child process: it starts a case, waits until the
// workflow is blocked on its signal, reports readiness and waits to be killed.
func tsKillChild(t *testing.T, dir string) {
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cfg := tsConfig(t, dir)
	cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	srv, err := temporalserver.Start(ctx, cfg)
	if err != nil {
		t.Fatalf("child Start: %v", err)
	}
	c, _ := tsConnect(t, srv)
	tsStartCase(t, ctx, c, "case-killed", tsStage.ValueSet("review"))
	tsAwaitBlocked(t, ctx, c, "case-killed")
	fmt.Println(tsChildReadyTag)
	_, _ = io.Copy(io.Discard, os.Stdin) // killed before the parent closes stdin
	t.Fatal("child was not killed")
}
