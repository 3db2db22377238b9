package procedures

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"gopkg.in/yaml.v3"

	"civilflow/calendar"
	"civilflow/idnumber"
)

//go:embed definitions/*.yaml
var builtin embed.FS

// Catalog names what the running binary implements, so a definition that
// refers to anything else fails at load rather than in a running case.
type Catalog struct {
	Roles     []string
	Checks    []string
	Documents []string
	Effects   []string
}

// Procedure is a validated definition with its compiled form schema.
type Procedure struct {
	Definition
	Source string // file it came from, for messages
	schema *jsonschema.Schema
}

// Registry holds the loaded procedures by ID.
type Registry struct {
	byID map[string]*Procedure
}

// LoadBuiltin loads the definitions embedded in the binary.
func LoadBuiltin(cat Catalog) (*Registry, error) {
	sub, err := fs.Sub(builtin, "definitions")
	if err != nil {
		return nil, err
	}
	return LoadFS(sub, cat)
}

// LoadWithDir loads the built-in definitions and those in dir (a
// province's local procedures, added without a rebuild). The files in dir
// are validated exactly like the built-in ones; an ID or code used twice
// fails the load.
func LoadWithDir(cat Catalog, dir string) (*Registry, error) {
	sub, err := fs.Sub(builtin, "definitions")
	if err != nil {
		return nil, err
	}
	if dir == "" {
		return LoadFS(sub, cat)
	}
	return LoadFS(sub, cat, os.DirFS(dir))
}

// LoadFS loads every *.yaml file at the top of each fsys. Any fault fails
// the whole load with a message naming the file and the fault.
func LoadFS(fsys fs.FS, cat Catalog, more ...fs.FS) (*Registry, error) {
	r := &Registry{byID: map[string]*Procedure{}}
	codes := map[string]string{}
	for _, f := range append([]fs.FS{fsys}, more...) {
		if err := r.load(f, cat, codes); err != nil {
			return nil, err
		}
	}
	if len(r.byID) == 0 {
		return nil, errors.New("procedures: no definitions found")
	}
	return r, nil
}

func (r *Registry) load(fsys fs.FS, cat Catalog, codes map[string]string) error {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		raw, err := fs.ReadFile(fsys, name)
		if err != nil {
			return fmt.Errorf("procedures: %s: %w", name, err)
		}
		p, err := Parse(raw, cat)
		if err != nil {
			return fmt.Errorf("procedures: %s: %w", name, err)
		}
		p.Source = path.Base(name)
		if prev, ok := r.byID[p.ID]; ok {
			return fmt.Errorf("procedures: %s: id %q already defined in %s", name, p.ID, prev.Source)
		}
		if prev, ok := codes[p.Code]; ok {
			return fmt.Errorf("procedures: %s: code %q already used by %s", name, p.Code, prev)
		}
		codes[p.Code] = name
		r.byID[p.ID] = p
	}
	return nil
}

// Get returns the procedure with id.
func (r *Registry) Get(id string) (*Procedure, bool) {
	p, ok := r.byID[id]
	return p, ok
}

