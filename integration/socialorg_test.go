package integration

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"civilflow/activities"
	"civilflow/procedures"
	"civilflow/store"
	"civilflow/workflows"
)

const beijing = "110000"

// orgSeq makes names and fields of activity that no other test uses, so
// the registry look-ups (same name, same or similar field) see only what a
// test registered itself. The 号 keeps one field from containing another.
var orgSeq atomic.Int64

// founder is an applicant of a social-organization case.
type founder struct {
	id, tok string
}

func (e *env) founder() founder {
	id := person("19800101", true)
	return founder{id: id, tok: e.token(id, "张伟")}
}

// orgApplication is a form that passes every check of its procedure.
func orgApplication(procedure, office string, f founder) map[string]any {
	n := orgSeq.Add(1)
	form := map[string]any{
		"applicants": []map[string]string{{"name": "张伟", "idNumber": f.id}},
		"organization": map[string]any{"category": "other", "field": fmt.Sprintf("测试领域%d号", n), "scope": "交流、培训、咨询",
			"domicile": "朝阳路1号", "legalRepresentative": map[string]string{"name": "张伟", "idNumber": f.id}},
		"sponsoringUnit": map[string]any{"name": "朝阳区文化和旅游局", "consented": true, "document": "朝文旅〔2026〕1号"},
		"funds":          map[string]any{"amount": 30000},
	}
	org := form["organization"].(map[string]any)
	switch procedure {
	case "social-group-registration":
		org["name"] = fmt.Sprintf("北京市朝阳区第%d号摄影家协会", n)
		form["members"] = map[string]any{"individuals": 60, "units": 0}
	case "social-service-organization-registration":
		org["name"] = fmt.Sprintf("北京市朝阳区第%d号养老服务中心", n)
	case "foundation-registration":
		org["name"] = fmt.Sprintf("北京第%d号教育基金会", n)
		form["fundraising"] = "non-public"
		form["funds"] = map[string]any{"amount": 2_000_000, "paidInCash": true}
	}
	return map[string]any{"procedure": procedure, "office": office, "form": form}
}

func orgOf(body map[string]any) map[string]any {
	return body["form"].(map[string]any)["organization"].(map[string]any)
}

func (e *env) submitOrg(body map[string]any, f founder) workflows.CaseState {
	e.t.Helper()
	return e.do(http.MethodPost, "/v1/cases", f.tok, body).expect(e.t, http.StatusCreated).state(e.t)
}

// registerOrg takes an application through intake and review.
func (e *env) registerOrg(body map[string]any, f founder, reg string) workflows.CaseState {
	e.t.Helper()
	st := e.submitOrg(body, f)
	if got := e.act(st.CaseID, reg, "accept", "").expect(e.t, http.StatusOK).state(e.t); got.Stage != "review" {
		e.t.Fatalf("after acceptance: stage %s reasons %+v", got.Stage, got.Reasons)
	}
	return e.act(st.CaseID, reg, "register", "").expect(e.t, http.StatusOK).state(e.t)
}

// countDays asks the public calculator for the last day of a period.
func (e *env) countDays(tok, from string, days int, unit string) string {
	e.t.Helper()
	var calc struct{ LastDay string }
	q := url.Values{"from": {from}, "days": {strconv.Itoa(days)}, "unit": {unit}}
	e.do(http.MethodGet, "/v1/calendar/deadline?"+q.Encode(), tok, nil).expect(e.t, http.StatusOK).decode(e.t, &calc)
	return calc.LastDay
}

func orgClock(t *testing.T, st workflows.CaseState) workflows.ClockState {
	t.Helper()
	for _, c := range st.Clocks {
		if c.Name == "registration-decision" {
			return c
		}
	}
	t.Fatalf("case %s at %s has no decision clock: %+v", st.CaseID, st.Stage, st.Clocks)
	return workflows.ClockState{}
}

func chinaDay(t time.Time) string { return t.In(workflows.ChinaTime).Format(time.DateOnly) }

