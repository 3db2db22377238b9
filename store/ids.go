package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Reservation asks for a new case ID. Prefix is the human-readable part
// before the sequence number (procedure code, jurisdiction, date…). With an
// IdempotencyKey, the same (Subject, IdempotencyKey) always yields the same
// case ID; RequestHash identifies the request body so that a key reused for
// a different request is refused.
type Reservation struct {
	Subject        string
	IdempotencyKey string
	RequestHash    string
	Prefix         string
}

// ReserveCaseID allocates "<Prefix>-<NNNN>" from a per-prefix counter (at
// least four digits, zero padded). With an IdempotencyKey: if (Subject, key)
// was used before, it returns that case ID and existing=true, or
// ErrIdempotencyConflict if RequestHash differs; otherwise it records the key
// with the new ID. All in one transaction.
func (db *DB) ReserveCaseID(ctx context.Context, r Reservation) (caseID string, existing bool, err error) {
	if r.Prefix == "" {
		return "", false, fmt.Errorf("store: reserve case ID: %w: empty prefix", ErrInvalid)
	}
	// The loop only repeats when a concurrent writer recorded the same key
	// between our look-up and our insert, which a database without SQLite's
	// single-writer lock allows; the second pass then finds that key.
	for attempt := 0; attempt < 2; attempt++ {
		raced := false
		err = db.inTx(ctx, func(tx runner) error {
			raced, existing = false, false
			if r.IdempotencyKey != "" {
				var hash, id string
				err := tx.queryRow(ctx, `SELECT request_hash, case_id FROM idempotency_keys WHERE subject = ? AND key = ?`,
					r.Subject, r.IdempotencyKey).Scan(&hash, &id)
				switch {
				case err == nil:
					if hash != r.RequestHash {
						return fmt.Errorf("key %q of %q: %w", r.IdempotencyKey, r.Subject, ErrIdempotencyConflict)
					}
					caseID, existing = id, true
					return nil
				case !errors.Is(err, sql.ErrNoRows):
					return fmt.Errorf("look up key: %w", err)
				}
			}
			n, err := nextCounter(ctx, tx,
				`INSERT INTO case_id_counters (prefix, last) VALUES (?, 1)
ON CONFLICT (prefix) DO UPDATE SET last = case_id_counters.last + 1
RETURNING last`, r.Prefix)
			if err != nil {
				return fmt.Errorf("counter: %w", err)
			}
			caseID = fmt.Sprintf("%s-%04d", r.Prefix, n)
			if r.IdempotencyKey == "" {
				return nil
			}
			res, err := tx.exec(ctx, `INSERT INTO idempotency_keys (subject, key, request_hash, case_id, created_at)
VALUES (?, ?, ?, ?, ?) ON CONFLICT (subject, key) DO NOTHING`,
				r.Subject, r.IdempotencyKey, r.RequestHash, caseID, formatTime(time.Now()))
			if err != nil {
				return fmt.Errorf("record key: %w", err)
			}
			if k, err := res.RowsAffected(); err != nil {
				return err
			} else if k == 0 {
				raced = true
				return errRaced
			}
			return nil
		})
		if !raced {
			break
		}
	}
	if err != nil {
		return "", false, fmt.Errorf("store: reserve case ID for prefix %s: %w", r.Prefix, err)
	}
	return caseID, existing, nil
}

// errRaced rolls back a transaction that lost a race and will be retried.
var errRaced = errors.New("store: concurrent write, retrying")

// nextCounter runs an upsert … RETURNING last and returns the new value.
func nextCounter(ctx context.Context, tx runner, query string, args ...any) (int64, error) {
	var n int64
	if err := tx.queryRow(ctx, query, args...).Scan(&n); err != nil {
		return 0, err
	}
	return n, nil
}

// ForgetReservation removes the Idempotency-Key that reserved caseID when no
// case was created under it, so that a submission refused after its
// reservation (an application already open) leaves no trace: the key may
// then be used again, for any application. The sequence number stays used.
func (db *DB) ForgetReservation(ctx context.Context, subject, key, caseID string) error {
	if key == "" {
		return nil
	}
	err := db.inTx(ctx, func(tx runner) error {
		_, err := tx.exec(ctx, `DELETE FROM idempotency_keys WHERE subject = ? AND key = ? AND case_id = ?
AND NOT EXISTS (SELECT 1 FROM cases WHERE id = ?)`, subject, key, caseID, caseID)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: forget reservation: %w", err)
	}
	return nil
}
