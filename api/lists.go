package api

import (
	"context"
	"net/http"
	"strings"
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
	Holder        string     `json:"holder,omitempty" doc:"Who holds the current task (to-do, done and copied lists); empty while it waits in its role's pool"`
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
		rows, total, err := d.Store.ListByParty(ctx, p.Subject, in.page())
		if err != nil {
			return nil, huma.Error500InternalServerError("list applications", err)
		}
		return d.caseList(rows, total), nil
	})

	huma.Register(api, huma.Operation{
		OperationID: "list-my-inbox", Method: http.MethodGet, Path: "/v1/me/inbox",
		Summary: "List my to-do", Tags: []string{"Me"}, DefaultStatus: http.StatusOK,
		Description: "Open tasks waiting, unclaimed, for a role you hold in your jurisdictions, and the tasks you hold " +
			"(claimed, transferred or delegated to you); a task someone else claimed is only in theirs. " +
			"Filtered and sorted by the query; the earliest due first by default.",
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden},
	}, func(ctx context.Context, in *TaskListRequest) (*CaseListResponse, error) {
		p := principalOf(ctx)
		if ok, err := d.allowed(request(p, policies.ObjectInbox, policies.ActionList)); err != nil || !ok {
			return nil, orForbidden(err)
		}
		var grants []store.Grant
		for _, g := range p.Grants {
			if g.Role != policies.RoleApplicant {
				grants = append(grants, store.Grant{Role: g.Role, Division: g.Division})
			}
		}
		items, total, err := d.Store.ListToDo(ctx, p.Subject, grants, in.filter(), in.page())
		if err != nil {
			return nil, huma.Error500InternalServerError("list to-do", err)
		}
		return d.taskList(items, total), nil
	})

	huma.Register(api, huma.Operation{
		OperationID: "list-my-done", Method: http.MethodGet, Path: "/v1/me/done",
		Summary: "List the cases I acted on", Tags: []string{"Me"}, DefaultStatus: http.StatusOK,
		Description: "Cases, open or closed, on which you took an action other than claiming or releasing the task " +
			"(your own applications are under /v1/me/applications). Filtered and sorted like the to-do.",
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden},
	}, func(ctx context.Context, in *TaskListRequest) (*CaseListResponse, error) {
		p := principalOf(ctx)
		if ok, err := d.allowed(request(p, policies.ObjectInbox, policies.ActionList)); err != nil || !ok {
			return nil, orForbidden(err)
		}
		items, total, err := d.Store.ListDone(ctx, p.Subject, in.filter(), in.page())
		if err != nil {
			return nil, huma.Error500InternalServerError("list done", err)
		}
		return d.taskList(items, total), nil
	})

	huma.Register(api, huma.Operation{
		OperationID: "list-my-copied", Method: http.MethodGet, Path: "/v1/me/copied",
		Summary: "List the cases copied to me", Tags: []string{"Me"}, DefaultStatus: http.StatusOK,
		Description: "Cases, open or closed, someone copied to you (抄送): you may read them, not act on them. " +
			"Filtered and sorted like the to-do.",
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden},
	}, func(ctx context.Context, in *TaskListRequest) (*CaseListResponse, error) {
		p := principalOf(ctx)
		if ok, err := d.allowed(request(p, policies.ObjectInbox, policies.ActionList)); err != nil || !ok {
			return nil, orForbidden(err)
		}
		items, total, err := d.Store.ListCopied(ctx, p.Subject, in.filter(), in.page())
		if err != nil {
			return nil, huma.Error500InternalServerError("list copied", err)
		}
		return d.taskList(items, total), nil
	})
}

// TaskListRequest pages, filters and sorts a task list.
type TaskListRequest struct {
	PageRequest
	Procedure string    `query:"procedure" maxLength:"64" pattern:"^[a-z0-9-]+$" doc:"Only cases of this procedure" example:"marriage-registration"`
	Stage     string    `query:"stage" maxLength:"64" doc:"Only cases at this stage" example:"registrar-review"`
	Office    string    `query:"office" maxLength:"6" pattern:"^[0-9]{6}$" doc:"Only cases handled by this office or, for a province (PP0000) or prefecture (PPCC00), by its offices; the to-do never goes beyond your jurisdictions" example:"110105"`
	DueBefore time.Time `query:"dueBefore" maxLength:"40" doc:"Only cases due before this time (RFC 3339); cases without a deadline are left out" example:"2026-04-01T00:00:00+08:00"`
	Text      string    `query:"text" maxLength:"64" doc:"Only cases whose ID or title contains this text (ignoring ASCII case)" example:"MAR-110105"`
	Sort      string    `query:"sort" enum:"due,submitted" default:"due" maxLength:"9" doc:"due: by deadline, cases without one last (first when descending); submitted: by submission time"`
	Order     string    `query:"order" enum:"asc,desc" default:"asc" maxLength:"4" doc:"asc or desc"`
}

func (in *TaskListRequest) filter() store.TaskFilter {
	f := store.TaskFilter{Procedure: in.Procedure, Stage: in.Stage, Office: in.Office, Text: strings.TrimSpace(in.Text),
		Sort: in.Sort, Descending: in.Order == "desc"}
	if !in.DueBefore.IsZero() {
		f.DueBefore = &in.DueBefore
	}
	return f
}

func (in *PageRequest) page() store.Page { return store.Page{Limit: in.Limit, Offset: in.Offset} }

func (d *Deps) caseList(rows []store.CaseSummary, total int) *CaseListResponse {
	out := &CaseListResponse{}
	out.Body.Total = total
	out.Body.Items = make([]CaseListItem, 0, len(rows))
	for _, r := range rows {
		out.Body.Items = append(out.Body.Items, d.listItem(r))
	}
	return out
}

func (d *Deps) taskList(items []store.TaskItem, total int) *CaseListResponse {
	out := &CaseListResponse{}
	out.Body.Total = total
	out.Body.Items = make([]CaseListItem, 0, len(items))
	for _, it := range items {
		row := d.listItem(it.CaseSummary)
		row.Holder = it.Holder
		out.Body.Items = append(out.Body.Items, row)
	}
	return out
}

func (d *Deps) listItem(r store.CaseSummary) CaseListItem {
	return CaseListItem{
		ID: r.ID, ProcedureID: r.ProcedureID, Title: r.Title, Office: r.Office, OfficeName: d.Divisions.FullName(r.Office),
		Status: r.Status, Stage: r.Stage, StageTitle: r.StageTitle, Outcome: r.Outcome,
		WaitingRole: r.WaitingRole, WaitingOffice: r.WaitingOffice, DueAt: r.DueAt,
		SubmittedAt: r.SubmittedAt, UpdatedAt: r.UpdatedAt,
	}
}
