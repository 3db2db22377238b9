package store

import (
	"context"
	"errors"
	"testing"
)

func TestIssueDocument(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	req := DocumentRequest{CaseID: "ADO-410105-20260302-0001", Kind: "adoption-certificate", Prefix: "SY",
		Office: "410105", Date: "2026-03-02", HolderID: "410105199001011234", HolderName: "张三", Data: []byte(`{"child":"李小"}`)}
	first, err := db.IssueDocument(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if first.Number != "SY410105-2026-000001" {
		t.Fatalf("number %s", first.Number)
	}
	again, err := db.IssueDocument(ctx, req)
	if err != nil || again.Number != first.Number {
		t.Fatalf("retry issued %s (%v), want %s", again.Number, err, first.Number)
	}
	req.HolderID, req.HolderName = "410105199202022345", "李四"
	second, err := db.IssueDocument(ctx, req)
	if err != nil || second.Number != "SY410105-2026-000002" {
		t.Fatalf("second holder: %s %v", second.Number, err)
	}
	docs, err := db.DocumentsForCase(ctx, req.CaseID)
	if err != nil || len(docs) != 2 || string(docs[0].Data) != `{"child":"李小"}` {
		t.Fatalf("documents %+v %v", docs, err)
	}
	for _, bad := range []DocumentRequest{
		{Kind: "x", Prefix: "SY", Office: "410105", Date: "2026-03-02", CaseID: ""},
		{CaseID: "c", Kind: "x", Prefix: "sy", Office: "410105", Date: "2026-03-02"},
		{CaseID: "c", Kind: "x", Prefix: "SY", Office: "4101", Date: "2026-03-02"},
		{CaseID: "c", Kind: "x", Prefix: "SY", Office: "410105", Date: "2026-3-2"},
		{CaseID: "c", Kind: "x", Prefix: "SY", Office: "410105", Date: "2026-03-02", Data: []byte("{")},
	} {
		if _, err := db.IssueDocument(ctx, bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("%+v: %v", bad, err)
		}
	}
}
