package integration

import (
	"net/http"
	"strings"
	"testing"
)

// TestM2FounderToldOfTheCorrectionNotice: the registrar asks for the
// missing materials once (行政许可法第三十二条第一款第（四）项); the founder
// finds the notice with the list among their notifications, and word that
// the time limit stands still meanwhile (第四十五条).
func TestM2FounderToldOfTheCorrectionNotice(t *testing.T) {
	e := sharedEnv(t)
	reg := e.token("reg-m2", "蒋登记", "registrar:"+beijingChaoyang)
	f := e.founder()
	st := e.submitOrg(orgApplication("social-group-registration", beijingChaoyang, f), f)
	notice := "请一次性补正：验资报告；住所证明"
	e.act(st.CaseID, reg, "request-correction", notice).expect(t, http.StatusOK)
	var got notifications
	e.do(http.MethodGet, "/v1/me/notifications", f.tok, nil).expect(t, http.StatusOK).decode(t, &got)
	told, stands := false, false
	for _, n := range got.Items {
		told = told || n.CaseID == st.CaseID && n.Kind == "action-needed" && strings.Contains(n.Message, notice) && strings.Contains(n.Message, st.CaseID)
		stands = stands || n.CaseID == st.CaseID && n.Kind == "suspended"
	}
	if !told || !stands {
		t.Fatalf("founder's notifications %+v", got.Items)
	}
}
