package api

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"civilflow/policies"
	"civilflow/procedures"
	"civilflow/store"
	"civilflow/workflows"
)

func init() {
	// Raw histories are gone after Temporal's retention period: a stable
	// problem type lets clients fall back to the case file.
	problemTypes[http.StatusGone] = "/problems/gone"
}

// Parts of a case named in the read log.
const (
	fieldParties     = "parties"
	fieldApplication = "application"
	fieldDocuments   = "documents"
	fieldTimeline    = "timeline"
	fieldTrail       = "trail"
	fieldHistory     = "history"
)

// logRead records that the person asking is about to receive personal
// data of a case, unless it is their own: only the parties are exempt. A
// submitter who is not a party (staff entering an application on someone's
// behalf) reads someone else's data, and is logged like any staff read. It
// fails closed: if the read cannot be recorded, it is not answered.
func (d *Deps) logRead(ctx context.Context, sum store.CaseSummary, operation string, fields ...string) error {
	p := principalOf(ctx)
	if slices.Contains(sum.Parties, p.Subject) {
		return nil
	}
	return d.recordRead(ctx, sum.ID, sum.Office, operation, fields)
}

func (d *Deps) recordRead(ctx context.Context, caseID, office, operation string, fields []string) error {
	p := principalOf(ctx)
	roles := make([]string, 0, len(p.Grants))
	for _, g := range p.Grants {
		roles = append(roles, g.String())
	}
	err := d.Store.LogRead(ctx, store.ReadLogEntry{At: time.Now().UTC(), Subject: p.Subject, Name: p.Name,
		Roles: roles, CaseID: caseID, Office: office, Operation: operation, Fields: fields})
	if err != nil {
		return huma.Error500InternalServerError("record the read", err)
	}
	return nil
}

// auditCase loads a case the person may read (else 404) and checks the
// audit action on it (else 403).
func (d *Deps) auditCase(ctx context.Context, id, action string) (store.CaseSummary, error) {
	sum, err := d.caseFor(ctx, id, policies.ActionRead)
	if err != nil {
		return sum, err
	}
	req := request(principalOf(ctx), policies.ObjectAudit, action)
	req.Division = sum.Office
	if ok, err := d.allowed(req); err != nil || !ok {
		return sum, orForbidden(err)
	}
	return sum, nil
}

// TrailEntry is one audit entry in words: who, in which role and office,
// when, what, the opinion and legal basis, the stages before and after,
// and the time limit in force at that moment.
type TrailEntry struct {
	Seq            int64            `json:"seq" doc:"Transition number within the case"`
	GlobalSeq      int64            `json:"globalSeq" doc:"Place in the global audit chain"`
	At             time.Time        `json:"at"`
	Actor          string           `json:"actor" doc:"Subject of who acted (a resident ID number for applicants), or system"`
	ActorName      string           `json:"actorName,omitempty"`
	Role           string           `json:"role,omitempty"`
	RoleLabel      procedures.Text  `json:"roleLabel"`
	Office         string           `json:"office,omitempty"`
	OfficeName     string           `json:"officeName,omitempty"`
	Action         string           `json:"action"`
	ActionLabel    procedures.Text  `json:"actionLabel"`
	Outcome        string           `json:"outcome,omitempty" doc:"The case's outcome as recorded with the entry"`
	OutcomeLabel   *procedures.Text `json:"outcomeLabel,omitempty"`
	StageFrom      string           `json:"stageFrom,omitempty"`
	StageFromTitle *procedures.Text `json:"stageFromTitle,omitempty"`
	StageTo        string           `json:"stageTo,omitempty"`
	StageToTitle   *procedures.Text `json:"stageToTitle,omitempty"`
	Opinion        string           `json:"opinion,omitempty"`
	LegalBasis     string           `json:"legalBasis,omitempty"`
	Limit          *TrailLimit      `json:"limit,omitempty" doc:"The time limit in force when the entry happened"`
	PrevHash       string           `json:"prevHash" doc:"Hash of the case's previous entry (empty for the first)"`
	Hash           string           `json:"hash" doc:"SHA-256 over the entry's fields and prevHash"`
}

