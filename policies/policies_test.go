package policies

import (
	"errors"
	"strings"
	"sync"
	"testing"
)

func grants(t testing.TB, ss ...string) []Grant {
	t.Helper()
	var gs []Grant
	for _, s := range ss {
		g, err := ParseGrant(s)
		if err != nil {
			t.Fatal(err)
		}
		gs = append(gs, g)
	}
	return gs
}

func TestDefaultPolicyDecisions(t *testing.T) {
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		grants []string
		obj    string
		act    string
		div    string
		party  bool
		want   bool
	}{
		// Applicant (everyone).
		{"anyone lists procedures", nil, ObjectProcedure, ActionList, "", false, true},
		{"anyone reads a procedure", nil, ObjectProcedure, ActionRead, "", false, true},
		{"a party submits at any office nationwide", nil, ObjectCase, ActionSubmit, "650102", true, true},
		{"nobody submits in the name of others", nil, ObjectCase, ActionSubmit, "650102", false, false},
		{"anyone lists own applications", nil, ObjectApplications, ActionList, "", false, true},
		{"party reads its case", nil, ObjectCase, ActionRead, "410105", true, true},
		{"party acts on its case", nil, ObjectCase, ActionAct, "410105", true, true},
		{"non-party cannot read a case", nil, ObjectCase, ActionRead, "410105", false, false},
		{"non-party cannot act on a case", nil, ObjectCase, ActionAct, "410105", false, false},
		{"applicant has no inbox", nil, ObjectInbox, ActionList, "", false, false},

		// Registrar.
		{"prefecture registrar acts in its district", []string{"registrar:410100"}, ObjectCase, ActionAct, "410105", false, true},
		{"prefecture registrar reads in its district", []string{"registrar:410100"}, ObjectCase, ActionRead, "410105", false, true},
		{"prefecture registrar submits in its district", []string{"registrar:410100"}, ObjectCase, ActionSubmit, "410105", false, true},
		{"prefecture registrar acts at its own level", []string{"registrar:410100"}, ObjectCase, ActionAct, "410100", false, true},
		{"registrar outside its province", []string{"registrar:410100"}, ObjectCase, ActionAct, "420100", false, false},
		{"registrar in a sibling prefecture", []string{"registrar:410100"}, ObjectCase, ActionAct, "410205", false, false},
		{"district registrar cannot act upward", []string{"registrar:410105"}, ObjectCase, ActionAct, "410100", false, false},
		{"district registrar cannot read upward", []string{"registrar:410105"}, ObjectCase, ActionRead, "410100", false, false},
		{"province registrar covers a district", []string{"registrar:410000"}, ObjectCase, ActionAct, "410105", false, true},
		{"registrar lists inbox", []string{"registrar:410105"}, ObjectInbox, ActionList, "", false, true},
		{"registrar with no case division", []string{"registrar:410100"}, ObjectCase, ActionAct, "", false, false},

		// Supervisor.
		{"supervisor reads in jurisdiction", []string{"supervisor:410000"}, ObjectCase, ActionRead, "410105", false, true},
		{"supervisor cannot act", []string{"supervisor:410000"}, ObjectCase, ActionAct, "410105", false, false},
		{"supervisor cannot read outside", []string{"supervisor:410000"}, ObjectCase, ActionRead, "420105", false, false},
		{"supervisor lists inbox", []string{"supervisor:410000"}, ObjectInbox, ActionList, "", false, true},

		// Admin.
		{"nationwide admin acts anywhere", []string{"admin:000000"}, ObjectCase, ActionAct, "650102", false, true},
		{"nationwide admin reads anywhere", []string{"admin:000000"}, ObjectCase, ActionRead, "110105", false, true},
		{"province admin acts outside", []string{"admin:410000"}, ObjectCase, ActionAct, "420100", false, false},

		// Audit and supervision.
		{"party cannot read its own audit trail", nil, ObjectAudit, ActionRead, "410105", true, false},
		{"party cannot export its case file", nil, ObjectAudit, ActionExport, "410105", true, false},
		{"applicant cannot verify", nil, ObjectAudit, ActionVerify, "", false, false},
		{"applicant has no supervision views", nil, ObjectSupervision, ActionRead, "410105", false, false},
		{"registrar reads the trail in its jurisdiction", []string{"registrar:410100"}, ObjectAudit, ActionRead, "410105", false, true},
		{"registrar cannot read the trail outside", []string{"registrar:410100"}, ObjectAudit, ActionRead, "420105", false, false},
		{"registrar cannot export", []string{"registrar:410100"}, ObjectAudit, ActionExport, "410105", false, false},
		{"registrar cannot verify", []string{"registrar:410100"}, ObjectAudit, ActionVerify, "", false, false},
		{"registrar has no supervision views", []string{"registrar:410100"}, ObjectSupervision, ActionRead, "410105", false, false},
		{"supervisor reads the trail in jurisdiction", []string{"supervisor:410000"}, ObjectAudit, ActionRead, "410105", false, true},
		{"supervisor exports in jurisdiction", []string{"supervisor:410000"}, ObjectAudit, ActionExport, "410105", false, true},
		{"supervisor cannot export outside", []string{"supervisor:410000"}, ObjectAudit, ActionExport, "420105", false, false},
		{"supervisor verifies the chains", []string{"supervisor:410105"}, ObjectAudit, ActionVerify, "", false, true},
		{"supervisor views its own division", []string{"supervisor:410000"}, ObjectSupervision, ActionRead, "410000", false, true},
		{"supervisor views a division within", []string{"supervisor:410000"}, ObjectSupervision, ActionRead, "410100", false, true},
		{"district supervisor cannot view its province", []string{"supervisor:410105"}, ObjectSupervision, ActionRead, "410000", false, false},
		{"supervisor cannot act on the audit record", []string{"supervisor:000000"}, ObjectAudit, ActionAct, "410105", false, false},
		{"nationwide admin exports anywhere", []string{"admin:000000"}, ObjectAudit, ActionExport, "650102", false, true},
		{"province admin views outside", []string{"admin:410000"}, ObjectSupervision, ActionRead, "420000", false, false},
		{"admin verifies", []string{"admin:410000"}, ObjectAudit, ActionVerify, "", false, true},

		// Several grants: any one suffices.
		{"second grant allows", []string{"supervisor:420000", "registrar:410100"}, ObjectCase, ActionAct, "410105", false, true},
		{"no grant covers", []string{"supervisor:410000", "registrar:420100"}, ObjectCase, ActionAct, "410105", false, false},

		// Default deny.
		{"unknown object", []string{"admin:000000"}, "certificate", ActionRead, "410105", true, false},
		{"unknown action", []string{"admin:000000"}, ObjectCase, "delete", "410105", true, false},
		{"empty object and action", []string{"admin:000000"}, "", "", "410105", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Request{Subject: "u1", Grants: grants(t, tt.grants...), Object: tt.obj, Action: tt.act, Division: tt.div, Party: tt.party}
			got, err := e.Allowed(r)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Allowed(%+v) = %v, want %v", r, got, tt.want)
			}
		})
	}
}

