package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/feedpub/feedpub/config"
)

// man feedpub has what a Unix user looks for beyond the flags, and
// feedpub.yaml(5) every config key and its variable: from the same
// sources as the README, so neither can leave a key out.
func TestManPagesDescribeEnvironmentFilesAndConfig(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, "man", dir)
	root, err := os.ReadFile(filepath.Join(dir, "feedpub.1"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{".SH ENVIRONMENT", ".SH FILES", ".SH EXIT STATUS", ".SH EXAMPLES", ".SH CONFIGURATION",
		"manifest.json", "state.key", "GITHUB_WORKSPACE", "AWS_PROFILE", `\fB2\fP`} {
		if !strings.Contains(string(root), s) {
			t.Errorf("feedpub.1 lacks %q", s)
		}
	}
	conf, err := os.ReadFile(filepath.Join(dir, "feedpub.yaml.5"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(conf), ".nh\n.TH \"FEEDPUB.YAML\" \"5\"") {
		t.Errorf("feedpub.yaml.5 header: %.60q", conf)
	}
	for _, k := range config.Keys() {
		v := config.EnvVar(k)
		if !strings.Contains(string(root), v) || !strings.Contains(string(conf), v) {
			t.Errorf("%s (%s) is not in both pages", v, k)
		}
		leaf := k[strings.LastIndex(k, ".")+1:]
		if !strings.Contains(string(conf), leaf+":") {
			t.Errorf("feedpub.yaml.5 does not name the key %s", k)
		}
	}
}
