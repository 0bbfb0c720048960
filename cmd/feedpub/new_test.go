package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/feedpub/feedpub/feeds/content"
	"github.com/feedpub/feedpub/feeds/feedcheck"
)

// ffmpeg makes fresh media for a test. Without ffmpeg the test skips,
// unless FEEDPUB_TEST_REQUIRE_FFMPEG=1 (CI), where that is a failure.
func ffmpeg(t *testing.T, args ...string) {
	t.Helper()
	bin, err := exec.LookPath("ffmpeg")
	if err != nil {
		if os.Getenv("FEEDPUB_TEST_REQUIRE_FFMPEG") == "1" {
			t.Fatalf("FEEDPUB_TEST_REQUIRE_FFMPEG=1 but ffmpeg is not on PATH: %v", err)
		}
		t.Skip("ffmpeg not on PATH (set FEEDPUB_TEST_REQUIRE_FFMPEG=1 to fail instead)")
	}
	cmd := exec.Command(bin, append([]string{"-hide_banner", "-loglevel", "error", "-y"}, args...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg %v: %v\n%s", args, err, out)
	}
}

// makeEpisode writes STEM.mp3 (6 s), STEM.chapters.json and STEM.en.vtt
// into dir, as the editor's tools would.
func makeEpisode(t *testing.T, dir, stem string) string {
	t.Helper()
	mp3 := filepath.Join(dir, stem+".mp3")
	ffmpeg(t, "-f", "lavfi", "-i", "sine=frequency=330:duration=6", "-ac", "1", "-ar", "22050", "-c:a", "libmp3lame", "-b:a", "32k", mp3)
	writeFile(t, filepath.Join(dir, stem+".chapters.json"), `{"version": "1.2.0", "chapters": [{"startTime": 0, "title": "Intro"}, {"startTime": 3, "title": "Verdict"}]}`)
	writeFile(t, filepath.Join(dir, stem+".en.vtt"), "WEBVTT\n\n00:00.000 --> 00:02.000\nWelcome back.\n")
	return mp3
}

// ready does what the editor does with an entry new wrote: the show notes
// in place of the placeholder, and the draft line out.
func ready(t *testing.T, entry string) {
	t.Helper()
	data, err := os.ReadFile(entry)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(data), "draft: true\n", "", 1)
	s = strings.Replace(s, content.PlaceholderShowNotes, "What we made of it.", 1)
	if s == string(data) {
		t.Fatalf("%s: no draft line or placeholder to replace", entry)
	}
	writeFile(t, entry, s)
}

// item returns the podcast feed's item with the title, as text.
func item(t *testing.T, feed []byte, title string) string {
	t.Helper()
	for _, it := range strings.Split(string(feed), "<item>")[1:] {
		if strings.Contains(it, "<title>"+title+"</title>") {
			return it
		}
	}
	t.Fatalf("no item %q in\n%s", title, feed)
	return ""
}

func TestNewThenPublish(t *testing.T) {
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	incoming := t.TempDir()
	ep42 := makeEpisode(t, incoming, "ep42")
	ep43 := makeEpisode(t, incoming, "ep43")

	// The example's highest audio episode in season 3 is 41.
	r := mustRun(t, "new", "--config", cfg, ep42, "--title", "Amélie: à la folie")
	if want := filepath.Join(dir, "reviews", "amelie-a-la-folie.md"); strings.TrimSpace(r.stdout) != want {
		t.Errorf("new printed %q, want %q", r.stdout, want)
	}
	r = mustRun(t, "new", "--config", cfg, ep43, "--title", "Past Lives, again", "--move")
	entry, err := os.ReadFile(strings.TrimSpace(r.stdout))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"slug: past-lives-again", "file: media/past-lives-again.mp3", "season: 3", "episode: 43",
		"chapters: media/past-lives-again.chapters.json", "file: media/past-lives-again.en.vtt", "language: en", `date: "2026-11-28T12:00:00Z"`} {
		if !strings.Contains(string(entry), want) {
			t.Errorf("entry lacks %q:\n%s", want, entry)
		}
	}
	for _, f := range []string{ep43, strings.TrimSuffix(ep43, ".mp3") + ".en.vtt"} {
		if _, err := os.Stat(f); err == nil {
			t.Errorf("--move left %s in place", f)
		}
	}
	if _, err := os.Stat(ep42); err != nil {
		t.Errorf("without --move the original is gone: %v", err)
	}

	// new wrote drafts with placeholder show notes: until the editor
	// writes them, publish leaves the entries out.
	if r := feedpub(t, "validate", "--config", cfg); !strings.Contains(r.stdout+r.stderr, "ok:") {
		t.Errorf("validate with two drafts: exit %d\n%s", r.code, r.stderr)
	}
	ready(t, filepath.Join(dir, "reviews", "amelie-a-la-folie.md"))
	ready(t, filepath.Join(dir, "reviews", "past-lives-again.md"))
	mustRun(t, "validate", "--config", cfg)
	mustRun(t, "publish", "--config", cfg)
	feed, err := os.ReadFile(filepath.Join(dir, "public", "podcast.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if errs := feedcheck.CheckPodcast(feed); len(errs) > 0 {
		t.Errorf("podcast.xml: %v", errs)
	}
	it := item(t, feed, "Past Lives, again")
	for _, want := range []string{
		"<itunes:episode>43</itunes:episode>", "<itunes:season>3</itunes:season>",
		`<podcast:chapters url="` + baseURL + `media/past-lives-again.chapters.json" type="application/json+chapters">`,
		`<podcast:transcript url="` + baseURL + `media/past-lives-again.en.vtt" type="text/vtt" language="en">`,
		`<enclosure url="` + baseURL + `media/past-lives-again.mp3"`,
	} {
		if !strings.Contains(it, want) {
			t.Errorf("episode 43 lacks %s:\n%s", want, it)
		}
	}
	if !strings.Contains(item(t, feed, "Amélie: à la folie"), "<itunes:episode>42</itunes:episode>") {
		t.Error("the first new entry is not episode 42")
	}

	// A new season starts at 1.
	ep := makeEpisode(t, incoming, "s4")
	r = mustRun(t, "new", "--config", cfg, ep, "--title", "Season four opener", "--season", "4", "--draft")
	entry, _ = os.ReadFile(strings.TrimSpace(r.stdout))
	if !strings.Contains(string(entry), "season: 4\n  episode: 1\n") || !strings.Contains(string(entry), "draft: true") {
		t.Errorf("--season 4 --draft wrote:\n%s", entry)
	}
}