// List returns all procedures ordered by ID.
func (r *Registry) List() []*Procedure {
	out := make([]*Procedure, 0, len(r.byID))
	for _, p := range r.byID {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// yamlDefinition reads the form as a plain tree, since JSON Schema in YAML
// must be turned into JSON for the validator and for the case snapshot.
type yamlDefinition struct {
	Definition `yaml:",inline"`
	Form       map[string]any `yaml:"form"`
}

// Parse decodes and validates one definition.
func Parse(raw []byte, cat Catalog) (*Procedure, error) {
	var y yamlDefinition
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&y); err != nil {
		return nil, fmt.Errorf("invalid YAML: %w", err)
	}
	if y.Form == nil {
		return nil, errors.New("form: a JSON Schema is required")
	}
	form, err := json.Marshal(y.Form)
	if err != nil {
		return nil, fmt.Errorf("form: %w", err)
	}
	p := &Procedure{Definition: y.Definition}
	p.Form = form
	if err := Validate(&p.Definition, cat); err != nil {
		return nil, err
	}
	if p.schema, err = compileForm(form); err != nil {
		return nil, fmt.Errorf("form: %w", err)
	}
	return p, nil
}

var ended = map[string]bool{
	OutcomeApproved: true, OutcomeRefused: true, OutcomeNotAccepted: true,
	OutcomeWithdrawn: true, OutcomeDeemedWithdrawn: true, OutcomeTerminated: true,
}

// Validate checks a definition's structure: known kinds, roles, checks,
// documents and effects; transitions that land on real stages; every stage
// reachable from the start; and from every stage a path to an end.
func Validate(d *Definition, cat Catalog) error {
	var errs []error
	fail := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if d.ID == "" || d.Code == "" || d.Version < 1 {
		fail("id, code and version (>= 1) are required")
	}
	if d.Title.Zh == "" || d.Title.En == "" {
		fail("title: zh and en are required")
	}
	if d.Applicants.Min < 1 || d.Applicants.Max < d.Applicants.Min {
		fail("applicants: need 1 <= min <= max")
	}
	for _, l := range d.OfficeLevels {
		switch l {
		case OfficeCounty, OfficePrefecture, OfficeProvince, OfficeNation:
		default:
			fail("officeLevels: unknown level %q (county, prefecture, province or nation)", l)
		}
	}
	stages := map[string]Stage{}
	for _, s := range d.Stages {
		if s.ID == "" {
			fail("a stage has no id")
			continue
		}
		if _, dup := stages[s.ID]; dup {
			fail("stage %q: defined twice", s.ID)
		}
		stages[s.ID] = s
	}
	if _, ok := stages[d.Start]; !ok {
		fail("start: stage %q does not exist", d.Start)
	}
	for _, s := range d.Stages {
		where := fmt.Sprintf("stage %q", s.ID)
		switch s.Level {
		case LevelOffice, LevelPrefecture, LevelProvince, LevelNation:
		default:
			fail("%s: unknown level %q (prefecture, province or nation)", where, s.Level)
		}
		for _, t := range s.targets() {
			if _, ok := stages[t]; !ok {
				fail("%s: transition to unknown stage %q", where, t)
			}
		}
		for _, d := range s.DistinctFrom {
			if _, ok := stages[d]; !ok {
				fail("%s: distinctFrom: unknown stage %q", where, d)
			}
		}
		if len(s.ReturnTo) > 0 && s.Kind != KindTask && s.Kind != KindSign {
			fail("%s: only a task or a countersign can return a case", where)
		}
		switch s.Kind {
		case KindCheck:
			if len(s.Checks) == 0 || s.OnPass == "" || s.OnFail == "" {
				fail("%s: a check stage needs checks, onPass and onFail", where)
			}
			for _, c := range s.Checks {
				if !slices.Contains(cat.Checks, c.Check) {
					fail("%s: unknown check %q", where, c.Check)
				}
			}
		case KindTask, KindApplicant, KindWait:
			validateActions(s, cat, fail)
		case KindSign:
			validateSigners(s, cat, fail)
		case KindRoute:
			if len(s.Routes) == 0 || s.Otherwise == "" {
				fail("%s: a route stage needs routes and otherwise", where)
			}
			for _, r := range s.Routes {
				if !slices.Contains(cat.Checks, r.Check) {
					fail("%s: unknown check %q", where, r.Check)
				}
			}
		case KindIssue:
			if !slices.Contains(cat.Documents, s.Document) {
				fail("%s: unknown document %q", where, s.Document)
			}
			if s.Next == "" {
				fail("%s: an issue stage needs next", where)
			}
		case KindEnd:
			if !ended[s.Outcome] {
				fail("%s: unknown outcome %q", where, s.Outcome)
			}
			if len(s.targets()) > 0 {
				fail("%s: an end stage has no transitions", where)
			}
		default:
			fail("%s: unknown stage kind %q", where, s.Kind)
		}
	}
	validateClocks(d, stages, cat, fail)
	for _, st := range d.Stages {
		if st.Timer != nil {
			if err := checkLengthParam(d.Params, st.Timer.LengthParam, st.Timer.Length); err != nil {
				fail("stage %q: timer: %v", st.ID, err)
			}
		}
		for _, a := range st.Actions {
			if a.Amount == nil {
				continue
			}
			for _, p := range a.Amount.MaxParams {
				if err := checkAmountParam(d.Params, p); err != nil {
					fail("stage %q: action %q: amount: %v", st.ID, a.ID, err)
				}
			}
		}
	}
	for _, c := range d.Clocks {
		if err := checkLengthParam(d.Params, c.LengthParam, c.Length); err != nil {
			fail("clock %q: %v", c.Name, err)
		}
		if c.Extension != nil {
			if err := checkLengthParam(d.Params, c.Extension.LengthParam, c.Extension.Length); err != nil {
				fail("clock %q: extension: %v", c.Name, err)
			}
		}
	}
	errs = append(errs, checkParamBounds(d.Params, d.ParamBounds)...)
	if len(errs) == 0 {
		errs = append(errs, checkGraph(d, stages)...)
	}
	return errors.Join(errs...)
}

func validUnit(u string) bool {
	switch calendar.Unit(u) {
	case calendar.CalendarDays, calendar.WorkingDays, calendar.Months:
		return true
	}
	return false
}

func validateClocks(d *Definition, stages map[string]Stage, cat Catalog, fail func(string, ...any)) {
	names := map[string]bool{}
	for _, c := range d.Clocks {
		where := fmt.Sprintf("clock %q", c.Name)
		if c.Name == "" || names[c.Name] {
			fail("%s: clocks need unique names", where)
		}
		names[c.Name] = true
		if c.Length < 1 || !validUnit(c.Unit) {
			fail("%s: needs length >= 1 and a unit (calendar-days, working-days, months)", where)
		}
		if _, ok := stages[c.StartsAt]; !ok {
			fail("%s: startsAt: unknown stage %q", where, c.StartsAt)
		}
		if len(c.StopsAt) == 0 {
			fail("%s: stopsAt: at least one stage is required", where)
		}
		if c.From != "" && c.From != FromStageEntry && c.From != FromReceipt {
			fail("%s: from: %q is neither stage-entry nor receipt", where, c.From)
		}
		for _, list := range [][]string{c.StopsAt, c.SuspendedIn, c.RestartsAt} {
			for _, s := range list {
				if _, ok := stages[s]; !ok {
					fail("%s: unknown stage %q", where, s)
				}
			}
		}
		for _, r := range c.Reminders {
			if r < 1 || r >= c.Length {
				fail("%s: reminder %d must be between 1 and the length", where, r)
			}
		}
		switch e := c.OnExpiry; {
		case (e.Next == "") == (e.EscalateTo == ""):
			fail("%s: onExpiry needs exactly one of next and escalateTo", where)
		case e.Next != "":
			if _, ok := stages[e.Next]; !ok {
				fail("%s: onExpiry: unknown stage %q", where, e.Next)
			}
		case !slices.Contains(cat.Roles, e.EscalateTo):
			fail("%s: onExpiry: unknown role %q", where, e.EscalateTo)
		}
		if x := c.Extension; x != nil {
			if x.Length < 1 || !validUnit(x.Unit) || x.Unit == string(calendar.Months) && c.Unit != x.Unit {
				fail("%s: extension needs length >= 1 and a day unit", where)
			}
			if !slices.Contains(cat.Roles, x.By) {
				fail("%s: extension: unknown role %q", where, x.By)
			}
			switch x.Level {
			case LevelOffice, LevelPrefecture, LevelProvince, LevelNation:
			default:
				fail("%s: extension: unknown level %q", where, x.Level)
			}
		}
	}
}

func validateSigners(s Stage, cat Catalog, fail func(string, ...any)) {
	where := fmt.Sprintf("stage %q", s.ID)
	if len(s.Signers) == 0 || s.OnPass == "" || s.OnFail == "" {
		fail("%s: a countersign needs signers, onPass and onFail", where)
	}
	ids := map[string]bool{}
	for _, g := range s.Signers {
		if g.ID == "" || ids[g.ID] {
			fail("%s: signers need unique ids", where)
		}
		ids[g.ID] = true
		if !slices.Contains(cat.Roles, g.Role) {
			fail("%s: signer %q: unknown role %q", where, g.ID, g.Role)
		}
		switch g.Level {
		case LevelOffice, LevelPrefecture, LevelProvince, LevelNation:
		default:
			fail("%s: signer %q: unknown level %q", where, g.ID, g.Level)
		}
	}
	switch s.Mode {
	case ModeAll, ModeAny, ModeSequential:
	case ModeQuorum:
		if s.Quorum < 1 || s.Quorum > len(s.Signers) {
			fail("%s: quorum must be between 1 and the number of signers", where)
		}
	case ModeRatio:
		if s.Ratio <= 0 || s.Ratio > 1 {
			fail("%s: ratio must be above 0 and at most 1", where)
		}
	default:
		fail("%s: unknown mode %q (all, any, sequential, quorum or ratio)", where, s.Mode)
	}
	if len(s.Actions) > 0 {
		fail("%s: a countersign takes agree and disagree from its signers, not actions", where)
	}
	if s.Timer != nil {
		validateActions(Stage{ID: s.ID, Timer: s.Timer}, cat, fail)
	}
}

func validateActions(s Stage, cat Catalog, fail func(string, ...any)) {
	where := fmt.Sprintf("stage %q", s.ID)
	roleActions, partyActions := 0, 0
	ids := map[string]bool{}
	for _, a := range s.Actions {
		if a.ID == "" || a.Next == "" {
			fail("%s: every action needs id and next", where)
		}
		if ids[a.ID] {
			fail("%s: action %q defined twice", where, a.ID)
		}
		ids[a.ID] = true
		switch {
		case a.By == ByParty:
			partyActions++
		case slices.Contains(cat.Roles, a.By):
			roleActions++
		default:
			fail("%s: action %q: unknown role %q", where, a.ID, a.By)
		}
		if a.AmendsForm && a.By != ByParty {
			fail("%s: action %q: only a party's action amends the form", where, a.ID)
		}
		if a.ProofRequired && (a.By == ByParty || a.Effect != "") {
			// A second person confirms the proof by a later action with
			// the effect; the one who accepts it changes nothing.
			fail("%s: action %q: proof is accepted by a role, without an effect", where, a.ID)
		}
		if a.Accepts && a.By == ByParty {
			fail("%s: action %q: the office accepts, not a party", where, a.ID)
		}
		if a.Effect != "" && !slices.Contains(cat.Effects, a.Effect) {
			fail("%s: action %q: unknown effect %q", where, a.ID, a.Effect)
		}
	}
	if t := s.Timer; t != nil {
		if t.Name == "" || t.Length < 1 || t.OnExpiry == "" {
			fail("%s: timer needs name, length >= 1 and onExpiry", where)
		}
		if !validUnit(t.Unit) {
			fail("%s: timer: unknown unit %q", where, t.Unit)
		}
		switch t.From {
		case FromReceipt, FromStageEntry, FromPreviousPeriod, FromAcceptance:
		default:
			fail("%s: timer: unknown start %q", where, t.From)
		}
	}
	switch s.Kind {
	case KindTask:
		if roleActions == 0 {
			fail("%s: a task needs at least one action by a role", where)
		}
	case KindApplicant:
		if partyActions == 0 {
			fail("%s: an applicant stage needs at least one action by a party", where)
		}
	case KindWait:
		if s.Timer == nil {
			fail("%s: a wait stage needs a timer", where)
		}
	}
}

// checkGraph finds unreachable stages and stages from which no end can be
// reached (a case there would never finish).
func checkGraph(d *Definition, stages map[string]Stage) []error {
	var errs []error
	reached := map[string]bool{}
	// A clock that runs out moves the case from wherever it is; count its
	// target as reachable from the stage where the clock starts.
	extra := map[string][]string{}
	for _, c := range d.Clocks {
		if c.OnExpiry.Next != "" {
			extra[c.StartsAt] = append(extra[c.StartsAt], c.OnExpiry.Next)
		}
	}
	var walk func(string)
	walk = func(id string) {
		if reached[id] {
			return
		}
		reached[id] = true
		for _, t := range append(stages[id].targets(), extra[id]...) {
			walk(t)
		}
	}
	walk(d.Start)
	ends := map[string]bool{}
	for changed := true; changed; {
		changed = false
		for _, s := range d.Stages {
			if ends[s.ID] {
				continue
			}
			if s.Kind == KindEnd {
				ends[s.ID], changed = true, true
				continue
			}
			for _, t := range s.targets() {
				if ends[t] {
					ends[s.ID], changed = true, true
					break
				}
			}
		}
	}
	for _, s := range d.Stages {
		if !reached[s.ID] {
			errs = append(errs, fmt.Errorf("stage %q: unreachable from start %q", s.ID, d.Start))
		} else if !ends[s.ID] {
			errs = append(errs, fmt.Errorf("stage %q: no path from here ever ends the case", s.ID))
		}
	}
	return errs
}

// FormatResidentID is the JSON Schema format for an 18-digit resident
// identity number with a valid GB 11643 check digit and birth date.
const FormatResidentID = "resident-id"

func compileForm(form []byte) (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(form))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	c.RegisterFormat(&jsonschema.Format{Name: FormatResidentID, Validate: func(v any) error {
		s, ok := v.(string)
		if !ok {
			return nil // type is checked by the "type" keyword
		}
		return idnumber.Validate(s, time.Now())
	}})
	if err := c.AddResource("form.json", doc); err != nil {
		return nil, err
	}
	return c.Compile("form.json")
}

