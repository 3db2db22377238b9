package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

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
			"An admin sets roles within their own jurisdiction.",
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
			req := request(p, policies.ObjectStaff, policies.ActionManage)
			req.Division = g.Division
			if ok, err := d.allowed(req); err != nil || !ok {
				return nil, orForbidden(err)
			}
			m.Grants = append(m.Grants, store.Grant{Role: g.Role, Division: g.Division})
		}
		if len(m.Grants) == 0 {
			// Taking every role away is managing too: it needs a jurisdiction
			// covering the roles held now.
			if cur, err := d.Store.Staff(ctx, in.Subject); err == nil {
				for _, g := range cur.Grants {
					req := request(p, policies.ObjectStaff, policies.ActionManage)
					req.Division = g.Division
					if ok, err := d.allowed(req); err != nil || !ok {
						return nil, orForbidden(err)
					}
				}
			} else if ok, err := d.allowed(request(p, policies.ObjectStaff, policies.ActionManage)); err != nil || !ok {
				return nil, orForbidden(err)
			}
		}
		if err := d.Store.PutStaff(ctx, m); err != nil {
			return nil, huma.Error500InternalServerError("put staff", err)
		}
		return &StaffResponse{Body: StaffMember{Subject: m.Subject, Name: m.Name, Roles: grantStrings(m.Grants)}}, nil
	})

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

func grantStrings(gs []store.Grant) []string {
	out := make([]string, 0, len(gs))
	for _, g := range gs {
		out = append(out, g.Role+":"+g.Division)
	}
	return out
}
