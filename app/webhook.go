package app

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

// webhook delivers the notification outbox to an operator's endpoint: each
// message is POSTed until the endpoint answers 2xx, then never again.
// Delivery is at least once across a crash between the POST and the
// bookkeeping, so every request carries the message's Idempotency-Key for
// the receiver to drop a repeat.
type webhook struct {
	url    string
	store  *store.DB
	client *http.Client
	log    *slog.Logger
	every  time.Duration
}

// payload is what the webhook receives.
type payload struct {
	ID        int64     `json:"id"`
	CaseID    string    `json:"caseId"`
	Kind      string    `json:"kind"`
	Subject   string    `json:"subject,omitempty"`
	Role      string    `json:"role,omitempty"`
	Office    string    `json:"office,omitempty"`
	Message   string    `json:"message"`
	CreatedAt time.Time `json:"createdAt"`
}

// run delivers until ctx ends.
func (w *webhook) run(ctx context.Context) {
	t := time.NewTicker(w.every)
	defer t.Stop()
	for {
		w.deliverDue(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (w *webhook) deliverDue(ctx context.Context) {
	due, err := w.store.DueForDelivery(ctx, time.Now(), 50)
	if err != nil {
		w.log.Warn("webhook: reading the outbox failed", "error", err)
		return
	}
	for _, n := range due {
		if ctx.Err() != nil {
			return
		}
		if err := w.post(ctx, n); err != nil {
			backoff := min(time.Duration(1<<min(n.Attempts, 12))*time.Second, time.Hour)
			w.log.Warn("webhook: delivery failed; will retry", "notification", n.ID, "attempt", n.Attempts+1, "retry_in", backoff, "error", err)
			if err := w.store.DeliveryFailed(ctx, n.ID, time.Now().Add(backoff)); err != nil {
				w.log.Warn("webhook: recording a failure failed", "error", err)
			}
			continue
		}
		if err := w.store.Delivered(ctx, n.ID, time.Now()); err != nil {
			w.log.Warn("webhook: recording a delivery failed", "error", err)
		}
	}
}

func (w *webhook) post(ctx context.Context, n store.Notification) error {
	body, err := json.Marshal(payload{ID: n.ID, CaseID: n.CaseID, Kind: n.Kind, Subject: n.Subject, Role: n.Role,
		Office: n.Office, Message: n.Message, CreatedAt: n.CreatedAt})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", fmt.Sprintf("civilflow-notification-%d", n.ID))
	res, err := w.client.Do(req)
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return fmt.Errorf("status %d", res.StatusCode)
	}
	return nil
}
