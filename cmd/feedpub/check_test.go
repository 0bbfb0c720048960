package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// servedExample publishes the example site with base_url pointing at a
// local TLS server, and serves the published tree from it; handle may
// replace the answer for some paths.
func servedExample(t *testing.T, handle func(w http.ResponseWriter, r *http.Request, files http.Handler) bool) (*httptest.Server, *env) {
	t.Helper()
	dir := copyExample(t)
	out := filepath.Join(dir, "public")
	var files http.Handler = http.FileServer(http.Dir(out))
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if handle != nil && handle(w, r, files) {
			return
		}
		files.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	cfg := filepath.Join(dir, "feedpub.yaml")
	raw, _ := os.ReadFile(cfg)
	writeFile(t, cfg, strings.Replace(string(raw), "https://media.reelverdicts.example/", srv.URL+"/", 1))
	var o, e bytes.Buffer
	env := &env{Stdout: &o, Stderr: &e, Now: func() time.Time { return now }, IsTerminal: func(io.Writer) bool { return false }, HTTP: srv.Client()}
	// The server may be made to serve wrong answers (handle): what check
	// finds of them is the point, so publish does not check it first.
	if r := runEnv(env, "publish", "--config", cfg, "--no-verify"); r.code != 0 {
		t.Fatalf("publish: exit %d\n%s", r.code, r.stderr)
	}
	o.Reset()
	e.Reset()
	return srv, env
}

func runEnv(e *env, args ...string) cliResult {
	code := run(args, e)
	return cliResult{code, e.Stdout.(*bytes.Buffer).String(), e.Stderr.(*bytes.Buffer).String()}
}

func TestCheckServedExampleFeeds(t *testing.T) {
	srv, e := servedExample(t, nil)
	args := []string{"check"}
	for _, f := range feedFiles {
		args = append(args, srv.URL+"/"+f)
	}
	r := runEnv(e, args...)
	if r.code != 0 || strings.Contains(r.stderr, "error:") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "podcast.xml: podcast feed, 3 items with 5 enclosures, 5 enclosures fetched") || !strings.Contains(r.stdout, "reviews.atom: atom feed") {
		t.Errorf("summary:\n%s", r.stdout)
	}
}

func TestCheckEnclosureProblems(t *testing.T) {
	srv, e := servedExample(t, func(w http.ResponseWriter, r *http.Request, files http.Handler) bool {
		switch r.URL.Path {
		case "/media/heroine.mp3": // served truncated
			w.Header().Set("Content-Length", "100")
			w.Header().Set("Content-Type", "audio/mpeg")
			w.Header().Set("Accept-Ranges", "bytes")
			if r.Method == http.MethodGet {
				_, _ = w.Write(make([]byte, 100))
			}
			return true
		case "/media/past-lives.mp3": // no byte ranges
			data, _ := os.ReadFile(filepath.Join("..", "..", "examples", "reelverdicts", "media", "past-lives.mp3"))
			w.Header().Set("Content-Type", "audio/mpeg")
			w.Header().Set("Content-Length", strconv.Itoa(len(data)))
			if r.Method == http.MethodGet {
				_, _ = w.Write(data)
			}
			return true
		case "/old.xml":
			http.Redirect(w, r, "/mid.xml", http.StatusMovedPermanently)
			return true
		case "/mid.xml":
			http.Redirect(w, r, "/podcast.xml", http.StatusFound)
			return true
		}
		return false
	})
	r := runEnv(e, "check", srv.URL+"/old.xml")
	if r.code != 1 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	for _, want := range []string{
		"redirects: " + srv.URL + "/old.xml → " + srv.URL + "/mid.xml → " + srv.URL + "/podcast.xml",
		"media/heroine.mp3: served 100 bytes, the feed states",
		"[FP445]",
		"media/past-lives.mp3: no byte ranges",
		"[FP447]",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("missing %q", want)
		}
	}
	if n := strings.Count(r.stderr, "error:"); n != 2 {
		t.Errorf("want the two enclosure errors only, got %d", n)
	}
	if t.Failed() {
		t.Log(r.stderr)
	}
	e.Stdout.(*bytes.Buffer).Reset()
	e.Stderr.(*bytes.Buffer).Reset()
	if r := runEnv(e, "check", "--no-enclosures", srv.URL+"/podcast.xml"); r.code != 0 {
		t.Errorf("--no-enclosures: exit %d\n%s", r.code, r.stderr)
	}
}

// TestCheckFeedFiles: check reads files too, and each broken rule is
// reported with its ID.
func TestCheckFeedFiles(t *testing.T) {
	dir := t.TempDir()
	cases := map[string]struct{ body, rule string }{
		"empty.xml": {`<?xml version="1.0"?><rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel><title>x</title></channel></rss>`, "FP401"},
		// Told apart by the root element alone (the feed is read as a
		// stream): an RSS feed cut short is an RSS feed, a podcast one a
		// podcast feed.
		"broken.xml":         {`<rss version="2.0"><channel>`, "FP501"},
		"broken-podcast.xml": {`<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel>`, "FP408"},
		"atom.xml":           {`<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title><id>reviews</id></feed>`, "FP513"},
		"feed.json":          {`{"version":"https://jsonfeed.org/version/1","title":"x","items":[]}`, "FP514"},
		"rss.xml":            {`<rss version="2.0"><channel><title>x</title><link>https://x.example/</link><description>d</description><item><title>a</title></item></channel></rss>`, "FP507"},
	}
	for name, c := range cases {
		p := filepath.Join(dir, name)
		writeFile(t, p, c.body)
		r := feedpub(t, "check", p)
		if r.code != 1 || !strings.Contains(r.stderr, "["+c.rule+"]") {
			t.Errorf("%s: want %s, exit %d\n%s", name, c.rule, r.code, r.stderr)
		}
	}
	if r := feedpub(t, "check", filepath.Join(dir, "none.xml")); r.code != 1 || !strings.Contains(r.stderr, "[FP450]") {
		t.Errorf("missing file: exit %d %s", r.code, r.stderr)
	}
	if r := feedpub(t, "check"); r.code != 2 {
		t.Errorf("no argument: exit %d", r.code)
	}
}
