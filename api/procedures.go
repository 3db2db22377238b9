package api

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"civilflow/procedures"
	"civilflow/workflows"
)

// ProcedureSummary is one entry of the procedure list.
type ProcedureSummary struct {
	ID         string          `json:"id" doc:"Procedure ID" example:"marriage-registration"`
	Code       string          `json:"code" doc:"Prefix of case IDs" example:"MAR"`
	Version    int             `json:"version" doc:"Definition version"`
	Title      procedures.Text `json:"title"`
	Nature     string          `json:"nature" doc:"Legal nature, e.g. administrative-confirmation"`
	LegalBasis []string        `json:"legalBasis"`
}

// ListProceduresResponse lists the procedures this office runs.
type ListProceduresResponse struct {
	Body struct {
		Procedures []ProcedureSummary `json:"procedures"`
	}
}

// GetProcedureRequest names one procedure.
type GetProcedureRequest struct {
	ID string `path:"id" maxLength:"64" pattern:"^[a-z0-9-]+$" doc:"Procedure ID" example:"divorce-registration"`
}

// ProcedureDefinition is a full definition with its form schema.
type ProcedureDefinition struct {
	ProcedureSummary
	Applicants   procedures.Count   `json:"applicants"`
	Form         map[string]any     `json:"form" doc:"JSON Schema of the application form"`
	Params       map[string]any     `json:"params,omitempty"`
	AppealNotice procedures.Text    `json:"appealNotice"`
	Start        string             `json:"start"`
	Stages       []procedures.Stage `json:"stages"`
	Clocks       []procedures.Clock `json:"clocks"`
	Diagram      string             `json:"diagram" doc:"The stages as a Mermaid flowchart"`
}

// GetProcedureResponse returns one definition.
type GetProcedureResponse struct {
	Body ProcedureDefinition
}

func summarize(p *procedures.Procedure) ProcedureSummary {
	return ProcedureSummary{ID: p.ID, Code: p.Code, Version: p.Version, Title: p.Title, Nature: p.Nature, LegalBasis: p.LegalBasis}
}

func registerProcedures(api huma.API, d *Deps) {
	huma.Register(api, huma.Operation{
		OperationID: "list-procedures", Method: http.MethodGet, Path: "/v1/procedures",
		Summary: "List procedures", Tags: []string{"Procedures"}, DefaultStatus: http.StatusOK,
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden},
	}, func(ctx context.Context, _ *struct{}) (*ListProceduresResponse, error) {
		if ok, err := d.allowed(request(principalOf(ctx), "procedure", "list")); err != nil || !ok {
			return nil, orForbidden(err)
		}
		out := &ListProceduresResponse{}
		out.Body.Procedures = []ProcedureSummary{}
		for _, p := range d.Procedures.List() {
			out.Body.Procedures = append(out.Body.Procedures, summarize(p))
		}
		return out, nil
	})

	huma.Register(api, huma.Operation{
		OperationID: "get-procedure", Method: http.MethodGet, Path: "/v1/procedures/{id}",
		Summary: "Get a procedure definition", Tags: []string{"Procedures"}, DefaultStatus: http.StatusOK,
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound},
	}, func(ctx context.Context, in *GetProcedureRequest) (*GetProcedureResponse, error) {
		if ok, err := d.allowed(request(principalOf(ctx), "procedure", "read")); err != nil || !ok {
			return nil, orForbidden(err)
		}
		p, ok := d.Procedures.Get(in.ID)
		if !ok {
			return nil, huma.Error404NotFound("no procedure " + in.ID)
		}
		var form map[string]any
		if err := json.Unmarshal(p.Form, &form); err != nil {
			return nil, huma.Error500InternalServerError("form schema unreadable", err)
		}
		return &GetProcedureResponse{Body: ProcedureDefinition{
			ProcedureSummary: summarize(p), Applicants: p.Applicants, Form: form, Params: p.Params,
			AppealNotice: workflows.GenericAppealNotice(p.AppealNotice), Start: p.Start, Stages: p.Stages,
			Clocks: append([]procedures.Clock{}, p.Clocks...), Diagram: p.Mermaid(),
		}}, nil
	})
}

// orForbidden turns a denied policy decision into 403, keeping a policy
// failure as it is.
func orForbidden(err error) error {
	if err != nil {
		return err
	}
	return errForbidden
}
