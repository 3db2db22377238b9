package procedures

import (
	"encoding/json"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
)

// The social-organization definitions name checks and documents that the
// activities package implements; the test catalog learns them here, so the
// built-in definitions load in this package's tests without importing it.
func init() {
	testCatalog.Checks = append(testCatalog.Checks,
		"social-group-sponsoring-unit", "social-group-members", "social-group-funds", "social-group-name",
		"social-group-unique-scope",
		"social-service-organization-sponsoring-unit", "social-service-organization-funds",
		"social-service-organization-name", "social-service-organization-unique-scope",
		"foundation-registration-authority", "foundation-sponsoring-unit", "foundation-initial-funds", "foundation-name",
		"org-legal-representative", "foundation-legal-representative", "org-charity-application", "charity-purpose")
	testCatalog.Documents = append(testCatalog.Documents,
		"social-group-registration-certificate", "social-service-organization-registration-certificate",
		"foundation-registration-certificate", "registration-announcement")
}

// TestSocialOrganizationDefinitions: each variant is a licence whose
// decision clock runs from intake, stands still in correction, and is met
// by the decision; its form takes what its checks read.
func TestSocialOrganizationDefinitions(t *testing.T) {
	// This family's files alone, so other families' do not affect the test.
	files := fstest.MapFS{}
	for _, id := range []string{"social-group-registration", "social-service-organization-registration", "foundation-registration"} {
		raw, err := fs.ReadFile(builtin, "definitions/"+id+".yaml")
		if err != nil {
			t.Fatal(err)
		}
		files[id+".yaml"] = &fstest.MapFile{Data: raw}
	}
	r, err := LoadFS(files, testCatalog)
	if err != nil {
		t.Fatal(err)
	}
	forms := map[string]string{
		"social-group-registration":                `"members":{"individuals":60,"units":0},"funds":{"amount":30000}`,
		"social-service-organization-registration": `"funds":{"amount":100000}`,
		"foundation-registration":                  `"fundraising":"non-public","funds":{"amount":2000000,"paidInCash":true}`,
	}
	for id, rest := range forms {
		p, ok := r.Get(id)
		if !ok {
			t.Fatalf("%s not loaded", id)
		}
		intake, _ := p.Stage("intake")
		if intake.Timer == nil || intake.Timer.Length != 5 || intake.Timer.Unit != "working-days" || intake.Timer.OnExpiry != "accepted" {
			t.Errorf("%s: intake timer %+v", id, intake.Timer)
		}
		c, ok := p.Clock("registration-decision")
		if !ok || c.Length != 60 || c.Unit != "calendar-days" || c.StartsAt != "intake" ||
			len(c.SuspendedIn) != 1 || c.SuspendedIn[0] != "correction" || len(c.RestartsAt) != 1 || c.RestartsAt[0] != "corrected" {
			t.Errorf("%s: decision clock %+v", id, c)
		}
		if cc, ok := p.Clock("charity-registration-decision"); !ok || cc.Length != 30 || cc.StartsAt != "charity-conditions" {
			t.Errorf("%s: charity clock %+v", id, cc)
		}
		if corr, _ := p.Stage("correction"); len(corr.Actions) == 0 || !corr.Actions[0].AmendsForm || corr.Actions[0].Next != "corrected" {
			t.Errorf("%s: resubmission %+v", id, corr.Actions)
		}
		if !p.TakesOffice(OfficeNation) || !p.TakesOffice(OfficeCounty) {
			t.Errorf("%s: office levels %v", id, p.OfficeLevels)
		}
		if p.Nature != "administrative-licence" || p.AppealNotice.Zh == "" {
			t.Errorf("%s: nature %q appeal notice %+v", id, p.Nature, p.AppealNotice)
		}
		form := `{"applicants":[{"name":"张伟","idNumber":"110105199003071538"}],
			"organization":{"name":"某某组织","category":"other","field":"摄影","scope":"摄影交流","domicile":"朝阳路1号",
			"legalRepresentative":{"name":"张伟","idNumber":"110105199003071538"}},` + rest + `}`
		if errs := p.ValidateForm(json.RawMessage(form)); len(errs) != 0 {
			t.Errorf("%s: valid form rejected: %+v", id, errs)
		}
	}
	sg, _ := r.Get("social-group-registration")
	errs := sg.ValidateForm(json.RawMessage(`{"applicants":[{"name":"张伟","idNumber":"110105199003071538"}],"funds":{"amount":1}}`))
	if len(errs) != 1 || !strings.Contains(errs[0].Rule, "members") || !strings.Contains(errs[0].Rule, "organization") {
		t.Errorf("a social group without organization and members: %+v", errs)
	}
}
