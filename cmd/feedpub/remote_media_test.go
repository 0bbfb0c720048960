package main

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// oldHost serves files from a folder as a podcast host does (ranges, HEAD,
// Last-Modified), logs each request, and answers 404 for anything else.
type oldHost struct {
	*httptest.Server
	mu    sync.Mutex
	files map[string][]byte
	log   []string // "METHOD path range"
}

func newOldHost(t *testing.T) *oldHost {
	h := &oldHost{files: map[string][]byte{}}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		h.log = append(h.log, r.Method+" "+r.URL.Path+" "+r.Header.Get("Range"))
		data, ok := h.files[r.URL.Path]
		h.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("ETag", strconv.Quote(strconv.Itoa(len(data))))
		http.ServeContent(w, r, r.URL.Path, time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC), strings.NewReader(string(data)))
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *oldHost) requests() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.log...)
}

// An episode left on its old host: audio.url and chapters by URL. The feed
// names the file where it is, with the length and duration read from it by
// byte ranges; nothing of it is uploaded; podcast:integrity only with
// --hash-remote; a file gone from the host is FP301 as a missing file is.
func TestRemoteMediaFromAnotherHost(t *testing.T) {
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	host := newOldHost(t)
	mp3, err := os.ReadFile(filepath.Join(dir, "media", "past-lives.mp3"))
	if err != nil {
		t.Fatal(err)
	}
	chapters, err := os.ReadFile(filepath.Join(dir, "media", "past-lives.chapters.json"))
	if err != nil {
		t.Fatal(err)
	}
	host.files["/shows/ep1.mp3"] = mp3
	host.files["/shows/ep1.chapters.json"] = chapters
	mediaURL := host.URL + "/shows/ep1.mp3?token=s3cr3t"
	writeFile(t, filepath.Join(dir, "reviews", "old-host.md"), "---\ntitle: \"From the old host\"\ndate: 2026-09-01T09:00:00Z\n"+
		"author: Ada Critic\naudio:\n  url: "+mediaURL+"\n  season: 2\n  episode: 7\n  chapters: "+host.URL+"/shows/ep1.chapters.json\nvideo:\n  file: media/heroine.mp4\n---\nFrom the back catalogue.\n")

	mustRun(t, "publish", "--config", cfg)
	feed := string(readFeeds(t, dir)["podcast.xml"])
	it := item(t, []byte(feed), "From the old host")
	if want := `<enclosure url="` + mediaURL + `" length="` + strconv.Itoa(len(mp3)) + `" type="audio/mpeg"`; !strings.Contains(it, want) {
		t.Errorf("item has no %s:\n%s", want, it)
	}
	if !strings.Contains(it, `<podcast:chapters url="`+host.URL+`/shows/ep1.chapters.json"`) {
		t.Errorf("chapters not by URL:\n%s", it)
	}
	if !strings.Contains(it, "<itunes:duration>") {
		t.Errorf("no duration:\n%s", it)
	}
	if a := audioAlternate(it); a == "" || strings.Contains(a, "podcast:integrity") {
		t.Errorf("no audio alternate, or one with integrity without --hash-remote:\n%s", it)
	}
	for _, r := range host.requests() {
		if strings.HasPrefix(r, "GET /shows/ep1.mp3 ") && strings.HasSuffix(r, " ") {
			t.Errorf("the remote file was downloaded whole: %v", host.requests())
		}
	}
	if err := filepath.Walk(filepath.Join(dir, "public"), func(p string, fi os.FileInfo, err error) error {
		if err == nil && strings.Contains(p, "ep1") {
			t.Errorf("%s was published", p)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}

	// --hash-remote reads it once, whole, and the feed states its hash
	// where it states hashes: the alternate enclosures.
	mustRun(t, "publish", "--config", cfg, "--hash-remote", "--prune")
	it = item(t, readFeeds(t, dir)["podcast.xml"], "From the old host")
	sum := sha256.Sum256(mp3)
	if want := "sha256-" + base64.StdEncoding.EncodeToString(sum[:]); !strings.Contains(audioAlternate(it), want) {
		t.Errorf("no integrity %s with --hash-remote:\n%s", want, it)
	}

	// Gone from the host: the error a missing local file gives, naming the
	// URL but not its token.
	host.mu.Lock()
	delete(host.files, "/shows/ep1.mp3")
	host.mu.Unlock()
	r := feedpub(t, "validate", "--config", cfg)
	if r.code != 1 || !strings.Contains(r.stderr, "FP301") || !strings.Contains(r.stderr, host.URL+"/shows/ep1.mp3") || !strings.Contains(r.stderr, "404") {
		t.Errorf("validate with the file gone: exit %d\n%s", r.code, r.stderr)
	}
	if strings.Contains(r.stdout+r.stderr, "s3cr3t") {
		t.Errorf("the URL's token was printed:\n%s", r.stderr)
	}
}

// audioAlternate is the item's first podcast:alternateEnclosure, the
// audio's.
func audioAlternate(item string) string {
	i := strings.Index(item, `<podcast:alternateEnclosure type="audio/`)
	if i < 0 {
		return ""
	}
	j := strings.Index(item[i:], "</podcast:alternateEnclosure>")
	if j < 0 {
		return ""
	}
	return item[i : i+j]
}
