// Package notify tells the outside world that feeds changed: WebSub hubs,
// the Podcast Index, a podping gateway, plain webhooks, and CDN purge URLs.
// A publish calls it once its feeds are in place. Nothing here can fail a
// publish: every request is retried a few times, each within its own time
// budget, and a failure comes back as a Result the caller prints as a
// warning (and records, to send it again at the next publish).
//
// The requests are planned (Requests, PurgeRequests) separately from being
// sent (Send), so publish --dry-run can list exactly what a publish would
// send, and tests can assert it.
package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/feedpub/feedpub/config/diag"
)

// Feed is one feed whose bytes a publish changed.
type Feed struct {
	Name string // podcast, video, reviews-rss, reviews-atom, reviews-json
	Key  string // object key, e.g. podcast.xml
	URL  string // public URL
	// Medium is "podcast" or "video" for the podcast feeds (what podping
	// calls them), "" for the review feeds.
	Medium string
}

// Entry is an item a publish added to a feed.
type Entry struct {
	Title string `json:"title"`
	GUID  string `json:"guid"`
	Feed  string `json:"feed"` // the feed's key
}

// Change is what one publish changed.
type Change struct {
	Feeds []Feed
	Added []Entry
}

// Targets says whom to tell; the zero value tells nobody.
type Targets struct {
	WebSub []string // hub URLs
	// PodcastIndex is the pubnotify endpoint; "" for none.
	PodcastIndex string
	// PodpingURL is the gateway; "" for none. PodpingToken is sent as the
	// Authorization header and never appears in a message.
	PodpingURL   string
	PodpingToken string
	Webhooks     []Webhook
	// PurgeURL is a CDN purge template with "{url}" for the escaped feed URL.
	PurgeURL string
}

// Webhook is one plain endpoint, told in a JSON body (none for GET).
type Webhook struct {
	URL    string
	Method string // POST, PUT, PATCH or GET
}

// Request is one HTTP request to send.
type Request struct {
	Kind   string // websub, podcastindex, podping, webhook or purge
	Method string
	URL    string // may carry secrets in its query: never print it
	Header http.Header
	Body   []byte
	// Endpoint is URL without user info, query or fragment: what messages
	// name, since a query often holds a key.
	Endpoint string
	// About says what the request announces: a feed URL, or a count.
	About string
	// Feeds are the keys of the feeds it announces, and Added (webhooks)
	// the entries its body lists: what a failed request is recorded by, to
	// be planned and sent again at the next publish.
	Feeds []string
	Added []Entry
}

// String describes the request for a dry run, without secrets.
func (r Request) String() string {
	return fmt.Sprintf("%-12s %-5s %s (%s)", r.Kind, r.Method, r.Endpoint, r.About)
}

// PurgeRequests lists the CDN purges for c: one GET of t.PurgeURL per
// changed feed. They go before the notifications, so that whoever is told
// fetches the new feed, not a cached old one.
func PurgeRequests(t Targets, c Change) []Request {
	if t.PurgeURL == "" {
		return nil
	}
	var out []Request
	for _, f := range c.Feeds {
		u := strings.ReplaceAll(t.PurgeURL, "{url}", url.QueryEscape(f.URL))
		out = append(out, Request{Kind: "purge", Method: http.MethodGet, URL: u, Endpoint: Redact(u), About: f.URL, Feeds: []string{f.Key}})
	}
	return out
}

