package store

import (
	"context"
	"errors"
	"testing"
)

// TestBenefitRoster follows one benefit through assessment, a repeated
// assessment, the start of payment, a proposal, a reduction and a stop,
// and checks that the steps out of order are refused.
func TestBenefitRoster(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	const id = "DBY-110105-20260302-0001"
	b := Benefit{CaseID: id, Benefit: "subsistence-allowance", HolderID: "110105199003071538", HolderName: "张伟",
		Office: "110105", MonthlyFen: 62000, Basis: []byte(`{"members":3}`), UpdatedOn: "2026-03-02"}
	if _, err := db.BenefitOf(ctx, id); !errors.Is(err, ErrNotFound) {
		t.Fatalf("before assessment: %v", err)
	}
	if err := db.AssessBenefit(ctx, b); err != nil {
		t.Fatal(err)
	}
	// A re-investigation finds another amount before the decision.
	b.MonthlyFen = 58000
	if err := db.AssessBenefit(ctx, b); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ChangeBenefit(ctx, id, 1, "2026-04-01", "2026-03-10"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("changing an undecided benefit: %v", err)
	}
	got, err := db.StartBenefit(ctx, id, "2026-04-01", "2026-03-10")
	if err != nil || got.Status != BenefitPaying || got.MonthlyFen != 58000 || got.AmountFrom != "2026-04-01" {
		t.Fatalf("started %+v %v", got, err)
	}
	if again, err := db.StartBenefit(ctx, id, "2026-04-01", "2026-03-10"); err != nil || again.AmountFrom != "2026-04-01" {
		t.Fatalf("start again %+v %v", again, err)
	}
	// Once paying, an assessment no longer changes the amount.
	b.MonthlyFen = 1
	if err := db.AssessBenefit(ctx, b); err != nil {
		t.Fatal(err)
	}
	fen := int64(35000)
	if err := db.ProposeBenefitAmount(ctx, id, &fen, "2027-03-05"); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.BenefitOf(ctx, id); got.MonthlyFen != 58000 || got.ProposedFen == nil || *got.ProposedFen != 35000 {
		t.Fatalf("after proposal %+v", got)
	}
	got, err = db.ChangeBenefit(ctx, id, 35000, "2027-04-01", "2027-03-05")
	if err != nil || got.MonthlyFen != 35000 || got.AmountFrom != "2027-04-01" || got.ProposedFen != nil {
		t.Fatalf("changed %+v %v", got, err)
	}
	got, err = db.StopBenefit(ctx, id, "2028-04-01", "2028-03-05")
	if err != nil || got.Status != BenefitStopped || got.StoppedFrom != "2028-04-01" {
		t.Fatalf("stopped %+v %v", got, err)
	}
	if _, err := db.StopBenefit(ctx, id, "2028-04-01", "2028-03-05"); err != nil {
		t.Fatalf("stop again: %v", err)
	}
	if _, err := db.StartBenefit(ctx, id, "2028-05-01", "2028-04-05"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("restarting a stopped benefit: %v", err)
	}
	if _, err := db.StopBenefit(ctx, "DBY-110105-20260302-0009", "2028-04-01", "2028-03-05"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("stopping an unknown benefit: %v", err)
	}
	if err := db.AssessBenefit(ctx, Benefit{CaseID: id, Benefit: "x", HolderID: "h", Office: "1101", UpdatedOn: "2026-03-02"}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("bad office accepted: %v", err)
	}
}

// TestM17SameMemberPaidOnce: a person already paid the subsistence
// allowance by one case cannot be paid it by a second case listing them as
// a member (最低生活保障审核确认办法第二十八条); the 80+ allowance is
// another benefit, and once the first case stops the member may be paid
// again.
func TestM17SameMemberPaidOnce(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	const x, spouse, other = "110105199003071538", "410105199206120249", "110105197503040213"
	first := Benefit{CaseID: "SUB-110105-20260302-0001", Benefit: "subsistence-allowance", HolderID: x, HolderName: "张伟",
		Office: "110105", MonthlyFen: 62000, UpdatedOn: "2026-03-02", Members: []string{x, spouse}}
	second := Benefit{CaseID: "SUB-110105-20260402-0001", Benefit: "subsistence-allowance", HolderID: other, HolderName: "刘芳",
		Office: "110105", MonthlyFen: 30000, UpdatedOn: "2026-04-02", Members: []string{other, x}}
	elderly := Benefit{CaseID: "ELD-110105-20260402-0001", Benefit: "elderly-allowance", HolderID: x, HolderName: "张伟",
		Office: "110105", MonthlyFen: 3000, UpdatedOn: "2026-04-02"}
	for _, b := range []Benefit{first, second, elderly} {
		if err := db.AssessBenefit(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.StartBenefit(ctx, first.CaseID, "2026-04-01", "2026-03-10"); err != nil {
		t.Fatal(err)
	}
	if got, err := db.Receiving(ctx, "subsistence-allowance", []string{other, x}, second.CaseID); err != nil || got[x] != first.CaseID || len(got) != 1 {
		t.Fatalf("receiving %v %v", got, err)
	}
	if _, err := db.StartBenefit(ctx, second.CaseID, "2026-05-01", "2026-04-20"); !errors.Is(err, ErrAlreadyReceiving) {
		t.Fatalf("second case paying the same member: %v", err)
	}
	if b, _ := db.BenefitOf(ctx, second.CaseID); b.Status != BenefitAssessed {
		t.Fatalf("the refused start changed the row: %+v", b)
	}
	if _, err := db.StartBenefit(ctx, elderly.CaseID, "2026-05-01", "2026-04-20"); err != nil {
		t.Fatalf("another benefit: %v", err)
	}
	if _, err := db.StopBenefit(ctx, first.CaseID, "2026-06-01", "2026-05-20"); err != nil {
		t.Fatal(err)
	}
	if b, err := db.StartBenefit(ctx, second.CaseID, "2026-07-01", "2026-06-10"); err != nil || b.Status != BenefitPaying {
		t.Fatalf("after the first stopped: %+v %v", b, err)
	}
}
