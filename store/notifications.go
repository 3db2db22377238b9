package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Notification is one message of the outbox.
type Notification struct {
	ID          int64
	DedupeKey   string
	CaseID      string
	Kind        string
	Subject     string // a person, or "" for the pool of Role at Office
	Role        string
	Office      string
	Message     string
	CreatedAt   time.Time
	ReadAt      *time.Time
	DeliveredAt *time.Time
	Attempts    int
}

// Enqueue adds messages to the outbox; one whose dedupe key is already
// there is skipped, so replays and retries never send a message twice.
func (db *DB) Enqueue(ctx context.Context, ns []Notification) error {
	for _, n := range ns {
		if n.DedupeKey == "" || n.CaseID == "" || n.Kind == "" || n.Message == "" || (n.Subject == "" && (n.Role == "" || !isDivisionCode(n.Office))) {
			return fmt.Errorf("store: enqueue: %w: need key, case, kind, message and a person or a role at an office", ErrInvalid)
		}
	}
	err := db.inTx(ctx, func(tx runner) error {
		for _, n := range ns {
			if _, err := tx.exec(ctx, `INSERT INTO notifications (dedupe_key, case_id, kind, subject, role, office, message, created_at, next_attempt)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`,
				n.DedupeKey, n.CaseID, n.Kind, n.Subject, n.Role, n.Office, n.Message, formatTime(n.CreatedAt), formatTime(n.CreatedAt)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: enqueue: %w", err)
	}
	return nil
}

const notificationColumns = `id, dedupe_key, case_id, kind, subject, role, office, message, created_at, read_at, delivered_at, attempts`

func scanNotification(s scanner) (Notification, error) {
	var n Notification
	var created string
	var read, delivered *string
	if err := s.Scan(&n.ID, &n.DedupeKey, &n.CaseID, &n.Kind, &n.Subject, &n.Role, &n.Office, &n.Message, &created, &read, &delivered, &n.Attempts); err != nil {
		return n, err
	}
	var err error
	if n.CreatedAt, err = parseTime(created); err != nil {
		return n, err
	}
	for _, p := range []struct {
		src *string
		dst **time.Time
	}{{read, &n.ReadAt}, {delivered, &n.DeliveredAt}} {
		if p.src != nil {
			t, err := parseTime(*p.src)
			if err != nil {
				return n, err
			}
			*p.dst = &t
		}
	}
	return n, nil
}

// Notifications lists the messages for a person: addressed to them, or to the pool
// of a role they hold in a jurisdiction covering the office; newest first.
func (db *DB) Notifications(ctx context.Context, subject string, grants []Grant, p Page) ([]Notification, int, error) {
	p = p.normalize()
	conds := []string{`subject = ?`}
	args := []any{subject}
	for _, g := range grants {
		if g.Role == "" || !isDivisionCode(g.Division) {
			continue
		}
		if pre := divisionPrefix(g.Division); pre == "" {
			conds = append(conds, `(subject = '' AND role = ?)`)
			args = append(args, g.Role)
		} else {
			conds = append(conds, `(subject = '' AND role = ? AND office LIKE ?)`)
			args = append(args, g.Role, pre+"%")
		}
	}
	where := "(" + strings.Join(conds, " OR ") + ")"
	var out []Notification
	var total int
	err := db.inReadTx(ctx, func(r runner) error {
		if err := r.queryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE `+where, args...).Scan(&total); err != nil {
			return err
		}
		rows, err := r.query(ctx, `SELECT `+notificationColumns+` FROM notifications WHERE `+where+` ORDER BY id DESC LIMIT ? OFFSET ?`,
			append(args, p.Limit, p.Offset)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			n, err := scanNotification(rows)
			if err != nil {
				return err
			}
			out = append(out, n)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, 0, fmt.Errorf("store: notifications: %w", err)
	}
	return out, total, nil
}

// MarkRead marks a person's own message read (pool messages stay unread
// for the others of the pool).
func (db *DB) MarkRead(ctx context.Context, subject string, id int64, at time.Time) error {
	res, err := db.conn().exec(ctx, `UPDATE notifications SET read_at = ? WHERE id = ? AND subject = ? AND read_at IS NULL`, formatTime(at), id, subject)
	if err != nil {
		return fmt.Errorf("store: mark read: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: mark read %d: %w", id, ErrNotFound)
	}
	return nil
}

// DueForDelivery returns undelivered messages whose next attempt is due.
func (db *DB) DueForDelivery(ctx context.Context, now time.Time, limit int) ([]Notification, error) {
	rows, err := db.conn().query(ctx, `SELECT `+notificationColumns+` FROM notifications
WHERE delivered_at IS NULL AND next_attempt <= ? ORDER BY next_attempt, id LIMIT ?`, formatTime(now), limit)
	if err != nil {
		return nil, fmt.Errorf("store: due for delivery: %w", err)
	}
	defer rows.Close()
	var out []Notification
	for rows.Next() {
		n, err := scanNotification(rows)
		if err != nil {
			return nil, fmt.Errorf("store: due for delivery: %w", err)
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// Delivered records a successful delivery; a message is delivered once.
func (db *DB) Delivered(ctx context.Context, id int64, at time.Time) error {
	_, err := db.conn().exec(ctx, `UPDATE notifications SET delivered_at = ?, attempts = attempts + 1 WHERE id = ? AND delivered_at IS NULL`, formatTime(at), id)
	if err != nil {
		return fmt.Errorf("store: delivered: %w", err)
	}
	return nil
}

// DeliveryFailed schedules the next attempt.
func (db *DB) DeliveryFailed(ctx context.Context, id int64, next time.Time) error {
	_, err := db.conn().exec(ctx, `UPDATE notifications SET attempts = attempts + 1, next_attempt = ? WHERE id = ? AND delivered_at IS NULL`, formatTime(next), id)
	if err != nil {
		return fmt.Errorf("store: delivery failed: %w", err)
	}
	return nil
}
