package policies

import (
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	"github.com/casbin/casbin/v2/persist"
)

//go:embed model.conf
var defaultModel string

//go:embed policy.csv
var defaultPolicy string

// DefaultModel returns the embedded Casbin model text, so operators can check
// their own policy against it with NewFromText.
func DefaultModel() string { return defaultModel }

// DefaultPolicy returns the embedded default policy text.
func DefaultPolicy() string { return defaultPolicy }

// Request is one authorization question.
type Request struct {
	// Subject is who asks. Every authenticated person implicitly also holds
	// applicant:000000, so an empty Subject is refused rather than given it.
	Subject string
	// Grants are the roles the subject holds, each in a jurisdiction.
	Grants []Grant
	// Object is what is asked about: one of the Object* constants.
	Object string
	// Action is one of the Action* constants.
	Action string
	// Division is the case's office (for case objects), or the office a case
	// is submitted to.
	Division string
	// Party says whether the subject is a party to (or submitter of) the case.
	Party bool
}

// Authorizer answers authorization questions. It is the only thing the API
// and workers need from this package.
type Authorizer interface {
	Allowed(r Request) (bool, error)
}

// Enforcer is the Casbin-backed Authorizer. It is read-only after
// construction and safe for concurrent use. It deliberately does not cache
// decisions: Casbin's cached enforcers can keep serving an allow after a rule
// is revoked.
type Enforcer struct {
	ce *casbin.SyncedEnforcer
	// hasDeny is false when the policy has no deny rows; then the first grant
	// that is allowed settles the answer.
	hasDeny bool
}

var _ Authorizer = (*Enforcer)(nil)

// The request and policy shapes the Go side relies on; a model given to
// NewFromText may change the matcher or effect but not these.
var (
	requestTokens = []string{"r_sub", "r_role", "r_div", "r_obj", "r_act", "r_casediv", "r_party"}
	policyTokens  = []string{"p_role", "p_obj", "p_act", "p_scope", "p_eft"}
)

// Index of the effect in a policy rule (without the leading "p").
const eftIndex = 4

// New returns an Enforcer for the embedded model and default policy.
func New() (*Enforcer, error) {
	return NewFromText(defaultModel, defaultPolicy)
}

// NewFromText returns an Enforcer for the given model and policy text. Every
// policy row must be "p, role, object, action, scope, effect" with a known
// role, object, action, scope (any, jurisdiction, party) and effect (allow,
// deny); the error for a bad row names its line number.
func NewFromText(modelText, policyText string) (*Enforcer, error) {
	m, err := model.NewModelFromString(modelText)
	if err != nil {
		return nil, fmt.Errorf("policies: model: %w", err)
	}
	if err := checkShape(m); err != nil {
		return nil, fmt.Errorf("policies: model: %w", err)
	}
	rules, err := parsePolicy(policyText)
	if err != nil {
		return nil, fmt.Errorf("policies: %w", err)
	}
	e := &Enforcer{}
	for _, rule := range rules {
		if rule[eftIndex] == "deny" {
			e.hasDeny = true
		}
		if err := persist.LoadPolicyArray(append([]string{"p"}, rule...), m); err != nil {
			return nil, fmt.Errorf("policies: load rule %v: %w", rule, err)
		}
	}
	// No adapter: the policy is loaded above, and without one nothing can be
	// saved back or reloaded behind our back.
	ce, err := casbin.NewSyncedEnforcer(m)
	if err != nil {
		return nil, fmt.Errorf("policies: enforcer: %w", err)
	}
	// Registered before the first Enforce: Casbin compiles the matcher once
	// and caches it with the functions known at that moment.
	ce.AddFunction("covers", coversFunc)
	e.ce = ce
	// Evaluate once now so that a matcher that does not compile (unknown
	// function, syntax error) fails here rather than on the first request.
	probe := Request{Subject: "probe", Object: ObjectCase, Action: ActionRead, Division: Nationwide}
	if _, _, err := e.try(probe, Grant{Role: RoleApplicant, Division: Nationwide}); err != nil {
		return nil, fmt.Errorf("policies: model: %w", err)
	}
	return e, nil
}

