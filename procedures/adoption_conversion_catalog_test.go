package procedures

import (
	"slices"
	"testing"
)

// The adoption and county-to-city definitions name the approver and
// assessor roles and checks and documents that the activities package
// implements; the test catalog learns them here, so the built-in
// definitions load in this package's tests without importing it.
func init() {
	for _, r := range []string{"approver", "assessor"} {
		if !slices.Contains(testCatalog.Roles, r) {
			testCatalog.Roles = append(testCatalog.Roles, r)
		}
	}
	testCatalog.Checks = append(testCatalog.Checks,
		"adopter-age", "adopter-children", "adoption-number", "adopter-declarations", "joint-adoption-by-spouses",
		"single-adopter-age-gap", "child-adoptable", "child-consent", "placement-consent",
		"birth-parents-known", "assessment-required", "county-may-become-city",
		"conversion-applied-by-prefecture", "conversion-concerns-autonomous-area")
	testCatalog.Documents = append(testCatalog.Documents, "adoption-certificate", "conversion-announcement")
}

// TestAdoptionAndConversionDefinitions: the 30-day review stands still in
// both announcements and the assessment; the conversion chain rises one
// level at a time and each level returns the plan only to the one below.
func TestAdoptionAndConversionDefinitions(t *testing.T) {
	r, err := LoadBuiltin(testCatalog)
	if err != nil {
		t.Fatal(err)
	}
	adoption, ok := r.Get("adoption-registration")
	if !ok {
		t.Fatal("adoption-registration not loaded")
	}
	review, ok := adoption.Clock("review")
	if !ok || review.Length != 30 || review.Unit != "calendar-days" || review.StartsAt != adoption.Start {
		t.Fatalf("review clock %+v", review)
	}
	for _, s := range []string{"announcement", "re-announcement", "staff-assessment", "third-party-assessment"} {
		if !slices.Contains(review.SuspendedIn, s) {
			t.Errorf("the review clock runs during %s", s)
		}
	}
	if st, _ := adoption.Stage("announcement"); st.Timer == nil || st.Timer.Length != 60 {
		t.Errorf("announcement %+v", st.Timer)
	}

	conv, ok := r.Get("county-to-city-conversion")
	if !ok {
		t.Fatal("county-to-city-conversion not loaded")
	}
	chain := []struct{ stage, level, returnTo string }{
		{"prefecture-review", LevelPrefecture, "county-revision"},
		{"province-civil-affairs-review", LevelProvince, "prefecture-review"},
		{"province-government-decision", LevelProvince, "province-civil-affairs-review"},
		{"ministry-review", LevelNation, "province-government-decision"},
		{"state-council-decision", LevelNation, "ministry-review"},
	}
	for _, c := range chain {
		st, ok := conv.Stage(c.stage)
		if !ok || st.Level != c.level || !slices.Equal(st.ReturnTo, []string{c.returnTo}) {
			t.Errorf("%s: level %q returns to %v", c.stage, st.Level, st.ReturnTo)
		}
	}
	impl, ok := conv.Clock("implementation")
	if !ok || impl.Length != 12 || impl.Unit != "months" || impl.Extension == nil || impl.Extension.Length != 6 || impl.Extension.Unit != "months" {
		t.Fatalf("implementation clock %+v", impl)
	}
}
