package bench

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// The generated site is valid: feedpub validate passes with no warning, and
// every entry is in the feeds it should be in.
func TestGeneratedSiteValidates(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the CLI")
	}
	g := generate(t, t.TempDir(), 40)
	bin := feedpubBin(t)
	out, err := exec.Command(bin, "validate", "--config", g.Config).CombinedOutput()
	if err != nil {
		t.Fatalf("validate: %v\n%s", err, out)
	}
	if strings.Contains(string(out), "warning") {
		t.Errorf("validate warned:\n%s", out)
	}
	if want := regexp.MustCompile(`ok: podcast 32 episodes \([^)]*\), video 12 episodes \([^)]*\), 40 reviews,`); !want.Match(out) || g.Audio != 32 || g.Video != 12 {
		t.Errorf("validate said %q, generated audio %d, video %d; want %q", out, g.Audio, g.Video, want)
	}
}
