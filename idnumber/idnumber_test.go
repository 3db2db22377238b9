package idnumber

import (
	"errors"
	"testing"
	"time"
)

// make builds a valid number from its parts, so tests state intent.
func make17(region, birth, seq string) string {
	s := region + birth + seq
	return s + string(CheckDigit(s))
}

func TestParse(t *testing.T) {
	man := make17("110105", "19900307", "123")
	woman := make17("410105", "20000229", "024")
	cases := []struct {
		in      string
		wantErr error
		sex     Sex
	}{
		{man, nil, Male},
		{woman, nil, Female},
		{man[:17], ErrLength, ""},
		{man[:16] + "AX", ErrFormat, ""},
		{man[:17] + "Z", ErrFormat, ""},
		{make17("110105", "19900230", "123"), ErrBirthDate, ""},
		{make17("110105", "18000101", "123"), ErrBirthDate, ""},
		{man[:17] + string(wrong(man[17])), ErrCheckDigit, ""},
	}
	for _, c := range cases {
		info, err := Parse(c.in)
		if !errors.Is(err, c.wantErr) {
			t.Errorf("Parse(%s) error = %v, want %v", c.in, err, c.wantErr)
			continue
		}
		if err == nil && info.Sex != c.sex {
			t.Errorf("Parse(%s) sex = %s, want %s", c.in, info.Sex, c.sex)
		}
	}
}

func wrong(c byte) byte {
	if c == '1' {
		return '2'
	}
	return '1'
}

func TestKnownCheckDigit(t *testing.T) {
	// The worked example from GB 11643: 11010519491231002 → X.
	if got := CheckDigit("11010519491231002"); got != 'X' {
		t.Fatalf("CheckDigit = %c, want X", got)
	}
	if _, err := Parse("11010519491231002x"); err != nil {
		t.Fatalf("lowercase x rejected: %v", err)
	}
}

func TestAgeOn(t *testing.T) {
	d := func(s string) time.Time { v, _ := time.Parse("2006-01-02", s); return v }
	cases := []struct {
		birth, on string
		want      int
	}{
		{"2004-11-28", "2026-11-28", 22},
		{"2004-11-29", "2026-11-28", 21},
		{"2004-02-29", "2026-02-28", 21},
		{"2004-02-29", "2026-03-01", 22},
	}
	for _, c := range cases {
		if got := AgeOn(d(c.birth), d(c.on)); got != c.want {
			t.Errorf("AgeOn(%s, %s) = %d, want %d", c.birth, c.on, got, c.want)
		}
	}
}

func TestValidateFutureBirth(t *testing.T) {
	n := make17("110105", "20300101", "123")
	if err := Validate(n, time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)); !errors.Is(err, ErrBirthDate) {
		t.Fatalf("future birth accepted: %v", err)
	}
}

func TestD11UnknownRegionCodesRefused(t *testing.T) {
	asOf := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	// No such province, a province or a prefecture standing as a county,
	// prefecture numbers GB/T 2260 never uses.
	for _, region := range []string{"000000", "999999", "160101", "110000", "119900", "117101", "118001"} {
		n := make17(region, "19900307", "123")
		if err := Validate(n, asOf); !errors.Is(err, ErrRegion) {
			t.Errorf("Validate(%s) = %v, want ErrRegion", n, err)
		}
	}
	// Current counties, cities without counties, codes retired since the
	// number was issued, and residence permits keep working.
	for _, region := range []string{"110105", "441900", "110224", "510202", "422101", "469001", "810000", "830000"} {
		n := make17(region, "19900307", "123")
		if err := Validate(n, asOf); err != nil {
			t.Errorf("Validate(%s) = %v, want nil", n, err)
		}
	}
}