// TrailLimit is the time limit in force at an entry.
type TrailLimit struct {
	Name       string          `json:"name"`
	Title      procedures.Text `json:"title"`
	LastDay    string          `json:"lastDay,omitempty"`
	State      string          `json:"state" enum:"running,suspended,met,overdue,expired"`
	StateLabel procedures.Text `json:"stateLabel"`
}

// Integrity is what the case's own hash chain says about its record.
type Integrity struct {
	Intact   bool                 `json:"intact" doc:"No entry of the case was altered, inserted, deleted or reordered"`
	Head     string               `json:"head" doc:"Hash of the case's newest entry"`
	Problems []store.ChainProblem `json:"problems"`
	Scope    string               `json:"scope" doc:"What was checked"`
}

// CaseTrail is a case's audit trail.
type CaseTrail struct {
	CaseID         string          `json:"caseId"`
	ProcedureID    string          `json:"procedureId"`
	ProcedureTitle procedures.Text `json:"procedureTitle"`
	Office         string          `json:"office"`
	OfficeName     string          `json:"officeName"`
	Status         string          `json:"status"`
	Outcome        string          `json:"outcome,omitempty"`
	Entries        []TrailEntry    `json:"entries"`
	Integrity      Integrity       `json:"integrity"`
}

// CaseTrailResponse returns a trail.
type CaseTrailResponse struct {
	Body CaseTrail
}

// trailEntries puts a case's records into words.
func (d *Deps) trailEntries(sum store.CaseSummary, recs []store.AuditRecord) []TrailEntry {
	l := d.labelerFor(sum.ProcedureID)
	out := make([]TrailEntry, 0, len(recs))
	for _, r := range recs {
		e := TrailEntry{
			Seq: r.Seq, GlobalSeq: r.GlobalSeq, At: r.At, Actor: r.ActorSubject, ActorName: r.ActorName,
			Role: r.Role, RoleLabel: roleLabel(r.ActorSubject, r.Role), Office: r.Office,
			Action: r.Action, ActionLabel: l.action(r.StageFrom, r.Action), Outcome: r.Outcome,
			StageFrom: r.StageFrom, StageFromTitle: l.stage(r.StageFrom), StageTo: r.StageTo,
			StageToTitle: l.stage(r.StageTo), Opinion: r.Opinion, LegalBasis: r.LegalBasis,
			PrevHash: r.PrevHash, Hash: r.Hash,
		}
		if r.Office != "" && d.Divisions != nil {
			e.OfficeName = d.Divisions.FullName(r.Office)
		}
		if r.Outcome != "" {
			t := label(outcomeLabels, r.Outcome)
			e.OutcomeLabel = &t
		}
		if r.DeadlineName != "" {
			e.Limit = &TrailLimit{Name: r.DeadlineName, Title: l.limit(r.DeadlineName), LastDay: r.DeadlineLastDay,
				State: r.DeadlineState, StateLabel: label(limitStateLabels, r.DeadlineState)}
		}
		out = append(out, e)
	}
	return out
}

// integrity checks a case's chain.
func (d *Deps) integrity(ctx context.Context, caseID string, recs []store.AuditRecord) (Integrity, error) {
	problems, err := d.Store.VerifyCaseChain(ctx, caseID)
	if err != nil {
		return Integrity{}, huma.Error500InternalServerError("verify case chain", err)
	}
	in := Integrity{Intact: len(problems) == 0, Problems: problems,
		Scope: "the case's hash chain and transition numbers; GET /v1/audit/verify checks the global chain and its checkpoints"}
	if in.Problems == nil {
		in.Problems = []store.ChainProblem{}
	}
	if n := len(recs); n > 0 {
		in.Head = recs[n-1].Hash
	}
	return in, nil
}

// caseTrail builds the trail of a case the caller may audit.
func (d *Deps) caseTrail(ctx context.Context, sum store.CaseSummary) (CaseTrail, error) {
	recs, err := d.Store.AuditRecords(ctx, sum.ID)
	if err != nil {
		return CaseTrail{}, huma.Error500InternalServerError("load audit trail", err)
	}
	in, err := d.integrity(ctx, sum.ID, recs)
	if err != nil {
		return CaseTrail{}, err
	}
	l := d.labelerFor(sum.ProcedureID)
	t := CaseTrail{CaseID: sum.ID, ProcedureID: sum.ProcedureID, Office: sum.Office, Status: sum.Status,
		Outcome: sum.Outcome, Entries: d.trailEntries(sum, recs), Integrity: in}
	if l.def != nil {
		t.ProcedureTitle = l.def.Title
	} else {
		t.ProcedureTitle = same(sum.Title)
	}
	if d.Divisions != nil {
		t.OfficeName = d.Divisions.FullName(sum.Office)
	}
	return t, nil
}

