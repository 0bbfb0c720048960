package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/feedpub/feedpub/feeds/feedcheck"
)

// checkOutLive checks, for a local target, that every object each feed
// references exists with the length the feed states.
func checkOutLive(t testing.TB, out string) {
	t.Helper()
	for _, f := range feedFiles {
		body, err := os.ReadFile(filepath.Join(out, f))
		if err != nil {
			t.Fatal(err)
		}
		refs, err := feedcheck.References(f, baseURL, body)
		if err != nil {
			t.Fatal(err)
		}
		for k, n := range refs {
			fi, err := os.Stat(filepath.Join(out, filepath.FromSlash(k)))
			if err != nil {
				t.Errorf("%s references %s: %v", f, k, err)
			} else if n >= 0 && fi.Size() != n {
				t.Errorf("%s states %d bytes for %s; it has %d", f, n, k, fi.Size())
			}
		}
	}
}

func TestEmptiedContentFolderIsRefused(t *testing.T) {
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	out := filepath.Join(dir, "public")
	mustRun(t, "publish", "--config", cfg)
	before := tree(t, out)
	files, _ := filepath.Glob(filepath.Join(dir, "reviews", "*.md"))
	for _, f := range files {
		os.Remove(f)
	}
	r := feedpub(t, "publish", "--prune", "--config", cfg)
	if r.code != 1 || !strings.Contains(r.stderr, "podcast.xml would lose all of its 3 items") || !strings.Contains(r.stderr, "--force") {
		t.Fatalf("emptied content folder: want exit 1 naming the feed, the count and --force; exit %d\n%s", r.code, r.stderr)
	}
	after := tree(t, out)
	for k, v := range before {
		if after[k] != v {
			t.Errorf("refused publish changed or deleted %s", k)
		}
	}
	if r := mustRun(t, "publish", "--prune", "--force", "--config", cfg); !strings.Contains(r.stdout, "deleted") {
		t.Errorf("--force: %s", r.stdout)
	}
	if _, err := os.Stat(filepath.Join(out, "media", "heroine.mp3")); err == nil {
		t.Error("--prune --force kept the orphaned media")
	}
}

func TestTakingMoreThanMaxDeletesOutOfAFeedIsRefused(t *testing.T) {
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	mustRun(t, "publish", "--config", cfg)
	os.Remove(filepath.Join(dir, "reviews", "past-lives.md"))
	os.Remove(filepath.Join(dir, "reviews", "season-3-trailer.md"))
	t.Setenv("FEEDPUB_PUBLISH_MAX_DELETES", "1")
	r := feedpub(t, "publish", "--config", cfg)
	if r.code != 1 || !strings.Contains(r.stderr, "podcast.xml would lose 2 of its 3 items, more than publish.max_deletes (1) (past-lives, season-3-trailer)") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	t.Setenv("FEEDPUB_PUBLISH_MAX_DELETES", "2")
	mustRun(t, "publish", "--config", cfg)
}

func TestOneTreeNoCollisions(t *testing.T) {
	for _, tc := range []struct {
		name, env, value string
		want             []string
	}{
		{"feed on a media key", "FEEDPUB_REVIEWS_JSON", "media/heroine.mp3", []string{"the feed media/heroine.mp3", "the file media/heroine.mp3 (reviews/heroine.md:11: audio.file", "would both be published at media/heroine.mp3"}},
		{"feeds differing in case", "FEEDPUB_REVIEWS_RSS", "Podcast.xml", []string{"FEEDPUB_REVIEWS_RSS: \"Podcast.xml\" is also podcast.path", "[FP115]"}},
		{"feed in the state folder", "FEEDPUB_REVIEWS_RSS", ".feedpub/manifest.json", []string{"reviews.rss", "reserved"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyExample(t)
			cfg := filepath.Join(dir, "feedpub.yaml")
			out := filepath.Join(dir, "public")
			mustRun(t, "publish", "--config", cfg)
			before := tree(t, out)
			t.Setenv(tc.env, tc.value)
			r := feedpub(t, "publish", "--config", cfg)
			if r.code != 1 {
				t.Fatalf("exit %d\n%s", r.code, r.stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
			after := tree(t, out)
			for k, v := range before {
				if after[k] != v {
					t.Errorf("%s changed", k)
				}
			}
		})
	}
}

func TestReplacedEpisodeGetsANewKey(t *testing.T) {
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	out := filepath.Join(dir, "public")
	mustRun(t, "publish", "--config", cfg)
	oldBody, _ := os.ReadFile(filepath.Join(out, "media", "past-lives.mp3"))

	// Re-encode: another valid MP3 under the same name.
	newBody, err := os.ReadFile(filepath.Join(dir, "media", "heroine.mp3"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "media", "past-lives.mp3"), string(newBody))
	sum := sha256.Sum256(newBody)
	newKey := "media/past-lives." + hex.EncodeToString(sum[:])[:8] + ".mp3"

	mustRun(t, "publish", "--config", cfg)
	podcast, _ := os.ReadFile(filepath.Join(out, "podcast.xml"))
	enc := regexp.MustCompile(`<enclosure url="` + regexp.QuoteMeta(baseURL+newKey) + `" length="(\d+)"`).FindSubmatch(podcast)
	if enc == nil || string(enc[1]) != itoa(int64(len(newBody))) {
		t.Fatalf("podcast.xml does not enclose %s with length %d:\n%s", newKey, len(newBody), podcast)
	}
	// The old object stays as it was until pruned: an old feed still
	// cached somewhere states its true length.
	if got, _ := os.ReadFile(filepath.Join(out, "media", "past-lives.mp3")); string(got) != string(oldBody) {
		t.Error("the published file was replaced in place")
	}
	checkOutLive(t, out)
	// Keys of unchanged files never change, and the new key sticks.
	r := mustRun(t, "publish", "--prune", "--config", cfg)
	if !strings.Contains(r.stdout, "0 files copied") || !strings.Contains(r.stdout, "1 file deleted") {
		t.Errorf("prune after a re-encode: %s", r.stdout)
	}
	if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(newKey))); err != nil {
		t.Errorf("after prune: %v", err)
	}
	r = mustRun(t, "publish", "--config", cfg)
	if !strings.Contains(r.stdout, "0 files copied") {
		t.Errorf("the versioned key moved after the original was pruned: %s", r.stdout)
	}
	checkOutLive(t, out)
}

