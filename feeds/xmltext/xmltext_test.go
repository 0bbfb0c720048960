package xmltext

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"
)

var seeds = []string{
	"",
	"plain",
	"  padded\t\n",
	"ctrl\x00\x01\x08\x0b\x0c\x1f\x7fend",
	"tab\tlf\ncr\r",
	"\ufffe\uffff\ufffd",
	"bad utf8 \xff\xfe \xed\xa0\x80 surrogate",
	"]]>",
	"a]]>b]]]]>c]]",
	"<b>Heat</b> & \"Dune\" 'x'",
	"emoji 🎬🍿 👨‍👩‍👧 🏳️‍🌈 👍🏽",
	"العربية مراجعة فيلم",
	"日本語のレビュー、素晴らしい映画です。",
	"e\u0301 combining",
	"<p>Para <a href=\"https://x.example/?a=1&b=2\">link</a></p><script>alert(1)</script><h2>Head</h2>text",
	"<ul><li>one<li>two</ul><p>unclosed <em>em</em>",
	"<a href=\"javascript:alert(1)\">js</a><a href=mailto:me@x.example>mail</a><a>bare</a>",
	"&#1;&#xFFFE;&amp;&lt;&nbsp;&bogus;",
}

func TestStrip(t *testing.T) {
	for in, want := range map[string]string{
		"ctrl\x00\x01\x08\x0b\x0c\x1f end": "ctrl end",
		"keep\t\n\r":                       "keep\t\n\r",
		"\ufffe\uffffx\ufffd":              "x\ufffd",
		"a\xffb\xed\xa0\x80c":              "abc",
		"emoji 🎬 العربية 日本語":              "emoji 🎬 العربية 日本語",
		"\x7f\u0085":                       "\x7f\u0085", // allowed (discouraged) in XML 1.0
	} {
		if got := Strip(in); got != want {
			t.Errorf("Strip(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Clean("  \x00 a b \n"); got != "a b" {
		t.Errorf("Clean = %q", got)
	}
	if got := Line(" <b>Heat</b>\n & \t\"Dune\" "); got != `<b>Heat</b> & "Dune"` {
		t.Errorf("Line = %q", got)
	}
}

func TestCDATA(t *testing.T) {
	if got, want := CDATA("a]]>b"), "<![CDATA[a]]]]><![CDATA[>b]]>"; got != want {
		t.Errorf("CDATA = %q, want %q", got, want)
	}
	if got, want := CDATA("x\x00"), "<![CDATA[x]]>"; got != want {
		t.Errorf("CDATA = %q, want %q", got, want)
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		name string
		fn   func(string, int) string
		in   string
		max  int
		want string
	}{
		{"short", Truncate, "abc", 5, "abc"},
		{"exact", Truncate, "abcde", 5, "abcde"},
		{"runes", Truncate, "日本語のレビュー", 3, "日本語"},
		{"zero", Truncate, "abc", 0, ""},
		{"combining", Truncate, "ae\u0301z", 2, "a"},
		{"zwj", Truncate, "x👨‍👩‍👧", 3, "x"},
		{"skin tone", Truncate, "x👍🏽", 2, "x"},
		{"bytes", TruncateBytes, "日本語", 7, "日本"},
		{"bytes emoji", TruncateBytes, "ab🎬", 5, "ab"},
		{"words", TruncateWords, "The quick brown fox", 12, "The quick…"},
		{"words at space", TruncateWords, "The quick brown", 10, "The quick…"},
		{"one long word", TruncateWords, "Supercalifragilistic", 6, "Super…"},
		{"words fits", TruncateWords, "short", 10, "short"},
		{"words bytes", TruncateWordsBytes, "née à Paris", 9, "née…"},
		{"arabic words", TruncateWords, "مراجعة فيلم جديد", 12, "مراجعة فيلم…"},
	}
	for _, tt := range tests {
		if got := tt.fn(tt.in, tt.max); got != tt.want {
			t.Errorf("%s: (%q, %d) = %q, want %q", tt.name, tt.in, tt.max, got, tt.want)
		}
	}
}

func TestAppleHTML(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"<p>Hi <b>there</b></p>", 100, "<p>Hi there</p>"},
		{`<p class="x">A <a href="https://e.example/?a=1&amp;b=2" target="_blank">l</a></p>`, 100,
			`<p>A <a href="https://e.example/?a=1&amp;b=2">l</a></p>`},
		{`<a href="javascript:alert(1)">js</a> <a href="/rel">rel</a> <a href="mailto:me@e.example">m</a>`, 100,
			`js rel <a href="mailto:me@e.example">m</a>`},
		{"<h2>Verdict</h2>Great<br>film<script>alert('x')</script><style>p{}</style>", 100, "Verdict Great film"},
		{"<ul><li>one<li>two</ul><p>open", 100, "<ul><li>one<li>two</li></li></ul><p>open</p>"},
		{"</p></li>stray</a>", 100, "stray"},
		{"<p>a</p><p>b", 100, "<p>a</p><p>b</p>"},
		{"Tom &amp; Jerry &lt;3 &#1;", 100, "Tom &amp; Jerry &lt;3"},
		{"<p>The quick brown fox jumps</p>", 22, "<p>The quick…</p>"},
		{"<ul><li>alpha beta</li><li>gamma</li></ul>", 30, "<ul><li>alpha beta</li></ul>"},
		{"<ul><li>alpha beta</li><li>gamma delta</li></ul>", 40, "<ul><li>alpha beta</li><li>…</li></ul>"},
		{"emoji 🎬 العربية 日本語", 100, "emoji 🎬 العربية 日本語"},
		{"Supercalifragilistic", 6, "Super…"},
		{"anything", 0, ""},
	}
	for _, tt := range tests {
		got := AppleHTML(tt.in, tt.max)
		if got != tt.want {
			t.Errorf("AppleHTML(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
		checkAppleHTML(t, got, tt.max, runeLen)
	}
	long := strings.Repeat("<p>"+strings.Repeat("word ", 100)+"</p>", 30) // 15,000+ characters
	got := AppleHTML(long, AppleDescriptionMax)
	checkAppleHTML(t, got, AppleDescriptionMax, runeLen)
	if !strings.HasSuffix(got, "word…</p>") {
		t.Errorf("long review cut badly: ...%q", got[len(got)-40:])
	}
	if b := AppleHTMLBytes("<p>日本語のレビュー</p>", 20); len(b) > 20 || b != "<p>日本語…</p>" {
		t.Errorf("AppleHTMLBytes = %q (%d bytes)", b, len(b))
	}
}

// checkAppleHTML asserts out is within max, valid UTF-8, well-formed in a
// CDATA section, and uses only Apple's tags, balanced, with only href on a.
func checkAppleHTML(t testing.TB, out string, max int, m measure) {
	t.Helper()
	if m(out) > max {
		t.Fatalf("AppleHTML output %d > %d: %q", m(out), max, out)
	}
	if !utf8.ValidString(out) {
		t.Fatalf("invalid UTF-8: %q", out)
	}
	roundTripCDATA(t, out)
	z := html.NewTokenizer(strings.NewReader(out))
	var stack []string
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		name, hasAttr := z.TagName()
		switch tt {
		case html.StartTagToken:
			switch string(name) {
			case "p", "ol", "ul", "li", "a":
			default:
				t.Fatalf("tag <%s> in %q", name, out)
			}
			for hasAttr {
				var k []byte
				k, _, hasAttr = z.TagAttr()
				if string(name) != "a" || string(k) != "href" {
					t.Fatalf("attribute %s on <%s> in %q", k, name, out)
				}
			}
			stack = append(stack, string(name))
		case html.EndTagToken:
			if len(stack) == 0 || stack[len(stack)-1] != string(name) {
				t.Fatalf("unbalanced </%s> in %q", name, out)
			}
			stack = stack[:len(stack)-1]
		case html.SelfClosingTagToken:
			t.Fatalf("self-closing tag in %q", out)
		}
	}
	if len(stack) > 0 {
		t.Fatalf("unclosed %v in %q", stack, out)
	}
}

type cdataDoc struct {
	XMLName xml.Name `xml:"d"`
	Text    string   `xml:",cdata"`
}

type textDoc struct {
	XMLName xml.Name `xml:"d"`
	Attr    string   `xml:"a,attr"`
	Text    string   `xml:"t"`
}

// roundTripCDATA writes s both with CDATA and with encoding/xml's ,cdata
// and asserts a parser reads s back (XML parsers normalize CR LF to LF).
func roundTripCDATA(t testing.TB, s string) {
	t.Helper()
	want := normalizeNewlines(Strip(s))
	var got cdataDoc
	doc := "<d>" + CDATA(s) + "</d>"
	if err := xml.Unmarshal([]byte(doc), &got); err != nil {
		t.Fatalf("CDATA(%q) is not well-formed: %v\n%s", s, err, doc)
	}
	if got.Text != want {
		t.Fatalf("CDATA(%q) read back %q, want %q", s, got.Text, want)
	}
	enc, err := xml.Marshal(cdataDoc{Text: Strip(s)})
	if err != nil {
		t.Fatal(err)
	}
	got = cdataDoc{}
	if err := xml.Unmarshal(enc, &got); err != nil || got.Text != want {
		t.Fatalf("encoding/xml ,cdata of %q: %v, read back %q", s, err, got.Text)
	}
}

func normalizeNewlines(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

func FuzzCDATA(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(CDATA(s)) {
			t.Fatalf("CDATA(%q) is not UTF-8", s)
		}
		roundTripCDATA(t, s)
	})
}

