package divisions

import "testing"

func TestCovers(t *testing.T) {
	cases := []struct {
		holder, target string
		want           bool
	}{
		{"410100", "410105", true},
		{"410100", "420100", false},
		{"410000", "410105", true},
		{"410000", "420105", false},
		{"410105", "410105", true},
		{"410105", "410100", false},
		{"410105", "410106", false},
		{"000000", "650102", true},
		{"410100", "41010", false},
		{"4101xx", "410105", false},
	}
	for _, c := range cases {
		if got := Covers(c.holder, c.target); got != c.want {
			t.Errorf("Covers(%s, %s) = %v, want %v", c.holder, c.target, got, c.want)
		}
	}
}

func TestParentAndPrefix(t *testing.T) {
	if got := Parent("410105"); got != "410100" {
		t.Errorf("Parent(410105) = %s", got)
	}
	if got := Parent("410100"); got != "410000" {
		t.Errorf("Parent(410100) = %s", got)
	}
	if got := Parent("410000"); got != Nationwide {
		t.Errorf("Parent(410000) = %s", got)
	}
	if got := Prefix("410100"); got != "4101" {
		t.Errorf("Prefix(410100) = %s", got)
	}
}

func TestTable(t *testing.T) {
	tab, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	d, ok := tab.Lookup("410105")
	if !ok || d.Name != "金水区" || d.Level != LevelCounty {
		t.Fatalf("Lookup(410105) = %+v, %v", d, ok)
	}
	if _, ok := tab.Lookup("410199"); ok {
		t.Error("410199 should not exist")
	}
	if got := tab.FullName("410105"); got != "河南省郑州市金水区" {
		t.Errorf("FullName(410105) = %s", got)
	}
	if got := tab.FullName("110105"); got != "北京市朝阳区" {
		t.Errorf("FullName(110105) = %s", got)
	}
}
