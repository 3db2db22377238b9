package store

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

func TestReadLog(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	reads := []ReadLogEntry{
		{Subject: "sup-1", Name: "周监督", Roles: []string{"supervisor:410000"}, CaseID: "C-1", Office: "410105", Operation: "get-case", Fields: []string{"parties", "documents"}},
		{Subject: "reg-1", Name: "王登记", Roles: []string{"registrar:410105"}, CaseID: "C-1", Office: "410105", Operation: "get-case-trail", Fields: []string{"trail"}},
		{Subject: "sup-1", Name: "周监督", Roles: []string{"supervisor:410000"}, CaseID: "C-2", Office: "410102", Operation: "export-case-file", Fields: []string{"application"}},
		{Subject: "sup-2", Name: "吴监督", Roles: []string{"supervisor:110000"}, CaseID: "C-3", Office: "110105", Operation: "get-case"},
		{Subject: "sup-1", Name: "周监督", Roles: []string{"supervisor:410000"}, Office: "410000", Operation: "export-audit-entries", Fields: []string{"trail"}},
	}
	for i, r := range reads {
		r.At = t0.Add(time.Duration(i) * time.Minute)
		if err := db.LogRead(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name  string
		f     ReadLogFilter
		page  Page
		want  []string // operations, newest first
		total int
	}{
		{"one case", ReadLogFilter{CaseID: "C-1"}, Page{}, []string{"get-case-trail", "get-case"}, 2},
		{"a district", ReadLogFilter{Division: "410105"}, Page{}, []string{"get-case-trail", "get-case"}, 2},
		{"a province, range exports included", ReadLogFilter{Division: "410000"}, Page{}, []string{"export-audit-entries", "export-case-file", "get-case-trail", "get-case"}, 4},
		{"by subject within a province", ReadLogFilter{Division: "410000", Subject: "sup-1"}, Page{}, []string{"export-audit-entries", "export-case-file", "get-case"}, 3},
		{"nationwide, paged", ReadLogFilter{Division: "000000"}, Page{Limit: 2, Offset: 1}, []string{"get-case", "export-case-file"}, 5},
		{"another province", ReadLogFilter{Division: "420000"}, Page{}, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, total, err := db.ListReads(ctx, tt.f, tt.page)
			if err != nil {
				t.Fatal(err)
			}
			var ops []string
			for _, r := range got {
				ops = append(ops, r.Operation)
			}
			if !slices.Equal(ops, tt.want) || total != tt.total {
				t.Errorf("ListReads = %v (total %d), want %v (total %d)", ops, total, tt.want, tt.total)
			}
		})
	}
	got, _, err := db.ListReads(ctx, ReadLogFilter{CaseID: "C-2"}, Page{})
	if err != nil || len(got) != 1 {
		t.Fatalf("C-2: %v, %v", got, err)
	}
	r := got[0]
	if r.Name != "周监督" || !slices.Equal(r.Roles, []string{"supervisor:410000"}) || !slices.Equal(r.Fields, []string{"application"}) || !r.At.Equal(t0.Add(2*time.Minute)) {
		t.Errorf("entry read back as %+v", r)
	}

	for _, bad := range []ReadLogEntry{{Operation: "x", CaseID: "C"}, {Subject: "s", CaseID: "C"}, {Subject: "s", Operation: "x"}} {
		if err := db.LogRead(ctx, bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("LogRead(%+v) = %v, want ErrInvalid", bad, err)
		}
	}
	if _, _, err := db.ListReads(ctx, ReadLogFilter{Division: "41"}, Page{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad division: %v, want ErrInvalid", err)
	}
}
