package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A CI checkout holds the reviews but none of the media the producer
// published from the studio: the target's manifest records each file, so
// the publish uses the published copy instead of failing with FP301.
func TestMissingMediaUsesThePublishedCopy(t *testing.T) {
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	mustRun(t, "publish", "--config", cfg)
	out := filepath.Join(dir, "public")
	before := tree(t, out)
	feedsBefore := readFeeds(t, dir)

	if err := os.Remove(filepath.Join(dir, "media", "heroine.mp3")); err != nil {
		t.Fatal(err)
	}
	// build has no target to take the copy from, and --require-media
	// asks for every file: both keep the error.
	if r := feedpub(t, "build", "--config", cfg, "--out", filepath.Join(t.TempDir(), "out")); r.code != 1 || !strings.Contains(r.stderr, "FP301") {
		t.Errorf("build without the file: exit %d, want 1 with FP301\n%s", r.code, r.stderr)
	}
	if r := feedpub(t, "publish", "--config", cfg, "--require-media"); r.code != 1 || !strings.Contains(r.stderr, "media/heroine.mp3") || !strings.Contains(r.stderr, "FP301") {
		t.Errorf("publish --require-media: exit %d, want 1 with FP301\n%s", r.code, r.stderr)
	}

	edit(t, filepath.Join(dir, "reviews", "aftersun.md"), func(s string) string {
		return strings.Replace(s, "\n---\n", "\n---\nOne more sentence.\n\n", 1)
	})
	r := mustRun(t, "publish", "--config", cfg, "--prune")
	note := "media/heroine.mp3: not here; using the published copy"
	if n := strings.Count(r.stderr+r.stdout, note); n != 1 {
		t.Errorf("the note %q is said %d times, want once:\n%s%s", note, n, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "0 files deleted") {
		t.Errorf("summary: %s", r.stdout)
	}
	after := tree(t, out)
	for k, sum := range before {
		if feedFile[k] || strings.HasPrefix(k, ".feedpub/") {
			continue
		}
		if after[k] != sum {
			t.Errorf("%s changed or went away", k)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "media", "heroine.mp3")); err != nil {
		t.Errorf("the published copy was deleted: %v", err)
	}
	changed := changedFeeds(feedsBefore, readFeeds(t, dir))
	for _, f := range changed {
		if f != "reviews.xml" && f != "reviews.atom" && f != "reviews.json" {
			t.Errorf("feed %s changed; only the edited review's feeds should", f)
		}
	}
	if len(changed) == 0 {
		t.Error("no feed changed after the edit")
	}
	// The podcast feeds name the same object with the same length.
	if !bytes.Equal(feedsBefore["podcast.xml"], readFeeds(t, dir)["podcast.xml"]) {
		t.Error("podcast.xml changed")
	}

	// A copy gone from the target, or shorter than recorded, stands in
	// for nothing: the error of a missing file, and the feeds untouched.
	copyPath := filepath.Join(out, "media", "heroine.mp3")
	kept, err := os.ReadFile(copyPath)
	if err != nil {
		t.Fatal(err)
	}
	edit(t, filepath.Join(dir, "reviews", "aftersun.md"), func(s string) string { return s + "\nAnd another.\n" })
	live := readFeeds(t, dir)
	for _, c := range []struct {
		name  string
		spoil func() error
		words string
	}{
		{"deleted", func() error { return os.Remove(copyPath) }, "is missing from"},
		{"shorter", func() error { return os.WriteFile(copyPath, kept[:len(kept)/2], 0o644) }, "bytes, not the"},
	} {
		if err := c.spoil(); err != nil {
			t.Fatal(err)
		}
		r := feedpub(t, "publish", "--config", cfg)
		if r.code != 1 || !strings.Contains(r.stderr, "error: reviews/heroine.md:11: audio.file: media/heroine.mp3: not here, and its published copy media/heroine.mp3 ") ||
			!strings.Contains(r.stderr, c.words) || !strings.Contains(r.stderr, "[FP301]") {
			t.Errorf("%s copy: exit %d, want 1 with FP301 saying %q\n%s", c.name, r.code, c.words, r.stderr)
		}
		if changed := changedFeeds(live, readFeeds(t, dir)); len(changed) > 0 {
			t.Errorf("%s copy: feeds %v replaced", c.name, changed)
		}
	}
	if err := os.WriteFile(copyPath, kept, 0o644); err != nil {
		t.Fatal(err)
	}

	// Replacing the file later works as before: a new file is a new key.
	data, err := os.ReadFile(filepath.Join(dir, "media", "past-lives.mp3"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "media", "heroine.mp3"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	r = mustRun(t, "publish", "--config", cfg)
	if strings.Contains(r.stderr+r.stdout, note) {
		t.Errorf("the note is said with the file back:\n%s", r.stderr)
	}
	if bytes.Equal(feedsBefore["podcast.xml"], readFeeds(t, dir)["podcast.xml"]) {
		t.Error("podcast.xml did not change for the replaced episode")
	}
}
