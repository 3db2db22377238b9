package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"civilflow/auth"
	"civilflow/policies"
	"civilflow/store"
)

// StaffPath names a person of the staff directory.
type StaffPath struct {
	Subject string `path:"subject" maxLength:"64" pattern:"^[A-Za-z0-9._-]+$" doc:"The person's subject, as in their token" example:"reg-002"`
}

// PutStaffRequest sets a person's name and roles.
type PutStaffRequest struct {
	StaffPath
	Body struct {
		Name  string   `json:"name" minLength:"1" maxLength:"60" doc:"The person's name" example:"李登记"`
		Roles []string `json:"roles" maxItems:"20" doc:"Roles held, as role:division; none makes the person inactive" example:"[\"registrar:110105\"]"`
	}
}

// StaffMember is a person of the directory.
type StaffMember struct {
	Subject string   `json:"subject"`
	Name    string   `json:"name"`
	Roles   []string `json:"roles"`
}

// StaffResponse is one person of the directory.
type StaffResponse struct {
	Body StaffMember
}

func registerStaff(api huma.API, d *Deps) {
	huma.Register(api, huma.Operation{
		OperationID: "put-staff", Method: http.MethodPut, Path: "/v1/staff/{subject}",
		Summary: "Set a staff member's roles", Tags: []string{"Staff"}, DefaultStatus: http.StatusOK,
		Description: "The staff directory says who holds which role where: transfers, delegations and added signers " +
			"must hold the task's role, and a task with nobody holding its role in a jurisdiction goes up a level. " +
			"The roles given replace all the roles the person holds. An admin changes roles within their own " +
			"jurisdiction only: every role added and every role taken away must lie within it, and a change that " +
			"would take away a role held outside it is refused (403, naming those roles; nothing changes), so " +
			"list the roles held elsewhere unchanged to keep them. Changing the name needs every role the person " +
			"holds to lie within the admin's jurisdiction. Only an admin:000000 grants or takes away admin:000000, " +
			"and nobody changes their own entry. Every change is recorded in the audit chain with the entry before " +
			"and after (GET /v1/staff/{subject}/changes).",
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *PutStaffRequest) (*StaffResponse, error) {
		p := principalOf(ctx)
		if bad := nameDetail("body.name", in.Body.Name); bad != nil {
			return nil, huma.Error422UnprocessableEntity("validation failed", bad)
		}
		m := store.StaffMember{Subject: in.Subject, Name: strings.TrimSpace(in.Body.Name)}
		for i, r := range in.Body.Roles {
			g, err := policies.ParseGrant(r)
			if err != nil || g.Role == policies.RoleApplicant {
				return nil, huma.Error422UnprocessableEntity("validation failed", &huma.ErrorDetail{
					Location: fmt.Sprintf("body.roles[%d]", i), Message: "must be role:division with a staff role and a six-digit code", Value: r})
			}
			if _, ok := d.Divisions.Lookup(g.Division); !ok {
				return nil, huma.Error422UnprocessableEntity("validation failed", &huma.ErrorDetail{
					Location: fmt.Sprintf("body.roles[%d]", i), Message: "unknown division code (GB/T 2260)", Value: r})
			}
			m.Grants = append(m.Grants, store.Grant{Role: g.Role, Division: g.Division})
		}
		return d.putStaff(ctx, p, m)
	})

	huma.Register(api, huma.Operation{
		OperationID: "list-staff-changes", Method: http.MethodGet, Path: "/v1/staff/{subject}/changes",
		Summary: "List the changes of a staff member's entry", Tags: []string{"Staff", "Audit"}, DefaultStatus: http.StatusOK,
		Description: "Every change of the person's directory entry, oldest first, as recorded in the global audit chain: " +
			"who changed it, when, and the entry (name, active, roles) before and after. For admins and supervisors " +
			"whose jurisdiction covers a role the person holds or held.",
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound},
	}, d.staffChanges)

	huma.Register(api, huma.Operation{
		OperationID: "list-staff", Method: http.MethodGet, Path: "/v1/staff",
		Summary: "List staff members", Tags: []string{"Staff"}, DefaultStatus: http.StatusOK,
		Description: "Active staff members, by subject, each with every role they hold. Without office, those holding " +
			"a role that lies within your jurisdiction; with office (which must lie within it), those holding a role " +
			"that covers the office, there or at the prefecture, province or nation above it: who could take a case " +
			"of that office (the targets of transfer, delegate, copy and add-signer). role and text narrow the list: " +
			"the role must be the one held there, the text must occur in the subject or the name. For the staff " +
			"who may look colleagues up.",
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusUnprocessableEntity},
	}, d.listStaff)

	huma.Register(api, huma.Operation{
		OperationID: "get-staff", Method: http.MethodGet, Path: "/v1/staff/{subject}",
		Summary: "Look up a staff member", Tags: []string{"Staff"}, DefaultStatus: http.StatusOK,
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound},
	}, func(ctx context.Context, in *StaffPath) (*StaffResponse, error) {
		if ok, err := d.allowed(request(principalOf(ctx), policies.ObjectStaff, policies.ActionRead)); err != nil || !ok {
			return nil, orForbidden(err)
		}
		m, err := d.Store.Staff(ctx, in.Subject)
		if errors.Is(err, store.ErrNotFound) {
			return nil, huma.Error404NotFound("no active staff member " + in.Subject)
		}
		if err != nil {
			return nil, huma.Error500InternalServerError("get staff", err)
		}
		return &StaffResponse{Body: StaffMember{Subject: m.Subject, Name: m.Name, Roles: grantStrings(m.Grants)}}, nil
	})
}

