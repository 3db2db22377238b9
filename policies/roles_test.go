package policies

import "testing"

// TestApproverAndAssessorDecisions: the roles of benefits and multi-level
// approvals act in their jurisdiction only, and never reach supervision.
func TestApproverAndAssessorDecisions(t *testing.T) {
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		grant string
		obj   string
		act   string
		div   string
		want  bool
	}{
		{"county approver acts in the county", "approver:410105", ObjectCase, ActionAct, "410105", true},
		{"province approver acts across the province", "approver:410000", ObjectCase, ActionAct, "410105", true},
		{"county approver does not act next door", "approver:410105", ObjectCase, ActionAct, "410106", false},
		{"approver lists the inbox", "approver:410105", ObjectInbox, ActionList, "", true},
		{"approver does not submit for others", "approver:410105", ObjectCase, ActionSubmit, "410105", false},
		{"assessor reads a case in its area", "assessor:410100", ObjectCase, ActionRead, "410105", true},
		{"assessor acts on a case in its area", "assessor:410100", ObjectCase, ActionAct, "410105", true},
		{"assessor does not see another city", "assessor:410100", ObjectCase, ActionRead, "410205", false},
		{"assessor has no deadline watch", "assessor:410100", ObjectDeadlines, ActionList, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := e.Allowed(Request{Subject: "s1", Grants: grants(t, tc.grant), Object: tc.obj, Action: tc.act, Division: tc.div})
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}
