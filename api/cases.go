package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"civilflow/auth"
	"civilflow/divisions"
	"civilflow/procedures"
	"civilflow/store"
	"civilflow/workflows"
)

// SubmitCaseRequest submits an application.
type SubmitCaseRequest struct {
	IdempotencyKey string `header:"Idempotency-Key" maxLength:"64" required:"false" doc:"Repeat a submission safely: the same key returns the same case"`
	Body           struct {
		Procedure string         `json:"procedure" maxLength:"64" pattern:"^[a-z0-9-]+$" doc:"Procedure ID" example:"marriage-registration"`
		Office    string         `json:"office" pattern:"^[0-9]{6}$" doc:"Division code of the receiving office (GB/T 2260)" example:"110105"`
		Form      map[string]any `json:"form" doc:"The application form; its schema is in the procedure definition"`
	}
}

// CaseResponse is where a case stands.
type CaseResponse struct {
	Replayed bool `header:"Idempotent-Replayed" doc:"true when an earlier submission with the same key is returned"`
	Body     CaseView
}

// CaseIDPath names a case.
type CaseIDPath struct {
	ID string `path:"id" maxLength:"64" pattern:"^[A-Z]{2,8}-[0-9]{6}-[0-9]{8}-[0-9]{4,}$" doc:"Case ID" example:"MAR-110105-20261128-0001"`
}

// ActRequest is an action on a case.
type ActRequest struct {
	CaseIDPath
	IdempotencyKey string `header:"Idempotency-Key" maxLength:"64" required:"false" doc:"Repeat an action safely: the same key applies it once"`
	Body           struct {
		Action      string           `json:"action" maxLength:"64" pattern:"^[a-z0-9:-]+$" doc:"One of the case's nextActions, or a task action: claim, release, transfer, delegate, resolve, take-back, urge, copy, add-signer, remove-signer, return:<stage>, extend:<clock>" example:"register"`
		Opinion     string           `json:"opinion,omitempty" maxLength:"2000" required:"false" doc:"Opinion text; required for refusals, returns and extensions"`
		Targets     []string         `json:"targets,omitempty" maxItems:"20" required:"false" doc:"Staff members (subjects in the staff directory) a task is transferred or delegated to, added as signer, or the case is copied to"`
		Attachments []AttachmentBody `json:"attachments,omitempty" maxItems:"20" required:"false" doc:"Documents handed in with the action (a report, a map, a judgment)"`
		Slot        string           `json:"slot,omitempty" maxLength:"64" required:"false" doc:"The countersign slot to remove (remove-signer)"`
		Position    string           `json:"position,omitempty" enum:"before,after" required:"false" doc:"Where an added signer signs in a sequential countersign"`
		Form        map[string]any   `json:"form,omitempty" required:"false" doc:"A corrected application form, where the action takes one (补正)"`
		Amount      *float64         `json:"amount,omitempty" minimum:"0" maximum:"100000000" required:"false" doc:"The sum in yuan (at most two decimals) the officer sets, where the action takes one: a monthly allowance approved, increased or reduced, assistance approved or paid first"`
	}
}

// AttachmentBody is a document handed in with an action.
type AttachmentBody struct {
	Title     string     `json:"title" minLength:"1" maxLength:"200" doc:"What the document is" example:"收养能力评估报告"`
	Reference string     `json:"reference" minLength:"1" maxLength:"500" doc:"Where it is kept (document system ID or URL)" example:"dms://2026/assess/0042"`
	SHA256    string     `json:"sha256,omitempty" pattern:"^[0-9a-f]{64}$" required:"false" doc:"SHA-256 of the file, so the record shows which version was relied on"`
	Proof     *ProofBody `json:"proof,omitempty" required:"false" doc:"What the document proves, when it proves that an applicant's marriage ended (accept-proof)"`
}

