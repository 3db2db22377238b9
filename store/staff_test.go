package store

import (
	"context"
	"errors"
	"testing"
)

func TestStaffDirectory(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	if err := db.PutStaff(ctx, StaffMember{Subject: "reg-1", Name: "王登记", Grants: []Grant{{"registrar", "410105"}, {"approver", "410105"}}}); err != nil {
		t.Fatal(err)
	}
	if err := db.PutStaff(ctx, StaffMember{Subject: "reg-2", Name: "市登记", Grants: []Grant{{"registrar", "410100"}}}); err != nil {
		t.Fatal(err)
	}
	m, err := db.Staff(ctx, "reg-1")
	if err != nil || m.Name != "王登记" || len(m.Grants) != 2 {
		t.Fatalf("staff %+v %v", m, err)
	}
	cases := []struct{ role, office, want string }{
		{"registrar", "410105", "410105"},
		{"registrar", "410106", "410100"}, // nobody in 410106: its city
		{"registrar", "420105", ""},       // nobody on the line
		{"approver", "410106", ""},
	}
	for _, c := range cases {
		got, err := db.NearestHolder(ctx, c.role, c.office)
		if err != nil || got != c.want {
			t.Errorf("NearestHolder(%s, %s) = %q %v, want %q", c.role, c.office, got, err, c.want)
		}
	}
	// Taking roles away makes the person inactive and moves the holder up.
	if err := db.PutStaff(ctx, StaffMember{Subject: "reg-1", Name: "王登记"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Staff(ctx, "reg-1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("inactive staff: %v", err)
	}
	if got, _ := db.NearestHolder(ctx, "registrar", "410105"); got != "410100" {
		t.Fatalf("after leaving: %q", got)
	}
	if err := db.PutStaff(ctx, StaffMember{Subject: "x", Name: "x", Grants: []Grant{{"registrar", "41"}}}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("bad grant: %v", err)
	}
}
