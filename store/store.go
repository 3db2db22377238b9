// Package store is civilflow's SQL store: the case read model, the audit
// trail, the civil registry (persons, marriages, certificates), case-ID
// sequences and idempotency keys.
//
// It speaks database/sql. The embedded default is SQLite through the pure-Go
// modernc.org/sqlite driver; the SQL is kept portable (ON CONFLICT upserts,
// RETURNING, CASE instead of dialect functions, placeholders rewritten by
// rebind) so that PostgreSQL can be added as a second dialect with its own
// migrations directory rather than a rewrite.
//
// Callers are mostly Temporal activities, which are retried: every write is
// idempotent, keyed by case ID, transition sequence or idempotency key.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// ErrNotFound reports that a case, idempotency key, person or marriage does
// not exist.
var ErrNotFound = errors.New("store: not found")

// ErrIdempotencyConflict reports that an idempotency key was reused with a
// different request (a different request hash or, for registry writes, a
// different set of persons for the same case).
var ErrIdempotencyConflict = errors.New("store: idempotency key reused with a different request")

// ErrRegistryConflict reports that a registry write contradicts the registry,
// e.g. registering a marriage for someone already married or a divorce for a
// couple that is not married to each other.
var ErrRegistryConflict = errors.New("store: registry conflict")

// ErrInvalid reports a malformed request (missing ID, bad division code, bad
// date, unknown status). Retrying it cannot succeed.
var ErrInvalid = errors.New("store: invalid request")

//go:embed migrations/sqlite/*.sql
var sqliteMigrations embed.FS

// placeholderStyle is how a dialect spells bind parameters.
type placeholderStyle int

const (
	// questionMarks is SQLite's (and MySQL's) "?".
	questionMarks placeholderStyle = iota
	// dollarNumbers is PostgreSQL's "$1, $2, …".
	dollarNumbers
)

// DB is the store. It is safe for concurrent use.
type DB struct {
	sql          *sql.DB
	placeholders placeholderStyle
}

// busyTimeout is how long a connection waits for another process's lock on
// the file (the API and the worker may be separate processes) before failing
// with SQLITE_BUSY.
const busyTimeout = 10 * time.Second

// Open opens (creating if needed) the SQLite database file at path and
// applies any pending migrations.
//
// The database holds personal data, so the file and its -wal and -shm
// companions are kept at mode 0600 (owner only), including files an older
// version created 0644. SQLite creates the companions itself, with the main
// file's mode, which is why the main file is created and tightened first.
func Open(ctx context.Context, path string) (*DB, error) {
	if err := createPrivate(path); err != nil {
		return nil, err
	}
	db, err := openSQLite(path)
	if err != nil {
		return nil, err
	}
	if err := db.migrate(ctx, sqliteMigrations, "migrations/sqlite"); err != nil {
		db.sql.Close()
		return nil, err
	}
	// Migrating has opened the WAL; tighten companions an older run left open.
	for _, p := range []string{path + "-wal", path + "-shm"} {
		if err := chmodPrivate(p); err != nil {
			db.sql.Close()
			return nil, err
		}
	}
	return db, nil
}

// PrivateFileMode is the mode of every file holding personal data.
const PrivateFileMode fs.FileMode = 0o600

