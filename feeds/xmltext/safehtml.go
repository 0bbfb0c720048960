package xmltext

import (
	"bytes"
	"math"
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// SafeHTML returns an HTML fragment as well-formed HTML with what a feed
// reader must never run removed: script, style, iframe, object, embed and
// similar elements (with their content), event-handler and style attributes,
// and javascript:, vbscript: and data: URLs. Stray "<" and "&" are escaped
// and open elements closed, as an HTML5 parser would. Text and all other
// markup are kept. The result contains no character XML forbids.
//
// When sanitising changes nothing, as for most of what the Markdown
// renderer writes, the result is s itself rather than an equal copy, so a
// caller holding both holds the text once.
func SafeHTML(s string) string {
	return same(s, safeHTML(s))
}

func safeHTML(s string) string {
	s = Strip(s)
	if toks, ok := scanSimple(s); ok {
		return strings.TrimSpace(renderSimple(toks, len(s)))
	}
	return safeHTMLTree(s)
}

// same returns in when out equals it, out otherwise.
func same(in, out string) string {
	if out == in {
		return in
	}
	return out
}

// safeHTMLTree is SafeHTML of stripped s by way of x/net/html's parse tree.
func safeHTMLTree(s string) string {
	ctx := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(s), ctx)
	if err != nil {
		return escapeText(s)
	}
	var b bytes.Buffer
	for _, n := range nodes {
		if !sanitize(n) {
			continue
		}
		if err := html.Render(&b, n); err != nil {
			return escapeText(s)
		}
	}
	return strings.TrimSpace(Strip(b.String()))
}

var unsafeTags = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Iframe: true, atom.Object: true,
	atom.Embed: true, atom.Frame: true, atom.Frameset: true, atom.Noscript: true,
	atom.Template: true, atom.Form: true, atom.Input: true, atom.Button: true,
	atom.Textarea: true, atom.Select: true, atom.Base: true, atom.Link: true,
	atom.Meta: true, atom.Applet: true,
}

// sanitize cleans n in place and reports whether n itself is kept.
func sanitize(n *html.Node) bool {
	switch n.Type {
	case html.CommentNode, html.DoctypeNode:
		return false
	case html.ElementNode:
		if unsafeTags[n.DataAtom] || n.Namespace != "" {
			return false
		}
		attrs := n.Attr[:0]
		for _, a := range n.Attr {
			k := strings.ToLower(a.Key)
			if a.Namespace != "" || strings.HasPrefix(k, "on") || k == "style" || k == "srcdoc" || k == "formaction" {
				continue
			}
			if (k == "href" || k == "src" || k == "action" || k == "poster" || k == "cite") && unsafeURL(a.Val) {
				continue
			}
			attrs = append(attrs, a)
		}
		n.Attr = attrs
	}
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if !sanitize(c) {
			n.RemoveChild(c)
		}
		c = next
	}
	return true
}

func unsafeURL(v string) bool {
	v = strings.ToLower(strings.Map(func(r rune) rune {
		if r <= ' ' {
			return -1
		}
		return r
	}, v))
	return strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "vbscript:") || strings.HasPrefix(v, "data:")
}

// PlainText returns the text of an HTML fragment with every tag removed and
// entities decoded; the contents of script, style and similar elements are
// dropped, and block elements become line breaks. Runs of spaces collapse and
// the result is trimmed. Use it where a format wants text, not HTML (the
// podcast channel description, which the W3C validator wants without HTML).
func PlainText(s string) string {
	z := html.NewTokenizer(strings.NewReader(Strip(s)))
	var b strings.Builder
	skip := 0
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		name, _ := z.TagName()
		a := atom.Lookup(name)
		switch tt {
		case html.TextToken:
			if skip == 0 {
				b.WriteString(collapseSpace(string(z.Text())))
			}
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			if skippedTags[a] {
				if tt == html.StartTagToken {
					skip++
				} else if tt == html.EndTagToken && skip > 0 {
					skip--
				}
				continue
			}
			if blockTags[a] || keptTags[a] && a != atom.A {
				b.WriteString("\n")
			}
		}
	}
	lines := strings.Split(b.String(), "\n")
	var out []string
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return Strip(strings.Join(out, "\n"))
}

// collapseSpace turns every run of white space into one space, keeping a
// leading or trailing one (it separates words from neighbouring text).
func collapseSpace(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	if space {
		b.WriteByte(' ')
	}
	return b.String()
}

// HexEscapes rewrites the predefined entity references &amp; &lt; &gt; that
// encoding/xml writes in element text (outside CDATA sections and outside
// tags) as the character references &#x26; &#x3C; &#x3E;. The document means
// exactly the same; the RSS Profile (and the W3C validator) ask for
// hexadecimal references in RSS text, since some RSS readers decode entities
// in titles twice. Attribute values keep &amp;, which is what Apple documents
// for itunes:category text="TV &amp; Film". The feeds are written with these
// references directly (feeds/internal/xmlw); HexEscapes of encoding/xml's
// output is the reference their tests compare with.
func HexEscapes(doc []byte) []byte {
	const open, end = "<![CDATA[", "]]>"
	var out bytes.Buffer
	out.Grow(len(doc) + len(doc)/16)
	for len(doc) > 0 {
		i := bytes.Index(doc, []byte(open))
		plain := doc
		if i >= 0 {
			plain = doc[:i]
		}
		hexText(&out, plain)
		if i < 0 {
			break
		}
		doc = doc[i:]
		j := bytes.Index(doc, []byte(end))
		if j < 0 {
			out.Write(doc)
			break
		}
		out.Write(doc[:j+len(end)])
		doc = doc[j+len(end):]
	}
	return out.Bytes()
}

var hexReplacer = strings.NewReplacer("&amp;", "&#x26;", "&lt;", "&#x3C;", "&gt;", "&#x3E;")

// hexText rewrites references in the text between tags of plain, copying
// tags as they are. encoding/xml escapes '<' and '>' inside attribute
// values, so a raw '<' always opens a tag and a raw '>' closes it.
func hexText(out *bytes.Buffer, plain []byte) {
	for len(plain) > 0 {
		lt := bytes.IndexByte(plain, '<')
		if lt < 0 {
			out.WriteString(hexReplacer.Replace(string(plain)))
			return
		}
		out.WriteString(hexReplacer.Replace(string(plain[:lt])))
		plain = plain[lt:]
		gt := bytes.IndexByte(plain, '>')
		if gt < 0 {
			out.Write(plain)
			return
		}
		out.Write(plain[:gt+1])
		plain = plain[gt+1:]
	}
}

// Forms returns SafeHTML(in) and AppleHTML(in, no limit), the two forms of
// a review every podcast feed item carries, reading in once: for the HTML
// the Markdown renderer writes, one strip and one scan serve both.
func Forms(in string) (safe, apple string) {
	s := Strip(in)
	toks, ok := scanSimple(s)
	if !ok {
		return same(in, safeHTMLTree(s)), appleHTML(s, math.MaxInt, runeLen)
	}
	w := &htmlWriter{m: runeLen, max: math.MaxInt}
	w.b.Grow(len(s))
	for i := 0; i < len(toks) && !w.full; i++ {
		t := &toks[i]
		w.token(t.typ, t.a, t.text, func() string { return simpleHref(t.attrs) })
	}
	for len(w.stack) > 0 {
		w.pop()
	}
	return same(in, strings.TrimSpace(renderSimple(toks, len(s)))), strings.TrimSpace(w.b.String())
}
