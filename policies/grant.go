// Package policies decides who may do what in civilflow: a Casbin model and
// default policy, embedded and versioned with the code, behind the narrow
// Authorizer interface. Jurisdictions are GB/T 2260 administrative-division
// codes, and a role held at one level covers every division beneath it.
package policies

import (
	"errors"
	"fmt"
	"strings"
)

// Roles known to the policy. A policy row naming any other role is rejected
// at load time, so a typo cannot silently grant or withhold anything.
const (
	// RoleApplicant is held implicitly by every authenticated person.
	RoleApplicant = "applicant"
	// RoleRegistrar accepts, examines and decides cases in its jurisdiction.
	RoleRegistrar = "registrar"
	// RoleSupervisor audits cases in its jurisdiction without acting on them.
	RoleSupervisor = "supervisor"
	// RoleAdmin may do everything on cases in its jurisdiction.
	RoleAdmin = "admin"
	// RoleApprover decides where a procedure puts the decision with the
	// head of an office or a government (审批人/负责人): county approval of a
	// benefit, a provincial government's or the State Council's decision,
	// and the extension of a time limit.
	RoleApprover = "approver"
	// RoleAssessor is a contracted third party (第三方评估机构) that does
	// assessments and attaches its report; it sees only the cases of its
	// jurisdiction and decides nothing.
	RoleAssessor = "assessor"
)

// Objects named by policy rows and requests.
const (
	// ObjectProcedure is a procedure definition (事项).
	ObjectProcedure = "procedure"
	// ObjectCase is one application and its workflow.
	ObjectCase = "case"
	// ObjectInbox is the list of cases awaiting a registrar.
	ObjectInbox = "inbox"
	// ObjectApplications is the list of a person's own applications.
	ObjectApplications = "applications"
	// ObjectCalendar is the legal calendar and its deadline calculator.
	ObjectCalendar = "calendar"
	// ObjectDeadlines is the supervision list of near-due and overdue cases.
	ObjectDeadlines = "deadlines"
	// ObjectAudit is a case's audit record: its trail (read), its exports
	// (export) and the integrity of the audit chains (verify).
	ObjectAudit = "audit"
	// ObjectNotifications is a person's own messages.
	ObjectNotifications = "notifications"
	// ObjectStaff is the staff directory: who holds which role where.
	ObjectStaff = "staff"
	// ObjectSupervision is the supervision views of a jurisdiction:
	// statistics and the log of who read whose personal data.
	ObjectSupervision = "supervision"
)

// Actions named by policy rows and requests.
const (
	// ActionRead reads one object.
	ActionRead = "read"
	// ActionList lists objects.
	ActionList = "list"
	// ActionSubmit starts a case.
	ActionSubmit = "submit"
	// ActionAct performs a human action (decide, correct, withdraw …) on a case.
	ActionAct = "act"
	// ActionExport takes a copy of records out of the system (case file,
	// CSV, raw history).
	ActionExport = "export"
	// ActionVerify checks the audit chains for tampering.
	ActionVerify = "verify"
	// ActionManage changes records (the staff directory).
	ActionManage = "manage"
)

// Nationwide is the division code whose holder covers every division.
const Nationwide = "000000"

// IsRole reports whether role is one of the known roles.
func IsRole(role string) bool {
	switch role {
	case RoleApplicant, RoleRegistrar, RoleSupervisor, RoleAdmin, RoleApprover, RoleAssessor:
		return true
	}
	return false
}

// ErrInvalidGrant is wrapped by every error about a malformed grant.
var ErrInvalidGrant = errors.New("invalid grant")

// Grant is a role held in a jurisdiction; its text form is "registrar:110105".
type Grant struct {
	Role     string
	Division string
}

// ParseGrant parses the text form "role:division", accepting only a known
// role and a six-digit division code.
func ParseGrant(s string) (Grant, error) {
	role, div, ok := strings.Cut(s, ":")
	if !ok {
		return Grant{}, fmt.Errorf("%w %q: want role:division", ErrInvalidGrant, s)
	}
	g := Grant{Role: role, Division: div}
	if err := g.Validate(); err != nil {
		return Grant{}, err
	}
	return g, nil
}

// Validate reports whether g names a known role and a six-digit division code.
func (g Grant) Validate() error {
	if !IsRole(g.Role) {
		return fmt.Errorf("%w %q: unknown role %q", ErrInvalidGrant, g.String(), g.Role)
	}
	if !validCode(g.Division) {
		return fmt.Errorf("%w %q: division %q is not a six-digit code", ErrInvalidGrant, g.String(), g.Division)
	}
	return nil
}

// String returns the text form "role:division" that ParseGrant reads.
func (g Grant) String() string {
	return g.Role + ":" + g.Division
}

// Covers reports whether a role held at division holder extends to division
// target under the GB/T 2260 hierarchy: 000000 covers every code, PP0000 (a
// province) covers codes starting with PP, PPCC00 (a prefecture) covers codes
// starting with PPCC, and any other code covers only itself. Malformed codes
// cover nothing and are covered by nothing, so a missing division fails closed.
//
// Covers is pure (workflow code calls it during replay).
func Covers(holder, target string) bool {
	if !validCode(holder) || !validCode(target) {
		return false
	}
	switch {
	case holder == Nationwide:
		return true
	case holder[2:] == "0000":
		return target[:2] == holder[:2]
	case holder[4:] == "00":
		return target[:4] == holder[:4]
	default:
		return target == holder
	}
}

// validCode reports whether s is exactly six ASCII digits.
func validCode(s string) bool {
	if len(s) != 6 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
