package live_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/feedpub/feedpub/config/safehttp"
	"github.com/feedpub/feedpub/media/live"
)

func sum(b []byte) string { h := sha256.Sum256(b); return hex.EncodeToString(h[:]) }

func client() *http.Client {
	return safehttp.NewClient(safehttp.Options{HeaderTimeout: 5 * time.Second})
}

func TestEnclosureLengthTypeAndNoHEAD(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/short.mp3":
			w.Header().Set("Content-Type", "audio/mpeg")
			w.Header().Set("Content-Length", "90")
		case "/wrongtype.mp3":
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.Header().Set("Content-Length", "100")
		case "/nohead.mp3":
			if r.Method == http.MethodHead {
				w.WriteHeader(http.StatusMethodNotAllowed)
				return
			}
			if r.Header.Get("Range") != "bytes=0-0" {
				t.Errorf("fallback GET without a one-byte range: %q", r.Header.Get("Range"))
			}
			w.Header().Set("Content-Type", "audio/mpeg")
			w.Header().Set("Content-Range", "bytes 0-0/100")
			w.WriteHeader(http.StatusPartialContent)
			w.Write([]byte{0})
			return
		case "/gone.mp3":
			w.WriteHeader(http.StatusGone)
			return
		}
	}))
	defer srv.Close()
	encs := []live.Enclosure{
		{URL: srv.URL + "/short.mp3", Type: "audio/mpeg", Length: 100},
		{URL: srv.URL + "/wrongtype.mp3", Type: "audio/mpeg", Length: 100},
		{URL: srv.URL + "/nohead.mp3", Type: "audio/mpeg", Length: 100},
		{URL: srv.URL + "/gone.mp3", Type: "audio/mpeg", Length: 100},
	}
	got := live.Verify(t.Context(), nil, encs, live.Options{Client: client()})
	want := []struct{ result, words string }{
		{live.Mismatch, "served 90 bytes, the feed states 100"},
		{live.Mismatch, "served as text/plain, the feed states audio/mpeg"},
		{live.OK, ""},
		{live.Failed, "the server answered 410 Gone"},
	}
	for i, w := range want {
		if got[i].Result != w.result || !strings.Contains(got[i].Message, w.words) || got[i].Kind != "enclosure" {
			t.Errorf("%s: %s %q, want %s %q", encs[i].URL, got[i].Result, got[i].Message, w.result, w.words)
		}
	}
}

func TestFeedServedAsHTMLAndRetriedWhileStale(t *testing.T) {
	body := []byte("<rss>new</rss>")
	var gets int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/page.xml":
			w.Header().Set("Content-Type", "text/html")
			w.Write(body)
		case "/cdn.xml": // fresh from the third request on: a purge arriving
			gets++
			w.Header().Set("Content-Type", "application/rss+xml")
			if gets < 3 {
				w.Write([]byte("<rss>old</rss>"))
				return
			}
			w.Write(body)
		}
	}))
	defer srv.Close()
	feeds := []live.Feed{
		{Name: "a", URL: srv.URL + "/page.xml", Size: int64(len(body)), SHA256: sum(body), Changed: true},
		{Name: "b", URL: srv.URL + "/cdn.xml", Size: int64(len(body)), SHA256: sum(body), Changed: true},
	}
	got := live.Verify(t.Context(), feeds, nil, live.Options{Client: client(), Concurrency: 1, StaleRetries: []time.Duration{time.Millisecond, time.Millisecond}})
	if got[0].Result != live.Mismatch || !strings.Contains(got[0].Message, "served as text/html") {
		t.Errorf("HTML page: %+v", got[0])
	}
	if got[1].Result != live.OK || gets != 3 {
		t.Errorf("stale twice, then fresh: %+v after %d requests", got[1], gets)
	}
}

// A server that never answers costs at most the budget, and is reported
// as giving no answer.
func TestBudgetBoundsAHangingServer(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	got := live.Verify(ctx, []live.Feed{{URL: srv.URL + "/podcast.xml", Changed: true}},
		[]live.Enclosure{{URL: srv.URL + "/a.mp3"}}, live.Options{Client: client(), Budget: 100 * time.Millisecond})
	for _, c := range got {
		if c.Result != live.Unreachable || !strings.Contains(c.Message, "deadline exceeded") {
			t.Errorf("%s: %s %q, want no answer within the budget", c.URL, c.Result, c.Message)
		}
	}
	if ctx.Err() != nil {
		t.Error("the check outlived its budget")
	}
}

// A redirect loop is an answer gone wrong, not a host that is not there
// (which a folder target may take as "not served yet").
func TestRedirectLoopIsAFailure(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Path, http.StatusFound)
	}))
	defer srv.Close()
	got := live.Verify(t.Context(), nil, []live.Enclosure{{URL: srv.URL + "/e/a.mp3"}}, live.Options{Client: client()})
	if got[0].Result != live.Failed || !strings.Contains(got[0].Message, "redirect loop") {
		t.Errorf("%+v", got[0])
	}
}
