package xmltext

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"unsafe"
)

// simpleSeeds are HTML of the kind feeds/content writes (goldmark, raw HTML
// off) plus near misses that must leave the fast path.
var simpleSeeds = []string{
	`<p>A <em>film</em> &amp; a <strong>verdict</strong> with &quot;quotes&quot; and it's fine.</p>` + "\n",
	`<h2>Verdict</h2>` + "\n<ul>\n<li>one</li>\n<li><a href=\"https://e.x/?a=1&amp;b=2\" title=\"t\">two</a></li>\n</ul>\n",
	"<pre><code class=\"language-go\">x := a &lt; b\n</code></pre>\n<hr>\n<p>a<br>\nb <img src=\"https://e.x/i.png\" alt=\"i\"></p>",
	"<blockquote>\n<p>q</p>\n</blockquote>\n<ol start=\"3\">\n<li>\n<p>x</p>\n<ul>\n<li>y</li>\n</ul>\n</li>\n</ol>",
	`<p>unclosed <em>em</p>`, `<p><p>x</p></p>`, `<em><p>x</p></em>`, `<li>x</li>`, `<a href="https://a"><a href="https://b">x</a></a>`,
	`<a href="javascript:x()">x</a>`, `<p>&copy; &#169; &nbsp;</p>`, "<pre>\nx</pre>", "<p>a\r\nb</p>", `<p a="1" a="2">x</p>`,
	`<br/><br /><hr/><p/>`, `<p>a > b</p>`, `<P>x</P>`, `<p title="a > b">x</p>`, `<p title='x'>x</p>`,
}

// checkSimplePath wants SafeHTML, whichever path it takes, to equal the
// parse-tree path.
func checkSimplePath(t *testing.T, s string) {
	t.Helper()
	if got, want := SafeHTML(s), safeHTMLTree(Strip(s)); got != want {
		t.Fatalf("SafeHTML(%q):\nfast %q\ntree %q", s, got, want)
	}
}

// checkForms wants Forms to give what SafeHTML and AppleHTML give apart.
func checkForms(t *testing.T, s string) {
	t.Helper()
	safe, apple := Forms(s)
	if want := SafeHTML(s); safe != want {
		t.Fatalf("Forms(%q) safe:\n got %q\nwant %q", s, safe, want)
	}
	if want := AppleHTML(s, math.MaxInt); apple != want {
		t.Fatalf("Forms(%q) apple:\n got %q\nwant %q", s, apple, want)
	}
}

func checkAppleSimple(t *testing.T, s string, max int) {
	t.Helper()
	for _, m := range []measure{runeLen, byteLen} {
		if got, want := appleHTMLWith(s, max, m, true), appleHTMLWith(s, max, m, false); got != want {
			t.Fatalf("AppleHTML(%q, %d):\nfast      %q\ntokenizer %q", s, max, got, want)
		}
	}
}

func TestSimpleSeeds(t *testing.T) {
	fast := 0
	for _, s := range simpleSeeds {
		checkSimplePath(t, s)
		checkForms(t, s)
		checkAppleSimple(t, s, math.MaxInt)
		checkAppleSimple(t, s, 50)
		if _, ok := scanSimple(Strip(s)); ok {
			fast++
		}
	}
	if fast < 4 {
		t.Errorf("only %d seeds take the fast path", fast)
	}
}

// TestSimpleRandom builds random HTML from goldmark-like pieces, most of it
// well nested (the fast path) and some not, and compares both paths.
func TestSimpleRandom(t *testing.T) {
	texts := []string{"film", " ", "\n", "&amp;", "&lt;", "&gt;", "&quot;", "&#39;", "'", `"`, ">", "é", "🎬", "]]>", "\x00", "\r", "&copy;", "<", "a  b"}
	blocks := []string{"p", "h2", "ul", "ol", "li", "blockquote", "pre"}
	inlines := []string{"em", "strong", "code", "del", "a", "span", "b"}
	fast := 0
	for seed := range uint64(5000) {
		r := rand.New(rand.NewPCG(seed, 7))
		var b strings.Builder
		var gen func(depth int, block bool)
		gen = func(depth int, block bool) {
			for range r.IntN(4) {
				switch k := r.IntN(10); {
				case k < 4 || depth > 4:
					b.WriteString(texts[r.IntN(len(texts))])
				case k < 6 && block:
					name := blocks[r.IntN(len(blocks))]
					b.WriteString("<" + name + ">")
					gen(depth+1, name == "ul" || name == "ol" || name == "li" || name == "blockquote")
					b.WriteString("</" + name + ">")
				case k < 8:
					name := inlines[r.IntN(len(inlines))]
					if name == "a" {
						b.WriteString(`<a href="https://e.x/?a=1&amp;b=` + texts[r.IntN(len(texts))] + `">`)
					} else {
						b.WriteString("<" + name + ">")
					}
					gen(depth+1, false)
					b.WriteString("</" + name + ">")
				default:
					b.WriteString([]string{"<br>", "<br />", "<hr>", `<img src="https://e.x/i" alt="x&amp;y">`}[r.IntN(4)])
				}
			}
		}
		gen(0, true)
		s := b.String()
		if _, ok := scanSimple(Strip(s)); ok {
			fast++
		}
		checkSimplePath(t, s)
		checkForms(t, s)
		checkAppleSimple(t, s, math.MaxInt)
		checkAppleSimple(t, s, r.IntN(200))
	}
	if fast < 1000 {
		t.Errorf("only %d of 5000 take the fast path", fast)
	}
	t.Logf("%d of 5000 took the fast path", fast)
}

// benchReview is review HTML as the Markdown renderer writes it.
var benchReview = strings.Repeat(`<p>A <em>film</em> &amp; a <strong>verdict</strong> with &quot;quotes&quot; and <a href="https://e.x/?a=1&amp;b=2">a link</a>; it's fine.</p>`+"\n", 50)

// Forms against SafeHTML and AppleHTML apart: one pass for both forms.
func BenchmarkForms(b *testing.B) {
	b.Run("Forms", func(b *testing.B) {
		b.SetBytes(int64(len(benchReview)))
		for b.Loop() {
			Forms(benchReview)
		}
	})
	b.Run("SafeHTML+AppleHTML", func(b *testing.B) {
		b.SetBytes(int64(len(benchReview)))
		for b.Loop() {
			SafeHTML(benchReview)
			AppleHTML(benchReview, math.MaxInt)
		}
	})
}

// HTML sanitising leaves as it is comes back as the very string given, so
// an entry holding both holds the text once.
func TestSafeFormIsTheInputWhenUnchanged(t *testing.T) {
	in := "<p>A <em>film</em> &amp; a <a href=\"https://e.x/\">verdict</a>.</p>"
	safe, _ := Forms(in)
	for name, got := range map[string]string{"SafeHTML": SafeHTML(in), "Forms": safe} {
		if got != in || unsafe.StringData(got) != unsafe.StringData(in) {
			t.Errorf("%s gave %q, a copy, not the string given", name, got)
		}
	}
	if changed := "<p onclick=\"x()\">a</p>"; SafeHTML(changed) == changed {
		t.Errorf("SafeHTML(%q) changed nothing", changed)
	}
}
