package xmltext

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// A fast path for the HTML our Markdown renderer writes: lower-case tags
// from a short list, double-quoted attributes, a few entities, every
// element closed in order. For such input the tokens x/net/html would give
// are easy to read without it, and the tree its parser would build is the
// nesting of the tags as written, so SafeHTML and AppleHTML can work from
// the tokens directly. Anything else (a stray '<', another entity, an
// unclosed or misnested element, a tag or attribute not on the list) makes
// scanSimple give up, and the callers use x/net/html as before. The fuzz
// tests compare both paths.

// token is one HTML token with its entities decoded.
type token struct {
	typ   html.TokenType
	a     atom.Atom
	text  string // TextToken: the decoded text
	attrs []html.Attribute
}

// simpleTags are the elements scanSimple accepts; block ones may hold only
// other blocks and inline ones, and appear only where no inline element or
// p, heading or pre is open.
var simpleTags = map[atom.Atom]bool{
	atom.P: true, atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Ul: true, atom.Ol: true, atom.Li: true, atom.Blockquote: true, atom.Pre: true, atom.Hr: true,
	atom.A: true, atom.Em: true, atom.Strong: true, atom.Code: true, atom.Del: true, atom.B: true,
	atom.I: true, atom.Span: true, atom.Sup: true, atom.Sub: true, atom.Br: true, atom.Img: true,
}

var simpleBlocks = map[atom.Atom]bool{
	atom.P: true, atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Ul: true, atom.Ol: true, atom.Li: true, atom.Blockquote: true, atom.Pre: true, atom.Hr: true,
}

// holdsBlocks are the blocks other blocks may go in.
var holdsBlocks = map[atom.Atom]bool{atom.Ul: true, atom.Ol: true, atom.Li: true, atom.Blockquote: true}

var simpleVoid = map[atom.Atom]bool{atom.Br: true, atom.Hr: true, atom.Img: true}

var simpleAttrs = map[string]bool{"href": true, "title": true, "alt": true, "src": true, "class": true, "id": true, "start": true}

// simpleEntities are the references scanSimple decodes.
var simpleEntities = []struct{ ref, val string }{
	{"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", `"`}, {"&#39;", "'"}, {"&#34;", `"`},
}

// decodeSimple decodes s's references; ok is false for any other '&', or a
// '\r' (which the tokenizer would turn into '\n').
func decodeSimple(s string) (string, bool) {
	if strings.IndexByte(s, '\r') >= 0 {
		return "", false
	}
	i := strings.IndexByte(s, '&')
	if i < 0 {
		return s, true
	}
	var b strings.Builder
	b.Grow(len(s))
	for i >= 0 {
		b.WriteString(s[:i])
		s = s[i:]
		found := false
		for _, e := range simpleEntities {
			if strings.HasPrefix(s, e.ref) {
				b.WriteString(e.val)
				s = s[len(e.ref):]
				found = true
				break
			}
		}
		if !found {
			return "", false
		}
		i = strings.IndexByte(s, '&')
	}
	b.WriteString(s)
	return b.String(), true
}

func isNameByte(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }

// scanSimple splits s (already stripped) into tokens, or reports false when
// s is not of the simple form described above.
func scanSimple(s string) ([]token, bool) {
	toks := make([]token, 0, 2*strings.Count(s, "<")+1)
	var stack []atom.Atom
	inline := 0 // open elements that must not hold blocks
	for len(s) > 0 {
		lt := strings.IndexByte(s, '<')
		if lt != 0 {
			raw := s
			if lt > 0 {
				raw = s[:lt]
			}
			t, ok := decodeSimple(raw)
			if !ok {
				return nil, false
			}
			if n := len(toks); n > 0 && toks[n-1].typ == html.StartTagToken && toks[n-1].a == atom.Pre && strings.HasPrefix(t, "\n") {
				return nil, false // the parser drops that newline
			}
			toks = append(toks, token{typ: html.TextToken, text: t})
			if lt < 0 {
				break
			}
			s = s[lt:]
		}
		gt := strings.IndexByte(s, '>')
		if gt < 0 {
			return nil, false
		}
		tag := s[1:gt]
		s = s[gt+1:]
		if strings.HasPrefix(tag, "/") {
			name := tag[1:]
			a := atom.Lookup([]byte(name))
			if len(stack) == 0 || stack[len(stack)-1] != a || a == 0 || a.String() != name {
				return nil, false
			}
			stack = stack[:len(stack)-1]
			if !holdsBlocks[a] {
				inline--
			}
			toks = append(toks, token{typ: html.EndTagToken, a: a})
			continue
		}
		i := 0
		for i < len(tag) && isNameByte(tag[i]) {
			i++
		}
		a := atom.Lookup([]byte(tag[:i]))
		if i == 0 || !simpleTags[a] || a.String() != tag[:i] {
			return nil, false
		}
		t := token{typ: html.StartTagToken, a: a}
		if !readAttrs(&t, tag[i:]) || !fitsAt(a, stack, inline) {
			return nil, false
		}
		toks = append(toks, t)
		if !simpleVoid[a] {
			stack = append(stack, a)
			if !holdsBlocks[a] {
				inline++
			}
		}
	}
	if len(stack) > 0 {
		return nil, false
	}
	return toks, true
}