// createPrivate creates path with PrivateFileMode if missing and tightens
// it if it exists with a wider mode.
func createPrivate(path string) error {
	if path == "" || strings.ContainsAny(path, "?#") {
		return nil // openSQLite refuses it with the reason
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, PrivateFileMode)
	if err != nil {
		return fmt.Errorf("store: open %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("store: open %s: %w", path, err)
	}
	return chmodPrivate(path)
}

// chmodPrivate sets an existing file's mode to PrivateFileMode when group
// or others have any access; a missing file is left missing.
func chmodPrivate(path string) error {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if runtime.GOOS == "windows" || fi.Mode().Perm()&0o077 == 0 {
		return nil
	}
	if err := os.Chmod(path, PrivateFileMode); err != nil {
		return fmt.Errorf("store: restrict %s to its owner: %w", path, err)
	}
	return nil
}

// openSQLite opens the file with the connection settings, without migrating.
func openSQLite(path string) (*DB, error) {
	if path == "" || strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("store: open %q: %w: path must be non-empty and contain no '?' or '#'", path, ErrInvalid)
	}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	// WAL lets readers in other processes proceed while a write is in progress.
	// synchronous stays at its default (FULL) so that a committed write
	// survives power loss: the API promises an accepted request is durable.
	q.Add("_pragma", "journal_mode(WAL)")
	// SQLite leaves foreign keys off unless asked, per connection.
	q.Add("_pragma", "foreign_keys(1)")
	// BEGIN IMMEDIATE takes the write lock up front. A deferred transaction
	// that reads and then writes can fail with SQLITE_BUSY, without waiting,
	// when another process wrote in between. Read-only transactions (lists)
	// still begin with a plain BEGIN.
	q.Set("_txlock", "immediate")

	sqldb, err := sql.Open("sqlite", path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	// SQLite admits one writer at a time. With a pool of connections,
	// concurrent transactions would queue on the file lock inside SQLite
	// (busy_timeout polling, SQLITE_BUSY when it expires) instead of in Go.
	// One connection makes database/sql queue them fairly, and keeps the
	// in-process read-modify-write sequences (counters, idempotency checks)
	// strictly serial. Reads queue too, which is fine at embedded scale; a
	// PostgreSQL dialect would lift this limit. Consequence for this package:
	// never touch db.sql while a transaction or an open *sql.Rows holds the
	// connection, or the call deadlocks.
	sqldb.SetMaxOpenConns(1)
	// Keep the connection: reopening would redo the pragmas and drop the page cache.
	sqldb.SetMaxIdleConns(1)
	sqldb.SetConnMaxLifetime(0)
	sqldb.SetConnMaxIdleTime(0)

	return &DB{sql: sqldb, placeholders: questionMarks}, nil
}

// Close closes the database.
func (db *DB) Close() error {
	if err := db.sql.Close(); err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

// migration is one numbered .sql file.
type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations reads the numbered files NNNN_name.sql of dir, in version
// order, refusing duplicates and gaps so a mis-numbered file fails loudly.
func loadMigrations(fsys fs.FS, dir string) ([]migration, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.sql"))
	if err != nil {
		return nil, fmt.Errorf("store: list migrations: %w", err)
	}
	var ms []migration
	for _, name := range names {
		base := path.Base(name)
		num, _, ok := strings.Cut(base, "_")
		if !ok {
			return nil, fmt.Errorf("store: migration %s: name must be NNNN_description.sql", base)
		}
		v, err := strconv.Atoi(num)
		if err != nil || v <= 0 {
			return nil, fmt.Errorf("store: migration %s: bad version number %q", base, num)
		}
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("store: read migration %s: %w", base, err)
		}
		ms = append(ms, migration{version: v, name: base, sql: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	// Gaps are allowed: work on separate branches takes numbers ahead of
	// merging, and every version is recorded on its own, so one merged later
	// with a lower number is still applied. A number used twice is a mistake.
	for i := 1; i < len(ms); i++ {
		if ms[i].version == ms[i-1].version {
			return nil, fmt.Errorf("store: migrations %s and %s share version %d", ms[i-1].name, ms[i].name, ms[i].version)
		}
	}
	return ms, nil
}

// migrate applies every migration not yet recorded in schema_migrations, each
// in its own transaction together with its bookkeeping row, so a failure
// leaves the schema at the previous version.
func (db *DB) migrate(ctx context.Context, fsys fs.FS, dir string) error {
	ms, err := loadMigrations(fsys, dir)
	if err != nil {
		return err
	}
	if _, err := db.sql.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER NOT NULL PRIMARY KEY,
    name       TEXT    NOT NULL,
    applied_at TEXT    NOT NULL
)`); err != nil {
		return fmt.Errorf("store: create schema_migrations: %w", err)
	}
	for _, m := range ms {
		err := db.inTx(ctx, func(tx runner) error {
			// Checked inside the transaction: another process opening the
			// same file may have applied it while we waited for the lock.
			var n int
			if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, m.version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.exec(ctx, m.sql); err != nil {
				return err
			}
			_, err := tx.exec(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
				m.version, m.name, formatTime(time.Now()))
			return err
		})
		if err != nil {
			return fmt.Errorf("store: apply migration %s: %w", m.name, err)
		}
	}
	return nil
}

// rebind rewrites the "?" placeholders of query into the dialect's style.
// Every statement of this package passes through it, so adding PostgreSQL
// means choosing dollarNumbers, not editing queries. Question marks inside
// string literals and quoted identifiers are left alone.
func rebind(style placeholderStyle, query string) string {
	if style == questionMarks || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	var quote byte // the quote character we are inside, or 0
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0 // a doubled quote re-enters on the next byte, which is right
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// runner runs statements on a connection or transaction, rebinding each.
type runner struct {
	q     querier
	style placeholderStyle
}

func (r runner) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return r.q.ExecContext(ctx, rebind(r.style, query), args...)
}

func (r runner) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return r.q.QueryContext(ctx, rebind(r.style, query), args...)
}

func (r runner) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return r.q.QueryRowContext(ctx, rebind(r.style, query), args...)
}

// conn returns a runner outside any transaction.
func (db *DB) conn() runner { return runner{q: db.sql, style: db.placeholders} }

// inTx runs fn in a transaction, committing if it returns nil and rolling
// back otherwise. fn must use only the runner it is given (see Open on the
// single connection).
func (db *DB) inTx(ctx context.Context, fn func(tx runner) error) (err error) {
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback() // the original error is the one worth reporting
		}
	}()
	if err := fn(runner{q: tx, style: db.placeholders}); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// timeLayout is RFC 3339 in UTC with exactly nine fractional digits: fixed
// width makes text order equal time order, so ORDER BY and range queries on
// the stored text are correct.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("bad stored timestamp %q: %w", s, err)
	}
	return t.UTC(), nil
}

// nullTime maps a nil deadline to SQL NULL.
func nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return formatTime(*t)
}

// dateLayout is how calendar dates (registration dates, birth dates) are stored.
const dateLayout = "2006-01-02"

// checkDate reports whether s is a YYYY-MM-DD calendar date.
func checkDate(s string) error {
	if _, err := time.Parse(dateLayout, s); err != nil {
		return fmt.Errorf("%w: date %q is not YYYY-MM-DD", ErrInvalid, s)
	}
	return nil
}

// isDivisionCode reports whether s is a six-digit GB/T 2260 code.
func isDivisionCode(s string) bool {
	if len(s) != 6 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