func lastEvent(st workflows.CaseState, action string) (workflows.Event, bool) {
	for i := len(st.Timeline) - 1; i >= 0; i-- {
		if st.Timeline[i].Action == action {
			return st.Timeline[i], true
		}
	}
	return workflows.Event{}, false
}

// TestSocialOrgRegisteredPerVariant: each variant is accepted, passes its
// checks, and on registration gets a unified code, its legal-person
// certificate and a public announcement; the decision clock is met.
func TestSocialOrgRegisteredPerVariant(t *testing.T) {
	shared := sharedEnv(t)
	for _, v := range []struct {
		procedure, office, certificate, prefix, codeHead string
		category                                         string // "other" needs the sponsoring unit's consent
	}{
		{"social-group-registration", beijingChaoyang, activities.DocSocialGroupCertificate, "ST", "51", "industry-association"},
		{"social-service-organization-registration", beijingChaoyang, activities.DocSocialServiceOrganizationCertificate, "MF", "52", "other"},
		{"foundation-registration", beijing, activities.DocFoundationCertificate, "JJ", "53", "charity"},
	} {
		t.Run(v.procedure, func(t *testing.T) {
			e := *shared
			e.t = t
			reg := e.token("reg-so-"+v.office, "孙登记", "registrar:"+v.office)
			f := e.founder()
			body := orgApplication(v.procedure, v.office, f)
			if orgOf(body)["category"] = v.category; v.category != "other" {
				delete(body["form"].(map[string]any), "sponsoringUnit")
			}
			st := e.submitOrg(body, f)
			if st.Stage != "intake" || len(st.Deadlines) != 1 || st.Deadlines[0].Name != "correction-notice" {
				t.Fatalf("after submission: stage %s deadlines %+v", st.Stage, st.Deadlines)
			}
			if want := e.countDays(f.tok, chinaDay(st.ReceivedAt), 5, "working-days"); st.Deadlines[0].LastDay != want {
				t.Fatalf("correction notice due %s, want %s", st.Deadlines[0].LastDay, want)
			}
			c := orgClock(t, st)
			if want := e.countDays(f.tok, c.StartedOn, 60, "calendar-days"); c.Status != workflows.ClockRunning || c.LastDay != want {
				t.Fatalf("decision clock %+v, want last day %s", c, want)
			}
			// A registrar of another district does not even see the case,
			// and the founder cannot decide it.
			other := e.token("reg-so-110108", "钱登记", "registrar:110108")
			e.act(st.CaseID, other, "accept", "").expect(t, http.StatusNotFound)
			e.act(st.CaseID, f.tok, "accept", "").expect(t, http.StatusConflict)

			review := e.act(st.CaseID, reg, "accept", "").expect(t, http.StatusOK).state(t)
			if review.Stage != "review" || len(review.Reasons) != 0 {
				t.Fatalf("after acceptance: stage %s reasons %+v", review.Stage, review.Reasons)
			}
			done := e.act(st.CaseID, reg, "register", "").expect(t, http.StatusOK).state(t)
			if done.Outcome != procedures.OutcomeApproved || len(done.Documents) != 2 || orgClock(t, done).Status != workflows.ClockMet {
				t.Fatalf("outcome %s clock %+v documents %+v", done.Outcome, orgClock(t, done), done.Documents)
			}
			cert, ann := done.Documents[0], done.Documents[1]
			code := cert.HolderIDNumber
			if cert.Kind != v.certificate || !strings.HasPrefix(cert.Number, v.prefix+v.office+"-") || cert.HolderName != orgOf(body)["name"] ||
				!store.ValidUnifiedCode(code) || code[:2] != v.codeHead || code[2:8] != v.office {
				t.Fatalf("certificate %+v", cert)
			}
			if ann.Kind != activities.DocRegistrationAnnouncement || ann.HolderIDNumber != "" || !strings.HasPrefix(ann.Number, "GG"+v.office+"-") {
				t.Fatalf("announcement %+v", ann)
			}
			if ev, ok := lastEvent(done, "register"); !ok || ev.Role != "registrar" || ev.Office != v.office || ev.Basis == "" {
				t.Fatalf("register event %+v", ev)
			}
			// The closed case, read back from the store, keeps its documents.
			again := e.do(http.MethodGet, "/v1/cases/"+st.CaseID, f.tok, nil).expect(t, http.StatusOK).state(t)
			if len(again.Documents) != 2 || again.Documents[0].HolderIDNumber != code {
				t.Fatalf("read back: %+v", again.Documents)
			}
		})
	}
}

