package store

import (
	"context"
	"testing"
)

// TestAdoptionsRegistered counts only adoption certificates, per holder.
func TestAdoptionsRegistered(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	const adopter, other = "110105198001011234", "110105198202022345"
	issue := func(caseID, kind, prefix, holder string) {
		t.Helper()
		if _, err := db.IssueDocument(ctx, DocumentRequest{CaseID: caseID, Kind: kind, Prefix: prefix, Office: "110105",
			Date: "2026-03-02", HolderID: holder, HolderName: "张三"}); err != nil {
			t.Fatal(err)
		}
	}
	issue("ADO-110105-20260302-0001", KindAdoptionCertificate, "SY", adopter)
	issue("ADO-110105-20260302-0001", KindAdoptionCertificate, "SY", other)
	issue("ADO-110105-20260401-0001", KindAdoptionCertificate, "SY", adopter)
	issue("CTC-110105-20260401-0001", "conversion-announcement", "QHGG", adopter)
	for id, want := range map[string]int{adopter: 2, other: 1, "110105199001011234": 0} {
		if n, err := db.AdoptionsRegistered(ctx, id); err != nil || n != want {
			t.Errorf("%s: %d adoptions (%v), want %d", id, n, err, want)
		}
	}
}
