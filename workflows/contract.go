// Package workflows holds the one interpreter workflow that runs any
// procedure definition, and the wire contract (names and payload types)
// shared with the API, the activities and the worker. Everything here is
// deterministic: no I/O, no clocks but workflow.Now, no randomness.
package workflows

import (
	"encoding/json"
	"slices"
	"time"

	"civilflow/procedures"
)

// Wire names, declared once.
const (
	// TaskQueue is the queue the case worker polls.
	TaskQueue = "civilflow-cases"
	// CaseWorkflowName is the registered name of the interpreter.
	CaseWorkflowName = "CaseWorkflow"
	// UpdateAct carries a person's action on a case.
	UpdateAct = "act"
	// UpdateSettled returns the state once the case waits for a person or a
	// timer (or has ended); the API uses it to answer a submission with the
	// outcome of the automated checks.
	UpdateSettled = "settled"
	// QueryState returns the CaseState.
	QueryState = "state"
)

// Activity names.
const (
	ActivityRunChecks        = "RunChecks"
	ActivityComputeDeadline  = "ComputeDeadline"
	ActivityIssueDocuments   = "IssueDocuments"
	ActivityApplyEffect      = "ApplyEffect"
	ActivityRecordTransition = "RecordTransition"
	ActivityCountRemaining   = "CountRemaining"
	ActivityFindHolders      = "FindHolders"
)

// Search attributes set for operators (lists come from the store).
const (
	SearchProcedure = "CivilflowProcedure"
	SearchStage     = "CivilflowStage"
	SearchOffice    = "CivilflowOffice"
	SearchDueAt     = "CivilflowDueAt"
)

// ErrTypeActionRejected is the application-error type of an action the
// workflow refuses; the API answers 409 with its message.
const ErrTypeActionRejected = "ActionRejected"

// Non-retryable activity error types.
const (
	ErrTypeYearNotCovered   = "CalendarYearNotCovered"
	ErrTypeRegistryConflict = "RegistryConflict"
)

// Reason codes of what the engine records when the registry refuses a
// write. Timelines, audit entries and notifications carry the code and a
// fixed text (RegistryConflictText), never the store's or Temporal's error
// text, which may name other people's cases, ID numbers or certificates.
const (
	ReasonRegistryConflict = "registry-conflict"
)

// RegistryConflictText is the case-neutral text of a registry conflict.
var RegistryConflictText = procedures.Text{
	Zh: "登记信息在审查后发生变化，重新审查",
	En: "the registry changed after the checks; the application is checked again",
}

// ChinaTime is the zone of every statutory day (China has no DST, so a
// fixed zone needs no tz database and is deterministic).
var ChinaTime = time.FixedZone("CST", 8*3600)

// RoleGrant is a role held in a jurisdiction (division code).
type RoleGrant struct {
	Role     string `json:"role"`
	Division string `json:"division"`
}

// Actor is who acts, as authenticated by the API.
type Actor struct {
	Subject string      `json:"subject"`
	Name    string      `json:"name"`
	Roles   []RoleGrant `json:"roles,omitempty"`
}

// Party is an applicant in whose name the case runs.
type Party struct {
	IDNumber string `json:"idNumber"`
	Name     string `json:"name"`
}

// CaseInput starts a case.
type CaseInput struct {
	CaseID     string                `json:"caseId"`
	Procedure  procedures.Definition `json:"procedure"` // snapshot: later edits never change this case
	Office     string                `json:"office"`
	Submitter  Actor                 `json:"submitter"`
	Parties    []Party               `json:"parties"`
	Form       json.RawMessage       `json:"form"`
	ReceivedAt time.Time             `json:"receivedAt"`
	// Resume carries a case across continue-as-new: a case that lasts years
	// starts a fresh history now and then, keeping where it stood.
	Resume *Resumption `json:"resume,omitempty"`
	// HistoryLimit is the number of history events after which the case
	// continues as new at its next wait (0: DefaultHistoryLimit).
	HistoryLimit int `json:"historyLimit,omitempty"`
}

// DefaultHistoryLimit keeps histories far below Temporal's limits while
// rarely continuing as new: a marriage takes ~30 events.
const DefaultHistoryLimit = 2000

