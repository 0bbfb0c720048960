// Package remote checks a feed where it is served: it fetches the feed
// (bounded in time and size, gzip understood, redirects followed and
// reported) and asks the server about every enclosure (HEAD, concurrently
// and bounded), comparing the length and type it serves with what the feed
// states and checking that it serves byte ranges, which Apple Podcasts
// requires. The HTTP client is injected, so tests run against httptest;
// FetchTo writes the feed to a file, so a large one is never held.
package remote

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/feedpub/feedpub/config/diag"
	"github.com/feedpub/feedpub/config/safehttp"
	"github.com/feedpub/feedpub/feeds/feedcheck"
)

// Options bound what a check sends and reads.
type Options struct {
	// Client sends every request; nil means config/safehttp's client with
	// Timeout (no redirect from a public address into a private one). A
	// client's own CheckRedirect still applies, before the chain is
	// recorded.
	Client *http.Client
	// UserAgent is sent with every request; some hosts refuse Go's.
	UserAgent string
	// MaxBytes caps the feed read, after decompression (default 20 MB).
	MaxBytes int64
	// Timeout bounds each request (default 30 s).
	Timeout time.Duration
	// Concurrency bounds the enclosure requests in flight (default 4).
	Concurrency int
}

func (o Options) withDefaults() Options {
	if o.MaxBytes <= 0 {
		o.MaxBytes = 20 << 20
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 4
	}
	if o.Client == nil {
		// Never led by a feed's redirect into this machine's network.
		o.Client = safehttp.NewClient(safehttp.Options{Timeout: o.Timeout, UserAgent: o.UserAgent})
	}
	return o
}

// maxRedirects is where a chain is taken for a loop.
const maxRedirects = 10

// send performs req with the client, recording every URL it is redirected
// to; a copy of the client carries the hook, so concurrent calls do not
// share it.
func send(ctx context.Context, o Options, req *http.Request) (*http.Response, []string, error) {
	var hops []string
	c := *o.Client
	policy := o.Client.CheckRedirect // the client's own rules come first
	c.CheckRedirect = func(r *http.Request, via []*http.Request) error {
		if policy != nil {
			if err := policy(r, via); err != nil {
				return err
			}
		}
		if len(via) >= maxRedirects {
			return fmt.Errorf("more than %d redirects", maxRedirects)
		}
		hops = append(hops, r.URL.String())
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	req = req.WithContext(ctx)
	if o.UserAgent != "" {
		req.Header.Set("User-Agent", o.UserAgent)
	}
	resp, err := c.Do(req)
	if err != nil {
		cancel()
		return nil, hops, err
	}
	resp.Body = cancelBody{resp.Body, cancel}
	return resp, hops, nil
}

type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b cancelBody) Close() error { err := b.ReadCloser.Close(); b.cancel(); return err }

// Feed is a fetched feed.
type Feed struct {
	Body      []byte
	Redirects []string // each URL redirected to, in order; the last served the feed
}

// Fetch gets the feed at url. A status other than 200, a body over
// MaxBytes or a broken gzip stream is an error saying so.
func Fetch(ctx context.Context, url string, opt Options) (*Feed, error) {
	var buf bytes.Buffer
	f, err := FetchTo(ctx, url, opt, &buf)
	if err == nil {
		f.Body = buf.Bytes()
	}
	return f, err
}

// FetchTo is Fetch writing the feed's body to w (a file: the feed is
// then never held in memory) instead of Feed.Body.
func FetchTo(ctx context.Context, url string, opt Options, w io.Writer) (*Feed, error) {
	o := opt.withDefaults()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	// Asked for explicitly, so the body is decoded here, under the cap.
	req.Header.Set("Accept-Encoding", "gzip")
	req.Header.Set("Accept", "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, */*;q=0.8")
	resp, hops, err := send(ctx, o, req)
	if err != nil {
		return &Feed{Redirects: hops}, err
	}
	defer resp.Body.Close()
	f := &Feed{Redirects: hops}
	if resp.StatusCode != http.StatusOK {
		return f, fmt.Errorf("the server answered %s", resp.Status)
	}
	var body io.Reader = resp.Body
	if strings.EqualFold(resp.Header.Get("Content-Encoding"), "gzip") {
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			return f, fmt.Errorf("gzip: %v", err)
		}
		body = zr
	}
	n, err := io.Copy(w, io.LimitReader(body, o.MaxBytes+1))
	if err != nil {
		return f, fmt.Errorf("reading the feed: %v", err)
	}
	if n > o.MaxBytes {
		return f, fmt.Errorf("the feed is over %d bytes; no podcast app reads that much", o.MaxBytes)
	}
	return f, nil
}

