package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// StaffMember is a person of the staff directory with the roles they hold.
type StaffMember struct {
	Subject string
	Name    string
	Grants  []Grant
}

// PutStaff sets a person's name and roles, replacing the ones held before;
// no grants makes the person inactive (they keep their history). The
// change is audited as made by the system; the API uses ChangeStaff.
func (db *DB) PutStaff(ctx context.Context, m StaffMember) error {
	_, err := db.ChangeStaff(ctx, StaffChange{Member: m})
	return err
}

// StaffEntry is a directory entry as it stands: the person's name, whether
// they hold any role, and the roles they hold. Exists is false for a
// subject the directory has never listed.
type StaffEntry struct {
	Exists bool
	Name   string
	Active bool
	Grants []Grant
}

// StaffEditor is who changes the directory: their subject and name, and
// the role and division they act in. The zero value is the system.
type StaffEditor struct {
	Subject, Name, Role, Division string
}

// StaffChange sets a person's name and roles (Member), replacing the ones
// held before, by Editor. Check, if set, sees the entry as it stands
// inside the write transaction and may refuse the change by returning an
// error, which ChangeStaff returns as is (wrapped); so what the caller
// checked is what is replaced, whatever else writes meanwhile.
type StaffChange struct {
	Member StaffMember
	Editor StaffEditor
	Check  func(before StaffEntry) error
}

// ChangeStaff applies a StaffChange and records it in the audit chains
// (see audit_staff.go), in one transaction, and returns the entry as it
// stood before. A change that changes nothing writes nothing.
func (db *DB) ChangeStaff(ctx context.Context, ch StaffChange) (StaffEntry, error) {
	m := ch.Member
	if strings.TrimSpace(m.Subject) == "" || strings.TrimSpace(m.Name) == "" {
		return StaffEntry{}, fmt.Errorf("store: put staff: %w: subject and name are required", ErrInvalid)
	}
	for _, g := range m.Grants {
		if g.Role == "" || !isDivisionCode(g.Division) {
			return StaffEntry{}, fmt.Errorf("store: put staff: %w: bad grant %s:%s", ErrInvalid, g.Role, g.Division)
		}
	}
	m.Grants = sortedGrants(m.Grants)
	at := time.Now()
	now := formatTime(at)
	var before StaffEntry
	err := db.inTx(ctx, func(tx runner) error {
		var err error
		if before, err = staffEntry(ctx, tx, m.Subject); err != nil {
			return err
		}
		if ch.Check != nil {
			if err := ch.Check(before); err != nil {
				return err
			}
		}
		if (before.Exists && before.Name == m.Name && slices.Equal(before.Grants, m.Grants)) ||
			(!before.Exists && len(m.Grants) == 0) {
			return nil // nothing changes (no roles for someone never listed leaves no trace either)
		}
		if _, err := tx.exec(ctx, `UPDATE staff SET active = 0, updated_at = ? WHERE subject = ?`, now, m.Subject); err != nil {
			return err
		}
		for _, g := range m.Grants {
			if _, err := tx.exec(ctx, `INSERT INTO staff (subject, name, role, division, active, updated_at) VALUES (?, ?, ?, ?, 1, ?)
ON CONFLICT (subject, role, division) DO UPDATE SET name = excluded.name, active = 1, updated_at = excluded.updated_at`,
				m.Subject, m.Name, g.Role, g.Division, now); err != nil {
				return err
			}
		}
		if len(m.Grants) == 0 {
			// Keep the name with the inactive rows (or a row for it), so the
			// directory and its audit agree on who the person is.
			if _, err := tx.exec(ctx, `UPDATE staff SET name = ? WHERE subject = ?`, m.Name, m.Subject); err != nil {
				return err
			}
		}
		after := StaffEntry{Exists: true, Name: m.Name, Active: len(m.Grants) > 0, Grants: m.Grants}
		return appendStaffEntry(ctx, tx, m.Subject, ch.Editor, before, after, at)
	})
	if err != nil {
		return StaffEntry{}, fmt.Errorf("store: put staff %s: %w", m.Subject, err)
	}
	return before, nil
}

// staffEntry reads a person's entry inside tx: the name of their newest
// row and their active grants, sorted.
func staffEntry(ctx context.Context, tx runner, subject string) (StaffEntry, error) {
	rows, err := tx.query(ctx, `SELECT name, role, division, active FROM staff WHERE subject = ?
ORDER BY updated_at DESC, role, division`, subject)
	if err != nil {
		return StaffEntry{}, err
	}
	defer rows.Close()
	var e StaffEntry
	for rows.Next() {
		var (
			name   string
			g      Grant
			active bool
		)
		if err := rows.Scan(&name, &g.Role, &g.Division, &active); err != nil {
			return StaffEntry{}, err
		}
		if !e.Exists {
			e.Exists, e.Name = true, name
		}
		if active {
			e.Grants = append(e.Grants, g)
		}
	}
	if err := rows.Err(); err != nil {
		return StaffEntry{}, err
	}
	e.Grants = sortedGrants(e.Grants)
	e.Active = len(e.Grants) > 0
	return e, nil
}

// sortedGrants returns grants sorted by role and division, without duplicates.
func sortedGrants(gs []Grant) []Grant {
	out := slices.Clone(gs)
	slices.SortFunc(out, func(a, b Grant) int {
		if c := strings.Compare(a.Role, b.Role); c != 0 {
			return c
		}
		return strings.Compare(a.Division, b.Division)
	})
	return slices.Compact(out)
}

