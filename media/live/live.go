// Package live checks what a listener receives after a publish: each feed
// fetched at its public URL without credentials, as an app fetches it, and
// each newly uploaded enclosure asked for (HEAD) at the URL the feed states,
// through any analytics prefix and its redirects. Uploading can succeed
// while nobody can read the result (a private bucket, a base_url that
// points elsewhere, a cache serving the old feed); only asking as a
// listener shows it.
package live

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/feedpub/feedpub/config/safehttp"
)

// Feed is one published feed as a listener should get it.
type Feed struct {
	Name   string // podcast, reviews-rss, ...: for messages
	URL    string
	Size   int64
	SHA256 string // lower-case hex of the bytes published
	// Changed means this publish uploaded the feed: its bytes are fetched
	// and compared with SHA256. Of an unchanged feed only the status and
	// the length are compared when the server states the length, which
	// saves downloading a large feed again; otherwise it is hashed too.
	Changed bool
}

// Enclosure is a media file as a feed states it.
type Enclosure struct {
	URL    string // as the feed states it: with the analytics prefix, if any
	Type   string
	Length int64
}

// Results of a Check.
const (
	OK          = "ok"
	Forbidden   = "forbidden"   // 401 or 403: not public
	NotFound    = "not_found"   // 404: base_url does not point at the target
	Stale       = "stale"       // other bytes than those just uploaded
	Mismatch    = "mismatch"    // another length or type than the feed states
	Failed      = "failed"      // another status, or a broken answer
	Unreachable = "unreachable" // no answer at all (name, connection, time)
)

// Check is the outcome of asking for one URL.
type Check struct {
	Kind    string `json:"kind"` // feed or enclosure
	URL     string `json:"url"`
	Status  int    `json:"status"` // of the last answer; 0 when none came
	Result  string `json:"result"` // one of the constants above
	Message string `json:"message,omitempty"`
}

// Options bound a check.
type Options struct {
	// Client sends every request, without credentials; it follows
	// redirects (config/safehttp's client). Required.
	Client *http.Client
	// Budget bounds the whole check (default 2 minutes): the time to
	// fetch the feeds that changed, however large, and ask about the new
	// enclosures. Each request's wait for an answer is the client's.
	Budget time.Duration
	// Concurrency bounds the requests in flight (default 4).
	Concurrency int
	// StaleRetries are the waits before fetching a stale feed again, for
	// a cache that was just told to clear it (publish.cdn); nil for none.
	StaleRetries []time.Duration
	// BaseURL and Target name the settings in messages.
	BaseURL, Target string
}

// Verify asks for every feed and enclosure concurrently and returns one
// Check each, feeds first, in the order given.
func Verify(ctx context.Context, feeds []Feed, encs []Enclosure, o Options) []Check {
	if o.Budget <= 0 {
		o.Budget = 2 * time.Minute
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 4
	}
	ctx, cancel := context.WithTimeout(ctx, o.Budget)
	defer cancel()
	out := make([]Check, len(feeds)+len(encs))
	var g errgroup.Group
	g.SetLimit(o.Concurrency)
	for i, f := range feeds {
		g.Go(func() error { out[i] = checkFeed(ctx, f, o); return nil })
	}
	for i, e := range encs {
		g.Go(func() error { out[len(feeds)+i] = checkEnclosure(ctx, e, o); return nil })
	}
	_ = g.Wait()
	return out
}

// checkFeed fetches a feed, hashed as it arrives (an unchanged one of a
// stated length only to its headers), and again after each of StaleRetries
// while it is stale.
func checkFeed(ctx context.Context, f Feed, o Options) Check {
	c := Check{Kind: "feed", URL: f.URL}
	for attempt := 0; ; attempt++ {
		c = fetchFeed(ctx, f, o)
		if c.Result != Stale || attempt >= len(o.StaleRetries) {
			return c
		}
		select {
		case <-ctx.Done():
			return c
		case <-time.After(o.StaleRetries[attempt]):
		}
	}
}