// FieldError is one reason a form is invalid.
type FieldError struct {
	Field string // e.g. form.applicants[0].idNumber
	Rule  string
}

// ValidateForm checks an application form against the procedure's schema
// and returns every violated rule with the field it concerns.
func (p *Procedure) ValidateForm(form json.RawMessage) []FieldError {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(form))
	if err != nil {
		return []FieldError{{Field: "form", Rule: "must be a JSON object"}}
	}
	err = p.schema.Validate(doc)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return []FieldError{{Field: "form", Rule: err.Error()}}
	}
	var out []FieldError
	var leaves func(e *jsonschema.ValidationError)
	leaves = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			out = append(out, FieldError{Field: fieldPath(e.InstanceLocation), Rule: e.ErrorKind.LocalizedString(englishMessages)})
			return
		}
		for _, c := range e.Causes {
			leaves(c)
		}
	}
	leaves(ve)
	return out
}

// englishMessages renders schema rules; the API speaks English field rules.
var englishMessages = message.NewPrinter(language.English)

func fieldPath(tokens []string) string {
	var b strings.Builder
	b.WriteString("form")
	for _, t := range tokens {
		if _, err := strconv.Atoi(t); err == nil {
			b.WriteString("[" + t + "]")
		} else {
			b.WriteString("." + t)
		}
	}
	return b.String()
}
