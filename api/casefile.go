package api

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"go.temporal.io/api/history/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/temporalproto"

	"civilflow/policies"
	"civilflow/procedures"
	"civilflow/workflows"
)

// CaseFile is everything the record holds about a case, from the store
// alone, so it is complete long after Temporal has deleted the history.
type CaseFile struct {
	CaseID           string                 `json:"caseId"`
	ProcedureID      string                 `json:"procedureId"`
	ProcedureVersion int                    `json:"procedureVersion"`
	ProcedureTitle   procedures.Text        `json:"procedureTitle"`
	Office           string                 `json:"office"`
	OfficeName       string                 `json:"officeName"`
	Status           string                 `json:"status"`
	Stage            string                 `json:"stage"`
	StageTitle       procedures.Text        `json:"stageTitle"`
	Outcome          string                 `json:"outcome,omitempty"`
	OutcomeLabel     *procedures.Text       `json:"outcomeLabel,omitempty"`
	Submitter        string                 `json:"submitter"`
	SubmittedAt      time.Time              `json:"submittedAt"`
	ClosedAt         *time.Time             `json:"closedAt,omitempty"`
	Parties          []workflows.Party      `json:"parties"`
	Application      map[string]any         `json:"application,omitempty" doc:"The form as submitted"`
	AmendedForm      map[string]any         `json:"amendedForm,omitempty" doc:"The form as a party corrected it, when it was"`
	Reasons          []workflows.Reason     `json:"reasons"`
	AppealNotice     *procedures.Text       `json:"appealNotice,omitempty"`
	Decisions        []TrailEntry           `json:"decisions" doc:"The entries made by officers, with their opinions"`
	Documents        []workflows.Document   `json:"documents"`
	Deadlines        []workflows.Deadline   `json:"deadlines"`
	Clocks           []workflows.ClockState `json:"clocks"`
	Trail            []TrailEntry           `json:"trail"`
	Integrity        Integrity              `json:"integrity"`
	GeneratedAt      time.Time              `json:"generatedAt"`
	GeneratedBy      string                 `json:"generatedBy" doc:"Subject and name of who exported it"`
}

// CaseFileResponse returns a case file.
type CaseFileResponse struct {
	Body CaseFile
}

// HTMLResponse is a printable page.
type HTMLResponse struct {
	ContentType string `header:"Content-Type"`
	// The page needs nothing but its own inline styles.
	ContentSecurityPolicy string `header:"Content-Security-Policy"`
	Body                  []byte
}

//go:embed casefile.html
var caseFileHTML string

var caseFileTemplate = template.Must(template.New("casefile").Funcs(template.FuncMap{
	"at": func(t time.Time) string { return t.In(workflows.ChinaTime).Format("2006-01-02 15:04:05") },
	"atp": func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.In(workflows.ChinaTime).Format("2006-01-02 15:04:05")
	},
	"inc":      func(i int) int { return i + 1 },
	"docLabel": func(kind string) procedures.Text { return label(documentLabels, kind) },
	"pretty": func(v any) string {
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return fmt.Sprint(v)
		}
		return string(b)
	},
}).Parse(caseFileHTML))