// VerifyResult is the outcome of walking the audit chains.
type VerifyResult struct {
	store.VerifyReport
	CheckedAt      time.Time `json:"checkedAt"`
	TookMillis     int64     `json:"tookMillis"`
	CheckpointFile string    `json:"checkpointFile" enum:"read,missing,none" doc:"Whether the server's checkpoint file was read; without one, deleting the newest entries cannot be detected"`
}

// VerifyResponse returns a verification.
type VerifyResponse struct {
	Body VerifyResult
}

// ReadLogRequest selects reads: of one case, or within a division.
type ReadLogRequest struct {
	PageRequest
	Case     string `query:"case" maxLength:"64" pattern:"^[A-Z]{2,8}-[0-9]{6}-[0-9]{8}-[0-9]{4,}$" required:"false" doc:"Reads of this case"`
	Division string `query:"division" maxLength:"6" pattern:"^[0-9]{6}$" required:"false" doc:"Reads of cases handled within this division (required without case)"`
	Subject  string `query:"subject" maxLength:"64" required:"false" doc:"Only reads by this person"`
}

// ReadLogItem is one recorded read.
type ReadLogItem struct {
	At         time.Time `json:"at"`
	Subject    string    `json:"subject"`
	Name       string    `json:"name"`
	Roles      []string  `json:"roles"`
	CaseID     string    `json:"caseId,omitempty" doc:"Empty for an export of a range of entries"`
	Office     string    `json:"office"`
	OfficeName string    `json:"officeName"`
	Operation  string    `json:"operation"`
	Fields     []string  `json:"fields" doc:"Parts of the case returned"`
}

// ReadLogResponse is one page of the read log.
type ReadLogResponse struct {
	Body struct {
		Total int           `json:"total"`
		Items []ReadLogItem `json:"items"`
	}
}

// AuditRangeRequest selects the audit entries of a period in a division.
type AuditRangeRequest struct {
	Division string `query:"division" maxLength:"6" pattern:"^[0-9]{6}$" required:"true" doc:"Entries of cases handled within this division"`
	From     string `query:"from" maxLength:"10" pattern:"^[0-9]{4}-[0-9]{2}-[0-9]{2}$" required:"true" doc:"First day (China time)"`
	To       string `query:"to" maxLength:"10" pattern:"^[0-9]{4}-[0-9]{2}-[0-9]{2}$" required:"true" doc:"Last day (China time), included"`
}

// FileResponse is a download that is not JSON.
type FileResponse struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	Body               []byte
}

// maxCSVEntries bounds one CSV export; a longer period must be split.
const maxCSVEntries = 100_000