// TimelineKept is how many timeline entries a case carries across
// continue-as-new; the full trail is in the store's audit entries.
const TimelineKept = 200

// Resumption is where a continued case stood.
type Resumption struct {
	State   CaseState `json:"state"`
	LastDay string    `json:"lastDay,omitempty"` // last day of the previous statutory period
}

// ActRequest is one action on a case.
type ActRequest struct {
	Action      string       `json:"action"`
	Actor       Actor        `json:"actor"`
	Opinion     string       `json:"opinion,omitempty"`
	Attachments []Attachment `json:"attachments,omitempty"`
	// Targets are the people an action hands the task to, adds as signer or
	// copies the case to, with the roles the staff directory knows them by.
	Targets []Actor `json:"targets,omitempty"`
	// Slot names a countersign slot (remove-signer); Position is "before"
	// or "after" the actor's own slot (add-signer in a sequential countersign).
	Slot     string `json:"slot,omitempty"`
	Position string `json:"position,omitempty"`
	// Form is an amended application form handed in by a party (补正),
	// already validated by the API against the procedure's schema.
	Form json.RawMessage `json:"form,omitempty"`
	// AmountFen is the sum an officer sets with the action (核定金额), in
	// fen, where the action takes one (procedures.AmountRule).
	AmountFen *int64 `json:"amountFen,omitempty"`
	// Signature is the API's signature over all of the above; the act
	// validator rejects an action without a valid, fresh one.
	Signature *ActSignature `json:"signature,omitempty"`
}

// Task actions every human stage understands, beside its own.
const (
	ActionClaim        = "claim"         // 认领: take the task from the role's pool
	ActionRelease      = "release"       // give it back to the pool
	ActionTransfer     = "transfer"      // 转办: hand it to another holder of the role
	ActionDelegate     = "delegate"      // 委派: someone works on it, then it comes back
	ActionResolve      = "resolve"       // the delegate hands it back with an opinion
	ActionTakeBack     = "take-back"     // 撤回: the last decider takes the decision back
	ActionUrge         = "urge"          // 催办: nudge whoever holds the case
	ActionCopy         = "copy"          // 抄送: let readers follow the case
	ActionAddSigner    = "add-signer"    // 加签
	ActionRemoveSigner = "remove-signer" // 减签
	// ActionConfirm: a party confirms the application as theirs; taken by
	// staff of the task, it records that every party confirmed in person.
	ActionConfirm = "confirm"
)

// AllConfirmed reports whether every party has confirmed the application.
// The receiver is a pointer so that CaseState's value method set stays
// empty: the API embeds CaseState in its views, and Huma cannot derive a
// schema link for an embedded type with value methods.
func (s *CaseState) AllConfirmed() bool {
	for _, p := range s.Parties {
		if !slices.Contains(s.Confirmed, p.IDNumber) {
			return false
		}
	}
	return len(s.Parties) > 0
}

// UrgeInterval is how often one person may urge the same stage.
const UrgeInterval = 24 * time.Hour

// MaxReaders caps the people a case is copied to.
const MaxReaders = 50

// Limits on what one action may carry into the history.
const (
	MaxAttachments = 20
	MaxOpinion     = 8000
	MaxForm        = 256 << 10
)

// Attachment is a document handed in with an action (an assessment
// report, a map, a court judgment): its title and where it is kept, with a
// digest so the record shows which version was relied on.
type Attachment struct {
	Title     string `json:"title"`
	Reference string `json:"reference"`
	SHA256    string `json:"sha256,omitempty"`
	// Proof is what the document proves, when it proves that a party's
	// marriage ended (a divorce judgment, a death certificate).
	Proof *Proof `json:"proof,omitempty"`
}

// Kinds of proof that a marriage ended.
const (
	ProofDivorceJudgment    = "divorce-judgment"    // 离婚判决书或调解书
	ProofDivorceCertificate = "divorce-certificate" // 离婚证
	ProofDeathCertificate   = "death-certificate"   // 死亡证明
	ProofDeathDeclaration   = "death-declaration"   // 宣告死亡判决书
)

