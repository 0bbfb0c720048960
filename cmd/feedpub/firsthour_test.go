package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// printedCommands returns the feedpub commands out prints (lines "  feedpub
// ..."), split as a POSIX shell would split their words (quotes without
// escapes inside).
func printedCommands(t *testing.T, out string) [][]string {
	t.Helper()
	var cmds [][]string
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "feedpub ") {
			continue
		}
		if i := strings.Index(line, "  #"); i >= 0 {
			line = line[:i]
		}
		var words []string
		var w strings.Builder
		var in rune
		quoted := false
		for _, r := range line + " " {
			switch {
			case in == 0 && (r == '\'' || r == '"'):
				in, quoted = r, true
			case r == in:
				in = 0
			case r == ' ' && in == 0:
				if w.Len() > 0 || quoted {
					words = append(words, w.String())
				}
				w.Reset()
				quoted = false
			default:
				w.WriteRune(r)
			}
		}
		cmds = append(cmds, words[1:])
	}
	return cmds
}

// The first hour, as a producer starting a show meets it: every command
// init prints runs as printed from where init ran, the first episode
// turns the podcast feed on, a file validate would refuse is refused by
// new, and nothing with init's placeholders or new's goes out.
func TestFirstHour(t *testing.T) {
	work := t.TempDir()
	t.Chdir(work)
	incoming := t.TempDir()
	mp3 := makeEpisode(t, incoming, "ep1")
	wav := filepath.Join(incoming, "ep2.wav")
	ffmpeg(t, "-f", "lavfi", "-i", "sine=frequency=440:duration=3", "-ac", "1", "-ar", "44100", wav)

	r := mustRun(t, "init", "my show")
	cmds := printedCommands(t, r.stdout)
	if len(cmds) < 2 {
		t.Fatalf("init printed no commands:\n%s", r.stdout)
	}
	cfg := filepath.Join("my show", "feedpub.yaml")
	for _, c := range cmds {
		switch c[0] {
		case "serve":
			continue // a server: its --config is what is checked
		case "new":
			// As printed, with the editor's file and title in place of the
			// placeholders.
			c = append([]string{"new", mp3, "--title", "Past Lives"}, c[4:]...)
		}
		if !strings.Contains(strings.Join(c, " "), "--config "+cfg) {
			t.Errorf("printed command %q does not name the config as %q", c, cfg)
		}
		r := feedpub(t, c...)
		if c[0] == "new" {
			if r.code != 0 || !strings.Contains(r.stderr, "turned the podcast feed on") {
				t.Fatalf("%q: exit %d\n%s", c, r.code, r.stderr)
			}
			continue
		}
		// publish, as printed before the placeholders are replaced: refused.
		if r.code != 1 {
			t.Errorf("%q: exit %d, want 1 while init's placeholders are there\n%s", c, r.code, r.stderr)
		}
		for _, rule := range []string{"[FP136]", "[FP225]", "[FP401]"} {
			if !strings.Contains(r.stderr, rule) {
				t.Errorf("%q: no %s\n%s", c, rule, r.stderr)
			}
		}
	}
	if _, err := os.Stat(filepath.Join("my show", "public", "podcast.xml")); err == nil {
		t.Error("a feed went out with init's placeholders")
	}

	// A WAV, which validate refuses (Apple takes no .wav enclosure), is
	// refused by new too, and nothing is left behind.
	before := tree(t, "my show")
	if r := feedpub(t, "new", wav, "--title", "Wave", "--config", cfg); r.code != 1 || !strings.Contains(r.stderr, "[FP431]") {
		t.Errorf("new with a WAV: exit %d\n%s", r.code, r.stderr)
	}
	if after := tree(t, "my show"); len(after) != len(before) || after["feedpub.yaml"] != before["feedpub.yaml"] {
		t.Errorf("new with a WAV left files behind: %v", keys(after))
	}

	// The editor does what the messages say.
	site := filepath.Join(work, "my show")
	data, _ := os.ReadFile(cfg)
	writeFile(t, cfg, strings.ReplaceAll(string(data), "reviews.example", "pastlives.org"))
	if err := os.Remove(filepath.Join(site, "reviews", "welcome.md")); err != nil {
		t.Fatal(err)
	}
	ep := filepath.Join(site, "reviews", "past-lives.md")
	data, _ = os.ReadFile(ep)
	writeFile(t, ep, strings.Replace(strings.Replace(string(data), "draft: true\n", "", 1), "Show notes: what this episode is about.", "Two childhood friends meet again, twenty years on.", 1))
	mustRun(t, "validate", "--config", cfg)
	mustRun(t, "publish", "--config", cfg)
	feed := filepath.Join(site, "public", "podcast.xml")
	if r := feedpub(t, "check", feed); r.code != 0 {
		t.Errorf("check of the published feed: exit %d\n%s", r.code, r.stderr)
	}
	if b, _ := os.ReadFile(feed); !strings.Contains(string(b), "<title>Past Lives</title>") {
		t.Errorf("the episode is not in the podcast feed")
	}
}