func registerCases(api huma.API, d *Deps) {
	huma.Register(api, huma.Operation{
		OperationID: "submit-case", Method: http.MethodPost, Path: "/v1/cases",
		Summary: "Submit an application", Tags: []string{"Cases"}, DefaultStatus: http.StatusCreated,
		MaxBodyBytes: 256 << 10,
		Description: "Starts a case and answers once its automated checks have run: the case then waits for a " +
			"registrar or a timer, or has already ended (e.g. refused, with every reason). The same applicants may " +
			"have one open marriage, divorce or subsistence-allowance application at a time: another is refused " +
			"(409, naming the open case to whoever may read it) until that case ends; the same Idempotency-Key " +
			"still returns the case it made. Staff submitting for someone else are in the read log.",
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusConflict, http.StatusUnprocessableEntity},
	}, d.submitCase)

	huma.Register(api, huma.Operation{
		OperationID: "get-case", Method: http.MethodGet, Path: "/v1/cases/{id}",
		Summary: "Get where a case stands", Tags: []string{"Cases"}, DefaultStatus: http.StatusOK,
		Errors: []int{http.StatusUnauthorized, http.StatusNotFound},
	}, func(ctx context.Context, in *CaseIDPath) (*CaseResponse, error) {
		sum, err := d.caseFor(ctx, in.ID, "read")
		if err != nil {
			return nil, err
		}
		st, err := d.liveState(ctx, sum)
		if err != nil {
			return nil, err
		}
		if err := d.logRead(ctx, sum, "get-case", fieldParties, fieldApplication, fieldDocuments, fieldTimeline); err != nil {
			return nil, err
		}
		return &CaseResponse{Body: d.viewFor(ctx, st, sum.Application)}, nil
	})

	huma.Register(api, huma.Operation{
		OperationID: "act-on-case", Method: http.MethodPost, Path: "/v1/cases/{id}/actions",
		Summary: "Act on a case", Tags: []string{"Cases"}, DefaultStatus: http.StatusOK,
		MaxBodyBytes: 16 << 10,
		Description: "Applies one of the case's nextActions. The workflow checks that the action fits the stage, " +
			"that you hold the role in the case's jurisdiction and are not a party, and that an opinion is given where required; " +
			"otherwise 409 with the reason, and nothing changes.",
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, d.actOnCase)
}

