package main

// End-to-end tests of `feedpub publish` against a real S3 server (versitygw,
// started by s3test): they drive the CLI through run() on a copy of the
// example site, with the target and credentials in the environment as a
// user would set them. Without a server they skip, or fail when
// FEEDPUB_TEST_REQUIRE_S3=1.

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/feedpub/feedpub/feeds/feedcheck"
	"github.com/feedpub/feedpub/media/publish"
	"github.com/feedpub/feedpub/media/store/s3store/s3test"
)

const s3eBase = "https://media.reelverdicts.example/"

var s3eFeeds = []string{"podcast.xml", "video.xml", "reviews.xml", "reviews.atom", "reviews.json"}

// s3eTarget is one publish target in a test server, with what every run
// printed, to check that no secret ever shows.
type s3eTarget struct {
	t      *testing.T
	srv    *s3test.Server
	bucket string
	prefix string // "t-…/"
	cfg    string // the site's feedpub.yaml
	runs   []cliOutcome
}

// newS3Target copies the example site and points the environment at a
// fresh prefix of srv through endpoint (the server's or a proxy's).
func newS3Target(t *testing.T, srv *s3test.Server, endpoint string) *s3eTarget {
	t.Helper()
	tg := &s3eTarget{t: t, srv: srv, bucket: srv.Bucket, prefix: srv.NewPrefix(t), cfg: copyReelverdicts(t)}
	tg.setEnv(endpoint, srv.SecretKey)
	t.Cleanup(func() {
		for _, r := range tg.runs {
			if strings.Contains(r.stdout+r.stderr, srv.SecretKey) {
				t.Errorf("the secret key was printed:\n%s", r)
			}
		}
	})
	return tg
}

