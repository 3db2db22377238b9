package integration

import (
	"net/http"
	"strings"
	"testing"

	"civilflow/app"
)

// notice2027 stands in for the 2027 notice, which is not published: 元旦
// with a bridging day up to Monday 2027-01-04.
const notice2027 = "version: cn-2027-it.v1\nyears:\n  - year: 2027\n    notice: test notice for 2027\n    holidays:\n" +
	"      - {name: 元旦, from: 2027-01-01, to: 2027-01-04}\n"

type deadlineAnswer struct {
	LastDay           string `json:"lastDay"`
	Rule              string `json:"rule"`
	Provisional       bool   `json:"provisional"`
	ProvisionalReason string `json:"provisionalReason"`
	CalendarVersion   string `json:"calendarVersion"`
}

// TestM21CalendarProvisionalThenLoadedNotice: without the 2027 notice the
// calculator still answers 30 days from 2026-12-02 (民法典第二百零一条、第二百零三条)
// with a provisional last day, 2027-01-04, and says why; an admin:000000
// uploads the notice through the API (a provincial admin may not; a bad file
// is a 422 naming the fault), and the same question is then answered finally,
// 2027-01-05, without a restart. The load is in the audit chain.
func TestM21CalendarProvisionalThenLoadedNotice(t *testing.T) {
	c := &clock{}
	a := startOwn(t, t.TempDir(), c, func(cfg *app.Config) { cfg.CalendarDir = "" })
	e := &env{t: t, app: a, clock: c}
	anyone := e.token("it-cal-person", "市民")
	q := "/v1/calendar/deadline?from=2026-12-02&days=30"
	var before deadlineAnswer
	e.do(http.MethodGet, q, anyone, nil).expect(t, http.StatusOK).decode(t, &before)
	if before.LastDay != "2027-01-04" || !before.Provisional || !strings.Contains(before.ProvisionalReason, "2027") {
		t.Fatalf("without the notice: %+v", before)
	}

	upload := map[string]string{"name": "cn-2027.yaml", "data": notice2027}
	prov := e.token("it-cal-adm-bj", "北京管理员", "admin:110000")
	e.do(http.MethodPost, "/v1/calendar/notices", prov, upload).expect(t, http.StatusForbidden)
	nat := e.token("it-cal-adm", "部管理员", "admin:000000")
	bad := e.do(http.MethodPost, "/v1/calendar/notices", nat, map[string]string{"name": "bad.yaml",
		"data": "version: bad.v1\nyears:\n  - year: 2027\n    notice: x\n    makeup_workdays: [2027-01-06]\n"}).expect(t, http.StatusUnprocessableEntity)
	if !strings.Contains(string(bad.body), "body.data") || !strings.Contains(string(bad.body), "make-up working day 2027-01-06 is a Wednesday") {
		t.Fatalf("bad file: %s", bad.body)
	}
	var loaded struct {
		Version      string `json:"version"`
		SHA256       string `json:"sha256"`
		CoveredYears []int  `json:"coveredYears"`
	}
	e.do(http.MethodPost, "/v1/calendar/notices", nat, upload).expect(t, http.StatusCreated).decode(t, &loaded)
	if loaded.Version != "cn-2027-it.v1" || len(loaded.SHA256) != 64 || loaded.CoveredYears[len(loaded.CoveredYears)-1] != 2027 {
		t.Fatalf("loaded %+v", loaded)
	}
	// The same notice again is refused: a version names one set of dates.
	e.do(http.MethodPost, "/v1/calendar/notices", nat, upload).expect(t, http.StatusUnprocessableEntity)

	var after deadlineAnswer
	e.do(http.MethodGet, q, anyone, nil).expect(t, http.StatusOK).decode(t, &after)
	if after.LastDay != "2027-01-05" || after.Provisional || !strings.Contains(after.CalendarVersion, "cn-2027-it.v1") {
		t.Fatalf("with the notice: %+v", after)
	}
	var list struct {
		Items []struct {
			Version  string `json:"version"`
			LoadedBy string `json:"loadedBy"`
		} `json:"items"`
		Provisional bool     `json:"provisional"`
		Regions     []string `json:"regions"`
	}
	e.do(http.MethodGet, "/v1/calendar/notices", anyone, nil).expect(t, http.StatusOK).decode(t, &list)
	if len(list.Items) != 1 || list.Items[0].LoadedBy != "it-cal-adm" || !list.Provisional || len(list.Regions) == 0 {
		t.Fatalf("list %+v", list)
	}
}

