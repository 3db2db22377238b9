package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
)

// TestD14OneOpenCasePerKey: of many concurrent creations with one open key,
// through two handles on the same file (two API processes), exactly one
// case is created; the others name it. A retry of the created case is not
// refused, cases without a key are not limited, and a closed case frees
// the key.
func TestD14OneOpenCasePerKey(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "civilflow.db")
	var dbs [2]*DB
	for i := range dbs {
		db, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs[i] = db
	}
	const key = "marriage-registration\x00110105199001011234\x00110105199202022345"
	const n = 40
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		created []string
		holders = map[string]int{}
	)
	for i := range n {
		wg.Go(func() {
			c := newCase(fmt.Sprintf("MAR-110105-20260302-%04d", i+1), "registrar", "110105")
			c.OpenKey = key
			err := dbs[i%2].CreateCase(ctx, c)
			var open *OpenCaseError
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				created = append(created, c.ID)
			case errors.As(err, &open) && errors.Is(err, ErrOpenCase):
				holders[open.CaseID]++
			default:
				t.Errorf("create %s: %v", c.ID, err)
			}
		})
	}
	wg.Wait()
	if len(created) != 1 || holders[created[0]] != n-1 {
		t.Fatalf("created %v, refusals naming %v; want one case named by %d refusals", created, holders, n-1)
	}
	if got := count(t, dbs[0], `cases WHERE open_key = ?`, key); got != 1 {
		t.Fatalf("%d cases carry the key", got)
	}

	// A retried creation of the open case itself is not a second case.
	first := newCase(created[0], "registrar", "110105")
	first.OpenKey = key
	if err := dbs[1].CreateCase(ctx, first); err != nil {
		t.Fatalf("retry of the open case: %v", err)
	}
	// Cases without a key are not limited.
	for i := range 2 {
		if err := dbs[0].CreateCase(ctx, newCase(fmt.Sprintf("TMP-110105-20260302-%04d", i+1), "registrar", "110105")); err != nil {
			t.Fatal(err)
		}
	}

	// The key is free once the case closes; the closed case keeps it.
	closed := newCase(created[0], "", "110105")
	closed.Status, closed.Seq = StatusClosed, 2
	if err := dbs[0].ApplyTransition(ctx, Transition{Summary: closed}); err != nil {
		t.Fatal(err)
	}
	again := newCase("MAR-110105-20260302-9999", "registrar", "110105")
	again.OpenKey = key
	if err := dbs[1].CreateCase(ctx, again); err != nil {
		t.Fatalf("after the open case closed: %v", err)
	}
	if got := count(t, dbs[0], `cases WHERE open_key = ?`, key); got != 2 {
		t.Fatalf("%d cases carry the key, want the closed one and the new one", got)
	}
	// The database itself refuses a second open case with the key, whoever writes it.
	if _, err := dbs[0].conn().exec(ctx, `UPDATE cases SET open_key = ? WHERE id = ?`, key, "TMP-110105-20260302-0001"); err == nil {
		t.Fatal("the unique index let a second open case take the key")
	}
}
