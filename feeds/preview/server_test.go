package preview_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/feedpub/feedpub/config/diag"
	"github.com/feedpub/feedpub/feeds/feedtest"
	"github.com/feedpub/feedpub/feeds/preview"
	"github.com/feedpub/feedpub/feeds/preview/previewtest"
)

// fixture is a build of two files: a feed in memory and 1,000 bytes of
// "audio" on disk, next to a file that is not part of the build.
type fixture struct {
	srv    *preview.Server
	audio  []byte
	secret string // a file beside the media that must never be served
	sum    string // the media's SHA-256
	builds chan preview.Build
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	dir := t.TempDir()
	audio := make([]byte, 1000)
	for i := range audio {
		audio[i] = byte(i * 7)
	}
	mp3 := filepath.Join(dir, "media", "a.mp3")
	if err := os.MkdirAll(filepath.Dir(mp3), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(mp3, audio, 0o644); err != nil {
		t.Fatal(err)
	}
	secret := filepath.Join(dir, "secret.txt")
	if err := os.WriteFile(secret, []byte("SECRET"), 0o644); err != nil {
		t.Fatal(err)
	}
	f := &fixture{audio: audio, secret: secret, builds: make(chan preview.Build, 1)}
	f.srv = preview.NewServer(func(context.Context) preview.Build { return <-f.builds })
	sum := sha256.Sum256(audio)
	f.sum = hex.EncodeToString(sum[:])
	f.rebuild(t, preview.Build{
		Page: preview.Page{Catalog: feedtest.ExampleCatalog()},
		Root: dir,
		Files: []preview.File{
			{Key: "media/a.mp3", ContentType: "audio/mpeg", SHA256: f.sum, Path: mp3, Size: int64(len(audio))},
			{Key: "podcast.xml", ContentType: "application/rss+xml; charset=utf-8", SHA256: "ffff", Body: []byte("<rss>feed</rss>")},
		},
	})
	return f
}

func (f *fixture) rebuild(t *testing.T, b preview.Build) diag.Problems {
	t.Helper()
	f.builds <- b
	return f.srv.Rebuild(t.Context())
}

func (f *fixture) do(method, target string, header ...string) *http.Response {
	req := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t *testing.T, r *http.Response) []byte {
	t.Helper()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestPreviewServesRanges(t *testing.T) {
	f := newFixture(t)
	for _, c := range []struct {
		rng          string
		status       int
		contentRange string
		want         []byte
	}{
		{"", 200, "", f.audio},
		{"bytes=0-99", 206, "bytes 0-99/1000", f.audio[:100]},
		{"bytes=-100", 206, "bytes 900-999/1000", f.audio[900:]},
		{"bytes=100-", 206, "bytes 100-999/1000", f.audio[100:]},
		{"bytes=990-2000", 206, "bytes 990-999/1000", f.audio[990:]},
		{"bytes=1000-", 416, "bytes */1000", nil},
		{"bytes=5000-6000", 416, "bytes */1000", nil},
		{"bytes=abc", 416, "", nil},
	} {
		r := f.do("GET", "/media/a.mp3", "Range", c.rng)
		got := body(t, r)
		if r.StatusCode != c.status {
			t.Errorf("Range %q: status %d, want %d", c.rng, r.StatusCode, c.status)
			continue
		}
		if cr := r.Header.Get("Content-Range"); cr != c.contentRange {
			t.Errorf("Range %q: Content-Range %q, want %q", c.rng, cr, c.contentRange)
		}
		if c.want != nil && !bytes.Equal(got, c.want) {
			t.Errorf("Range %q: %d bytes, not the %d wanted", c.rng, len(got), len(c.want))
		}
		if c.want != nil && r.Header.Get("Content-Length") != strconv.Itoa(len(c.want)) {
			t.Errorf("Range %q: Content-Length %s, want %d", c.rng, r.Header.Get("Content-Length"), len(c.want))
		}
	}
	// A feed rendered in memory takes ranges too.
	r := f.do("GET", "/podcast.xml", "Range", "bytes=-6")
	if got := string(body(t, r)); r.StatusCode != 206 || got != "</rss>" {
		t.Errorf("feed suffix range: %d %q, want 206 \"</rss>\"", r.StatusCode, got)
	}
}

func TestPreviewHeadAndConditionalGet(t *testing.T) {
	f := newFixture(t)
	r := f.do("HEAD", "/media/a.mp3")
	if b := body(t, r); r.StatusCode != 200 || len(b) != 0 || r.Header.Get("Content-Length") != "1000" {
		t.Errorf("HEAD: status %d, %d body bytes, Content-Length %q; want 200, none, 1000", r.StatusCode, len(b), r.Header.Get("Content-Length"))
	}
	etag, lm := r.Header.Get("ETag"), r.Header.Get("Last-Modified")
	if etag != `"`+f.sum+`"` || lm == "" || r.Header.Get("Accept-Ranges") != "bytes" {
		t.Fatalf("HEAD headers: ETag %q, Last-Modified %q, Accept-Ranges %q", etag, lm, r.Header.Get("Accept-Ranges"))
	}
	for _, c := range []struct {
		name   string
		header []string
		status int
	}{
		{"If-None-Match matching", []string{"If-None-Match", etag}, 304},
		{"If-None-Match other", []string{"If-None-Match", `"bbbb"`}, 200},
		{"If-Modified-Since", []string{"If-Modified-Since", lm}, 304},
		{"If-Range current", []string{"Range", "bytes=0-9", "If-Range", etag}, 206},
		{"If-Range stale", []string{"Range", "bytes=0-9", "If-Range", `"old"`}, 200},
	} {
		if r := f.do("GET", "/media/a.mp3", c.header...); r.StatusCode != c.status {
			t.Errorf("%s: status %d, want %d", c.name, r.StatusCode, c.status)
		}
	}
	if r := f.do("GET", "/podcast.xml", "If-None-Match", `"ffff"`); r.StatusCode != 304 {
		t.Errorf("feed If-None-Match: status %d, want 304", r.StatusCode)
	}
	if r := f.do("POST", "/media/a.mp3"); r.StatusCode != 405 || r.Header.Get("Allow") != "GET, HEAD" {
		t.Errorf("POST: status %d, Allow %q", r.StatusCode, r.Header.Get("Allow"))
	}
}

func TestPreviewContentTypeIsTheBuilds(t *testing.T) {
	f := newFixture(t)
	for key, want := range map[string]string{"media/a.mp3": "audio/mpeg", "podcast.xml": "application/rss+xml; charset=utf-8", "": "text/html; charset=utf-8"} {
		r := f.do("GET", "/"+key)
		if got := r.Header.Get("Content-Type"); r.StatusCode != 200 || got != want {
			t.Errorf("/%s: status %d, Content-Type %q, want %q", key, r.StatusCode, got, want)
		}
		if key != "" && r.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("/%s: no nosniff", key)
		}
	}
}

func TestPreviewServesNothingOutsideTheBuild(t *testing.T) {
	f := newFixture(t)
	abs := filepath.ToSlash(f.secret)
	for _, target := range []string{
		"/secret.txt",
		"/media/../secret.txt",
		"/media/%2e%2e/secret.txt",
		"/%2e%2e/secret.txt",
		"/media/..%2fsecret.txt",
		"/media%2f..%2fsecret.txt",
		"/media/..%5csecret.txt",
		"/media\\..\\secret.txt",
		"/" + abs,
		"/" + strings.TrimPrefix(abs, "/"),
		"//" + strings.TrimPrefix(abs, "/"),
		"/../../../../../../etc/passwd",
		"/media/a.mp3/",
		"/media/a.mp3/../../secret.txt",
		"/media/./a.mp3",
		"/MEDIA/A.MP3",
		"/media",
		"/media/",
		"/.feedpub/probe-cache.json",
	} {
		r := f.do("GET", target)
		b := body(t, r)
		if r.StatusCode != http.StatusNotFound || bytes.Contains(b, []byte("SECRET")) {
			t.Errorf("GET %s: status %d (body %.40q), want 404", target, r.StatusCode, b)
		}
	}
}

func TestPreviewKeepsServingTheLastGoodBuild(t *testing.T) {
	f := newFixture(t)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	ts := httptest.NewServer(f.srv)
	defer ts.Close()
	defer f.srv.Close() // before ts.Close, which waits for the event stream
	ev := previewtest.Subscribe(ctx, t, ts.URL)
	first := ev.Next(t)

	bad := diag.Problem{Severity: diag.Error, File: "reviews/heroine.md", Line: 3, Field: "date", Msg: "not a date"}
	if ps := f.rebuild(t, preview.Build{Page: preview.Page{Problems: diag.Problems{bad}}}); !ps.HasErrors() {
		t.Fatalf("Rebuild returned %v, want the build's error", ps)
	}
	if id := ev.Next(t); id == first {
		t.Errorf("the event stream sent the same build id %q after a rebuild", id)
	}
	page := string(body(t, f.do("GET", "/")))
	for _, want := range []string{"The latest build failed", "reviews/heroine.md:3: date: not a date", "Dune: Part Three"} {
		if !strings.Contains(page, want) {
			t.Errorf("page after a failed build lacks %q", want)
		}
	}
	if r := f.do("GET", "/media/a.mp3"); r.StatusCode != 200 || len(body(t, r)) != 1000 {
		t.Errorf("media after a failed build: status %d", r.StatusCode)
	}

	// The next good build replaces the files: a.mp3 is gone from it.
	f.rebuild(t, preview.Build{Page: preview.Page{Catalog: feedtest.ExampleCatalog()},
		Files: []preview.File{{Key: "podcast.xml", ContentType: "application/rss+xml", Body: []byte("<rss/>")}}})
	ev.Next(t)
	if r := f.do("GET", "/media/a.mp3"); r.StatusCode != 404 {
		t.Errorf("a file the new build dropped: status %d, want 404", r.StatusCode)
	}
	if page := string(body(t, f.do("GET", "/"))); strings.Contains(page, "The latest build failed") {
		t.Error("the page still shows the failure after a good build")
	}
}
