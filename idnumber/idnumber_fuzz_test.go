package idnumber

import (
	"strings"
	"testing"
	"time"
)

// FuzzParse: Parse never panics, and what it accepts is a well-formed
// number: it parses again to itself, its check digit is right, its birth
// date is a real day that the digits spell, and its sex is the parity of
// the sequence. Validate agrees with Parse on what Parse refuses.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"110105199003071538", "410105199206120249", "11010519491231002x", "11010519491231002X",
		"110105199002301538", "110105189912311538", "11010519900307153", "1101051990030715389",
		"", "ＡＢＣ", "110105 99003071538", "１１０１０５１９９００３０７１５３８", "11010520000229153X",
	} {
		f.Add(s)
	}
	asOf := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		info, err := Parse(s)
		verr := Validate(s, asOf)
		if err != nil {
			if verr == nil {
				t.Fatalf("Validate(%q) accepted what Parse refused: %v", s, err)
			}
			return
		}
		n := info.Number
		if len(n) != 18 || strings.ContainsRune(n, 'x') {
			t.Fatalf("Parse(%q).Number = %q: want 18 characters, X upper-case", s, n)
		}
		again, err := Parse(n)
		if err != nil || again != info {
			t.Fatalf("Parse(%q) = %+v, but Parse(its number) = %+v, %v", s, info, again, err)
		}
		if CheckDigit(n[:17]) != n[17] {
			t.Fatalf("%q: check digit %c, want %c", n, n[17], CheckDigit(n[:17]))
		}
		if got := info.Birth.Format("20060102"); got != n[6:14] {
			t.Fatalf("%q: birth %s is not the date the digits spell (%s)", n, got, n[6:14])
		}
		if info.Birth.Year() < 1890 || info.Region != n[:6] {
			t.Fatalf("%q: birth %v, region %q", n, info.Birth, info.Region)
		}
		if male := (n[16]-'0')%2 == 1; male != (info.Sex == Male) || (info.Sex != Male && info.Sex != Female) {
			t.Fatalf("%q: sex %q, sequence digit %c", n, info.Sex, n[16])
		}
		if AgeOn(info.Birth, info.Birth) != 0 || AgeOn(info.Birth, info.Birth.AddDate(18, 0, 0)) != 18 {
			t.Fatalf("%q: age on the day of birth or the 18th birthday is wrong", n)
		}
	})
}