func (tg *s3eTarget) setEnv(endpoint, secret string) {
	t := tg.t
	t.Setenv("FEEDPUB_PUBLISH_TARGET", "s3://"+tg.bucket+"/"+tg.prefix)
	t.Setenv("FEEDPUB_PUBLISH_S3_ENDPOINT", endpoint)
	t.Setenv("FEEDPUB_PUBLISH_S3_PATH_STYLE", "true")
	t.Setenv("AWS_ACCESS_KEY_ID", tg.srv.AccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", secret)
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_REGION", tg.srv.Region)
	t.Setenv("AWS_CONFIG_FILE", os.DevNull)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", os.DevNull)
}

// publish runs `feedpub publish` with args and records the output. The
// example's base_url serves nothing, so the live check is skipped
// (TestS3LiveCheck runs it).
func (tg *s3eTarget) publish(args ...string) cliOutcome {
	tg.t.Helper()
	r := runFeedpub(tg.t, false, append([]string{"publish", "--config", tg.cfg, "--no-verify"}, args...)...)
	tg.runs = append(tg.runs, r)
	if strings.Contains(r.stdout+r.stderr, tg.srv.SecretKey) {
		tg.t.Fatalf("the secret key was printed:\n%s", r)
	}
	return r
}

func (tg *s3eTarget) mustPublish(args ...string) cliOutcome {
	tg.t.Helper()
	r := tg.publish(args...)
	if r.code != 0 {
		tg.t.Fatalf("publish %s: %s", strings.Join(args, " "), r)
	}
	return r
}

// publishJSON runs publish --json and decodes the summary.
func (tg *s3eTarget) publishJSON(args ...string) summary {
	tg.t.Helper()
	r := tg.mustPublish(append([]string{"--json"}, args...)...)
	var s summary
	if err := json.Unmarshal([]byte(r.stdout), &s); err != nil {
		tg.t.Fatalf("--json output: %v\n%s", err, r)
	}
	return s
}

// uploadedKeys runs publish -v and returns the keys it uploaded.
func (tg *s3eTarget) uploadedKeys(args ...string) []string {
	tg.t.Helper()
	r := tg.mustPublish(append([]string{"-v"}, args...)...)
	var keys []string
	for _, m := range regexp.MustCompile(`(?m)^uploaded (\S+) \(`).FindAllStringSubmatch(r.stdout, -1) {
		keys = append(keys, m[1])
	}
	sort.Strings(keys)
	return keys
}

// plannedUploads runs publish --dry-run --json and returns the keys it
// would upload.
func (tg *s3eTarget) plannedUploads(args ...string) []string {
	tg.t.Helper()
	s := tg.publishJSON(append([]string{"--dry-run"}, args...)...)
	var keys []string
	for _, a := range s.Objects {
		if a.Action == "upload" {
			keys = append(keys, a.Key)
		}
	}
	sort.Strings(keys)
	return keys
}

func (tg *s3eTarget) client() *s3.Client { return tg.srv.Client() }

func (tg *s3eTarget) key(k string) *string { return aws.String(tg.prefix + k) }

// objects lists the prefix with a plain S3 client: key → size.
func (tg *s3eTarget) objects() map[string]int64 {
	tg.t.Helper()
	out := map[string]int64{}
	p := s3.NewListObjectsV2Paginator(tg.client(), &s3.ListObjectsV2Input{Bucket: &tg.bucket, Prefix: aws.String(tg.prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			tg.t.Fatal(err)
		}
		for _, o := range page.Contents {
			out[strings.TrimPrefix(aws.ToString(o.Key), tg.prefix)] = aws.ToInt64(o.Size)
		}
	}
	return out
}

func (tg *s3eTarget) get(k string) ([]byte, error) {
	out, err := tg.client().GetObject(context.Background(), &s3.GetObjectInput{Bucket: &tg.bucket, Key: tg.key(k)})
	if err != nil {
		return nil, err
	}
	defer out.Body.Close()
	return io.ReadAll(out.Body)
}

func (tg *s3eTarget) put(k, body string) {
	tg.t.Helper()
	_, err := tg.client().PutObject(context.Background(), &s3.PutObjectInput{Bucket: &tg.bucket, Key: tg.key(k), Body: strings.NewReader(body)})
	if err != nil {
		tg.t.Fatal(err)
	}
}

func (tg *s3eTarget) remove(k string) {
	tg.t.Helper()
	if _, err := tg.client().DeleteObject(context.Background(), &s3.DeleteObjectInput{Bucket: &tg.bucket, Key: tg.key(k)}); err != nil {
		tg.t.Fatal(err)
	}
}

// site returns a path in the site's folder.
func (tg *s3eTarget) site(rel string) string { return filepath.Join(filepath.Dir(tg.cfg), rel) }

// addEpisode adds an entry with its own audio and art, copied from the
// example's under new names.
func (tg *s3eTarget) addEpisode(slug string) {
	tg.t.Helper()
	copyAll(tg.t, tg.site("media/heroine.mp3"), tg.site("media/"+slug+".mp3"))
	copyAll(tg.t, tg.site("artwork/heroine.jpg"), tg.site("artwork/"+slug+".jpg"))
	md := "---\ntitle: \"" + slug + ": a new episode\"\ndate: 2026-11-20T09:00:00Z\nauthor: Ada Critic\nrating: 3\n" +
		"image: artwork/" + slug + ".jpg\naudio:\n  file: media/" + slug + ".mp3\n  season: 3\n  episode: 42\n---\nA new episode.\n"
	if err := os.WriteFile(tg.site("reviews/"+slug+".md"), []byte(md), 0o644); err != nil {
		tg.t.Fatal(err)
	}
}

// checkLive asserts what a listener can rely on at any moment: every live
// feed is well-formed, and every object under the base URL it references
// (enclosures, alternate enclosures, images, transcripts, chapters) exists,
// with the length the feed states.
func (tg *s3eTarget) checkLive() {
	tg.t.Helper()
	objs := tg.objects()
	for _, feed := range s3eFeeds {
		body, err := tg.get(feed)
		if err != nil {
			if _, ok := objs[feed]; ok {
				tg.t.Errorf("get live %s: %v", feed, err)
			}
			continue
		}
		refs, err := feedcheck.References(feed, s3eBase, body)
		if err != nil {
			tg.t.Errorf("live %s is not valid: %v", feed, err)
			continue
		}
		if len(refs) == 0 && feed != "reviews.xml" && feed != "reviews.atom" {
			tg.t.Errorf("live %s references nothing under %s", feed, s3eBase)
		}
		for ref, length := range refs {
			size, ok := objs[ref]
			switch {
			case !ok:
				tg.t.Errorf("live %s references %s, which is not in the bucket", feed, ref)
			case length >= 0 && size != length:
				tg.t.Errorf("live %s says %s is %d bytes; the object has %d", feed, ref, length, size)
			}
		}
	}
}

func sameKeys(got, want []string) bool {
	sort.Strings(want)
	return slices.Equal(got, want)
}

// TestS3Publish walks a site's life on a real S3 server: the first
// publish, an unchanged one, a new episode, an edited review, --prune, and
// a lost manifest.
func TestS3Publish(t *testing.T) {
	srv := s3test.Start(t)
	hook := newS3Hook(t, srv.Endpoint)
	tg := newS3Target(t, srv, hook.URL())

	// First publish: every object, with its type and caching.
	if s := tg.publishJSON(); s.Uploaded != 17 {
		t.Fatalf("first publish uploaded %d files, want 17", s.Uploaded)
	}
	objs := tg.objects()
	wantTypes := map[string]string{
		"podcast.xml":  "application/rss+xml; charset=utf-8",
		"video.xml":    "application/rss+xml; charset=utf-8",
		"reviews.xml":  "application/rss+xml; charset=utf-8",
		"reviews.atom": "application/atom+xml; charset=utf-8",
		"reviews.json": "application/feed+json; charset=utf-8",
		".mp3":         "audio/mpeg",
		".mp4":         "video/mp4",
		".jpg":         "image/jpeg",
		".vtt":         "text/vtt; charset=utf-8",
		".srt":         "application/x-subrip; charset=utf-8",
	}
	for k := range objs {
		if strings.HasPrefix(k, ".feedpub/") {
			continue
		}
		head, err := tg.client().HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: &tg.bucket, Key: tg.key(k)})
		if err != nil {
			t.Fatal(err)
		}
		ct, cc := aws.ToString(head.ContentType), aws.ToString(head.CacheControl)
		want, ok := wantTypes[k]
		if !ok {
			want, ok = wantTypes[filepath.Ext(k)]
		}
		if ok && ct != want || ct == "" {
			t.Errorf("%s: Content-Type %q, want %q", k, ct, want)
		}
		wantCC := "public, max-age=86400"
		if slices.Contains(s3eFeeds, k) {
			wantCC = "public, max-age=300"
		}
		if cc != wantCC {
			t.Errorf("%s: Cache-Control %q, want %q", k, cc, wantCC)
		}
		if len(head.Metadata["sha256"]) != 64 {
			t.Errorf("%s: no sha256 metadata: %v", k, head.Metadata)
		}
	}
	if _, ok := objs[publish.ManifestKey]; !ok {
		t.Errorf("no manifest")
	}
	if _, ok := objs[publish.LockKey]; ok {
		t.Errorf("lock left behind")
	}
	podcast, err := tg.get("podcast.xml")
	if err != nil {
		t.Fatal(err)
	}
	encl := regexp.MustCompile(`<enclosure url="`+regexp.QuoteMeta(s3eBase)+`([^"]+)" length="(\d+)"`).FindAllSubmatch(podcast, -1)
	if len(encl) != 3 {
		t.Errorf("podcast.xml has %d enclosures, want 3", len(encl))
	}
	for _, m := range encl {
		if n, _ := strconv.ParseInt(string(m[2]), 10, 64); objs[string(m[1])] != n {
			t.Errorf("enclosure %s says %d bytes, the object has %d", m[1], n, objs[string(m[1])])
		}
	}
	tg.checkLive()

	t.Run("unchanged", func(t *testing.T) {
		before := hook.count()
		s := tg.publishJSON()
		httpRequests := hook.count() - before
		if s.Uploaded != 0 || s.Requests > 4 {
			t.Errorf("unchanged site: uploaded %d, %d requests; want 0 and at most 4 (lock, manifest, unlock)", s.Uploaded, s.Requests)
		}
		// Besides the store calls --json counts, the CLI reads the manifest
		// once more for the GUID check and s3store probes once per run
		// whether the server honours conditional writes (4 requests).
		t.Logf("unchanged publish: %d store calls, %d HTTP requests", s.Requests, httpRequests)
		if httpRequests > 8 {
			t.Errorf("unchanged publish made %d HTTP requests, want at most 8: %v", httpRequests, hook.log()[before:])
		}
	})

	t.Run("new episode", func(t *testing.T) {
		tg.addEpisode("the-substance")
		want := []string{"media/the-substance.mp3", "artwork/the-substance.jpg", "podcast.xml", "reviews.xml", "reviews.atom", "reviews.json"}
		if got := tg.plannedUploads(); !sameKeys(got, want) {
			t.Errorf("dry run plans %v, want %v", got, want)
		}
		if got := tg.uploadedKeys(); !sameKeys(got, want) {
			t.Errorf("publish uploaded %v, want %v", got, want)
		}
		tg.checkLive()
	})

	t.Run("edited review", func(t *testing.T) {
		p := tg.site("reviews/aftersun.md")
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, bytes.Replace(b, []byte("never explains"), []byte("never once explains"), 1), 0o644); err != nil {
			t.Fatal(err)
		}
		want := []string{"reviews.xml", "reviews.atom", "reviews.json"}
		if got := tg.plannedUploads(); !sameKeys(got, want) {
			t.Errorf("dry run plans %v, want %v", got, want)
		}
		if got := tg.uploadedKeys(); !sameKeys(got, want) {
			t.Errorf("publish uploaded %v, want %v", got, want)
		}
	})

	t.Run("prune", func(t *testing.T) {
		tg.put("media/foreign.mp3", "not written by feedpub")
		tg.put("index.html", "<p>the outlet's own page</p>")
		if err := os.Remove(tg.site("reviews/past-lives.md")); err != nil {
			t.Fatal(err)
		}
		gone := []string{"media/past-lives.mp3", "media/past-lives.chapters.json", "media/past-lives.en.vtt"}

		t.Setenv("FEEDPUB_PUBLISH_MAX_DELETES", "2")
		r := tg.publish("--prune")
		if r.code != 1 || !strings.Contains(r.stderr, "--prune would delete 3 objects, more than publish.max_deletes (2)") {
			t.Errorf("prune over max_deletes: want exit 1 and the limit explained: %s", r)
		}
		objs := tg.objects()
		for _, k := range gone {
			if _, ok := objs[k]; !ok {
				t.Errorf("%s deleted although the prune was refused", k)
			}
		}
		// Without --prune the orphans stay and are only mentioned.
		if s := tg.publishJSON(); s.Deleted != 0 || s.Orphaned != 3 {
			t.Errorf("publish without --prune: deleted %d, orphaned %d; want 0 and 3", s.Deleted, s.Orphaned)
		}
		if s := tg.publishJSON("--prune", "--force"); s.Deleted != 3 {
			t.Errorf("--prune --force deleted %d, want 3", s.Deleted)
		}
		objs = tg.objects()
		for _, k := range gone {
			if _, ok := objs[k]; ok {
				t.Errorf("%s not pruned", k)
			}
		}
		for _, k := range []string{"media/foreign.mp3", "index.html"} {
			if _, ok := objs[k]; !ok {
				t.Errorf("prune deleted %s, which feedpub did not write", k)
			}
		}
		tg.checkLive()
	})

	t.Run("no manifest", func(t *testing.T) {
		tg.remove(publish.ManifestKey)
		s := tg.publishJSON()
		// The identities, and the edit date of the review edited above,
		// are read back from the live feeds: nothing moves.
		for _, a := range s.Objects {
			if a.Action == "upload" {
				t.Errorf("publish into a bucket without manifest uploaded %s (%s %s): sha256 metadata should match", a.Key, a.Reason, a.Detail)
			}
		}
		if s.Orphaned != 0 {
			t.Errorf("publish into a bucket without manifest: orphaned %d, want 0 (foreign objects are not orphans)", s.Orphaned)
		}
		if _, ok := tg.objects()[publish.ManifestKey]; !ok {
			t.Error("manifest not written again")
		}
		if s := tg.publishJSON(); s.Uploaded != 0 || s.Requests > 4 {
			t.Errorf("then: uploaded %d, %d requests", s.Uploaded, s.Requests)
		}
	})
}

