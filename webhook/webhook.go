// Package webhook delivers the notification outbox to an operator's
// endpoint.
package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"civilflow/store"
)

// Deliverer POSTs each message of the outbox to URL until the endpoint
// answers 2xx, then never again. Delivery is at least once across a crash
// between the POST and the bookkeeping, so every request carries the
// message's Idempotency-Key for the receiver to drop a repeat.
type Deliverer struct {
	URL    string
	Store  *store.DB
	Client *http.Client
	Log    *slog.Logger
	Every  time.Duration    // how often the outbox is read
	Now    func() time.Time // the clock; nil is time.Now
}

func (w *Deliverer) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

// Payload is what the endpoint receives.
type Payload struct {
	ID        int64     `json:"id"`
	CaseID    string    `json:"caseId"`
	Kind      string    `json:"kind"`
	Subject   string    `json:"subject,omitempty"`
	Role      string    `json:"role,omitempty"`
	Office    string    `json:"office,omitempty"`
	Message   string    `json:"message"`
	CreatedAt time.Time `json:"createdAt"`
}

// Run delivers until ctx ends.
func (w *Deliverer) Run(ctx context.Context) {
	t := time.NewTicker(w.Every)
	defer t.Stop()
	for {
		w.DeliverDue(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// DeliverDue makes one pass over the messages whose attempt is due.
func (w *Deliverer) DeliverDue(ctx context.Context) {
	due, err := w.Store.DueForDelivery(ctx, w.now(), 50)
	if err != nil {
		w.Log.Warn("webhook: reading the outbox failed", "error", err)
		return
	}
	for _, n := range due {
		if ctx.Err() != nil {
			return
		}
		if err := w.post(ctx, n); err != nil {
			backoff := min(time.Duration(1<<min(n.Attempts, 12))*time.Second, time.Hour)
			w.Log.Warn("webhook: delivery failed; will retry", "notification", n.ID, "attempt", n.Attempts+1, "retry_in", backoff, "error", err)
			if err := w.Store.DeliveryFailed(ctx, n.ID, w.now().Add(backoff)); err != nil {
				w.Log.Warn("webhook: recording a failure failed", "error", err)
			}
			continue
		}
		if err := w.Store.Delivered(ctx, n.ID, w.now()); err != nil {
			w.Log.Warn("webhook: recording a delivery failed", "error", err)
		}
	}
}

func (w *Deliverer) post(ctx context.Context, n store.Notification) error {
	body, err := json.Marshal(Payload{ID: n.ID, CaseID: n.CaseID, Kind: n.Kind, Subject: n.Subject, Role: n.Role,
		Office: n.Office, Message: n.Message, CreatedAt: n.CreatedAt})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", fmt.Sprintf("civilflow-notification-%d", n.ID))
	res, err := w.Client.Do(req)
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return fmt.Errorf("status %d", res.StatusCode)
	}
	return nil
}