// CheckEnclosures asks the server about each enclosure and reports, under
// file (the feed as named), a length or type that differs from the feed's
// (FP445, FP446), no byte-range support (FP447), a failed request (FP448)
// and redirects (FP449), in the order of encs.
func CheckEnclosures(ctx context.Context, file string, encs []feedcheck.Enclosure, opt Options) diag.Problems {
	o := opt.withDefaults()
	found := make([]diag.Problems, len(encs))
	var g errgroup.Group
	g.SetLimit(o.Concurrency)
	for i, e := range encs {
		g.Go(func() error {
			found[i] = checkOne(ctx, file, e, o)
			return nil
		})
	}
	_ = g.Wait()
	var ps diag.Problems
	for _, f := range found {
		ps = append(ps, f...)
	}
	return ps
}

func checkOne(ctx context.Context, file string, e feedcheck.Enclosure, o Options) diag.Problems {
	var ps diag.Problems
	field := e.Where
	req, err := http.NewRequest(http.MethodHead, e.URL, nil)
	if err != nil {
		ps.Errorf("FP448", file, 0, field, "%s: %v", e.URL, err)
		return ps
	}
	resp, hops, err := send(ctx, o, req)
	if err == nil && (resp.StatusCode == http.StatusMethodNotAllowed || resp.StatusCode == http.StatusNotImplemented) {
		resp.Body.Close()
		// A server without HEAD: a one-byte ranged GET answers the same.
		resp, hops, err = rangedGet(ctx, o, e.URL)
	}
	if err != nil {
		ps.Errorf("FP448", file, 0, field, "%s: %v", e.URL, err)
		return ps
	}
	defer resp.Body.Close()
	if len(hops) > 0 {
		ps.Notef("FP449", file, 0, field, "%s redirects: %s", e.URL, strings.Join(hops, " → "))
	}
	if resp.StatusCode >= 400 {
		ps.Errorf("FP448", file, 0, field, "%s: the server answered %s", e.URL, resp.Status)
		return ps
	}
	if n := safehttp.ServedLength(resp); n >= 0 && e.Length > 0 && n != e.Length {
		ps.Errorf("FP445", file, 0, field, "%s: served %d bytes, the feed states %d: apps stop or fail at the difference", e.URL, n, e.Length)
	}
	if got := safehttp.MediaType(resp.Header.Get("Content-Type")); got != "" && e.Type != "" && got != safehttp.MediaType(e.Type) {
		ps.Warnf("FP446", file, 0, field, "%s: served as %s, the feed states %s", e.URL, got, e.Type)
	}
	if !strings.Contains(strings.ToLower(resp.Header.Get("Accept-Ranges")), "bytes") && resp.StatusCode != http.StatusPartialContent {
		r, _, err := rangedGet(ctx, o, e.URL)
		if err == nil {
			r.Body.Close()
		}
		if err != nil || r.StatusCode != http.StatusPartialContent {
			status := "no answer"
			if err == nil {
				status = r.Status
			}
			ps.Errorf("FP447", file, 0, field, "%s: no byte ranges (no Accept-Ranges: bytes, and a ranged GET answered %s, want 206): Apple Podcasts requires them", e.URL, status)
		}
	}
	return ps
}

func rangedGet(ctx context.Context, o Options, url string) (*http.Response, []string, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Range", "bytes=0-0")
	return send(ctx, o, req)
}