func TestNewVideo(t *testing.T) {
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	clip := filepath.Join(t.TempDir(), "Dune Messiah.mp4")
	ffmpeg(t, "-f", "lavfi", "-i", "testsrc=size=320x180:rate=12:duration=3", "-f", "lavfi", "-i", "sine=frequency=660:duration=3",
		"-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "24k", "-movflags", "+faststart", clip)
	// No --title: the title and slug come from the file name.
	r := mustRun(t, "new", "--config", cfg, clip)
	entry, _ := os.ReadFile(strings.TrimSpace(r.stdout))
	for _, want := range []string{"title: Dune Messiah", "slug: dune-messiah", "video:\n  file: media/dune-messiah.mp4\n  season: 1\n  episode: 9\n"} {
		if !strings.Contains(string(entry), want) {
			t.Errorf("entry lacks %q:\n%s", want, entry)
		}
	}
	ready(t, strings.TrimSpace(r.stdout))
	mustRun(t, "validate", "--config", cfg)
	mustRun(t, "publish", "--config", cfg)
	feed, _ := os.ReadFile(filepath.Join(dir, "public", "video.xml"))
	if !strings.Contains(item(t, feed, "Dune Messiah"), "<itunes:episode>9</itunes:episode>") {
		t.Error("the video is not episode 9 of the video feed")
	}
}

func TestNewTextReview(t *testing.T) {
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	r := mustRun(t, "new", "--config", cfg, "--title", "The Zone of Interest", "--date", "2026-11-21")
	entry, _ := os.ReadFile(strings.TrimSpace(r.stdout))
	if strings.Contains(string(entry), "audio:") || !strings.Contains(string(entry), `date: "2026-11-21T00:00:00Z"`) {
		t.Errorf("text review:\n%s", entry)
	}
	mustRun(t, "validate", "--config", cfg)
	if r := feedpub(t, "new", "--config", cfg); r.code != 2 || !strings.Contains(r.stderr, "--title is required") {
		t.Errorf("new without media or title: exit %d\n%s", r.code, r.stderr)
	}
}

func TestNewRefusesClash(t *testing.T) {
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	src := filepath.Join(t.TempDir(), "ep.mp3")
	data, _ := os.ReadFile(filepath.Join(dir, "media", "season-3-trailer.mp3"))
	writeFile(t, src, string(data))
	writeFile(t, filepath.Join(dir, "media", "clash.mp3"), "someone else's file")

	r := feedpub(t, "new", "--config", cfg, src, "--title", "Clash")
	if r.code != 1 || !strings.Contains(r.stderr, "media/clash.mp3 already exists: new never overwrites") {
		t.Errorf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "media", "clash.mp3")); string(got) != "someone else's file" {
		t.Error("the existing file was overwritten")
	}
	if _, err := os.Stat(filepath.Join(dir, "reviews", "clash.md")); err == nil {
		t.Error("an entry was written despite the clash")
	}
	r = feedpub(t, "new", "--config", cfg, src, "--title", "Heroine")
	if r.code != 1 || !strings.Contains(r.stderr, `reviews/heroine.md already has the slug "heroine"`) {
		t.Errorf("slug clash: exit %d, stderr:\n%s", r.code, r.stderr)
	}
}

// TestNewRefusesBadMedia: new refuses what validate refuses, in the same
// words.
func TestNewRefusesBadMedia(t *testing.T) {
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	writeFile(t, filepath.Join(dir, "bad.mp3"), strings.Repeat("not audio at all ", 100))

	r := feedpub(t, "new", "--config", cfg, filepath.Join(dir, "bad.mp3"), "--title", "Bad")
	if r.code != 1 {
		t.Fatalf("new accepted bad media: exit %d\n%s", r.code, r.stderr)
	}
	if entries, _ := filepath.Glob(filepath.Join(dir, "reviews", "bad*.md")); len(entries) > 0 {
		t.Errorf("new wrote %v for bad media", entries)
	}
	writeFile(t, filepath.Join(dir, "reviews", "bad.md"), "---\ntitle: Bad\ndate: 2026-11-01\naudio:\n  file: bad.mp3\n---\n")
	v := feedpub(t, "validate", "--config", cfg)
	// validate prefixes the reference (reviews/bad.md:N: audio.file: ).
	ref := regexp.MustCompile(`(?m)^error: reviews/bad\.md:\d+: audio\.file: (.*)$`)
	want := ref.FindAllStringSubmatch(v.stderr, -1)
	if len(want) == 0 {
		t.Fatalf("validate gave no error on bad.mp3:\n%s", v.stderr)
	}
	for _, m := range want {
		if !strings.Contains(r.stderr, "error: "+m[1]+"\n") {
			t.Errorf("validate says %q; new said:\n%s", m[1], r.stderr)
		}
	}
}
