// Package procedures holds the procedure definitions (事项) as versioned data
// and the rules that make a definition valid. A case carries a snapshot of
// its Definition, so a later change of rules never changes a running case.
package procedures

import "encoding/json"

// Text is a label in Chinese and English; users see both.
type Text struct {
	Zh string `json:"zh" yaml:"zh"`
	En string `json:"en" yaml:"en"`
}

// Kinds of stage the interpreter runs.
const (
	KindCheck     = "check"       // automated checks; route on pass or fail
	KindTask      = "task"        // a human task for a role, with named actions
	KindApplicant = "applicant"   // the applicant must act, optionally within a window
	KindWait      = "wait"        // a timer; some actions are allowed meanwhile
	KindIssue     = "issue"       // issue a document into the registry
	KindSign      = "countersign" // parallel opinions of several roles or units
	KindRoute     = "route"       // goes one way or another by named conditions; decides nothing
	KindEnd       = "end"         // the case ends with an outcome
)

// Outcomes a case can end with.
const (
	OutcomeApproved        = "approved"
	OutcomeRefused         = "refused"
	OutcomeNotAccepted     = "not-accepted"
	OutcomeWithdrawn       = "withdrawn"
	OutcomeDeemedWithdrawn = "deemed-withdrawn"
	OutcomeTerminated      = "terminated"
)

// ByParty in Action.By means any party to the case (e.g. either spouse).
const ByParty = "party"

// Levels of Stage.Level.
const (
	LevelOffice     = ""
	LevelPrefecture = "prefecture"
	LevelProvince   = "province"
	LevelNation     = "nation"
)

// Levels of office in Definition.OfficeLevels.
const (
	OfficeCounty     = "county"
	OfficePrefecture = "prefecture"
	OfficeProvince   = "province"
	OfficeNation     = "nation"
)

// TakesOffice reports whether an office at level (one of the Office*
// names) takes applications of the procedure.
func (d *Definition) TakesOffice(level string) bool {
	if len(d.OfficeLevels) == 0 {
		return level != OfficeNation
	}
	for _, l := range d.OfficeLevels {
		if l == level {
			return true
		}
	}
	return false
}

// OfficeAt returns the division whose roles act at level for a case handled
// by office: the office itself, or its prefecture, province or the nation.
func OfficeAt(office, level string) string {
	if len(office) != 6 {
		return office
	}
	switch level {
	case LevelPrefecture:
		return office[:4] + "00"
	case LevelProvince:
		return office[:2] + "0000"
	case LevelNation:
		return "000000"
	}
	return office
}

// Where a timer's period counts from. The period itself starts the next
// day (Civil Code 201); these name the triggering day.
const (
	FromReceipt        = "receipt"         // the day the office received the application
	FromStageEntry     = "stage-entry"     // the day the stage was entered
	FromPreviousPeriod = "previous-period" // the last day of the case's previous period
	// FromAcceptance is the day the office accepted the application: the
	// day of the action marked Accepts, or the day of receipt when the
	// application was received at the office and no such action was taken.
	FromAcceptance = "acceptance"
)

// Definition is one procedure: its form, checks, stages and transitions.
type Definition struct {
	ID         string   `json:"id" yaml:"id"`
	Code       string   `json:"code" yaml:"code"` // short prefix of case IDs, e.g. MAR
	Version    int      `json:"version" yaml:"version"`
	Title      Text     `json:"title" yaml:"title"`
	Nature     string   `json:"nature" yaml:"nature"` // e.g. administrative-confirmation
	LegalBasis []string `json:"legalBasis" yaml:"legalBasis"`
	Applicants Count    `json:"applicants" yaml:"applicants"`
	// OfficeLevels lists the levels of office that take applications of
	// this procedure (county, prefecture, province, nation); empty means
	// the local offices, not the Ministry (000000). Which office is
	// competent for a given applicant is a check of the procedure's own.
	OfficeLevels []string        `json:"officeLevels,omitempty" yaml:"officeLevels"`
	Form         json.RawMessage `json:"form" yaml:"-"` // JSON Schema of the application form
	Params       map[string]any  `json:"params,omitempty" yaml:"params"`
	// ParamBounds are the national limits of params that localities may
	// set: a local value may not go below Min (a national floor such as
	// the marriage ages) or above Max. Loading refuses a value outside.
	ParamBounds  map[string]Bound `json:"paramBounds,omitempty" yaml:"paramBounds"`
	AppealNotice Text             `json:"appealNotice" yaml:"appealNotice"`
	Start        string           `json:"start" yaml:"start"`
	Stages       []Stage          `json:"stages" yaml:"stages"`
	Clocks       []Clock          `json:"clocks,omitempty" yaml:"clocks"`
}

