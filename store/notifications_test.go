package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestNotificationsOutbox(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	at := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
	msgs := []Notification{
		{DedupeKey: "C1:3:pool", CaseID: "C1", Kind: "assigned", Role: "registrar", Office: "410105", Message: "new task", CreatedAt: at},
		{DedupeKey: "C1:4:110105199003071538", CaseID: "C1", Kind: "decided", Subject: "110105199003071538", Message: "approved", CreatedAt: at},
	}
	if err := db.Enqueue(ctx, msgs); err != nil {
		t.Fatal(err)
	}
	if err := db.Enqueue(ctx, msgs); err != nil { // a retried transition
		t.Fatal(err)
	}
	got, total, err := db.Notifications(ctx, "reg-1", []Grant{{"registrar", "410100"}}, Page{})
	if err != nil || total != 1 || got[0].Kind != "assigned" {
		t.Fatalf("registrar of the city: %+v %d %v", got, total, err)
	}
	if _, total, _ := db.Notifications(ctx, "reg-9", []Grant{{"registrar", "420100"}}, Page{}); total != 0 {
		t.Fatalf("another province sees %d", total)
	}
	mine, total, _ := db.Notifications(ctx, "110105199003071538", nil, Page{})
	if total != 1 || mine[0].Message != "approved" {
		t.Fatalf("applicant: %+v", mine)
	}
	if err := db.MarkRead(ctx, "110105199003071538", mine[0].ID, at); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkRead(ctx, "someone-else", mine[0].ID, at); !errors.Is(err, ErrNotFound) {
		t.Fatalf("marking another's message: %v", err)
	}
	due, err := db.DueForDelivery(ctx, at, 10)
	if err != nil || len(due) != 2 {
		t.Fatalf("due %d %v", len(due), err)
	}
	if err := db.DeliveryFailed(ctx, due[0].ID, at.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := db.Delivered(ctx, due[1].ID, at); err != nil {
		t.Fatal(err)
	}
	if due, _ := db.DueForDelivery(ctx, at, 10); len(due) != 0 {
		t.Fatalf("still due now: %+v", due)
	}
	if due, _ := db.DueForDelivery(ctx, at.Add(time.Minute), 10); len(due) != 1 || due[0].Attempts != 1 {
		t.Fatalf("due after backoff: %+v", due)
	}
	if err := db.Enqueue(ctx, []Notification{{DedupeKey: "x", CaseID: "C", Kind: "k", Message: "m"}}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("no recipient: %v", err)
	}
}