// stripReference is Strip as first written, rune by rune: the ASCII fast
// path must give the same strings.
func stripReference(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !(r == utf8.RuneError && n == 1) && IsXMLChar(r) {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

func FuzzText(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := Strip(s), stripReference(s); got != want {
			t.Fatalf("Strip(%q) = %q, want %q", s, got, want)
		}
		for _, v := range []string{Strip(s), Clean(s), Line(s)} {
			if !utf8.ValidString(v) {
				t.Fatalf("not UTF-8: %q", v)
			}
			for _, r := range v {
				if !IsXMLChar(r) {
					t.Fatalf("%U left in %q", r, v)
				}
			}
		}
		if Line(s) != strings.TrimSpace(Line(s)) || strings.ContainsAny(Line(s), "\n\r\t") {
			t.Fatalf("Line(%q) = %q", s, Line(s))
		}
		in := textDoc{Attr: Clean(s), Text: Clean(s)}
		var buf bytes.Buffer
		if err := xml.NewEncoder(&buf).Encode(in); err != nil {
			t.Fatal(err)
		}
		var out textDoc
		if err := xml.Unmarshal(buf.Bytes(), &out); err != nil {
			t.Fatalf("%q: %v\n%s", s, err, buf.Bytes())
		}
		if out.Attr != in.Attr || out.Text != in.Text {
			t.Fatalf("round trip of %q: got %q / %q", in.Text, out.Attr, out.Text)
		}
	})
}

