// Package remote reads media files that live on another host (an old
// podcast host, a CDN) without downloading them: one HEAD for the length,
// type, ETag and Last-Modified, then byte-range reads of only the parts the
// probes in media/probe ask for, so an MP4 whose moov is at the end is read
// from its tail. The facts are cached by URL and read again only when the
// length, ETag or Last-Modified change.
//
// Every request goes through a client from config/safehttp.
package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/feedpub/feedpub/config/safehttp"
)

// Errors a caller can test for with errors.Is.
var (
	// ErrNotFound: the server says the file is not there (404, 410).
	ErrNotFound = errors.New("not found")
	// ErrNoRanges: the server will not send part of the file, so reading
	// its headers would mean downloading all of it.
	ErrNoRanges = errors.New("the server refuses byte ranges")
	// ErrHTML: the URL answers with a web page, not a media file.
	ErrHTML = errors.New("answers with an HTML page, not a media file")
	// ErrChanged: the file changed while it was read.
	ErrChanged = errors.New("the file changed while it was read")
)

// BlockSize is the unit of the range reads and of their cache: a probe
// reads a few hundred bytes at a time, mostly near each other.
const BlockSize = 64 << 10

// maxCached bounds the blocks kept per file (2 MiB).
const maxCached = 32

// File is an io.ReaderAt over a URL, read with Range requests, a block at a
// time, with the blocks read kept for the next reads. Safe for concurrent
// use.
type File struct {
	URL          string // as given
	Size         int64
	Type         string // the Content-Type, without parameters ("" if none)
	ETag         string
	LastModified string

	ctx    context.Context
	client *http.Client
	name   string // the URL without query, for messages

	mu     sync.Mutex
	blocks map[int64][]byte
	order  []int64 // blocks in the order read, to drop the oldest

	requests, read atomic.Int64
}

// Open asks the server about the file at rawURL: a HEAD, or, when the
// server refuses HEAD, a ranged GET of the first block. ctx bounds every
// later read too.
func Open(ctx context.Context, c *http.Client, rawURL string) (*File, error) {
	u, err := safehttp.CheckURL(rawURL)
	if err != nil {
		return nil, err
	}
	f := &File{URL: rawURL, ctx: ctx, client: c, name: safehttp.Redact(u), blocks: map[int64][]byte{}}
	resp, err := f.do(http.MethodHead, "", true)
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusForbidden, http.StatusMethodNotAllowed, http.StatusNotImplemented:
		// Some hosts (signed URLs, some CDNs) answer GET only.
		return f, f.openWithGet()
	}
	if err := f.status(resp); err != nil {
		return nil, err
	}
	if resp.ContentLength <= 0 && f.notHTML(resp) == nil {
		// No length in the HEAD answer (some servers send none): the
		// Content-Range of a ranged GET has it.
		return f, f.openWithGet()
	}
	if err := f.facts(resp, resp.ContentLength); err != nil {
		return nil, err
	}
	if strings.EqualFold(strings.TrimSpace(resp.Header.Get("Accept-Ranges")), "none") {
		return nil, fmt.Errorf("%s: %w (Accept-Ranges: none)", f.name, ErrNoRanges)
	}
	return f, nil
}

// openWithGet learns the facts from a ranged GET of the first block, which
// it keeps.
func (f *File) openWithGet() error {
	resp, err := f.do(http.MethodGet, "bytes=0-"+strconv.Itoa(BlockSize-1), true)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if err := f.status(resp); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusPartialContent {
		return fmt.Errorf("%s: %w (HTTP %d to a range request)", f.name, ErrNoRanges, resp.StatusCode)
	}
	_, _, total, err := contentRange(resp)
	if err != nil {
		return fmt.Errorf("%s: %w", f.name, err)
	}
	if err := f.facts(resp, total); err != nil {
		return err
	}
	b, err := f.body(resp, min(BlockSize, f.Size))
	if err != nil {
		return err
	}
	f.keep(0, b)
	return nil
}