// TestS3Errors checks the one line a user sees for the common mistakes.
func TestS3Errors(t *testing.T) {
	srv := s3test.Start(t)
	tg := newS3Target(t, srv, srv.Endpoint)
	oneLine := func(t *testing.T, r cliOutcome, want string) {
		t.Helper()
		lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
		if r.code != 1 || len(lines) != 1 || !strings.HasPrefix(lines[0], "feedpub: ") || !strings.Contains(lines[0], want) {
			t.Errorf("want exit 1 and one line with %q: %s", want, r)
		}
	}
	t.Run("wrong secret", func(t *testing.T) {
		tg.setEnv(srv.Endpoint, "wrong-"+srv.SecretKey[len(srv.SecretKey)/2:])
		oneLine(t, tg.publish(), "the secret access key is wrong")
	})
	t.Run("unknown key id", func(t *testing.T) {
		tg.setEnv(srv.Endpoint, srv.SecretKey)
		t.Setenv("AWS_ACCESS_KEY_ID", "nobody")
		oneLine(t, tg.publish(), "access key ID is not known")
	})
	t.Run("missing bucket", func(t *testing.T) {
		tg.setEnv(srv.Endpoint, srv.SecretKey)
		t.Setenv("FEEDPUB_PUBLISH_TARGET", "s3://no-such-bucket/feeds")
		oneLine(t, tg.publish(), `bucket "no-such-bucket" does not exist`)
	})
	t.Run("unreachable", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		tg.setEnv("http://"+addr, srv.SecretKey)
		start := time.Now()
		r := tg.publish()
		oneLine(t, r, "cannot reach endpoint http://"+addr)
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("unreachable endpoint took %s to report", d)
		}
	})
}

