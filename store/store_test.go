package store

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// openTest opens a fresh database file in a temporary directory.
func openTest(t testing.TB) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "civilflow.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// count returns SELECT COUNT(*) FROM <from>.
func count(t testing.TB, db *DB, from string, args ...any) int {
	t.Helper()
	var n int
	if err := db.conn().queryRow(context.Background(), `SELECT COUNT(*) FROM `+from, args...).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", from, err)
	}
	return n
}

func TestOpenAppliesMigrationsAndReopenIsNoop(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "civilflow.db")
	want, err := loadMigrations(sqliteMigrations, "migrations/sqlite")
	if err != nil {
		t.Fatal(err)
	}
	if len(want) == 0 {
		t.Fatal("no embedded migrations")
	}

	db, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("first Open: %v", err)
	}
	if got := count(t, db, "schema_migrations"); got != len(want) {
		t.Fatalf("schema_migrations has %d rows, want %d", got, len(want))
	}
	for _, table := range []string{"cases", "case_parties", "audit_entries", "case_id_counters", "idempotency_keys",
		"persons", "marriages", "marriage_spouses", "certificates", "certificate_counters"} {
		count(t, db, table) // fails the test if the table is missing
	}
	var journal string
	var fk int
	if err := db.sql.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&journal); err != nil {
		t.Fatal(err)
	}
	if err := db.sql.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil {
		t.Fatal(err)
	}
	if journal != "wal" || fk != 1 {
		t.Errorf("journal_mode=%q foreign_keys=%d, want wal and 1", journal, fk)
	}
	if _, _, err := db.ReserveCaseID(ctx, Reservation{Prefix: "P"}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("second Open: %v", err)
	}
	defer db.Close()
	if got := count(t, db, "schema_migrations"); got != len(want) {
		t.Fatalf("after reopen schema_migrations has %d rows, want %d", got, len(want))
	}
	if got := count(t, db, "case_id_counters"); got != 1 {
		t.Fatalf("reopen lost data: %d counters", got)
	}
}

func TestOpenRejectsBadPath(t *testing.T) {
	for _, p := range []string{"", "a?b.db", "a#b.db"} {
		if _, err := Open(context.Background(), p); !errors.Is(err, ErrInvalid) {
			t.Errorf("Open(%q) = %v, want ErrInvalid", p, err)
		}
	}
}

func TestLoadMigrationsRejectsBadNumbering(t *testing.T) {
	ok := "CREATE TABLE t (x INTEGER);"
	tests := []struct {
		name    string
		files   []string
		wantErr bool
	}{
		{"in order", []string{"0001_a.sql", "0002_b.sql"}, false},
		{"gap (a branch merged later fills it)", []string{"0001_a.sql", "0003_c.sql"}, false},
		{"duplicate", []string{"0001_a.sql", "0001_b.sql"}, true},
		{"duplicate after a gap", []string{"0001_a.sql", "0004_b.sql", "0004_c.sql"}, true},
		{"no underscore", []string{"0001.sql"}, true},
		{"not a number", []string{"one_a.sql"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for _, f := range tt.files {
				fsys["m/"+f] = &fstest.MapFile{Data: []byte(ok)}
			}
			_, err := loadMigrations(fsys, "m")
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
		})
	}
}

func TestFailedMigrationRollsBack(t *testing.T) {
	ctx := context.Background()
	db, err := openSQLite(filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	fsys := fstest.MapFS{
		"m/0001_one.sql": {Data: []byte("CREATE TABLE one (x INTEGER);")},
		// The first statement succeeds, the second fails: neither may stay.
		"m/0002_two.sql": {Data: []byte("CREATE TABLE two (x INTEGER);\nINSERT INTO nowhere VALUES (1);")},
	}
	if err := db.migrate(ctx, fsys, "m"); err == nil || !strings.Contains(err.Error(), "0002_two.sql") {
		t.Fatalf("migrate = %v, want an error naming 0002_two.sql", err)
	}
	if got := count(t, db, "schema_migrations"); got != 1 {
		t.Errorf("schema_migrations has %d rows, want 1", got)
	}
	if got := count(t, db, "sqlite_master WHERE name = 'two'"); got != 0 {
		t.Errorf("table two survived a failed migration")
	}
	// Fixing the file lets the next start finish the job.
	fsys["m/0002_two.sql"] = &fstest.MapFile{Data: []byte("CREATE TABLE two (x INTEGER);")}
	if err := db.migrate(ctx, fsys, "m"); err != nil {
		t.Fatal(err)
	}
	if got := count(t, db, "schema_migrations"); got != 2 {
		t.Errorf("schema_migrations has %d rows, want 2", got)
	}
}

func TestRebind(t *testing.T) {
	tests := []struct {
		style placeholderStyle
		in    string
		want  string
	}{
		{questionMarks, "SELECT ? , ?", "SELECT ? , ?"},
		{dollarNumbers, "SELECT a FROM t WHERE a = ? AND b = ?", "SELECT a FROM t WHERE a = $1 AND b = $2"},
		{dollarNumbers, "SELECT '?', \"a?\" FROM t WHERE x = ?", "SELECT '?', \"a?\" FROM t WHERE x = $1"},
		{dollarNumbers, "SELECT 'it''s ?' , ?", "SELECT 'it''s ?' , $1"},
		{dollarNumbers, "SELECT 1", "SELECT 1"},
	}
	for _, tt := range tests {
		if got := rebind(tt.style, tt.in); got != tt.want {
			t.Errorf("rebind(%d, %q) = %q, want %q", tt.style, tt.in, got, tt.want)
		}
	}
}