// Clock is a statutory time limit that spans stages (e.g. "decide within
// 20 working days of acceptance"). It starts when the case enters StartsAt,
// stands still in the SuspendedIn stages (correction, expert review,
// announcements that do not count) and resumes where it stopped, and is
// met when the case enters one of StopsAt.
type Clock struct {
	Name        string `json:"name" yaml:"name"`
	Title       Text   `json:"title" yaml:"title"`
	Length      int    `json:"length" yaml:"length"`
	LengthParam string `json:"lengthParam,omitempty" yaml:"lengthParam"` // as in Timer
	Unit        string `json:"unit" yaml:"unit"`                         // calendar-days, working-days, months
	StartsAt    string `json:"startsAt" yaml:"startsAt"`
	// From is the day the period counts from: "stage-entry" (default, the
	// day StartsAt is entered) or "receipt" (the day the office received
	// the application).
	From string `json:"from,omitempty" yaml:"from"`
	// RestartsAt lists stages whose entry starts the clock anew, whatever
	// it stood at (e.g. "60 days from complete documents" restarts when
	// the corrected application comes back).
	RestartsAt  []string    `json:"restartsAt,omitempty" yaml:"restartsAt"`
	StopsAt     []string    `json:"stopsAt" yaml:"stopsAt"`
	SuspendedIn []string    `json:"suspendedIn,omitempty" yaml:"suspendedIn"`
	Reminders   []int       `json:"reminders,omitempty" yaml:"reminders"` // units before the last day
	OnExpiry    ClockExpiry `json:"onExpiry" yaml:"onExpiry"`
	Extension   *Extension  `json:"extension,omitempty" yaml:"extension"`
	Basis       string      `json:"basis,omitempty" yaml:"basis"`
}

// ClockExpiry says what happens when a clock runs out: the case moves to
// Next (an automatic outcome such as deemed accepted), or stays where it is
// and is escalated to a role (supervision of an overdue case).
type ClockExpiry struct {
	Next       string `json:"next,omitempty" yaml:"next"`
	EscalateTo string `json:"escalateTo,omitempty" yaml:"escalateTo"`
}

// Extension is the one longer limit a clock may get (延期), approved by a
// role with reasons, e.g. +10 working days under 行政许可法第四十二条.
type Extension struct {
	Length      int    `json:"length" yaml:"length"`
	LengthParam string `json:"lengthParam,omitempty" yaml:"lengthParam"` // as in Timer
	Unit        string `json:"unit" yaml:"unit"`
	By          string `json:"by" yaml:"by"`
	// Level is where By must be held, relative to the case's office (the
	// approving authority may sit above the office handling the case).
	Level string `json:"level,omitempty" yaml:"level"`
	Basis string `json:"basis,omitempty" yaml:"basis"`
}

// ExtendAction is the action that extends a clock: "extend:<clock name>".
const ExtendAction = "extend:"

// Clock returns the clock with name.
func (d *Definition) Clock(name string) (Clock, bool) {
	for _, c := range d.Clocks {
		if c.Name == name {
			return c, true
		}
	}
	return Clock{}, false
}

// Bound is the national range of a numeric param, with the law that sets it.
type Bound struct {
	Min   *float64 `json:"min,omitempty" yaml:"min"`
	Max   *float64 `json:"max,omitempty" yaml:"max"`
	Basis string   `json:"basis" yaml:"basis"`
}

// Count bounds how many applicants (parties) a case has.
type Count struct {
	Min int `json:"min" yaml:"min"`
	Max int `json:"max" yaml:"max"`
}