// requestTimeout bounds a request that reads a bounded amount (a HEAD, a
// range, a chapters file), body included: a host that stops sending fails
// the build in time rather than hanging it.
var requestTimeout = 60 * time.Second

// do sends one request; bounded ones are cut off after requestTimeout.
// Closing the answer's body ends the request.
func (f *File) do(method, rng string, bounded bool) (*http.Response, error) {
	ctx, cancel := f.ctx, context.CancelFunc(func() {})
	if bounded {
		ctx, cancel = context.WithTimeoutCause(f.ctx, requestTimeout, fmt.Errorf("no complete answer within %s", requestTimeout))
	}
	req, err := http.NewRequestWithContext(ctx, method, f.URL, nil)
	if err != nil {
		cancel()
		return nil, err
	}
	if rng != "" {
		req.Header.Set("Range", rng)
		// Asked for raw bytes: a compressed answer has other offsets.
		req.Header.Set("Accept-Encoding", "identity")
	}
	f.requests.Add(1)
	resp, err := f.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its text repeats the URL, with the query
		}
		if cause := context.Cause(ctx); cause != nil && f.ctx.Err() == nil {
			err = cause // the timeout, named
		}
		cancel()
		return nil, fmt.Errorf("%s: %w", f.name, err)
	}
	resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: cancel, ctx: ctx, parent: f.ctx}
	return resp, nil
}

// cancelBody ends its request's context when closed, and names the
// timeout when a read is cut off by it.
type cancelBody struct {
	io.ReadCloser
	cancel      context.CancelFunc
	ctx, parent context.Context
}

func (b *cancelBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF && b.parent.Err() == nil {
		if cause := context.Cause(b.ctx); cause != nil {
			err = cause
		}
	}
	return n, err
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// status turns an answer other than success into an error naming the URL.
func (f *File) status(resp *http.Response) error {
	switch {
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		return fmt.Errorf("%s: %w (HTTP %d)", f.name, ErrNotFound, resp.StatusCode)
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return fmt.Errorf("%s: HTTP %s", f.name, resp.Status)
	}
	return nil
}

// facts records what the headers say about the file, and refuses a web
// page or an answer without a length.
func (f *File) facts(resp *http.Response, size int64) error {
	if err := f.notHTML(resp); err != nil {
		return err
	}
	if size <= 0 {
		return fmt.Errorf("%s: the server does not say how long the file is (no Content-Length)", f.name)
	}
	f.Size = size
	f.ETag = resp.Header.Get("ETag")
	f.LastModified = resp.Header.Get("Last-Modified")
	return nil
}

// notHTML records the answer's type and refuses a web page: the URL of a
// page about the episode rather than of its file.
func (f *File) notHTML(resp *http.Response) error {
	f.Type, _, _ = mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if f.Type == "text/html" || f.Type == "application/xhtml+xml" {
		return fmt.Errorf("%s: %w (%s): link the file itself", f.name, ErrHTML, f.Type)
	}
	return nil
}

// Requests is how many HTTP requests the file has cost.
func (f *File) Requests() int64 { return f.requests.Load() }

// BytesRead is how many bytes of the file came over the network.
func (f *File) BytesRead() int64 { return f.read.Load() }

// ReadAt reads len(p) bytes at off, from the cached blocks and, for the
// blocks not cached, one Range request.
func (f *File) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("negative offset")
	}
	if off >= f.Size {
		return 0, io.EOF
	}
	want := p
	if rest := f.Size - off; int64(len(p)) > rest {
		want = p[:rest]
	}
	first, last := off/BlockSize, (off+int64(len(want))-1)/BlockSize
	if last-first+1 > maxCached/2 {
		// A read larger than the cache can hold (a big moov box): read it
		// straight into p, and keep nothing.
		b, err := f.fetch(off, int64(len(want)))
		if err != nil {
			return 0, err
		}
		n := copy(want, b)
		return n, eofIf(n < len(p))
	}
	blocks, err := f.load(first, last)
	if err != nil {
		return 0, err
	}
	n := 0
	for i, blk := range blocks {
		start := max(off+int64(n)-(first+int64(i))*BlockSize, 0)
		n += copy(want[n:], blk[start:])
	}
	return n, eofIf(n < len(p))
}