// StaffListRequest filters and pages the staff directory.
type StaffListRequest struct {
	PageRequest
	Office string `query:"office" maxLength:"6" pattern:"^[0-9]{6}$" doc:"Only people holding a role that covers this office (within your jurisdiction)" example:"110105"`
	Role   string `query:"role" enum:"registrar,approver,assessor,supervisor,admin" maxLength:"10" doc:"Only people holding this role where the list looks (within your jurisdiction, or covering office)" example:"registrar"`
	Text   string `query:"text" maxLength:"64" doc:"Only people whose subject or name contains this text (ignoring ASCII case)" example:"reg-"`
}

// StaffListResponse is one page of the staff directory.
type StaffListResponse struct {
	Body struct {
		Total int           `json:"total" doc:"People in the whole list"`
		Items []StaffMember `json:"items"`
	}
}

// listStaff lists the directory within the jurisdictions of the grants
// with which p may look staff up; only those grants count, so a role that
// may not read the directory does not widen it.
func (d *Deps) listStaff(ctx context.Context, in *StaffListRequest) (*StaffListResponse, error) {
	p := principalOf(ctx)
	var within []string
	for _, g := range p.Grants {
		req := request(p, policies.ObjectStaff, policies.ActionRead)
		req.Grants = []policies.Grant{g}
		ok, err := d.allowed(req)
		if err != nil {
			return nil, err
		}
		if ok {
			within = append(within, g.Division)
		}
	}
	if len(within) == 0 {
		return nil, errForbidden
	}
	f := store.StaffFilter{Within: within, Role: in.Role, Text: strings.TrimSpace(in.Text)}
	if in.Office != "" {
		if !slices.ContainsFunc(within, func(j string) bool { return policies.Covers(j, in.Office) }) {
			return nil, huma.Error403Forbidden("office " + in.Office + " lies outside your jurisdiction")
		}
		// Who covers the office may sit above the caller (a prefecture's
		// approver for a county registrar), so the office alone decides.
		f.Within, f.Covering = nil, in.Office
	}
	members, total, err := d.Store.ListStaff(ctx, f, in.page())
	if err != nil {
		return nil, huma.Error500InternalServerError("list staff", err)
	}
	out := &StaffListResponse{}
	out.Body.Total = total
	out.Body.Items = make([]StaffMember, 0, len(members))
	for _, m := range members {
		out.Body.Items = append(out.Body.Items, StaffMember{Subject: m.Subject, Name: m.Name, Roles: grantStrings(m.Grants)})
	}
	return out, nil
}

