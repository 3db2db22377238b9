// Package worker is the one place that registers the case workflow and its
// activities on the task queue.
package worker

import (
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"civilflow/activities"
	"civilflow/workflows"
)

// Register adds the interpreter workflow and every case activity to r
// under their wire names. Tests use it too, so they run what production runs.
// actionKey verifies the API's signature on every action (see
// workflows.Cases); the API signs with the same key.
func Register(r sdkworker.Registry, acts *activities.Activities, actionKey []byte) {
	r.RegisterWorkflowWithOptions(workflows.Cases{ActionKey: actionKey}.CaseWorkflow,
		workflow.RegisterOptions{Name: workflows.CaseWorkflowName})
	for name, fn := range map[string]any{
		workflows.ActivityRunChecks:        acts.RunChecks,
		workflows.ActivityComputeDeadline:  acts.ComputeDeadline,
		workflows.ActivityIssueDocuments:   acts.IssueDocuments,
		workflows.ActivityApplyEffect:      acts.ApplyEffect,
		workflows.ActivityRecordTransition: acts.RecordTransition,
		workflows.ActivityCountRemaining:   acts.CountRemaining,
		workflows.ActivityFindHolders:      acts.FindHolders,
	} {
		r.RegisterActivityWithOptions(fn, activity.RegisterOptions{Name: name})
	}
}

// New creates the case worker on the task queue; the caller starts and
// stops it with the process.
func New(c client.Client, acts *activities.Activities, actionKey []byte) sdkworker.Worker {
	w := sdkworker.New(c, workflows.TaskQueue, sdkworker.Options{
		// A few more pollers than the default keep latency low on the
		// embedded server (see the embedding notes).
		MaxConcurrentWorkflowTaskPollers: 4,
		MaxConcurrentActivityTaskPollers: 4,
	})
	Register(w, acts, actionKey)
	return w
}
