package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/feedpub/feedpub/media/live"
)

// folderServer serves a local target's folder over HTTP as a web server
// in front of it would, with fixed content types (not the machine's MIME
// table). stale, when set for a key, is served instead of the file: a
// cache holding an old copy.
type folderServer struct {
	*httptest.Server
	mu    sync.Mutex
	stale map[string][]byte
	hits  atomic.Int64
}

var testTypes = map[string]string{
	".xml": "application/rss+xml", ".atom": "application/atom+xml", ".json": "application/feed+json",
	".mp3": "audio/mpeg", ".mp4": "video/mp4",
}

func newFolderServer(t *testing.T, dir string) *folderServer {
	fsrv := &folderServer{stale: map[string][]byte{}}
	files := http.FileServer(http.Dir(dir))
	fsrv.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fsrv.hits.Add(1)
		if ct, ok := testTypes[path.Ext(r.URL.Path)]; ok {
			w.Header().Set("Content-Type", ct)
		}
		fsrv.mu.Lock()
		old, ok := fsrv.stale[strings.TrimPrefix(r.URL.Path, "/")]
		fsrv.mu.Unlock()
		if ok {
			w.Write(old)
			return
		}
		files.ServeHTTP(w, r)
	}))
	t.Cleanup(fsrv.Close)
	return fsrv
}

func (s *folderServer) serveStale(key string, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if body == nil {
		delete(s.stale, key)
	} else {
		s.stale[key] = body
	}
}

// liveSummary runs publish --json and decodes it.
func liveSummary(t *testing.T, args ...string) (cliResult, summary) {
	t.Helper()
	r := feedpub(t, append([]string{"publish", "--json"}, args...)...)
	var s summary
	if err := json.Unmarshal([]byte(r.stdout), &s); err != nil {
		t.Fatalf("--json: %v\n%s%s", err, r.stdout, r.stderr)
	}
	return r, s
}

// failedChecks lists the URL and message of every check that failed.
func failedChecks(s summary) []string {
	var out []string
	for _, c := range s.Live {
		if c.Result != live.OK {
			out = append(out, c.Result+" "+c.URL+": "+c.Message)
		}
	}
	return out
}

