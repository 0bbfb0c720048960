package main

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// setBuildVars stands in for -ldflags "-X main.version=... -X main.commit=...
// -X main.date=...".
func setBuildVars(t *testing.T, v, c, d string) {
	t.Helper()
	old := [3]string{version, commit, date}
	version, commit, date = v, c, d
	t.Cleanup(func() { version, commit, date = old[0], old[1], old[2] })
}

func TestVersionInjected(t *testing.T) {
	setBuildVars(t, "1.4.0", "0123456789abcdef0123456789abcdef01234567", "2026-11-28T11:01:47Z")
	long := mustRun(t, "--version").stdout
	sub := mustRun(t, "version").stdout
	if long != sub {
		t.Errorf("--version and version differ:\n%q\n%q", long, sub)
	}
	want := "feedpub 1.4.0 (commit 0123456789abcdef0123456789abcdef01234567, built 2026-11-28T11:01:47Z, "
	if !strings.HasPrefix(long, want) || strings.Count(long, "\n") != 1 {
		t.Errorf("--version = %q, want one line starting %q", long, want)
	}
	// -v stays --verbose; --version has no shorthand.
	if r := feedpub(t, "-v", "version"); r.stdout != sub {
		t.Errorf("-v version = %q", r.stdout)
	}
}

func TestVersionTemplateIsLiteral(t *testing.T) {
	setBuildVars(t, `1.0.0-{{.Name}}"\`, "abc", "")
	got := mustRun(t, "--version").stdout
	if !strings.HasPrefix(got, `feedpub 1.0.0-{{.Name}}"\ (commit abc, built unknown, `) {
		t.Errorf("--version = %q", got)
	}
}

// manPages is the page name of every command the help lists (what
// `feedpub man` must cover), walking the tree as Execute completes it.
func manPages(cmd *cobra.Command) []string {
	var names []string
	if !cmd.IsAvailableCommand() && cmd.HasParent() || cmd.IsAdditionalHelpTopicCommand() {
		return nil
	}
	names = append(names, strings.ReplaceAll(cmd.CommandPath(), " ", "-")+".1")
	for _, c := range cmd.Commands() {
		names = append(names, manPages(c)...)
	}
	return names
}

func TestManPages(t *testing.T) {
	setBuildVars(t, "1.4.0", "abc", "2026-11-28T11:01:47Z")
	dir := filepath.Join(t.TempDir(), "man")
	mustRun(t, "man", dir)

	root := newRootCmd(newEnv())
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	want := append(manPages(root), "feedpub.yaml.5") // and the config's page
	sort.Strings(want)
	for _, c := range []string{"feedpub.1", "feedpub-init.1", "feedpub-build.1", "feedpub-validate.1", "feedpub-publish.1", "feedpub-version.1", "feedpub-completion-bash.1"} {
		if i := sort.SearchStrings(want, c); i == len(want) || want[i] != c {
			t.Fatalf("command tree walk misses %s: %v", c, want)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("man pages:\n got %v\nwant %v", got, want)
	}
	page, err := os.ReadFile(filepath.Join(dir, "feedpub-publish.1"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`.TH "FEEDPUB-PUBLISH" "1" "Nov 2026" "feedpub 1.4.0"`, "--dry-run", "feedpub-publish - Build"} {
		if !strings.Contains(string(page), s) {
			t.Errorf("feedpub-publish.1 lacks %q:\n%s", s, page)
		}
	}
	if r := feedpub(t, "man"); r.code != 2 {
		t.Errorf("man without DIR: exit %d, want 2", r.code)
	}
}
