package config

import (
	"os"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The reference names every key Load reads (and no other), so the README
// and the man page built from it cannot leave one out or keep a gone one.
func TestReferenceNamesEveryKey(t *testing.T) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(Reference), &doc); err != nil {
		t.Fatalf("reference.yaml: %v", err)
	}
	got := map[string]bool{}
	var walk func(n *yaml.Node, prefix string)
	walk = func(n *yaml.Node, prefix string) {
		if n.Kind != yaml.MappingNode {
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i].Value, n.Content[i+1]
			if v.Kind == yaml.MappingNode && !strings.Contains(prefix+k, "update_frequency") && !strings.Contains(prefix+k, "license") {
				walk(v, prefix+k+".")
				continue
			}
			got[prefix+k] = true
		}
	}
	walk(doc.Content[0], "")
	want := map[string]bool{}
	for _, k := range Keys() {
		// A mapping written as one flow value in the reference
		// (license: {name, url}) names its keys in that value.
		for _, m := range []string{"update_frequency", "license"} {
			if i := strings.Index(k, "."+m+"."); i >= 0 {
				k = k[:i+len(m)+1]
			}
		}
		want[k] = true
	}
	for k := range want {
		// The video section takes the podcast's keys, and says so.
		if v, ok := strings.CutPrefix(k, "video."); ok && got["podcast."+v] && strings.Contains(Reference, "video:") && strings.Contains(Reference, "the same keys as podcast") {
			continue
		}
		if !got[k] {
			t.Errorf("reference.yaml does not name %s", k)
		}
	}
	for k := range got {
		if !want[k] {
			t.Errorf("reference.yaml names %s, which Load does not read", k)
		}
	}
}

func TestREADMEHasTheReference(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	want, err := WithReference(data)
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != string(data) {
		t.Error("README.md's config reference is not config/reference.yaml: run go generate ./config/diag")
	}
}
