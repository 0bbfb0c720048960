package site_test

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/viper"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/config/diag"
	"github.com/feedpub/feedpub/feeds/feedtest"
	"github.com/feedpub/feedpub/feeds/site"
	"github.com/feedpub/feedpub/media/publish"
)

var now = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

// example copies the example site (without built output) and loads its
// config.
func example(t testing.TB) *config.Config {
	t.Helper()
	return load(t, feedtest.CopyExample(t))
}

func load(t testing.TB, dir string) *config.Config {
	t.Helper()
	cfg, ps := config.Load(viper.New(), filepath.Join(dir, "feedpub.yaml"))
	if ps.HasErrors() {
		t.Fatal(ps.Err())
	}
	return &cfg
}

func TestBuildExampleListsEveryReferencedFileOnce(t *testing.T) {
	cfg := example(t)
	res, ps := buildSite(t, cfg, site.Options{Now: now, ReadOnly: true})
	if ps.HasErrors() {
		t.Fatal(ps.Err())
	}
	seen := map[string]int{}
	var feedsSeen []string
	for i, f := range res.Files {
		seen[f.Key]++
		if f.Kind == publish.KindFeed {
			feedsSeen = append(feedsSeen, f.Key)
		} else if len(feedsSeen) > 0 {
			t.Errorf("media %s listed after a feed (index %d): media must come first", f.Key, i)
		}
		if f.Kind == publish.KindMedia {
			fi, err := os.Stat(f.Path)
			if err != nil || fi.Size() != f.Size {
				t.Errorf("%s: source %s: %v (size %d, listed %d)", f.Key, f.Path, err, fi.Size(), f.Size)
			}
		}
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("%s listed %d times", k, n)
		}
	}
	// Exactly what the feeds reference: every key of the model, and the feeds.
	want := res.Catalog.Keys()
	if got := len(res.Files) - len(feedsSeen); got != len(want) {
		t.Errorf("%d media files listed, the feeds reference %d: %v", got, len(want), want)
	}
	for _, k := range want {
		if seen[k] != 1 {
			t.Errorf("referenced %s not listed", k)
		}
	}
	if strings.Join(feedsSeen, " ") != "podcast.xml reviews.atom reviews.json reviews.xml video.xml" {
		t.Errorf("feeds: %v", feedsSeen)
	}
	// The draft's media is not published early.
	for k := range seen {
		if strings.Contains(k, "draft") {
			t.Errorf("draft media %s listed", k)
		}
	}
	// validate writes nothing: no probe cache.
	if _, err := os.Stat(filepath.Join(cfg.Dir, site.StateDir)); err == nil {
		t.Error("a read-only build wrote the site's state folder")
	}
}

func TestBuildReportsProblemsOfEveryStageTogether(t *testing.T) {
	cfg := example(t)
	dir := cfg.Dir
	// content: a bad rating; media: a missing file; feeds: a bad category;
	// tree: a feed on a media key.
	edit(t, cfg, "reviews/aftersun.md", "rating: ", "rating: 9 #")
	edit(t, cfg, "reviews/past-lives.md", "file: media/past-lives.mp3", "file: media/past-lives-missing.mp3")
	edit(t, cfg, "feedpub.yaml", "TV & Film > Film Reviews", "TV & Film > Film Critique")
	cfg = load(t, dir)
	_, ps := buildSite(t, cfg, site.Options{Now: now, ReadOnly: true})
	msg := ps.Err().Error()
	for _, want := range []string{
		"reviews/aftersun.md:",
		"rating",
		"reviews/past-lives.md:9: audio.file",
		"file not found",
		"Film Critique",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("problems lack %q:\n%s", want, msg)
		}
	}
}