func (d *Deps) submitCase(ctx context.Context, in *SubmitCaseRequest) (*CaseResponse, error) {
	p := principalOf(ctx)
	proc, ok := d.Procedures.Get(in.Body.Procedure)
	if !ok {
		return nil, huma.Error422UnprocessableEntity("validation failed", &huma.ErrorDetail{
			Location: "body.procedure", Message: "unknown procedure; see GET /v1/procedures", Value: in.Body.Procedure})
	}
	div, ok := d.Divisions.Lookup(in.Body.Office)
	if !ok {
		return nil, huma.Error422UnprocessableEntity("validation failed", &huma.ErrorDetail{
			Location: "body.office", Message: "not a known division code (GB/T 2260)", Value: in.Body.Office})
	}
	// The Ministry (000000) takes only the procedures that say so, e.g.
	// national social organizations (社会团体登记管理条例第七条).
	if level := officeLevel(div.Level); !proc.TakesOffice(level) {
		return nil, huma.Error422UnprocessableEntity("validation failed", &huma.ErrorDetail{
			Location: "body.office", Message: fmt.Sprintf("offices at the %s level do not take %s applications", level, proc.ID),
			Value: in.Body.Office})
	}
	if err := checkFormText("body.form", in.Body.Form); err != nil {
		return nil, err
	}
	form, err := json.Marshal(in.Body.Form)
	if err != nil {
		return nil, huma.Error422UnprocessableEntity("validation failed", &huma.ErrorDetail{Location: "body.form", Message: "must be a JSON object"})
	}
	if errs := proc.ValidateForm(form); len(errs) > 0 {
		details := make([]error, 0, len(errs))
		for _, e := range errs {
			details = append(details, &huma.ErrorDetail{Location: "body." + e.Field, Message: e.Rule})
		}
		return nil, huma.Error422UnprocessableEntity("the form breaks the procedure's rules", details...)
	}
	parties, err := partiesOf(form, proc.Applicants.Min, proc.Applicants.Max)
	if err != nil {
		return nil, err
	}
	isParty := slices.ContainsFunc(parties, func(x workflows.Party) bool { return x.IDNumber == p.Subject })
	req := request(p, "case", "submit")
	req.Division, req.Party = in.Body.Office, isParty
	if ok, err := d.allowed(req); err != nil || !ok {
		if err == nil {
			err = huma.Error403Forbidden("you may apply only in your own name, or as staff of the receiving office")
		}
		return nil, err
	}

	now := d.Now().UTC()
	sum := sha256.Sum256(append([]byte(proc.ID+"\x00"+in.Body.Office+"\x00"), form...))
	prefix := fmt.Sprintf("%s-%s-%s", proc.Code, in.Body.Office, now.In(workflows.ChinaTime).Format("20060102"))
	caseID, existing, err := d.Store.ReserveCaseID(ctx, store.Reservation{
		Subject: p.Subject, IdempotencyKey: in.IdempotencyKey, RequestHash: hex.EncodeToString(sum[:]), Prefix: prefix})
	if errors.Is(err, store.ErrIdempotencyConflict) {
		return nil, huma.Error409Conflict("this Idempotency-Key was already used for a different application")
	}
	if err != nil {
		return nil, huma.Error500InternalServerError("reserve case id", err)
	}
	// Staff submitting for someone else receive that person's case (and
	// what the checks found) in the answer: a read like any other.
	logSubmitRead := func() error {
		if isParty {
			return nil
		}
		return d.recordRead(ctx, caseID, in.Body.Office, "submit-case", []string{fieldParties, fieldApplication, fieldDocuments, fieldTimeline})
	}
	if existing {
		if sum, err := d.Store.GetCase(ctx, caseID); err == nil && sum.Status == workflows.StatusClosed {
			st, err := d.storedState(sum)
			if err != nil {
				return nil, err
			}
			if err := logSubmitRead(); err != nil {
				return nil, err
			}
			return &CaseResponse{Replayed: true, Body: d.viewFor(ctx, st, sum.Application)}, nil
		}
	}
	input := workflows.CaseInput{
		CaseID: caseID, Procedure: proc.Definition, Office: in.Body.Office,
		Submitter: actorOf(p), Parties: parties, Form: form, ReceivedAt: now,
	}
	subjects := make([]string, 0, len(parties))
	for _, x := range parties {
		subjects = append(subjects, x.IDNumber)
	}
	// The summary row exists before the workflow starts, so the case is in
	// "my applications" from the moment the submission is answered.
	if err := d.Store.CreateCase(ctx, store.CaseSummary{
		ID: caseID, ProcedureID: proc.ID, ProcedureVersion: proc.Version,
		Title: proc.Title.Zh + " " + proc.Title.En, Office: in.Body.Office, Submitter: p.Subject, Parties: subjects,
		Status: workflows.StatusOpen, Stage: proc.Start, SubmittedAt: now, UpdatedAt: now, Application: form,
		OpenKey: openKey(proc, in.Body.Office, subjects),
	}); errors.Is(err, store.ErrOpenCase) {
		// Refused in the store, so that it holds across API processes; a
		// replay with the key of the open case itself is not refused. The
		// refused request keeps no claim on its Idempotency-Key.
		if ferr := d.Store.ForgetReservation(ctx, p.Subject, in.IdempotencyKey, caseID); ferr != nil {
			d.Logger.Error("forget the reservation of a refused submission", "case", caseID, "error", ferr)
		}
		return nil, d.openCaseConflict(ctx, err)
	} else if err != nil {
		return nil, huma.Error500InternalServerError("create case", err)
	}
	st, err := d.startCase(ctx, input)
	if err != nil {
		return nil, err
	}
	if err := logSubmitRead(); err != nil {
		return nil, err
	}
	return &CaseResponse{Replayed: existing, Body: d.viewFor(ctx, st, form)}, nil
}

