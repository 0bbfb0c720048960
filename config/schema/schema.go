// Package schema checks a YAML document against the Go struct it will be
// decoded into, before decoding, so every problem is reported at once with
// its line and its field: unknown keys (with the closest valid key, or the
// section a misplaced key belongs under), keys set twice, and values of the
// wrong kind (a list for text, a fraction for a whole number). feedpub.yaml
// and the entries' front matter are both checked here, so the two report
// alike; yaml.v3's own decode errors name no field and count lines from the
// start of the YAML, not the file.
package schema

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/feedpub/feedpub/config/diag"
)

// maxNodes bounds the walk: aliases can make a small document a huge tree
// ("billion laughs"), and the walk follows them.
const maxNodes = 100_000

// Checker walks one document. Set the fields, then call Check.
type Checker struct {
	File   string // for messages
	Offset int    // added to node lines: the file line before the YAML's first
	// Tag is the struct tag that names keys: "mapstructure" or "yaml".
	Tag string
	// Weak accepts what viper's decoder converts: a number or true/false
	// written as quoted text, and a single value for a list.
	Weak bool
	// Lines receives each key's file line, by path ("audio.file",
	// "podcast.persons[0]"); it may be nil.
	Lines map[string]int
	// Rules are the rule IDs the problems are reported under.
	Rules Rules
	// Bad receives the path of every key or value reported, so the caller
	// can decode the rest without it; it may be nil.
	Bad map[string]bool

	ps      *diag.Problems
	visited int
	active  map[*yaml.Node]bool // anchors being walked, to stop at a cycle
	homes   map[string][]string // key name → the paths of the mappings that have it
	// direct: key name → the top-level sections that have it as their own
	// key, in the struct's order, so a section key written at the top level
	// is sent to its section before a key of the same name deeper down.
	direct map[string][]string
}

// Rules names the registry rule of each kind of problem, which differs
// between feedpub.yaml and front matter.
type Rules struct {
	Unknown   string // a key the struct does not have
	Type      string // a value of the wrong kind
	Duplicate string // a key set twice
	Structure string // aliases, merges, keys that are not names, size
}

// Check reports every problem of n against t (a struct type) into ps.
func (c *Checker) Check(n *yaml.Node, t reflect.Type, ps *diag.Problems) {
	c.ps = ps
	c.homes = map[string][]string{}
	c.active = map[*yaml.Node]bool{}
	c.index(t, "", 0)
	c.indexSections(deref(t))
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			return
		}
		n = n.Content[0]
	}
	c.walk(n, t, "")
}

func (c *Checker) errorf(rule string, n *yaml.Node, field, format string, args ...any) {
	line := 0
	if n != nil && n.Line > 0 {
		line = n.Line + c.Offset
	}
	if c.Bad != nil {
		c.Bad[field] = true
	}
	c.ps.Errorf(rule, c.File, line, field, format, args...)
}

// index records where each key name is valid, so a key at the wrong level
// can be sent where it belongs.
func (c *Checker) index(t reflect.Type, prefix string, depth int) {
	t = deref(t)
	if t.Kind() == reflect.Slice {
		c.index(t.Elem(), prefix+"[]", depth)
		return
	}
	if t.Kind() != reflect.Struct || depth > 4 {
		return
	}
	for name, ft := range c.fields(t) {
		c.homes[name] = append(c.homes[name], prefix)
		c.index(ft, join(prefix, name), depth+1)
	}
}

// indexSections records the keys of each top-level section in field order.
func (c *Checker) indexSections(t reflect.Type) {
	c.direct = map[string][]string{}
	if t.Kind() != reflect.Struct {
		return
	}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		sec, _, _ := strings.Cut(f.Tag.Get(c.Tag), ",")
		st := deref(f.Type)
		if sec == "" || sec == "-" || !f.IsExported() || st.Kind() != reflect.Struct {
			continue
		}
		for j := 0; j < st.NumField(); j++ {
			name, _, _ := strings.Cut(st.Field(j).Tag.Get(c.Tag), ",")
			if name != "" && name != "-" && st.Field(j).IsExported() {
				c.direct[name] = append(c.direct[name], sec)
			}
		}
	}
}

var durationType = reflect.TypeOf(time.Duration(0))