// TestM21DivorceAcceptedTodayShowsItsEndProvisionally: a divorce accepted
// at the counter today gets a cooling-off end date at once (民法典第一千零七十七条,
// 第二百零一条、第二百零三条), the one the calculator gives. While its last day lies
// in a year without a loaded notice (from 2026-12-02 every 30-day period
// does), the spouses see it marked provisional with the reason, in the case
// and its timing, and the deadline watch lists the case among those with
// provisional dates.
func TestM21DivorceAcceptedTodayShowsItsEndProvisionally(t *testing.T) {
	c := &clock{}
	a := startOwn(t, t.TempDir(), c, func(cfg *app.Config) { cfg.CalendarDir = "" })
	e := &env{t: t, app: a, clock: c}
	reg := e.token("it-m21-reg", "卫登记", "registrar:"+beijingChaoyang)
	couple := e.married(beijingChaoyang, reg)
	st := e.counterDivorce(couple, beijingChaoyang)
	var view struct {
		Stage     string `json:"stage"`
		Deadlines []struct {
			From        string `json:"from"`
			LastDay     string `json:"lastDay"`
			Provisional string `json:"provisional"`
		} `json:"deadlines"`
		Timing struct {
			DueDate            string `json:"dueDate"`
			DueDateProvisional string `json:"dueDateProvisional"`
			Limits             []struct {
				Provisional string `json:"provisional"`
			} `json:"limits"`
		} `json:"timing"`
	}
	e.do(http.MethodGet, "/v1/cases/"+st.CaseID, couple.womanTok, nil).expect(t, http.StatusOK).decode(t, &view)
	if view.Stage != "cooling-off" || len(view.Deadlines) != 1 || view.Deadlines[0].LastDay == "" {
		t.Fatalf("case %+v", view)
	}
	d := view.Deadlines[0]
	var calc deadlineAnswer
	e.do(http.MethodGet, "/v1/calendar/deadline?from="+d.From+"&days=30", couple.womanTok, nil).expect(t, http.StatusOK).decode(t, &calc)
	if calc.LastDay != d.LastDay || calc.Provisional != (d.Provisional != "") {
		t.Fatalf("case %+v, calculator %+v", d, calc)
	}
	// The built-in notices end with 2026; a last day after it is provisional.
	provisional := d.LastDay > "2026-12-31"
	if (d.Provisional != "") != provisional || (view.Timing.DueDateProvisional != "") != provisional ||
		len(view.Timing.Limits) != 1 || (view.Timing.Limits[0].Provisional != "") != provisional {
		t.Fatalf("last day %s: provisional %q, timing %+v", d.LastDay, d.Provisional, view.Timing)
	}
	t.Logf("accepted %s: cooling-off ends %s (provisional: %v)", d.From, d.LastDay, provisional)
	if !provisional {
		return
	}
	if !strings.Contains(d.Provisional, d.LastDay[:4]) || view.Timing.DueDate != d.LastDay {
		t.Fatalf("reason %q, due %s", d.Provisional, view.Timing.DueDate)
	}
	sup := e.token("it-m21-sup", "卫监察", "supervisor:110000")
	var watch struct {
		ProvisionalTotal int `json:"provisionalTotal"`
		ProvisionalCases []struct {
			ID string `json:"id"`
		} `json:"provisionalCases"`
	}
	e.do(http.MethodGet, "/v1/supervision/deadlines?within=60", sup, nil).expect(t, http.StatusOK).decode(t, &watch)
	listed := false
	for _, it := range watch.ProvisionalCases {
		listed = listed || it.ID == st.CaseID
	}
	if watch.ProvisionalTotal < 1 || !listed {
		t.Fatalf("deadline watch %+v", watch)
	}
	if *recordHistories {
		// A real run of the provisional count and its daily recount timer,
		// ended by a withdrawal, for the replay test.
		e.withdrawInPerson(st.CaseID, reg).expect(t, http.StatusOK)
		e.saveHistory(st.CaseID, "divorce-v3-provisional-withdrawn.json")
	}
}

// TestM20CalculatorCountsGuangxiSanyuesan: the calculator counts as a case
// of the office given: 30 working days from 2025-03-24 (行政许可法第八十二条)
// end on 2025-05-08 nationally and on 2025-05-12 at 450103 (南宁), where
// 壮族三月三 (2025-03-31, 04-01) are days off for everyone.
func TestM20CalculatorCountsGuangxiSanyuesan(t *testing.T) {
	e := sharedEnv(t)
	tok := e.token("it-m20", "市民")
	for office, want := range map[string]string{"": "2025-05-08", "110105": "2025-05-08", "450103": "2025-05-12"} {
		var got deadlineAnswer
		e.do(http.MethodGet, "/v1/calendar/deadline?from=2025-03-24&days=30&unit=working-days&office="+office, tok, nil).
			expect(t, http.StatusOK).decode(t, &got)
		if got.LastDay != want || strings.Contains(got.CalendarVersion, "gx-2025.v1") != (office == "450103") {
			t.Errorf("office %q: %+v, want last day %s", office, got, want)
		}
	}
	bad := e.do(http.MethodGet, "/v1/calendar/deadline?from=2025-03-24&days=30&office=4501", tok, nil).expect(t, http.StatusUnprocessableEntity)
	if !strings.Contains(string(bad.body), "query.office") {
		t.Errorf("bad office: %s", bad.body)
	}
}
