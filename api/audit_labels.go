package api

import (
	"strings"

	"civilflow/policies"
	"civilflow/procedures"
	"civilflow/store"
	"civilflow/workflows"
)

// Chinese and English labels for what the audit record stores as ids.
// Procedure-specific names (stages, actions, periods) come from the
// procedure definition; these are the engine's own words.

var roleLabels = map[string]procedures.Text{
	"":                      {Zh: "系统", En: "System"},
	policies.RoleApplicant:  {Zh: "申请人", En: "Applicant"},
	policies.RoleRegistrar:  {Zh: "登记员", En: "Registrar"},
	policies.RoleSupervisor: {Zh: "监督人员", En: "Supervisor"},
	policies.RoleAdmin:      {Zh: "管理员", En: "Administrator"},
}

var outcomeLabels = map[string]procedures.Text{
	procedures.OutcomeApproved:        {Zh: "准予登记", En: "Approved"},
	procedures.OutcomeRefused:         {Zh: "不予登记", En: "Refused"},
	procedures.OutcomeNotAccepted:     {Zh: "不予受理", En: "Not accepted"},
	procedures.OutcomeWithdrawn:       {Zh: "已撤回", En: "Withdrawn"},
	procedures.OutcomeDeemedWithdrawn: {Zh: "视为撤回", En: "Deemed withdrawn"},
	procedures.OutcomeTerminated:      {Zh: "终止", En: "Terminated"},
}

var limitStateLabels = map[string]procedures.Text{
	store.DeadlineRunning:   {Zh: "计时中", En: "Running"},
	store.DeadlineSuspended: {Zh: "暂停计时", En: "Suspended"},
	store.DeadlineMet:       {Zh: "期限内办理", En: "Met"},
	store.DeadlineOverdue:   {Zh: "已超期", En: "Overdue"},
	store.DeadlineExpired:   {Zh: "期限届满", En: "Expired"},
}

// systemActions are the engine's own actions; those with a ":" take the
// name of a document, outcome or limit after it.
var systemActions = map[string]procedures.Text{
	"submit":            {Zh: "提交申请", En: "Application submitted"},
	"checks-passed":     {Zh: "自动核查通过", En: "Automated checks passed"},
	"checks-failed":     {Zh: "自动核查未通过", En: "Automated checks failed"},
	"registry-conflict": {Zh: "登记簿冲突，重新核查", En: "Registry conflict; checked again"},
	"issue":             {Zh: "颁发", En: "Issued"},
	"close":             {Zh: "办结", En: "Closed"},
	"expire":            {Zh: "期限届满", En: "Period ran out"},
	"escalate":          {Zh: "超期督办", En: "Overdue; escalated"},
	"remind":            {Zh: "期限提醒", En: "Reminder"},
	"clock-start":       {Zh: "开始计时", En: "Time limit started"},
	"clock-met":         {Zh: "计时结束", En: "Time limit met"},
	"clock-suspend":     {Zh: "暂停计时", En: "Time limit suspended"},
	"clock-resume":      {Zh: "恢复计时", En: "Time limit resumed"},
	"extend":            {Zh: "延长期限", En: "Time limit extended"},
	"recount":           {Zh: "期限重新计算（节假日安排公布）", En: "Time limit recounted (holiday notice loaded)"},
}

var documentLabels = map[string]procedures.Text{
	"marriage-certificate": {Zh: "结婚证", En: "marriage certificate"},
	"divorce-certificate":  {Zh: "离婚证", En: "divorce certificate"},
}

var reasonLabels = map[string]procedures.Text{
	store.ReasonOpinion: {Zh: "承办人员认定的理由", En: "Grounds stated by the officer"},
}

// labeler names ids in one procedure (nil def: engine words only).
type labeler struct{ def *procedures.Definition }

func (d *Deps) labelerFor(procedureID string) labeler {
	if d.Procedures == nil {
		return labeler{}
	}
	if p, ok := d.Procedures.Get(procedureID); ok {
		return labeler{def: &p.Definition}
	}
	return labeler{}
}

// same is a label that says the id in both languages, for what no table names.
func same(id string) procedures.Text { return procedures.Text{Zh: id, En: id} }

func (l labeler) stage(id string) *procedures.Text {
	if id == "" {
		return nil
	}
	if l.def != nil {
		if st, ok := l.def.Stage(id); ok {
			return &st.Title
		}
	}
	t := same(id)
	return &t
}

// limit names a stage period or clock of the procedure.
func (l labeler) limit(name string) procedures.Text {
	if l.def != nil {
		if c, ok := l.def.Clock(name); ok {
			return c.Title
		}
		for _, st := range l.def.Stages {
			if st.Timer != nil && st.Timer.Name == name {
				return st.Timer.Title
			}
		}
	}
	return same(name)
}

// action names an entry's action: the procedure's title for a person's
// action, the engine's words (plus what they concern) for its own.
func (l labeler) action(stageFrom, action string) procedures.Text {
	kind, arg, hasArg := strings.Cut(action, ":")
	if t, ok := systemActions[kind]; ok {
		if !hasArg {
			return t
		}
		var what procedures.Text
		switch kind {
		case "issue":
			what = label(documentLabels, arg)
		case "close":
			what = label(outcomeLabels, arg)
		default:
			what = l.limit(arg)
		}
		return procedures.Text{Zh: t.Zh + "：" + what.Zh, En: t.En + ": " + what.En}
	}
	if l.def != nil {
		if st, ok := l.def.Stage(stageFrom); ok {
			if a, ok := st.Action(action); ok {
				return a.Title
			}
		}
		for _, st := range l.def.Stages {
			if a, ok := st.Action(action); ok {
				return a.Title
			}
		}
	}
	return same(action)
}

// label looks id up in a table, falling back to the id itself.
func label(table map[string]procedures.Text, id string) procedures.Text {
	if t, ok := table[id]; ok {
		return t
	}
	return same(id)
}

// submitterLabel names the person who submitted: an applicant, or staff
// submitting for them; the submit entry carries no role.
var submitterLabel = procedures.Text{Zh: "提交人", En: "Submitter"}

// roleLabel names the role an entry was made in.
func roleLabel(actor, role string) procedures.Text {
	switch {
	case role != "":
		return label(roleLabels, role)
	case actor == workflows.SystemActor:
		return roleLabels[""]
	default:
		return submitterLabel
	}
}
