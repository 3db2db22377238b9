package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Changes of the staff directory are audit entries too, in the same global
// chain as the cases' entries, so that the record of who could take which
// task is as tamper-evident as the tasks themselves. They belong to no
// case: each person of the directory has a chain of their own, keyed by
// StaffChain(subject) where a case's ID would be, numbered 1, 2, 3… like a
// case's transitions. The entry's fields carry the change:
//
//   - ActorSubject, ActorName, Role, Office: who changed it, in which role
//     and division ("system" when no person did);
//   - Action: ActionStaffChange;
//   - StageFrom, StageTo: the entry before and after, as JSON
//     {"name":…,"active":…,"roles":["role:division",…]};
//   - Opinion: the change in words (roles added and removed, the name).
//
// Verification walks them with the rest: a staff entry altered, inserted,
// deleted or reordered is named like a case's.

// staffChainPrefix starts the chain key of a directory entry. Case IDs
// never contain ':'.
const staffChainPrefix = "staff:"

// ActionStaffChange is the action of a staff-directory audit entry.
const ActionStaffChange = "staff-change"

// StaffChain is the key of the audit chain of subject's directory entry.
func StaffChain(subject string) string { return staffChainPrefix + subject }

// IsStaffChain reports whether an audit entry's CaseID is a directory
// entry's chain rather than a case.
func IsStaffChain(caseID string) bool { return strings.HasPrefix(caseID, staffChainPrefix) }

// staffState is a directory entry as an audit entry records it.
type staffState struct {
	Name   string   `json:"name"`
	Active bool     `json:"active"`
	Roles  []string `json:"roles"`
}

func stateOf(e StaffEntry) staffState {
	s := staffState{Name: e.Name, Active: e.Active, Roles: []string{}}
	for _, g := range e.Grants {
		s.Roles = append(s.Roles, g.Role+":"+g.Division)
	}
	return s
}

// appendStaffEntry records a directory change in tx, extending both chains.
func appendStaffEntry(ctx context.Context, tx runner, subject string, by StaffEditor, before, after StaffEntry, at time.Time) error {
	chain := StaffChain(subject)
	var last int64
	if err := tx.queryRow(ctx, `SELECT COALESCE(MAX(seq), 0) FROM audit_entries WHERE case_id = ?`, chain).Scan(&last); err != nil {
		return fmt.Errorf("staff audit chain of %s: %w", subject, err)
	}
	from, to := stateOf(before), stateOf(after)
	fromJSON, err := json.Marshal(from)
	if err != nil {
		return err
	}
	toJSON, err := json.Marshal(to)
	if err != nil {
		return err
	}
	if by.Subject == "" {
		by = StaffEditor{Subject: "system", Name: "system"}
	}
	e := AuditEntry{
		CaseID: chain, Seq: last + 1, At: at,
		ActorSubject: by.Subject, ActorName: by.Name, Role: by.Role, Office: by.Division,
		Action: ActionStaffChange, StageFrom: string(fromJSON), StageTo: string(toJSON),
		Opinion: describeStaffChange(from, to),
	}
	return appendAuditEntries(ctx, tx, []AuditEntry{e})
}

// describeStaffChange says in words what a change did.
func describeStaffChange(from, to staffState) string {
	var parts []string
	if added := missingFrom(to.Roles, from.Roles); len(added) > 0 {
		parts = append(parts, "roles added: "+strings.Join(added, ", "))
	}
	if removed := missingFrom(from.Roles, to.Roles); len(removed) > 0 {
		parts = append(parts, "roles removed: "+strings.Join(removed, ", "))
	}
	if from.Name != to.Name {
		parts = append(parts, fmt.Sprintf("name: %q → %q", from.Name, to.Name))
	}
	if from.Active != to.Active {
		parts = append(parts, fmt.Sprintf("active: %t → %t", from.Active, to.Active))
	}
	return strings.Join(parts, "; ")
}

// missingFrom lists the items of a that b lacks.
func missingFrom(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// StaffChangeRecord is one audited change of a person's directory entry.
type StaffChangeRecord struct {
	AuditRecord
	// Before and After are the entry as it stood before and after.
	Before, After StaffChangeState
}

// StaffChangeState is a directory entry as a change recorded it.
type StaffChangeState struct {
	Name   string
	Active bool
	Roles  []string
}

// StaffChanges returns the audited changes of subject's directory entry,
// oldest first (none, not an error, for someone never listed).
func (db *DB) StaffChanges(ctx context.Context, subject string) ([]StaffChangeRecord, error) {
	recs, err := db.AuditRecords(ctx, StaffChain(subject))
	if err != nil {
		return nil, err
	}
	out := make([]StaffChangeRecord, 0, len(recs))
	for _, r := range recs {
		var from, to staffState
		if err := json.Unmarshal([]byte(r.StageFrom), &from); err != nil {
			return nil, fmt.Errorf("store: staff changes of %s: entry %d: %w", subject, r.Seq, err)
		}
		if err := json.Unmarshal([]byte(r.StageTo), &to); err != nil {
			return nil, fmt.Errorf("store: staff changes of %s: entry %d: %w", subject, r.Seq, err)
		}
		out = append(out, StaffChangeRecord{AuditRecord: r,
			Before: StaffChangeState(from), After: StaffChangeState(to)})
	}
	return out, nil
}