// TestSocialOrgRefusalRules: each failed rule refuses the registration and
// is listed with its message in both languages and its legal basis; several
// failed rules are all listed.
func TestSocialOrgRefusalRules(t *testing.T) {
	shared := sharedEnv(t)
	form := func(b map[string]any) map[string]any { return b["form"].(map[string]any) }
	for _, c := range []struct {
		name, procedure string
		change          func(b map[string]any)
		want            []string
	}{
		{"no sponsoring unit", "social-group-registration", func(b map[string]any) { delete(form(b), "sponsoringUnit") },
			[]string{"social-group-sponsoring-unit"}},
		{"sponsoring unit refused", "social-group-registration",
			func(b map[string]any) { form(b)["sponsoringUnit"].(map[string]any)["consented"] = false },
			[]string{"social-group-sponsoring-unit"}},
		{"too few individual members", "social-group-registration",
			func(b map[string]any) { form(b)["members"] = map[string]any{"individuals": 49, "units": 0} },
			[]string{"social-group-members"}},
		{"too few mixed members", "social-group-registration",
			func(b map[string]any) { form(b)["members"] = map[string]any{"individuals": 20, "units": 20} },
			[]string{"social-group-members"}},
		{"funds under the local minimum", "social-group-registration",
			func(b map[string]any) { form(b)["funds"] = map[string]any{"amount": 29999} },
			[]string{"social-group-funds"}},
		{"name without a type word", "social-group-registration",
			func(b map[string]any) {
				orgOf(b)["name"] = strings.Replace(orgOf(b)["name"].(string), "摄影家协会", "摄影俱乐部", 1)
			},
			[]string{"social-group-name"}},
		{"name with 中华", "social-group-registration",
			func(b map[string]any) { orgOf(b)["name"] = "中华" + orgOf(b)["name"].(string) },
			[]string{"social-group-name"}},
		{"every rule at once", "social-group-registration", func(b map[string]any) {
			delete(form(b), "sponsoringUnit")
			form(b)["members"] = map[string]any{"individuals": 10, "units": 0}
			form(b)["funds"] = map[string]any{"amount": 1000}
			orgOf(b)["name"] = "全国" + orgOf(b)["name"].(string)
		}, []string{"social-group-sponsoring-unit", "social-group-members", "social-group-funds", "social-group-name"}},
		{"no start-up funds", "social-service-organization-registration",
			func(b map[string]any) { form(b)["funds"] = map[string]any{"amount": 0} },
			[]string{"social-service-organization-funds"}},
		{"service organization named like a group", "social-service-organization-registration",
			func(b map[string]any) {
				orgOf(b)["name"] = strings.Replace(orgOf(b)["name"].(string), "养老服务中心", "养老协会", 1)
			},
			[]string{"social-service-organization-name"}},
		{"service organization without consent", "social-service-organization-registration",
			func(b map[string]any) { delete(form(b), "sponsoringUnit") },
			[]string{"social-service-organization-sponsoring-unit"}},
		{"public foundation under 4 million", "foundation-registration", func(b map[string]any) {
			form(b)["fundraising"] = "public"
			form(b)["funds"] = map[string]any{"amount": 3_000_000, "paidInCash": true}
		}, []string{"foundation-initial-funds"}},
		{"initial fund not paid in", "foundation-registration",
			func(b map[string]any) { form(b)["funds"] = map[string]any{"amount": 2_000_000, "paidInCash": false} },
			[]string{"foundation-initial-funds"}},
		{"foundation name", "foundation-registration",
			func(b map[string]any) {
				orgOf(b)["name"] = strings.Replace(orgOf(b)["name"].(string), "基金会", "基金", 1)
			},
			[]string{"foundation-name"}},
		{"foundation without consent", "foundation-registration",
			func(b map[string]any) { delete(form(b), "sponsoringUnit") },
			[]string{"foundation-sponsoring-unit"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := *shared
			e.t = t
			office := beijingChaoyang
			if c.procedure == "foundation-registration" {
				office = beijing
			}
			reg := e.token("reg-so-"+office, "孙登记", "registrar:"+office)
			f := e.founder()
			body := orgApplication(c.procedure, office, f)
			c.change(body)
			st := e.submitOrg(body, f)
			done := e.act(st.CaseID, reg, "accept", "").expect(t, http.StatusOK).state(t)
			var got []string
			for _, r := range done.Reasons {
				got = append(got, r.Check)
				if r.Message.Zh == "" || r.Message.En == "" || r.Basis == "" {
					t.Errorf("reason without message or basis: %+v", r)
				}
			}
			if done.Outcome != procedures.OutcomeRefused || !slices.Equal(got, c.want) || done.AppealNotice == nil || len(done.Documents) != 0 {
				t.Fatalf("outcome %s reasons %v (want %v) appeal %v documents %+v", done.Outcome, got, c.want, done.AppealNotice, done.Documents)
			}
			if orgClock(t, done).Status != workflows.ClockMet {
				t.Fatalf("clock %+v", orgClock(t, done))
			}
		})
	}
}

