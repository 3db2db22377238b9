package store

import (
	"context"
	"fmt"
	"testing"
)

func TestD8StaffStandingTellsRemovedFromNeverListed(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	if listed, grants, err := db.StaffStanding(ctx, "nobody"); err != nil || listed || len(grants) != 0 {
		t.Fatalf("never listed: %v %v %v", listed, grants, err)
	}
	if err := db.PutStaff(ctx, StaffMember{Subject: "reg-1", Name: "王登记", Grants: []Grant{{"registrar", "410105"}}}); err != nil {
		t.Fatal(err)
	}
	if listed, grants, err := db.StaffStanding(ctx, "reg-1"); err != nil || !listed || len(grants) != 1 || grants[0] != (Grant{"registrar", "410105"}) {
		t.Fatalf("active: %v %v %v", listed, grants, err)
	}
	if err := db.PutStaff(ctx, StaffMember{Subject: "reg-1", Name: "王登记"}); err != nil {
		t.Fatal(err)
	}
	if listed, grants, err := db.StaffStanding(ctx, "reg-1"); err != nil || !listed || len(grants) != 0 {
		t.Fatalf("removed: %v %v %v", listed, grants, err)
	}
}

// BenchmarkStaffStanding is the look-up every authenticated request makes,
// in a directory of 10,000 people.
func BenchmarkStaffStanding(b *testing.B) {
	db := openTest(b)
	ctx := context.Background()
	for i := range 10_000 {
		if err := db.PutStaff(ctx, StaffMember{Subject: fmt.Sprintf("reg-%05d", i), Name: "登记员",
			Grants: []Grant{{"registrar", "110105"}}}); err != nil {
			b.Fatal(err)
		}
	}
	for i := 0; b.Loop(); i++ {
		if _, _, err := db.StaffStanding(ctx, fmt.Sprintf("reg-%05d", i%10_000)); err != nil {
			b.Fatal(err)
		}
	}
}