// Proof says whose marriage a document ends, with whom, by what and when.
type Proof struct {
	Kind string `json:"kind"`
	// Number is the judgment's or certificate's number, e.g. （2025）京0105民初123号.
	Number string `json:"number"`
	// Date is the day the marriage ended: the judgment took effect, the
	// divorce was registered, the spouse died.
	Date string `json:"date"`
	// Person is the party (ID number) whose marriage ended; Spouse the
	// former spouse as the document names them.
	Person string `json:"person"`
	Spouse string `json:"spouse"`
}

// Widowed reports whether the proof ends the marriage by the spouse's death.
func (p Proof) Widowed() bool {
	return p.Kind == ProofDeathCertificate || p.Kind == ProofDeathDeclaration
}

// AcceptedProof is a proof a registrar accepted, waiting for a second
// person to confirm it before the registry changes.
type AcceptedProof struct {
	Proof
	Title      string    `json:"title"`
	Reference  string    `json:"reference"`
	AcceptedBy string    `json:"acceptedBy"`
	ByName     string    `json:"byName"`
	At         time.Time `json:"at"`
}

// SettledRequest asks for the state once the case is settled.
type SettledRequest struct{}

// Case status values.
const (
	StatusOpen   = "open"
	StatusClosed = "closed"
)

// CaseState is where a case stands; the Query answers it and the store
// keeps its last snapshot.
type CaseState struct {
	CaseID           string           `json:"caseId"`
	ProcedureID      string           `json:"procedureId"`
	ProcedureVersion int              `json:"procedureVersion"`
	ProcedureTitle   procedures.Text  `json:"procedureTitle"`
	Office           string           `json:"office"`
	Submitter        string           `json:"submitter"`
	Parties          []Party          `json:"parties"`
	ReceivedAt       time.Time        `json:"receivedAt"`
	Status           string           `json:"status"`
	Stage            string           `json:"stage"`
	StageKind        string           `json:"stageKind"`
	StageTitle       procedures.Text  `json:"stageTitle"`
	Outcome          string           `json:"outcome,omitempty"`
	Reasons          []Reason         `json:"reasons,omitempty"`
	AppealNotice     *procedures.Text `json:"appealNotice,omitempty"`
	NextActions      []NextAction     `json:"nextActions"`
	Deadlines        []Deadline       `json:"deadlines"`
	Clocks           []ClockState     `json:"clocks"`
	Signatures       []Signature      `json:"signatures,omitempty"`
	Assignment       *Assignment      `json:"assignment,omitempty"`
	LastDecision     *Decision        `json:"lastDecision,omitempty"`
	Readers          []Reader         `json:"readers,omitempty"`
	Urges            []Urge           `json:"urges,omitempty"`
	Documents        []Document       `json:"documents"`
	Flags            []string         `json:"flags,omitempty"`
	// Confirmed lists the parties (ID numbers) who confirmed the
	// application themselves or in person before a registrar.
	Confirmed []string `json:"confirmed,omitempty"`
	// Proofs are proofs that a party's marriage ended, accepted and waiting
	// to be confirmed by a second person.
	Proofs []AcceptedProof `json:"proofs,omitempty"`
	// AmendedForm is the form as corrected by a party, when it was.
	AmendedForm json.RawMessage `json:"amendedForm,omitempty"`
	// AmountFen is the last sum an officer set on the case (fen), which
	// later checks and documents read.
	AmountFen *int64     `json:"amountFen,omitempty"`
	Timeline  []Event    `json:"timeline"`
	ClosedAt  *time.Time `json:"closedAt,omitempty"`
	Seq       int64      `json:"seq"`

	// AcceptedOn is the day the office accepted an application made in
	// person (an action marked Accepts), if it was.
	AcceptedOn string `json:"acceptedOn,omitempty"`
}

// Reason is one ground for a refusal or a non-acceptance.
type Reason struct {
	Check   string          `json:"check,omitempty"`
	Message procedures.Text `json:"message"`
	Basis   string          `json:"basis,omitempty"`
	// Registry is set when the message says what the civil registry holds
	// about a person (married since…): applicants see it only once every
	// party has confirmed the application (see Confirmed).
	Registry bool `json:"registry,omitempty"`
}