// Stage is one step of a procedure.
type Stage struct {
	ID    string `json:"id" yaml:"id"`
	Kind  string `json:"kind" yaml:"kind"`
	Title Text   `json:"title" yaml:"title"`
	Basis string `json:"basis,omitempty" yaml:"basis"`
	// ReturnTo lists earlier stages this stage may send the case back to
	// (退回), with an opinion, by whoever may act here.
	ReturnTo []string `json:"returnTo,omitempty" yaml:"returnTo"`
	// DistinctFrom asks for four eyes: nobody who decided at one of these
	// stages may decide here.
	DistinctFrom []string `json:"distinctFrom,omitempty" yaml:"distinctFrom"`
	// Level is where the stage's roles must be held, relative to the case's
	// office: "" (the office itself), prefecture, province or nation. A
	// multi-level chain (county → prefecture → province → ministry) is a
	// sequence of stages with rising levels.
	Level string `json:"level,omitempty" yaml:"level"`

	// check
	Checks []CheckRef `json:"checks,omitempty" yaml:"checks"`
	OnPass string     `json:"onPass,omitempty" yaml:"onPass"`
	OnFail string     `json:"onFail,omitempty" yaml:"onFail"`

	// task, applicant, wait
	Actions []Action `json:"actions,omitempty" yaml:"actions"`
	Timer   *Timer   `json:"timer,omitempty" yaml:"timer"`

	// route: the first route whose check holds is taken, else Otherwise.
	// Unlike a check stage, a condition that does not hold is no ground
	// for anything: it only picks the way.
	Routes    []Route `json:"routes,omitempty" yaml:"routes"`
	Otherwise string  `json:"otherwise,omitempty" yaml:"otherwise"`

	// countersign: every signer gives an opinion (agree or disagree); the
	// stage passes when Mode is met (all agree, any agrees, Quorum agree)
	// and fails as soon as it no longer can be.
	Signers []Signer `json:"signers,omitempty" yaml:"signers"`
	Mode    string   `json:"mode,omitempty" yaml:"mode"`
	Quorum  int      `json:"quorum,omitempty" yaml:"quorum"`
	Ratio   float64  `json:"ratio,omitempty" yaml:"ratio"`

	// issue
	Document string `json:"document,omitempty" yaml:"document"`
	Next     string `json:"next,omitempty" yaml:"next"`

	// end
	Outcome string `json:"outcome,omitempty" yaml:"outcome"`
}

// Countersign modes.
const (
	ModeAll        = "all"        // 会签: every signer must agree
	ModeAny        = "any"        // 或签: one agreement suffices
	ModeQuorum     = "quorum"     // at least Quorum signers must agree
	ModeSequential = "sequential" // 依次: every signer must agree, one after the other in order
	ModeRatio      = "ratio"      // at least Ratio of the signers (e.g. 0.5, two thirds) must agree
)

// Countersign actions, taken by a signer on their own slot.
const (
	ActionAgree    = "agree"
	ActionDisagree = "disagree"
)

// Signer is one slot of a countersign: a role (at a level) whose holder
// gives an opinion. Two slots are never signed by the same person.
type Signer struct {
	ID    string `json:"id" yaml:"id"`
	Title Text   `json:"title" yaml:"title"`
	Role  string `json:"role" yaml:"role"`
	Level string `json:"level,omitempty" yaml:"level"`
}

// Route is one way out of a route stage: taken when Check holds.
type Route struct {
	Check string `json:"check" yaml:"check"`
	To    string `json:"to" yaml:"to"`
}

// ReturnAction is the prefix of the action that sends a case back to an
// earlier stage: "return:<stage>".
const ReturnAction = "return:"

// CheckRef names an automated check; OnFail overrides the stage's route
// for this check alone (e.g. a registry mismatch waits for proof instead
// of refusing).
type CheckRef struct {
	Check  string `json:"check" yaml:"check"`
	OnFail string `json:"onFail,omitempty" yaml:"onFail"`
}

