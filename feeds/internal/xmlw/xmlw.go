// Package xmlw is the one way feedpub writes XML: every XML feed (podcast
// RSS, review RSS and Atom) is written with a Writer, element by element
// and an item at a time, so a feed of any length takes the memory of one
// item.
//
// A Writer produces the bytes encoding/xml's Encoder (Indent "", "  ")
// would make of the same structs: values are escaped as encoding/xml
// escapes them (&amp; &lt; &gt; &#34; &#39; &#x9; &#xA; &#xD;, U+FFFD for a
// character XML forbids), and an element holding only text (or nothing)
// stays on one line. With HexText, element text uses hexadecimal character
// references (&#x26; &#x3C; &#x3E;) instead, as the RSS Profile asks: what
// xmltext.HexEscapes makes of encoding/xml's output. CDATA sections split
// "]]>" as "]]]]><![CDATA[>". The feeds' tests compare the bytes with
// encoding/xml's.
package xmlw

import (
	"bufio"
	"strings"
	"unicode/utf8"
)

// Header is the XML declaration every feed starts with.
const Header = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

// Writer writes indented XML to a bufio.Writer. Its write errors are the
// bufio.Writer's, reported by its Flush.
type Writer struct {
	w          *bufio.Writer
	col        int // escapes column of element text: 0 entity, 1 hexadecimal
	depth      int
	indentedIn bool
	putNewline bool
}

// New returns a Writer writing to w; hexText selects hexadecimal character
// references for element text.
func New(w *bufio.Writer, hexText bool) *Writer {
	x := &Writer{w: w}
	if hexText {
		x.col = 1
	}
	return x
}

// indent is encoding/xml's printer.writeIndent.
func (x *Writer) indent(delta int) {
	if delta < 0 {
		x.depth--
		if x.indentedIn {
			x.indentedIn = false
			return
		}
		x.indentedIn = false
	}
	if x.putNewline {
		x.w.WriteByte('\n')
	} else {
		x.putNewline = true
	}
	for i := 0; i < x.depth; i++ {
		x.w.WriteString("  ")
	}
	if delta > 0 {
		x.depth++
		x.indentedIn = true
	}
}

// Open writes "<name" on a new line; attributes follow, then Gt.
func (x *Writer) Open(name string) {
	x.indent(1)
	x.w.WriteByte('<')
	x.w.WriteString(name)
}

// Gt ends a start tag.
func (x *Writer) Gt() { x.w.WriteByte('>') }

// Close writes "</name>".
func (x *Writer) Close(name string) {
	x.indent(-1)
	x.w.WriteString("</")
	x.w.WriteString(name)
	x.w.WriteByte('>')
}

// Attr writes ` k="v"`.
func (x *Writer) Attr(k, v string) {
	x.w.WriteByte(' ')
	x.w.WriteString(k)
	x.w.WriteString(`="`)
	x.escape(v, 0)
	x.w.WriteByte('"')
}

// AttrOpt is Attr for an omitempty attribute.
func (x *Writer) AttrOpt(k, v string) {
	if v != "" {
		x.Attr(k, v)
	}
}

// Text writes s escaped as element text.
func (x *Writer) Text(s string) { x.escape(s, x.col) }

// Elem writes <name>text</name>.
func (x *Writer) Elem(name, text string) {
	x.Open(name)
	x.Gt()
	x.Text(text)
	x.Close(name)
}

// ElemOpt is Elem for an omitempty element.
func (x *Writer) ElemOpt(name, text string) {
	if text != "" {
		x.Elem(name, text)
	}
}

// TextElem writes <name attr="value">text</name>, the element of a struct
// with one attribute and chardata.
func (x *Writer) TextElem(name, attr, value, text string) {
	x.Open(name)
	x.Attr(attr, value)
	x.Gt()
	x.Text(text)
	x.Close(name)
}

// CDATAElem writes <name> with text as a CDATA section (nothing for "").
func (x *Writer) CDATAElem(name, text string) {
	x.Open(name)
	x.Gt()
	if text != "" {
		x.w.WriteString("<![CDATA[")
		for {
			before, after, ok := strings.Cut(text, "]]>")
			if !ok {
				break
			}
			x.w.WriteString(before)
			x.w.WriteString("]]]]><![CDATA[>")
			text = after
		}
		x.w.WriteString(text)
		x.w.WriteString("]]>")
	}
	x.Close(name)
}

// RSSImage writes an RSS channel's <image>: the podcast and review feeds
// write it alike.
func (x *Writer) RSSImage(url, title, link string) {
	x.Open("image")
	x.Gt()
	x.Elem("url", url)
	x.Elem("title", title)
	x.Elem("link", link)
	x.Close("image")
}

// AtomLink writes an RSS channel's <atom:link> (its self link or a WebSub
// hub); typ is left out when "".
func (x *Writer) AtomLink(href, rel, typ string) {
	x.Open("atom:link")
	x.Attr("href", href)
	x.Attr("rel", rel)
	x.AttrOpt("type", typ)
	x.Gt()
	x.Close("atom:link")
}

// escapes indexes the replacement of each ASCII byte that needs one: column
// 0 is encoding/xml's, column 1 what xmltext.HexEscapes makes of it.
var escapes = func() (t [128][2]string) {
	for c, s := range map[byte][2]string{
		'"': {"&#34;", "&#34;"}, '\'': {"&#39;", "&#39;"},
		'&': {"&amp;", "&#x26;"}, '<': {"&lt;", "&#x3C;"}, '>': {"&gt;", "&#x3E;"},
		'\t': {"&#x9;", "&#x9;"}, '\n': {"&#xA;", "&#xA;"}, '\r': {"&#xD;", "&#xD;"},
	} {
		t[c] = s
	}
	return t
}()

// escape writes s with the replacements of column col.
func (x *Writer) escape(s string, col int) {
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && escapes[c][0] == "" {
				i++
				continue
			}
			x.w.WriteString(s[last:i])
			if e := escapes[c][col]; e != "" {
				x.w.WriteString(e)
			} else {
				x.w.WriteString("\uFFFD")
			}
			i++
			last = i
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || !inCharacterRange(r) {
			x.w.WriteString(s[last:i])
			x.w.WriteString("\uFFFD")
			i += n
			last = i
			continue
		}
		i += n
	}
	x.w.WriteString(s[last:])
}

// inCharacterRange is encoding/xml's isInCharacterRange for r >= 0x80.
func inCharacterRange(r rune) bool {
	return r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}
