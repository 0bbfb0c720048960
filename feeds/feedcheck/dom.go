package feedcheck

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// node is a parsed XML element. name.Space is the namespace URL.
type node struct {
	name  xml.Name
	attrs []xml.Attr
	text  string
	kids  []*node
}

// parseXML parses data strictly: well-formed, UTF-8, every prefix declared.
func parseXML(data []byte) (*node, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
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