// Requests lists the notifications for c, in a fixed order: each hub for
// each changed feed, the Podcast Index and podping for each changed
// podcast feed, then each webhook once.
func Requests(t Targets, c Change) []Request {
	if len(c.Feeds) == 0 {
		return nil
	}
	var out []Request
	for _, hub := range t.WebSub {
		for _, f := range c.Feeds {
			body := url.Values{"hub.mode": {"publish"}, "hub.url": {f.URL}}.Encode()
			out = append(out, Request{
				Kind: "websub", Method: http.MethodPost, URL: hub,
				Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
				Body:   []byte(body), Endpoint: Redact(hub), About: f.URL, Feeds: []string{f.Key},
			})
		}
	}
	for _, f := range c.Feeds {
		if f.Medium == "" {
			continue
		}
		if t.PodcastIndex != "" {
			u := withQuery(t.PodcastIndex, url.Values{"url": {f.URL}})
			out = append(out, Request{Kind: "podcastindex", Method: http.MethodGet, URL: u, Endpoint: Redact(u), About: f.URL, Feeds: []string{f.Key}})
		}
		if t.PodpingURL != "" {
			u := withQuery(t.PodpingURL, url.Values{"url": {f.URL}, "reason": {"update"}, "medium": {f.Medium}})
			out = append(out, Request{
				Kind: "podping", Method: http.MethodGet, URL: u,
				Header:   http.Header{"Authorization": {t.PodpingToken}},
				Endpoint: Redact(u), About: f.URL + ", medium " + f.Medium, Feeds: []string{f.Key},
			})
		}
	}
	if len(t.Webhooks) > 0 {
		body := webhookBody(c)
		about := fmt.Sprintf("%d changed feeds, %d added entries", len(c.Feeds), len(c.Added))
		var keys []string
		for _, f := range c.Feeds {
			keys = append(keys, f.Key)
		}
		for _, w := range t.Webhooks {
			r := Request{Kind: "webhook", Method: w.Method, URL: w.URL, Endpoint: Redact(w.URL), About: about, Feeds: keys, Added: c.Added}
			if r.Method == "" {
				r.Method = http.MethodPost
			}
			if r.Method != http.MethodGet {
				r.Header = http.Header{"Content-Type": {"application/json"}}
				r.Body = body
			}
			out = append(out, r)
		}
	}
	return out
}

// WebhookPayload is the JSON body a webhook receives.
type WebhookPayload struct {
	Feeds []WebhookFeed `json:"feeds"`
	Added []Entry       `json:"added"`
}

// WebhookFeed is one changed feed in a WebhookPayload.
type WebhookFeed struct {
	Name string `json:"name"`
	Key  string `json:"key"`
	URL  string `json:"url"`
}

func webhookBody(c Change) []byte {
	p := WebhookPayload{Feeds: []WebhookFeed{}, Added: []Entry{}}
	for _, f := range c.Feeds {
		p.Feeds = append(p.Feeds, WebhookFeed{Name: f.Name, Key: f.Key, URL: f.URL})
	}
	p.Added = append(p.Added, c.Added...)
	b, _ := json.Marshal(p) // strings and slices only: cannot fail
	return b
}

// withQuery adds q to the query of base, keeping what base has.
func withQuery(base string, q url.Values) string {
	u, err := url.Parse(base)
	if err != nil {
		return base // the config check refuses such URLs
	}
	have := u.Query()
	for k, vs := range q {
		have[k] = vs
	}
	u.RawQuery = have.Encode()
	return u.String()
}

// Redact returns u without user info, query or fragment, for messages.
func Redact(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "(an unparsable URL)"
	}
	p.User, p.RawQuery, p.ForceQuery, p.Fragment, p.RawFragment = nil, "", false, "", ""
	return p.String()
}

// Options bound the sending. Zero fields take the defaults.
type Options struct {
	Client *http.Client
	// UserAgent is sent with every request (the Podcast Index asks for
	// one that names the software).
	UserAgent string
	// Tries is the number of attempts per request (default 3); Backoff the
	// waits between them (default 0.5 s, then 1 s; the last repeats).
	Tries   int
	Backoff []time.Duration
	// Timeout bounds one attempt (default 10 s); Budget one request, its
	// tries and the waits between them included (default 15 s). Each
	// request has its own budget, counted from when it starts, so a hanging
	// endpoint costs its own budget and never another endpoint's.
	Timeout time.Duration
	Budget  time.Duration
}

// Defaults for Options.
const (
	DefaultTries   = 3
	DefaultTimeout = 10 * time.Second
	DefaultBudget  = 15 * time.Second
)