// s3Hook is an HTTP proxy that sees every S3 request: it counts them by
// kind and can inject a fault on the Nth request of a kind, after part of
// the request body has gone through.
type s3Hook struct {
	srv *httptest.Server
	rp  *httputil.ReverseProxy

	mu     sync.Mutex
	counts map[string]int
	reqs   []string
	arm    func(kind string, n int) func() // returns the fault to inject, or nil
	hold   chan struct{}                   // when set, media puts wait for it to close
}

func newS3Hook(t *testing.T, upstream string) *s3Hook {
	t.Helper()
	u, err := url.Parse(upstream)
	if err != nil {
		t.Fatal(err)
	}
	h := &s3Hook{counts: map[string]int{}}
	h.rp = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(u)
			pr.Out.Host = pr.In.Host // signed
		},
		ErrorHandler: func(w http.ResponseWriter, _ *http.Request, _ error) { hangUp(w) },
	}
	h.srv = httptest.NewServer(h)
	t.Cleanup(h.srv.Close)
	return h
}

func (h *s3Hook) URL() string { return h.srv.URL }

// hangUp closes the client's connection without an answer.
func hangUp(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if c, _, err := hj.Hijack(); err == nil {
			c.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

// kind classifies a request by what feedpub does with it.
func kind(r *http.Request) string {
	p := r.URL.Path
	switch {
	case strings.Contains(p, "/.feedpub-probe-"):
		return "probe"
	case strings.HasSuffix(p, "/"+publish.LockKey):
		return strings.ToLower(r.Method) + " lock"
	case strings.HasSuffix(p, "/"+publish.ManifestKey):
		return strings.ToLower(r.Method) + " manifest"
	case r.Method == http.MethodPut && (strings.Contains(p, "/media/") || strings.Contains(p, "/artwork/")):
		return "put media"
	case r.Method == http.MethodPut && slices.ContainsFunc(s3eFeeds, func(f string) bool { return strings.HasSuffix(p, "/"+f) }):
		return "put feed"
	}
	return strings.ToLower(r.Method)
}

func (h *s3Hook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	k := kind(r)
	h.mu.Lock()
	h.counts[k]++
	h.reqs = append(h.reqs, r.Method+" "+r.URL.Path)
	var fault func()
	if h.arm != nil {
		fault = h.arm(k, h.counts[k])
		if fault != nil {
			h.arm = nil
		}
	}
	hold := h.hold
	h.mu.Unlock()
	if hold != nil && k == "put media" {
		<-hold
	}
	if fault != nil {
		io.CopyN(io.Discard, r.Body, max(r.ContentLength/2, 1)) // part of the body went through
		fault()
		hangUp(w)
		return
	}
	h.rp.ServeHTTP(w, r)
}

func (h *s3Hook) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.reqs)
}