func eofIf(short bool) error {
	if short {
		return io.EOF
	}
	return nil
}

// load returns the blocks first..last, reading those not cached with one
// request from the first missing one to the last missing one.
func (f *File) load(first, last int64) ([][]byte, error) {
	out := make([][]byte, last-first+1)
	lo, hi := int64(-1), int64(-1)
	f.mu.Lock()
	for b := first; b <= last; b++ {
		if blk, ok := f.blocks[b]; ok {
			out[b-first] = blk
		} else {
			if lo < 0 {
				lo = b
			}
			hi = b
		}
	}
	f.mu.Unlock()
	if lo < 0 {
		return out, nil
	}
	start := lo * BlockSize
	end := min((hi+1)*BlockSize, f.Size)
	data, err := f.fetch(start, end-start)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for b := lo; b <= hi; b++ {
		s := (b - lo) * BlockSize
		blk := data[s:min(s+BlockSize, int64(len(data)))]
		out[b-first] = blk
		f.keepLocked(b, blk)
	}
	return out, nil
}

func (f *File) keep(b int64, data []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.keepLocked(b, data)
}

func (f *File) keepLocked(b int64, data []byte) {
	if _, ok := f.blocks[b]; !ok {
		f.order = append(f.order, b)
	}
	f.blocks[b] = data
	for len(f.order) > maxCached {
		delete(f.blocks, f.order[0])
		f.order = f.order[1:]
	}
}

// fetch reads n bytes at off with one Range request, and checks that the
// server sent exactly those bytes of the file it described at Open.
func (f *File) fetch(off, n int64) ([]byte, error) {
	resp, err := f.do(http.MethodGet, fmt.Sprintf("bytes=%d-%d", off, off+n-1), true)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if err := f.status(resp); err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusPartialContent {
		// The whole file is coming: close it unread.
		return nil, fmt.Errorf("%s: %w (HTTP %d to a range request)", f.name, ErrNoRanges, resp.StatusCode)
	}
	start, _, total, err := contentRange(resp)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.name, err)
	}
	if total != f.Size || start != off || f.ETag != "" && resp.Header.Get("ETag") != "" && resp.Header.Get("ETag") != f.ETag {
		return nil, fmt.Errorf("%s: %w (asked for bytes %d-%d of %d, got %s, ETag %s)", f.name, ErrChanged,
			off, off+n-1, f.Size, resp.Header.Get("Content-Range"), resp.Header.Get("ETag"))
	}
	return f.body(resp, n)
}

// body reads exactly n bytes of resp's body.
func (f *File) body(resp *http.Response, n int64) ([]byte, error) {
	b := make([]byte, n)
	got, err := io.ReadFull(resp.Body, b)
	f.read.Add(int64(got))
	if err != nil {
		return nil, fmt.Errorf("%s: the answer ended after %d of %d bytes: %w", f.name, got, n, err)
	}
	return b, nil
}

// contentRange parses "bytes START-END/TOTAL".
func contentRange(resp *http.Response) (start, end, total int64, err error) {
	cr := resp.Header.Get("Content-Range")
	var s, e, t int64
	if _, serr := fmt.Sscanf(cr, "bytes %d-%d/%d", &s, &e, &t); serr != nil || s < 0 || e < s || t <= e {
		return 0, 0, 0, fmt.Errorf("the answer to a range request has no usable Content-Range (%q)", cr)
	}
	return s, e, t, nil
}
