package xmltext

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// AppleDescriptionMax is Apple's limit on an episode description, in
// characters.
const AppleDescriptionMax = 10000

// AppleHTML reduces an HTML fragment to what Apple Podcasts renders in a
// description: <p>, <ol>, <ul>, <li> and <a href>. Other tags are dropped but
// their text is kept (the contents of script, style and similar are dropped
// whole); attributes are dropped except an <a>'s href when it is an http,
// https or mailto URL (an <a> without one loses its tag). Block-level tags
// that are dropped leave a space so words do not run together. The result is
// at most maxChars characters counting markup: when the text does not fit it
// is cut at the end of a word, Ellipsis is appended and every open tag is
// closed. Text is re-escaped (&amp; &lt; &gt;) and stripped of characters XML
// forbids, so the result can go in a CDATA section as it is.
func AppleHTML(s string, maxChars int) string {
	return appleHTML(s, maxChars, runeLen)
}

// AppleHTMLBytes is AppleHTML with the limit in bytes of UTF-8 (Apple's
// channel description limit is 4000 bytes).
func AppleHTMLBytes(s string, maxBytes int) string {
	return appleHTML(s, maxBytes, byteLen)
}

// keptTags are the tags Apple renders.
var keptTags = map[atom.Atom]bool{atom.P: true, atom.Ol: true, atom.Ul: true, atom.Li: true, atom.A: true}

// skippedTags lose their content too: it is not text a reader would see.
var skippedTags = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Template: true, atom.Noscript: true,
	atom.Iframe: true, atom.Object: true, atom.Head: true, atom.Title: true,
	atom.Svg: true, atom.Math: true, atom.Textarea: true, atom.Select: true,
}

// blockTags separate words when dropped.
var blockTags = map[atom.Atom]bool{
	atom.Br: true, atom.Div: true, atom.H1: true, atom.H2: true, atom.H3: true,
	atom.H4: true, atom.H5: true, atom.H6: true, atom.Blockquote: true,
	atom.Table: true, atom.Tr: true, atom.Td: true, atom.Th: true, atom.Hr: true,
	atom.Dl: true, atom.Dt: true, atom.Dd: true, atom.Pre: true, atom.Figure: true,
	atom.Figcaption: true, atom.Section: true, atom.Article: true, atom.Header: true,
	atom.Footer: true, atom.Aside: true, atom.Nav: true, atom.Img: true,
	atom.Caption: true, atom.Address: true, atom.Main: true,
}

type htmlWriter struct {
	m       measure
	max     int
	b       strings.Builder
	n       int         // measured length of b
	stack   []atom.Atom // open kept tags
	closing int         // measured length of the end tags stack needs
	space   bool        // a dropped block tag asks for a space before text
	hasText bool
	full    bool // the limit was reached; write nothing more
	skip    int  // open elements whose content is dropped
}

func appleHTML(s string, max int, m measure) string {
	return appleHTMLWith(s, max, m, true)
}

// appleHTMLWith is appleHTML; fast allows scanSimple's tokens in place of
// x/net/html's (the tests compare both).
func appleHTMLWith(s string, max int, m measure, fast bool) string {
	if max <= 0 {
		return ""
	}
	w := &htmlWriter{m: m, max: max}
	s = Strip(s)
	if toks, ok := scanSimple(s); fast && ok {
		w.b.Grow(len(s))
		for i := 0; i < len(toks) && !w.full; i++ {
			t := &toks[i]
			w.token(t.typ, t.a, t.text, func() string { return simpleHref(t.attrs) })
		}
	} else {
		z := html.NewTokenizer(strings.NewReader(s))
		for !w.full {
			tt := z.Next()
			if tt == html.ErrorToken {
				break
			}
			switch tt {
			case html.TextToken:
				w.token(tt, 0, string(z.Text()), nil)
			case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
				name, hasAttr := z.TagName()
				w.token(tt, atom.Lookup(name), "", func() string { return hrefAttr(z, hasAttr) })
			}
		}
	}
	for len(w.stack) > 0 {
		w.pop()
	}
	return strings.TrimSpace(w.b.String())
}

// token handles one token: a tag a or text t; href gives a start tag's
// usable href (see hrefAttr).
func (w *htmlWriter) token(tt html.TokenType, a atom.Atom, t string, href func() string) {
	switch tt {
	case html.TextToken:
		if w.skip == 0 {
			w.text(t)
		}
	case html.StartTagToken, html.SelfClosingTagToken:
		if skippedTags[a] {
			if tt == html.StartTagToken && a != atom.Img {
				w.skip++
			}
			return
		}
		if w.skip > 0 {
			return
		}
		switch {
		case a == atom.A:
			if href := href(); href != "" && tt == html.StartTagToken {
				w.open(a, `<a href="`+escapeAttr(href)+`">`)
			}
		case keptTags[a]:
			if a == atom.P && w.top() == atom.P {
				w.close(atom.P)
			}
			w.open(a, "<"+a.String()+">")
		case blockTags[a]:
			w.space = true
		}
	case html.EndTagToken:
		if skippedTags[a] {
			if w.skip > 0 {
				w.skip--
			}
			return
		}
		if w.skip > 0 {
			return
		}
		switch {
		case keptTags[a]:
			w.close(a)
		case blockTags[a]:
			w.space = true
		}
	}
}

