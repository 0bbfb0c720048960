package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/feedpub/feedpub/media/notify"
	"github.com/feedpub/feedpub/media/notify/cloudfront/cftest"
	"github.com/feedpub/feedpub/media/notify/notifytest"
)

// feedpubNotify runs the CLI like feedpub, with notification bounds.
func feedpubNotify(t *testing.T, opt notify.Options, args ...string) cliResult {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{Stdout: &out, Stderr: &errb, Now: func() time.Time { return now }, IsTerminal: func(io.Writer) bool { return false }, Notify: opt}
	code := run(args, e)
	return cliResult{code, out.String(), errb.String()}
}

// appendConfig adds lines to the example's publish: section, its last.
func appendConfig(t *testing.T, cfg, lines string) {
	t.Helper()
	f, err := os.OpenFile(cfg, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(lines); err != nil {
		t.Fatal(err)
	}
}

func readFeeds(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, name := range feedFiles {
		data, err := os.ReadFile(filepath.Join(dir, "public", name))
		if err != nil {
			t.Fatal(err)
		}
		out[name] = data
	}
	return out
}

// changedFeeds lists the feed keys whose bytes differ between two reads.
func changedFeeds(before, after map[string][]byte) []string {
	var out []string
	for _, name := range feedFiles {
		if !bytes.Equal(before[name], after[name]) {
			out = append(out, name)
		}
	}
	return out
}

// addEpisode adds a review with audio (season 3, episode 42) to the site.
func addEpisode(t *testing.T, dir string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "media", "season-3-trailer.mp3"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "media", "ep42.mp3"), string(data))
	writeFile(t, filepath.Join(dir, "reviews", "ep42.md"), "---\ntitle: \"Episode 42\"\ndate: 2026-11-27T09:00:00Z\naudio:\n  file: media/ep42.mp3\n  season: 3\n  episode: 42\n---\nThe week's film.\n")
}

