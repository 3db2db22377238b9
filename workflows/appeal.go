package workflows

import (
	"strings"

	"civilflow/divisions"
	"civilflow/procedures"
)

// ReconsiderationBodyPlaceholder in a definition's appeal notice is
// replaced by the body that hears an application for reconsideration.
const ReconsiderationBodyPlaceholder = "{reconsiderationBody}"

// ReconsiderationBody names the body that hears an application for
// administrative reconsideration of an act of the civil affairs department
// of office: the people's government at the same level (行政复议法第二十四条
// 第一款第（一）项), or the Ministry itself for its own acts (第二十五条第
// （一）项). It reads only the embedded code table, so workflow code may
// call it.
func ReconsiderationBody(office string) string {
	if office == divisions.Nationwide {
		return "中华人民共和国民政部"
	}
	name := office
	if t, err := divisions.Default(); err == nil {
		name = t.FullName(office)
	}
	return name + "人民政府"
}

// appealLimits is the sentence every refusal, non-acceptance and
// termination carries when its definition's notice does not name the body
// and the limits itself: 60 days for reconsideration (行政复议法第二十条
// 第一款), 6 months for a lawsuit (行政诉讼法第四十六条第一款).
var appealLimits = procedures.Text{
	Zh: "如不服本决定，可以自收到本决定之日起60日内向" + ReconsiderationBodyPlaceholder +
		"申请行政复议，或者自收到本决定之日起6个月内依法向人民法院提起行政诉讼。",
	En: "If you disagree with this decision you may apply to " + ReconsiderationBodyPlaceholder +
		" for administrative reconsideration within 60 days of receiving it, or bring an administrative lawsuit before the people's court within 6 months of receiving it.",
}

// AppealNotice is the notice a decision made at office carries: the
// definition's text with the reconsideration body filled in, or, for a
// definition whose text names neither body nor limits, that text followed
// by the body and the limits, so no refusal leaves them out.
func AppealNotice(notice procedures.Text, office string) procedures.Text {
	body := ReconsiderationBody(office)
	fill := func(s, limits string) string {
		if !strings.Contains(s, ReconsiderationBodyPlaceholder) {
			s = strings.TrimSpace(s + limits)
		}
		return strings.ReplaceAll(s, ReconsiderationBodyPlaceholder, body)
	}
	return procedures.Text{Zh: fill(notice.Zh, appealLimits.Zh), En: fill(notice.En, " "+appealLimits.En)}
}

// GenericAppealNotice is a definition's notice as a procedure's description
// shows it, before any office decides: the body is described, not named.
func GenericAppealNotice(notice procedures.Text) procedures.Text {
	return procedures.Text{
		Zh: strings.ReplaceAll(notice.Zh, ReconsiderationBodyPlaceholder, "作出决定的民政部门的本级人民政府"),
		En: strings.ReplaceAll(notice.En, ReconsiderationBodyPlaceholder, "the people's government at the level of the deciding civil affairs department"),
	}
}