// TestW4SimilarScopeGoesToTheRegistrar: once a social group is registered
// in a district, another with the same field, or one containing it, is
// not refused by the look-up: it reaches review with the registered one
// named, for the registrar to judge whether it is necessary (社会团体登记
// 管理条例第十三条第（二）项 没有必要成立的), who may register it or refuse
// with reasons; in another district nothing is found; and the same name
// cannot be registered twice in the district.
func TestW4SimilarScopeGoesToTheRegistrar(t *testing.T) {
	e := sharedEnv(t)
	reg := e.token("reg-so-scope", "周登记", "registrar:"+beijingChaoyang)
	f := e.founder()
	first := orgApplication("social-group-registration", beijingChaoyang, f)
	code := e.registerOrg(first, f, reg).Documents[0].HolderIDNumber
	field, name := orgOf(first)["field"].(string), orgOf(first)["name"].(string)

	try := func(office, field, name string) workflows.CaseState {
		t.Helper()
		g := e.founder()
		b := orgApplication("social-group-registration", office, g)
		orgOf(b)["field"] = field
		if name != "" {
			orgOf(b)["name"] = name
		} else if office != beijingChaoyang {
			// Named for its own district (社会组织名称管理办法第八条).
			orgOf(b)["name"] = strings.Replace(orgOf(b)["name"].(string), "北京市朝阳区", "北京市海淀区", 1)
		}
		st := e.submitOrg(b, g)
		r := e.token("reg-so-scope-"+office, "周登记", "registrar:"+office)
		return e.act(st.CaseID, r, "accept", "").expect(t, http.StatusOK).state(t)
	}
	for i, similar := range []string{field, "业余" + field + "创作"} {
		st := try(beijingChaoyang, similar, "")
		if st.Stage != "review" || len(st.Reasons) != 1 || st.Reasons[0].Check != "social-group-unique-scope" ||
			!strings.Contains(st.Reasons[0].Message.Zh, name) || !strings.Contains(st.Reasons[0].Message.En, code) {
			t.Fatalf("field %s: stage %s reasons %+v", similar, st.Stage, st.Reasons)
		}
		// The registrar weighs it: registers the one, refuses the other with reasons.
		r := e.token("reg-so-scope-"+beijingChaoyang, "周登记", "registrar:"+beijingChaoyang)
		if i == 0 {
			if done := e.act(st.CaseID, r, "refuse", "业务范围与已登记的社会团体相同，没有必要成立").expect(t, http.StatusOK).state(t); done.Outcome != procedures.OutcomeRefused {
				t.Fatalf("refused: %s", done.Outcome)
			}
		} else if done := e.act(st.CaseID, r, "register", "").expect(t, http.StatusOK).state(t); done.Outcome != procedures.OutcomeApproved {
			t.Fatalf("registered: %s", done.Outcome)
		}
	}
	if st := try("110108", field, ""); st.Stage != "review" || len(st.Reasons) != 0 {
		t.Fatalf("same field in Haidian: stage %s reasons %+v", st.Stage, st.Reasons)
	}
	st := try(beijingChaoyang, fmt.Sprintf("无关领域%d号", orgSeq.Add(1)), name)
	if st.Outcome != procedures.OutcomeRefused || len(st.Reasons) != 1 || st.Reasons[0].Check != "social-group-name" ||
		!strings.Contains(st.Reasons[0].Message.Zh, code) {
		t.Fatalf("same name: outcome %s reasons %+v", st.Outcome, st.Reasons)
	}
}

