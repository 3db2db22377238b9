package workflows

import (
	"unicode"
	"unicode/utf8"
)

// blank reports whether an opinion says nothing a reader could see: only
// white space (U+3000 included), format characters (U+200B, U+FEFF,
// U+200E…), controls such as NUL, or bytes that are not UTF-8. The API
// refuses some of these; the workflow's own rules must not rely on that.
func blank(s string) bool {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		if r == utf8.RuneError && n <= 1 {
			continue
		}
		if unicode.IsSpace(r) || unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zs, unicode.Zl, unicode.Zp, unicode.Co) ||
			unicode.Is(unicode.Variation_Selector, r) || r == utf8.RuneError || invisibleFillers[r] {
			continue
		}
		return false
	}
	return true
}

// invisibleFillers are letters and symbols that print as nothing (Hangul
// fillers, the blank Braille pattern).
var invisibleFillers = map[rune]bool{0x115F: true, 0x1160: true, 0x3164: true, 0xFFA0: true, 0x2800: true}