// WithheldReason stands, for applicants, in place of what the registry
// holds about a person until every party has confirmed the application.
var WithheldReason = procedures.Text{
	Zh: "婚姻登记等信息核查未通过；各方当事人确认申请后显示详情，或请到登记机关查询",
	En: "a registry check did not pass; the details show once every applicant has confirmed the application, or ask the office",
}

// NextAction is something someone may do now.
type NextAction struct {
	Action          string          `json:"action"`
	Title           procedures.Text `json:"title"`
	By              string          `json:"by"`     // a role, or "party"
	Office          string          `json:"office"` // where the role must be held
	OpinionRequired bool            `json:"opinionRequired,omitempty"`
}

// Deadline is a statutory period of the case.
type Deadline struct {
	Name            string          `json:"name"`
	Title           procedures.Text `json:"title"`
	From            string          `json:"from"`    // triggering day; counting starts the next day
	LastDay         string          `json:"lastDay"` // the period includes this whole day
	EndsAt          time.Time       `json:"endsAt"`  // 24:00 China time of LastDay
	Rule            string          `json:"rule"`
	Basis           string          `json:"basis,omitempty"`
	CalendarVersion string          `json:"calendarVersion"`
	Active          bool            `json:"active"`
	Length          int             `json:"length"`
	Unit            string          `json:"unit"`
	// PendingCalendar is set while the period cannot be counted because
	// the legal calendar lacks a year; the case is flagged and the count
	// retried hourly until an operator adds the year.
	PendingCalendar string `json:"pendingCalendar,omitempty"`
	// Provisional, when set, says why LastDay is provisional (a year
	// without a loaded notice); the period is recounted until it is not.
	Provisional string `json:"provisional,omitempty"`
}

// Clock status values.
const (
	ClockRunning   = "running"
	ClockSuspended = "suspended"
	ClockMet       = "met"     // stopped in time
	ClockOverdue   = "overdue" // ran out; escalated, the case still open
	ClockExpired   = "expired" // ran out and moved the case on
)

// ClockState is where a statutory time limit stands.
type ClockState struct {
	Name      string          `json:"name"`
	Title     procedures.Text `json:"title"`
	Status    string          `json:"status"`
	Unit      string          `json:"unit"`
	Length    int             `json:"length"`
	StartedOn string          `json:"startedOn"`         // triggering day; counting starts the next day
	LastDay   string          `json:"lastDay,omitempty"` // empty while suspended
	// NominalLastDay is LastDay before a rest-day extension: what is left of
	// a period that stands still is counted up to it, not to the extension.
	NominalLastDay  string          `json:"nominalLastDay,omitempty"`
	EndsAt          *time.Time      `json:"endsAt,omitempty"`
	Remaining       int             `json:"remaining,omitempty"`     // units left when it was suspended
	RemainingUnit   string          `json:"remainingUnit,omitempty"` // unit of Remaining
	SuspendedSince  string          `json:"suspendedSince,omitempty"`
	SuspendedReason procedures.Text `json:"suspendedReason,omitempty"` // the stage it stands still in
	Extended        bool            `json:"extended,omitempty"`
	Reminders       []Reminder      `json:"reminders,omitempty"`
	EscalatedTo     string          `json:"escalatedTo,omitempty"`
	// PendingCalendar, with the count to retry, is set while the legal
	// calendar lacks a year the clock needs.
	PendingCalendar string `json:"pendingCalendar,omitempty"`
	PendingFrom     string `json:"pendingFrom,omitempty"`
	PendingLength   int    `json:"pendingLength,omitempty"`
	PendingUnit     string `json:"pendingUnit,omitempty"`
	// Provisional, when set, says why LastDay is provisional; the count
	// kept in PendingFrom/Length/Unit is redone until it is final.
	Provisional     string `json:"provisional,omitempty"`
	Rule            string `json:"rule"`
	Basis           string `json:"basis,omitempty"`
	CalendarVersion string `json:"calendarVersion"`
}

// Reminder is a point before a clock's last day at which people are told.
type Reminder struct {
	Before int       `json:"before"` // units before the last day
	At     time.Time `json:"at"`
	Sent   bool      `json:"sent"`
}

