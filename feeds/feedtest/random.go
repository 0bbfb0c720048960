package feedtest

import (
	"math/rand/v2"
	"strings"
)

// pieces are fragments random strings are made of: markup, references,
// CDATA ends, XML-forbidden and invalid bytes, white space, non-ASCII.
var pieces = []string{
	"a", "film", " ", "  ", "\t", "\n", "\r\n", "&", "&amp;", "&lt;", "&#x26;", "&quot;", "<", ">", "\"", "'",
	"]]>", "]]", "]", "<![CDATA[", "<p>", "</p>", "<b>", "</b>", "<a href=\"https://e.x/?a=1&amp;b=2\">", "</a>",
	"<script>x()</script>", "<ul><li>", "</li></ul>", "<br>", "<h2>", "</h2>", "<em>", "<img src=x>",
	"\x00", "\x01", "\x0b", "\x1f", "\x7f", "\xff", "\xc3", "\xed\xa0\x80", "\uFFFD", "\uFFFE", "\uFFFF",
	"é", "日本語", "العربية", "🎬", "e\u0301", "👩\u200d👩", "\U0010FFFF",
}

// RandomString is up to n pieces of hostile text, for the tests that
// compare the XML writer's bytes with encoding/xml's.
func RandomString(r *rand.Rand, n int) string {
	var b strings.Builder
	for range r.IntN(n + 1) {
		b.WriteString(pieces[r.IntN(len(pieces))])
	}
	return b.String()
}