func TestNotifyAcceptance(t *testing.T) {
	hub, index, podping, hook, purge := notifytest.New(t), notifytest.New(t), notifytest.New(t), notifytest.New(t), notifytest.New(t)
	cf := cftest.NewServer(t)
	cf.Env(t)
	t.Setenv("FEEDPUB_TEST_PODPING", "pp-token-never-printed")
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	appendConfig(t, cfg, `  notify:
    websub: ["`+hub.URL+`/"]
    podcastindex: "`+index.URL+`/api/1.0/hub/pubnotify"
    podping: {url: "`+podping.URL+`/", token_env: FEEDPUB_TEST_PODPING}
    webhooks: [{url: "`+hook.URL+`/feedpub"}]
  cdn:
    cloudfront: E2EXAMPLE
    purge_url: "`+purge.URL+`/purge?url={url}"
`)
	r := mustRun(t, "publish", "--config", cfg)
	first := readFeeds(t, dir)
	if !bytes.Contains(first["podcast.xml"], []byte(`<atom:link href="`+hub.URL+`/" rel="hub"></atom:link>`)) {
		t.Errorf("podcast.xml does not declare the hub")
	}
	if got := len(hub.Take()); got != len(feedFiles) {
		t.Errorf("first publish: hub got %d pings, want one per feed (%d)", got, len(feedFiles))
	}
	index.Take()
	podping.Take()
	hook.Take()
	purge.Take()
	if strings.Contains(r.stdout+r.stderr, "pp-token") {
		t.Error("the podping token was printed")
	}

	addEpisode(t, dir)
	r = mustRun(t, "publish", "--config", cfg)
	changed := changedFeeds(first, readFeeds(t, dir))
	if len(changed) == 0 || len(changed) == len(feedFiles) {
		t.Fatalf("changed feeds %v: the test needs some, not all", changed)
	}
	var wantURLs []string
	for _, k := range changed {
		wantURLs = append(wantURLs, baseURL+k)
	}
	sort.Strings(wantURLs)

	var pinged []string
	for _, h := range hub.Take() {
		form, _ := url.ParseQuery(h.Body)
		if h.Method != "POST" || h.Header.Get("Content-Type") != "application/x-www-form-urlencoded" || form.Get("hub.mode") != "publish" {
			t.Errorf("hub request %+v", h)
		}
		pinged = append(pinged, form.Get("hub.url"))
	}
	sort.Strings(pinged)
	if strings.Join(pinged, " ") != strings.Join(wantURLs, " ") {
		t.Errorf("hub pinged %v, want exactly the changed feeds %v", pinged, wantURLs)
	}
	if h := index.Take(); len(h) != 1 || h[0].Method != "GET" || h[0].Path != "/api/1.0/hub/pubnotify" || h[0].Query.Get("url") != baseURL+"podcast.xml" {
		t.Errorf("index got %+v, want one pubnotify for podcast.xml (video.xml did not change)", h)
	}
	if h := podping.Take(); len(h) != 1 || h[0].Query.Get("url") != baseURL+"podcast.xml" || h[0].Query.Get("medium") != "podcast" ||
		h[0].Query.Get("reason") != "update" || h[0].Header.Get("Authorization") != "pp-token-never-printed" {
		t.Errorf("podping got %+v", h)
	}
	hooks := hook.Take()
	if len(hooks) != 1 {
		t.Fatalf("webhook got %d requests", len(hooks))
	}
	var payload notify.WebhookPayload
	if err := json.Unmarshal([]byte(hooks[0].Body), &payload); err != nil {
		t.Fatal(err)
	}
	if len(payload.Feeds) != len(changed) || len(payload.Added) != len(changed) {
		t.Errorf("webhook payload %+v: want the %d changed feeds and the new entry in each", payload, len(changed))
	}
	for _, a := range payload.Added {
		if a.Title != "Episode 42" || a.GUID == "" {
			t.Errorf("added %+v, want Episode 42 with its GUID", a)
		}
	}
	if h := purge.Take(); len(h) != len(changed) {
		t.Errorf("purge got %d requests, want %d", len(h), len(changed))
	}
	invs := cf.Invalidations()
	if len(invs) != 2 {
		t.Fatalf("%d CloudFront invalidations, want one per publish", len(invs))
	}
	var wantPaths []string
	for _, k := range changed {
		wantPaths = append(wantPaths, "/"+k)
	}
	sort.Strings(wantPaths)
	if inv := invs[1]; inv.Distribution != "E2EXAMPLE" || strings.Join(inv.Paths, " ") != strings.Join(wantPaths, " ") ||
		!inv.Signed || inv.CallerReference == invs[0].CallerReference || !strings.HasPrefix(inv.CallerReference, "feedpub-") {
		t.Errorf("invalidation %+v, want paths %v and a new caller reference", inv, wantPaths)
	}
	if !strings.Contains(r.stdout, "invalidated in CloudFront E2EXAMPLE") {
		t.Errorf("stdout does not report the invalidation:\n%s", r.stdout)
	}

	// Nothing changed: nobody is told anything.
	mustRun(t, "publish", "--config", cfg)
	for name, e := range map[string]*notifytest.Endpoint{"hub": hub, "index": index, "podping": podping, "webhook": hook, "purge": purge} {
		if h := e.Take(); len(h) != 0 {
			t.Errorf("a no-op publish sent %s %d requests", name, len(h))
		}
	}
	if n := len(cf.Invalidations()); n != 2 {
		t.Errorf("a no-op publish invalidated CloudFront (%d invalidations)", n)
	}
}

func TestNotifyFailureIsAWarning(t *testing.T) {
	flaky := notifytest.New(t, 500, 204)
	release := make(chan struct{})
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(hang.Close)
	t.Cleanup(func() { close(release) })
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	appendConfig(t, cfg, `  notify:
    websub: ["`+flaky.URL+`/"]
    webhooks: [{url: "`+hang.URL+`/hook?secret=hook-secret"}]
`)
	opt := notify.Options{Backoff: []time.Duration{time.Millisecond}, Timeout: 100 * time.Millisecond, Budget: time.Second}
	start := time.Now()
	r := feedpubNotify(t, opt, "publish", "--config", cfg)
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("publish took %s with notifications bounded to 1s", took)
	}
	if r.code != 0 {
		t.Fatalf("exit %d: a failed notification must not fail the publish\n%s", r.code, r.stderr)
	}
	hits := flaky.Take()
	if len(hits) != len(feedFiles)+1 {
		t.Errorf("hub got %d requests, want one per feed plus the retry of the one answered 500", len(hits))
	}
	want := regexp.MustCompile(`warning: webhook ` + regexp.QuoteMeta(hang.URL) + `/hook \(.*\) failed after \d tr`)
	if !want.MatchString(r.stderr) {
		t.Errorf("no warning naming the hanging webhook:\n%s", r.stderr)
	}
	if strings.Contains(r.stderr+r.stdout, "hook-secret") {
		t.Error("the webhook's query secret was printed")
	}
	if strings.Contains(r.stderr, "warning: websub") {
		t.Errorf("the hub that answered 204 on a retry is reported as failed:\n%s", r.stderr)
	}
}

