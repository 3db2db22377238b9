package store

import (
	"context"
	"errors"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var errDenied = errors.New("denied")

// TestD3StaffChangesAudited: every change of the directory is an entry of
// the global audit chain, with who changed it and the entry before and
// after; a change the check refuses, and a change that changes nothing,
// write nothing; the check sees the entry as it stands in the transaction.
func TestD3StaffChangesAudited(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	admin := StaffEditor{Subject: "adm-110000", Name: "京管理", Role: "admin", Division: "110000"}
	hubei := StaffMember{Subject: "reg-hb", Name: "鄂登记", Grants: []Grant{{"registrar", "420100"}}}
	if _, err := db.ChangeStaff(ctx, StaffChange{Member: hubei, Editor: StaffEditor{Subject: "adm-420000", Name: "鄂管理", Role: "admin", Division: "420000"}}); err != nil {
		t.Fatal(err)
	}
	// The Beijing admin's overwrite is refused by the check: nothing changes.
	var seen StaffEntry
	_, err := db.ChangeStaff(ctx, StaffChange{
		Member: StaffMember{Subject: "reg-hb", Name: "鄂登记", Grants: []Grant{{"registrar", "110105"}}}, Editor: admin,
		Check: func(before StaffEntry) error { seen = before; return errDenied },
	})
	if !errors.Is(err, errDenied) {
		t.Fatalf("refused change: %v", err)
	}
	if !seen.Exists || !seen.Active || seen.Name != "鄂登记" || len(seen.Grants) != 1 || seen.Grants[0] != (Grant{"registrar", "420100"}) {
		t.Fatalf("the check saw %+v", seen)
	}
	if m, err := db.Staff(ctx, "reg-hb"); err != nil || len(m.Grants) != 1 || m.Grants[0] != (Grant{"registrar", "420100"}) {
		t.Fatalf("after the refused change: %+v %v", m, err)
	}
	// An accepted change, then one that changes nothing, then taking every role away.
	added := StaffMember{Subject: "reg-hb", Name: "鄂登记", Grants: []Grant{{"registrar", "420100"}, {"registrar", "110105"}}}
	for _, m := range []StaffMember{added, added, {Subject: "reg-hb", Name: "鄂登记"}} {
		if _, err := db.ChangeStaff(ctx, StaffChange{Member: m, Editor: admin}); err != nil {
			t.Fatal(err)
		}
	}
	changes, err := db.StaffChanges(ctx, "reg-hb")
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 3 {
		t.Fatalf("%d audited changes, want 3 (created, role added, roles removed): %+v", len(changes), changes)
	}
	first, add, remove := changes[0], changes[1], changes[2]
	if first.ActorSubject != "adm-420000" || first.Before.Name != "" || first.Before.Active || len(first.After.Roles) != 1 {
		t.Errorf("creation: %+v", first)
	}
	if add.ActorSubject != "adm-110000" || add.ActorName != "京管理" || add.Role != "admin" || add.Office != "110000" ||
		add.Action != ActionStaffChange || strings.Join(add.Before.Roles, ",") != "registrar:420100" ||
		strings.Join(add.After.Roles, ",") != "registrar:110105,registrar:420100" || !strings.Contains(add.Opinion, "roles added: registrar:110105") {
		t.Errorf("role added: %+v", add)
	}
	if !remove.Before.Active || remove.After.Active || remove.After.Name != "鄂登记" || len(remove.After.Roles) != 0 ||
		!strings.Contains(remove.Opinion, "roles removed: registrar:110105, registrar:420100") {
		t.Errorf("roles removed: %+v", remove)
	}
	for i, c := range changes {
		if c.Seq != int64(i+1) || c.GlobalSeq == 0 || len(c.Hash) != 64 || (i > 0 && c.PrevHash != changes[i-1].Hash) {
			t.Errorf("change %d is not chained: %+v", i, c.AuditRecord)
		}
	}
	// Someone never listed given no roles leaves no trace.
	if _, err := db.ChangeStaff(ctx, StaffChange{Member: StaffMember{Subject: "nobody", Name: "无名"}, Editor: admin}); err != nil {
		t.Fatal(err)
	}
	if c, _ := db.StaffChanges(ctx, "nobody"); len(c) != 0 {
		t.Errorf("a no-op left %d entries", len(c))
	}
}

// TestD3StaffEntriesVerified: staff entries interleaved with cases' keep
// the whole record verifiable, and tampering with one is named.
func TestD3StaffEntriesVerified(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name   string
		tamper string
		kind   string
		seq    int64
		global int64
	}{
		{"grant a role after the fact", `UPDATE audit_entries SET stage_to = '{"name":"鄂登记","active":true,"roles":["admin:000000"]}' WHERE case_id = 'staff:reg-hb' AND seq = 2`, ProblemAltered, 2, 11},
		{"hide who changed it", `UPDATE audit_entries SET actor_subject = 'adm-420000' WHERE case_id = 'staff:reg-hb' AND seq = 2`, ProblemAltered, 2, 11},
		{"delete a change", `DELETE FROM audit_entries WHERE case_id = 'staff:reg-hb' AND seq = 1`, ProblemDeleted, 1, 10},
		// The newest change of a person leaves no gap in their chain; the
		// global chain still shows where it was.
		{"delete the newest change", `DELETE FROM audit_entries WHERE case_id = 'staff:reg-hb' AND seq = 2`, ProblemDeleted, 0, 11},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db, path := chainFixture(t)
			admin := StaffEditor{Subject: "adm-110000", Name: "京管理", Role: "admin", Division: "110000"}
			for _, m := range []StaffMember{
				{Subject: "reg-hb", Name: "鄂登记", Grants: []Grant{{"registrar", "420100"}}},
				{Subject: "reg-hb", Name: "鄂登记", Grants: []Grant{{"registrar", "110105"}}},
			} {
				if _, err := db.ChangeStaff(ctx, StaffChange{Member: m, Editor: admin}); err != nil {
					t.Fatal(err)
				}
			}
			// A case entry after the staff entries, so a change sits inside the chain.
			c := newCase(fixtureCases[0], "registrar", "110105")
			c.Seq = 4
			if err := db.ApplyTransition(ctx, Transition{Summary: c, Entries: []AuditEntry{entry(fixtureCases[0], 4, "urge", "")}}); err != nil {
				t.Fatal(err)
			}
			rep, err := db.VerifyAudit(ctx, nil)
			if err != nil || !rep.Intact || rep.Entries != 12 || rep.Cases != 3 {
				t.Fatalf("before tampering: %+v %v; want intact with 12 entries of 3 cases", rep, err)
			}
			mustExec(t, attacker(t, path), tt.tamper)
			rep, err = db.VerifyAudit(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Intact || len(rep.Problems) == 0 {
				t.Fatalf("tampering not detected: %+v", rep)
			}
			p := rep.Problems[0]
			want := StaffChain("reg-hb")
			if tt.seq == 0 {
				want = ""
			}
			if p.Kind != tt.kind || p.CaseID != want || p.Seq != tt.seq || p.GlobalSeq != tt.global {
				t.Fatalf("first problem %+v; want %s of %q entry %d, global #%d", p, tt.kind, want, tt.seq, tt.global)
			}
		})
	}
}

