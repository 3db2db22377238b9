package integration

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// xicheng is an office no other test uses, so its lists hold only this
// test's cases.
const xicheng = "110102"

// taskList is a to-do, done or copied page.
type taskList struct {
	Total int `json:"total"`
	Items []struct {
		ID     string `json:"id"`
		Stage  string `json:"stage"`
		Holder string `json:"holder"`
	} `json:"items"`
}

func (l taskList) ids() []string {
	out := []string{}
	for _, it := range l.Items {
		out = append(out, it.ID)
	}
	return out
}

// list GETs a list with query parameters (name, value, …).
func (e *env) list(path, token string, query ...string) taskList {
	e.t.Helper()
	q := url.Values{}
	for i := 0; i+1 < len(query); i += 2 {
		q.Set(query[i], query[i+1])
	}
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	var l taskList
	e.do(http.MethodGet, path, token, nil).expect(e.t, http.StatusOK).decode(e.t, &l)
	return l
}

// TestToDoDoneAndCopiedThroughTheAPI: a new case is in the to-do of every
// registrar of its office; once claimed, only in its holder's; the
// registrar who decided finds it under done (a claim alone does not count);
// a copy puts it under the reader's copied list and lets them read it but
// not act; filters and sorts narrow and order the to-do.
func TestToDoDoneAndCopiedThroughTheAPI(t *testing.T) {
	e := sharedEnv(t)
	// In the directory before the cases start, so their tasks stay at the
	// office instead of going up to whoever holds the role above it.
	regA := e.staffMember("inbox-reg-a", "甲登记", "registrar:"+xicheng)
	regB := e.staffMember("inbox-reg-b", "乙登记", "registrar:"+xicheng)
	// Copies go to staff of the case's jurisdiction only (D7): a
	// supervisor, who reads but never acts; a registrar elsewhere is refused.
	reader := e.staffMember("inbox-reader", "丙科长", "supervisor:"+xicheng)
	e.staffMember("inbox-elsewhere", "丁登记", "registrar:110106")
	var cases []string
	for range 2 {
		c := e.couple("19900307", "19920612")
		st := e.do(http.MethodPost, "/v1/cases", c.manTok, marriageBody(c, xicheng)).expect(t, http.StatusCreated).state(t)
		if st.Stage != "registrar-review" {
			t.Fatalf("stage %s", st.Stage)
		}
		cases = append(cases, st.CaseID)
		time.Sleep(2 * time.Millisecond) // distinct submission times for the sort
	}
	first, second := cases[0], cases[1]
	want := func(what string, l taskList, ids ...string) {
		t.Helper()
		if !slices.Equal(l.ids(), ids) || l.Total != len(ids) {
			t.Errorf("%s: %v (total %d), want %v", what, l.ids(), l.Total, ids)
		}
	}

	// The pool: both registrars of the office see both; a registrar elsewhere neither.
	want("A's to-do", e.list("/v1/me/inbox", regA), first, second)
	want("B's to-do", e.list("/v1/me/inbox", regB), first, second)
	notIn := func(what string, l taskList, id string) {
		t.Helper()
		if slices.Contains(l.ids(), id) {
			t.Errorf("%s has %s: %v", what, id, l.ids())
		}
	}
	notIn("the reader's to-do", e.list("/v1/me/inbox", reader, "text", first), first)

	// Filters and sorts.
	want("procedure", e.list("/v1/me/inbox", regA, "procedure", "marriage-registration"), first, second)
	want("another procedure", e.list("/v1/me/inbox", regA, "procedure", "divorce-registration"))
	want("stage", e.list("/v1/me/inbox", regA, "stage", "registrar-review"), first, second)
	want("another stage", e.list("/v1/me/inbox", regA, "stage", "awaiting-proof"))
	want("office", e.list("/v1/me/inbox", regA, "office", xicheng), first, second)
	want("office covering it", e.list("/v1/me/inbox", regA, "office", "110000"), first, second)
	want("office outside my jurisdiction", e.list("/v1/me/inbox", regA, "office", "110106"))
	want("text", e.list("/v1/me/inbox", regA, "text", strings.ToLower(second)), second)
	want("due before (no deadline at registrar review)", e.list("/v1/me/inbox", regA,
		"dueBefore", time.Now().Add(1000*time.Hour).Format(time.RFC3339)))
	want("by submission", e.list("/v1/me/inbox", regA, "sort", "submitted"), first, second)
	want("by submission, newest first", e.list("/v1/me/inbox", regA, "sort", "submitted", "order", "desc"), second, first)
	want("by deadline, descending", e.list("/v1/me/inbox", regA, "order", "desc"), second, first)
	page := e.list("/v1/me/inbox", regA, "limit", "1", "offset", "1")
	if !slices.Equal(page.ids(), []string{second}) || page.Total != 2 {
		t.Errorf("second page: %v total %d", page.ids(), page.Total)
	}
	for _, bad := range []string{"sort=title", "order=sideways", "office=11", "dueBefore=tomorrow", "limit=0"} {
		e.do(http.MethodGet, "/v1/me/inbox?"+bad, regA, nil).expect(t, http.StatusUnprocessableEntity)
	}

	// A claimed task is its holder's alone.
	e.do(http.MethodPost, "/v1/cases/"+first+"/actions", regA, map[string]any{"action": "claim"}).expect(t, http.StatusOK)
	mine := e.list("/v1/me/inbox", regA)
	want("A's to-do after A claimed the first", mine, first, second)
	if len(mine.Items) == 2 && (mine.Items[0].Holder != "inbox-reg-a" || mine.Items[1].Holder != "") {
		t.Errorf("holders %q, %q; want inbox-reg-a and none", mine.Items[0].Holder, mine.Items[1].Holder)
	}
	want("B's to-do after A claimed the first", e.list("/v1/me/inbox", regB), second)
	want("A's done after only a claim", e.list("/v1/me/done", regA))

	// Done: the registrar who decided.
	e.act(first, regA, "register", "").expect(t, http.StatusOK)
	want("A's done", e.list("/v1/me/done", regA), first)
	want("B's done", e.list("/v1/me/done", regB))
	want("A's to-do after deciding", e.list("/v1/me/inbox", regA), second)

	// Copied: the reader finds the case under copied and may read it, not act on it.
	want("copied before the copy", e.list("/v1/me/copied", reader))
	e.do(http.MethodPost, "/v1/cases/"+second+"/actions", regB,
		map[string]any{"action": "copy", "targets": []string{"inbox-elsewhere"}}).expect(t, http.StatusConflict)
	e.do(http.MethodPost, "/v1/cases/"+second+"/actions", regB,
		map[string]any{"action": "copy", "targets": []string{"inbox-reader"}}).expect(t, http.StatusOK)
	want("copied to the reader", e.list("/v1/me/copied", reader), second)
	want("copied, filtered by text", e.list("/v1/me/copied", reader, "text", first))
	want("copied to B", e.list("/v1/me/copied", regB))
	if st := e.do(http.MethodGet, "/v1/cases/"+second, reader, nil).expect(t, http.StatusOK).state(t); st.CaseID != second {
		t.Fatalf("the reader read %s", st.CaseID)
	}
	e.act(second, reader, "register", "").expect(t, http.StatusForbidden)
	notIn("the reader's to-do", e.list("/v1/me/inbox", reader, "text", second), second)
}