func (h *s3Hook) log() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.reqs)
}

// setArm injects fault on the nth request of kind k (once).
func (h *s3Hook) setArm(k string, nth int, fault func()) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.arm = func(kind string, n int) func() {
		if kind == k && n >= nth {
			return fault
		}
		return nil
	}
}

// TestS3Faults cuts the network (or kills the server) in each phase of a
// publish that adds an episode to a live site. Every time publish must
// fail with a message that says what state the target is in, the live
// feeds must stay valid and reference only objects in place, and once the
// network is back a publish must complete and the next one upload nothing.
func TestS3Faults(t *testing.T) {
	srv := s3test.Start(t)
	hook := newS3Hook(t, srv.Endpoint)
	fp := s3test.NewFaultProxy(t, hook.URL())
	for i, tc := range []struct {
		name, kind string
		nth        int
		kill       bool   // stop the server instead of cutting the network
		want       string // in the error line
	}{
		{"media", "put media", 2, false, "media upload stopped, the live feeds were not touched"},
		{"feeds", "put feed", 2, false, "feed upload stopped; each feed is either the old or the new version, and all media is in place"},
		{"manifest", "put manifest", 1, false, "write manifest"},
		{"server killed", "put media", 1, true, "media upload stopped, the live feeds were not touched"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tg := newS3Target(t, srv, fp.Endpoint())
			tg.mustPublish()
			tg.addEpisode("ep-" + strconv.Itoa(i))

			hook.setArm(tc.kind, tc.nth, func() {
				if tc.kill {
					srv.Stop(t)
				}
				fp.Refuse()
			})
			start := time.Now()
			r := tg.publish()
			t.Logf("failed publish took %s: %s", time.Since(start).Round(time.Millisecond), strings.TrimSpace(r.stderr))
			lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
			if r.code != 1 || len(lines) != 1 || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("want exit 1 and one line with %q: %s", tc.want, r)
			}
			if tc.kill {
				srv.Resume(t)
			}
			fp.Forward(t)
			tg.checkLive()

			_, left := tg.objects()[publish.LockKey]
			if tc.kill && !left {
				t.Error("the server was killed before publish could unlock, yet no lock was left: the case tests nothing")
			}
			if left {
				// The network was gone when publish tried to unlock: it must
				// have said so, and the next publish, on this machine where
				// the holder is provably gone, takes the lock over with no
				// flag and says so.
				if !strings.Contains(r.stderr, "the publish lock .feedpub/lock was left in place") || !strings.Contains(r.stderr, "the next publish on this machine takes it over") {
					t.Errorf("lock left behind without a word: %s", r)
				}
				r := tg.mustPublish()
				if !strings.Contains(r.stderr, "took over the publish lock held by feedpub on ") || !strings.Contains(r.stderr, "has ended") {
					t.Errorf("the dead holder's lock was taken over without a word: %s", r)
				}
			} else {
				tg.mustPublish()
			}
			tg.checkLive()
			if s := tg.publishJSON(); s.Uploaded != 0 {
				t.Errorf("third publish uploaded %d files, want 0", s.Uploaded)
			}
		})
	}
}

