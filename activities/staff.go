package activities

import (
	"context"

	"civilflow/workflows"
)

// FindHolders finds the nearest office, from the task's office upwards,
// where the staff directory knows someone holding the role.
func (a *Activities) FindHolders(ctx context.Context, in workflows.HoldersInput) (workflows.HoldersResult, error) {
	office, err := a.Store.NearestHolder(ctx, in.Role, in.Office)
	if err != nil {
		return workflows.HoldersResult{}, storeErr("find holders", err)
	}
	return workflows.HoldersResult{Office: office}, nil
}
