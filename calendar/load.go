package calendar

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"gopkg.in/yaml.v3"
)

// ErrInvalidData is matched (errors.Is) by every error about a bad data file.
var ErrInvalidData = errors.New("calendar: invalid holiday data")

// DataError reports everything wrong with one data file, so an operator can
// fix the file in one pass.
type DataError struct {
	File   string   // the file's name as given to Load or found by LoadDir
	Faults []string // one sentence per fault
}

// Error names the file and lists its faults.
func (e *DataError) Error() string {
	return "calendar: " + e.File + ": " + strings.Join(e.Faults, "; ")
}

// Is makes errors.Is(err, ErrInvalidData) true.
func (e *DataError) Is(target error) bool { return target == ErrInvalidData }

// File is one holiday data file: its name (used in errors) and its YAML text.
//
// The format is (placeholders only: take the dates from the notice):
//
//	version: cn-2027.v1            # required, unique among the loaded files
//	years:
//	  - year: 2027
//	    notice: 国务院办公厅关于2027年部分节假日安排的通知（…）   # required
//	    url: https://www.gov.cn/…  # optional
//	    note: reprints checked …    # optional, free text
//	    holidays:                  # every day off, weekends inside included
//	      - {name: 元旦, from: 2027-MM-DD, to: 2027-MM-DD}
//	    makeup_workdays:           # Saturdays or Sundays that are working days
//	      - 2027-MM-DD
type File struct {
	Name string
	Data []byte
}

// The YAML schema. Unknown fields are rejected so a misspelt key cannot
// silently drop a holiday.
type fileDoc struct {
	Version string     `yaml:"version"`
	Region  string     `yaml:"region"` // a division code: the file holds that region's own days off (M20)
	Years   []fileYear `yaml:"years"`
}

type fileYear struct {
	Year     int           `yaml:"year"`
	Notice   string        `yaml:"notice"`
	URL      string        `yaml:"url"`
	Note     string        `yaml:"note"`
	Holidays []fileHoliday `yaml:"holidays"`
	MakeUp   []Date        `yaml:"makeup_workdays"`
}

type fileHoliday struct {
	Name string `yaml:"name"`
	From Date   `yaml:"from"`
	To   Date   `yaml:"to"`
}

//go:embed data/*.yaml data/regional/*.yaml data/past/*.yaml
var embedded embed.FS

// embeddedFiles returns the data files compiled into the package, in name order.
func embeddedFiles() ([]File, error) {
	return embeddedMatching("data/*.yaml", "data/regional/*.yaml")
}

// embeddedMatching returns the embedded data files matching any of the
// patterns, in name order.
func embeddedMatching(patterns ...string) ([]File, error) {
	var names []string
	for _, pat := range patterns {
		m, err := fs.Glob(embedded, pat)
		if err != nil {
			return nil, err
		}
		names = append(names, m...)
	}
	slices.Sort(names)
	files := make([]File, 0, len(names))
	for _, n := range names {
		b, err := embedded.ReadFile(n)
		if err != nil {
			return nil, err
		}
		files = append(files, File{Name: path.Base(n) + " (embedded)", Data: b})
	}
	return files, nil
}

func buildDefault() (*Calendar, error) {
	files, err := embeddedFiles()
	if err != nil {
		return nil, err
	}
	return New(files...)
}

// defaultCalendar is built once: the embedded data cannot change at run time
// and a Calendar is immutable, so every caller can share it.
var defaultCalendar = sync.OnceValue(func() *Calendar {
	c, err := buildDefault()
	if err != nil {
		// Only a broken build can get here; TestEmbeddedDataIsValid guards it.
		panic(err)
	}
	return c
})

// Default returns the calendar built from the embedded data (2025 and 2026).
// It panics only if the embedded data is invalid, which a test rules out.
func Default() *Calendar { return defaultCalendar() }

