package store

import (
	"context"
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
