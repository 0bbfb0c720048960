package feedcheck

import (
	"bufio"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// node is a parsed XML element. name.Space is the namespace URL.
type node struct {
	name      xml.Name
	attrs     []xml.Attr
	text      string
	kids      []*node
	line, col int // where its start tag ends in the document
}

// parseXML parses data strictly: well-formed, UTF-8, every prefix declared.
// When done is not nil it is called with each element as it ends and the
// elements enclosing it (root first); an element done returns true for is
// left out of the tree, so a checker can take a feed's items one at a time
// and never hold the whole document.
func parseXML(rd io.Reader, done func(path []*node, n *node) bool) (*node, error) {
	d := xml.NewDecoder(bufio.NewReaderSize(rd, 64<<10))
	d.Strict = true
	d.CharsetReader = func(label string, _ io.Reader) (io.Reader, error) {
		return nil, fmt.Errorf("encoding %q: want UTF-8", label)
	}
	var root *node
	var stack []*node
	var text []*strings.Builder
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Space != "" && t.Name.Space == prefixOf(t.Name) {
				return nil, fmt.Errorf("undeclared namespace prefix %q", t.Name.Space)
			}
			n := &node{name: t.Name, attrs: t.Attr}
			n.line, n.col = d.InputPos()
			if len(stack) == 0 {
				if root != nil {
					return nil, errors.New("more than one root element")
				}
				root = n
			} else {
				p := stack[len(stack)-1]
				p.kids = append(p.kids, n)
			}
			stack = append(stack, n)
			text = append(text, &strings.Builder{})
		case xml.EndElement:
			n := stack[len(stack)-1]
			n.text = text[len(text)-1].String()
			stack, text = stack[:len(stack)-1], text[:len(text)-1]
			if done != nil && len(stack) > 0 && done(stack, n) {
				p := stack[len(stack)-1]
				p.kids = p.kids[:len(p.kids)-1]
			}
		case xml.CharData:
			if len(text) > 0 {
				text[len(text)-1].Write(t)
			}
		}
	}
	if root == nil {
		return nil, errors.New("no root element")
	}
	return root, nil
}

// prefixOf returns what encoding/xml leaves in Space for an undeclared
// prefix: the prefix itself, which is never a namespace URL.
func prefixOf(n xml.Name) string {
	if strings.Contains(n.Space, ":") || strings.Contains(n.Space, "/") {
		return ""
	}
	return n.Space
}

func (n *node) all(space, local string) []*node {
	if n == nil {
		return nil
	}
	var out []*node
	for _, k := range n.kids {
		if k.name.Space == space && k.name.Local == local {
			out = append(out, k)
		}
	}
	return out
}

func (n *node) first(space, local string) *node {
	if ks := n.all(space, local); len(ks) > 0 {
		return ks[0]
	}
	return nil
}

// attr returns the value of an attribute in no namespace.
func (n *node) attr(local string) (string, bool) {
	if n == nil {
		return "", false
	}
	for _, a := range n.attrs {
		if a.Name.Space == "" && a.Name.Local == local {
			return a.Value, true
		}
	}
	return "", false
}

func (n *node) attrOr(local string) string {
	v, _ := n.attr(local)
	return v
}

// nsDecl returns the URL a prefix is declared with on n.
func (n *node) nsDecl(prefix string) (string, bool) {
	for _, a := range n.attrs {
		if a.Name.Space == "xmlns" && a.Name.Local == prefix {
			return a.Value, true
		}
	}
	return "", false
}

// leaves calls f for every element without children below n, and n itself
// if it has none.
func (n *node) walk(f func(*node)) {
	f(n)
	for _, k := range n.kids {
		k.walk(f)
	}
}

// is reports whether n is the element local in namespace space.
func (n *node) is(space, local string) bool {
	return n != nil && n.name.Space == space && n.name.Local == local
}

// utf8Reader passes a reader through and notes whether what it read was
// valid UTF-8, a rune split across two reads included.
type utf8Reader struct {
	r    io.Reader
	tail [utf8.UTFMax]byte // the start of a rune the last read cut
	nt   int
	bad  bool
}

func (u *utf8Reader) Read(p []byte) (int, error) {
	n, err := u.r.Read(p)
	if !u.bad {
		u.check(p[:n])
		if err != nil && u.nt > 0 {
			u.bad = true // the input ends inside a rune
		}
	}
	return n, err
}

func (u *utf8Reader) check(b []byte) {
	// Finish the rune the last read cut, a byte at a time.
	for u.nt > 0 && len(b) > 0 {
		u.tail[u.nt] = b[0]
		u.nt++
		b = b[1:]
		if utf8.FullRune(u.tail[:u.nt]) {
			if r, size := utf8.DecodeRune(u.tail[:u.nt]); r == utf8.RuneError && size == 1 {
				u.bad = true
				return
			}
			u.nt = 0
		}
	}
	if u.nt > 0 {
		return // b ended before the rune did
	}
	cut := len(b)
	for j := len(b) - 1; j >= 0 && j >= len(b)-utf8.UTFMax; j-- {
		if utf8.RuneStart(b[j]) {
			if !utf8.FullRune(b[j:]) {
				cut = j
			}
			break
		}
	}
	if !utf8.Valid(b[:cut]) {
		u.bad = true
		return
	}
	u.nt = copy(u.tail[:], b[cut:])
}
