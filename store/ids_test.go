package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
)

func TestReserveCaseID(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	const p = "MR-110105-20260302"
	steps := []struct {
		name         string
		r            Reservation
		wantID       string
		wantExisting bool
		wantErr      error
	}{
		{"first", Reservation{Subject: "alice", Prefix: p}, p + "-0001", false, nil},
		{"second, no key", Reservation{Subject: "alice", Prefix: p}, p + "-0002", false, nil},
		{"other prefix has its own counter", Reservation{Subject: "alice", Prefix: "DV-110105-20260302"}, "DV-110105-20260302-0001", false, nil},
		{"with key", Reservation{Subject: "alice", IdempotencyKey: "k1", RequestHash: "h1", Prefix: p}, p + "-0003", false, nil},
		{"same key, same hash", Reservation{Subject: "alice", IdempotencyKey: "k1", RequestHash: "h1", Prefix: p}, p + "-0003", true, nil},
		{"same key, other hash", Reservation{Subject: "alice", IdempotencyKey: "k1", RequestHash: "h2", Prefix: p}, "", false, ErrIdempotencyConflict},
		{"same key, other subject", Reservation{Subject: "bob", IdempotencyKey: "k1", RequestHash: "h1", Prefix: p}, p + "-0004", false, nil},
		{"conflict allocated nothing", Reservation{Subject: "alice", Prefix: p}, p + "-0005", false, nil},
		{"empty prefix", Reservation{Subject: "alice"}, "", false, ErrInvalid},
	}
	for _, s := range steps {
		id, existing, err := db.ReserveCaseID(ctx, s.r)
		if s.wantErr != nil {
			if !errors.Is(err, s.wantErr) {
				t.Errorf("%s: err = %v, want %v", s.name, err, s.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", s.name, err)
			continue
		}
		if id != s.wantID || existing != s.wantExisting {
			t.Errorf("%s: got %q existing=%v, want %q existing=%v", s.name, id, existing, s.wantID, s.wantExisting)
		}
	}
	if n := count(t, db, "idempotency_keys"); n != 2 {
		t.Errorf("%d idempotency keys recorded, want 2", n)
	}
}

func TestReserveCaseIDGrowsPastFourDigits(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	if _, err := db.sql.ExecContext(ctx, `INSERT INTO case_id_counters (prefix, last) VALUES ('P', 9999)`); err != nil {
		t.Fatal(err)
	}
	id, _, err := db.ReserveCaseID(ctx, Reservation{Prefix: "P"})
	if err != nil || id != "P-10000" {
		t.Fatalf("got %q, %v; want P-10000", id, err)
	}
}

func TestReserveCaseIDConcurrent(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	const workers, each = 8, 25
	var (
		mu     sync.Mutex
		seen   = map[string]int{}
		shared = map[string]bool{}
		wg     sync.WaitGroup
	)
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				id, _, err := db.ReserveCaseID(ctx, Reservation{Subject: fmt.Sprint("s", w), Prefix: "P"})
				if err != nil {
					errs <- err
					return
				}
				// Every worker also retries one request with the same key:
				// all of them must get the same ID.
				same, _, err := db.ReserveCaseID(ctx, Reservation{Subject: "x", IdempotencyKey: "k", RequestHash: "h", Prefix: "Q"})
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				seen[id]++
				shared[same] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if len(seen) != workers*each {
		t.Errorf("%d distinct IDs, want %d", len(seen), workers*each)
	}
	for id, n := range seen {
		if n > 1 {
			t.Errorf("%s handed out %d times", id, n)
		}
	}
	if len(shared) != 1 || !shared["Q-0001"] {
		t.Errorf("one idempotent request got IDs %v, want only Q-0001", shared)
	}
}

// Two handles on one file stand for two processes (API and worker): the
// file lock, busy_timeout and BEGIN IMMEDIATE must keep IDs distinct.
func TestReserveCaseIDTwoHandles(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "shared.db")
	var dbs [2]*DB
	for i := range dbs {
		db, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		dbs[i] = db
	}
	const each = 100
	ids := make([][]string, len(dbs))
	var wg sync.WaitGroup
	errs := make(chan error, len(dbs))
	for i, db := range dbs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				id, _, err := db.ReserveCaseID(ctx, Reservation{Prefix: "P"})
				if err != nil {
					errs <- err
					return
				}
				ids[i] = append(ids[i], id)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, l := range ids {
		for _, id := range l {
			if seen[id] {
				t.Errorf("%s handed out twice", id)
			}
			seen[id] = true
		}
	}
	if len(seen) != 2*each {
		t.Errorf("%d distinct IDs, want %d", len(seen), 2*each)
	}
}

// TestForgetReservation: a reservation refused before its case was created
// frees its key; a key whose case exists is kept.
func TestForgetReservation(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	const p = "MAR-110105-20260302"
	reserve := func(key, hash string) (string, bool) {
		t.Helper()
		id, existing, err := db.ReserveCaseID(ctx, Reservation{Subject: "alice", IdempotencyKey: key, RequestHash: hash, Prefix: p})
		if err != nil {
			t.Fatal(err)
		}
		return id, existing
	}
	refused, _ := reserve("k-refused", "h1")
	if err := db.ForgetReservation(ctx, "alice", "k-refused", refused); err != nil {
		t.Fatal(err)
	}
	// The key is free again, even for another request body.
	if id, existing := reserve("k-refused", "h2"); existing || id == refused {
		t.Errorf("after forgetting: %s existing=%v, want a new case ID", id, existing)
	}

	kept, _ := reserve("k-kept", "h1")
	if err := db.CreateCase(ctx, newCase(kept, "registrar", "110105")); err != nil {
		t.Fatal(err)
	}
	if err := db.ForgetReservation(ctx, "alice", "k-kept", kept); err != nil {
		t.Fatal(err)
	}
	if id, existing := reserve("k-kept", "h1"); !existing || id != kept {
		t.Errorf("a key whose case exists was forgotten: %s existing=%v, want %s", id, existing, kept)
	}
}
