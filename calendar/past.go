package calendar

// PastYears returns the built-in notices of the years before the data in
// use (data/past: 2008–2024), for cases migrated from an older system and
// statistics over past years. They are not part of Default, whose years are
// the ones new periods reach.
func PastYears() ([]File, error) {
	return embeddedMatching("data/past/*.yaml")
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
