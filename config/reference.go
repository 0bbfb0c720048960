package config

import (
	_ "embed"
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// Reference is the annotated feedpub.yaml: every key, with an example
// value and what it means. It is the one source of the README's config
// reference and of the feedpub.yaml(5) man page, and a test holds it to
// every key Load reads, so neither can drift from the code.
//
//go:embed reference.yaml
var Reference string

const (
	referenceBegin = "<!-- config:begin (generated from config/reference.yaml by go generate ./config/diag; do not edit) -->\n"
	referenceEnd   = "<!-- config:end -->"
)

// WithReference returns readme with the block between its config markers
// replaced by Reference.
func WithReference(readme []byte) ([]byte, error) {
	s := string(readme)
	i := strings.Index(s, referenceBegin)
	j := strings.Index(s, referenceEnd)
	if i < 0 || j < i {
		return nil, fmt.Errorf("no config-reference markers (%q ... %q)", strings.TrimSpace(referenceBegin), referenceEnd)
	}
	return []byte(s[:i+len(referenceBegin)] + "```yaml\n" + Reference + "```\n" + s[j:]), nil
}

// Keys lists every key Load reads, as "section.key" ("publish.s3.region"),
// sorted: the FEEDPUB_* variables are EnvVar of each.
func Keys() []string {
	var out []string
	for k := range leafDefaults(reflect.ValueOf(Default()), "") {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
