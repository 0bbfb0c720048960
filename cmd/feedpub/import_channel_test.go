package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// videoChannelServer serves the fixture channel feed (YouTube's format) at
// /feeds/videos.xml and counts the requests.
func videoChannelServer(t *testing.T) (url string, hits *int) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "feeds", "videolink", "testdata", "channel.xml"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n++
		if r.URL.Path != "/feeds/videos.xml" || r.URL.Query().Get("channel_id") != "UCreelverdicts00000000000" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/atom+xml; charset=UTF-8")
		w.Write(data)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/feeds/videos.xml?channel_id=UCreelverdicts00000000000", &n
}

func TestImportVideoChannelLists(t *testing.T) {
	dir := copyExample(t)
	url, hits := videoChannelServer(t)
	before, err := os.ReadFile(filepath.Join(dir, "reviews", "past-lives.md"))
	if err != nil {
		t.Fatal(err)
	}
	r := mustRun(t, "import", "--video-channel", url, "--config", filepath.Join(dir, "feedpub.yaml"))
	for _, want := range []string{
		`skipped entry 6 ("A live stream without an ID"): "https://www.youtube.com/live" names no YouTube video`,
		"https://www.youtube.com/watch?v=Tq0pTop10x1 \"Our ten films of the autumn\" (2026-11-21)\n  no review: no review's film title is in the video's title\n",
		"https://www.youtube.com/watch?v=PL1vesRev90 \"PAST LIVES – our review in 90 seconds\" (2026-11-08)\n  reviews/past-lives.md (film \"Past Lives\", 2 days apart): video: {url: \"https://www.youtube.com/watch?v=PL1vesRev90\"}\n",
		"https://www.youtube.com/watch?v=PL1vesTrlr0 \"Past Lives: first reactions from the festival\" (2026-05-20)\n  no review: reviews/past-lives.md (\"Past Lives\") is 170 days from the video, more than 60 days\n",
		"https://www.youtube.com/watch?v=Hero1neVid0 \"Heroin(e) (2017): the video review\" (2026-11-13)\n  reviews/heroine.md (film \"Heroin(e)\", 0 days apart): has another video; to link this one instead: video: {url: \"https://www.youtube.com/watch?v=Hero1neVid0\"}\n",
		"https://www.youtube.com/watch?v=Rv8d1Aftr5n \"Aftersun, the video review\" (2026-10-30)\n  reviews/aftersun.md: already links it\n",
		"nothing written: run again with --write to add these lines",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, r.stdout)
		}
	}
	if *hits != 1 {
		t.Errorf("%d requests to the channel, want 1", *hits)
	}
	after, _ := os.ReadFile(filepath.Join(dir, "reviews", "past-lives.md"))
	if string(after) != string(before) {
		t.Error("without --write the entry changed")
	}
}

// --write adds the one line to the front matter of the matched review
// and changes no other byte of any file; the site then publishes the video
// in the review feeds.
func TestImportVideoChannelWrite(t *testing.T) {
	dir := copyExample(t)
	url, _ := videoChannelServer(t)
	p := filepath.Join(dir, "reviews", "past-lives.md")
	// A comment, CRLF line ends and a body with a --- rule, all kept.
	src := "---\r\ntitle: \"Past Lives: the road not taken, twice\"   # the episode title\r\ndate: 2026-11-06T09:00:00Z\r\n# the film\r\nfilm: {title: \"Past Lives\", year: 2023}\r\naudio:\r\n  file: media/past-lives.mp3\r\n  season: 3\r\n  episode: 40\r\n---\r\nThe review.\r\n\r\n---\r\n\r\nAfter a rule.\r\n"
	writeFile(t, p, src)
	others := map[string][]byte{}
	entries, _ := filepath.Glob(filepath.Join(dir, "reviews", "*.md"))
	for _, f := range entries {
		if f != p {
			others[f], _ = os.ReadFile(f)
		}
	}
	r := mustRun(t, "import", "--video-channel", url, "--write", "--config", filepath.Join(dir, "feedpub.yaml"))
	if !strings.Contains(r.stdout, "1 entries linked to their video review") {
		t.Errorf("summary:\n%s", r.stdout)
	}
	got, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(src, "episode: 40\r\n---\r\n", "episode: 40\r\nvideo: {url: \"https://www.youtube.com/watch?v=PL1vesRev90\"}\r\n---\r\n", 1)
	if string(got) != want {
		t.Errorf("past-lives.md:\n%q\nwant\n%q", got, want)
	}
	for f, data := range others {
		if now, _ := os.ReadFile(f); string(now) != string(data) {
			t.Errorf("%s changed", f)
		}
	}
	// Run again: the review now links the video, nothing is added twice.
	r = mustRun(t, "import", "--video-channel", url, "--write", "--config", filepath.Join(dir, "feedpub.yaml"))
	if !strings.Contains(r.stdout, "reviews/past-lives.md: already links it") || !strings.Contains(r.stdout, "0 entries linked") {
		t.Errorf("second run:\n%s", r.stdout)
	}
	mustRun(t, "build", "--config", filepath.Join(dir, "feedpub.yaml"))
	rss, err := os.ReadFile(filepath.Join(dir, "public", "reviews.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(rss), `<media:player url="https://www.youtube-nocookie.com/embed/PL1vesRev90">`) {
		t.Error("the linked video is not in reviews.xml")
	}
}

func TestImportVideoChannelErrors(t *testing.T) {
	dir := copyExample(t)
	url, _ := videoChannelServer(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	if r := feedpub(t, "import", "--write", "--config", cfg); r.code != 2 || !strings.Contains(r.stderr, "--write goes with --video-channel") {
		t.Errorf("no URL: exit %d, stderr %q; want a usage error", r.code, r.stderr)
	}
	for _, c := range []struct {
		url, want string
		code      int
	}{
		{"ftp://example.com/feed", `unsupported scheme "ftp"; want http or https`, 2},
		{strings.Replace(url, "channel_id=", "channel_id=x", 1), "/feeds/videos.xml: the server answered 404 Not Found", 1},
		{strings.Replace(url, "/feeds/videos.xml", "/nothing", 1), "the server answered 404", 1},
	} {
		r := feedpub(t, "import", "--video-channel", c.url, "--config", cfg)
		if r.code != c.code || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%s: exit %d, stderr %q; want %d and %q", c.url, r.code, r.stderr, c.code, c.want)
		}
	}
}