func registerCaseFile(api huma.API, d *Deps) {
	huma.Register(api, huma.Operation{
		OperationID: "export-case-file", Method: http.MethodGet, Path: "/v1/cases/{id}/file",
		Summary: "Export the case file", Tags: []string{"Audit"}, DefaultStatus: http.StatusOK,
		Description: "The application, parties, decisions and reasons, documents issued, time limits and the audit trail " +
			"with a check of the case's hash chain, read from the store (complete after Temporal's retention). For supervisors " +
			"and admins of the case's jurisdiction; the export is logged.",
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound},
	}, func(ctx context.Context, in *CaseIDPath) (*CaseFileResponse, error) {
		f, err := d.caseFileFor(ctx, in.ID, "export-case-file")
		if err != nil {
			return nil, err
		}
		return &CaseFileResponse{Body: f}, nil
	})

	huma.Register(api, huma.Operation{
		OperationID: "export-case-file-html", Method: http.MethodGet, Path: "/v1/cases/{id}/file.html",
		Summary: "Print the case file", Tags: []string{"Audit"}, DefaultStatus: http.StatusOK,
		Description: "The case file as a printable HTML page with Chinese and English labels (A4). The export is logged.",
		Errors:      []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound},
		Responses: map[string]*huma.Response{"200": {Description: "HTML page",
			Content: map[string]*huma.MediaType{"text/html": {Schema: &huma.Schema{Type: huma.TypeString}}}}},
	}, func(ctx context.Context, in *CaseIDPath) (*HTMLResponse, error) {
		f, err := d.caseFileFor(ctx, in.ID, "export-case-file-html")
		if err != nil {
			return nil, err
		}
		var b bytes.Buffer
		if err := caseFileTemplate.Execute(&b, f); err != nil {
			return nil, huma.Error500InternalServerError("render case file", err)
		}
		return &HTMLResponse{ContentType: "text/html; charset=utf-8",
			ContentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'", Body: b.Bytes()}, nil
	})

	huma.Register(api, huma.Operation{
		OperationID: "export-case-history", Method: http.MethodGet, Path: "/v1/cases/{id}/history",
		Summary: "Export the raw Temporal history", Tags: []string{"Audit"}, DefaultStatus: http.StatusOK,
		Description: "The workflow's event history as Temporal's JSON, while the case is within the namespace retention " +
			"period; afterwards 410 Gone (the case file keeps the record). The export is logged.",
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusGone},
		Responses: map[string]*huma.Response{"200": {Description: "Temporal history (JSON)",
			Content: map[string]*huma.MediaType{"application/json": {Schema: &huma.Schema{Type: huma.TypeObject}}}}},
	}, func(ctx context.Context, in *CaseIDPath) (*FileResponse, error) {
		sum, err := d.auditCase(ctx, in.ID, policies.ActionExport)
		if err != nil {
			return nil, err
		}
		h := &history.History{}
		it := d.Temporal.GetWorkflowHistory(ctx, sum.ID, "", false, 0)
		for it.HasNext() {
			ev, err := it.Next()
			var notFound *serviceerror.NotFound
			if errors.As(err, &notFound) {
				return nil, huma.NewError(http.StatusGone, "the Temporal history of "+sum.ID+
					" was deleted after the retention period; GET /v1/cases/"+sum.ID+"/file keeps the case's record")
			}
			if err != nil {
				return nil, huma.Error500InternalServerError("read history", err)
			}
			h.Events = append(h.Events, ev)
		}
		raw, err := temporalproto.CustomJSONMarshalOptions{Indent: "  "}.Marshal(h)
		if err != nil {
			return nil, huma.Error500InternalServerError("encode history", err)
		}
		if err := d.logRead(ctx, sum, "export-case-history", fieldHistory); err != nil {
			return nil, err
		}
		return &FileResponse{ContentType: "application/json",
			ContentDisposition: fmt.Sprintf(`attachment; filename="%s-history.json"`, sum.ID), Body: raw}, nil
	})
}

// caseFileFor assembles the case file of a case the caller may export,
// and logs the export.
func (d *Deps) caseFileFor(ctx context.Context, id, operation string) (CaseFile, error) {
	sum, err := d.auditCase(ctx, id, policies.ActionExport)
	if err != nil {
		return CaseFile{}, err
	}
	var st workflows.CaseState
	if len(sum.State) > 0 {
		if st, err = d.storedState(sum); err != nil {
			return CaseFile{}, err
		}
	}
	trail, err := d.caseTrail(ctx, sum)
	if err != nil {
		return CaseFile{}, err
	}
	p := principalOf(ctx)
	f := CaseFile{
		CaseID: sum.ID, ProcedureID: sum.ProcedureID, ProcedureVersion: sum.ProcedureVersion,
		ProcedureTitle: trail.ProcedureTitle, Office: sum.Office, OfficeName: trail.OfficeName, Status: sum.Status,
		Stage: sum.Stage, StageTitle: st.StageTitle, Outcome: sum.Outcome, Submitter: sum.Submitter,
		SubmittedAt: sum.SubmittedAt, ClosedAt: st.ClosedAt, Parties: st.Parties, Reasons: st.Reasons,
		AppealNotice: st.AppealNotice, Documents: st.Documents, Deadlines: st.Deadlines, Clocks: st.Clocks,
		Trail: trail.Entries, Integrity: trail.Integrity, GeneratedAt: time.Now().UTC(),
		GeneratedBy: strings.TrimSpace(p.Subject + " " + p.Name),
	}
	if f.StageTitle == (procedures.Text{}) {
		if t := d.labelerFor(sum.ProcedureID).stage(sum.Stage); t != nil {
			f.StageTitle = *t
		}
	}
	if sum.Outcome != "" {
		t := label(outcomeLabels, sum.Outcome)
		f.OutcomeLabel = &t
	}
	if len(sum.Application) > 0 {
		if err := json.Unmarshal(sum.Application, &f.Application); err != nil {
			return CaseFile{}, huma.Error500InternalServerError("decode application", err)
		}
	}
	if len(st.AmendedForm) > 0 {
		if err := json.Unmarshal(st.AmendedForm, &f.AmendedForm); err != nil {
			return CaseFile{}, huma.Error500InternalServerError("decode amended form", err)
		}
	}
	for _, e := range f.Trail {
		if e.Role != "" && e.Role != policies.RoleApplicant && e.Actor != workflows.SystemActor {
			f.Decisions = append(f.Decisions, e)
		}
	}
	// Empty lists rather than null, so clients need no special case.
	f.Parties = orEmpty(f.Parties)
	f.Reasons = orEmpty(f.Reasons)
	f.Decisions = orEmpty(f.Decisions)
	f.Documents = orEmpty(f.Documents)
	f.Deadlines = orEmpty(f.Deadlines)
	f.Clocks = orEmpty(f.Clocks)
	if err := d.logRead(ctx, sum, operation, fieldApplication, fieldParties, fieldDocuments, fieldTrail); err != nil {
		return CaseFile{}, err
	}
	return f, nil
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