// staffRefusal is a directory change the editor may not make.
type staffRefusal struct {
	msg     string
	details []error
}

func (r *staffRefusal) Error() string { return r.msg }

// putStaff checks and applies a change of m's entry by p. The check runs
// in the store's write transaction, against the entry as it stands there.
func (d *Deps) putStaff(ctx context.Context, p auth.Principal, m store.StaffMember) (*StaffResponse, error) {
	if m.Subject == p.Subject {
		return nil, huma.Error403Forbidden("nobody changes their own entry in the staff directory")
	}
	editor, ok, err := d.staffEditor(p)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errForbidden
	}
	_, err = d.Store.ChangeStaff(ctx, store.StaffChange{Member: m, Editor: editor, Check: func(before store.StaffEntry) error {
		return d.checkStaffChange(p, before, m)
	}})
	var refusal *staffRefusal
	switch {
	case errors.As(err, &refusal):
		return nil, huma.Error403Forbidden(refusal.msg, refusal.details...)
	case err != nil:
		var se huma.StatusError
		if errors.As(err, &se) {
			return nil, se
		}
		return nil, huma.Error500InternalServerError("put staff", err)
	}
	return &StaffResponse{Body: StaffMember{Subject: m.Subject, Name: m.Name, Roles: grantStrings(m.Grants)}}, nil
}

// staffEditor is p as the editor of the directory: the first admin grant
// with which p may manage staff at all; ok is false when p holds none.
func (d *Deps) staffEditor(p auth.Principal) (store.StaffEditor, bool, error) {
	for _, g := range p.Grants {
		req := request(p, policies.ObjectStaff, policies.ActionManage)
		req.Division = g.Division
		ok, err := d.allowed(req)
		if err != nil {
			return store.StaffEditor{}, false, err
		}
		if ok {
			return store.StaffEditor{Subject: p.Subject, Name: p.Name, Role: g.Role, Division: g.Division}, true, nil
		}
	}
	return store.StaffEditor{}, false, nil
}

// checkStaffChange refuses a change unless p may make every part of it:
// each role added or taken away lies within p's jurisdiction (a role held
// outside it is neither overwritten nor stripped), admin:000000 only by an
// admin:000000, and a new name only over every role the person holds.
func (d *Deps) checkStaffChange(p auth.Principal, before store.StaffEntry, m store.StaffMember) error {
	mayManage := func(g store.Grant) (bool, error) {
		if g.Role == policies.RoleAdmin && g.Division == policies.Nationwide &&
			!slices.Contains(p.Grants, policies.Grant{Role: policies.RoleAdmin, Division: policies.Nationwide}) {
			return false, nil
		}
		req := request(p, policies.ObjectStaff, policies.ActionManage)
		req.Division = g.Division
		return d.allowed(req)
	}
	var denied []error
	var names []string
	deny := func(g store.Grant, what string) {
		s := g.Role + ":" + g.Division
		names = append(names, s)
		denied = append(denied, &huma.ErrorDetail{Location: "body.roles", Value: s,
			Message: what + " " + s + ", which lies outside your jurisdiction"})
	}
	for _, g := range m.Grants {
		if slices.Contains(before.Grants, g) {
			continue
		}
		if ok, err := mayManage(g); err != nil {
			return err
		} else if !ok {
			deny(g, "would grant")
		}
	}
	for _, g := range before.Grants {
		if slices.Contains(m.Grants, g) {
			continue
		}
		if ok, err := mayManage(g); err != nil {
			return err
		} else if !ok {
			deny(g, "would take away")
		}
	}
	if before.Exists && before.Name != m.Name {
		for _, g := range before.Grants {
			if !slices.Contains(m.Grants, g) {
				continue // judged above
			}
			if ok, err := mayManage(g); err != nil {
				return err
			} else if !ok {
				deny(g, "would rename the holder of")
			}
		}
	}
	if len(denied) > 0 {
		return &staffRefusal{msg: "this change reaches roles outside your jurisdiction: " + strings.Join(names, ", ") +
			"; nothing was changed", details: denied}
	}
	return nil
}

