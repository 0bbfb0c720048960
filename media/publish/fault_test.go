package publish_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/feedpub/feedpub/feeds/feedcheck"
	"github.com/feedpub/feedpub/media/publish"
	"github.com/feedpub/feedpub/media/store"
	"github.com/feedpub/feedpub/media/store/localstore"
)

// baseURL is where the synthetic site's objects are served.
const baseURL = "https://cdn.example/"

// episode is one entry of the synthetic site.
type episode struct {
	slug  string
	audio []byte
	art   []byte
	text  string
}

// site is a synthetic build: episodes become media files on disk, and two
// feeds (podcast.xml with enclosures, art, transcripts; reviews.json)
// reference them by URL and length, as the real renderers do.
type site struct {
	eps []episode
}

func payload(seed string, n int) []byte {
	var b bytes.Buffer
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "%s-%d;", seed, i)
	}
	return b.Bytes()[:n]
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// files writes the site's media under dir and returns the build, media
// first, each media file at the key pub gives it (a changed file gets a
// content-versioned key), as the real build does.
func (s site) files(t testing.TB, dir string, pub *publish.Published) []publish.File {
	t.Helper()
	var files []publish.File
	addMedia := func(key string, body []byte, ct string) string {
		p := filepath.Join(dir, filepath.FromSlash(key))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, body, 0o644); err != nil {
			t.Fatal(err)
		}
		pk := pub.Key(key, int64(len(body)), sum(body))
		files = append(files, publish.File{Key: pk, Kind: publish.KindMedia, Path: p, Size: int64(len(body)),
			SHA256: sum(body), ContentType: ct, CacheControl: "public, max-age=86400"})
		return pk
	}
	var rss bytes.Buffer
	rss.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:podcast="https://podcastindex.org/namespace/1.0"><channel>` +
		`<atom:link xmlns:atom="http://www.w3.org/2005/Atom" href="` + baseURL + `podcast.xml" rel="self"/>`)
	type attachment struct {
		URL  string `json:"url"`
		Size int64  `json:"size_in_bytes"`
	}
	type item struct {
		ID          string       `json:"id"`
		Text        string       `json:"content_text"`
		Attachments []attachment `json:"attachments,omitempty"`
	}
	var items []item
	for _, e := range s.eps {
		audio := addMedia("media/"+e.slug+".mp3", e.audio, "audio/mpeg")
		art := addMedia("artwork/"+e.slug+".jpg", e.art, "image/jpeg")
		vtt := addMedia("media/"+e.slug+".en.vtt", []byte("WEBVTT\n\n00:00.000 --> 00:01.000\n"+e.slug+"\n"), "text/vtt")
		// sha256= stands in for podcast:integrity: the checksum the feed
		// states for the object it names.
		fmt.Fprintf(&rss, `<item><guid>%s</guid><enclosure url="%s%s" length="%d" type="audio/mpeg" sha256="%s"/>`+
			`<itunes:image href="%s%s"/><podcast:transcript url="%s%s" type="text/vtt"/></item>`,
			e.slug, baseURL, audio, len(e.audio), sum(e.audio), baseURL, art, baseURL, vtt)
		items = append(items, item{ID: e.slug, Text: e.text, Attachments: []attachment{{URL: baseURL + audio, Size: int64(len(e.audio))}}})
	}
	rss.WriteString("</channel></rss>\n")
	js, err := json.MarshalIndent(map[string]any{"version": "https://jsonfeed.org/version/1.1", "feed_url": baseURL + "reviews.json", "items": items}, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		key, ct string
		body    []byte
	}{
		{"podcast.xml", "application/rss+xml; charset=utf-8", rss.Bytes()},
		{"reviews.json", "application/feed+json; charset=utf-8", js},
	} {
		files = append(files, publish.File{Key: f.key, Kind: publish.KindFeed, Body: f.body, Size: int64(len(f.body)),
			SHA256: sum(f.body), ContentType: f.ct, CacheControl: "public, max-age=300"})
	}
	return files
}

var feedKeys = []string{"podcast.xml", "reviews.json"}

var statedSHA = regexp.MustCompile(`url="` + regexp.QuoteMeta(baseURL) + `([^"]+)" length="\d+" type="[^"]+" sha256="([0-9a-f]{64})"`)

// checkLiveFeeds asserts the invariant of an interrupted publish: every feed
// in the store is well-formed, and every object it references exists with
// the length and the checksum the feed states. A re-encoded episode gets a
// new key, so no window exists in which an old feed states the old length
// of a new file.
func checkLiveFeeds(t testing.TB, st store.Store) {
	t.Helper()
	ctx := context.Background()
	for _, key := range feedKeys {
		rc, _, err := st.Get(ctx, key)
		if errors.Is(err, store.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatalf("get live %s: %v", key, err)
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		refs, err := feedcheck.References(key, baseURL, body)
		if err != nil {
			t.Fatalf("live %s is not valid: %v\n%s", key, err, body)
		}
		for ref, length := range refs {
			o, err := st.Stat(ctx, ref)
			if err != nil {
				t.Errorf("live %s references %s%s, which is missing: %v", key, baseURL, ref, err)
				continue
			}
			if length >= 0 && o.Size != length {
				t.Errorf("live %s says %s is %d bytes; the object has %d", key, ref, length, o.Size)
			}
		}
		for _, m := range statedSHA.FindAllStringSubmatch(string(body), -1) {
			rc, _, err := st.Get(ctx, m[1])
			if err != nil {
				continue // reported above
			}
			b, _ := io.ReadAll(rc)
			rc.Close()
			if got := sum(b); got != m[2] {
				t.Errorf("live %s states SHA-256 %s for %s; the object has %s", key, m[2], m[1], got)
			}
		}
	}
}

// errInjected is the fault of faultStore.
var errInjected = errors.New("injected fault")

// faultMode says how faultStore fails its chosen call.
type faultMode int

const (
	failBefore faultMode = iota // the request never reaches the store
	failAfter                   // the store did it, the response was lost
	retried                     // the response was lost and the client sent the request again
)

func (m faultMode) String() string {
	return [...]string{"before", "after", "retried"}[m]
}

// faultStore fails its failAt-th call (counting from 1, every method but
// String), and records every call.
type faultStore struct {
	store.Store
	failAt int
	mode   faultMode

	mu    sync.Mutex
	n     int
	calls []string
	hit   string // the call that failed
}

func (s *faultStore) tick(op, key string) (fail bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	s.calls = append(s.calls, op+" "+key)
	if s.n == s.failAt {
		s.hit = op + " " + key
		return true
	}
	return false
}

func (s *faultStore) List(ctx context.Context, prefix string) ([]store.Object, error) {
	if s.tick("list", prefix) {
		if s.mode == failBefore {
			return nil, errInjected
		}
		s.Store.List(ctx, prefix)
		if s.mode == failAfter {
			return nil, errInjected
		}
	}
	return s.Store.List(ctx, prefix)
}

func (s *faultStore) Stat(ctx context.Context, key string) (store.Object, error) {
	if s.tick("stat", key) && s.mode != retried {
		return store.Object{}, errInjected
	}
	return s.Store.Stat(ctx, key)
}

func (s *faultStore) Get(ctx context.Context, key string) (io.ReadCloser, store.Object, error) {
	if s.tick("get", key) && s.mode != retried {
		return nil, store.Object{}, errInjected
	}
	return s.Store.Get(ctx, key)
}

func (s *faultStore) Put(ctx context.Context, key string, r io.Reader, o store.PutOptions) (store.Object, error) {
	if !s.tick("put", key) {
		return s.Store.Put(ctx, key, r, o)
	}
	if s.mode == failBefore {
		// Part of the body was sent when the connection dropped.
		io.CopyN(io.Discard, r, o.Size/2)
		return store.Object{}, errInjected
	}
	obj, err := s.Store.Put(ctx, key, r, o)
	if s.mode == failAfter || err != nil {
		return store.Object{}, errInjected
	}
	// The client did not see the answer and sends the same request again.
	sk, ok := r.(io.Seeker)
	if !ok {
		return obj, fmt.Errorf("faultStore: cannot retry put %s: body is not an io.Seeker", key)
	}
	if _, err := sk.Seek(0, io.SeekStart); err != nil {
		return obj, err
	}
	return s.Store.Put(ctx, key, r, o)
}

func (s *faultStore) Delete(ctx context.Context, key string) error {
	if s.tick("delete", key) {
		if s.mode == failBefore {
			return errInjected
		}
		s.Store.Delete(ctx, key)
		if s.mode == failAfter {
			return errInjected
		}
	}
	return s.Store.Delete(ctx, key)
}

// copyTree copies the folder src to dst, for restoring a target's state.
func copyTree(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		out := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(out, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(out, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// tempDir is a fresh folder on tmpfs when there is one: localstore syncs
// every file it writes, and the test writes thousands.
func tempDir(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("/dev/shm", "feedpub-publish-test-")
	if err != nil {
		return t.TempDir()
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

func newLocal(t testing.TB, dir string) *localstore.Store {
	t.Helper()
	st, err := localstore.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func options(now time.Time, concurrency int) publish.Options {
	return publish.Options{
		Concurrency: concurrency,
		Prune:       true,
		MaxDeletes:  100,
		Owner:       "test",
		Now:         func() time.Time { return now },
	}
}

// storeState is every object of a store and its content hash.
func storeState(t testing.TB, st store.Store) map[string]string {
	t.Helper()
	objs, err := st.List(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, o := range objs {
		rc, _, err := st.Get(context.Background(), o.Key)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		out[o.Key] = sum(b)
	}
	return out
}

// TestFaultEveryCall publishes a change (a new episode, a re-encoded
// episode, a removed one, an edited text) over a published site, failing
// each store call of the publish in turn, in each fault mode and with one
// and several uploads at once. After every failure the live feeds must be
// valid and reference only objects that exist with the stated length; a
// clean rerun must then complete, leave the target as a clean publish
// would, and a third run must upload nothing. The same is done from an
// empty target.
func TestFaultEveryCall(t *testing.T) {
	v1 := site{eps: []episode{
		{slug: "alpha", audio: payload("alpha", 3000), art: payload("alpha-art", 700), text: "Alpha."},
		{slug: "bravo", audio: payload("bravo", 2500), art: payload("bravo-art", 600), text: "Bravo."},
		{slug: "charlie", audio: payload("charlie", 2000), art: payload("charlie-art", 500), text: "Charlie."},
	}}
	v2 := site{eps: []episode{
		{slug: "alpha", audio: payload("alpha", 3000), art: payload("alpha-art", 700), text: "Alpha, with a corrected review."},
		{slug: "bravo", audio: payload("bravo-remaster", 2700), art: payload("bravo-art", 600), text: "Bravo."}, // re-encoded in place
		{slug: "delta", audio: payload("delta", 4000), art: payload("delta-art", 800), text: "Delta."},          // new
		// charlie is gone: its objects are orphans, pruned.
	}}
	now := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

	for _, tc := range []struct {
		name   string
		before *site // published first; nil for an empty target
		after  site
	}{
		{"change", &v1, v2},
		{"cold", nil, v1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The target before the faulty publish.
			base := tempDir(t)
			srcDir := tempDir(t)
			if tc.before != nil {
				if _, err := publishSite(t, newLocal(t, base), *tc.before, filepath.Join(srcDir, "v1"), options(now, 1)); err != nil {
					t.Fatal(err)
				}
			}
			v2dir := filepath.Join(srcDir, "v2")
			run := func(st store.Store, opt publish.Options) (*publish.Report, error) {
				return publishSite(t, st, tc.after, v2dir, opt)
			}

			// A clean publish: the expected end state and the number of calls.
			want := tempDir(t)
			copyTree(t, base, want)
			counter := &faultStore{Store: newLocal(t, want)}
			if _, err := run(counter, options(now, 1)); err != nil {
				t.Fatal(err)
			}
			wantState := storeState(t, newLocal(t, want))
			calls := len(counter.calls)
			t.Logf("a clean publish makes %d store calls: %s", calls, strings.Join(counter.calls, ", "))

			for _, mode := range []faultMode{failBefore, failAfter, retried} {
				for _, conc := range []int{1, 4} {
					for n := 1; n <= calls+1; n++ {
						name := fmt.Sprintf("%s/c%d/%d", mode, conc, n)
						dir := tempDir(t)
						copyTree(t, base, dir)
						fs := &faultStore{Store: newLocal(t, dir), failAt: n, mode: mode}
						_, err := run(fs, options(now, conc))
						if fs.hit == "" {
							if err != nil {
								t.Errorf("%s: no fault injected, yet: %v", name, err)
							}
						} else {
							checkLiveFeeds(t, fs.Store)
							if err == nil && mode == failBefore && fs.hit != "delete "+publish.LockKey {
								t.Errorf("%s: %s failed, yet publish succeeded", name, fs.hit)
							}
							// A request retried after a lost answer succeeded:
							// the publish must not fail for it.
							if err != nil && mode == retried {
								t.Errorf("%s: %s was retried and succeeded, yet publish failed: %v", name, fs.hit, err)
							}
						}
						if t.Failed() {
							t.Fatalf("%s: fault at %q: %v", name, fs.hit, err)
						}

						// The next publish, by another process later: it may
						// find a lock left behind and takes it over once expired.
						st := newLocal(t, dir)
						if _, err := st.Stat(t.Context(), publish.LockKey); err == nil {
							if fs.hit != "put "+publish.LockKey && fs.hit != "delete "+publish.LockKey {
								t.Errorf("%s: fault at %q left the lock behind", name, fs.hit)
							}
							// Its holder, this process's publish, has ended:
							// the lock is taken over at once, and said so.
							rep, err := run(st, options(now, conc))
							if err != nil || !slices.ContainsFunc(rep.Warnings, func(w string) bool { return strings.Contains(w, "took over the publish lock") }) {
								t.Fatalf("%s: fault at %q left the lock; a rerun gave %v (warnings %q), want it taken over", name, fs.hit, err, rep.Warnings)
							}
						}
						later := options(now.Add(publish.DefaultLockTTL+time.Minute), conc)
						if _, err := run(st, later); err != nil {
							t.Fatalf("%s: fault at %q: rerun: %v", name, fs.hit, err)
						}
						checkLiveFeeds(t, st)
						if got := storeState(t, st); !maps.Equal(got, wantState) {
							t.Fatalf("%s: fault at %q: after the rerun the target differs from a clean publish:\n%s", name, fs.hit, diffState(got, wantState))
						}
						rep, err := run(st, later)
						if err != nil || rep.Uploaded != 0 || rep.Deleted != 0 {
							t.Fatalf("%s: fault at %q: third run uploaded %d, deleted %d: %v", name, fs.hit, rep.Uploaded, rep.Deleted, err)
						}
					}
				}
			}
		})
	}
}

func diffState(got, want map[string]string) string {
	var lines []string
	for k, v := range got {
		if w, ok := want[k]; !ok {
			lines = append(lines, "extra "+k)
		} else if w != v {
			lines = append(lines, "differs "+k)
		}
	}
	for k := range want {
		if _, ok := got[k]; !ok {
			lines = append(lines, "missing "+k)
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// publishSite publishes s as the real publish does: open the session, build
// against what the target holds, apply, close.
func publishSite(t testing.TB, st store.Store, s site, dir string, opt publish.Options) (*publish.Report, error) {
	t.Helper()
	sess, err := publish.Open(t.Context(), st, opt)
	if err != nil {
		return sess.Report(), err
	}
	rep, err := sess.Apply(t.Context(), s.files(t, dir, sess.Published()), nil)
	if cerr := sess.Close(); cerr != nil && err == nil {
		rep.Warnings = append(rep.Warnings, cerr.Error())
	}
	return rep, err
}
