// Package textcheck decides whether free text from a person (a name, an
// opinion, a form value, a document title) may be stored, shown and printed
// on a certificate. It refuses what no person types on purpose and what
// changes how the text reads: NUL and other control characters, bidi
// overrides and isolates, non-characters, and text that was not valid UTF-8
// (including lone surrogates, which JSON decoding turns into U+FFFD).
package textcheck

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Error says which character breaks which rule, and where.
type Error struct {
	Rune   rune   // the offending character (utf8.RuneError for invalid UTF-8)
	Offset int    // its position in characters, counting from 0
	Rule   string // e.g. "control character"
}

// Error reads as a validation message, e.g.
// "must not contain U+202E (bidi override or isolate) at character 3".
func (e *Error) Error() string {
	if e.Rule == ruleInvalid {
		return fmt.Sprintf("must be valid UTF-8 text (invalid byte sequence or lone surrogate at character %d)", e.Offset)
	}
	return fmt.Sprintf("must not contain U+%04X (%s) at character %d", e.Rune, e.Rule, e.Offset)
}

const ruleInvalid = "invalid UTF-8"

// Line checks single-line text such as a name or a title: no line breaks.
func Line(s string) error { return check(s, false) }

// Text checks multi-line text such as an opinion: like Line, but a line
// break ("\n", or "\r\n" as browsers send it) is allowed.
func Text(s string) error { return check(s, true) }

func check(s string, multiline bool) error {
	i := 0
	for off, r := range s {
		if r == utf8.RuneError {
			// Either a byte that is not UTF-8 or a U+FFFD that decoding put
			// in place of one; both mean the sender's text was lost.
			_, size := utf8.DecodeRuneInString(s[off:])
			if size == 1 {
				return &Error{Rune: r, Offset: i, Rule: ruleInvalid}
			}
			return &Error{Rune: r, Offset: i, Rule: "replacement character: the text was not valid UTF-8"}
		}
		if rule := refused(r, multiline, s[off:]); rule != "" {
			return &Error{Rune: r, Offset: i, Rule: rule}
		}
		i++
	}
	return nil
}

// refused names the rule r breaks, or "" when r is fine; rest is the text
// from r on, to see whether a carriage return begins a "\r\n".
func refused(r rune, multiline bool, rest string) string {
	switch {
	case r == '\n' && multiline:
		return ""
	case r == '\r' && multiline && strings.HasPrefix(rest, "\r\n"):
		return ""
	case r == 0:
		return "NUL"
	case r < 0x20 || r == 0x7f:
		return "control character"
	case r >= 0x80 && r <= 0x9f:
		return "C1 control character"
	case r == 0x2028 || r == 0x2029:
		return "line or paragraph separator"
	case (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069):
		return "bidi override or isolate"
	case r >= 0xd800 && r <= 0xdfff:
		return "surrogate"
	case isNonCharacter(r):
		return "non-character"
	}
	return ""
}

// isNonCharacter reports the 66 permanently unassigned code points:
// U+FDD0–U+FDEF and the last two of every plane.
func isNonCharacter(r rune) bool {
	return (r >= 0xfdd0 && r <= 0xfdef) || r&0xfffe == 0xfffe
}

// Blank reports whether s shows nothing: it is empty or holds only
// whitespace (including the ideographic space U+3000), format characters
// (Cf: zero-width space, BOM, joiners …), controls, and the fillers and
// variation selectors that render as nothing.
func Blank(s string) bool {
	for _, r := range s {
		if !invisible(r) {
			return false
		}
	}
	return true
}

// invisible is a character that renders as nothing on its own.
func invisible(r rune) bool {
	if unicode.IsSpace(r) || unicode.In(r, unicode.Cf, unicode.Cc, unicode.Zs, unicode.Zl, unicode.Zp) {
		return true
	}
	switch {
	case r == 0x034f, // combining grapheme joiner
		r == 0x115f, r == 0x1160, r == 0x3164, r == 0xffa0, // Hangul fillers
		r == 0x17b4, r == 0x17b5, // Khmer inherent vowels
		r >= 0x180b && r <= 0x180f,                               // Mongolian variation selectors and vowel separator
		r == 0x2800,                                              // braille blank
		r >= 0xfe00 && r <= 0xfe0f, r >= 0xe0100 && r <= 0xe01ef, // variation selectors
		r >= 0xe0000 && r <= 0xe0fff: // tags
		return true
	}
	return false
}

// Name checks a person's or an organisation's name: single-line text that
// is not blank.
func Name(s string) error {
	if err := Line(s); err != nil {
		return err
	}
	if Blank(s) {
		return ErrBlank
	}
	return nil
}

// ErrBlank is returned by Name for a name that shows nothing.
var ErrBlank = errors.New("must not be blank (only spaces or invisible characters)")
