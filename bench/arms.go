package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"civilflow/auth"
	"civilflow/policies"
	"civilflow/procedures"
)

// arm runs one complete case and reports how long its two steps took.
type arm interface {
	name() string
	runCase(ctx context.Context) (submit, act time.Duration, err error)
}

// apiArm is arm A: a marriage applied for and registered through
// civilflow's HTTP API.
type apiArm struct {
	base       string
	key        []byte
	http       *http.Client
	registrars []string // tokens; several, so that no one subject meets the per-subject rate limit
	seq        atomic.Int64
}

func (a *apiArm) name() string { return "A" }

func (a *apiArm) runCase(ctx context.Context) (time.Duration, time.Duration, error) {
	n := int(a.seq.Add(1) - 1)
	cp := CoupleN(n)
	tok, err := auth.Sign(a.key, auth.Principal{Subject: cp.Man, Name: "张伟"}, time.Now(), time.Hour)
	if err != nil {
		return 0, 0, err
	}
	body := map[string]any{"procedure": "marriage-registration", "office": "110105", "form": map[string]any{
		"applicants":  []map[string]string{{"name": "张伟", "idNumber": cp.Man}, {"name": "李娜", "idNumber": cp.Woman}},
		"declaration": map[string]bool{"noSpouse": true, "noProhibitedKinship": true, "signedByBoth": true},
	}}
	began := time.Now()
	status, raw, err := a.post(ctx, "/v1/cases", tok, "bench-submit-"+cp.Man, body)
	if err != nil {
		return 0, 0, err
	}
	if status != http.StatusCreated {
		return 0, 0, fmt.Errorf("submit: status %d: %.200s", status, raw)
	}
	submit := time.Since(began)
	var st struct {
		CaseID string `json:"caseId"`
	}
	if err := json.Unmarshal(raw, &st); err != nil || st.CaseID == "" {
		return 0, 0, fmt.Errorf("submit: no case ID in %.200s", raw)
	}
	began = time.Now()
	reg := a.registrars[n%len(a.registrars)]
	status, raw, err = a.post(ctx, "/v1/cases/"+st.CaseID+"/actions", reg, "bench-register-"+cp.Man, map[string]string{"action": "register"})
	if err != nil {
		return 0, 0, err
	}
	if status != http.StatusOK {
		return 0, 0, fmt.Errorf("register: status %d: %.200s", status, raw)
	}
	took := time.Since(began)
	var done struct {
		Outcome string `json:"outcome"`
	}
	if err := json.Unmarshal(raw, &done); err != nil || done.Outcome != procedures.OutcomeApproved {
		return 0, 0, fmt.Errorf("register: the case was not approved: %.200s", raw)
	}
	return submit, took, nil
}

func (a *apiArm) post(ctx context.Context, path, token, key string, body any) (int, []byte, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return 0, nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.base+path, bytes.NewReader(b))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", key)
	res, err := a.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	return res.StatusCode, raw, err
}

// registrarTokens signs tokens for the registrars seeded in the directory.
func registrarTokens(key []byte, subjects []string) ([]string, error) {
	var out []string
	for _, s := range subjects {
		tok, err := auth.Sign(key, auth.Principal{Subject: s, Name: "基准登记员",
			Grants: []policies.Grant{{Role: policies.RoleRegistrar, Division: "110105"}}}, time.Now(), 12*time.Hour)
		if err != nil {
			return nil, err
		}
		out = append(out, tok)
	}
	return out, nil
}

// Names of arm B's workflow, updates and activity on the bench's own
// task queue; nothing of civilflow's runs there.
const (
	bareQueue    = "civilflow-bench-bare"
	bareWorkflow = "BenchBareCase"
	bareActivity = "BenchBareStep"
	bareSubmit   = "submit"
	bareAct      = "act"
)

// BareCase is arm B's workflow, of the shape of a marriage case: an
// update that settles the submission after three activities, then an
// update that decides it with two more.
func BareCase(ctx workflow.Context) error {
	steps := func(ctx workflow.Context, n int) (int, error) {
		// An update handler gets a context of its own, without options set on the workflow's.
		ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 30 * time.Second})
		v := 0
		for i := range n {
			if err := workflow.ExecuteActivity(ctx, bareActivity, i).Get(ctx, &v); err != nil {
				return 0, err
			}
		}
		return v, nil
	}
	submitted, decided := false, false
	if err := workflow.SetUpdateHandler(ctx, bareSubmit, func(ctx workflow.Context) (int, error) {
		v, err := steps(ctx, 3)
		submitted = err == nil
		return v, err
	}); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, bareAct, func(ctx workflow.Context) (int, error) {
		v, err := steps(ctx, 2)
		decided = err == nil
		return v, err
	}, workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context) error {
		if !submitted {
			return errors.New("not submitted yet")
		}
		return nil
	}}); err != nil {
		return err
	}
	return workflow.Await(ctx, func() bool { return decided && workflow.AllHandlersFinished(ctx) })
}

// BareStep is arm B's trivial activity.
func BareStep(_ context.Context, i int) (int, error) { return i + 1, nil }

// bareArm is arm B: BareCase driven by the Temporal SDK directly against
// the same embedded server, with its own worker in this process.
type bareArm struct {
	c   client.Client
	w   worker.Worker
	run string
	seq atomic.Int64
}

func startBare(c client.Client, run string) (*bareArm, error) {
	w := worker.New(c, bareQueue, worker.Options{})
	w.RegisterWorkflowWithOptions(BareCase, workflow.RegisterOptions{Name: bareWorkflow})
	w.RegisterActivityWithOptions(BareStep, activity.RegisterOptions{Name: bareActivity})
	if err := w.Start(); err != nil {
		return nil, err
	}
	return &bareArm{c: c, w: w, run: run}, nil
}

func (b *bareArm) name() string { return "B" }

func (b *bareArm) runCase(ctx context.Context) (time.Duration, time.Duration, error) {
	id := fmt.Sprintf("bench-%s-%d", b.run, b.seq.Add(1))
	began := time.Now()
	op := b.c.NewWithStartWorkflowOperation(client.StartWorkflowOptions{ID: id, TaskQueue: bareQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL}, bareWorkflow)
	h, err := b.c.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{StartWorkflowOperation: op,
		UpdateOptions: client.UpdateWorkflowOptions{UpdateName: bareSubmit, WaitForStage: client.WorkflowUpdateStageCompleted}})
	if err != nil {
		return 0, 0, fmt.Errorf("submit: %w", err)
	}
	if err := h.Get(ctx, nil); err != nil {
		return 0, 0, fmt.Errorf("submit: %w", err)
	}
	submit := time.Since(began)
	began = time.Now()
	h, err = b.c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: id, UpdateName: bareAct,
		WaitForStage: client.WorkflowUpdateStageCompleted})
	if err != nil {
		return 0, 0, fmt.Errorf("act: %w", err)
	}
	if err := h.Get(ctx, nil); err != nil {
		return 0, 0, fmt.Errorf("act: %w", err)
	}
	return submit, time.Since(began), nil
}