// startCase starts the workflow (or attaches to it when a retried
// submission finds it running) and waits until it settles.
func (d *Deps) startCase(ctx context.Context, in workflows.CaseInput) (workflows.CaseState, error) {
	start := d.Temporal.NewWithStartWorkflowOperation(client.StartWorkflowOptions{
		ID: in.CaseID, TaskQueue: workflows.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			temporal.NewSearchAttributeKeyKeyword(workflows.SearchProcedure).ValueSet(in.Procedure.ID),
			temporal.NewSearchAttributeKeyKeyword(workflows.SearchOffice).ValueSet(in.Office),
		),
	}, workflows.CaseWorkflowName, in)
	h, err := d.Temporal.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{
		StartWorkflowOperation: start,
		UpdateOptions: client.UpdateWorkflowOptions{
			WorkflowID: in.CaseID, UpdateName: workflows.UpdateSettled,
			Args: []any{workflows.SettledRequest{}}, WaitForStage: client.WorkflowUpdateStageCompleted,
		},
	})
	var st workflows.CaseState
	if err == nil {
		err = h.Get(ctx, &st)
	}
	if err != nil {
		// A case that already ended cannot take the update; its state is final.
		if q, qerr := d.queryState(ctx, in.CaseID); qerr == nil {
			return q, nil
		}
		return st, huma.Error500InternalServerError("start case", err)
	}
	return st, nil
}

func (d *Deps) actOnCase(ctx context.Context, in *ActRequest) (*CaseResponse, error) {
	// Urging needs only sight of the case (a supervisor urges, never acts);
	// the workflow decides who may urge.
	need := "act"
	if in.Body.Action == workflows.ActionUrge {
		need = "read"
	}
	sum, err := d.caseFor(ctx, in.ID, need)
	if err != nil {
		return nil, err
	}
	if err := actText(in); err != nil {
		return nil, err
	}
	p := principalOf(ctx)
	req := workflows.ActRequest{Action: in.Body.Action, Actor: actorOf(p), Opinion: opinionText(in.Body.Opinion),
		Slot: in.Body.Slot, Position: in.Body.Position}
	for i, subject := range in.Body.Targets {
		m, err := d.Store.Staff(ctx, subject)
		if errors.Is(err, store.ErrNotFound) {
			return nil, huma.Error422UnprocessableEntity("validation failed", &huma.ErrorDetail{
				Location: fmt.Sprintf("body.targets[%d]", i), Message: "not an active member of the staff directory", Value: subject})
		}
		if err != nil {
			return nil, huma.Error500InternalServerError("look up staff", err)
		}
		t := workflows.Actor{Subject: m.Subject, Name: m.Name}
		for _, g := range m.Grants {
			t.Roles = append(t.Roles, workflows.RoleGrant{Role: g.Role, Division: g.Division})
		}
		req.Targets = append(req.Targets, t)
	}
	for _, a := range in.Body.Attachments {
		req.Attachments = append(req.Attachments, workflows.Attachment{Title: a.Title, Reference: a.Reference, SHA256: a.SHA256, Proof: a.Proof.wire()})
	}
	if in.Body.Amount != nil {
		fen, err := amountFen(*in.Body.Amount)
		if err != nil {
			return nil, err
		}
		req.AmountFen = &fen
	}
	if in.Body.Form != nil {
		form, err := d.amendedForm(sum, in.Body.Form)
		if err != nil {
			return nil, err
		}
		req.Form = form
	}
	req, err = d.signAct(in.ID, req)
	if err != nil {
		return nil, huma.Error500InternalServerError("sign action", err)
	}
	opts := client.UpdateWorkflowOptions{
		WorkflowID: in.ID, UpdateName: workflows.UpdateAct, WaitForStage: client.WorkflowUpdateStageCompleted,
		Args: []any{req},
	}
	if in.IdempotencyKey != "" {
		// Scoped by person, so two people's keys never collide.
		opts.UpdateID = p.Subject + ":" + in.IdempotencyKey
	}
	h, err := d.Temporal.UpdateWorkflow(ctx, opts)
	var st workflows.CaseState
	if err == nil {
		err = h.Get(ctx, &st)
	}
	if err != nil {
		var appErr *temporal.ApplicationError
		if errors.As(err, &appErr) && appErr.Type() == workflows.ErrTypeActionRejected {
			return nil, huma.Error409Conflict(appErr.Message())
		}
		var notFound *serviceerror.NotFound
		if errors.As(err, &notFound) {
			return nil, huma.Error409Conflict("the case is closed")
		}
		return nil, huma.Error500InternalServerError("act on case", err)
	}
	// The answer carries the parties' names and ID numbers like a GET, so
	// it is a read of the case (a supervisor's urge, a registrar's claim).
	if err := d.logRead(ctx, sum, actOperation+":"+in.Body.Action, fieldParties, fieldApplication, fieldDocuments, fieldTimeline); err != nil {
		return nil, err
	}
	return &CaseResponse{Body: d.viewFor(ctx, st, sum.Application)}, nil
}

