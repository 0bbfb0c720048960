package xmltext

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// IsXMLChar reports whether r may appear in an XML 1.0 document:
// #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
func IsXMLChar(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return true
	case r >= 0x20 && r <= 0xD7FF:
		return true
	case r >= 0xE000 && r <= 0xFFFD:
		return true
	case r >= 0x10000 && r <= unicode.MaxRune:
		return true
	}
	return false
}

// Strip removes what XML 1.0 forbids from s: C0 control characters other
// than tab, LF and CR, U+FFFE and U+FFFF, surrogates, and bytes that are not
// valid UTF-8. Everything else, including emoji, right-to-left scripts and
// combining marks, is kept as it is. A string with nothing to remove is
// returned without copying.
func Strip(s string) string {
	i := cleanPrefix(s)
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for i < len(s) {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 || c == '\t' || c == '\n' || c == '\r' {
				b.WriteByte(c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if !(r == utf8.RuneError && n == 1) && IsXMLChar(r) {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// cleanPrefix returns the length of the longest prefix of s that Strip
// keeps whole: it scans ASCII a byte at a time and decodes only the rest.
func cleanPrefix(s string) int {
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				return i
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n == 1) || !IsXMLChar(r) {
			return i
		}
		i += n
	}
	return len(s)
}

// Clean is Strip followed by trimming leading and trailing white space, the
// form every feed value takes.
func Clean(s string) string {
	return strings.TrimSpace(Strip(s))
}

// Line is Clean for one-line values such as titles and names: every run of
// white space (including line breaks and tabs) becomes one space.
func Line(s string) string {
	return strings.Join(strings.Fields(Strip(s)), " ")
}

// CDATA returns s as one or more XML CDATA sections, "<![CDATA[" ... "]]>",
// after Strip. An occurrence of "]]>" in s, which would end a section early,
// is split across two sections as "]]]]><![CDATA[>", so a parser reads back
// exactly Strip(s). encoding/xml's ",cdata" fields do the same split; use
// this where a section is written by hand.
func CDATA(s string) string {
	s = Strip(s)
	return "<![CDATA[" + strings.ReplaceAll(s, "]]>", "]]]]><![CDATA[>") + "]]>"
}
