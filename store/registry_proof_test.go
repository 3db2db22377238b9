package store

import (
	"context"
	"errors"
	"reflect"
	"testing"
)

// TestD2EndMarriagePerProofEndsOnlyThatMarriage: Zhang is married to Li,
// Zhao to Wang. A judgment that Wang and Zhao divorced ends that marriage
// alone, on the judgment's day; a retry writes nothing; a proof naming
// the wrong spouse, or a day before the registration, fits no marriage.
func TestD2EndMarriagePerProofEndsOnlyThatMarriage(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	if _, err := db.RegisterMarriage(ctx, "MR-1", "110105", "2015-05-01", [2]Person{zhang, li}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RegisterMarriage(ctx, "MR-2", "410105", "2018-06-01", [2]Person{zhao, wang}); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []struct{ person, spouse, date string }{
		{wang.IDNumber, zhang.IDNumber, "2025-01-10"}, // not her spouse
		{wang.IDNumber, zhao.IDNumber, "2017-01-10"},  // before the registration
	} {
		if _, err := db.EndMarriagePerProof(ctx, "MR-3", bad.person, bad.spouse, bad.date, "判决书", MaritalDivorced); !errors.Is(err, ErrRegistryConflict) {
			t.Errorf("%+v: %v, want ErrRegistryConflict", bad, err)
		}
	}
	m, err := db.EndMarriagePerProof(ctx, "MR-3", wang.IDNumber, zhao.IDNumber, "2025-01-10", "（2025）京0105民初123号", MaritalDivorced)
	if err != nil {
		t.Fatal(err)
	}
	if m.CaseID != "MR-2" || m.DissolvedOn != "2025-01-10" || m.DissolvedByCase != "MR-3" || m.RegisteredOn != "2018-06-01" {
		t.Fatalf("ended %+v", m)
	}
	before := registryRows(t, db)
	again, err := db.EndMarriagePerProof(ctx, "MR-3", wang.IDNumber, zhao.IDNumber, "2025-01-10", "（2025）京0105民初123号", MaritalDivorced)
	if err != nil || again.ID != m.ID || !reflect.DeepEqual(registryRows(t, db), before) {
		t.Fatalf("retry: %+v %v", again, err)
	}
	if a, _ := db.ActiveMarriageBetween(ctx, zhang.IDNumber, li.IDNumber); a == nil {
		t.Fatal("Zhang–Li ended too")
	}
	mustStatus(t, db, wang, MaritalDivorced)
	mustStatus(t, db, zhao, MaritalDivorced)
	mustStatus(t, db, zhang, MaritalMarried)
	mustStatus(t, db, li, MaritalMarried)
}

// TestD2EndMarriagePerProofWidowed is the legal review's N1: a death
// certificate of Li dated 2024-03-01 makes Zhang widowed from that day;
// Li keeps the status she had at death.
func TestD2EndMarriagePerProofWidowed(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	if _, err := db.RegisterMarriage(ctx, "MR-1", "110105", "2015-05-01", [2]Person{zhang, li}); err != nil {
		t.Fatal(err)
	}
	m, err := db.EndMarriagePerProof(ctx, "MR-9", zhang.IDNumber, li.IDNumber, "2024-03-01", "死亡证明 No. 123", MaritalWidowed)
	if err != nil || m.DissolvedOn != "2024-03-01" {
		t.Fatalf("%+v %v", m, err)
	}
	mustStatus(t, db, zhang, MaritalWidowed)
	mustStatus(t, db, li, MaritalMarried)
}
