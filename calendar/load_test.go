package calendar

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// fixture2027 is NOT the real 2027 arrangement (none was published when this
// was written); it only gives the loader something to merge.
const fixture2027 = `
version: test-2027.v1
years:
  - year: 2027
    notice: test fixture, not an official notice
    holidays:
      - {name: 元旦, from: 2027-01-01, to: 2027-01-03}
    makeup_workdays: []
`

func writeDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLoadDirAdds2027(t *testing.T) {
	dir := writeDir(t, map[string]string{
		"cn-2027.yaml": fixture2027,
		"README.txt":   "not data, ignored",
		".swap.yaml":   "garbage: [", // editor leftovers are skipped
	})
	c, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if c.Version() != "cn-2025-2026.v1+test-2027.v1" {
		t.Errorf("Version = %q", c.Version())
	}
	if Default().Version() != "cn-2025-2026.v1" || Default().Covers(2027) {
		t.Error("LoadDir changed the shared Default calendar")
	}
	if got := c.CoveredYears(); !slices.Equal(got, []int{2025, 2026, 2027}) {
		t.Errorf("CoveredYears = %v", got)
	}

	// The count that failed with Default now works: 9 working days in 2026
	// (12-21..25, 12-28..31); 2027-01-01..03 off; 10-14: 01-04..01-08;
	// 15-19: 01-11..01-15; 20: 01-18.
	dl, err := c.Count(d("2026-12-20"), 20, WorkingDays)
	if err != nil {
		t.Fatal(err)
	}
	if dl.Last != d("2027-01-18") || dl.CalendarVersion != "cn-2025-2026.v1+test-2027.v1" {
		t.Errorf("Last %s, version %s", dl.Last, dl.CalendarVersion)
	}
	if info, err := c.Day(d("2027-01-02")); err != nil || info.Holiday != "元旦" {
		t.Errorf("Day(2027-01-02) = %+v, %v", info, err)
	}
	if _, err := c.Day(d("2028-01-03")); !errors.Is(err, ErrYearNotCovered) {
		t.Errorf("2028 error = %v", err)
	}
}

func TestLoadDirEmptyAndMissing(t *testing.T) {
	c, err := LoadDir(t.TempDir())
	if err != nil || c.Version() != Default().Version() {
		t.Errorf("empty dir: %v, %v", c, err)
	}
	if _, err := LoadDir(filepath.Join(t.TempDir(), "nope")); err == nil {
		t.Error("missing dir accepted")
	}
}