// actOperation names action answers in the read log, followed by the action.
const actOperation = "act-on-case"

// amendedForm validates a corrected form like a submitted one; the people
// the case is about cannot change in a correction.
func (d *Deps) amendedForm(sum store.CaseSummary, body map[string]any) (json.RawMessage, error) {
	proc, ok := d.Procedures.Get(sum.ProcedureID)
	if !ok {
		return nil, huma.Error409Conflict("the case's procedure is no longer offered; its form cannot be corrected here")
	}
	if err := checkFormText("body.form", body); err != nil {
		return nil, err
	}
	form, err := json.Marshal(body)
	if err != nil {
		return nil, huma.Error422UnprocessableEntity("validation failed", &huma.ErrorDetail{Location: "body.form", Message: "must be a JSON object"})
	}
	if errs := proc.ValidateForm(form); len(errs) > 0 {
		details := make([]error, 0, len(errs))
		for _, e := range errs {
			details = append(details, &huma.ErrorDetail{Location: "body." + e.Field, Message: e.Rule})
		}
		return nil, huma.Error422UnprocessableEntity("the corrected form breaks the procedure's rules", details...)
	}
	parties, err := partiesOf(form, proc.Applicants.Min, proc.Applicants.Max)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, x := range parties {
		ids = append(ids, x.IDNumber)
	}
	if !slices.Equal(ids, sum.Parties) {
		return nil, huma.Error422UnprocessableEntity("validation failed", &huma.ErrorDetail{
			Location: "body.form.applicants", Message: "a correction cannot change who the applicants are"})
	}
	return form, nil
}

// caseFor loads a case's summary and checks the person may read it (else
// 404, so a case's existence is not revealed) and, for "act", may act on it.
func (d *Deps) caseFor(ctx context.Context, id, action string) (store.CaseSummary, error) {
	p := principalOf(ctx)
	sum, err := d.Store.GetCase(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return sum, huma.Error404NotFound("no case " + id)
	}
	if err != nil {
		return sum, huma.Error500InternalServerError("load case", err)
	}
	req := request(p, "case", "read")
	req.Division = sum.Office
	party := sum.Submitter == p.Subject || slices.Contains(sum.Parties, p.Subject)
	// Someone the case was copied to (抄送) reads it like a party; acting
	// still needs a party or a role.
	req.Party = party
	if !party {
		if req.Party, err = d.Store.IsReader(ctx, id, p.Subject); err != nil {
			return sum, huma.Error500InternalServerError("load case", err)
		}
	}
	ok, err := d.allowed(req)
	if err != nil {
		return sum, err
	}
	if !ok {
		return sum, huma.Error404NotFound("no case " + id)
	}
	if action != "read" {
		req.Action, req.Party = action, party
		if ok, err := d.allowed(req); err != nil || !ok {
			return sum, orForbidden(err)
		}
	}
	return sum, nil
}

