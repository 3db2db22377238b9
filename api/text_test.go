package api

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestD11FormTextNamesTheField(t *testing.T) {
	var form map[string]any
	raw := `{"applicants":[{"name":"张伟","idNumber":"110105199003071538"},{"name":"李\u0000娜"}],` +
		`"agreement":{"property":"各自\u202e所有","debts":"无"},"note":"ok"}`
	if err := json.Unmarshal([]byte(raw), &form); err != nil {
		t.Fatal(err)
	}
	got := formTextDetails("body.form", form)
	if len(got) != 2 {
		t.Fatalf("details %+v", got)
	}
	// Sorted by key: agreement before applicants.
	if got[0].Location != "body.form.agreement.property" || !strings.Contains(got[0].Message, "U+202E") {
		t.Errorf("first: %+v", got[0])
	}
	if got[1].Location != "body.form.applicants[1].name" || !strings.Contains(got[1].Message, "NUL") {
		t.Errorf("second: %+v", got[1])
	}
	// Invalid UTF-8 and lone surrogates reach the handler as U+FFFD.
	form = nil
	if err := json.Unmarshal([]byte(`{"name":"李\ud800娜"}`), &form); err != nil {
		t.Fatal(err)
	}
	if d := formTextDetails("body.form", form); len(d) != 1 || d[0].Location != "body.form.name" {
		t.Errorf("lone surrogate: %+v", d)
	}
	if d := formTextDetails("body.form", map[string]any{"n": 1.0, "ok": true, "s": []any{"a", "b\n"}}); len(d) != 1 || d[0].Location != "body.form.s[1]" {
		t.Errorf("newline in a form value: %+v", d)
	}
}

func TestD12InvisibleOpinionIsEmpty(t *testing.T) {
	for _, s := range []string{"\u200b", "\ufeff", " \u3000 ", "\u2060\u200d"} {
		if got := opinionText(s); got != "" {
			t.Errorf("opinionText(%q) = %q", s, got)
		}
	}
	if got := opinionText("  材料不全\n请补正 "); got != "材料不全\n请补正" {
		t.Errorf("opinionText kept %q", got)
	}
}