// Staff returns a person of the directory with their active roles;
// ErrNotFound if the directory does not know them or they hold none.
func (db *DB) Staff(ctx context.Context, subject string) (StaffMember, error) {
	rows, err := db.conn().query(ctx, `SELECT name, role, division FROM staff WHERE subject = ? AND active = 1 ORDER BY role, division`, subject)
	if err != nil {
		return StaffMember{}, fmt.Errorf("store: staff: %w", err)
	}
	defer rows.Close()
	m := StaffMember{Subject: subject}
	for rows.Next() {
		var g Grant
		if err := rows.Scan(&m.Name, &g.Role, &g.Division); err != nil {
			return StaffMember{}, fmt.Errorf("store: staff: %w", err)
		}
		m.Grants = append(m.Grants, g)
	}
	if err := rows.Err(); err != nil {
		return StaffMember{}, fmt.Errorf("store: staff: %w", err)
	}
	if len(m.Grants) == 0 {
		return StaffMember{}, fmt.Errorf("store: staff %s: %w", subject, ErrNotFound)
	}
	return m, nil
}

// NearestHolder walks from office up the jurisdictions (county, prefecture,
// province, nation) and returns the first where someone holds role, or ""
// when the directory knows nobody holding it on that line.
func (db *DB) NearestHolder(ctx context.Context, role, office string) (string, error) {
	if !isDivisionCode(office) {
		return "", fmt.Errorf("store: nearest holder: %w: office %q", ErrInvalid, office)
	}
	for _, d := range ancestry(office) {
		var n int
		if err := db.conn().queryRow(ctx, `SELECT COUNT(*) FROM staff WHERE role = ? AND division = ? AND active = 1`, role, d).Scan(&n); err != nil {
			return "", fmt.Errorf("store: nearest holder: %w", err)
		}
		if n > 0 {
			return d, nil
		}
	}
	return "", nil
}

// ancestry lists a division and the ones above it, nearest first.
func ancestry(d string) []string {
	out := []string{d}
	if d[4:] != "00" {
		out = append(out, d[:4]+"00")
	}
	if d[2:] != "0000" {
		out = append(out, d[:2]+"0000")
	}
	if d != NationwideDivision {
		out = append(out, NationwideDivision)
	}
	return out
}

// StaffFilter selects people of the directory by the active grants they
// hold: a person is listed when one grant satisfies every condition set.
type StaffFilter struct {
	// Within lists divisions; the grant's division must lie within one of
	// them (000000 takes all). Empty means anywhere.
	Within []string
	// Covering is an office the grant must cover: held there or at the
	// prefecture, province or nation above it.
	Covering string
	// Role is the grant's role, if set.
	Role string
	// Text must occur in the subject or the name (ignoring ASCII case).
	Text string
}

// ListStaff returns one page of the active people selected by f, ordered
// by subject, each with all the roles they hold, and how many there are in
// all.
func (db *DB) ListStaff(ctx context.Context, f StaffFilter, p Page) ([]StaffMember, int, error) {
	p = p.normalize()
	conds := []string{`active = 1`}
	var args []any
	if len(f.Within) > 0 {
		var within []string
		for _, d := range f.Within {
			if !isDivisionCode(d) {
				return nil, 0, fmt.Errorf("store: list staff: %w: division %q", ErrInvalid, d)
			}
			within = append(within, `division LIKE ?`)
			args = append(args, divisionPrefix(d)+"%")
		}
		conds = append(conds, "("+strings.Join(within, " OR ")+")")
	}
	if f.Covering != "" {
		if !isDivisionCode(f.Covering) {
			return nil, 0, fmt.Errorf("store: list staff: %w: office %q", ErrInvalid, f.Covering)
		}
		up := ancestry(f.Covering)
		conds = append(conds, `division IN (?`+strings.Repeat(`, ?`, len(up)-1)+`)`)
		for _, d := range up {
			args = append(args, d)
		}
	}
	if f.Role != "" {
		conds = append(conds, `role = ?`)
		args = append(args, f.Role)
	}
	if t := strings.TrimSpace(f.Text); t != "" {
		conds = append(conds, `(lower(subject) LIKE ? ESCAPE '\' OR lower(name) LIKE ? ESCAPE '\')`)
		pattern := strings.ToLower("%" + escapeLike(t) + "%")
		args = append(args, pattern, pattern)
	}
	where := strings.Join(conds, " AND ")
	var total int
	if err := db.conn().queryRow(ctx, `SELECT COUNT(DISTINCT subject) FROM staff WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: list staff: %w", err)
	}
	rows, err := db.conn().query(ctx, `SELECT subject, name, role, division FROM staff WHERE active = 1 AND subject IN
(SELECT DISTINCT subject FROM staff WHERE `+where+` ORDER BY subject LIMIT ? OFFSET ?)
ORDER BY subject, role, division`, append(args, p.Limit, p.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: list staff: %w", err)
	}
	defer rows.Close()
	var out []StaffMember
	for rows.Next() {
		var (
			subject, name string
			g             Grant
		)
		if err := rows.Scan(&subject, &name, &g.Role, &g.Division); err != nil {
			return nil, 0, fmt.Errorf("store: list staff: %w", err)
		}
		if n := len(out); n == 0 || out[n-1].Subject != subject {
			out = append(out, StaffMember{Subject: subject, Name: name})
		}
		out[len(out)-1].Grants = append(out[len(out)-1].Grants, g)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("store: list staff: %w", err)
	}
	return out, total, nil
}