func (o Options) withDefaults() Options {
	if o.Client == nil {
		o.Client = http.DefaultClient
	}
	if o.Tries < 1 {
		o.Tries = DefaultTries
	}
	if len(o.Backoff) == 0 {
		o.Backoff = []time.Duration{500 * time.Millisecond, time.Second}
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Budget <= 0 {
		o.Budget = DefaultBudget
	}
	return o
}

// Result is the outcome of one request.
type Result struct {
	Request Request
	Status  int // the last HTTP status; 0 when none came
	// Tries counts the attempts actually made: 0 when the request was
	// never sent (the publish was interrupted first).
	Tries int
	Err   error // nil on success; never holds the URL's query
}

// Warning describes a failed request in one line, naming the endpoint
// without secrets.
func (r Result) Warning() string {
	if r.Tries == 0 {
		return fmt.Sprintf("%s %s (%s) was not sent: %v", r.Request.Kind, r.Request.Endpoint, r.Request.About, r.Err)
	}
	return fmt.Sprintf("%s %s (%s) failed after %s: %v; the feeds are published, only this notification is missing",
		r.Request.Kind, r.Request.Endpoint, r.Request.About, diag.Plural(r.Tries, "try"), r.Err)
}

// maxParallel bounds the requests in flight: a handful of endpoints, but
// each hub is asked once per feed.
const maxParallel = 8

// Send sends every request concurrently, each retried on a network error
// or a 5xx answer (a 4xx is final) within its own opt.Budget, and returns
// one Result per request, in order.
func Send(ctx context.Context, reqs []Request, opt Options) []Result {
	opt = opt.withDefaults()
	results := make([]Result, len(reqs))
	sem := make(chan struct{}, maxParallel)
	var wg sync.WaitGroup
	for i, r := range reqs {
		wg.Go(func() {
			select {
			case sem <- struct{}{}:
				defer func() { <-sem }()
				rctx, cancel := context.WithTimeout(ctx, opt.Budget)
				defer cancel()
				results[i] = send(ctx, rctx, r, opt)
			case <-ctx.Done():
				results[i] = Result{Request: r, Err: fmt.Errorf("interrupted before it was sent: %w", context.Cause(ctx))}
			}
		})
	}
	wg.Wait()
	return results
}

// budgetSpent is the error of a request whose budget ran out during an
// attempt.
func budgetSpent(opt Options) error {
	return fmt.Errorf("no answer within this notification's %s budget", opt.Budget)
}

// send makes the attempts of one request within ctx (its budget; parent
// is the publish's own context). Only attempts actually made are counted,
// and a wait that would outlast the budget is not begun.
func send(parent, ctx context.Context, r Request, opt Options) Result {
	res := Result{Request: r}
	for try := 1; ; try++ {
		if parent.Err() != nil {
			if res.Err == nil {
				res.Err = fmt.Errorf("interrupted before it was sent: %w", context.Cause(parent))
			}
			return res
		}
		res.Tries = try
		res.Status, res.Err = once(ctx, r, opt)
		if res.Err == nil || try == opt.Tries || (res.Status != 0 && res.Status < 500) {
			return res
		}
		wait := opt.Backoff[min(try-1, len(opt.Backoff)-1)]
		if d, ok := ctx.Deadline(); ok && time.Until(d) <= wait {
			res.Err = fmt.Errorf("%w; no time left in its %s budget to try again", res.Err, opt.Budget)
			return res
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return res
		case <-t.C:
		}
	}
}

// once makes one attempt. Its error never includes the URL: net/http's
// errors do, query and all.
func once(ctx context.Context, r Request, opt Options) (int, error) {
	actx, cancel := context.WithTimeout(ctx, opt.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, r.Method, r.URL, bytes.NewReader(r.Body))
	if err != nil {
		return 0, errors.New("not a valid request")
	}
	if r.Body == nil {
		req.Body, req.ContentLength = http.NoBody, 0
	}
	for k, vs := range r.Header {
		req.Header[k] = vs
	}
	if opt.UserAgent != "" {
		req.Header.Set("User-Agent", opt.UserAgent)
	}
	resp, err := opt.Client.Do(req)
	if err != nil {
		switch {
		case ctx.Err() != nil:
			return 0, budgetSpent(opt)
		case actx.Err() != nil:
			return 0, fmt.Errorf("no answer within %s", opt.Timeout)
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return 0, err
	}
	// Drain a little so the connection can be reused; the answer itself
	// is not used.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Errorf("HTTP %d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	return resp.StatusCode, nil
}