// TestSocialOrgCorrectionLoop: one correction notice (with its opinion)
// sends the case back to the founders and stops the decision clock; the
// resubmission, with the corrected form, starts the 60 days again from its
// day (W8: 60 days from complete documents); then the registrar decides.
func TestSocialOrgCorrectionLoop(t *testing.T) {
	e := sharedEnv(t)
	reg := e.token("reg-so-corr", "吴登记", "registrar:"+beijingChaoyang)
	f := e.founder()
	st := e.submitOrg(orgApplication("social-group-registration", beijingChaoyang, f), f)
	before := orgClock(t, st)

	e.act(st.CaseID, reg, "request-correction", "").expect(t, http.StatusConflict)
	notice := "请一次性补正：验资报告；住所使用证明；拟任负责人身份证明"
	corr := e.act(st.CaseID, reg, "request-correction", notice).expect(t, http.StatusOK).state(t)
	c := orgClock(t, corr)
	if corr.Stage != "correction" || c.Status != workflows.ClockSuspended || c.LastDay != "" || c.Remaining < 1 ||
		c.SuspendedReason.En != "Correction" || corr.Deadlines[0].Active {
		t.Fatalf("in correction: stage %s clock %+v deadlines %+v", corr.Stage, c, corr.Deadlines)
	}
	if ev, ok := lastEvent(corr, "request-correction"); !ok || ev.Opinion != notice || ev.Role != "registrar" {
		t.Fatalf("notice event %+v", ev)
	}
	var actions []string
	for _, na := range corr.NextActions {
		actions = append(actions, na.Action+"/"+na.By)
	}
	if !slices.Equal(actions, []string{"resubmit/party", "withdraw/party"}) {
		t.Fatalf("actions in correction %v", actions)
	}
	// Only the founders resubmit; the office cannot skip the correction,
	// nor send a second notice.
	e.act(st.CaseID, reg, "resubmit", "").expect(t, http.StatusConflict)
	e.act(st.CaseID, reg, "register", "").expect(t, http.StatusConflict)

	body := orgApplication("social-group-registration", beijingChaoyang, f)
	orgOf(body)["domicile"] = "朝阳路2号"
	back := e.do(http.MethodPost, "/v1/cases/"+st.CaseID+"/actions", f.tok,
		map[string]any{"action": "resubmit", "form": body["form"]}).expect(t, http.StatusOK).state(t)
	after := orgClock(t, back)
	if back.Stage != "review" || after.Status != workflows.ClockRunning {
		t.Fatalf("after resubmission: stage %s clock %+v", back.Stage, after)
	}
	e.act(st.CaseID, reg, "request-correction", "再次补正").expect(t, http.StatusConflict)
	_, ok1 := lastEvent(back, "clock-suspend:registration-decision")
	restarted, ok2 := lastEvent(back, "clock-restart:registration-decision")
	if !ok1 || !ok2 {
		t.Fatalf("timeline lacks the suspension or the restart: %+v", back.Timeline)
	}
	if want := e.countDays(f.tok, chinaDay(restarted.At), 60, "calendar-days"); after.LastDay != want || after.StartedOn != chinaDay(restarted.At) {
		t.Fatalf("restarted clock %+v, want 60 days to %s (was %s)", after, want, before.LastDay)
	}
	if !strings.Contains(string(back.AmendedForm), "朝阳路2号") {
		t.Fatalf("amended form %s", back.AmendedForm)
	}

	done := e.act(st.CaseID, reg, "register", "").expect(t, http.StatusOK).state(t)
	if done.Outcome != procedures.OutcomeApproved || len(done.Documents) != 2 || orgClock(t, done).Status != workflows.ClockMet {
		t.Fatalf("outcome %s documents %+v clock %+v", done.Outcome, done.Documents, orgClock(t, done))
	}
	if *recordHistories {
		e.saveHistory(st.CaseID, "social-group-corrected.json")
	}
}

