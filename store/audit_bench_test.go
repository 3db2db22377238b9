package store

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// loadTrail bulk-loads cases×perCase chained entries in one transaction,
// the entries of the cases interleaved as concurrent cases produce them.
func loadTrail(tb testing.TB, db *DB, cases, perCase int) {
	tb.Helper()
	ctx := context.Background()
	err := db.inTx(ctx, func(tx runner) error {
		for i := range cases {
			c := newCase(fmt.Sprintf("MAR-110105-20260302-%06d", i), "registrar", "110105")
			if err := createCase(ctx, tx, c); err != nil {
				return err
			}
		}
		for seq := 1; seq <= perCase; seq++ {
			for i := range cases {
				e := entry(fmt.Sprintf("MAR-110105-20260302-%06d", i), int64(seq), "register", "符合结婚登记条件，予以登记")
				e.At = t0.Add(time.Duration(seq*cases+i) * time.Second)
				if err := appendAuditEntries(ctx, tx, []AuditEntry{e}); err != nil {
					return err
				}
			}
		}
		// Summaries agree with their trails, as the workflow leaves them.
		_, err := tx.exec(ctx, `UPDATE cases SET seq = ?`, perCase)
		return err
	})
	if err != nil {
		tb.Fatalf("load: %v", err)
	}
}

// BenchmarkVerifyAudit walks both chains of 100,000 entries (20,000 cases
// of 5 transitions).
func BenchmarkVerifyAudit(b *testing.B) {
	db := openTest(b)
	start := time.Now()
	loadTrail(b, db, 20_000, 5)
	b.Logf("loaded 100,000 chained entries in %v", time.Since(start).Round(time.Millisecond))
	ctx := context.Background()
	for b.Loop() {
		rep, err := db.VerifyAudit(ctx, nil)
		if err != nil || !rep.Intact || rep.Entries != 100_000 {
			b.Fatalf("verify: %+v, %v", rep, err)
		}
	}
}

// BenchmarkApplyTransitionChained is the cost of recording one transition
// with two entries, including the chain, on a trail of 100,000 entries.
func BenchmarkApplyTransitionChained(b *testing.B) {
	db := openTest(b)
	loadTrail(b, db, 20_000, 5)
	ctx := context.Background()
	i := 0
	for b.Loop() {
		i++
		c := newCase(fmt.Sprintf("BENCH-%06d", i), "registrar", "110105")
		c.Seq = 2
		t := Transition{Summary: c, Entries: []AuditEntry{entry("", 1, "submit", ""), entry("", 2, "checks-passed", "")}}
		if err := db.ApplyTransition(ctx, t); err != nil {
			b.Fatal(err)
		}
	}
}