func TestBuildAgainstPublishedKeepsIDsAndVersionsChangedMedia(t *testing.T) {
	cfg := example(t)
	first, ps := buildSite(t, cfg, site.Options{Now: now, ReadOnly: true})
	if ps.HasErrors() {
		t.Fatal(ps.Err())
	}
	pub := &publish.Published{Objects: map[string]publish.Recorded{}}
	for _, f := range first.Files {
		pub.Objects[f.Key] = publish.Recorded{Size: f.Size, SHA256: f.SHA256}
	}
	// Rename an entry and replace its audio; the GUIDs stay, the audio moves.
	dir := cfg.Dir
	if err := os.Rename(filepath.Join(dir, "reviews", "past-lives.md"), filepath.Join(dir, "reviews", "pl.md")); err != nil {
		t.Fatal(err)
	}
	heroine, _ := os.ReadFile(filepath.Join(dir, "media", "heroine.mp3"))
	if err := os.WriteFile(filepath.Join(dir, "media", "past-lives.mp3"), heroine, 0o644); err != nil {
		t.Fatal(err)
	}
	second, ps := buildSite(t, cfg, site.Options{Now: now, ReadOnly: true, Published: pub, Identity: first.Identity})
	if ps.HasErrors() {
		t.Fatal(ps.Err())
	}
	guid := func(r *site.Result) string {
		for _, e := range r.Catalog.Podcast.Items {
			if strings.Contains(e.Source, "past-lives") || e.Source == "reviews/pl.md" {
				return e.GUID + " " + e.Audio.Enclosure.Key
			}
		}
		return ""
	}
	a, b := strings.Fields(guid(first)), strings.Fields(guid(second))
	if len(a) != 2 || len(b) != 2 || a[0] != b[0] {
		t.Fatalf("GUID changed across a rename: %v → %v", a, b)
	}
	if a[1] != "media/past-lives.mp3" || !strings.HasPrefix(b[1], "media/past-lives.") || b[1] == a[1] {
		t.Errorf("replaced audio key: %s → %s", a[1], b[1])
	}
	notes := 0
	for _, p := range ps {
		if strings.Contains(p.Msg, "continues") {
			notes++
		}
	}
	if notes != 1 {
		t.Errorf("want one continuation notice, got %d: %v", notes, ps)
	}
}

