package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Pool bounds the connections of a PostgreSQL store; zero fields take the
// defaults. SQLite ignores it: it keeps one connection (see openSQLite).
type Pool struct {
	MaxOpen     int           // at most this many connections (default 20)
	MaxIdle     int           // kept open while idle (default 5)
	MaxLifetime time.Duration // a connection is replaced after this long (default 30 minutes)
	MaxIdleTime time.Duration // an idle connection is closed after this long (default 5 minutes)
}

// IsPostgresURL reports whether s names a PostgreSQL database
// (postgres:// or postgresql://) rather than a SQLite file.
func IsPostgresURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// OpenURL opens the store named by dsn: a postgres:// or postgresql:// URL
// selects PostgreSQL with the given pool limits, anything else is the path
// of a SQLite file (as Open). Pending migrations are applied either way.
func OpenURL(ctx context.Context, dsn string, pool Pool) (*DB, error) {
	if IsPostgresURL(dsn) {
		return openPostgres(ctx, dsn, pool)
	}
	return Open(ctx, dsn)
}

// openPostgres is replaced by the PostgreSQL dialect.
func openPostgres(ctx context.Context, dsn string, pool Pool) (*DB, error) {
	return nil, fmt.Errorf("store: PostgreSQL: %w: not built yet", ErrInvalid)
}