// readAttrs reads the attributes after a start tag's name into t: only
// the attributes the fast path knows, double-quoted, each once, with no
// unsafe URL; false sends the text to the full parser.
func readAttrs(t *token, rest string) bool {
	a := t.a
	for {
		if rest == "" {
			break
		}
		if rest == "/" || rest == " /" {
			if !simpleVoid[a] {
				return false
			}
			t.typ = html.SelfClosingTagToken
			break
		}
		if rest[0] != ' ' {
			return false
		}
		eq := strings.Index(rest, `="`)
		if eq < 0 {
			return false
		}
		key := rest[1:eq]
		if !simpleAttrs[key] {
			return false
		}
		for _, o := range t.attrs {
			if o.Key == key {
				return false
			}
		}
		rest = rest[eq+2:]
		q := strings.IndexByte(rest, '"')
		if q < 0 {
			return false
		}
		v, ok := decodeSimple(rest[:q])
		if !ok || (key == "href" || key == "src") && unsafeURL(v) {
			return false
		}
		t.attrs = append(t.attrs, html.Attribute{Key: key, Val: v})
		rest = rest[q+1:]
	}
	return true
}

// fitsAt reports whether a start tag a may open where it is: the parser
// builds exactly this nesting only then (no block in an inline element, li
// only in a list, no a inside an a).
func fitsAt(a atom.Atom, stack []atom.Atom, inline int) bool {
	if simpleBlocks[a] && inline > 0 {
		return false
	}
	if a == atom.Li {
		if top := topOf(stack); top != atom.Ul && top != atom.Ol {
			return false
		}
	}
	if a == atom.A {
		for _, o := range stack {
			if o == atom.A {
				return false
			}
		}
	}
	return true
}

func topOf(stack []atom.Atom) atom.Atom {
	if len(stack) == 0 {
		return 0
	}
	return stack[len(stack)-1]
}

// renderSimple writes tokens as html.Render writes the tree they make.
func renderSimple(toks []token, size int) string {
	var b strings.Builder
	b.Grow(size + size/8)
	for _, t := range toks {
		switch t.typ {
		case html.TextToken:
			escapeHTML(&b, t.text)
		case html.StartTagToken, html.SelfClosingTagToken:
			b.WriteByte('<')
			b.WriteString(t.a.String())
			for _, a := range t.attrs {
				b.WriteByte(' ')
				b.WriteString(a.Key)
				b.WriteString(`="`)
				escapeHTML(&b, a.Val)
				b.WriteByte('"')
			}
			if simpleVoid[t.a] {
				b.WriteString("/>")
			} else {
				b.WriteByte('>')
			}
		case html.EndTagToken:
			b.WriteString("</")
			b.WriteString(t.a.String())
			b.WriteByte('>')
		}
	}
	return b.String()
}

// escapeHTML escapes s as x/net/html's Render does.
func escapeHTML(b *strings.Builder, s string) {
	for {
		i := strings.IndexAny(s, "&'<>\"\r")
		if i < 0 {
			b.WriteString(s)
			return
		}
		b.WriteString(s[:i])
		switch s[i] {
		case '&':
			b.WriteString("&amp;")
		case '\'':
			b.WriteString("&#39;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&#34;")
		case '\r':
			b.WriteString("&#13;")
		}
		s = s[i+1:]
	}
}
