// Package safehttp is the HTTP client every part of feedpub that reads a URL
// it was given uses (check, import, remote media, the live check after a
// publish): only http and https, a bounded number of redirects with loops
// named as such, bounded reads, and no redirect from a public address into
// this machine's or its network's (loopback, private, link-local: a cloud's
// metadata service), which would let any feed read what only this machine
// can reach. A URL that is itself non-public is the user's choice and is
// followed, as are its redirects.
//
// It lives under config/ with sitefs and diag: the lowest layer that both
// feeds/ and media/ import, so neither needs the other for it.
package safehttp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/net/idna"
	"time"
)

// Errors a caller can test for with errors.Is.
var (
	// ErrNonPublic: a redirect from a public address to a non-public one.
	ErrNonPublic = errors.New("redirect to a non-public address refused")
	// ErrTooLarge: a body longer than the caller allowed.
	ErrTooLarge = errors.New("too large")
	// ErrRedirectLoop: a redirect chain that comes back to a URL it
	// visited, or that goes on past Options.MaxRedirects.
	ErrRedirectLoop = errors.New("redirect loop")
	// ErrScheme: a URL that is not http or https.
	ErrScheme = errors.New("unsupported scheme")
)

// Options shape a client. The zero value is usable.
type Options struct {
	// Timeout bounds a whole request, body included; 0 means none (bound
	// long downloads with the request's context instead).
	Timeout time.Duration
	// HeaderTimeout bounds the wait for a response's headers once the
	// request is sent (default 30 s), so a frozen server fails in time.
	HeaderTimeout time.Duration
	// MaxRedirects bounds a chain (default 10).
	MaxRedirects int
	// UserAgent is sent with every request that sets none (default
	// "feedpub"); some hosts refuse Go's default.
	UserAgent string
	// AllowPrivate follows redirects into non-public addresses even from a
	// public first URL.
	AllowPrivate bool
	// Transport is the base transport; nil means a clone of
	// http.DefaultTransport.
	Transport http.RoundTripper
	// Resolver looks up host names to judge a redirect; nil means
	// net.DefaultResolver.
	Resolver interface {
		LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
	}
	// Public says whether an address counts as public; nil means IsPublic.
	// Tests use it to treat one loopback address as the public internet.
	Public func(netip.Addr) bool
}

// NewClient returns a client that follows Options' rules.
func NewClient(o Options) *http.Client {
	if o.HeaderTimeout <= 0 {
		o.HeaderTimeout = 30 * time.Second
	}
	if o.MaxRedirects <= 0 {
		o.MaxRedirects = 10
	}
	if o.UserAgent == "" {
		o.UserAgent = "feedpub"
	}
	if o.Resolver == nil {
		o.Resolver = net.DefaultResolver
	}
	if o.Public == nil {
		o.Public = IsPublic
	}
	base := o.Transport
	if base == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.ResponseHeaderTimeout = o.HeaderTimeout
		base = t
	}
	return &http.Client{
		Timeout:   o.Timeout,
		Transport: &transport{base: base, ua: o.UserAgent},
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			return o.checkRedirect(req, via)
		},
	}
}

func (o Options) checkRedirect(req *http.Request, via []*http.Request) error {
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return fmt.Errorf("redirect to %s: %w %q; want http or https", Redact(req.URL), ErrScheme, req.URL.Scheme)
	}
	next := req.URL.String()
	for _, v := range via {
		if v.URL.String() == next {
			return fmt.Errorf("%w: %s leads back to %s", ErrRedirectLoop, Redact(via[len(via)-1].URL), Redact(req.URL))
		}
	}
	if len(via) >= o.MaxRedirects {
		return fmt.Errorf("%w: more than %d redirects from %s", ErrRedirectLoop, o.MaxRedirects, Redact(via[0].URL))
	}
	if o.AllowPrivate {
		return nil
	}
	ctx := req.Context()
	if !o.hostPublic(ctx, via[0].URL.Hostname()) {
		return nil
	}
	if !o.hostPublic(ctx, req.URL.Hostname()) {
		return fmt.Errorf("%s redirects to %s: %w (only a URL given as non-public may lead there)", Redact(via[0].URL), Redact(req.URL), ErrNonPublic)
	}
	return nil
}