// Allowed reports whether the request is allowed: some grant of the person
// (including the implicit applicant:000000) is allowed and no grant hits a
// deny row. Anything the policy does not allow is denied. An error means the
// request itself is malformed (no subject, invalid grant) or evaluation
// failed; callers must treat it as a denial.
func (e *Enforcer) Allowed(r Request) (bool, error) {
	if r.Subject == "" {
		return false, errors.New("policies: request has no subject")
	}
	// Validate up front so that a bad grant is reported whatever the others say.
	for _, g := range r.Grants {
		if err := g.Validate(); err != nil {
			return false, fmt.Errorf("policies: %w", err)
		}
	}
	implicit := Grant{Role: RoleApplicant, Division: Nationwide}
	allowed := false
	for i := -1; i < len(r.Grants); i++ {
		g := implicit
		if i >= 0 {
			g = r.Grants[i]
			// Grants are few; a linear look-back is cheaper than a map.
			if g == implicit || slices.Contains(r.Grants[:i], g) {
				continue
			}
		}
		a, d, err := e.try(r, g)
		if err != nil || d {
			return false, err
		}
		if a && !e.hasDeny {
			return true, nil
		}
		allowed = allowed || a
	}
	return allowed, nil
}

// try asks Casbin about one grant and reports whether it allows the request
// and whether it hit a deny row.
func (e *Enforcer) try(r Request, g Grant) (allowed, denied bool, err error) {
	ok, explain, err := e.ce.EnforceEx(r.Subject, g.Role, g.Division, r.Object, r.Action, r.Division, r.Party)
	if err != nil {
		return false, false, fmt.Errorf("policies: enforce %s: %w", g, err)
	}
	// explain is the rule that settled the answer, if any.
	denied = !ok && len(explain) == len(policyTokens) && explain[eftIndex] == "deny"
	return ok, denied, nil
}

// coversFunc exposes Covers to the Casbin matcher as covers(holder, target).
func coversFunc(args ...any) (any, error) {
	if len(args) != 2 {
		return false, fmt.Errorf("covers: want 2 arguments, got %d", len(args))
	}
	holder, ok1 := args[0].(string)
	target, ok2 := args[1].(string)
	if !ok1 || !ok2 {
		return false, fmt.Errorf("covers: want string arguments, got %T, %T", args[0], args[1])
	}
	return Covers(holder, target), nil
}

// checkShape verifies that the model's request and policy definitions are
// the ones Enforcer fills in and validates.
func checkShape(m model.Model) error {
	r, ok := m["r"]["r"]
	if !ok || !slices.Equal(r.Tokens, requestTokens) {
		return fmt.Errorf("request_definition must be r = sub, role, div, obj, act, casediv, party")
	}
	p, ok := m["p"]["p"]
	if !ok || !slices.Equal(p.Tokens, policyTokens) {
		return fmt.Errorf("policy_definition must be p = role, obj, act, scope, eft")
	}
	return nil
}

// parsePolicy reads policy text into rules (without the leading "p"),
// rejecting any row that is malformed or names something unknown.
func parsePolicy(text string) ([][]string, error) {
	var rules [][]string
	for i, line := range strings.Split(text, "\n") {
		n := i + 1
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cr := csv.NewReader(strings.NewReader(line))
		cr.TrimLeadingSpace = true
		fields, err := cr.Read()
		if err != nil {
			return nil, fmt.Errorf("policy line %d: %w", n, err)
		}
		for j := range fields {
			fields[j] = strings.TrimSpace(fields[j])
		}
		if err := checkRule(fields); err != nil {
			return nil, fmt.Errorf("policy line %d: %w: %q", n, err, line)
		}
		rules = append(rules, fields[1:])
	}
	if len(rules) == 0 {
		return nil, errors.New("policy has no rules")
	}
	return rules, nil
}

// checkRule validates one row "p, role, object, action, scope, effect".
func checkRule(f []string) error {
	if len(f) != 6 {
		return fmt.Errorf("want 6 fields (p, role, object, action, scope, effect), got %d", len(f))
	}
	if f[0] != "p" {
		return fmt.Errorf("unknown rule type %q (only p rows are used)", f[0])
	}
	if !IsRole(f[1]) {
		return fmt.Errorf("unknown role %q", f[1])
	}
	switch f[2] {
	case ObjectProcedure, ObjectCase, ObjectInbox, ObjectApplications, ObjectCalendar, ObjectDeadlines,
		ObjectAudit, ObjectSupervision, ObjectStaff, ObjectNotifications:
	default:
		return fmt.Errorf("unknown object %q", f[2])
	}
	switch f[3] {
	case ActionRead, ActionList, ActionSubmit, ActionAct, ActionExport, ActionVerify, ActionManage:
	default:
		return fmt.Errorf("unknown action %q", f[3])
	}
	switch f[4] {
	case "any", "jurisdiction", "party":
	default:
		return fmt.Errorf("unknown scope %q", f[4])
	}
	switch f[5] {
	case "allow", "deny":
	default:
		return fmt.Errorf("unknown effect %q", f[5])
	}
	return nil
}
