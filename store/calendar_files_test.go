package store

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"civilflow/calendar"
)

var notice2027 = calendar.File{Name: "cn-2027.yaml", Data: []byte(`version: cn-2027-test.v1
years:
  - year: 2027
    notice: test notice for 2027
    holidays:
      - {name: 元旦, from: 2027-01-01, to: 2027-01-04}
`)}

// TestM21LoadedNoticeReachesEveryProcess: a notice loaded through one
// process's calendar is stored with its audit entry, and another process
// with its own live calendar on the same database counts with it after a
// refresh (no restart); a file repeating a loaded year is refused.
func TestM21LoadedNoticeReachesEveryProcess(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "civilflow.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	a, err := calendar.NewLive(ctx, calendar.Default().Provisional(), db)
	if err != nil {
		t.Fatal(err)
	}
	b, err := calendar.NewLive(ctx, calendar.Default().Provisional(), db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.LoadCalendarFile(ctx, a, notice2027, "admin-1", "管理员", "admin", "000000"); err != nil {
		t.Fatal(err)
	}
	if !a.Covers(2027) {
		t.Fatal("the loading process must use the year at once")
	}
	if err := b.Refresh(ctx); err != nil || !b.Covers(2027) {
		t.Fatalf("the other process: covers 2027 %v, %v", b.Covers(2027), err)
	}
	dl, err := b.Count(calendar.Date{Year: 2026, Month: 12, Day: 2}, 30, calendar.CalendarDays)
	if err != nil || dl.Provisional || dl.Last.String() != "2027-01-05" {
		t.Fatalf("count %+v %v", dl, err)
	}
	if _, err := db.LoadCalendarFile(ctx, a, notice2027, "admin-1", "管理员", "admin", "000000"); !errors.Is(err, calendar.ErrInvalidData) {
		t.Fatalf("loading the same notice twice: %v", err)
	}
	recs, err := db.AuditRecords(ctx, CalendarChain)
	if err != nil || len(recs) != 1 {
		t.Fatalf("audit %d %v", len(recs), err)
	}
	if rep, err := db.VerifyAudit(ctx, nil); err != nil || !rep.Intact {
		t.Fatalf("audit verify %+v %v", rep, err)
	}
}

// TestM21ProvisionalCasesListed: the deadline watch lists apart the open
// cases of the jurisdiction with a provisional last day; final ones, closed
// ones and other provinces' are not listed.
func TestM21ProvisionalCasesListed(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	now := time.Date(2026, 12, 2, 2, 0, 0, 0, time.UTC)
	add := func(id, office, status, state string) {
		t.Helper()
		c := CaseSummary{ID: id, ProcedureID: "divorce-registration", ProcedureVersion: 1, Title: "离婚登记", Office: office,
			Submitter: "s-" + id, Parties: []string{"p-" + id}, Status: status, Stage: "cooling-off",
			SubmittedAt: now, UpdatedAt: now, State: json.RawMessage(state)}
		if status == StatusClosed {
			c.Outcome = "withdrawn"
		}
		if err := db.CreateCase(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	provisional := `{"deadlines":[{"name":"cooling-off","lastDay":"2027-01-04","provisional":"no State Council holiday notice for 2027 is loaded"}]}`
	add("DIV-110105-20261202-0001", "110105", StatusOpen, provisional)
	add("DIV-110105-20261202-0002", "110105", StatusOpen, `{"deadlines":[{"name":"cooling-off","lastDay":"2026-12-31"}]}`)
	add("DIV-110105-20261202-0003", "110105", StatusClosed, provisional)
	add("DIV-410105-20261202-0001", "410105", StatusOpen, provisional)
	cs, total, err := db.ListProvisional(ctx, DueFilter{Divisions: []string{"110000"}}, Page{})
	if err != nil {
		t.Fatal(err)
	}
	if total != 1 || len(cs) != 1 || cs[0].ID != "DIV-110105-20261202-0001" {
		t.Fatalf("listed %d: %+v", total, cs)
	}
	if pend, _, _ := db.ListPendingCalendar(ctx, DueFilter{Divisions: []string{"110000"}}, Page{}); len(pend) != 0 {
		t.Errorf("a provisional case is not pending: %+v", pend)
	}
}
