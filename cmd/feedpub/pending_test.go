package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/feedpub/feedpub/media/notify"
	"github.com/feedpub/feedpub/media/notify/notifytest"
	"github.com/feedpub/feedpub/media/publish"
)

// hangingPurge is a CDN purge URL that never answers while hanging is
// set, and answers 204 after; it counts the requests per feed URL.
type hangingPurge struct {
	*httptest.Server
	hanging atomic.Bool
	mu      sync.Mutex
	hits    map[string]int
}

func newHangingPurge(t *testing.T) *hangingPurge {
	h := &hangingPurge{hits: map[string]int{}}
	h.hanging.Store(true)
	release := make(chan struct{})
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		h.hits[r.URL.Query().Get("url")]++
		h.mu.Unlock()
		if h.hanging.Load() {
			select {
			case <-r.Context().Done():
			case <-release:
			}
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(h.Close)
	t.Cleanup(func() { close(release) })
	return h
}

func (h *hangingPurge) take() map[string]int {
	h.mu.Lock()
	defer h.mu.Unlock()
	m := h.hits
	h.hits = map[string]int{}
	return m
}

func pendingOn(t *testing.T, out string) []publish.Pending {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(publish.ManifestKey)))
	if err != nil {
		t.Fatal(err)
	}
	var m publish.Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m.Pending
}

// TestNotifyHangingPurgeAndFailingWebhook: a CDN purge URL that hangs and
// a webhook that answers 500 do not keep the hub from being told; the
// warnings give the true number of tries; both are recorded in the
// target's manifest and sent at the next publish, even one with nothing
// to upload, then forgotten.
func TestNotifyHangingPurgeAndFailingWebhook(t *testing.T) {
	purge := newHangingPurge(t)
	hub := notifytest.New(t)
	hook := notifytest.New(t, 500, 500, 500, 204)
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	out := filepath.Join(dir, "public")
	appendConfig(t, cfg, `  notify:
    websub: ["`+hub.URL+`/"]
    webhooks: [{url: "`+hook.URL+`/feedpub?key=hook-secret"}]
  cdn:
    purge_url: "`+purge.URL+`/purge?url={url}&token=purge-secret"
`)
	opt := notify.Options{Backoff: []time.Duration{time.Millisecond}, Timeout: 100 * time.Millisecond, Budget: 250 * time.Millisecond}
	r := feedpubNotify(t, opt, "publish", "--config", cfg)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if n := len(hub.Take()); n != len(feedFiles) {
		t.Errorf("the hub got %d pings, want %d: a hanging purge URL starved it", n, len(feedFiles))
	}
	if n := len(hook.Got()); n != notify.DefaultTries {
		t.Errorf("the webhook got %d requests, want %d tries", n, notify.DefaultTries)
	}
	// Each warning states the tries the endpoint really received.
	hits := purge.take()
	if len(hits) != len(feedFiles) {
		t.Errorf("purge asked for %d feeds, want %d: %v", len(hits), len(feedFiles), hits)
	}
	tries := regexp.MustCompile(`warning: purge \S+ \(([^)]+)\) failed after (\d+) tr`)
	ms := tries.FindAllStringSubmatch(r.stderr, -1)
	if len(ms) != len(feedFiles) {
		t.Errorf("want a warning per hanging purge:\n%s", r.stderr)
	}
	for _, m := range ms {
		if n, _ := strconv.Atoi(m[2]); n != hits[m[1]] || n == 0 {
			t.Errorf("purge of %s: the warning says %s tries, the endpoint got %d", m[1], m[2], hits[m[1]])
		}
	}
	if !strings.Contains(r.stderr, "warning: webhook "+hook.URL+"/feedpub (") || !strings.Contains(r.stderr, "failed after 3 tries: HTTP 500") {
		t.Errorf("no true warning for the webhook:\n%s", r.stderr)
	}
	if strings.Contains(r.stdout+r.stderr, "secret") {
		t.Errorf("a secret of a URL's query was printed:\n%s%s", r.stdout, r.stderr)
	}
	pending := pendingOn(t, out)
	if len(pending) != len(feedFiles)+1 {
		t.Fatalf("the manifest records %d failed notifications, want %d: %+v", len(pending), len(feedFiles)+1, pending)
	}
	data, _ := os.ReadFile(filepath.Join(out, filepath.FromSlash(publish.ManifestKey)))
	if strings.Contains(string(data), "secret") {
		t.Error("the manifest holds a URL's query secret")
	}

	// The endpoints are back; nothing changed in the site.
	purge.hanging.Store(false)
	hook.Take()
	r = feedpubNotify(t, opt, "publish", "--config", cfg)
	if r.code != 0 || strings.Contains(r.stderr, "warning") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if hits := purge.take(); len(hits) != len(feedFiles) {
		t.Errorf("the purges were not sent again: %v", hits)
	}
	got := hook.Take()
	if len(got) != 1 {
		t.Fatalf("the webhook got %d requests, want the recorded one again", len(got))
	}
	var payload notify.WebhookPayload
	if err := json.Unmarshal([]byte(got[0].Body), &payload); err != nil || len(payload.Feeds) != len(feedFiles) || got[0].Query.Get("key") != "hook-secret" {
		t.Errorf("the webhook sent again: %v %+v %v", err, payload, got[0].Query)
	}
	if n := len(hub.Take()); n != 0 {
		t.Errorf("the hub, told the first time, got %d pings again", n)
	}
	if p := pendingOn(t, out); len(p) != 0 {
		t.Errorf("sent, yet still recorded: %+v", p)
	}
	r = feedpubNotify(t, opt, "publish", "--config", cfg)
	if len(purge.take())+len(hook.Take())+len(hub.Take()) != 0 || !strings.Contains(r.stdout, "nothing changed") {
		t.Errorf("a third publish sent notifications again:\n%s%s", r.stdout, r.stderr)
	}
}