// Action is something a person may do at a stage.
type Action struct {
	ID              string `json:"id" yaml:"id"`
	Title           Text   `json:"title" yaml:"title"`
	By              string `json:"by" yaml:"by"` // a role, or ByParty
	Next            string `json:"next" yaml:"next"`
	OpinionRequired bool   `json:"opinionRequired,omitempty" yaml:"opinionRequired"`
	// AttachmentRequired: the action must hand in a document (e.g. the
	// assessor's report, the expert evaluation).
	AttachmentRequired bool `json:"attachmentRequired,omitempty" yaml:"attachmentRequired"`
	// ProofRequired: the action accepts proof that a party's marriage
	// ended; among its attachments one per party concerned must say whose
	// marriage, with whom, by which document and on which day. A later
	// action with an effect, by another person, confirms it (four eyes).
	ProofRequired bool `json:"proofRequired,omitempty" yaml:"proofRequired"`
	// AmendsForm: a party's action (resubmitting after a correction notice)
	// may hand in the corrected form, which later checks then read.
	AmendsForm bool `json:"amendsForm,omitempty" yaml:"amendsForm"`
	// Accepts: the action is the office's acceptance (受理) of an
	// application the law asks to be made in person; periods counted
	// "from: acceptance" start from its day.
	Accepts bool   `json:"accepts,omitempty" yaml:"accepts"`
	Effect  string `json:"effect,omitempty" yaml:"effect"` // a named registry effect applied when taken
	Basis   string `json:"basis,omitempty" yaml:"basis"`
	// Amount: the action states a sum the officer sets (核定金额), which
	// later checks and documents of the case read.
	Amount *AmountRule `json:"amount,omitempty" yaml:"amount"`
}

// AmountRule says what sum of money an action carries: whether it must,
// and the params (yuan, local values allowed) it may not exceed. The
// amount is the officer's to set within the rules, not the declaration's.
type AmountRule struct {
	Required bool `json:"required,omitempty" yaml:"required"`
	// MaxParams name the params the amount may not exceed (a cap per
	// application, the limit of what a township may approve or pay first).
	MaxParams []string `json:"maxParams,omitempty" yaml:"maxParams"`
	// AllowZero lets the amount be 0 (nothing granted, e.g. a payment made
	// first that the county does not recognise).
	AllowZero bool `json:"allowZero,omitempty" yaml:"allowZero"`
}

// Timer is a statutory period during a stage.
type Timer struct {
	Name   string `json:"name" yaml:"name"`
	Title  Text   `json:"title" yaml:"title"`
	Length int    `json:"length" yaml:"length"`
	// LengthParam names a param that sets the length locally; Length is
	// then the national ceiling and the default.
	LengthParam string `json:"lengthParam,omitempty" yaml:"lengthParam"`
	Unit        string `json:"unit" yaml:"unit"` // calendar-days, working-days, months
	From        string `json:"from" yaml:"from"`
	OnExpiry    string `json:"onExpiry" yaml:"onExpiry"`
	Basis       string `json:"basis,omitempty" yaml:"basis"`
}

// Stage returns the stage with id.
func (d *Definition) Stage(id string) (Stage, bool) {
	for _, s := range d.Stages {
		if s.ID == id {
			return s, true
		}
	}
	return Stage{}, false
}

// Action returns the action with id at stage s.
func (s Stage) Action(id string) (Action, bool) {
	for _, a := range s.Actions {
		if a.ID == id {
			return a, true
		}
	}
	return Action{}, false
}

// targets lists every stage a stage can move to.
func (s Stage) targets() []string {
	var out []string
	add := func(t string) {
		if t != "" {
			out = append(out, t)
		}
	}
	add(s.OnPass)
	add(s.OnFail)
	for _, c := range s.Checks {
		add(c.OnFail)
	}
	for _, a := range s.Actions {
		add(a.Next)
	}
	for _, r := range s.ReturnTo {
		add(r)
	}
	for _, r := range s.Routes {
		add(r.To)
	}
	add(s.Otherwise)
	if s.Timer != nil {
		add(s.Timer.OnExpiry)
	}
	add(s.Next)
	return out
}

// ActionBasis is the legal basis an action records: its own, else that of
// the stage it is taken at, so that no decision goes without one.
func ActionBasis(s Stage, a Action) string {
	if a.Basis != "" {
		return a.Basis
	}
	return s.Basis
}
