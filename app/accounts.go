package app

import (
	"context"
	"fmt"
)

// hintFirstAdmin logs, while no local account exists, how to create the
// first administrator. There is no default password to leave unchanged.
func (a *App) hintFirstAdmin(ctx context.Context) {
	n, err := a.store.AccountCount(ctx)
	if err != nil {
		a.cfg.Logger.Warn("count accounts", "error", err)
		return
	}
	if n > 0 {
		return
	}
	a.cfg.Logger.Info("no local account exists yet; create the first administrator with: " +
		fmt.Sprintf("civilflow user add --data-dir %s --username admin --name 管理员 --subject admin-001 --role admin:000000", a.cfg.DataDir) +
		" (the password is read from standard input)")
}