// New builds a calendar from exactly the given files, without the embedded
// data. Each file is validated; then the years are merged, and a year defined
// by two files is an error. Version is the files' versions joined by "+" in
// the order given.
func New(files ...File) (*Calendar, error) {
	c := &Calendar{years: map[int]*yearData{}, regions: map[string]*region{}}
	return c.merge(files)
}

// Load returns the Default calendar merged with the given files. Errors name
// the file and the fault (errors.Is(err, ErrInvalidData)).
func Load(files ...File) (*Calendar, error) {
	return Default().With(files...)
}

// LoadDir returns the Default calendar merged with every *.yaml and *.yml
// file directly inside dir, in name order (hidden files are skipped). This is
// how an operator adds a year, e.g. 2027 once its notice is published.
func LoadDir(dir string) (*Calendar, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("calendar: reading data directory: %w", err)
	}
	var files []File
	for _, e := range entries {
		name := e.Name()
		ext := strings.ToLower(filepath.Ext(name))
		if e.IsDir() || strings.HasPrefix(name, ".") || (ext != ".yaml" && ext != ".yml") {
			continue
		}
		p := filepath.Join(dir, name)
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("calendar: %w", err)
		}
		files = append(files, File{Name: p, Data: b})
	}
	return Load(files...)
}

// With returns a new calendar holding c's years plus those of files; c is not
// changed. The new version is c's version followed by the files' versions.
func (c *Calendar) With(files ...File) (*Calendar, error) {
	c = c.cur()
	n := &Calendar{version: c.version, years: make(map[int]*yearData, len(c.years)), provisional: c.provisional,
		division: c.division, regions: make(map[string]*region, len(c.regions))}
	for y, yd := range c.years {
		n.years[y] = yd // yearData is never modified after validation, so sharing is safe
	}
	for code, r := range c.regions {
		n.regions[code] = r.clone()
	}
	return n.merge(files)
}

// merge validates files and adds them to c, which must not be shared yet.
func (c *Calendar) merge(files []File) (*Calendar, error) {
	var errs []error
	versions := map[string]string{} // version -> file, to keep Version unambiguous
	for _, v := range strings.Split(c.version, "+") {
		if v != "" {
			versions[v] = "the base calendar"
		}
	}
	for _, r := range c.regions {
		for _, v := range r.versions {
			versions[v] = "the base calendar"
		}
	}
	for _, f := range files {
		doc, years, faults := parseFile(f)
		if len(faults) == 0 {
			if prev, ok := versions[doc.Version]; ok {
				faults = append(faults, fmt.Sprintf("version %q is already used by %s", doc.Version, prev))
			}
			existing := c.years
			if doc.Region != "" {
				existing = nil
				if r := c.regions[doc.Region]; r != nil {
					existing = r.years
				}
			}
			for _, yd := range years {
				if prev, ok := existing[yd.year]; ok {
					faults = append(faults, fmt.Sprintf("year %d is already defined by %s", yd.year, prev.file))
				}
			}
		}
		if len(faults) > 0 {
			errs = append(errs, &DataError{File: f.Name, Faults: faults})
			continue
		}
		versions[doc.Version] = f.Name
		if doc.Region != "" {
			c.addRegion(doc.Region, doc.Version, years)
			continue
		}
		for _, yd := range years {
			c.years[yd.year] = yd
		}
		if c.version == "" {
			c.version = doc.Version
		} else {
			c.version += "+" + doc.Version
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return c, nil
}

// parseFile decodes and validates one file on its own; cross-file checks are
// done by merge.
func parseFile(f File) (fileDoc, []*yearData, []string) {
	var doc fileDoc
	dec := yaml.NewDecoder(bytes.NewReader(f.Data))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return doc, nil, []string{"file is empty"}
		}
		return doc, nil, []string{err.Error()}
	}
	// A second document would be ignored by Decode; refuse it rather than
	// drop data the operator meant to load.
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return doc, nil, []string{"file must hold exactly one YAML document"}
	}

	var faults []string
	fault := func(format string, a ...any) { faults = append(faults, fmt.Sprintf(format, a...)) }
	if strings.TrimSpace(doc.Version) == "" {
		fault("missing top-level version")
	} else if strings.ContainsAny(doc.Version, "+ \t\n") {
		fault("version %q must not contain '+' or spaces", doc.Version)
	}
	if len(doc.Years) == 0 {
		fault("no years defined")
	}
	if doc.Region != "" && !isRegionCode(doc.Region) {
		fault("region %q is not a six-digit division code", doc.Region)
	}

	seenYear := map[int]bool{}
	var out []*yearData
	for _, fy := range doc.Years {
		y := fy.Year
		if y < 1 || y > 9999 {
			fault("year %d is out of range", y)
			continue
		}
		if seenYear[y] {
			fault("year %d is defined twice", y)
			continue
		}
		seenYear[y] = true
		yd, yf := validateYear(fy)
		for _, s := range yf {
			fault("year %d: %s", y, s)
		}
		yd.file = f.Name
		out = append(out, yd)
	}
	return doc, out, faults
}