// TestSocialOrgDeemedAccepted: an application received weeks ago that the
// office never answered counts as accepted when the 5 working days end,
// without anyone acting, and goes on to review.
func TestSocialOrgDeemedAccepted(t *testing.T) {
	e := sharedEnv(t)
	reg := e.token("reg-so-deemed", "郑登记", "registrar:"+beijingChaoyang)
	f := e.founder()
	received := time.Now().In(workflows.ChinaTime).AddDate(0, 0, -30).Format(time.DateOnly)
	e.clock.receivedOn(t, received)
	st := e.submitOrg(orgApplication("social-service-organization-registration", beijingChaoyang, f), f)
	review := e.waitFor(st.CaseID, f.tok, func(s workflows.CaseState) bool { return s.Stage != "intake" })
	if review.Stage != "review" {
		t.Fatalf("stage %s reasons %+v", review.Stage, review.Reasons)
	}
	ev, ok := lastEvent(review, "expire:correction-notice")
	if !ok || ev.Actor != workflows.SystemActor || ev.StageTo != "accepted" {
		t.Fatalf("deemed acceptance event %+v", ev)
	}
	if want := e.countDays(f.tok, received, 5, "working-days"); review.Deadlines[0].LastDay != want || review.Deadlines[0].Active {
		t.Fatalf("correction-notice period %+v, want last day %s", review.Deadlines[0], want)
	}
	if _, ok := lastEvent(review, "accept"); ok {
		t.Fatal("a person accepted the application")
	}
	done := e.act(st.CaseID, reg, "register", "").expect(t, http.StatusOK).state(t)
	if done.Outcome != procedures.OutcomeApproved {
		t.Fatalf("outcome %s", done.Outcome)
	}
}

// TestSocialOrgNotAccepted: the office declines to take an application in,
// stating why; a foundation applied for at a district office is not
// accepted by the jurisdiction check alone.
func TestSocialOrgNotAccepted(t *testing.T) {
	e := sharedEnv(t)
	reg := e.token("reg-so-notacc", "冯登记", "registrar:"+beijingChaoyang)
	f := e.founder()
	st := e.submitOrg(orgApplication("social-group-registration", beijingChaoyang, f), f)
	e.act(st.CaseID, reg, "not-accept", "").expect(t, http.StatusConflict)
	why := "申请事项依法不属于本机关职权范围，请向市民政局申请"
	done := e.act(st.CaseID, reg, "not-accept", why).expect(t, http.StatusOK).state(t)
	if done.Outcome != procedures.OutcomeNotAccepted || len(done.Reasons) != 1 || done.Reasons[0].Message.Zh != why ||
		done.AppealNotice == nil || orgClock(t, done).Status != workflows.ClockMet {
		t.Fatalf("outcome %s reasons %+v appeal %v", done.Outcome, done.Reasons, done.AppealNotice)
	}
	e.act(st.CaseID, reg, "accept", "").expect(t, http.StatusConflict)

	g := e.founder()
	fd := e.submitOrg(orgApplication("foundation-registration", beijingChaoyang, g), g)
	if fd.Outcome != procedures.OutcomeNotAccepted || len(fd.Reasons) != 1 || fd.Reasons[0].Check != "foundation-registration-authority" ||
		fd.AppealNotice == nil || len(fd.Clocks) != 0 {
		t.Fatalf("foundation at a district: outcome %s reasons %+v clocks %+v", fd.Outcome, fd.Reasons, fd.Clocks)
	}
}