func TestAllowedRejectsMalformedRequest(t *testing.T) {
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		r    Request
	}{
		{"no subject", Request{Object: ObjectProcedure, Action: ActionList}},
		{"unknown role in grant", Request{Subject: "u1", Grants: []Grant{{Role: "clerk", Division: "410100"}}, Object: ObjectProcedure, Action: ActionList}},
		{"short division in grant", Request{Subject: "u1", Grants: []Grant{{Role: RoleRegistrar, Division: "4101"}}, Object: ObjectProcedure, Action: ActionList}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := e.Allowed(tt.r)
			if err == nil || got {
				t.Fatalf("Allowed = %v, %v; want false and an error", got, err)
			}
		})
	}
}

// denyPolicy adds deny rows to an otherwise ordinary policy.
const denyPolicy = `
p, applicant, case, read, party, allow
p, registrar, case, act, jurisdiction, allow
p, registrar, case, read, jurisdiction, allow
# A registrar never acts on a case they are a party to.
p, registrar, case, act, party, deny
# A supervisor grant vetoes reading, whatever the other grants allow.
p, supervisor, case, read, any, deny
`

func TestDenyBeatsAllow(t *testing.T) {
	e, err := NewFromText(DefaultModel(), denyPolicy)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		grants []string
		act    string
		party  bool
		want   bool
	}{
		{"registrar acts on others' case", []string{"registrar:410100"}, ActionAct, false, true},
		{"same grant: deny row wins", []string{"registrar:410100"}, ActionAct, true, false},
		{"party reads without supervisor grant", nil, ActionRead, true, true},
		{"other grant's deny wins over party allow", []string{"supervisor:420000"}, ActionRead, true, false},
		{"other grant's deny wins over registrar allow", []string{"registrar:410100", "supervisor:420000"}, ActionRead, false, false},
		{"grant order does not matter", []string{"supervisor:420000", "registrar:410100"}, ActionRead, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Request{Subject: "u1", Grants: grants(t, tt.grants...), Object: ObjectCase, Action: tt.act, Division: "410105", Party: tt.party}
			got, err := e.Allowed(r)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Allowed(%+v) = %v, want %v", r, got, tt.want)
			}
		})
	}
}