func registerAudit(api huma.API, d *Deps) {
	huma.Register(api, huma.Operation{
		OperationID: "get-case-trail", Method: http.MethodGet, Path: "/v1/cases/{id}/trail",
		Summary: "Get the audit trail of a case", Tags: []string{"Audit"}, DefaultStatus: http.StatusOK,
		Description: "Every transition and decision of the case in insertion order, in Chinese and English: who, in which " +
			"role and office, when, what, the opinion, the legal basis, the stages before and after and the time limit in " +
			"force, with each entry's hash and a check of the case's chain. For registrars, supervisors and admins of the " +
			"case's jurisdiction; the read is logged.",
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound},
	}, func(ctx context.Context, in *CaseIDPath) (*CaseTrailResponse, error) {
		sum, err := d.auditCase(ctx, in.ID, policies.ActionRead)
		if err != nil {
			return nil, err
		}
		t, err := d.caseTrail(ctx, sum)
		if err != nil {
			return nil, err
		}
		if err := d.logRead(ctx, sum, "get-case-trail", fieldTrail); err != nil {
			return nil, err
		}
		return &CaseTrailResponse{Body: t}, nil
	})

	huma.Register(api, huma.Operation{
		OperationID: "verify-audit-chain", Method: http.MethodGet, Path: "/v1/audit/verify",
		Summary: "Verify the audit chains", Tags: []string{"Audit"}, DefaultStatus: http.StatusOK,
		Description: "Walks the global chain and every case chain and compares the chain with the server's checkpoints. " +
			"`intact` is false when an entry was altered, inserted, deleted or reordered; `problems` names them, the " +
			"earliest first. The walk holds the database for its duration: about 0.7 s of one core per 100,000 entries " +
			"(`civilflow audit verify` reads the database file through a connection of its own).",
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden},
	}, func(ctx context.Context, _ *struct{}) (*VerifyResponse, error) {
		if ok, err := d.allowed(request(principalOf(ctx), policies.ObjectAudit, policies.ActionVerify)); err != nil || !ok {
			return nil, orForbidden(err)
		}
		out := &VerifyResponse{}
		out.Body.CheckpointFile = "none"
		var cps []store.Checkpoint
		if d.AuditCheckpoints != "" {
			var err error
			cps, err = store.ReadCheckpointFile(d.AuditCheckpoints)
			switch {
			case errors.Is(err, os.ErrNotExist):
				out.Body.CheckpointFile = "missing"
			case err != nil:
				return nil, huma.Error500InternalServerError("read checkpoints", err)
			default:
				out.Body.CheckpointFile = "read"
			}
		}
		start := time.Now()
		rep, err := d.Store.VerifyAudit(ctx, cps)
		if err != nil {
			return nil, huma.Error500InternalServerError("verify audit chain", err)
		}
		out.Body.VerifyReport, out.Body.CheckedAt, out.Body.TookMillis = rep, start.UTC(), time.Since(start).Milliseconds()
		return out, nil
	})

	huma.Register(api, huma.Operation{
		OperationID: "list-read-log", Method: http.MethodGet, Path: "/v1/audit/reads",
		Summary: "List who read personal data", Tags: []string{"Audit"}, DefaultStatus: http.StatusOK,
		Description: "Each time someone other than a party received a case's personal data (the case, its trail, its file " +
			"or history) or exported a range of entries: who, with which roles, when, which case and which parts. Give `case`, " +
			"or a `division` you supervise; newest first.",
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *ReadLogRequest) (*ReadLogResponse, error) {
		p := principalOf(ctx)
		f := store.ReadLogFilter{Subject: in.Subject}
		req := request(p, policies.ObjectSupervision, policies.ActionRead)
		switch {
		case in.Case != "":
			sum, err := d.caseFor(ctx, in.Case, policies.ActionRead)
			if err != nil {
				return nil, err
			}
			f.CaseID, req.Division = sum.ID, sum.Office
		case in.Division != "":
			f.Division, req.Division = in.Division, in.Division
		default:
			return nil, huma.Error422UnprocessableEntity("validation failed", &huma.ErrorDetail{
				Location: "query.division", Message: "give a case or a division"})
		}
		if ok, err := d.allowed(req); err != nil || !ok {
			return nil, orForbidden(err)
		}
		rows, total, err := d.Store.ListReads(ctx, f, store.Page{Limit: in.Limit, Offset: in.Offset})
		if err != nil {
			return nil, huma.Error500InternalServerError("list reads", err)
		}
		out := &ReadLogResponse{}
		out.Body.Total = total
		out.Body.Items = make([]ReadLogItem, 0, len(rows))
		for _, r := range rows {
			it := ReadLogItem{At: r.At, Subject: r.Subject, Name: r.Name, Roles: r.Roles, CaseID: r.CaseID,
				Office: r.Office, Operation: r.Operation, Fields: r.Fields}
			if it.Roles == nil {
				it.Roles = []string{}
			}
			if it.Fields == nil {
				it.Fields = []string{}
			}
			if d.Divisions != nil {
				it.OfficeName = d.Divisions.FullName(r.Office)
			}
			out.Body.Items = append(out.Body.Items, it)
		}
		return out, nil
	})

	huma.Register(api, huma.Operation{
		OperationID: "export-audit-entries", Method: http.MethodGet, Path: "/v1/audit/entries.csv",
		Summary: "Export audit entries as CSV", Tags: []string{"Audit"}, DefaultStatus: http.StatusOK,
		Description: "The audit entries of cases handled within `division` that happened from `from` to `to` (China " +
			"time, both included), in time order, as UTF-8 CSV with a header row, at most 100,000 rows. A cell that a " +
			"spreadsheet would run as a formula (starting with = + - @) is prefixed with an apostrophe; the JSON trail " +
			"and the hashes carry the exact text. The export is logged.",
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusUnprocessableEntity},
		Responses: map[string]*huma.Response{"200": {Description: "CSV",
			Content: map[string]*huma.MediaType{"text/csv": {Schema: &huma.Schema{Type: huma.TypeString}}}}},
	}, func(ctx context.Context, in *AuditRangeRequest) (*FileResponse, error) {
		from, to, err := dayRange(in.From, in.To)
		if err != nil {
			return nil, err
		}
		req := request(principalOf(ctx), policies.ObjectAudit, policies.ActionExport)
		req.Division = in.Division
		if ok, err := d.allowed(req); err != nil || !ok {
			return nil, orForbidden(err)
		}
		recs, err := d.Store.AuditEntriesIn(ctx, store.AuditRange{Division: in.Division, From: from, To: to}, maxCSVEntries)
		if errors.Is(err, store.ErrTooMany) {
			return nil, huma.Error422UnprocessableEntity(fmt.Sprintf("more than %d entries in this period; export a shorter one", maxCSVEntries))
		}
		if err != nil {
			return nil, huma.Error500InternalServerError("load audit entries", err)
		}
		body, err := auditCSV(recs)
		if err != nil {
			return nil, huma.Error500InternalServerError("write csv", err)
		}
		if err := d.recordRead(ctx, "", in.Division, "export-audit-entries "+in.From+".."+in.To, []string{fieldTrail}); err != nil {
			return nil, err
		}
		return &FileResponse{ContentType: "text/csv; charset=utf-8",
			ContentDisposition: fmt.Sprintf(`attachment; filename="audit-%s-%s-%s.csv"`, in.Division, in.From, in.To),
			Body:               body}, nil
	})
}

