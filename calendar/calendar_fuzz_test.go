package calendar

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzLoad: loading calendar data never panics, whatever the bytes; a
// refusal is a DataError (errors.Is ErrInvalidData); and an accepted file
// gives a calendar whose every day of every year it covers can be
// classified consistently: a holiday is never a working day, a make-up day
// always is, and counting working days agrees with classifying them.
// LoadDir reads the same bytes from a file to the same verdict.
func FuzzLoad(f *testing.F) {
	files, err := embeddedFiles()
	if err != nil {
		f.Fatal(err)
	}
	for _, fl := range files {
		f.Add(fl.Data)
	}
	f.Add([]byte("version: v\nyears:\n  - year: 2031\n    notice: n\n    holidays: [{name: 元旦, from: 2031-01-01, to: 2031-01-01}]\n    makeup_workdays: [2031-01-04]\n"))
	f.Add([]byte("version: v\nyears:\n  - year: 2026\n    notice: duplicate of a built-in year\n"))
	f.Add([]byte("version: v\nyears: [{year: 2030, notice: n, holidays: [{name: x, from: 2030-12-31, to: 2030-01-01}]}]\n"))
	f.Add([]byte("version: v\nyears: [{year: 99999999999, notice: n}]\n"))
	f.Add([]byte("years: [{year: 2030, notice: n, makeup_workdays: [2030-02-30]}]\n"))
	f.Add([]byte("\xff\xfe"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cal, err := New(File{Name: "fuzz.yaml", Data: data})
		if err != nil {
			if !errors.Is(err, ErrInvalidData) {
				t.Fatalf("refusal is not a data error: %v", err)
			}
			if cal != nil {
				t.Fatal("a calendar came back with the error")
			}
		} else {
			checkCalendar(t, cal)
		}
		// Load adds the built-in years; it may refuse a duplicate year
		// that New accepted, but never the other way round.
		if merged, lerr := Load(File{Name: "fuzz.yaml", Data: data}); lerr == nil {
			if err != nil {
				t.Fatalf("Load accepted what New refused: %v", err)
			}
			checkCalendar(t, merged)
			dir := t.TempDir()
			if werr := os.WriteFile(filepath.Join(dir, "x.yaml"), data, 0o600); werr != nil {
				t.Fatal(werr)
			}
			fromDir, derr := LoadDir(dir)
			if derr != nil || fromDir.Version() != merged.Version() {
				t.Fatalf("LoadDir disagrees with Load: %v", derr)
			}
		}
	})
}

func checkCalendar(t *testing.T, cal *Calendar) {
	t.Helper()
	ys := cal.CoveredYears()
	if len(ys) > 0 {
		if last, ok := cal.CoveredUntil(); !ok || last.Year != ys[len(ys)-1] {
			t.Fatalf("CoveredUntil %v, %v with years %v", last, ok, ys)
		}
	}
	for _, y := range ys {
		if y < 1 || y > 9999 {
			t.Fatalf("covered year %d is not a calendar year", y)
		}
		working := 0
		for d := (Date{Year: y, Month: time.January, Day: 1}); d.Year == y; d = d.AddDays(1) {
			info, err := cal.Day(d)
			if err != nil {
				t.Fatalf("%s in a covered year: %v", d, err)
			}
			if info.Holiday != "" && info.Working || info.MakeUp && (!info.Working || !info.Weekend) {
				t.Fatalf("%s classified inconsistently: %+v", d, info)
			}
			if info.Working {
				working++
			}
		}
		n, err := cal.WorkingDaysIn(y)
		if err != nil || n != working {
			t.Fatalf("%d: WorkingDaysIn %d, %v; counted %d", y, n, err, working)
		}
	}
}
