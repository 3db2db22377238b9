package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestListDue(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	now := time.Date(2026, 4, 1, 2, 0, 0, 0, time.UTC)
	due := func(id, office, procedure string, at *time.Time, status string) {
		c := newCase(id, "registrar", office)
		c.ProcedureID, c.DueAt, c.Status = procedure, at, status
		if status == StatusClosed {
			c.WaitingRole, c.WaitingOffice = "", ""
		}
		if err := db.CreateCase(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	at := func(h int) *time.Time { v := now.Add(time.Duration(h) * time.Hour); return &v }
	due("A", "410105", "p1", at(-30), StatusOpen)  // overdue
	due("B", "410105", "p1", at(20), StatusOpen)   // near
	due("C", "410106", "p2", at(-1), StatusOpen)   // overdue, other district
	due("D", "420105", "p1", at(-5), StatusOpen)   // other province
	due("E", "410105", "p1", at(500), StatusOpen)  // far
	due("F", "410105", "p1", nil, StatusOpen)      // no limit
	due("G", "410105", "p1", at(-9), StatusClosed) // closed

	cases, counts, total, err := db.ListDue(ctx, DueFilter{Divisions: []string{"410100"}, Before: now.Add(72 * time.Hour)}, now, Page{})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(cases); total != 3 || len(got) != 3 || got[0] != "A" || got[1] != "C" || got[2] != "B" {
		t.Fatalf("cases %v total %d", got, total)
	}
	want := []DueCount{{"410105", "p1", 1, 1}, {"410106", "p2", 1, 0}}
	if len(counts) != 2 || counts[0] != want[0] || counts[1] != want[1] {
		t.Fatalf("counts %+v", counts)
	}
	cases, _, _, _ = db.ListDue(ctx, DueFilter{Divisions: []string{"000000"}, Before: now, Procedure: "p1"}, now, Page{})
	if got := ids(cases); len(got) != 2 || got[0] != "A" || got[1] != "D" {
		t.Fatalf("nationwide overdue p1: %v", got)
	}
	if _, _, _, err := db.ListDue(ctx, DueFilter{Before: now}, now, Page{}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("no jurisdiction: %v", err)
	}
}