func TestBuildDraftsAndFutureOnlyWhenAsked(t *testing.T) {
	cfg := example(t)
	// A draft with audio of its own, and an entry dated after now.
	draft := "---\ntitle: Draft with audio\ndate: 2026-11-01T09:00:00Z\ndraft: true\naudio: {file: media/past-lives.mp3, episode: 99}\n---\nSoon.\n"
	later := "---\ntitle: Later\ndate: 2026-12-24T09:00:00Z\n---\nScheduled.\n"
	for name, body := range map[string]string{"draft-audio.md": draft, "later.md": later} {
		if err := os.WriteFile(filepath.Join(cfg.Dir, "reviews", name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	titles := func(res *site.Result) string {
		var ts []string
		for _, e := range res.Catalog.Reviews.Items {
			ts = append(ts, e.Title)
		}
		return strings.Join(ts, "|")
	}
	res, ps := buildSite(t, cfg, site.Options{Now: now, ReadOnly: true})
	if ps.HasErrors() {
		t.Fatal(ps.Err())
	}
	if got := titles(res); strings.Contains(got, "Draft") || strings.Contains(got, "Later") {
		t.Errorf("a plain build lists a draft or a scheduled entry: %s", got)
	}
	if len(res.Skipped) != 3 {
		t.Errorf("skipped %v, want the example's draft and the two new entries", res.Skipped)
	}
	res, ps = buildSite(t, cfg, site.Options{Now: now, ReadOnly: true, Drafts: true, Future: true})
	if ps.HasErrors() {
		t.Fatal(ps.Err())
	}
	if got := titles(res); !strings.HasPrefix(got, "Later|") || !strings.Contains(got, "Draft with audio") {
		t.Errorf("Drafts and Future: reviews %s, want Later first and the draft", got)
	}
	if len(res.Skipped) != 0 {
		t.Errorf("Drafts and Future still skip %v", res.Skipped)
	}
	var episodes []string
	for _, e := range res.Catalog.Podcast.Items {
		episodes = append(episodes, e.Title)
	}
	if !strings.Contains(strings.Join(episodes, "|"), "Draft with audio") {
		t.Errorf("the draft's audio is not in the podcast feed: %v", episodes)
	}
}

func TestBuildPreviewPublishesALandingPage(t *testing.T) {
	cfg := example(t)
	cfg.Publish.Preview = true
	res, ps := buildSite(t, cfg, site.Options{Now: now, ReadOnly: true})
	if ps.HasErrors() {
		t.Fatal(ps.Err())
	}
	var page *publish.File
	for i, f := range res.Files {
		if f.Key == "index.html" {
			page = &res.Files[i]
		} else if page != nil && f.Kind == publish.KindMedia {
			t.Errorf("media %s listed after index.html: the page must follow what it shows", f.Key)
		}
	}
	if page == nil {
		t.Fatal("publish.preview: no index.html in the tree")
	}
	if page.Kind != publish.KindFeed || page.ContentType != "text/html; charset=utf-8" || page.Size != int64(len(page.Body)) {
		t.Errorf("index.html: kind %v, type %q, size %d for %d bytes", page.Kind, page.ContentType, page.Size, len(page.Body))
	}
	body := string(page.Body)
	for _, want := range []string{
		"<title>Reel Verdicts</title>", "Heroin(e): a small film with a mighty heart", "Aftersun: memory as a holiday snapshot",
		`value="https://media.reelverdicts.example/podcast.xml"`, `src="https://media.reelverdicts.example/media/heroine.mp3"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("index.html lacks %q", want)
		}
	}
	if !strings.Contains(body, `data-seek="2">0:02</button> Huntington, West Virginia`) {
		t.Error("index.html lists no chapters")
	}
	for _, bad := range []string{"EventSource", "Next week", "Preview built"} {
		if strings.Contains(body, bad) {
			t.Errorf("index.html contains %q", bad)
		}
	}
	again, _ := buildSite(t, cfg, site.Options{Now: now.Add(time.Hour), ReadOnly: true})
	for _, f := range again.Files {
		if f.Key == "index.html" && f.SHA256 != page.SHA256 {
			t.Error("a second build of the same site renders another index.html")
		}
	}
}

func TestFeedSizeBudget(t *testing.T) {
	cfg := example(t)
	cfg.Podcast.SizeBudget = 1000 // the example's podcast.xml is larger
	res, ps := buildSite(t, cfg, site.Options{Now: now, ReadOnly: true})
	var warned string
	for _, p := range ps {
		if p.Field == "podcast.size_budget" {
			warned = p.Msg
		}
	}
	if !strings.Contains(warned, "podcast.xml is") || !strings.Contains(warned, "podcast.limit") || !strings.Contains(warned, "item_description: summary") {
		t.Fatalf("no size warning naming the fixes: %q", warned)
	}
	full := feedSize(res, "podcast.xml")

	// Summaries in <description> shrink the feed; the review stays in
	// content:encoded.
	cfg.Podcast.ItemDescription = "summary"
	res, _ = buildSite(t, cfg, site.Options{Now: now, ReadOnly: true})
	if got := feedSize(res, "podcast.xml"); got >= full {
		t.Errorf("item_description: summary: %d bytes, full: %d", got, full)
	}
	body := string(feedBody(res, "podcast.xml"))
	if !strings.Contains(body, "<content:encoded>") {
		t.Error("the full review left content:encoded")
	}
}

func feedSize(res *site.Result, key string) int64 { return int64(len(feedBody(res, key))) }

func feedBody(res *site.Result, key string) []byte {
	for _, f := range res.Files {
		if f.Key == key {
			rd, err := f.Open()
			if err != nil {
				panic(err)
			}
			defer rd.Close()
			b, err := io.ReadAll(rd)
			if err != nil {
				panic(err)
			}
			return b
		}
	}
	return nil
}

// buildSite is site.Build with the rendered feeds removed after the test.
func buildSite(t *testing.T, cfg *config.Config, opt site.Options) (*site.Result, diag.Problems) {
	t.Helper()
	res, ps := site.Build(t.Context(), cfg, opt)
	t.Cleanup(func() {
		if err := res.Close(); err != nil {
			t.Error(err)
		}
	})
	return res, ps
}

// The items checked clean are remembered by a build, never by a read-only
// one (validate) or one told not to use caches (--no-cache).
func TestCheckedItemsFile(t *testing.T) {
	for _, tc := range []struct {
		name  string
		opt   site.Options
		wrote bool
	}{
		{"build", site.Options{Now: now}, true},
		{"read-only", site.Options{Now: now, ReadOnly: true}, false},
		{"no cache", site.Options{Now: now, NoCache: true}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := example(t)
			if _, ps := buildSite(t, cfg, tc.opt); ps.HasErrors() {
				t.Fatal(ps.Err())
			}
			_, err := os.Stat(filepath.Join(cfg.Dir, site.StateDir, "checked-items.json"))
			if wrote := err == nil; wrote != tc.wrote {
				t.Errorf("checked-items.json written: %v, want %v (%v)", wrote, tc.wrote, err)
			}
		})
	}
}

// A build's rendered feeds live in a temporary folder until Close, with
// errors in the site too; nothing is left behind.
func TestBuildCloseRemovesRenderedFeeds(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	cfg := example(t)
	res, ps := site.Build(t.Context(), cfg, site.Options{Now: now, ReadOnly: true})
	if ps.HasErrors() {
		t.Fatal(ps.Err())
	}
	var feeds []string
	for _, f := range res.Files {
		if f.Kind == publish.KindFeed && f.Path != "" {
			if _, err := os.Stat(f.Path); err != nil {
				t.Errorf("%s: %v", f.Key, err)
			}
			if !strings.HasPrefix(f.Path, tmp) {
				t.Errorf("%s is rendered to %s, outside the temporary folder", f.Key, f.Path)
			}
			feeds = append(feeds, f.Path)
		}
	}
	if len(feeds) != 5 {
		t.Fatalf("%d feeds rendered to files, want 5", len(feeds))
	}
	// A site with an error is rendered (and checked) too.
	edit(t, cfg, "reviews/aftersun.md", "rating: ", "rating: 9 #")
	bad, ps := site.Build(t.Context(), load(t, cfg.Dir), site.Options{Now: now, ReadOnly: true})
	if !ps.HasErrors() {
		t.Fatal("the broken rating was not reported")
	}
	for _, r := range []*site.Result{res, bad} {
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
		if err := r.Close(); err != nil {
			t.Errorf("a second Close: %v", err)
		}
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("left in the temporary folder: %v", left)
	}
}

// TestTimedFilesCheckedOnce: a chapters file whose times a build found
// right against its episode's duration is not read again while the file
// (size, time) and the duration stay as they were, so a build reads only
// the timed files that changed; a new modification time reads it again.
func TestTimedFilesCheckedOnce(t *testing.T) {
	cfg := example(t)
	opt := site.Options{Now: now}
	if _, ps := buildSite(t, cfg, opt); ps.HasErrors() {
		t.Fatal(ps.Err())
	}
	chap := filepath.Join(cfg.Dir, "media", "heroine.chapters.json")
	fi, err := os.Stat(chap)
	if err != nil {
		t.Fatal(err)
	}
	// Other bytes of the same size and time: not JSON, so FP308 if read.
	if err := os.WriteFile(chap, bytes.Repeat([]byte("x"), int(fi.Size())), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(chap, fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
	_, ps := buildSite(t, cfg, opt)
	if got := rulesOf(ps, "FP308"); got != 0 {
		t.Errorf("the chapters file checked clean was read again: %v", ps)
	}
	later := fi.ModTime().Add(time.Minute)
	if err := os.Chtimes(chap, later, later); err != nil {
		t.Fatal(err)
	}
	if _, ps := buildSite(t, cfg, opt); rulesOf(ps, "FP308") == 0 {
		t.Errorf("a chapters file with a new time was not read again: %v", ps)
	}
}

// rulesOf counts the problems of rule in ps.
func rulesOf(ps diag.Problems, rule string) int {
	n := 0
	for _, p := range ps {
		if p.Rule == rule {
			n++
		}
	}
	return n
}
