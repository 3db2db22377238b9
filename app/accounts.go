package app

import (
	"context"
	"fmt"
	"time"
)

// hintFirstAdmin logs, while no local account exists, how to create the
// first administrator. There is no default password to leave unchanged.
// Sessions expired while the server was down are removed on the way.
func (a *App) hintFirstAdmin(ctx context.Context) {
	if _, err := a.store.DeleteExpiredSessions(ctx, time.Now()); err != nil {
		a.cfg.Logger.Warn("remove expired sessions", "error", err)
	}
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