// TestD3AuditEntriesStillNeedTheirCase: rebuilding the table without its
// foreign key keeps what it guaranteed for cases.
func TestD3AuditEntriesStillNeedTheirCase(t *testing.T) {
	db, path := chainFixture(t)
	raw := attacker(t, path)
	if _, err := raw.Exec(`INSERT INTO audit_entries (case_id, seq, at, actor_subject, actor_name, role, office, action,
outcome, stage_from, stage_to, opinion, legal_basis) VALUES ('MAR-110105-20260302-0099', 1, '', '', '', '', '', '', '', '', '', '', '')`); err == nil {
		t.Error("an audit entry of an unknown case was accepted")
	}
	if _, err := raw.Exec(`DELETE FROM cases WHERE id = ?`, fixtureCases[0]); err == nil {
		t.Error("a case with audit entries was deleted")
	}
	if n := count(t, db, `cases WHERE id = ?`, fixtureCases[0]); n != 1 {
		t.Fatalf("case rows: %d", n)
	}
}

// TestD3RebuildKeepsTheChain: a database with audit entries from before
// migration 0016 keeps every entry, hash and link through the table's
// rebuild, verifies intact, and takes staff entries after it.
func TestD3RebuildKeepsTheChain(t *testing.T) {
	ctx := context.Background()
	old, err := openSQLite(filepath.Join(t.TempDir(), "old.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	names, err := fs.Glob(sqliteMigrations, "migrations/sqlite/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	// Everything but 0016 and the later migrations that rewrite its
	// trigger (they need it to exist): the cases table the code writes is
	// the current one.
	before, err := subFS(sqliteMigrations, slices.DeleteFunc(slices.Clone(names), func(n string) bool {
		body, _ := fs.ReadFile(sqliteMigrations, n)
		return strings.HasPrefix(path.Base(n), "0016_") || strings.Contains(string(body), "DROP TRIGGER audit_entries_need_case")
	})...)
	if err != nil {
		t.Fatal(err)
	}
	if err := old.migrate(ctx, before, "migrations/sqlite"); err != nil {
		t.Fatal(err)
	}
	for seq := int64(1); seq <= 3; seq++ {
		for _, id := range fixtureCases {
			c := newCase(id, "registrar", "110105")
			c.Seq = seq
			if err := old.ApplyTransition(ctx, Transition{Summary: c, Entries: []AuditEntry{entry(id, seq, "submit", "意见")}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	head, err := old.ChainHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := old.migrate(ctx, sqliteMigrations, "migrations/sqlite"); err != nil {
		t.Fatal(err)
	}
	if after, err := old.ChainHead(ctx); err != nil || after != head {
		t.Fatalf("head after the rebuild %+v %v, before %+v", after, err, head)
	}
	if err := old.PutStaff(ctx, StaffMember{Subject: "reg-1", Name: "王登记", Grants: []Grant{{"registrar", "110105"}}}); err != nil {
		t.Fatal(err)
	}
	rep, err := old.VerifyAudit(ctx, []Checkpoint{{GlobalSeq: head.GlobalSeq, Hash: head.Hash}})
	if err != nil || !rep.Intact || rep.Entries != 10 || rep.CheckpointsMatched != 1 {
		t.Fatalf("after the rebuild: %+v %v; want intact, 10 entries, the old head matched", rep, err)
	}
	var triggers int
	if err := old.conn().queryRow(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger'
AND name IN ('audit_entries_need_case', 'cases_keep_audited')`).Scan(&triggers); err != nil || triggers != 2 {
		t.Fatalf("triggers: %d %v", triggers, err)
	}
}