func (c *Checker) walk(n *yaml.Node, t reflect.Type, path string) {
	c.visited++
	if c.visited == maxNodes {
		c.errorf(c.Rules.Structure, n, path, "the document is too large or its aliases (*name) expand too far")
	}
	if c.visited >= maxNodes {
		return
	}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		c.alias(n, func() { c.walk(n.Alias, t, path) })
		return
	}
	if n.Anchor != "" {
		c.active[n] = true
		defer delete(c.active, n)
	}
	t = deref(t)
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return // an empty value leaves the default
	}
	if t == durationType {
		// Decoded by viper's string-to-duration hook; a bare number would
		// be nanoseconds, which nobody means.
		if _, err := time.ParseDuration(strings.TrimSpace(n.Value)); n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" || err != nil {
			c.errorf(c.Rules.Type, n, path, "want a duration such as 60s, 1m30s or 2h, got %s", describe(n))
		}
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			c.errorf(c.Rules.Type, n, path, "want a mapping of keys (%s), got %s", example(c.fields(t)), describe(n))
			return
		}
		c.mapping(n, t, path, map[string]int{})
	case reflect.Slice:
		switch {
		case n.Kind == yaml.SequenceNode:
			for i, item := range n.Content {
				p := fmt.Sprintf("%s[%d]", path, i)
				c.line(p, item)
				c.walk(item, t.Elem(), p)
			}
		case c.Weak && n.Kind == yaml.ScalarNode && deref(t.Elem()).Kind() == reflect.String:
			// viper makes a one-element list of a single value.
		default:
			c.errorf(c.Rules.Type, n, path, "want a list, got %s", describe(n))
		}
	default:
		if n.Kind != yaml.ScalarNode {
			c.errorf(c.Rules.Type, n, path, "want %s, got %s", KindWord(t.Kind()), describe(n))
			return
		}
		if msg := c.scalar(n, t.Kind()); msg != "" {
			c.errorf(c.Rules.Type, n, path, "%s", msg)
		}
	}
}

// mapping checks the keys of n against t's fields. seen holds the keys
// already set in this mapping (merged ones included), with their lines.
func (c *Checker) mapping(n *yaml.Node, t reflect.Type, path string, seen map[string]int) {
	fields := c.fields(t)
	var dups []int
	defer func() {
		// A key set twice is reported here; taking the second out lets the
		// document still decode, so the rest of the run's problems show.
		for i := len(dups) - 1; i >= 0; i-- {
			n.Content = append(n.Content[:dups[i]], n.Content[dups[i]+2:]...)
		}
	}()
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.ShortTag() == "!!merge" {
			c.merge(v, t, path, seen)
			continue
		}
		p := join(path, k.Value)
		if k.Kind != yaml.ScalarNode {
			c.errorf(c.Rules.Structure, k, path, "a key must be a plain name, got %s", describe(k))
			continue
		}
		if first, ok := seen[k.Value]; ok && first > 0 {
			c.errorf(c.Rules.Duplicate, k, p, "this key is already set on line %d; remove one of them", first)
			dups = append(dups, i)
			continue
		}
		seen[k.Value] = k.Line + c.Offset
		ft, ok := fields[k.Value]
		if !ok {
			c.errorf(c.Rules.Unknown, k, p, "%s", c.unknown(k.Value, path, fields))
			continue
		}
		c.line(p, k)
		c.walk(v, ft, p)
	}
}

// alias walks the anchor an alias refers to, unless it is already being
// walked: an anchor that contains itself would never end.
func (c *Checker) alias(n *yaml.Node, walk func()) {
	if c.active[n.Alias] {
		c.errorf(c.Rules.Structure, n, "", "the alias *%s is inside its own anchor &%s", n.Value, n.Value)
		return
	}
	c.active[n.Alias] = true
	walk()
	delete(c.active, n.Alias)
}

// merge checks the mappings a "<<: *anchor" key merges in. Their keys may
// be overridden by the mapping's own, so they are not duplicates.
func (c *Checker) merge(v *yaml.Node, t reflect.Type, path string, seen map[string]int) {
	c.visited++
	if c.visited >= maxNodes {
		return
	}
	switch {
	case v.Kind == yaml.AliasNode && v.Alias != nil:
		c.alias(v, func() { c.merge(v.Alias, t, path, seen) })
	case v.Kind == yaml.SequenceNode:
		for _, item := range v.Content {
			c.merge(item, t, path, seen)
		}
	case v.Kind == yaml.MappingNode:
		inner := map[string]int{}
		for k := range seen {
			inner[k] = 0 // known, but not a duplicate when merged
		}
		c.mapping(v, t, path, inner)
	default:
		c.errorf(c.Rules.Structure, v, path, "<< merges a mapping, got %s", describe(v))
	}
}

// unknown explains a key t does not have: the closest valid key here when
// one is near (a typo), else where it belongs if it is valid elsewhere (a
// key at the wrong level), else the valid keys.
func (c *Checker) unknown(key, path string, fields map[string]reflect.Type) string {
	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
	}
	msg := fmt.Sprintf("unknown key %q", key)
	if best := diag.Closest(key, names); best != "" {
		return msg + fmt.Sprintf(" (did you mean %q?)", best)
	}
	if path == "" {
		// A key written at the top level most likely belongs to a section.
		if secs := c.direct[key]; len(secs) > 0 {
			return key + " belongs under " + orList(secs)
		}
		var own []string
		for name := range c.direct {
			own = append(own, name)
		}
		if best := diag.Closest(key, own); best != "" {
			return msg + fmt.Sprintf(" (did you mean %s.%s?)", c.direct[best][0], best)
		}
	}
	if homes := c.homes[key]; len(homes) > 0 {
		return key + " belongs under " + orList(homes)
	}
	sort.Strings(names)
	if path == "" {
		return msg + " (valid keys: " + strings.Join(names, ", ") + ")"
	}
	return msg + " in " + path + " (valid keys: " + strings.Join(names, ", ") + ")"
}