func TestStaleTemporaryFilesGoAtTheNextPublish(t *testing.T) {
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	out := filepath.Join(dir, "public")
	mustRun(t, "publish", "--config", cfg)
	// A publish of an edit, killed mid-write, leaves temporary files.
	edit(t, filepath.Join(dir, "reviews", "aftersun.md"), func(s string) string { return s + "\nMore.\n" })
	for _, p := range []string{"media/.feedpub-tmp-123", ".feedpub-tmp-456"} {
		writeFile(t, filepath.Join(out, filepath.FromSlash(p)), "partial")
	}
	mustRun(t, "publish", "--dry-run", "--config", cfg)
	if _, err := os.Stat(filepath.Join(out, "media", ".feedpub-tmp-123")); err != nil {
		t.Fatal("a dry run removed files")
	}
	mustRun(t, "publish", "--config", cfg)
	for _, p := range []string{"media/.feedpub-tmp-123", ".feedpub-tmp-456"} {
		if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(p))); err == nil {
			t.Errorf("%s left behind", p)
		}
	}
}

func TestUnchangedSiteIsRecognisedBeforeBuilding(t *testing.T) {
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	mustRun(t, "publish", "--config", cfg)
	r := mustRun(t, "publish", "--json", "--config", cfg)
	var s summary
	if err := json.Unmarshal([]byte(r.stdout), &s); err != nil {
		t.Fatal(err)
	}
	if s.Requests != 1 || s.Uploaded != 0 || !s.OK {
		t.Errorf("unchanged site: %d requests, %d uploads; want 1 (the manifest's metadata) and 0", s.Requests, s.Uploaded)
	}
	if r := mustRun(t, "publish", "--config", cfg); !strings.Contains(r.stdout, "nothing changed since the last publish") {
		t.Errorf("plain output: %s", r.stdout)
	}

	// Any input touched: a real build again, which finds nothing to copy.
	p := filepath.Join(dir, "reviews", "heroine.md")
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(p, later, later); err != nil {
		t.Fatal(err)
	}
	if r := mustRun(t, "publish", "--config", cfg); !strings.Contains(r.stdout, "0 files copied") || strings.Contains(r.stdout, "nothing changed since") {
		t.Errorf("touched input: %s", r.stdout)
	}

	// A scheduled entry that falls due changes the feeds with no file
	// changed: the state knows when.
	writeFile(t, filepath.Join(dir, "reviews", "soon.md"), "---\ntitle: \"Soon\"\ndate: 2026-11-29T09:00:00Z\n---\nSoon.\n")
	mustRun(t, "publish", "--config", cfg) // now is 2026-11-28: scheduled
	if r := mustRun(t, "publish", "--config", cfg); !strings.Contains(r.stdout, "nothing changed since") {
		t.Errorf("before the due date: %s", r.stdout)
	}
	r = runAt(t, now.Add(48*time.Hour), "publish", "--config", cfg)
	if strings.Contains(r.stdout, "nothing changed since") || strings.Contains(r.stdout, " 0 files copied") {
		t.Errorf("after the due date the entry was not published: %s", r.stdout)
	}
	// Another publish to the target meanwhile (its manifest changed): build.
	m := filepath.Join(dir, "public", ".feedpub", "manifest.json")
	if err := os.Chtimes(m, later, later.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if r := runAt(t, now.Add(48*time.Hour), "publish", "--config", cfg); strings.Contains(r.stdout, "nothing changed since") {
		t.Errorf("a target changed by another publish was taken as unchanged: %s", r.stdout)
	}
	// build keeps the same state for its own output folder.
	mustRun(t, "build", "--config", cfg, "--out", "dist")
	if r := mustRun(t, "build", "--config", cfg, "--out", "dist"); !strings.Contains(r.stdout, "nothing changed since the last build") {
		t.Errorf("second build: %s", r.stdout)
	}
}

func TestPruneDeletesOnlyWhatIsStillFeedpubs(t *testing.T) {
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	out := filepath.Join(dir, "public")
	mustRun(t, "publish", "--config", cfg)
	// Someone put their own file, of the same size, where feedpub had
	// published the trailer; then the trailer leaves the site.
	orig, _ := os.ReadFile(filepath.Join(out, "media", "season-3-trailer.mp3"))
	theirs := strings.Repeat("x", len(orig))
	writeFile(t, filepath.Join(out, "media", "season-3-trailer.mp3"), theirs)
	os.Remove(filepath.Join(dir, "reviews", "season-3-trailer.md"))
	r := mustRun(t, "publish", "--prune", "--config", cfg)
	if got, _ := os.ReadFile(filepath.Join(out, "media", "season-3-trailer.mp3")); string(got) != theirs {
		t.Error("prune deleted a file that was no longer the one feedpub wrote")
	}
	if !strings.Contains(r.stderr, "kept media/season-3-trailer.mp3") {
		t.Errorf("no word about the kept file:\n%s", r.stderr)
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	mustRun(t, "publish", "--dry-run", "--config", cfg)
	for _, p := range []string{".feedpub", "public"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err == nil {
			t.Errorf("publish --dry-run wrote %s", p)
		}
	}
}
