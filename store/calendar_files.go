package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"civilflow/calendar"
)

// CalendarChain is the audit chain of the holiday notices loaded at run
// time: one entry per file, numbered like a case's transitions.
const CalendarChain = "calendar:notices"

// ActionCalendarLoad is the action of the audit entry of a loaded file.
const ActionCalendarLoad = "calendar-load"

// CalendarFile is a holiday data file loaded at run time.
type CalendarFile struct {
	ID       int64     `json:"id"`
	Version  string    `json:"version"`
	Name     string    `json:"name"`
	SHA256   string    `json:"sha256"`
	LoadedBy string    `json:"loadedBy"`
	LoadedAt time.Time `json:"loadedAt"`
	Data     []byte    `json:"-"`
}

// ErrCalendarVersionUsed is returned when a file's version is already loaded.
var ErrCalendarVersionUsed = errors.New("store: calendar version already loaded")

// AddCalendarFile stores a holiday data file that the caller validated
// together with the ones already stored (calendar.Calendar.With), and its
// audit entry, in one transaction. by names who loaded it.
func (db *DB) AddCalendarFile(ctx context.Context, f CalendarFile, byName, role, office string) (CalendarFile, error) {
	sum := sha256.Sum256(f.Data)
	f.SHA256 = hex.EncodeToString(sum[:])
	if f.LoadedAt.IsZero() {
		f.LoadedAt = time.Now()
	}
	err := db.inTx(ctx, func(tx runner) error {
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM calendar_files WHERE version = ?`, f.Version).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("%w: %s", ErrCalendarVersionUsed, f.Version)
		}
		res, err := tx.exec(ctx, `INSERT INTO calendar_files (version, name, data, sha256, loaded_by, loaded_at) VALUES (?, ?, ?, ?, ?, ?)`,
			f.Version, f.Name, f.Data, f.SHA256, f.LoadedBy, f.LoadedAt.UTC().Format(timeLayout))
		if err != nil {
			return err
		}
		if f.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		return appendAuditEntries(ctx, tx, []AuditEntry{{CaseID: CalendarChain, Seq: f.ID, At: f.LoadedAt,
			ActorSubject: f.LoadedBy, ActorName: byName, Role: role, Office: office, Action: ActionCalendarLoad,
			Opinion:    fmt.Sprintf("loaded holiday data %s (%s, sha256 %s)", f.Version, f.Name, f.SHA256),
			LegalBasis: "国务院办公厅部分节假日安排的通知；全国年节及纪念日放假办法"}})
	})
	if err != nil {
		return CalendarFile{}, fmt.Errorf("store: add calendar file: %w", err)
	}
	return f, nil
}

// CalendarFileList lists the loaded files, oldest first, with their data.
func (db *DB) CalendarFileList(ctx context.Context) ([]CalendarFile, error) {
	rows, err := db.conn().query(ctx, `SELECT id, version, name, data, sha256, loaded_by, loaded_at FROM calendar_files ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: calendar files: %w", err)
	}
	defer rows.Close()
	var out []CalendarFile
	for rows.Next() {
		var f CalendarFile
		var at string
		if err := rows.Scan(&f.ID, &f.Version, &f.Name, &f.Data, &f.SHA256, &f.LoadedBy, &at); err != nil {
			return nil, fmt.Errorf("store: calendar files: %w", err)
		}
		f.LoadedAt, _ = time.Parse(timeLayout, at)
		out = append(out, f)
	}
	return out, rows.Err()
}

// CalendarStamp changes whenever a file is loaded: the newest id.
func (db *DB) CalendarStamp(ctx context.Context) (string, error) {
	var n int64
	if err := db.conn().queryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM calendar_files`).Scan(&n); err != nil {
		return "", fmt.Errorf("store: calendar stamp: %w", err)
	}
	return strconv.FormatInt(n, 10), nil
}

// CalendarFiles gives the loaded files as calendar data (calendar.Source).
func (db *DB) CalendarFiles(ctx context.Context) ([]calendar.File, error) {
	fs, err := db.CalendarFileList(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]calendar.File, len(fs))
	for i, f := range fs {
		out[i] = calendar.File{Name: f.Name + " (loaded " + f.LoadedAt.Format(time.DateOnly) + " by " + f.LoadedBy + ")", Data: f.Data}
	}
	return out, nil
}

// LoadCalendarFile validates f against cal (the calendar in use, which
// already holds the stored files), stores it with its audit entry and
// refreshes cal, so that this process counts with it at once and the others
// sharing the database within calendar.LiveCheckEvery.
func (db *DB) LoadCalendarFile(ctx context.Context, cal *calendar.Calendar, f calendar.File, by, byName, role, office string) (CalendarFile, error) {
	version, _, err := cal.Check(f)
	if err != nil {
		return CalendarFile{}, err
	}
	stored, err := db.AddCalendarFile(ctx, CalendarFile{Version: version, Name: f.Name, Data: f.Data, LoadedBy: by}, byName, role, office)
	if err != nil {
		return CalendarFile{}, err
	}
	return stored, cal.Refresh(ctx)
}