// dayRange turns two China-time days (the second included) into [from, to).
func dayRange(fromDay, toDay string) (time.Time, time.Time, error) {
	from, err1 := time.ParseInLocation(time.DateOnly, fromDay, workflows.ChinaTime)
	last, err2 := time.ParseInLocation(time.DateOnly, toDay, workflows.ChinaTime)
	switch {
	case err1 != nil:
		return from, last, huma.Error422UnprocessableEntity("validation failed", &huma.ErrorDetail{Location: "query.from", Message: "not a date", Value: fromDay})
	case err2 != nil:
		return from, last, huma.Error422UnprocessableEntity("validation failed", &huma.ErrorDetail{Location: "query.to", Message: "not a date", Value: toDay})
	case last.Before(from):
		return from, last, huma.Error422UnprocessableEntity("validation failed", &huma.ErrorDetail{Location: "query.to", Message: "before from", Value: toDay})
	}
	return from, last.AddDate(0, 0, 1), nil
}

// csvHeader names the CSV columns.
var csvHeader = []string{"global_seq", "case_id", "seq", "at", "actor", "actor_name", "role", "office", "action",
	"outcome", "stage_from", "stage_to", "opinion", "legal_basis", "limit", "limit_last_day", "limit_state",
	"prev_hash", "hash"}

func auditCSV(recs []store.AuditRecord) ([]byte, error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.Write(csvHeader); err != nil {
		return nil, err
	}
	for _, r := range recs {
		row := []string{strconv.FormatInt(r.GlobalSeq, 10), r.CaseID, strconv.FormatInt(r.Seq, 10),
			r.At.In(workflows.ChinaTime).Format(time.RFC3339Nano), r.ActorSubject, r.ActorName, r.Role, r.Office,
			r.Action, r.Outcome, r.StageFrom, r.StageTo, r.Opinion, r.LegalBasis, r.DeadlineName, r.DeadlineLastDay,
			r.DeadlineState, r.PrevHash, r.Hash}
		for i := range row {
			row[i] = defuse(row[i])
		}
		if err := w.Write(row); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return b.Bytes(), w.Error()
}

// defuse keeps a spreadsheet from running a cell as a formula (CSV
// injection): opinions and names are typed by people.
func defuse(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
