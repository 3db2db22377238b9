package store

import (
	"context"
	"errors"
	"testing"
)

func TestUnifiedCodeCheckCharacters(t *testing.T) {
	// Published codes: an enterprise's, and the organization part of it.
	if !ValidUnifiedCode("91310110666007217T") {
		t.Error("a published unified code is reported invalid")
	}
	if c := organizationCodeCheck("66600721"); c != '7' {
		t.Errorf("GB 11714 check of 66600721 = %c, want 7", c)
	}
	for _, bad := range []string{"91310110666007217A", "9131011066600721", "91310110666007217I", "9131O110666007217T"} {
		if ValidUnifiedCode(bad) {
			t.Errorf("%s reported valid", bad)
		}
	}
	code, err := unifiedCode('1', "110105", 1)
	if err != nil || len(code) != 18 || code[:16] != "5111010500000001" || !ValidUnifiedCode(code) {
		t.Fatalf("first social-group code %s %v", code, err)
	}
	if code[16] != organizationCodeCheck("00000001") {
		t.Fatalf("organization part of %s lacks its check character", code)
	}
}

func TestRegisterOrganization(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	req := Organization{Name: "北京市朝阳区摄影家协会", Variant: VariantSocialGroup, Field: "摄影", Scope: "摄影交流、培训",
		Area: "110105", Domicile: "朝阳路1号", LegalRepresentative: "张伟", SponsoringUnit: "朝阳区文化和旅游局",
		Funds: 50000, RegisteredOn: "2026-03-02", CaseID: "SGR-110105-20260302-0001"}
	first, err := db.RegisterOrganization(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if first.Status != OrganizationRegistered || !ValidUnifiedCode(first.UnifiedCode) || first.UnifiedCode[:8] != "51110105" {
		t.Fatalf("registered %+v", first)
	}
	again, err := db.RegisterOrganization(ctx, req)
	if err != nil || again.UnifiedCode != first.UnifiedCode {
		t.Fatalf("retry gave %s (%v), want %s", again.UnifiedCode, err, first.UnifiedCode)
	}
	if n := count(t, db, "organizations"); n != 1 {
		t.Fatalf("%d rows after a retry", n)
	}
	changed := req
	changed.Name = "北京市朝阳区摄影协会"
	if _, err := db.RegisterOrganization(ctx, changed); !errors.Is(err, ErrIdempotencyConflict) {
		t.Fatalf("same case, other name: %v", err)
	}

	// Another case with the same name in the same area is a conflict; in
	// another area it is not.
	other := req
	other.CaseID = "SGR-110105-20260303-0001"
	if _, err := db.RegisterOrganization(ctx, other); !errors.Is(err, ErrRegistryConflict) {
		t.Fatalf("same name in the area: %v", err)
	}
	other.Area = "110108"
	foundation := Organization{Name: "北京某某教育基金会", Variant: VariantFoundation, Field: "教育", Area: "110000",
		Funds: 2_000_000, RegisteredOn: "2026-03-04", CaseID: "FDN-110000-20260304-0001"}
	for _, o := range []Organization{other, foundation} {
		got, err := db.RegisterOrganization(ctx, o)
		if err != nil || got.UnifiedCode == first.UnifiedCode || !ValidUnifiedCode(got.UnifiedCode) {
			t.Fatalf("%s: %+v %v", o.Name, got, err)
		}
	}
	if f, err := db.OrganizationByCase(ctx, foundation.CaseID); err != nil || f.UnifiedCode[:2] != "53" {
		t.Fatalf("foundation %+v %v", f, err)
	}
	if _, err := db.OrganizationByCase(ctx, "SGR-110105-20990101-0001"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown case: %v", err)
	}

	list, err := db.RegisteredOrganizations(ctx, "110105", VariantSocialGroup)
	if err != nil || len(list) != 1 || list[0].Name != req.Name || list[0].SponsoringUnit != req.SponsoringUnit {
		t.Fatalf("social groups of 110105: %+v %v", list, err)
	}
	if list, _ := db.RegisteredOrganizations(ctx, "110105", VariantFoundation); len(list) != 0 {
		t.Fatalf("foundations of 110105: %+v", list)
	}
	if list, _ := db.RegisteredOrganizations(ctx, "110000", ""); len(list) != 1 {
		t.Fatalf("every variant of 110000: %+v", list)
	}

	for _, bad := range []Organization{
		{Name: "x", Variant: "club", Field: "f", Area: "110105", RegisteredOn: "2026-03-02", CaseID: "c"},
		{Name: " ", Variant: VariantSocialGroup, Field: "f", Area: "110105", RegisteredOn: "2026-03-02", CaseID: "c"},
		{Name: "x", Variant: VariantSocialGroup, Field: "f", Area: "1101", RegisteredOn: "2026-03-02", CaseID: "c"},
		{Name: "x", Variant: VariantSocialGroup, Field: "f", Area: "110105", RegisteredOn: "2026-3-2", CaseID: "c"},
		{Name: "x", Variant: VariantSocialGroup, Field: "f", Area: "110105", RegisteredOn: "2026-03-02", CaseID: "c", Funds: -1},
	} {
		if _, err := db.RegisterOrganization(ctx, bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("%+v: %v", bad, err)
		}
	}
}