// A folder target served at base_url: the publish fetches every feed and
// asks for every new enclosure as an app would. A cache that serves the
// old feed fails the publish (and the next, until it is fixed), saying so.
func TestLiveCheckFolderServedAtBaseURL(t *testing.T) {
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	srv := newFolderServer(t, filepath.Join(dir, "public"))
	t.Setenv("FEEDPUB_SITE_BASE_URL", srv.URL+"/")

	r, s := liveSummary(t, "--config", cfg)
	if r.code != 0 || s.LiveCheck != "passed" || len(s.Live) != 10 {
		t.Fatalf("first publish: exit %d, live_check %q, %d checks (want 5 feeds and 5 enclosures): %q\n%s", r.code, s.LiveCheck, len(s.Live), failedChecks(s), r.stderr)
	}
	old, err := os.ReadFile(filepath.Join(dir, "public", "podcast.xml"))
	if err != nil {
		t.Fatal(err)
	}

	// A new episode; the "cache" keeps serving the old podcast feed.
	srv.serveStale("podcast.xml", old)
	writeFile(t, filepath.Join(dir, "reviews", "heroine.md"), strings.Replace(readFile(t, filepath.Join(dir, "reviews", "heroine.md")), `title: "`, `title: "New `, 1))
	r = feedpub(t, "publish", "--config", cfg)
	if r.code != 1 || strings.Contains(lastLine(r.stdout), "published") {
		t.Fatalf("stale feed: exit %d, want 1 and no 'published'\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"feed " + srv.URL + "/podcast.xml: a cache is serving an old feed", "set publish.cdn", "[FP141]", "but listeners cannot fetch it"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stale feed: stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	// Nothing left to upload, but the next publish checks again rather
	// than taking the site as published.
	r, s = liveSummary(t, "--config", cfg)
	if r.code != 1 || s.LiveCheck != "failed" || s.Uploaded != 0 {
		t.Errorf("second publish with the cache still stale: exit %d, live_check %q, uploaded %d\n%s", r.code, s.LiveCheck, s.Uploaded, r.stdout)
	}
	srv.serveStale("podcast.xml", nil)
	r, s = liveSummary(t, "--config", cfg)
	if r.code != 0 || s.LiveCheck != "passed" {
		t.Errorf("cache fixed: exit %d, live_check %q: %q", r.code, s.LiveCheck, failedChecks(s))
	}
	// --no-verify skips the check.
	srv.serveStale("podcast.xml", old)
	writeFile(t, filepath.Join(dir, "reviews", "heroine.md"), strings.Replace(readFile(t, filepath.Join(dir, "reviews", "heroine.md")), `title: "New `, `title: "Newer `, 1))
	if r, s := liveSummary(t, "--config", cfg, "--no-verify"); r.code != 0 || s.LiveCheck != "skipped" || len(s.Live) != 0 {
		t.Errorf("--no-verify: exit %d, live_check %q, %d checks", r.code, s.LiveCheck, len(s.Live))
	}
}

// A base_url that does not point at the target: every feed is a 404,
// which the publish names as such.
func TestLiveCheckBaseURLNotTheTarget(t *testing.T) {
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	srv := newFolderServer(t, t.TempDir()) // serves some other, empty folder
	t.Setenv("FEEDPUB_SITE_BASE_URL", srv.URL+"/podcasts/")
	r, s := liveSummary(t, "--config", cfg)
	if r.code != 1 || s.OK || s.LiveCheck != "failed" || len(failedChecks(s)) != 10 {
		t.Fatalf("exit %d, ok %v, live_check %q, failed %q", r.code, s.OK, s.LiveCheck, failedChecks(s))
	}
	want := "404 Not Found: site.base_url (" + srv.URL + "/podcasts/) does not point at the target (public)"
	var found bool
	for _, p := range s.Problems {
		found = found || (p.Rule == "FP141" && p.Field == "site.base_url" && strings.Contains(p.Message, want))
	}
	if !found {
		t.Errorf("no FP141 problem on site.base_url saying %q: %+v", want, s.Problems)
	}
	if !strings.Contains(s.Error, "listeners cannot fetch it") {
		t.Errorf("error: %q", s.Error)
	}
}

// Enclosures are asked for at the URL the feed states: through the
// analytics prefix, following its redirect to the media.
func TestLiveCheckThroughEnclosurePrefix(t *testing.T) {
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	media := newFolderServer(t, filepath.Join(dir, "public"))
	var redirected atomic.Int64
	var broken atomic.Bool
	prefix := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// OP3's rule: /e/ then the media URL (http:// kept).
		to, ok := strings.CutPrefix(r.URL.Path, "/e/")
		if !ok {
			http.NotFound(w, r)
			return
		}
		if broken.Load() {
			to = strings.Replace(to, "/media/", "/missing/", 1)
		}
		redirected.Add(1)
		http.Redirect(w, r, to, http.StatusFound)
	}))
	t.Cleanup(prefix.Close)
	t.Setenv("FEEDPUB_SITE_BASE_URL", media.URL+"/")
	t.Setenv("FEEDPUB_PODCAST_ENCLOSURE_PREFIX", prefix.URL+"/e/")

	r, s := liveSummary(t, "--config", cfg)
	if r.code != 0 || s.LiveCheck != "passed" {
		t.Fatalf("exit %d, live_check %q: %q\n%s", r.code, s.LiveCheck, failedChecks(s), r.stderr)
	}
	var viaPrefix int
	for _, c := range s.Live {
		if c.Kind == "enclosure" && strings.HasPrefix(c.URL, prefix.URL+"/e/http://127.0.0.1") {
			viaPrefix++
		}
	}
	if viaPrefix == 0 || redirected.Load() < int64(viaPrefix) {
		t.Errorf("%d enclosures checked through the prefix, %d redirects seen", viaPrefix, redirected.Load())
	}

	// A prefix that redirects to the wrong place fails the publish, naming
	// where it led.
	broken.Store(true)
	writeFile(t, filepath.Join(dir, "media", "past-lives.mp3"), readFile(t, filepath.Join(dir, "media", "heroine.mp3")))
	r, s = liveSummary(t, "--config", cfg)
	if r.code != 1 || s.LiveCheck != "failed" {
		t.Fatalf("broken prefix: exit %d, live_check %q", r.code, s.LiveCheck)
	}
	if f := failedChecks(s); len(f) == 0 || !strings.Contains(strings.Join(f, "\n"), "(redirected to "+media.URL+"/missing/") {
		t.Errorf("broken prefix: %q", f)
	}
}

// The example site's base_url serves nothing: a publish to a folder still
// succeeds (make demo), and says that listeners' view was not checked.
func TestLiveCheckFolderNotServed(t *testing.T) {
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	r, s := liveSummary(t, "--config", cfg)
	if r.code != 0 || s.LiveCheck != "not_served" {
		t.Fatalf("exit %d, live_check %q\n%s", r.code, s.LiveCheck, r.stdout)
	}
	writeFile(t, filepath.Join(dir, "reviews", "heroine.md"), strings.Replace(readFile(t, filepath.Join(dir, "reviews", "heroine.md")), `title: "`, `title: "New `, 1))
	r = mustRun(t, "publish", "--config", cfg)
	if !strings.Contains(r.stdout, "not checked as a listener: nothing answers at https://media.reelverdicts.example/") || r.stderr != "" {
		t.Errorf("stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	}
}

func readFile(t testing.TB, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
