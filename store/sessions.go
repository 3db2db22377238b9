package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// Session is a signed-in browser. The token itself is never stored, only
// its SHA-256 (TokenHash).
type Session struct {
	Subject   string
	Name      string
	Username  string // "" for a session opened through the identity provider
	CSRFToken string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// SessionTokenHash is how a session token is kept and looked up.
func SessionTokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// CreateSession records s under the hash of token.
func (db *DB) CreateSession(ctx context.Context, token string, s Session) error {
	if !ValidSubject(s.Subject) || s.CSRFToken == "" || !s.ExpiresAt.After(s.CreatedAt) {
		return fmt.Errorf("store: create session: %w: subject, CSRF token and a later expiry are required", ErrInvalid)
	}
	var user any
	if s.Username != "" {
		user = s.Username
	}
	if _, err := db.conn().exec(ctx, `INSERT INTO sessions (token_hash, subject, name, username, csrf_token, created_at, expires_at)
VALUES (?, ?, ?, ?, ?, ?, ?)`, SessionTokenHash(token), s.Subject, s.Name, user, s.CSRFToken,
		formatTime(s.CreatedAt), formatTime(s.ExpiresAt)); err != nil {
		return fmt.Errorf("store: create session: %w", err)
	}
	return nil
}

// SessionByToken returns the live session of token at now: ErrNotFound
// for an unknown or expired token, or one whose account is no longer
// active (an expired session is deleted on the way).
func (db *DB) SessionByToken(ctx context.Context, token string, now time.Time) (Session, error) {
	var s Session
	var user sql.NullString
	var active sql.NullBool
	var created, expires string
	hash := SessionTokenHash(token)
	err := db.conn().queryRow(ctx, `SELECT s.subject, s.name, s.username, s.csrf_token, s.created_at, s.expires_at, a.active
FROM sessions s LEFT JOIN accounts a ON a.username = s.username WHERE s.token_hash = ?`, hash).
		Scan(&s.Subject, &s.Name, &user, &s.CSRFToken, &created, &expires, &active)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, fmt.Errorf("store: session: %w", ErrNotFound)
	}
	if err != nil {
		return Session{}, fmt.Errorf("store: session: %w", err)
	}
	s.Username = user.String
	if s.CreatedAt, err = parseTime(created); err != nil {
		return Session{}, fmt.Errorf("store: session: %w", err)
	}
	if s.ExpiresAt, err = parseTime(expires); err != nil {
		return Session{}, fmt.Errorf("store: session: %w", err)
	}
	if !now.Before(s.ExpiresAt) || (user.Valid && !active.Bool) {
		if err := db.DeleteSession(ctx, token); err != nil {
			return Session{}, err
		}
		return Session{}, fmt.Errorf("store: session: %w", ErrNotFound)
	}
	return s, nil
}

// DeleteSession ends the session of token; an unknown token is no error.
func (db *DB) DeleteSession(ctx context.Context, token string) error {
	if _, err := db.conn().exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, SessionTokenHash(token)); err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// DeleteSessionsOf ends every session signed in as subject, e.g. when
// the directory no longer lists them as active.
func (db *DB) DeleteSessionsOf(ctx context.Context, subject string) error {
	if _, err := db.conn().exec(ctx, `DELETE FROM sessions WHERE subject = ?`, subject); err != nil {
		return fmt.Errorf("store: delete sessions: %w", err)
	}
	return nil
}

// DeleteExpiredSessions removes sessions expired at now and returns how
// many.
func (db *DB) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	res, err := db.conn().exec(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, formatTime(now))
	if err != nil {
		return 0, fmt.Errorf("store: delete expired sessions: %w", err)
	}
	return res.RowsAffected()
}