// Assignment is who holds the task of a human stage: its role's pool at an
// office until someone claims it, or a person; while delegated, the delegate
// holds it for the owner.
type Assignment struct {
	Role       string `json:"role"`
	Office     string `json:"office"`               // where the role is held (raised when nobody holds it below)
	RaisedFrom string `json:"raisedFrom,omitempty"` // the office nobody held the role in
	Holder     string `json:"holder,omitempty"`
	HolderName string `json:"holderName,omitempty"`
	Owner      string `json:"owner,omitempty"` // who delegated the task
	OwnerName  string `json:"ownerName,omitempty"`
}

// Decision is the last decision that moved the case, which its maker may
// take back while the next stage has not acted.
type Decision struct {
	Actor  string `json:"actor"`
	Action string `json:"action"`
	From   string `json:"from"`
	To     string `json:"to"`
	Seq    int64  `json:"seq"`
}

// Reader is someone the case was copied to.
type Reader struct {
	Subject string    `json:"subject"`
	Name    string    `json:"name"`
	By      string    `json:"by"`
	At      time.Time `json:"at"`
}

// Urge is one nudge to whoever holds the case.
type Urge struct {
	By      string    `json:"by"`
	ByName  string    `json:"byName"`
	Stage   string    `json:"stage"`
	At      time.Time `json:"at"`
	Message string    `json:"message,omitempty"`
}

// Signature is one slot of a countersign and the opinion given in it.
type Signature struct {
	Slot      string          `json:"slot"`
	Title     procedures.Text `json:"title"`
	Role      string          `json:"role"`
	Office    string          `json:"office"`
	Person    string          `json:"person,omitempty"` // an added signer: only this person signs
	Status    string          `json:"status"`           // open, agreed, disagreed, not-needed
	Actor     string          `json:"actor,omitempty"`
	ActorName string          `json:"actorName,omitempty"`
	Opinion   string          `json:"opinion,omitempty"`
	At        *time.Time      `json:"at,omitempty"`
}

// Document is an issued certificate.
type Document struct {
	Kind           string `json:"kind"`
	Number         string `json:"number"`
	HolderIDNumber string `json:"holderIdNumber"`
	HolderName     string `json:"holderName"`
	IssuedOn       string `json:"issuedOn"`
	// Data holds what the document decides, where it decides more than who
	// (an amount, a payment start, a registered name).
	Data map[string]any `json:"data,omitempty"`
}

// Event is one entry of the case timeline (and of the audit trail).
type Event struct {
	Seq       int64     `json:"seq"`
	At        time.Time `json:"at"`
	Actor     string    `json:"actor"` // subject, or "system"
	ActorName string    `json:"actorName,omitempty"`
	Role      string    `json:"role,omitempty"`
	Office    string    `json:"office,omitempty"`
	Action    string    `json:"action"`
	StageFrom string    `json:"stageFrom,omitempty"`
	StageTo   string    `json:"stageTo,omitempty"`
	Opinion   string    `json:"opinion,omitempty"`
	Basis     string    `json:"basis,omitempty"`
	// Attachments handed in with the action.
	Attachments []Attachment `json:"attachments,omitempty"`
	// PartyOpinion, when set, is what applicants see instead of Opinion
	// until every party has confirmed the application: Opinion says what
	// the registry holds about a person.
	PartyOpinion string `json:"partyOpinion,omitempty"`
}

// ChecksInput asks the activities to run a check stage.
type ChecksInput struct {
	CaseID  string                `json:"caseId"`
	Checks  []procedures.CheckRef `json:"checks"`
	Params  map[string]any        `json:"params,omitempty"`
	Parties []Party               `json:"parties"`
	Form    json.RawMessage       `json:"form"`
	Office  string                `json:"office"`
	OnDay   string                `json:"onDay"` // the day the checks apply to (ages are counted on it)
	// Submitter is who filed the application: a party online, or staff at
	// the office with the parties present.
	Submitter *Actor `json:"submitter,omitempty"`
	// AmountFen is the last sum an officer set on the case, if any.
	AmountFen *int64 `json:"amountFen,omitempty"`
}

// ChecksResult lists every failed check.
type ChecksResult struct {
	Failed []Reason `json:"failed"`
}

// DeadlineInput asks for a statutory period to be counted.
type DeadlineInput struct {
	From      string `json:"from"`
	Length    int    `json:"length"`
	Unit      string `json:"unit"`
	Reminders []int  `json:"reminders,omitempty"`
	// Office is the case's office: its region's own days off count (M20).
	Office string `json:"office,omitempty"`
}

