package store

import (
	"context"
	"errors"
	"reflect"
	"testing"
)

var (
	zhang = Person{IDNumber: "110105199001011234", Name: "张伟", Sex: "male", BirthDate: "1990-01-01"}
	li    = Person{IDNumber: "110105199202022345", Name: "李娜", Sex: "female", BirthDate: "1992-02-02"}
	wang  = Person{IDNumber: "410105199303033456", Name: "王芳", Sex: "female", BirthDate: "1993-03-03"}
	zhao  = Person{IDNumber: "410105198804044567", Name: "赵强", Sex: "male", BirthDate: "1988-04-04"}
)

func mustStatus(t *testing.T, db *DB, p Person, want string) {
	t.Helper()
	got, err := db.Person(context.Background(), p.IDNumber)
	if err != nil {
		t.Fatalf("Person(%s): %v", p.IDNumber, err)
	}
	if got.MaritalStatus != want {
		t.Errorf("%s is %s, want %s", p.Name, got.MaritalStatus, want)
	}
}

// registryRows counts the rows of every registry table, to show that a
// replayed call wrote nothing.
func registryRows(t *testing.T, db *DB) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range []string{"persons", "marriages", "marriage_spouses", "certificates",
		"marriages WHERE dissolved_on IS NULL", "marriage_spouses WHERE active = 1"} {
		out[table] = count(t, db, table)
	}
	// A replay must not consume certificate numbers either.
	var used int
	if err := db.sql.QueryRowContext(context.Background(), `SELECT COALESCE(SUM(last), 0) FROM certificate_counters`).Scan(&used); err != nil {
		t.Fatal(err)
	}
	out["numbers used"] = used
	return out
}

func TestRegisterMarriage(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)

	certs, err := db.RegisterMarriage(ctx, "MR-1", "110105", "2026-03-02", [2]Person{zhang, li})
	if err != nil {
		t.Fatal(err)
	}
	want := []Certificate{
		{Number: "J110105-2026-000001", Kind: KindMarriageCertificate, CaseID: "MR-1", HolderIDNumber: zhang.IDNumber, HolderName: zhang.Name, Office: "110105", IssuedOn: "2026-03-02"},
		{Number: "J110105-2026-000002", Kind: KindMarriageCertificate, CaseID: "MR-1", HolderIDNumber: li.IDNumber, HolderName: li.Name, Office: "110105", IssuedOn: "2026-03-02"},
	}
	if !reflect.DeepEqual(certs, want) {
		t.Fatalf("certificates = %+v\nwant %+v", certs, want)
	}
	mustStatus(t, db, zhang, MaritalMarried)
	mustStatus(t, db, li, MaritalMarried)
	p, err := db.Person(ctx, li.IDNumber)
	if err != nil || p.Name != li.Name || p.Sex != "female" || p.BirthDate != "1992-02-02" {
		t.Errorf("Person(li) = %+v, %v", p, err)
	}
	m, err := db.ActiveMarriage(ctx, li.IDNumber)
	if err != nil || m == nil || m.CaseID != "MR-1" || m.SpouseA != zhang.IDNumber || m.SpouseB != li.IDNumber || m.RegisteredOn != "2026-03-02" || m.DissolvedOn != "" {
		t.Errorf("ActiveMarriage(li) = %+v, %v", m, err)
	}
	for _, pair := range [][2]string{{zhang.IDNumber, li.IDNumber}, {li.IDNumber, zhang.IDNumber}} {
		if m, err := db.ActiveMarriageBetween(ctx, pair[0], pair[1]); err != nil || m == nil || m.CaseID != "MR-1" {
			t.Errorf("ActiveMarriageBetween(%s, %s) = %+v, %v", pair[0], pair[1], m, err)
		}
	}

	// A retried activity gets the same certificates and writes nothing.
	before := registryRows(t, db)
	again, err := db.RegisterMarriage(ctx, "MR-1", "110105", "2026-03-02", [2]Person{li, zhang})
	if err != nil {
		t.Fatalf("replay: %v", err)
	}
	if !reflect.DeepEqual(again, want) {
		t.Errorf("replay certificates = %+v\nwant %+v", again, want)
	}
	if after := registryRows(t, db); !reflect.DeepEqual(before, after) {
		t.Errorf("replay wrote rows: before %v after %v", before, after)
	}
	if got, err := db.CertificatesForCase(ctx, "MR-1"); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("CertificatesForCase = %+v, %v", got, err)
	}

	// The same case cannot name another couple.
	if _, err := db.RegisterMarriage(ctx, "MR-1", "110105", "2026-03-02", [2]Person{wang, zhao}); !errors.Is(err, ErrIdempotencyConflict) {
		t.Errorf("same case, other couple: err = %v, want ErrIdempotencyConflict", err)
	}

	// Someone already married cannot marry in another case, whichever spouse
	// position they take; the failed attempt leaves no trace.
	before = registryRows(t, db)
	for _, spouses := range [][2]Person{{wang, li}, {zhang, wang}} {
		if _, err := db.RegisterMarriage(ctx, "MR-2", "410105", "2026-03-03", spouses); !errors.Is(err, ErrRegistryConflict) {
			t.Errorf("bigamy %s+%s: err = %v, want ErrRegistryConflict", spouses[0].Name, spouses[1].Name, err)
		}
	}
	if after := registryRows(t, db); !reflect.DeepEqual(before, after) {
		t.Errorf("refused registration wrote rows: before %v after %v", before, after)
	}
	if _, err := db.Person(ctx, wang.IDNumber); !errors.Is(err, ErrNotFound) {
		t.Errorf("Person(wang) = %v, want ErrNotFound", err)
	}

	// Numbering: per (kind, office, year), unique overall.
	more := []struct {
		caseID, office, date string
		spouses              [2]Person
		want                 [2]string
	}{
		{"MR-3", "410105", "2026-05-20", [2]Person{wang, zhao}, [2]string{"J410105-2026-000001", "J410105-2026-000002"}},
	}
	for _, m := range more {
		certs, err := db.RegisterMarriage(ctx, m.caseID, m.office, m.date, m.spouses)
		if err != nil {
			t.Fatal(err)
		}
		if got := [2]string{certs[0].Number, certs[1].Number}; got != m.want {
			t.Errorf("%s numbers %v, want %v", m.caseID, got, m.want)
		}
	}
	if n := count(t, db, "certificates"); n != 4 {
		t.Errorf("%d certificates, want 4", n)
	}
	var distinct int
	if err := db.sql.QueryRowContext(ctx, `SELECT COUNT(DISTINCT number) FROM certificates`).Scan(&distinct); err != nil || distinct != 4 {
		t.Errorf("%d distinct numbers (%v), want 4", distinct, err)
	}
}