func orList(homes []string) string {
	h := make([]string, len(homes))
	for i, p := range homes {
		if p == "" {
			h[i] = "the top level"
		} else {
			h[i] = p + ":"
		}
	}
	sort.Strings(h)
	const most = 4
	if len(h) > most {
		h = append(h[:most-1], "elsewhere")
	}
	if len(h) == 1 {
		return h[0]
	}
	return strings.Join(h[:len(h)-1], ", ") + " or " + h[len(h)-1]
}

func (c *Checker) line(path string, n *yaml.Node) {
	if c.Lines != nil {
		c.Lines[path] = n.Line + c.Offset
	}
}

// scalar checks one value against a Go kind and returns "" or what is wrong.
func (c *Checker) scalar(n *yaml.Node, k reflect.Kind) string {
	tag, v := n.ShortTag(), n.Value
	quoted := fmt.Sprintf("%q", v)
	if tag != "!!str" {
		quoted = v
	}
	switch k {
	case reflect.Bool:
		if tag == "!!bool" {
			return ""
		}
		if c.Weak && tag == "!!str" {
			if _, err := strconv.ParseBool(v); err == nil {
				return ""
			}
		}
		var b bool
		if tag == "!!str" && n.Decode(&b) == nil {
			return "" // YAML 1.1's yes/no/on/off, which yaml.v3 accepts
		}
		return fmt.Sprintf("want true or false, got %s", quoted)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		var i int64
		switch {
		case tag == "!!int" && n.Decode(&i) == nil:
			return ""
		case tag == "!!int":
			return fmt.Sprintf("%s is too large: want a whole number up to %d", v, int64(math.MaxInt64))
		case tag == "!!float":
			return fmt.Sprintf("want a whole number, got %s", v)
		case c.Weak && tag == "!!str":
			if _, err := strconv.ParseInt(strings.TrimSpace(v), 0, 64); err == nil {
				return ""
			}
		}
		return fmt.Sprintf("want a whole number, got %s", quoted)
	case reflect.Float32, reflect.Float64:
		if tag == "!!int" || tag == "!!float" {
			return ""
		}
		if c.Weak && tag == "!!str" {
			if _, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
				return ""
			}
		}
		return fmt.Sprintf("want a number, got %s", quoted)
	}
	return "" // text takes any scalar
}

func (c *Checker) fields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get(c.Tag), ",")
		if name == "" || name == "-" || !f.IsExported() {
			continue
		}
		out[name] = f.Type
	}
	return out
}

func deref(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

func join(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

func example(fields map[string]reflect.Type) string {
	names := make([]string, 0, len(fields))
	for n := range fields {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(names) > 2 {
		names = append(names[:2], "...")
	}
	return strings.Join(names, ": ..., ") + ":"
}

// describe names what the editor wrote, for "want X, got Y".
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	case yaml.AliasNode:
		return "an alias"
	}
	if n.ShortTag() == "!!str" {
		return fmt.Sprintf("%q", n.Value)
	}
	return n.Value
}

// KindWord names what a Go kind wants in a YAML value, for messages
// ("want a whole number").
func KindWord(k reflect.Kind) string {
	switch k {
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice:
		return "a list"
	case reflect.Struct, reflect.Map:
		return "a mapping of keys"
	}
	return "text"
}

// Drop removes the key at path ("title", "audio.season", or
// "audio.transcripts[0].file": the whole list) from the mapping n, so a
// document with a reported problem can still be decoded for the rest. It
// does not follow aliases: a key inside an anchor stays, and the decode
// that follows reports it.
func Drop(n *yaml.Node, path string) {
	path, _, _ = strings.Cut(path, "[")
	if path == "" {
		return
	}
	parts := strings.Split(path, ".")
	for i, p := range parts {
		if n.Kind != yaml.MappingNode {
			return
		}
		var next *yaml.Node
		for j := 0; j+1 < len(n.Content); j += 2 {
			if n.Content[j].Value != p {
				continue
			}
			if i == len(parts)-1 {
				n.Content = append(n.Content[:j], n.Content[j+2:]...)
				j -= 2
				continue
			}
			next = n.Content[j+1]
		}
		if next == nil {
			return
		}
		n = next
	}
}