// StaffChangesResponse lists the audited changes of a directory entry.
type StaffChangesResponse struct {
	Body struct {
		Subject string        `json:"subject"`
		Changes []StaffChange `json:"changes"`
	}
}

// StaffChange is one audited change of a directory entry.
type StaffChange struct {
	Seq        int64            `json:"seq" doc:"Number of the change within the person's entry"`
	GlobalSeq  int64            `json:"globalSeq" doc:"Place in the global audit chain"`
	At         time.Time        `json:"at"`
	Actor      string           `json:"actor" doc:"Subject of who changed it, or system"`
	ActorName  string           `json:"actorName,omitempty"`
	Role       string           `json:"role,omitempty" doc:"The role they changed it in"`
	Office     string           `json:"office,omitempty" doc:"The division of that role"`
	Before     StaffChangeState `json:"before"`
	After      StaffChangeState `json:"after"`
	Summary    string           `json:"summary" doc:"The change in words"`
	PrevHash   string           `json:"prevHash"`
	Hash       string           `json:"hash"`
	GlobalHash string           `json:"globalHash"`
}

// StaffChangeState is a directory entry as a change recorded it.
type StaffChangeState struct {
	Name   string   `json:"name"`
	Active bool     `json:"active"`
	Roles  []string `json:"roles"`
}

// staffChanges lists a person's audited changes to those whose
// jurisdiction covers a role the person holds or held: admins (who keep
// the directory) and supervisors (who audit).
func (d *Deps) staffChanges(ctx context.Context, in *StaffPath) (*StaffChangesResponse, error) {
	p := principalOf(ctx)
	recs, err := d.Store.StaffChanges(ctx, in.Subject)
	if err != nil {
		return nil, huma.Error500InternalServerError("list staff changes", err)
	}
	allowed := false
	for _, r := range recs {
		for _, g := range slices.Concat(r.Before.Roles, r.After.Roles) {
			grant, err := policies.ParseGrant(g)
			if err != nil {
				continue
			}
			for _, need := range [][2]string{{policies.ObjectStaff, policies.ActionManage}, {policies.ObjectAudit, policies.ActionExport}} {
				req := request(p, need[0], need[1])
				req.Division = grant.Division
				ok, err := d.allowed(req)
				if err != nil {
					return nil, err
				}
				allowed = allowed || ok
			}
		}
	}
	if len(recs) == 0 {
		return nil, huma.Error404NotFound("no recorded change of " + in.Subject)
	}
	if !allowed {
		return nil, errForbidden
	}
	out := &StaffChangesResponse{}
	out.Body.Subject = in.Subject
	for _, r := range recs {
		out.Body.Changes = append(out.Body.Changes, StaffChange{
			Seq: r.Seq, GlobalSeq: r.GlobalSeq, At: r.At, Actor: r.ActorSubject, ActorName: r.ActorName,
			Role: r.Role, Office: r.Office, Summary: r.Opinion,
			Before:   StaffChangeState{Name: r.Before.Name, Active: r.Before.Active, Roles: r.Before.Roles},
			After:    StaffChangeState{Name: r.After.Name, Active: r.After.Active, Roles: r.After.Roles},
			PrevHash: r.PrevHash, Hash: r.Hash, GlobalHash: r.GlobalHash,
		})
	}
	return out, nil
}

func grantStrings(gs []store.Grant) []string {
	out := make([]string, 0, len(gs))
	for _, g := range gs {
		out = append(out, g.Role+":"+g.Division)
	}
	return out
}