func TestNewFromTextRejectsInvalidPolicy(t *testing.T) {
	tests := []struct {
		name    string
		policy  string
		wantErr string
	}{
		{"unknown role", "p, applicant, case, read, party, allow\np, clerk, case, read, any, allow", `policy line 2: unknown role "clerk"`},
		{"unknown scope", "\n# comment\np, registrar, case, read, province, allow", `policy line 3: unknown scope "province"`},
		{"unknown effect", "p, registrar, case, read, any, permit", `policy line 1: unknown effect "permit"`},
		{"unknown object", "p, registrar, csae, read, any, allow", `policy line 1: unknown object "csae"`},
		{"unknown action", "p, registrar, case, approve, any, allow", `policy line 1: unknown action "approve"`},
		{"too few fields", "p, registrar, case, read", "policy line 1: want 6 fields"},
		{"too many fields", "p, registrar, case, read, any, allow, extra", "policy line 1: want 6 fields"},
		{"grouping row", "g, alice, registrar, -, -, -", `policy line 1: unknown rule type "g"`},
		{"broken quoting", `p, registrar, "case, read, any, allow`, "policy line 1:"},
		{"empty policy", "# nothing here\n", "no rules"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewFromText(DefaultModel(), tt.policy)
			if err == nil {
				t.Fatal("NewFromText succeeded, want error")
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestNewFromTextRejectsInvalidModel(t *testing.T) {
	policy := "p, applicant, case, read, party, allow"
	tests := []struct {
		name  string
		model string
	}{
		{"not a model", "hello"},
		{"other request shape", strings.Replace(DefaultModel(), "\nr = sub, role, div, obj, act, casediv, party", "\nr = sub, obj, act", 1)},
		{"other policy shape", strings.Replace(DefaultModel(), "\np = role, obj, act, scope, eft", "\np = role, obj, act, eft", 1)},
		{"unknown function", strings.Replace(DefaultModel(), "covers(r.div", "within(r.div", 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.model == DefaultModel() {
				t.Fatal("test model is unchanged")
			}
			if _, err := NewFromText(tt.model, policy); err == nil {
				t.Fatal("NewFromText succeeded, want error")
			}
		})
	}
}

func TestCovers(t *testing.T) {
	tests := []struct {
		holder, target string
		want           bool
	}{
		{"000000", "000000", true},
		{"000000", "410105", true},
		{"000000", "650000", true},
		{"410000", "410000", true},
		{"410000", "410105", true},
		{"410000", "419001", true},
		{"410000", "420105", false},
		{"410000", "000000", false},
		{"410100", "410100", true},
		{"410100", "410105", true},
		{"410100", "410000", false},
		{"410100", "410200", false},
		{"410100", "420100", false},
		{"410105", "410105", true},
		{"410105", "410106", false},
		{"410105", "410100", false},
		{"110000", "110105", true},
		// Malformed codes fail closed.
		{"000000", "", false},
		{"000000", "41010", false},
		{"000000", "4101050", false},
		{"000000", "41010x", false},
		{"", "410105", false},
		{"4100", "410105", false},
		{"41000a", "410105", false},
	}
	for _, tt := range tests {
		t.Run(tt.holder+">"+tt.target, func(t *testing.T) {
			if got := Covers(tt.holder, tt.target); got != tt.want {
				t.Errorf("Covers(%q, %q) = %v, want %v", tt.holder, tt.target, got, tt.want)
			}
		})
	}
}

func TestParseGrant(t *testing.T) {
	g, err := ParseGrant("registrar:110105")
	if err != nil {
		t.Fatal(err)
	}
	if want := (Grant{Role: RoleRegistrar, Division: "110105"}); g != want {
		t.Errorf("ParseGrant = %+v, want %+v", g, want)
	}
	if s := g.String(); s != "registrar:110105" {
		t.Errorf("String() = %q", s)
	}

	bad := []string{
		"",
		"registrar",
		"registrar:",
		":110105",
		"clerk:110105",
		"Registrar:110105",
		"registrar:11010",
		"registrar:1101050",
		"registrar:11o105",
		"registrar: 110105",
		"registrar:110105:x",
		"registrar:110105 ",
	}
	for _, s := range bad {
		t.Run(s, func(t *testing.T) {
			_, err := ParseGrant(s)
			if !errors.Is(err, ErrInvalidGrant) {
				t.Errorf("ParseGrant(%q) error = %v, want ErrInvalidGrant", s, err)
			}
		})
	}
}

func TestDefaultPolicyHeader(t *testing.T) {
	if !strings.HasPrefix(DefaultPolicy(), "# ") {
		t.Error("policy.csv must start with a header comment explaining the format")
	}
}

func TestAllowedConcurrent(t *testing.T) {
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	r := Request{Subject: "u1", Grants: grants(t, "registrar:410100"), Object: ObjectCase, Action: ActionAct, Division: "410105"}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				if ok, err := e.Allowed(r); !ok || err != nil {
					t.Errorf("Allowed = %v, %v", ok, err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func BenchmarkAllowed(b *testing.B) {
	e, err := New()
	if err != nil {
		b.Fatal(err)
	}
	gs := grants(b, "supervisor:420000", "registrar:410105", "registrar:410100")
	cases := []struct {
		name string
		r    Request
	}{
		// Allowed by the last grant: every grant is tried.
		{"allow-last-grant", Request{Subject: "u1", Grants: gs, Object: ObjectCase, Action: ActionAct, Division: "410102"}},
		// Denied: every grant scans the whole policy.
		{"deny", Request{Subject: "u1", Grants: gs, Object: ObjectCase, Action: ActionAct, Division: "420102"}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.Allowed(c.r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
