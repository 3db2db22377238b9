package activities

import (
	"context"
	"fmt"
	"strings"

	"civilflow/procedures"
	"civilflow/store"
	"civilflow/workflows"
)

// notifications derives the outbox messages of a transition from its new
// timeline entries: who must act now, who was handed or copied a case, who
// was urged, reminded or told the outcome. Keys are caseID:seq:recipient,
// so a retried activity enqueues nothing twice.
func notifications(in workflows.RecordInput) []store.Notification {
	st := in.State
	var out []store.Notification
	add := func(e workflows.Event, kind, subject, role, office, msg string) {
		to := subject
		if to == "" {
			to = role + "@" + office
		}
		out = append(out, store.Notification{DedupeKey: fmt.Sprintf("%s:%d:%s:%s", st.CaseID, e.Seq, kind, to),
			CaseID: st.CaseID, Kind: kind, Subject: subject, Role: role, Office: office,
			Message: fmt.Sprintf("%s %s: %s", st.CaseID, st.ProcedureTitle.Zh, msg), CreatedAt: e.At})
	}
	holder := func(e workflows.Event, kind, msg string) {
		if a := st.Assignment; a != nil {
			if a.Holder != "" {
				add(e, kind, a.Holder, "", "", msg)
			} else {
				add(e, kind, "", a.Role, a.Office, msg)
			}
		}
	}
	parties := func(e workflows.Event, kind, msg string) {
		for _, p := range st.Parties {
			add(e, kind, p.IDNumber, "", "", msg)
		}
	}
	for i, e := range in.NewEvents {
		last := i == len(in.NewEvents)-1
		switch {
		case strings.HasPrefix(e.Action, "close:"):
			parties(e, "decided", "办理结果 outcome: "+st.Outcome)
		case strings.HasPrefix(e.Action, workflows.ActionTransfer), strings.HasPrefix(e.Action, workflows.ActionDelegate):
			holder(e, "assigned", "交办给您 handed to you by "+e.ActorName)
		case strings.HasPrefix(e.Action, "return:"):
			if st.Assignment == nil && last {
				parties(e, "returned", "退回 returned: "+e.Opinion)
			} else {
				holder(e, "returned", "退回 returned: "+e.Opinion)
			}
		case e.Action == workflows.ActionUrge:
			holder(e, "urged", "催办 urged by "+e.ActorName+": "+e.Opinion)
		case strings.HasPrefix(e.Action, "remind:"):
			holder(e, "due-soon", "即将到期 due soon: "+e.Opinion+provisionalNote(st, strings.TrimPrefix(e.Action, "remind:")))
		case strings.HasPrefix(e.Action, workflows.ActionRecount) && strings.Contains(e.Opinion, "moved"):
			// A provisional last day the holiday notice moved (M21).
			parties(e, "deadline-moved", "期限重新计算 time limit recounted: "+e.Opinion)
		case strings.HasPrefix(e.Action, procedures.ExtendAction):
			// The reason and the new last day (行政许可法第四十二条第一款).
			parties(e, "extended", "期限延长 time limit extended: "+e.Opinion)
		case strings.HasPrefix(e.Action, "clock-suspend:"):
			// The time the office needs beyond the limit (第四十五条).
			parties(e, "suspended", "期限中止 time limit stands still: "+e.Opinion)
		case strings.HasPrefix(e.Action, "escalate:"):
			add(e, "overdue", "", e.Role, e.Office, "已超期 overdue: "+e.Opinion)
		case e.Action == workflows.ActionCopy:
			for _, r := range st.Readers {
				if r.By == e.Actor && r.At.Equal(e.At) {
					add(e, "copied", r.Subject, "", "", "抄送 copied to you by "+e.ActorName)
				}
			}
		}
		// Staff sent the case to the applicants (a correction notice, 行政许可法
		// 第三十二条第一款第（四）项): tell them what to do, in the staff's words.
		if e.StageTo != "" && e.StageTo == st.Stage && e.StageFrom != st.Stage && st.Status == workflows.StatusOpen &&
			st.StageKind == procedures.KindApplicant && e.Actor != workflows.SystemActor &&
			!strings.HasPrefix(e.Action, "return:") && !isPartyOf(st, e.Actor) {
			parties(e, "action-needed", "请办理 please act: "+st.StageTitle.Zh+"："+e.Opinion)
		}
		// The stage the case settled in waits for its role: tell the pool
		// (or the holder) once, on the entry that moved it there.
		if last && e.StageTo != "" && st.Status == workflows.StatusOpen && st.Assignment != nil && e.StageTo == st.Stage {
			holder(e, "assigned", "待办 waiting for "+st.Assignment.Role+": "+st.StageTitle.Zh)
		}
	}
	return out
}

// notify enqueues the messages of a transition.
func (a *Activities) notify(ctx context.Context, in workflows.RecordInput) error {
	ns := notifications(in)
	if len(ns) == 0 {
		return nil
	}
	if err := a.Store.Enqueue(ctx, ns); err != nil {
		return storeErr("enqueue notifications", err)
	}
	return nil
}

// provisionalNote marks a message about a clock whose last day is
// provisional (M21), so nobody takes the date for final.
func provisionalNote(st workflows.CaseState, clock string) string {
	for _, c := range st.Clocks {
		if c.Name == clock && c.Provisional != "" {
			return "（暂定 provisional: " + c.Provisional + "）"
		}
	}
	return ""
}

func isPartyOf(st workflows.CaseState, subject string) bool {
	for _, p := range st.Parties {
		if p.IDNumber == subject {
			return true
		}
	}
	return false
}
