package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// loadCases bulk-loads n synthetic cases in one transaction: 31 provinces ×
// 10 cities × 8 districts, four waiting roles (one of them "" for timer
// waits), 30 % closed, 80 % with a deadline.
func loadCases(tb testing.TB, db *DB, n int) {
	tb.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	roles := []string{"registrar", "reviewer", "approver", ""}
	err := db.inTx(ctx, func(tx runner) error {
		for i := range n {
			office := fmt.Sprintf("%02d%02d%02d", 11+rng.IntN(31), 1+rng.IntN(10), 1+rng.IntN(8))
			c := newCase(fmt.Sprintf("BENCH-%06d", i), roles[rng.IntN(len(roles))], office)
			c.Office = office
			c.Submitter = fmt.Sprintf("S%017d", rng.IntN(50000))
			c.Parties = []string{c.Submitter, fmt.Sprintf("S%017d", rng.IntN(50000))}
			c.SubmittedAt = t0.Add(time.Duration(i) * time.Minute)
			if rng.IntN(10) < 8 {
				d := c.SubmittedAt.Add(time.Duration(rng.IntN(30*24)) * time.Hour)
				c.DueAt = &d
			}
			if rng.IntN(10) < 3 {
				c.Status, c.Outcome, c.WaitingRole, c.WaitingOffice = StatusClosed, "approved", "", ""
			}
			if err := createCase(ctx, tx, c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatalf("load: %v", err)
	}
}

var benchGrants = []struct {
	name   string
	grants []Grant
}{
	{"district", []Grant{{"reviewer", "410105"}}},
	{"city", []Grant{{"reviewer", "410100"}}},
	{"province", []Grant{{"reviewer", "410000"}}},
	{"three-grants", []Grant{{"reviewer", "410100"}, {"approver", "410000"}, {"registrar", "110105"}}},
	{"nationwide", []Grant{{"reviewer", "000000"}}},
}
