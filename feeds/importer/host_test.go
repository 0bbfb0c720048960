package importer_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// host is an old podcast host: the fixtures' feeds and their media, over
// TLS (so only the planted http:// URL is one), on loopback. It counts the
// requests for each path and can cut a download short.
type host struct {
	srv, plain *httptest.Server
	mu         sync.Mutex
	hits       map[string]int
	ranges     map[string][]string
	cut        map[string]int // path → bytes sent before the connection drops
	feeds      map[string][]byte
	files      map[string]string // path → file under the repository
}

var (
	exampleMedia = filepath.Join("..", "..", "examples", "reelverdicts", "media")
	art1400      = filepath.Join("..", "..", "media", "probe", "testdata", "art_rgb_1400.jpg")
)

func ex(name string) string { return filepath.Join(exampleMedia, name) }

func newHost(t *testing.T) *host {
	t.Helper()
	h := &host{hits: map[string]int{}, ranges: map[string][]string{}, cut: map[string]int{}, feeds: map[string][]byte{}}
	h.files = map[string]string{
		"/media/past-lives.mp3":                               ex("past-lives.mp3"),
		"/media/heroine.mp3":                                  ex("heroine.mp3"),
		"/media/aftersun.mp3":                                 ex("season-3-trailer.mp3"),
		"/media/past-lives.mp4":                               ex("heroine.mp4"),
		"/media/heroine.mp4":                                  ex("heroine.mp4"),
		"/media/dune-part-two.mp4":                            ex("dune-part-two.mp4"),
		"/media/heroine.chapters.json":                        ex("heroine.chapters.json"),
		"/media/heroine.en.vtt":                               ex("heroine.en.vtt"),
		"/media/two.mp3":                                      ex("past-lives.mp3"),
		"/media/one.mp3":                                      ex("heroine.mp3"),
		"/media/copy.mp3":                                     ex("past-lives.mp3"),
		"/media/pilot.mp3":                                    ex("heroine.mp3"),
		"/media/lengthless.mp3":                               ex("past-lives.mp3"),
		"/media/amelie.mp3":                                   ex("heroine.mp3"),
		"/podcasts/everything/mthood.mp3":                     ex("heroine.mp3"),
		"/podcasts/everything/boulder.mp3":                    ex("past-lives.mp3"),
		"/podcasts/everything/caribou.mp3":                    ex("past-lives.mp3"),
		"/podcasts/everything/AllAboutEverythingEpisode4.mp3": ex("season-3-trailer.mp3"),
	}
	h.srv = httptest.NewTLSServer(http.HandlerFunc(h.serve))
	h.plain = httptest.NewServer(http.HandlerFunc(h.serve))
	t.Cleanup(h.srv.Close)
	t.Cleanup(h.plain.Close)
	for _, name := range []string{"hosting.xml", "video.xml", "apple-sample.xml", "wordpress-reviews.xml", "noguid.xml", "dupguid.xml", "latin1.xml"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		h.feeds["/"+name] = h.render(t, data)
	}
	return h
}

// render fills a fixture's {{BASE}}, {{PLAIN}} and {{LEN file}} (the size
// of an example media file).
func (h *host) render(t *testing.T, data []byte) []byte {
	s := strings.ReplaceAll(string(data), "{{BASE}}", h.srv.URL)
	s = strings.ReplaceAll(s, "{{PLAIN}}", h.plain.URL)
	for {
		i := strings.Index(s, "{{LEN ")
		if i < 0 {
			break
		}
		j := strings.Index(s[i:], "}}")
		st, err := os.Stat(ex(s[i+len("{{LEN ") : i+j]))
		if err != nil {
			t.Fatal(err)
		}
		s = s[:i] + fmt.Sprint(st.Size()) + s[i+j+2:]
	}
	return []byte(s)
}

func (h *host) url(p string) string { return h.srv.URL + p }

func (h *host) count(p string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.hits[p]
}

func (h *host) mediaHits() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for p, c := range h.hits {
		if !strings.HasSuffix(p, ".xml") {
			n += c
		}
	}
	return n
}

func (h *host) serve(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	h.mu.Lock()
	h.hits[p]++
	if rg := r.Header.Get("Range"); rg != "" {
		h.ranges[p] = append(h.ranges[p], rg)
	}
	cut, hasCut := h.cut[p]
	h.mu.Unlock()
	if f, ok := extraRoutes[p]; ok {
		f(w, r)
		return
	}
	if data, ok := h.feeds[p]; ok {
		w.Header().Set("Content-Type", "application/rss+xml")
		_, _ = w.Write(data)
		return
	}
	switch {
	case p == "/r/heroine.mp3":
		http.Redirect(w, r, "/media/heroine.mp3", http.StatusFound)
		return
	case strings.HasPrefix(p, "/art/"):
		http.ServeFile(w, r, art1400)
		return
	case strings.HasPrefix(p, "/gen/"):
		h.file(w, r, ex("past-lives.mp3"), -1)
		return
	case strings.HasPrefix(p, "/genv/"):
		h.file(w, r, ex("dune-part-two.mp4"), -1)
		return
	}
	f, ok := h.files[p]
	if !ok {
		http.NotFound(w, r)
		return
	}
	if !hasCut || r.Header.Get("Range") != "" {
		cut = -1
	}
	h.file(w, r, f, cut)
}

// file serves name with byte ranges; cut ≥ 0 sends that many bytes of a
// whole-file answer and drops the connection.
func (h *host) file(w http.ResponseWriter, r *http.Request, name string, cut int) {
	if cut < 0 {
		http.ServeFile(w, r, name)
		return
	}
	data, err := os.ReadFile(name)
	if err != nil {
		http.Error(w, err.Error(), 500)
		return
	}
	w.Header().Set("Content-Length", fmt.Sprint(len(data)))
	w.Header().Set("Content-Type", "audio/mpeg")
	_, _ = w.Write(data[:cut])
	w.(http.Flusher).Flush()
	panic(http.ErrAbortHandler)
}

// extraRoutes are handlers a test file adds for paths of its own.
var extraRoutes = map[string]http.HandlerFunc{}

var testNow = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
