package webhook

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"civilflow/store"
)

// TestDeliveredOnceAfterRetries: the endpoint fails the first attempt; the
// message is tried again after its backoff, then never again, and every
// attempt carries the same Idempotency-Key.
func TestDeliveredOnceAfterRetries(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var mu sync.Mutex
	var keys []string
	var got []Payload
	fail := true
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		keys = append(keys, r.Header.Get("Idempotency-Key"))
		if fail {
			fail = false
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		raw, _ := io.ReadAll(r.Body)
		var p Payload
		if err := json.Unmarshal(raw, &p); err != nil {
			t.Error(err)
		}
		got = append(got, p)
	}))
	defer srv.Close()

	now := time.Now().Add(-time.Minute)
	if err := db.Enqueue(ctx, []store.Notification{{DedupeKey: "C1:4:decided:x", CaseID: "C1", Kind: "decided",
		Subject: "x", Message: "approved", CreatedAt: now}}); err != nil {
		t.Fatal(err)
	}
	clock := time.Now()
	d := &Deliverer{URL: srv.URL, Store: db, Client: srv.Client(), Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Every: time.Second, Now: func() time.Time { return clock }}
	d.DeliverDue(ctx) // fails: 503
	d.DeliverDue(ctx) // not due yet: the retry waits out its backoff
	if len(keys) != 1 || len(got) != 0 {
		t.Fatalf("after a failure: %d attempts, %d delivered", len(keys), len(got))
	}
	clock = clock.Add(2 * time.Second) // past the first backoff (1 s)
	d.DeliverDue(ctx)
	d.DeliverDue(ctx)
	if len(keys) != 2 || len(got) != 1 || keys[0] != keys[1] || got[0].Kind != "decided" || got[0].CaseID != "C1" {
		t.Fatalf("attempts %v, delivered %+v", keys, got)
	}
}
