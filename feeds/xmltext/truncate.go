package xmltext

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Ellipsis ends text that TruncateWords and TruncateWordsBytes shortened.
const Ellipsis = "…"

// Truncate returns s cut to at most maxChars characters (runes). It never
// splits a character, and it does not leave a combining mark, variation
// selector or zero-width joiner without what it belongs to: the cut moves back
// to the start of that cluster. maxChars <= 0 gives "".
func Truncate(s string, maxChars int) string {
	return cut(s, maxChars, runeLen, false)
}

// TruncateBytes is Truncate with the limit in bytes of UTF-8.
func TruncateBytes(s string, maxBytes int) string {
	return cut(s, maxBytes, byteLen, false)
}

// TruncateWords cuts s to at most maxChars characters at the end of a word
// and appends Ellipsis (counted in the limit). A single word longer than the
// limit is cut inside the word. s within the limit is returned unchanged.
func TruncateWords(s string, maxChars int) string {
	return cut(s, maxChars, runeLen, true)
}

// TruncateWordsBytes is TruncateWords with the limit in bytes of UTF-8.
func TruncateWordsBytes(s string, maxBytes int) string {
	return cut(s, maxBytes, byteLen, true)
}

// A measure gives the length of s in the unit of a limit.
type measure func(s string) int

func runeLen(s string) int { return utf8.RuneCountInString(s) }
func byteLen(s string) int { return len(s) }

func cut(s string, max int, m measure, words bool) string {
	if max <= 0 {
		return ""
	}
	if m(s) <= max {
		return s
	}
	if words {
		e := m(Ellipsis)
		if max <= e {
			return cut(s, max, m, false)
		}
		head := cut(s, max-e, m, false)
		// Keep whole words: back up to the last space if the cut fell inside
		// a word (the next character of s is not a space).
		if rest := s[len(head):]; rest != "" {
			r, _ := utf8.DecodeRuneInString(rest)
			if !unicode.IsSpace(r) {
				if i := strings.LastIndexFunc(head, unicode.IsSpace); i > 0 {
					head = head[:i]
				}
			}
		}
		return strings.TrimRightFunc(head, unicode.IsSpace) + Ellipsis
	}
	// Walk characters until the limit, then back off out of a cluster.
	n, end := 0, 0
	for i := 0; i < len(s); {
		_, size := utf8.DecodeRuneInString(s[i:])
		w := m(s[i : i+size])
		if n+w > max {
			break
		}
		n += w
		i += size
		end = i
	}
	for end > 0 {
		next, _ := utf8.DecodeRuneInString(s[end:])
		prev, _ := utf8.DecodeLastRuneInString(s[:end])
		if !extends(next) && prev != zwj {
			break
		}
		_, size := utf8.DecodeLastRuneInString(s[:end])
		end -= size
	}
	return s[:end]
}

const zwj = '\u200D'

// extends reports whether r attaches to the character before it.
func extends(r rune) bool {
	return r == zwj || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r) ||
		(r >= 0xFE00 && r <= 0xFE0F) || (r >= 0xE0100 && r <= 0xE01EF) ||
		(r >= 0x1F3FB && r <= 0x1F3FF) // skin-tone modifiers
}