// DeadlineResult is the counted period.
type DeadlineResult struct {
	LastDay         string `json:"lastDay"`
	NominalLastDay  string `json:"nominalLastDay,omitempty"` // before any rest-day extension
	Rule            string `json:"rule"`
	CalendarVersion string `json:"calendarVersion"`
	// ReminderDays are the days reminders fall on, farthest from the last
	// day first (a slice, not a map: workflow code must not range over maps).
	ReminderDays []ReminderDay `json:"reminderDays,omitempty"`
	// Provisional says why the last day is provisional: a year it touches
	// has no loaded notice (M21); "" for a final count.
	Provisional string `json:"provisional,omitempty"`
}

// ReminderDay is the day a reminder `Before` units ahead of a last day falls on.
type ReminderDay struct {
	Before int    `json:"before"`
	Day    string `json:"day"`
}

// HoldersInput asks where the staff directory knows holders of a role,
// starting at an office and going up the jurisdictions.
type HoldersInput struct {
	Role   string `json:"role"`
	Office string `json:"office"`
}

// HoldersResult is the nearest office at or above the asked one where
// someone holds the role ("" when the directory knows nobody).
type HoldersResult struct {
	Office string `json:"office"`
}

// RemainingInput asks how many units of a period are left after From up to
// and including LastDay (used when a clock is suspended).
type RemainingInput struct {
	From    string `json:"from"`
	LastDay string `json:"lastDay"`
	Unit    string `json:"unit"`
	Office  string `json:"office,omitempty"` // whose regional days off count
}

// RemainingResult is the units left, in Unit (months count as calendar days).
type RemainingResult struct {
	Remaining int    `json:"remaining"`
	Unit      string `json:"unit"`
}

// IssueInput asks for a document to be issued into the registry.
type IssueInput struct {
	CaseID   string          `json:"caseId"`
	Document string          `json:"document"`
	Office   string          `json:"office"`
	OnDay    string          `json:"onDay"`
	Parties  []Party         `json:"parties"`
	Form     json.RawMessage `json:"form,omitempty"`
	// ProcedureID and Params let one issuer serve several procedures and
	// read local values (amounts, limits) from the definition.
	ProcedureID string         `json:"procedureId,omitempty"`
	Params      map[string]any `json:"params,omitempty"`
	// AmountFen is the last sum an officer set on the case, if any.
	AmountFen *int64 `json:"amountFen,omitempty"`
}

// IssueResult lists the documents issued (the same ones on a retry).
type IssueResult struct {
	Documents []Document `json:"documents"`
}

// EffectInput asks for a named registry effect of an action.
type EffectInput struct {
	CaseID  string          `json:"caseId"`
	Office  string          `json:"office,omitempty"`
	Effect  string          `json:"effect"`
	OnDay   string          `json:"onDay"`
	Parties []Party         `json:"parties"`
	Note    string          `json:"note"`
	Form    json.RawMessage `json:"form,omitempty"`
	// Proofs are the confirmed proofs an effect acts on (end-prior-marriage).
	Proofs []AcceptedProof `json:"proofs,omitempty"`
	// ProcedureID and Params as in IssueInput.
	ProcedureID string         `json:"procedureId,omitempty"`
	Params      map[string]any `json:"params,omitempty"`
}

// EffectResult says what an effect changed in the registry.
type EffectResult struct {
	// Ended lists the marriages a proof ended.
	Ended []EndedMarriage `json:"ended,omitempty"`
}

// EndedMarriage is a marriage ended per proof: whose, registered when,
// ended when and with what status for the party.
type EndedMarriage struct {
	Person       string `json:"person"`
	RegisteredOn string `json:"registeredOn"`
	DissolvedOn  string `json:"dissolvedOn"`
	Status       string `json:"status"`
}

// RecordInput writes the read model and the new audit entries.
type RecordInput struct {
	State     CaseState  `json:"state"`
	NewEvents []Event    `json:"newEvents"`
	DueAt     *time.Time `json:"dueAt,omitempty"`
}

// RecordResult is empty; it exists so the payload can grow.
type RecordResult struct{}