// MinYear and MaxYear bound the years a data file may define: the national
// holidays were first set in 1949, and the day after a covered year must
// still be a representable date.
const (
	MinYear = 1949
	MaxYear = 9998
)

// validateYear checks one year's entry and builds its lookup tables.
func validateYear(fy fileYear) (*yearData, []string) {
	y := fy.Year
	yd := &yearData{
		year:     y,
		notice:   strings.TrimSpace(fy.Notice),
		url:      fy.URL,
		holidays: map[Date]string{},
		makeUp:   map[Date]bool{},
	}
	var faults []string
	fault := func(format string, a ...any) { faults = append(faults, fmt.Sprintf(format, a...)) }
	if yd.notice == "" {
		fault("missing notice (the official notice the dates come from)")
	}
	// Statutory holidays date from 1949; a year outside this range is a
	// typo (found by fuzzing: "year: 01" was accepted).
	if y < MinYear || y > MaxYear {
		fault("year %d is outside %d–%d", y, MinYear, MaxYear)
	}

	seenName := map[string]bool{}
	for i, h := range fy.Holidays {
		name := strings.TrimSpace(h.Name)
		label := fmt.Sprintf("holiday %q", name)
		if name == "" {
			label = fmt.Sprintf("holiday #%d", i+1)
			fault("%s has no name", label)
		} else if seenName[name] {
			fault("%s is listed twice", label)
		}
		seenName[name] = true
		if h.From.IsZero() || h.To.IsZero() {
			fault("%s needs both from and to", label)
			continue
		}
		if h.From.Year != y || h.To.Year != y {
			fault("%s (%s to %s) is not inside %d", label, h.From, h.To, y)
			continue
		}
		if h.To.Before(h.From) {
			fault("%s ends (%s) before it starts (%s)", label, h.To, h.From)
			continue
		}
		for d := h.From; !d.After(h.To); d = d.AddDays(1) {
			if other, dup := yd.holidays[d]; dup {
				fault("%s is in both %q and %q", d, other, name)
				continue
			}
			yd.holidays[d] = name
		}
	}

	for _, d := range fy.MakeUp {
		switch {
		case d.IsZero():
			fault("empty make-up working day")
		case d.Year != y:
			fault("make-up working day %s is not inside %d", d, y)
		case d.Weekday() != time.Saturday && d.Weekday() != time.Sunday:
			fault("make-up working day %s is a %s; make-up days must be Saturdays or Sundays", d, d.Weekday())
		case yd.makeUp[d]:
			fault("make-up working day %s is listed twice", d)
		case yd.holidays[d] != "":
			fault("%s is both a holiday (%s) and a make-up working day", d, yd.holidays[d])
		default:
			yd.makeUp[d] = true
		}
	}
	return yd, faults
}
