package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"civilflow/policies"
	"civilflow/store"
)

// PageRequest pages a list.
type PageRequest struct {
	Limit  int `query:"limit" minimum:"1" maximum:"200" default:"50" doc:"Page size"`
	Offset int `query:"offset" minimum:"0" maximum:"1000000" default:"0" doc:"Items to skip"`
}

// CaseListItem is one row of a case list.
type CaseListItem struct {
	ID            string     `json:"id"`
	ProcedureID   string     `json:"procedureId"`
	Title         string     `json:"title"`
	Office        string     `json:"office"`
	OfficeName    string     `json:"officeName"`
	Status        string     `json:"status"`
	Stage         string     `json:"stage"`
	StageTitle    string     `json:"stageTitle"`
	Outcome       string     `json:"outcome,omitempty"`
	WaitingRole   string     `json:"waitingRole,omitempty"`
	WaitingOffice string     `json:"waitingOffice,omitempty"`
	DueAt         *time.Time `json:"dueAt,omitempty"`
	SubmittedAt   time.Time  `json:"submittedAt"`
	UpdatedAt     time.Time  `json:"updatedAt"`
}

// CaseListResponse is one page of cases.
type CaseListResponse struct {
	Body struct {
		Total int            `json:"total" doc:"Cases in the whole list"`
		Items []CaseListItem `json:"items"`
	}
}

func registerLists(api huma.API, d *Deps) {
	huma.Register(api, huma.Operation{
		OperationID: "list-my-applications", Method: http.MethodGet, Path: "/v1/me/applications",
		Summary: "List my applications", Tags: []string{"Me"}, DefaultStatus: http.StatusOK,
		Description: "Cases in which you are a party or which you submitted, newest first.",
		Errors:      []int{http.StatusUnauthorized, http.StatusForbidden},
	}, func(ctx context.Context, in *PageRequest) (*CaseListResponse, error) {
		p := principalOf(ctx)
		if ok, err := d.allowed(request(p, "applications", "list")); err != nil || !ok {
			return nil, orForbidden(err)
		}
		rows, total, err := d.Store.ListByParty(ctx, p.Subject, store.Page{Limit: in.Limit, Offset: in.Offset})
		if err != nil {
			return nil, huma.Error500InternalServerError("list applications", err)
		}
		return d.caseList(rows, total), nil
	})

	huma.Register(api, huma.Operation{
		OperationID: "list-my-inbox", Method: http.MethodGet, Path: "/v1/me/inbox",
		Summary: "List my inbox", Tags: []string{"Me"}, DefaultStatus: http.StatusOK,
		Description: "Open cases waiting for a role you hold, in your jurisdictions; the earliest due first.",
		Errors:      []int{http.StatusUnauthorized, http.StatusForbidden},
	}, func(ctx context.Context, in *PageRequest) (*CaseListResponse, error) {
		p := principalOf(ctx)
		if ok, err := d.allowed(request(p, "inbox", "list")); err != nil || !ok {
			return nil, orForbidden(err)
		}
		var grants []store.Grant
		for _, g := range p.Grants {
			if g.Role != policies.RoleApplicant {
				grants = append(grants, store.Grant{Role: g.Role, Division: g.Division})
			}
		}
		rows, total, err := d.Store.ListInbox(ctx, grants, store.Page{Limit: in.Limit, Offset: in.Offset})
		if err != nil {
			return nil, huma.Error500InternalServerError("list inbox", err)
		}
		return d.caseList(rows, total), nil
	})
}

func (d *Deps) caseList(rows []store.CaseSummary, total int) *CaseListResponse {
	out := &CaseListResponse{}
	out.Body.Total = total
	out.Body.Items = make([]CaseListItem, 0, len(rows))
	for _, r := range rows {
		out.Body.Items = append(out.Body.Items, CaseListItem{
			ID: r.ID, ProcedureID: r.ProcedureID, Title: r.Title, Office: r.Office, OfficeName: d.Divisions.FullName(r.Office),
			Status: r.Status, Stage: r.Stage, StageTitle: r.StageTitle, Outcome: r.Outcome,
			WaitingRole: r.WaitingRole, WaitingOffice: r.WaitingOffice, DueAt: r.DueAt,
			SubmittedAt: r.SubmittedAt, UpdatedAt: r.UpdatedAt,
		})
	}
	return out
}