// TestS3Concurrent starts two publishes of the same site to the same
// target at once. The first to take the lock is held in its first media
// upload until the other has finished, so they overlap for sure: the other
// must fail with the lock message, and the result must be one consistent
// manifest. Then a stale lock is taken over, and a live one is not.
func TestS3Concurrent(t *testing.T) {
	srv := s3test.Start(t)
	hook := newS3Hook(t, srv.Endpoint)
	tg := newS3Target(t, srv, hook.URL())
	other := copyReelverdicts(t)

	hold := make(chan struct{})
	hook.mu.Lock()
	hook.hold = hold
	hook.mu.Unlock()
	results := make([]cliOutcome, 2)
	var wg sync.WaitGroup
	var once sync.Once
	for i, cfg := range []string{tg.cfg, other} {
		wg.Go(func() {
			results[i] = runFeedpub(t, false, "publish", "--config", cfg, "--no-verify")
			once.Do(func() { close(hold) }) // the loser is done: let the winner go on
		})
	}
	wg.Wait()
	hook.mu.Lock()
	hook.hold = nil
	hook.mu.Unlock()
	codes := []int{results[0].code, results[1].code}
	sort.Ints(codes)
	if codes[0] != 0 || codes[1] != 1 {
		t.Fatalf("want one success and one failure:\n%s\n---\n%s", results[0], results[1])
	}
	for _, r := range results {
		if r.code == 1 && !strings.Contains(r.stderr, "another publish is in progress") {
			t.Errorf("the loser's message does not name the lock: %s", r)
		}
	}
	body, err := tg.get(publish.ManifestKey)
	if err != nil {
		t.Fatal(err)
	}
	var m publish.Manifest
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	objs := tg.objects()
	if len(m.Objects) != 17 {
		t.Errorf("manifest lists %d objects, want 17", len(m.Objects))
	}
	for k, rec := range m.Objects {
		if size, ok := objs[k]; !ok || size != rec.Size {
			t.Errorf("manifest lists %s (%d bytes); the bucket has %d (present: %v)", k, rec.Size, size, ok)
		}
	}
	tg.checkLive()

	lock := func(expires time.Time) string {
		// Held by a process on another machine: whether it runs cannot be
		// known from here, so only its expiry ends it.
		b, _ := json.Marshal(map[string]any{"owner": "feedpub on crashed-host (pid 4242)", "started": expires.Add(-2 * time.Hour), "expires": expires,
			"host": "crashed-host", "pid": 4242, "pid_start": "1"})
		return string(b)
	}
	tg.put(publish.LockKey, lock(time.Now().Add(time.Hour)))
	// A publish with work to do meets the lock (an unchanged site needs
	// no lock: it is recognised from the manifest alone).
	edit(t, tg.site("reviews/heroine.md"), func(s string) string { return s + "\nA note.\n" })
	r := tg.publish()
	if r.code != 1 || !strings.Contains(r.stderr, "another publish is in progress: feedpub on crashed-host (pid 4242) has held .feedpub/lock") {
		t.Errorf("live lock: %s", r)
	}
	if r := tg.mustPublish("--break-lock"); !strings.Contains(r.stderr, "removed the publish lock held by feedpub on crashed-host (pid 4242)") {
		t.Errorf("--break-lock did not say whose lock it removed: %s", r)
	}
	if _, ok := tg.objects()[publish.LockKey]; ok {
		t.Error("lock not released after --break-lock")
	}
	tg.put(publish.LockKey, lock(time.Now().Add(-time.Minute)))
	// A publish with work to do takes the stale lock over (an unchanged
	// site is recognised without taking the lock at all).
	edit(t, tg.site("reviews/aftersun.md"), func(s string) string { return s + "\nA later thought.\n" })
	tg.mustPublish()
	if _, ok := tg.objects()[publish.LockKey]; ok {
		t.Error("stale lock taken over but not released")
	}
}
