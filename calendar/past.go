package calendar

import (
	"io/fs"
	"path"
	"slices"
)

// PastYears returns the built-in notices of the years before the data in
// use (data/past: 2008–2024), for cases migrated from an older system and
// statistics over past years. They are not part of Default, whose years are
// the ones new periods reach.
func PastYears() ([]File, error) {
	names, err := fs.Glob(embedded, "data/past/*.yaml")
	if err != nil {
		return nil, err
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

// WithPastYears returns c with the built-in past years added (PastYears);
// a year c already has is an error, as for any file.
func (c *Calendar) WithPastYears() (*Calendar, error) {
	files, err := PastYears()
	if err != nil {
		return nil, err
	}
	return c.With(files...)
}