// hostPublic says whether every address host has is public. A name that
// does not resolve counts as public: the request itself will then fail.
func (o Options) hostPublic(ctx context.Context, host string) bool {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return false
	}
	if a, err := netip.ParseAddr(host); err == nil {
		return o.Public(a)
	}
	addrs, err := o.Resolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return true
	}
	for _, a := range addrs {
		if !o.Public(a) {
			return false
		}
	}
	return true
}

// IsPublic says whether a is reachable on the public internet: not
// loopback, private (RFC 1918, RFC 4193), link-local (169.254/16, the
// cloud metadata service), CGNAT, unspecified or multicast.
func IsPublic(a netip.Addr) bool {
	a = a.Unmap()
	if a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsInterfaceLocalMulticast() || a.IsMulticast() || a.IsUnspecified() {
		return false
	}
	return !cgnat.Contains(a)
}

var cgnat = netip.MustParsePrefix("100.64.0.0/10")

type transport struct {
	base http.RoundTripper
	ua   string
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Header.Get("User-Agent") == "" {
		req = req.Clone(req.Context())
		req.Header.Set("User-Agent", t.ua)
	}
	return t.base.RoundTrip(req)
}

// CheckURL parses raw as an absolute http or https URL with a host, and
// says what is wrong otherwise (an ftp:// or file:// URL is named as an
// unsupported scheme, not looked up as a file; the parsed URL comes with
// that error, for its scheme).
func CheckURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		if u.Scheme == "" {
			return nil, fmt.Errorf("%q: want an absolute http or https URL", raw)
		}
		return u, fmt.Errorf("%s: %w %q; want http or https", Redact(u), ErrScheme, u.Scheme)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("%q: no host", raw)
	}
	return u, nil
}

// LooksLikeURL says whether s names a URL rather than a file path: it has
// a scheme of two letters or more (a Windows drive letter has one).
func LooksLikeURL(s string) bool {
	i := strings.Index(s, "://")
	if i < 2 {
		return false
	}
	for _, c := range s[:i] {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// ReadAll reads r to the end, or fails with ErrTooLarge once more than
// max bytes have come, without holding more than max+1 of them.
func ReadAll(r io.Reader, max int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("more than %d bytes: %w", max, ErrTooLarge)
	}
	return b, nil
}

// Redact returns u without its user information and query, which may hold
// credentials or tokens: the form messages print.
func Redact(u *url.URL) string {
	c := *u
	c.User = nil
	c.RawQuery, c.ForceQuery = "", false
	c.Fragment, c.RawFragment = "", ""
	return c.String()
}

// ServedLength is the whole length of what a response serves: the
// Content-Length of a 200, the total in a 206's Content-Range; -1 when the
// server does not say.
func ServedLength(resp *http.Response) int64 {
	if resp.StatusCode == http.StatusPartialContent {
		cr := resp.Header.Get("Content-Range")
		if i := strings.LastIndexByte(cr, '/'); i >= 0 {
			if n, err := strconv.ParseInt(cr[i+1:], 10, 64); err == nil && n >= 0 {
				return n
			}
		}
		return -1
	}
	return resp.ContentLength
}

// MediaType is a Content-Type without its parameters, lower case, for
// comparing what a server says with what a feed states.
func MediaType(s string) string {
	t, _, err := mime.ParseMediaType(s)
	if err != nil {
		return strings.ToLower(strings.TrimSpace(s))
	}
	return t
}

// HostProblem says what is wrong with a URL's host and port, which
// url.Parse lets through: a port outside 1-65535, a name that is not a
// valid (internationalised) host name; "" when
// there is nothing wrong.
func HostProblem(u *url.URL) string {
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return fmt.Sprintf("port %s, outside 1 to 65535", p)
		}
	}
	if strings.HasSuffix(u.Host, ":") {
		return "an empty port (leave out the colon)"
	}
	h := u.Hostname()
	if _, err := netip.ParseAddr(h); err == nil {
		return ""
	}
	ascii, err := idna.Lookup.ToASCII(h)
	switch {
	case err != nil || h == "" || strings.Contains(h, "%") || strings.Contains(strings.TrimSuffix("."+h, "."), ".."):
		// IDNA lets an empty label (a..b, .a) through; DNS does not.
		return fmt.Sprintf("a host %q that is not a host name (letters, digits and hyphens, such as media.example.com)", h)
	case ascii != h:
		// Feeds carry URIs, which are ASCII: say the form to write.
		return fmt.Sprintf("a host %q that feeds must carry as %q", h, ascii)
	}
	return ""
}