func TestRegisterMarriageNumbersPerYearAndOffice(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	couples := []struct {
		caseID, office, date string
		a, b                 string
		want                 string // first certificate number
	}{
		{"C1", "110105", "2025-12-31", "A1", "B1", "J110105-2025-000001"},
		{"C2", "110105", "2026-01-01", "A2", "B2", "J110105-2026-000001"},
		{"C3", "110105", "2026-01-02", "A3", "B3", "J110105-2026-000003"},
		{"C4", "110106", "2026-01-02", "A4", "B4", "J110106-2026-000001"},
	}
	for _, c := range couples {
		certs, err := db.RegisterMarriage(ctx, c.caseID, c.office, c.date, [2]Person{{IDNumber: c.a}, {IDNumber: c.b}})
		if err != nil {
			t.Fatal(err)
		}
		if certs[0].Number != c.want {
			t.Errorf("%s: first number %s, want %s", c.caseID, certs[0].Number, c.want)
		}
	}
}

func TestRegisterMarriageValidation(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	tests := []struct {
		name                 string
		caseID, office, date string
		spouses              [2]Person
	}{
		{"no case", "", "110105", "2026-03-02", [2]Person{zhang, li}},
		{"bad office", "C", "1101", "2026-03-02", [2]Person{zhang, li}},
		{"bad date", "C", "110105", "2026/03/02", [2]Person{zhang, li}},
		{"same person twice", "C", "110105", "2026-03-02", [2]Person{zhang, zhang}},
		{"no ID number", "C", "110105", "2026-03-02", [2]Person{zhang, {Name: "x"}}},
		{"bad birth date", "C", "110105", "2026-03-02", [2]Person{zhang, {IDNumber: "x", BirthDate: "1990"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := db.RegisterMarriage(ctx, tt.caseID, tt.office, tt.date, tt.spouses); !errors.Is(err, ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
		})
	}
}

// The schema itself refuses a second active marriage and a duplicate
// certificate number, whatever code writes.
func TestRegistryConstraints(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	if _, err := db.RegisterMarriage(ctx, "MR-1", "110105", "2026-03-02", [2]Person{zhang, li}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RegisterMarriage(ctx, "MR-2", "110105", "2026-03-02", [2]Person{wang, zhao}); err != nil {
		t.Fatal(err)
	}
	bad := []struct{ name, sql string }{
		{"second active marriage", `INSERT INTO marriage_spouses (marriage_id, id_number, active) VALUES (2, '` + zhang.IDNumber + `', 1)`},
		{"duplicate number", `INSERT INTO certificates (number, kind, case_id, holder_id_number, holder_name, office, issued_on)
VALUES ('J110105-2026-000001', 'marriage-certificate', 'MR-9', '` + wang.IDNumber + `', '', '110105', '2026-03-02')`},
		{"second certificate for one holder in one case", `INSERT INTO certificates (number, kind, case_id, holder_id_number, holder_name, office, issued_on)
VALUES ('J110105-2026-999999', 'marriage-certificate', 'MR-1', '` + zhang.IDNumber + `', '', '110105', '2026-03-02')`},
		{"unknown person", `INSERT INTO marriage_spouses (marriage_id, id_number, active) VALUES (2, 'nobody', 0)`},
	}
	for _, b := range bad {
		if _, err := db.sql.ExecContext(ctx, b.sql); err == nil {
			t.Errorf("%s: accepted", b.name)
		}
	}
}

func TestRegisterDivorce(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	if _, err := db.RegisterMarriage(ctx, "MR-1", "110105", "2025-03-02", [2]Person{zhang, li}); err != nil {
		t.Fatal(err)
	}

	// Not married to each other.
	if _, err := db.RegisterDivorce(ctx, "DV-0", "110105", "2026-04-01", [2]Person{zhang, wang}); !errors.Is(err, ErrRegistryConflict) {
		t.Errorf("divorce of strangers: err = %v, want ErrRegistryConflict", err)
	}
	if _, err := db.RegisterDivorce(ctx, "DV-0", "110105", "2025-01-01", [2]Person{zhang, li}); !errors.Is(err, ErrInvalid) {
		t.Errorf("divorce before the wedding: err = %v, want ErrInvalid", err)
	}

	certs, err := db.RegisterDivorce(ctx, "DV-1", "110106", "2026-04-01", [2]Person{li, {IDNumber: zhang.IDNumber}})
	if err != nil {
		t.Fatal(err)
	}
	want := []Certificate{
		{Number: "L110106-2026-000001", Kind: KindDivorceCertificate, CaseID: "DV-1", HolderIDNumber: li.IDNumber, HolderName: li.Name, Office: "110106", IssuedOn: "2026-04-01"},
		// A spouse given by ID number only keeps the name the registry has.
		{Number: "L110106-2026-000002", Kind: KindDivorceCertificate, CaseID: "DV-1", HolderIDNumber: zhang.IDNumber, HolderName: zhang.Name, Office: "110106", IssuedOn: "2026-04-01"},
	}
	if !reflect.DeepEqual(certs, want) {
		t.Fatalf("certificates = %+v\nwant %+v", certs, want)
	}
	mustStatus(t, db, zhang, MaritalDivorced)
	mustStatus(t, db, li, MaritalDivorced)
	for _, p := range []Person{zhang, li} {
		if m, err := db.ActiveMarriage(ctx, p.IDNumber); err != nil || m != nil {
			t.Errorf("ActiveMarriage(%s) = %+v, %v; want none", p.Name, m, err)
		}
	}
	if m, err := db.ActiveMarriageBetween(ctx, zhang.IDNumber, li.IDNumber); err != nil || m != nil {
		t.Errorf("ActiveMarriageBetween = %+v, %v; want none", m, err)
	}
	var on, by string
	if err := db.sql.QueryRowContext(ctx, `SELECT dissolved_on, dissolved_by_case FROM marriages WHERE case_id = 'MR-1'`).Scan(&on, &by); err != nil || on != "2026-04-01" || by != "DV-1" {
		t.Errorf("marriage dissolved %q by %q (%v), want 2026-04-01 by DV-1", on, by, err)
	}

	// Idempotent.
	before := registryRows(t, db)
	again, err := db.RegisterDivorce(ctx, "DV-1", "110106", "2026-04-01", [2]Person{zhang, li})
	if err != nil || !reflect.DeepEqual(again, want) {
		t.Errorf("replay = %+v, %v", again, err)
	}
	if after := registryRows(t, db); !reflect.DeepEqual(before, after) {
		t.Errorf("replay wrote rows: before %v after %v", before, after)
	}
	if all, err := db.CertificatesForCase(ctx, "DV-1"); err != nil || len(all) != 2 {
		t.Errorf("CertificatesForCase(DV-1) = %+v, %v", all, err)
	}

	// Divorced people may marry again.
	if _, err := db.RegisterMarriage(ctx, "MR-2", "110105", "2026-05-01", [2]Person{zhang, wang}); err != nil {
		t.Errorf("remarriage: %v", err)
	}
	mustStatus(t, db, zhang, MaritalMarried)
}

func TestEndMarriagesPerProof(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	if _, err := db.RegisterMarriage(ctx, "MR-1", "110105", "2020-01-01", [2]Person{zhang, li}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RegisterMarriage(ctx, "MR-2", "410105", "2020-01-01", [2]Person{zhao, wang}); err != nil {
		t.Fatal(err)
	}

	// Case MR-3: Zhang says he is divorced by a court; the registrar accepts
	// the judgment, then registers his new marriage.
	note := "（2025）京0105民初123号民事判决书"
	if err := db.EndMarriagesPerProof(ctx, "MR-3", "2026-03-02", []string{zhang.IDNumber, "not-in-registry"}, note); err != nil {
		t.Fatal(err)
	}
	mustStatus(t, db, zhang, MaritalDivorced)
	mustStatus(t, db, li, MaritalDivorced)
	var gotNote, by string
	if err := db.sql.QueryRowContext(ctx, `SELECT dissolution_note, dissolved_by_case FROM marriages WHERE case_id = 'MR-1'`).Scan(&gotNote, &by); err != nil || gotNote != note || by != "MR-3" {
		t.Errorf("note %q by %q (%v)", gotNote, by, err)
	}
	newSpouse := Person{IDNumber: "110105199505055678", Name: "陈静"}
	if _, err := db.RegisterMarriage(ctx, "MR-3", "110105", "2026-03-02", [2]Person{zhang, newSpouse}); err != nil {
		t.Fatal(err)
	}
	// A retry of the proof step must not end the marriage just registered.
	if err := db.EndMarriagesPerProof(ctx, "MR-3", "2026-03-02", []string{zhang.IDNumber}, note); err != nil {
		t.Fatal(err)
	}
	if m, err := db.ActiveMarriage(ctx, zhang.IDNumber); err != nil || m == nil || m.CaseID != "MR-3" {
		t.Errorf("after retry ActiveMarriage(zhang) = %+v, %v; want the MR-3 marriage", m, err)
	}

	// Widowed: Wang proves Zhao's death; Zhao keeps the status he died with.
	if err := db.EndMarriagesPerProofAs(ctx, "MR-4", "2026-03-05", []string{wang.IDNumber}, "死亡证明 No. 123", MaritalWidowed); err != nil {
		t.Fatal(err)
	}
	mustStatus(t, db, wang, MaritalWidowed)
	mustStatus(t, db, zhao, MaritalMarried)
	if m, err := db.ActiveMarriage(ctx, zhao.IDNumber); err != nil || m != nil {
		t.Errorf("ActiveMarriage(zhao) = %+v, %v; want none", m, err)
	}

	for _, bad := range []struct{ caseID, date, note, status string }{
		{"", "2026-03-05", "n", MaritalDivorced},
		{"C", "2026-03-05", "", MaritalDivorced},
		{"C", "5 March", "n", MaritalDivorced},
		{"C", "2026-03-05", "n", MaritalMarried},
	} {
		if err := db.EndMarriagesPerProofAs(ctx, bad.caseID, bad.date, []string{li.IDNumber}, bad.note, bad.status); !errors.Is(err, ErrInvalid) {
			t.Errorf("%+v: err = %v, want ErrInvalid", bad, err)
		}
	}
}

func TestPersonNotFound(t *testing.T) {
	db := openTest(t)
	if _, err := db.Person(context.Background(), "nobody"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
	if m, err := db.ActiveMarriage(context.Background(), "nobody"); m != nil || err != nil {
		t.Fatalf("ActiveMarriage(nobody) = %+v, %v; want nil, nil", m, err)
	}
}
