package xmltext

import (
	"encoding/xml"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// unsafeMarkup returns a script-like element or event attribute an HTML
// parser would find in s, or "".
func unsafeMarkup(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			name, more := z.TagName()
			if unsafeTags[atom.Lookup(name)] {
				return "<" + string(name) + ">"
			}
			for more {
				var k, v []byte
				k, v, more = z.TagAttr()
				if strings.HasPrefix(string(k), "on") || string(k) == "style" || unsafeURL(string(v)) && string(k) == "href" {
					return string(k) + "=" + string(v)
				}
			}
		}
	}
}

func TestSafeHTML(t *testing.T) {
	for in, want := range map[string]string{
		`<p onclick="x()" style="color:red">Hi <b>there</b></p>`:             `<p>Hi <b>there</b></p>`,
		`<script>alert(1)</script><p>ok</p><style>p{}</style>`:               `<p>ok</p>`,
		`<a href="javascript:alert(1)">js</a> <a href="https://e.x/">ok</a>`: `<a>js</a> <a href="https://e.x/">ok</a>`,
		`<img src=" data:image/png;base64,xx" alt="a">`:                      `<img alt="a"/>`,
		`if a < b && c > d`:      `if a &lt; b &amp;&amp; c &gt; d`,
		"<p>unclosed <em>em\x00": `<p>unclosed <em>em</em></p>`,
		`a ]]> b`:                `a ]]&gt; b`,
		`日本語 العربية 🎬`:          `日本語 العربية 🎬`,
	} {
		if got := SafeHTML(in); got != want {
			t.Errorf("SafeHTML(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPlainText(t *testing.T) {
	for in, want := range map[string]string{
		"<p>Weekly <b>film</b> reviews.</p><p>Two &amp; more.</p>": "Weekly film reviews.\nTwo & more.",
		"<script>x</script>Just   text\x00 ]]> <3":                 "Just text ]]> <3",
		"<ul><li>one</li><li>two</li></ul>":                        "one\ntwo",
	} {
		if got := PlainText(in); got != want {
			t.Errorf("PlainText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestHexEscapes(t *testing.T) {
	in := `<t a="x&amp;y">a &amp; &lt;b&gt;<![CDATA[&amp; <p>]]></t>`
	want := `<t a="x&amp;y">a &#x26; &#x3C;b&#x3E;<![CDATA[&amp; <p>]]></t>`
	if got := string(HexEscapes([]byte(in))); got != want {
		t.Errorf("HexEscapes = %s, want %s", got, want)
	}
}

// FuzzSafeHTML: whatever goes in, SafeHTML and PlainText give valid text that
// survives an XML document (in CDATA and, hex-escaped, as character data).
func FuzzSafeHTML(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	for _, s := range simpleSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		safe := SafeHTML(s)
		checkSimplePath(t, s)
		checkForms(t, s)
		roundTripCDATA(t, safe)
		if bad := unsafeMarkup(safe); bad != "" {
			t.Fatalf("%s survived: %q", bad, safe)
		}
		plain := PlainText(s)
		roundTripCDATA(t, plain)
		b, err := xml.Marshal(textDoc{Attr: plain, Text: plain})
		if err != nil {
			t.Fatal(err)
		}
		var got textDoc
		if err := xml.Unmarshal(HexEscapes(b), &got); err != nil || got.Text != plain || got.Attr != plain {
			t.Fatalf("HexEscapes round trip of %q: %v %q", plain, err, got.Text)
		}
	})
}