func FuzzAppleHTML(f *testing.F) {
	for _, s := range seeds {
		f.Add(s, 40)
		f.Add(s, 10000)
	}
	for _, s := range simpleSeeds {
		f.Add(s, 60)
		f.Add(s, 100000)
	}
	f.Fuzz(func(t *testing.T, s string, max int) {
		max = max % 20000
		if max < 0 {
			max = -max
		}
		checkAppleSimple(t, s, max)
		checkAppleHTML(t, AppleHTML(s, max), max, runeLen)
		checkAppleHTML(t, AppleHTMLBytes(s, max), max, byteLen)
	})
}

func FuzzTruncate(f *testing.F) {
	for _, s := range seeds {
		f.Add(s, 5)
	}
	f.Fuzz(func(t *testing.T, s string, n int) {
		n = n % 300
		for name, c := range map[string]struct {
			fn    func(string, int) string
			m     measure
			exact bool // result is a prefix of s
		}{
			"Truncate":           {Truncate, runeLen, true},
			"TruncateBytes":      {TruncateBytes, byteLen, true},
			"TruncateWords":      {TruncateWords, runeLen, false},
			"TruncateWordsBytes": {TruncateWordsBytes, byteLen, false},
		} {
			got := c.fn(s, n)
			if c.m(got) > max(n, 0) {
				t.Fatalf("%s(%q, %d) = %q: too long", name, s, n, got)
			}
			if utf8.ValidString(s) && !utf8.ValidString(got) {
				t.Fatalf("%s(%q, %d) = %q: split a character", name, s, n, got)
			}
			if c.exact && !strings.HasPrefix(s, got) {
				t.Fatalf("%s(%q, %d) = %q: not a prefix", name, s, n, got)
			}
			if !c.exact && !strings.HasPrefix(s, strings.TrimSuffix(got, Ellipsis)) {
				t.Fatalf("%s(%q, %d) = %q: not a prefix", name, s, n, got)
			}
			if c.m(s) <= n && got != s {
				t.Fatalf("%s(%q, %d) = %q: changed a string within the limit", name, s, n, got)
			}
		}
	})
}
