package idnumber

import "testing"

func numberWith(prefix, birth, seq string) string {
	s := prefix + birth + seq
	return s + string(CheckDigit(s))
}

// TestW10NumbersAreClassifiedByDocument: the residence permits of Hong
// Kong, Macao and Taiwan residents (810000, 820000, 830000) and the 2023
// foreigner's permanent residence card (leading 9) share the resident
// card's format; the kind decides which office registers a marriage
// (婚姻登记条例第二条) or an adoption (民法典第一千一百零九条).
func TestW10NumbersAreClassifiedByDocument(t *testing.T) {
	for _, c := range []struct {
		number string
		kind   Kind
	}{
		{numberWith("110105", "19900307", "153"), KindResident},
		{numberWith("810000", "19900101", "123"), KindHKMacaoTaiwan},
		{numberWith("820000", "19900101", "124"), KindHKMacaoTaiwan},
		{numberWith("830000", "19900101", "125"), KindHKMacaoTaiwan},
		{numberWith("911840", "19850101", "001"), KindForeignPermanentResident},
	} {
		if got := KindOf(c.number); got != c.kind {
			t.Errorf("%s: kind %s, want %s", c.number, got, c.kind)
		}
		if err := CheckRegion(c.number[:6]); err != nil {
			t.Errorf("%s: region refused: %v", c.number, err)
		}
	}
	for _, bad := range []string{"900000", "999840", "911000"} {
		if CheckRegion(bad) == nil {
			t.Errorf("permanent-residence prefix %s accepted", bad)
		}
	}
}
