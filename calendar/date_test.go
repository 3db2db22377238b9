package calendar

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// d is shorthand so test tables read as literal dates.
func d(s string) Date { return MustParseDate(s) }

func TestParseDate(t *testing.T) {
	good := map[string]Date{
		"2026-01-16": {2026, time.January, 16},
		"2024-02-29": {2024, time.February, 29},
		"0001-01-01": {1, time.January, 1},
	}
	for s, want := range good {
		got, err := ParseDate(s)
		if err != nil || got != want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", s, got, err, want)
		}
		if got.String() != s {
			t.Errorf("String() = %q, want %q", got.String(), s)
		}
	}
	for _, s := range []string{"", "2026-02-29", "2026-13-01", "2026-1-16", "16/01/2026", "2026-01-16T00:00:00Z", "2026-01-16 "} {
		if _, err := ParseDate(s); err == nil {
			t.Errorf("ParseDate(%q) succeeded, want error", s)
		}
	}
}

func TestDateArithmetic(t *testing.T) {
	cases := []struct {
		from string
		n    int
		want string
	}{
		{"2026-01-16", 30, "2026-02-15"},
		{"2024-02-28", 1, "2024-02-29"},
		{"2025-02-28", 1, "2025-03-01"},
		{"2025-12-31", 1, "2026-01-01"},
		{"2026-01-01", -1, "2025-12-31"},
		{"2025-09-08", 0, "2025-09-08"},
	}
	for _, c := range cases {
		if got := d(c.from).AddDays(c.n); got != d(c.want) {
			t.Errorf("%s.AddDays(%d) = %s, want %s", c.from, c.n, got, c.want)
		}
		if got := d(c.from).DaysUntil(d(c.want)); got != c.n {
			t.Errorf("%s.DaysUntil(%s) = %d, want %d", c.from, c.want, got, c.n)
		}
	}

	if wd := d("2026-02-14").Weekday(); wd != time.Saturday {
		t.Errorf("2026-02-14 is a %s, want Saturday", wd)
	}
	a, b := d("2025-12-31"), d("2026-01-01")
	if !a.Before(b) || a.After(b) || b.Before(a) || !b.After(a) || a.Equal(b) || !a.Equal(d("2025-12-31")) {
		t.Error("Before/After/Equal disagree with calendar order")
	}
	if a.Compare(b) != -1 || b.Compare(a) != 1 || a.Compare(a) != 0 {
		t.Error("Compare disagrees with calendar order")
	}
	if (Date{2026, 2, 30}).Valid() || (Date{}).Valid() || !d("2026-02-28").Valid() {
		t.Error("Valid is wrong")
	}
}

func TestAddMonths(t *testing.T) {
	cases := []struct {
		from    string
		n       int
		want    string
		clamped bool
	}{
		{"2026-01-31", 1, "2026-02-28", true},
		{"2024-01-31", 1, "2024-02-29", true},
		{"2026-03-31", 1, "2026-04-30", true},
		{"2025-03-15", 12, "2026-03-15", false},
		{"2025-12-31", 1, "2026-01-31", false},
		{"2025-11-30", 3, "2026-02-28", true},
		{"2024-02-29", 12, "2025-02-28", true},
		{"2026-01-15", -1, "2025-12-15", false},
		{"2026-03-31", -1, "2026-02-28", true},
	}
	for _, c := range cases {
		got, clamped := d(c.from).addMonths(c.n)
		if got != d(c.want) || clamped != c.clamped {
			t.Errorf("%s + %d months = %s (clamped %v), want %s (clamped %v)", c.from, c.n, got, clamped, c.want, c.clamped)
		}
	}
}

func TestDateOfAndIn(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	// 2026-01-16 17:30 UTC is already 2026-01-17 in Beijing: the zone decides the date.
	instant := time.Date(2026, 1, 16, 17, 30, 0, 0, time.UTC)
	if got := DateOf(instant); got != d("2026-01-16") {
		t.Errorf("DateOf(UTC) = %s", got)
	}
	if got := DateOf(instant.In(shanghai)); got != d("2026-01-17") {
		t.Errorf("DateOf(Shanghai) = %s", got)
	}
	mid := d("2026-02-24").In(shanghai)
	if mid.Hour() != 0 || mid.Minute() != 0 || mid.Location() != shanghai || DateOf(mid) != d("2026-02-24") {
		t.Errorf("In = %v", mid)
	}
	if got := d("2026-02-24").In(nil); got.Location() != time.UTC {
		t.Errorf("In(nil) location = %v, want UTC", got.Location())
	}
}

func TestDateEncoding(t *testing.T) {
	type wrap struct {
		D Date  `json:"d" yaml:"d"`
		Z Date  `json:"z" yaml:"z"`
		P *Date `json:"p" yaml:"p"`
	}
	p := d("2025-10-11")
	in := wrap{D: d("2026-02-24"), P: &p}

	js, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if string(js) != `{"d":"2026-02-24","z":"","p":"2025-10-11"}` {
		t.Errorf("JSON = %s", js)
	}
	var back wrap
	if err := json.Unmarshal(js, &back); err != nil || back.D != in.D || !back.Z.IsZero() || *back.P != p {
		t.Errorf("JSON round trip = %+v, %v", back, err)
	}
	if err := json.Unmarshal([]byte(`{"d":"2026-02-30"}`), &back); err == nil {
		t.Error("JSON accepted 2026-02-30")
	}

	ys, err := yaml.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ys), "d: \"2026-02-24\"") && !strings.Contains(string(ys), "d: 2026-02-24") {
		t.Errorf("YAML = %s", ys)
	}
	var yback wrap
	if err := yaml.Unmarshal(ys, &yback); err != nil || yback.D != in.D || *yback.P != p {
		t.Errorf("YAML round trip = %+v, %v", yback, err)
	}
	// Unquoted YAML dates look like timestamps to YAML; they must still decode.
	if err := yaml.Unmarshal([]byte("d: 2026-02-14\n"), &yback); err != nil || yback.D != d("2026-02-14") {
		t.Errorf("unquoted YAML date = %v, %v", yback.D, err)
	}
	if err := yaml.Unmarshal([]byte("d: 2026-02-14T08:00:00Z\n"), &yback); err == nil {
		t.Error("YAML accepted a timestamp with a time of day")
	}

	if _, err := (Date{2026, 2, 30}).MarshalText(); err == nil {
		t.Error("MarshalText accepted an invalid date")
	}
}
