package bench

import (
	"os"
	"os/exec"
	"regexp"
	"strconv"
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

// TestGenerateInto writes a generated site into FEEDPUB_BENCH_GENERATE
// (FEEDPUB_BENCH_N entries, default 10,000), to profile or time feedpub by
// hand on a catalogue that outlives the test: skipped without the variable.
func TestGenerateInto(t *testing.T) {
	dir := os.Getenv("FEEDPUB_BENCH_GENERATE")
	if dir == "" {
		t.Skip("set FEEDPUB_BENCH_GENERATE=DIR (and FEEDPUB_BENCH_N) to write a site there")
	}
	n := 10000
	if s := os.Getenv("FEEDPUB_BENCH_N"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n < 1 {
			t.Fatalf("FEEDPUB_BENCH_N=%q: want a positive whole number", s)
		}
	}
	g := generate(t, dir, n)
	t.Logf("%d entries in %s (config %s)", n, g.Dir, g.Config)
}