func TestInvalidFiles(t *testing.T) {
	cases := []struct {
		name  string
		body  string
		fault string // must appear in the error, after the file name
	}{
		{"makeup-tuesday.yaml", `
version: bad-1
years:
  - year: 2027
    notice: fixture
    makeup_workdays: [2027-01-05]
`, "make-up working day 2027-01-05 is a Tuesday; make-up days must be Saturdays or Sundays"},
		{"outside-year.yaml", `
version: bad-2
years:
  - year: 2027
    notice: fixture
    holidays:
      - {name: 元旦, from: 2026-12-31, to: 2027-01-02}
`, `holiday "元旦" (2026-12-31 to 2027-01-02) is not inside 2027`},
		{"makeup-outside-year.yaml", `
version: bad-3
years:
  - year: 2027
    notice: fixture
    makeup_workdays: [2028-01-01]
`, "make-up working day 2028-01-01 is not inside 2027"},
		{"duplicate-embedded-year.yaml", `
version: bad-4
years:
  - year: 2026
    notice: fixture
`, "year 2026 is already defined by cn-2025-2026.yaml (embedded)"},
		{"duplicate-year-in-file.yaml", `
version: bad-5
years:
  - {year: 2027, notice: fixture}
  - {year: 2027, notice: fixture}
`, "year 2027 is defined twice"},
		{"holiday-and-makeup.yaml", `
version: bad-6
years:
  - year: 2027
    notice: fixture
    holidays:
      - {name: 元旦, from: 2027-01-01, to: 2027-01-03}
    makeup_workdays: [2027-01-02]
`, "2027-01-02 is both a holiday (元旦) and a make-up working day"},
		{"overlapping-holidays.yaml", `
version: bad-7
years:
  - year: 2027
    notice: fixture
    holidays:
      - {name: 国庆节, from: 2027-10-01, to: 2027-10-07}
      - {name: 中秋节, from: 2027-10-07, to: 2027-10-08}
`, `2027-10-07 is in both "国庆节" and "中秋节"`},
		{"duplicate-holiday-name.yaml", `
version: bad-8
years:
  - year: 2027
    notice: fixture
    holidays:
      - {name: 元旦, from: 2027-01-01, to: 2027-01-01}
      - {name: 元旦, from: 2027-01-02, to: 2027-01-02}
`, `holiday "元旦" is listed twice`},
		{"reversed-range.yaml", `
version: bad-9
years:
  - year: 2027
    notice: fixture
    holidays:
      - {name: 元旦, from: 2027-01-03, to: 2027-01-01}
`, "ends (2027-01-01) before it starts (2027-01-03)"},
		{"no-version.yaml", `
years:
  - {year: 2027, notice: fixture}
`, "missing top-level version"},
		{"no-notice.yaml", `
version: bad-10
years:
  - {year: 2027}
`, "year 2027: missing notice"},
		{"unknown-field.yaml", `
version: bad-11
years:
  - year: 2027
    notice: fixture
    makeup_days: [2027-01-09]
`, "field makeup_days not found"},
		{"bad-date.yaml", `
version: bad-12
years:
  - year: 2027
    notice: fixture
    makeup_workdays: [2027-02-30]
`, `invalid date "2027-02-30"`},
		{"empty.yaml", "", "file is empty"},
		{"reused-version.yaml", `
version: cn-2025-2026.v1
years:
  - {year: 2027, notice: fixture}
`, `version "cn-2025-2026.v1" is already used`},
		{"two-docs.yaml", "version: a\nyears: [{year: 2027, notice: x}]\n---\nversion: b\n", "exactly one YAML document"},
		{"missing-to.yaml", `
version: bad-13
years:
  - year: 2027
    notice: fixture
    holidays:
      - {name: 元旦, from: 2027-01-01}
`, "needs both from and to"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := writeDir(t, map[string]string{c.name: c.body})
			_, err := LoadDir(dir)
			if err == nil {
				t.Fatal("accepted")
			}
			if !errors.Is(err, ErrInvalidData) {
				t.Errorf("error %v does not match ErrInvalidData", err)
			}
			var derr *DataError
			if !errors.As(err, &derr) || derr.File != filepath.Join(dir, c.name) {
				t.Errorf("error does not name the file: %v", err)
			}
			msg := err.Error()
			if !strings.Contains(msg, filepath.Join(dir, c.name)+": ") || !strings.Contains(msg, c.fault) {
				t.Errorf("error\n%s\nwant file name and %q", msg, c.fault)
			}
		})
	}
}

func TestLoadMergesAndReportsAllBadFiles(t *testing.T) {
	// Two good files for different years merge in the order given.
	c, err := Load(File{Name: "a.yaml", Data: []byte(fixture2027)}, File{Name: "b.yaml", Data: []byte(`
version: test-2028.v1
years: [{year: 2028, notice: fixture}]
`)})
	if err != nil {
		t.Fatal(err)
	}
	if c.Version() != "cn-2025-2026.v1+test-2027.v1+test-2028.v1" {
		t.Errorf("Version = %q", c.Version())
	}

	// The same year in two new files is a duplicate too, and every bad file is reported.
	_, err = Load(
		File{Name: "first.yaml", Data: []byte(fixture2027)},
		File{Name: "second.yaml", Data: []byte("version: other\nyears: [{year: 2027, notice: x}]\n")},
		File{Name: "third.yaml", Data: []byte("version: third\nyears: [{year: 2029, notice: x, makeup_workdays: [2029-01-02]}]\n")},
	)
	if err == nil {
		t.Fatal("accepted")
	}
	msg := err.Error()
	for _, want := range []string{
		"second.yaml: year 2027 is already defined by first.yaml",
		"third.yaml: year 2029: make-up working day 2029-01-02 is a Tuesday",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error\n%s\nlacks %q", msg, want)
		}
	}
}

func TestNewWithoutEmbeddedData(t *testing.T) {
	c, err := New(File{Name: "only-2027.yaml", Data: []byte(fixture2027)})
	if err != nil {
		t.Fatal(err)
	}
	if c.Version() != "test-2027.v1" || !slices.Equal(c.CoveredYears(), []int{2027}) {
		t.Errorf("Version %q, years %v", c.Version(), c.CoveredYears())
	}
	if _, err := c.Day(d("2026-02-24")); !errors.Is(err, ErrYearNotCovered) {
		t.Errorf("2026 in a 2027-only calendar: %v", err)
	}
}
