package main

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// stripVideoLinks removes every video link from the example site's
// entries: the video block of aftersun.md, the one entry that has one.
func stripVideoLinks(t *testing.T, dir string) {
	t.Helper()
	p := filepath.Join(dir, "reviews", "aftersun.md")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	out := regexp.MustCompile(`(?m)^video:\n(  .*\n)+`).ReplaceAll(data, nil)
	if bytes.Equal(out, data) {
		t.Fatal("aftersun.md has no video block to remove")
	}
	writeFile(t, p, string(out))
}

// addFrontMatterLines puts lines at the end of the front matter of the entry
// at p.
func addFrontMatterLines(t *testing.T, p, lines string) {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(data[4:], []byte("\n---\n"))
	if i < 0 {
		t.Fatalf("%s: no front matter", p)
	}
	i += 5
	writeFile(t, p, string(data[:i])+lines+string(data[i:]))
}

func writeThumbnailPNG(t *testing.T, p string, w, h int) {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	writeFile(t, p, buf.String())
}

// A video link is no enclosure: the podcast feeds of the example site are
// byte for byte the same with links on a written review and on an audio
// episode as without any, while the review feeds carry them, and a local
// thumbnail is published with the feeds that show it.
func TestVideoLinksLeavePodcastFeedsAlone(t *testing.T) {
	with, without := copyExample(t), copyExample(t)
	stripVideoLinks(t, without)
	addFrontMatterLines(t, filepath.Join(with, "reviews", "past-lives.md"),
		"video: {url: \"https://vimeo.com/76979871\", thumbnail: artwork/past-lives-video.png}\n")
	writeThumbnailPNG(t, filepath.Join(with, "artwork", "past-lives-video.png"), 320, 180)
	for _, dir := range []string{with, without} {
		mustRun(t, "build", "--config", filepath.Join(dir, "feedpub.yaml"))
	}
	read := func(dir, name string) []byte {
		data, err := os.ReadFile(filepath.Join(dir, "public", name))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	for _, name := range []string{"podcast.xml", "video.xml"} {
		if !bytes.Equal(read(with, name), read(without, name)) {
			t.Errorf("%s differs with video links", name)
		}
	}
	rss := string(read(with, "reviews.xml"))
	for _, want := range []string{
		`<media:content url="https://www.youtube.com/watch?v=Rv8d1Aftr5n" type="text/html" medium="video" duration="94">`,
		`<media:player url="https://www.youtube-nocookie.com/embed/Rv8d1Aftr5n">`,
		`<media:thumbnail url="https://i.ytimg.com/vi/Rv8d1Aftr5n/hqdefault.jpg">`,
		`<media:player url="https://player.vimeo.com/video/76979871">`,
		`<media:thumbnail url="` + baseURL + `artwork/past-lives-video.png">`,
		`<p>Watch the video review: <a href="https://vimeo.com/76979871">Past Lives: the road not taken, twice</a></p>`,
	} {
		if !strings.Contains(rss, want) {
			t.Errorf("reviews.xml lacks %s", want)
		}
	}
	if bytes.Contains(read(without, "reviews.xml"), []byte("xmlns:media")) {
		t.Error("a review feed without video links declares Media RSS")
	}
	if st, err := os.Stat(filepath.Join(with, "public", "artwork", "past-lives-video.png")); err != nil || st.Size() == 0 {
		t.Errorf("the local thumbnail is not published: %v", err)
	}
	if _, err := os.Stat(filepath.Join(without, "public", "artwork", "past-lives-video.png")); err == nil {
		t.Error("the thumbnail is published without the link")
	}
}

func TestVideoLinkProblemsInValidate(t *testing.T) {
	dir := copyExample(t)
	writeFile(t, filepath.Join(dir, "artwork", "thumb.webp"), "not an image at all\n")
	addFrontMatterLines(t, filepath.Join(dir, "reviews", "past-lives.md"),
		"video:\n  url: https://www.youtube.com/watch?v=\n  thumbnail: artwork/thumb.webp\n")
	r := feedpub(t, "validate", "--config", filepath.Join(dir, "feedpub.yaml"))
	if r.code != 1 {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{
		`reviews/past-lives.md:15: video.url: "https://www.youtube.com/watch?v=" names no YouTube video`,
		"[FP230]",
		`reviews/past-lives.md:16: video.thumbnail: artwork/thumb.webp: content is not an image, want a JPEG or PNG image [FP330]`,
	} {
		if !strings.Contains(r.stderr+r.stdout, want) {
			t.Errorf("output lacks %q:\n%s%s", want, r.stdout, r.stderr)
		}
	}
}

// Linking a video to a published review is an edit of that review: its
// Atom updated and JSON Feed date_modified move to the publish that saw
// it, every other entry's stay.
func TestLinkingAVideoIsAnEdit(t *testing.T) {
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	out := filepath.Join(dir, "public")
	mustRun(t, "publish", "--config", cfg)
	before := updatedOf(t, out)
	addFrontMatterLines(t, filepath.Join(dir, "reviews", "past-lives.md"), "video: {url: \"https://youtu.be/PL1vesRev90\"}\n")
	later := now.Add(36 * time.Hour)
	runAt(t, later, "publish", "--config", cfg)
	after := updatedOf(t, out)
	for id, was := range before {
		got := after[id]
		if strings.Contains(id, "past-lives") {
			if got != later.Format(time.RFC3339) {
				t.Errorf("entry with a new video link %s: updated %s, want %s", id, got, later.Format(time.RFC3339))
			}
		} else if got != was {
			t.Errorf("other entry %s: updated %s became %s", id, was, got)
		}
	}
}
