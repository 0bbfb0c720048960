package diag_test

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/feedpub/feedpub/config/diag"
)

var (
	ruleRE       = regexp.MustCompile(`"(FP[0-9]{3})"`)
	registryLine = regexp.MustCompile(`(?m)^\s*\{"FP[0-9]{3}", .*$`)
)

// TestEveryRuleIsRegisteredAndUsed reads the repository's Go source: every
// rule ID it names must be in the registry (so output, ignore lists and the
// README agree), and every registered rule must be emitted somewhere.
func TestEveryRuleIsRegisteredAndUsed(t *testing.T) {
	used := map[string]string{}
	err := filepath.WalkDir(filepath.Join("..", ".."), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".cache" || d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".") && d.Name() != ".." && d.Name() != ".") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		data = registryLine.ReplaceAll(data, nil) // the registry itself uses nothing
		for _, m := range ruleRE.FindAllSubmatch(data, -1) {
			used[string(m[1])] = p
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for id, p := range used {
		if _, ok := diag.Lookup(id); !ok {
			t.Errorf("%s uses %s, which is not in the registry", p, id)
		}
	}
	for _, r := range diag.Rules() {
		if _, ok := used[r.ID]; !ok {
			t.Errorf("%s (%s) is registered but nothing reports it", r.ID, r.Summary)
		}
		if r.Summary == "" || r.Fix == "" {
			t.Errorf("%s needs a summary and a fix", r.ID)
		}
	}
}

// TestREADMERuleTableIsCurrent regenerates the README's rule table in
// memory: run `go generate ./config/diag` when it fails.
func TestREADMERuleTableIsCurrent(t *testing.T) {
	path := filepath.Join("..", "..", "README.md")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want, err := diag.WithRuleTable(data)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, want) {
		t.Error("README.md's rule table is not the registry's: run go generate ./config/diag")
	}
}

func TestCheckIgnore(t *testing.T) {
	var ps diag.Problems
	diag.CheckIgnore(&ps, []string{"FP312", "FP203", "FP9999", "fp313"}, "feedpub.yaml", "ignore", func(i int) int { return 10 + i })
	if len(ps) != 2 {
		t.Fatalf("want 2 problems (an error rule, an unknown rule), got %v", ps)
	}
	if ps[0].Rule != "FP127" || ps[0].Line != 11 || !strings.Contains(ps[0].Msg, "cannot be ignored") {
		t.Errorf("error rule: %+v", ps[0])
	}
	if ps[1].Rule != "FP126" || ps[1].Field != "ignore[2]" {
		t.Errorf("unknown rule: %+v", ps[1])
	}
}

func TestPolicy(t *testing.T) {
	var ps diag.Problems
	ps.Warnf("FP312", "feedpub.yaml", 3, "site.image", "big")
	ps.Warnf("FP312", "feedpub.yaml", 3, "site.image", "big") // the same file checked twice
	ps.Warnf("FP402", "reviews/a.md", 2, "title", "show name")
	ps.Warnf("FP402", "reviews/b.md", 2, "title", "show name")
	ps.Errorf("FP203", "reviews/a.md", 5, "rating", "9")
	got := diag.Policy{ByFile: map[string][]string{"reviews/a.md": {"FP402", "FP203"}}}.Apply(ps)
	if len(got) != 3 || got[0].Rule != "FP312" || got[1].File != "reviews/b.md" || got[2].Rule != "FP203" {
		t.Errorf("dedupe and per-file ignore: %v", got)
	}
	got = diag.Policy{Ignore: []string{"FP312"}, Strict: true}.Apply(ps)
	if len(got) != 3 || !got.HasErrors() || len(got.Warnings()) != 0 {
		t.Errorf("strict: %v", got)
	}
}
