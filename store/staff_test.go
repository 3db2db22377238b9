package store

import (
	"context"
	"errors"
	"strings"
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

func TestListStaffWithinAndCovering(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	for _, m := range []StaffMember{
		{Subject: "bj-reg", Name: "朝阳登记", Grants: []Grant{{"registrar", "110105"}, {"approver", "110105"}}},
		{Subject: "bj-city", Name: "北京审批", Grants: []Grant{{"approver", "110000"}}},
		{Subject: "bj-hd", Name: "海淀登记", Grants: []Grant{{"registrar", "110108"}}},
		{Subject: "hb-reg", Name: "Hubei Registrar", Grants: []Grant{{"registrar", "420102"}}},
		{Subject: "nat-admin", Name: "部管理", Grants: []Grant{{"admin", "000000"}}},
		{Subject: "gone", Name: "已离职", Grants: []Grant{{"registrar", "110105"}}},
	} {
		if err := db.PutStaff(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.PutStaff(ctx, StaffMember{Subject: "gone", Name: "已离职"}); err != nil {
		t.Fatal(err)
	}
	subjects := func(ms []StaffMember) string {
		var s []string
		for _, m := range ms {
			s = append(s, m.Subject)
		}
		return strings.Join(s, ",")
	}
	for _, c := range []struct {
		name  string
		f     StaffFilter
		want  string
		total int
	}{
		{"within Beijing", StaffFilter{Within: []string{"110000"}}, "bj-city,bj-hd,bj-reg", 3},
		{"within the county", StaffFilter{Within: []string{"110105"}}, "bj-reg", 1},
		{"covering 110105", StaffFilter{Covering: "110105"}, "bj-city,bj-reg,nat-admin", 3},
		{"covering, registrars", StaffFilter{Covering: "110105", Role: "registrar"}, "bj-reg", 1},
		{"role of one grant", StaffFilter{Within: []string{"110000"}, Role: "approver"}, "bj-city,bj-reg", 2},
		{"text in the name", StaffFilter{Text: "hubei"}, "hb-reg", 1},
		{"text in the subject", StaffFilter{Text: "BJ-"}, "bj-city,bj-hd,bj-reg", 3},
		{"wildcards are literal", StaffFilter{Text: "%"}, "", 0},
	} {
		got, total, err := db.ListStaff(ctx, c.f, Page{})
		if err != nil || subjects(got) != c.want || total != c.total {
			t.Errorf("%s: %s (%d) %v, want %s (%d)", c.name, subjects(got), total, err, c.want, c.total)
		}
	}
	got, total, err := db.ListStaff(ctx, StaffFilter{Within: []string{"110000"}}, Page{Limit: 1, Offset: 2})
	if err != nil || subjects(got) != "bj-reg" || total != 3 || len(got[0].Grants) != 2 {
		t.Fatalf("second page: %+v %d %v", got, total, err)
	}
	if _, _, err := db.ListStaff(ctx, StaffFilter{Covering: "11"}, Page{}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("bad office: %v", err)
	}
}
