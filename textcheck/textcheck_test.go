package textcheck

import (
	"errors"
	"strings"
	"testing"
)

func TestD11TextRefusesControlsBidiAndBrokenUTF8(t *testing.T) {
	bad := map[string]string{
		"NUL":                "李\x00娜",
		"tab":                "李\t娜",
		"newline in a line":  "李\n娜",
		"carriage return":    "李\r娜",
		"DEL":                "李\x7f娜",
		"C1":                 "李\u0085娜",
		"RLO":                "abc\u202edef",
		"LRE":                "\u202a张",
		"RLI":                "\u2067张",
		"PDI":                "张\u2069",
		"line separator":     "张\u2028伟",
		"non-character":      "张\ufdd0",
		"plane non-char":     "张\U0001fffe",
		"FFFF":               "\uffff",
		"invalid UTF-8":      "李\xff娜",
		"truncated sequence": "李\xe5\xa8",
		"replacement char":   "李\ufffd娜", // what encoding/json makes of "\ud800"
	}
	for name, s := range bad {
		if err := Line(s); err == nil {
			t.Errorf("%s: Line(%q) accepted", name, s)
		}
	}
	for name, s := range bad {
		if name == "newline in a line" {
			continue
		}
		if err := Text(s); err == nil {
			t.Errorf("%s: Text(%q) accepted", name, s)
		}
	}
	var e *Error
	if err := Line("ab\u202ec"); !errors.As(err, &e) || e.Offset != 2 || e.Rune != 0x202e ||
		!strings.Contains(err.Error(), "U+202E") {
		t.Errorf("RLO: %v", err)
	}
}

func TestD11TextAcceptsOrdinaryText(t *testing.T) {
	good := []string{"张伟", "李娜", "O'Brien-Smith", "阿卜杜拉·买买提", "Zoë", "组织\u3000名称", "😀", "第1条（一）"}
	for _, s := range good {
		if err := Line(s); err != nil {
			t.Errorf("Line(%q): %v", s, err)
		}
		if err := Name(s); err != nil {
			t.Errorf("Name(%q): %v", s, err)
		}
	}
	if err := Text("经审查，材料不全。\n请补正。\r\n谢谢"); err != nil {
		t.Errorf("multi-line opinion: %v", err)
	}
	if err := Text("lone \r is not a line break"); err == nil {
		t.Error("a lone carriage return accepted")
	}
}

func TestD12BlankCountsInvisibleTextAsEmpty(t *testing.T) {
	for _, s := range []string{"", "   ", "\u200b", "\ufeff", "\u3000\u3000", "\u200b\u200c\u200d\u2060", "\u00a0\u2007", "\u3164", "\ufe0f", "\u00ad"} {
		if !Blank(s) {
			t.Errorf("Blank(%q) = false", s)
		}
	}
	for _, s := range []string{"同意", "\u200bX", " . "} {
		if Blank(s) {
			t.Errorf("Blank(%q) = true", s)
		}
	}
}

func TestD10NameRefusesBlank(t *testing.T) {
	for _, s := range []string{"   ", "\u3000", "\u200b"} {
		if err := Name(s); !errors.Is(err, ErrBlank) {
			t.Errorf("Name(%q) = %v, want ErrBlank", s, err)
		}
	}
	if err := Name("\u0000"); err == nil || errors.Is(err, ErrBlank) {
		t.Errorf("Name(NUL) = %v, want a NUL error", err)
	}
}