// liveState answers from the workflow while the case is open and from the
// store once it is closed (Temporal deletes histories after retention).
func (d *Deps) liveState(ctx context.Context, sum store.CaseSummary) (workflows.CaseState, error) {
	if sum.Status == workflows.StatusOpen {
		if st, err := d.queryState(ctx, sum.ID); err == nil {
			return st, nil
		} else if len(sum.State) == 0 {
			return workflows.CaseState{}, huma.Error500InternalServerError("query case", err)
		}
	}
	return d.storedState(sum)
}

func (d *Deps) storedState(sum store.CaseSummary) (workflows.CaseState, error) {
	var st workflows.CaseState
	if err := json.Unmarshal(sum.State, &st); err != nil {
		return st, huma.Error500InternalServerError("decode stored case", err)
	}
	return st, nil
}

func (d *Deps) queryState(ctx context.Context, id string) (workflows.CaseState, error) {
	var st workflows.CaseState
	v, err := d.Temporal.QueryWorkflow(ctx, id, "", workflows.QueryState)
	if err != nil {
		return st, err
	}
	return st, v.Get(&st)
}

func actorOf(p auth.Principal) workflows.Actor {
	a := workflows.Actor{Subject: p.Subject, Name: p.Name}
	for _, g := range p.Grants {
		a.Roles = append(a.Roles, workflows.RoleGrant{Role: g.Role, Division: g.Division})
	}
	return a
}

// partiesOf reads the applicants of a validated form.
func partiesOf(form []byte, min, max int) ([]workflows.Party, error) {
	var f struct {
		Applicants []workflows.Party `json:"applicants"`
	}
	if err := json.Unmarshal(form, &f); err != nil || len(f.Applicants) < min || len(f.Applicants) > max {
		return nil, huma.Error422UnprocessableEntity("validation failed", &huma.ErrorDetail{
			Location: "body.form.applicants", Message: fmt.Sprintf("between %d and %d applicants are required", min, max)})
	}
	seen := map[string]bool{}
	for i := range f.Applicants {
		f.Applicants[i].IDNumber = strings.ToUpper(f.Applicants[i].IDNumber)
		if seen[f.Applicants[i].IDNumber] {
			return nil, huma.Error422UnprocessableEntity("validation failed", &huma.ErrorDetail{
				Location: fmt.Sprintf("body.form.applicants[%d].idNumber", i), Message: "the same person appears twice"})
		}
		seen[f.Applicants[i].IDNumber] = true
	}
	return f.Applicants, nil
}

// officeLevel names a division's level as procedure definitions do.
func officeLevel(l divisions.Level) string {
	switch l {
	case divisions.LevelNation:
		return procedures.OfficeNation
	case divisions.LevelProvince:
		return procedures.OfficeProvince
	case divisions.LevelPrefecture:
		return procedures.OfficePrefecture
	}
	return procedures.OfficeCounty
}

// amountFen turns an action's amount in yuan into whole fen; a fraction
// of a fen is a slip the officer should see, not something to round away.
func amountFen(yuan float64) (int64, error) {
	fen := math.Round(yuan * 100)
	if math.Abs(yuan*100-fen) > 1e-6 {
		return 0, huma.Error422UnprocessableEntity("validation failed", &huma.ErrorDetail{
			Location: "body.amount", Message: "an amount has at most two decimals (fen)", Value: yuan})
	}
	return int64(fen), nil
}