func (w *htmlWriter) top() atom.Atom {
	if len(w.stack) == 0 {
		return 0
	}
	return w.stack[len(w.stack)-1]
}

func endTag(a atom.Atom) string { return "</" + a.String() + ">" }

func (w *htmlWriter) write(s string) {
	w.b.WriteString(s)
	w.n += w.m(s)
}

// open writes a start tag if it and its end tag fit.
func (w *htmlWriter) open(a atom.Atom, tag string) {
	end := w.m(endTag(a))
	if w.n+w.m(tag)+end+w.closing > w.max {
		w.full = true
		return
	}
	w.write(tag)
	w.stack = append(w.stack, a)
	w.closing += end
	if a != atom.A {
		w.space = false
	}
}

// close closes a and everything opened after it; an end tag with no open
// start tag is dropped.
func (w *htmlWriter) close(a atom.Atom) {
	for i := len(w.stack) - 1; i >= 0; i-- {
		if w.stack[i] == a {
			for len(w.stack) > i {
				w.pop()
			}
			return
		}
	}
}

func (w *htmlWriter) pop() {
	a := w.stack[len(w.stack)-1]
	w.stack = w.stack[:len(w.stack)-1]
	end := endTag(a)
	w.closing -= w.m(end)
	w.write(end)
}

func (w *htmlWriter) text(t string) {
	t = Strip(t)
	if t == "" {
		return
	}
	if w.space && w.b.Len() > 0 {
		last, _ := utf8.DecodeLastRuneInString(w.b.String())
		first, _ := utf8.DecodeRuneInString(t)
		if !unicode.IsSpace(last) && !unicode.IsSpace(first) {
			t = " " + t
		}
	}
	w.space = false
	e := escapeText(t)
	if w.n+w.m(e)+w.closing <= w.max {
		w.write(e)
		w.hasText = w.hasText || strings.TrimSpace(t) != ""
		return
	}
	// Cut t at the end of the last word that fits with the ellipsis.
	budget := w.max - w.n - w.closing - w.m(Ellipsis)
	w.full = true
	if budget <= 0 {
		return
	}
	n, wordEnd, runeEnd := 0, -1, 0
	for i := 0; i < len(t); {
		r, size := utf8.DecodeRuneInString(t[i:])
		if unicode.IsSpace(r) && i > 0 {
			wordEnd = i
		}
		n += w.m(escapeText(t[i : i+size]))
		if n > budget {
			break
		}
		i += size
		runeEnd = i
	}
	end := wordEnd
	if end < 0 {
		if w.hasText {
			end = 0 // no whole word fits: add nothing more
		} else {
			end = len(cut(t, runeLen(t[:runeEnd]), runeLen, false)) // a lone long word: cut inside it
		}
	}
	head := strings.TrimRightFunc(t[:end], unicode.IsSpace)
	if strings.TrimSpace(head) == "" && w.hasText {
		w.write(Ellipsis)
		return
	}
	w.write(escapeText(head) + Ellipsis)
	w.hasText = true
}

// hrefAttr returns the tag's href when it is an absolute http, https or
// mailto URL.
func hrefAttr(z *html.Tokenizer, more bool) string {
	var href string
	for more {
		var k, v []byte
		k, v, more = z.TagAttr()
		if string(k) == "href" {
			href = Clean(string(v))
		}
	}
	return usableHref(href)
}

// simpleHref is hrefAttr for a token from scanSimple.
func simpleHref(attrs []html.Attribute) string {
	var href string
	for _, a := range attrs {
		if a.Key == "href" {
			href = Clean(a.Val)
		}
	}
	return usableHref(href)
}

// usableHref returns href when it is an absolute http, https or mailto URL.
func usableHref(href string) string {
	if href == "" {
		return ""
	}
	u, err := url.Parse(href)
	if err != nil {
		return ""
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		if u.Host == "" {
			return ""
		}
	case "mailto":
		if u.Opaque == "" {
			return ""
		}
	default:
		return ""
	}
	return href
}

var (
	textEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	attrEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")
)

func escapeText(s string) string { return textEscaper.Replace(s) }
func escapeAttr(s string) string { return attrEscaper.Replace(s) }
