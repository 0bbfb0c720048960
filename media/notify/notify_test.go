package notify_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/feedpub/feedpub/media/notify"
	"github.com/feedpub/feedpub/media/notify/notifytest"
)

var change = notify.Change{
	Feeds: []notify.Feed{
		{Name: "podcast", Key: "podcast.xml", URL: "https://media.example/podcast.xml", Medium: "podcast"},
		{Name: "reviews-rss", Key: "reviews.xml", URL: "https://media.example/reviews.xml"},
	},
	Added: []notify.Entry{{Title: "Ep 43", GUID: "g-43", Feed: "podcast.xml"}},
}

// fast keeps the tests quick; the bounds are what they test, not sleeps.
var fast = notify.Options{Backoff: []time.Duration{time.Millisecond}, Timeout: 2 * time.Second, Budget: 5 * time.Second, UserAgent: "feedpub test"}

func sendAll(t *testing.T, reqs []notify.Request, opt notify.Options) []notify.Result {
	t.Helper()
	res := notify.Send(context.Background(), reqs, opt)
	if len(res) != len(reqs) {
		t.Fatalf("%d results for %d requests", len(res), len(reqs))
	}
	return res
}

func TestExactRequests(t *testing.T) {
	hub, index, podping, hook, purge := notifytest.New(t), notifytest.New(t), notifytest.New(t), notifytest.New(t), notifytest.New(t)
	tg := notify.Targets{
		WebSub:       []string{hub.URL + "/hub"},
		PodcastIndex: index.URL + "/api/1.0/hub/pubnotify",
		PodpingURL:   podping.URL + "/",
		PodpingToken: "s3cret-token",
		Webhooks:     []notify.Webhook{{URL: hook.URL + "/feedpub"}},
		PurgeURL:     purge.URL + "/purge?url={url}",
	}
	reqs := append(notify.PurgeRequests(tg, change), notify.Requests(tg, change)...)
	for _, r := range sendAll(t, reqs, fast) {
		if r.Err != nil {
			t.Errorf("%s: %v", r.Request, r.Err)
		}
	}

	got := hub.Got()
	if len(got) != 2 {
		t.Fatalf("hub got %d requests, want one per changed feed: %+v", len(got), got)
	}
	bodies := map[string]bool{}
	for _, r := range got {
		if r.Method != "POST" || r.Path != "/hub" || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
			t.Errorf("hub request %+v", r)
		}
		bodies[r.Body] = true
	}
	for _, f := range change.Feeds {
		if want := "hub.mode=publish&hub.url=" + url.QueryEscape(f.URL); !bodies[want] {
			t.Errorf("hub never got %q (got %v)", want, bodies)
		}
	}

	got = index.Got()
	if len(got) != 1 || got[0].Method != "GET" || got[0].Path != "/api/1.0/hub/pubnotify" ||
		!reflect.DeepEqual(got[0].Query, url.Values{"url": {"https://media.example/podcast.xml"}}) ||
		got[0].Header.Get("User-Agent") != "feedpub test" {
		t.Errorf("index got %+v, want one GET ?url=<podcast feed> (review feeds are not podcasts)", got)
	}

	got = podping.Got()
	wantQ := url.Values{"url": {"https://media.example/podcast.xml"}, "reason": {"update"}, "medium": {"podcast"}}
	if len(got) != 1 || got[0].Method != "GET" || !reflect.DeepEqual(got[0].Query, wantQ) || got[0].Header.Get("Authorization") != "s3cret-token" {
		t.Errorf("podping got %+v", got)
	}

	got = hook.Got()
	if len(got) != 1 || got[0].Method != "POST" || got[0].Path != "/feedpub" || got[0].Header.Get("Content-Type") != "application/json" {
		t.Fatalf("webhook got %+v", got)
	}
	var p notify.WebhookPayload
	if err := json.Unmarshal([]byte(got[0].Body), &p); err != nil {
		t.Fatal(err)
	}
	want := notify.WebhookPayload{
		Feeds: []notify.WebhookFeed{{"podcast", "podcast.xml", "https://media.example/podcast.xml"}, {"reviews-rss", "reviews.xml", "https://media.example/reviews.xml"}},
		Added: change.Added,
	}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("webhook body %+v, want %+v", p, want)
	}

	// Requests run concurrently: compare as a set.
	got = purge.Got()
	purged := map[string]bool{}
	for _, r := range got {
		if r.Method == "GET" && r.Path == "/purge" {
			purged[r.Query.Get("url")] = true
		}
	}
	if len(got) != 2 || !purged[change.Feeds[0].URL] || !purged[change.Feeds[1].URL] {
		t.Errorf("purge got %+v, want one GET per changed feed", got)
	}
}

func TestRetriedOn5xxNotOn4xx(t *testing.T) {
	flaky := notifytest.New(t, 500, 204)
	gone := notifytest.New(t, 404)
	tg := notify.Targets{Webhooks: []notify.Webhook{{URL: flaky.URL}, {URL: gone.URL}}}
	res := sendAll(t, notify.Requests(tg, change), fast)
	if res[0].Err != nil || res[0].Tries != 2 || len(flaky.Got()) != 2 {
		t.Errorf("500 then 204: %+v, %d requests; want success on the second try", res[0], len(flaky.Got()))
	}
	if res[1].Err == nil || res[1].Tries != 1 || res[1].Status != 404 || len(gone.Got()) != 1 {
		t.Errorf("404: %+v, %d requests; want one try and an error", res[1], len(gone.Got()))
	}
	if w := res[1].Warning(); !strings.Contains(w, "HTTP 404") || !strings.Contains(w, gone.URL) {
		t.Errorf("warning %q names neither the status nor the endpoint", w)
	}
}

func TestHangingEndpointAbandoned(t *testing.T) {
	release := make(chan struct{})
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(hang.Close)
	t.Cleanup(func() { close(release) })
	opt := fast
	opt.Timeout, opt.Budget = 100*time.Millisecond, 400*time.Millisecond
	start := time.Now()
	res := sendAll(t, notify.Requests(notify.Targets{WebSub: []string{hang.URL}}, change), opt)
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("Send took %s with a 400ms bound", took)
	}
	for _, r := range res {
		if r.Err == nil {
			t.Errorf("%s: no error from a server that never answers", r.Request)
		}
	}
}

func TestSecretsNeverInMessages(t *testing.T) {
	// Nothing listens on port 1 of localhost: a network error, retried.
	tg := notify.Targets{
		PodcastIndex: "http://user:pw@127.0.0.1:1/pubnotify?key=s3cret-key",
		PodpingURL:   "http://127.0.0.1:1/?token=s3cret-q", PodpingToken: "s3cret-token",
	}
	reqs := notify.Requests(tg, change)
	for _, r := range sendAll(t, reqs, fast) {
		if r.Err == nil || r.Tries != notify.DefaultTries {
			t.Errorf("%s: %+v, want a network error after every try", r.Request, r)
		}
		for _, s := range []string{r.Warning(), r.Request.String()} {
			if strings.Contains(s, "s3cret") || strings.Contains(s, "pw@") {
				t.Errorf("secret in %q", s)
			}
		}
	}
}

func TestNothingChangedNothingSent(t *testing.T) {
	tg := notify.Targets{WebSub: []string{"https://hub.example/"}, Webhooks: []notify.Webhook{{URL: "https://h.example/"}}, PurgeURL: "https://c.example/?u={url}"}
	if r := append(notify.Requests(tg, notify.Change{}), notify.PurgeRequests(tg, notify.Change{})...); len(r) != 0 {
		t.Errorf("no change, yet %v", r)
	}
}
