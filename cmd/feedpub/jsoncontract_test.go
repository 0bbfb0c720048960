package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// jsonDoc is what every command's --json document has in common.
type jsonDoc struct {
	OK       *bool  `json:"ok"`
	Error    string `json:"error"`
	Problems []struct {
		Kind    string `json:"kind"`
		Rule    string `json:"rule"`
		File    string `json:"file"`
		Line    int    `json:"line"`
		Message string `json:"message"`
	} `json:"problems"`
}

// One schema for the --json output of every command, on success and on
// failure: exactly one document on stdout, ok saying which, and every
// problem with its kind, rule and message.
func TestJSONContractOfEveryCommand(t *testing.T) {
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	incoming := t.TempDir()
	writeFile(t, filepath.Join(incoming, "bad.mp3"), "not audio at all")
	copyFile(t, filepath.Join(dir, "media", "heroine.mp3"), filepath.Join(incoming, "ep.mp3"))
	for _, tc := range []struct {
		args []string
		ok   bool
	}{
		{[]string{"validate", "--config", cfg}, true},
		{[]string{"build", "--config", cfg}, true},
		{[]string{"publish", "--config", cfg}, true},
		{[]string{"check", filepath.Join(dir, "public", "podcast.xml")}, true},
		{[]string{"new", "--config", cfg, filepath.Join(incoming, "ep.mp3"), "--title", "Fine"}, true},
		{[]string{"new", "--config", cfg, filepath.Join(incoming, "bad.mp3"), "--title", "Broken"}, false},
		{[]string{"new", "--config", cfg, "--title", "Fine"}, false}, // the slug is taken now
		{[]string{"check", filepath.Join(dir, "reviews", "heroine.md")}, false},
		{[]string{"validate", "--config", filepath.Join(dir, "nope.yaml")}, false},
		{[]string{"build", "--config", cfg, "--out", "/"}, false},
		{[]string{"publish", "--config", cfg, "--format", "json", "--dry-run"}, true},
	} {
		args := append(append([]string(nil), tc.args...), "--json")
		if tc.args[len(tc.args)-1] == "--dry-run" {
			args = tc.args // --format json, the same contract
		}
		r := feedpub(t, args...)
		dec := json.NewDecoder(strings.NewReader(r.stdout))
		var doc jsonDoc
		if err := dec.Decode(&doc); err != nil {
			t.Errorf("%s: stdout is not one JSON document: %v\n%s", strings.Join(tc.args, " "), err, r.stdout)
			continue
		}
		if _, err := dec.Token(); !errors.Is(err, io.EOF) {
			t.Errorf("%s: more than one document on stdout", strings.Join(tc.args, " "))
		}
		switch {
		case doc.OK == nil:
			t.Errorf("%s: no ok", tc.args[0])
		case *doc.OK != tc.ok:
			t.Errorf("%s: ok %v, want %v\n%s", strings.Join(tc.args, " "), *doc.OK, tc.ok, r.stdout)
		case (r.code == 0) != tc.ok:
			t.Errorf("%s: exit %d with ok %v", strings.Join(tc.args, " "), r.code, *doc.OK)
		case !tc.ok && doc.Error == "" && len(doc.Problems) == 0:
			t.Errorf("%s: failed, saying neither an error nor a problem", strings.Join(tc.args, " "))
		}
		for _, p := range doc.Problems {
			if p.Kind == "" || p.Message == "" || !regexp.MustCompile(`^FP\d{3}$`).MatchString(p.Rule) {
				t.Errorf("%s: problem without kind, rule or message: %+v", tc.args[0], p)
			}
		}
		if bytes.Contains([]byte(r.stderr), []byte("error: ")) {
			t.Errorf("%s: problems on stderr besides the document:\n%s", tc.args[0], r.stderr)
		}
	}
}

// --format github names a file alike wherever feedpub runs: relative to
// GITHUB_WORKSPACE in a workflow, else to the working folder.
func TestGitHubAnnotationPaths(t *testing.T) {
	dir := copyExample(t)
	editEntry(t, dir, "heroine.md", "rating: 4", "rating: 9")
	file := regexp.MustCompile(`file=([^,:]+)`)
	run := func(wd string, args ...string) []string {
		t.Helper()
		t.Chdir(wd)
		r := feedpub(t, append([]string{"validate", "--format", "github"}, args...)...)
		var out []string
		for _, m := range file.FindAllStringSubmatch(r.stdout, -1) {
			out = append(out, m[1])
		}
		if len(out) == 0 {
			t.Fatalf("no annotation with a file:\n%s", r.stdout)
		}
		return out
	}
	parent := filepath.Dir(dir)
	site := filepath.Base(dir)
	fromSite := run(dir)
	fromParent := run(parent, "--config", filepath.Join(site, "feedpub.yaml"))
	if !slices.Equal(fromParent, prefixAll(site+"/", fromSite)) {
		t.Errorf("from the site folder %v, from its parent %v: want the parent's to be the site's under %s/", fromSite, fromParent, site)
	}
	t.Setenv("GITHUB_WORKSPACE", parent)
	a, b := run(dir), run(parent, "--config", filepath.Join(site, "feedpub.yaml"))
	if !slices.Equal(a, b) || !strings.HasPrefix(a[0], site+"/") {
		t.Errorf("with GITHUB_WORKSPACE: %v from the site, %v from the parent; want both relative to the workspace", a, b)
	}
}

func prefixAll(p string, ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = p + s
	}
	return out
}