// TestNotifyPendingGivenUpAfterADay: a notification recorded as failing
// for over a day is dropped, saying so, and not sent.
func TestNotifyPendingGivenUpAfterADay(t *testing.T) {
	hook := notifytest.New(t)
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	out := filepath.Join(dir, "public")
	appendConfig(t, cfg, `  notify:
    webhooks: [{url: "`+hook.URL+`/feedpub"}]
`)
	opt := notify.Options{Backoff: []time.Duration{time.Millisecond}, Timeout: time.Second}
	feedpubNotify(t, opt, "publish", "--config", cfg)
	hook.Take()
	spoilManifest(t, out, func(m map[string]any) {
		m["pending_notifications"] = []any{
			map[string]any{"kind": "webhook", "endpoint": hook.URL + "/feedpub", "feeds": []string{"podcast.xml"}, "since": now.Add(-25 * time.Hour).Format(time.RFC3339)},
			map[string]any{"kind": "webhook", "endpoint": hook.URL + "/feedpub", "feeds": []string{"video.xml"}, "since": now.Add(-23 * time.Hour).Format(time.RFC3339)},
		}
	})
	r := feedpubNotify(t, opt, "publish", "--config", cfg, "--dry-run")
	if !strings.Contains(r.stdout, "would notify again webhook      POST  "+hook.URL+"/feedpub (1 changed feeds, 0 added entries) (failing since 2026-11-27T13:00:00Z)") || len(hook.Take()) != 0 {
		t.Errorf("the dry run does not list the notification to send again, or sent it:\n%s", r.stdout)
	}
	r = feedpubNotify(t, opt, "publish", "--config", cfg)
	if !strings.Contains(r.stderr, "webhook "+hook.URL+"/feedpub (for podcast.xml) given up: failing since") {
		t.Errorf("the day-old notification is not given up aloud:\n%s", r.stderr)
	}
	got := hook.Take()
	var payload notify.WebhookPayload
	if len(got) != 1 || json.Unmarshal([]byte(got[0].Body), &payload) != nil || len(payload.Feeds) != 1 || payload.Feeds[0].Key != "video.xml" {
		t.Errorf("want only the recent one sent again, got %+v", got)
	}
	if p := pendingOn(t, out); len(p) != 0 {
		t.Errorf("still recorded: %+v", p)
	}
}