func TestNotifyDryRunAndNoNotify(t *testing.T) {
	hub := notifytest.New(t)
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	appendConfig(t, cfg, `  notify:
    websub: ["`+hub.URL+`/"]
    podcastindex: true
  cdn:
    cloudfront: E2EXAMPLE
`)
	r := mustRun(t, "publish", "--config", cfg, "--dry-run")
	for _, want := range []string{
		"would notify websub       POST  " + hub.URL + "/ (" + baseURL + "podcast.xml)",
		"would notify podcastindex GET   https://api.podcastindex.org/api/1.0/hub/pubnotify (" + baseURL + "video.xml)",
		"would invalidate in CloudFront E2EXAMPLE: /podcast.xml /reviews.atom /reviews.json /reviews.xml /video.xml",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("dry run does not list %q:\n%s", want, r.stdout)
		}
	}
	// A publish with --no-notify tells nobody, not even the real index or
	// CloudFront (which this test could not reach).
	r = mustRun(t, "publish", "--config", cfg, "--no-notify")
	if h := hub.Take(); len(h) != 0 || strings.Contains(r.stdout, "notified") {
		t.Errorf("--no-notify sent %d requests:\n%s", len(h), r.stdout)
	}
}

func TestPrefixChangesOnlyEnclosureURLs(t *testing.T) {
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	mustRun(t, "publish", "--config", cfg)
	plain := readFeeds(t, dir)
	data, _ := os.ReadFile(cfg)
	withPrefix := strings.Replace(string(data), "podcast:\n", "podcast:\n  enclosure_prefix: https://op3.dev/e/\n", 1)
	withPrefix = strings.Replace(withPrefix, "video:\n", "video:\n  enclosure_prefix: https://op3.dev/e/\n", 1)
	writeFile(t, cfg, withPrefix)
	mustRun(t, "publish", "--config", cfg)
	prefixed := readFeeds(t, dir)

	for _, name := range []string{"reviews.xml", "reviews.atom", "reviews.json"} {
		if !bytes.Equal(plain[name], prefixed[name]) {
			t.Errorf("%s changed with a podcast enclosure prefix", name)
		}
	}
	encURL := regexp.MustCompile(`<enclosure url="([^"]+)"`)
	sourceURI := regexp.MustCompile(`<podcast:source uri="([^"]+)"`)
	guid := regexp.MustCompile(`<guid[^>]*>[^<]*</guid>|<podcast:guid>[^<]*</podcast:guid>`)
	integrity := regexp.MustCompile(`<podcast:integrity [^>]*>`)
	for _, name := range []string{"podcast.xml", "video.xml"} {
		urls := append(encURL.FindAllSubmatch(prefixed[name], -1), sourceURI.FindAllSubmatch(prefixed[name], -1)...)
		if len(urls) == 0 {
			t.Fatalf("%s: no enclosures", name)
		}
		for _, m := range urls {
			if !strings.HasPrefix(string(m[1]), "https://op3.dev/e/media.reelverdicts.example/media/") {
				t.Errorf("%s: media URL %s, want https://op3.dev/e/ + the URL without its scheme", name, m[1])
			}
		}
		for _, re := range []*regexp.Regexp{guid, integrity} {
			a, b := re.FindAll(plain[name], -1), re.FindAll(prefixed[name], -1)
			if len(a) == 0 || !bytes.Equal(bytes.Join(a, nil), bytes.Join(b, nil)) {
				t.Errorf("%s: %s differ with the prefix (%d vs %d)", name, re, len(a), len(b))
			}
		}
	}
	// The uploads are the same objects at the same keys.
	if _, err := os.Stat(filepath.Join(dir, "public", "media", "heroine.mp3")); err != nil {
		t.Error(err)
	}
}