func fetchFeed(ctx context.Context, f Feed, o Options) Check {
	c := Check{Kind: "feed", URL: f.URL}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.URL, nil)
	if err != nil {
		return c.fail(Failed, 0, "%v", err)
	}
	// As an app asks; Go's transport then undoes a gzip encoding itself.
	req.Header.Set("Accept", "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, */*;q=0.8")
	req.Header.Set("Cache-Control", "no-cache")
	resp, err := o.Client.Do(req)
	if err != nil {
		return c.unreachable(err)
	}
	defer resp.Body.Close()
	if bad, ok := c.status(resp, o); !ok {
		return bad
	}
	if t := safehttp.MediaType(resp.Header.Get("Content-Type")); t != "" && !strings.Contains(t, "xml") && !strings.Contains(t, "json") {
		return c.fail(Mismatch, resp.StatusCode, "served as %s: apps want the feed as XML or JSON (the web server's type for the file)", t)
	}
	if !f.Changed && !resp.Uncompressed && resp.ContentLength >= 0 {
		// Its length tells an old copy well enough, without the download.
		if resp.ContentLength != f.Size {
			return c.fail(Stale, resp.StatusCode, "a cache is serving an old feed: it has %d bytes, the published one %d: %s", resp.ContentLength, f.Size, staleFix)
		}
		return c.ok(resp.StatusCode)
	}
	h := sha256.New()
	n, err := io.Copy(h, resp.Body)
	if err != nil {
		return c.fail(Failed, resp.StatusCode, "reading the feed: %v", err)
	}
	if sum := hex.EncodeToString(h.Sum(nil)); sum != f.SHA256 {
		return c.fail(Stale, resp.StatusCode, "a cache is serving an old feed: got %d bytes (SHA-256 %.12s…), just published %d bytes (SHA-256 %.12s…): %s", n, sum, f.Size, f.SHA256, staleFix)
	}
	return c.ok(resp.StatusCode)
}

const staleFix = "set publish.cdn (cloudfront or purge_url) so that publish clears the cache, or shorten how long it keeps the feeds"

// checkEnclosure asks for a media file as an app does before playing it:
// HEAD, through any redirects (an analytics prefix), and compares length
// and type with the feed's. A server without HEAD is asked for one byte.
func checkEnclosure(ctx context.Context, e Enclosure, o Options) Check {
	c := Check{Kind: "enclosure", URL: e.URL}
	resp, err := ask(ctx, o, http.MethodHead, e.URL)
	if err == nil && (resp.StatusCode == http.StatusMethodNotAllowed || resp.StatusCode == http.StatusNotImplemented) {
		resp.Body.Close()
		resp, err = ask(ctx, o, http.MethodGet, e.URL)
	}
	if err != nil {
		return c.unreachable(err)
	}
	defer resp.Body.Close()
	if bad, ok := c.status(resp, o); !ok {
		return bad
	}
	if n := safehttp.ServedLength(resp); n >= 0 && e.Length > 0 && n != e.Length {
		return c.fail(Mismatch, resp.StatusCode, "served %d bytes, the feed states %d: apps stop or fail at the difference", n, e.Length)
	}
	if t := safehttp.MediaType(resp.Header.Get("Content-Type")); t != "" && e.Type != "" && t != safehttp.MediaType(e.Type) {
		return c.fail(Mismatch, resp.StatusCode, "served as %s, the feed states %s: some apps will not play it", t, e.Type)
	}
	return c.ok(resp.StatusCode)
}

// ask sends a HEAD, or a GET of the first byte.
func ask(ctx context.Context, o Options, method, url string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, nil)
	if err != nil {
		return nil, err
	}
	if method == http.MethodGet {
		req.Header.Set("Range", "bytes=0-0")
	}
	return o.Client.Do(req)
}

// status turns an answer other than 200 or 206 into its Check.
func (c Check) status(resp *http.Response, o Options) (Check, bool) {
	code := resp.StatusCode
	where := ""
	if u := resp.Request.URL.String(); u != c.URL {
		where = " (redirected to " + u + ")"
	}
	switch {
	case code == http.StatusOK || code == http.StatusPartialContent:
		return c, true
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return c.fail(Forbidden, code, "%s to a listener%s: the published objects are not public; set publish.acl: public-read (on a bucket that takes ACLs) or give %s a policy that lets everyone read (s3:GetObject); a web server in front of a folder must serve it to everyone", resp.Status, where, o.Target), false
	case code == http.StatusNotFound:
		return c.fail(NotFound, code, "%s%s: site.base_url (%s) does not point at the target (%s), or the target is not served there; set base_url to where the target's files are served", resp.Status, where, o.BaseURL, o.Target), false
	}
	return c.fail(Failed, code, "the server answered %s%s", resp.Status, where), false
}

// unreachable is the Check of a request that got no answer to judge: no
// answer at all, or a redirect refused (a loop, a scheme, a public URL
// leading into this machine's network), which is an answer gone wrong.
func (c Check) unreachable(err error) Check {
	if ue := (*url.Error)(nil); errors.As(err, &ue) {
		err = ue.Err // the check names the URL already
	}
	if errors.Is(err, safehttp.ErrNonPublic) || errors.Is(err, safehttp.ErrRedirectLoop) || errors.Is(err, safehttp.ErrScheme) {
		return c.fail(Failed, 0, "%v", err)
	}
	return c.fail(Unreachable, 0, "no answer: %v", err)
}

func (c Check) ok(code int) Check {
	c.Status, c.Result = code, OK
	return c
}

func (c Check) fail(result string, code int, format string, args ...any) Check {
	c.Status, c.Result, c.Message = code, result, fmt.Sprintf(format, args...)
	return c
}
