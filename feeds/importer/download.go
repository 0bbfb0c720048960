package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/feedpub/feedpub/config/diag"
	"github.com/feedpub/feedpub/config/safehttp"
)

// fetcher sends every request of an import: the feeds and every download,
// through one safehttp client, within the size caps.
type fetcher struct {
	client *http.Client
	// maxFile caps one download; maxTotal all downloads of a run
	// together, so a hostile feed cannot fill the disk.
	maxFile, maxTotal int64
	total             atomic.Int64
	// idle fails a response body on which no byte came for that long: a
	// stalled server must not hang the import (the client's own timeout
	// covers only the wait for headers, since a large file may take hours).
	idle time.Duration
}

// get sends a GET for raw with the extra header h, recording each URL it is
// redirected to; the caller closes the body.
func (f *fetcher) get(ctx context.Context, raw string, h http.Header) (*http.Response, []string, error) {
	if _, err := safehttp.CheckURL(raw); err != nil {
		return nil, nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
	if err != nil {
		cancel()
		return nil, nil, err
	}
	for k, v := range h {
		req.Header[k] = v
	}
	var hops []string
	c := *f.client
	check := c.CheckRedirect
	c.CheckRedirect = func(r *http.Request, via []*http.Request) error {
		if check != nil {
			if err := check(r, via); err != nil {
				return err
			}
		}
		hops = append(hops, safehttp.Redact(r.URL))
		return nil
	}
	resp, err := c.Do(req)
	if err != nil {
		cancel()
		// net/http's errors quote the whole URL, query (a private feed's
		// token) included; the callers name the URL without it.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, hops, err
	}
	b := &idleBody{ReadCloser: resp.Body, idle: f.idle, cancel: cancel}
	b.timer = time.AfterFunc(f.idle, func() { b.fired.Store(true); cancel() })
	resp.Body = b
	return resp, hops, nil
}

// idleBody fails reads once no byte has come for idle, and ends its
// request when closed.
type idleBody struct {
	io.ReadCloser
	idle   time.Duration
	timer  *time.Timer
	fired  atomic.Bool
	cancel context.CancelFunc
}

func (b *idleBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if b.fired.Load() {
		return n, fmt.Errorf("no data for %v: the server stalled", b.idle)
	}
	b.timer.Reset(b.idle)
	return n, err
}

func (b *idleBody) Close() error {
	b.timer.Stop()
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// readFeed reads a feed from a URL or a file, at most max bytes.
func (f *fetcher) readFeed(ctx context.Context, name string, max int64) ([]byte, []string, error) {
	if !safehttp.LooksLikeURL(name) {
		fh, err := os.Open(name)
		if err != nil {
			return nil, nil, diag.BareError(err)
		}
		defer fh.Close()
		if st, err := fh.Stat(); err != nil || !st.Mode().IsRegular() {
			return nil, nil, errors.New("not a regular file")
		}
		b, err := safehttp.ReadAll(fh, max)
		return b, nil, err
	}
	resp, hops, err := f.get(ctx, name, nil)
	if err != nil {
		return nil, hops, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, hops, fmt.Errorf("the server answered %s", resp.Status)
	}
	b, err := safehttp.ReadAll(resp.Body, max)
	return b, hops, err
}

// job is one file to download into the site.
type job struct {
	URL    string
	Dest   string // slash path in the site
	Length int64  // stated by the feed; 0 when it states none
	Type   string // stated by the feed; "" when it states none
	Where  string // the item, for messages
	// Check says whether the stated length and type are compared with what
	// arrives (enclosures; chapters and transcripts state neither).
	Check bool
}

// outcome is what a download did.
type outcome struct {
	Fetched bool // bytes came over the network (not already complete)
	Size    int64
	ps      diag.Problems
}

// download fetches j into the site unless its file is already there. The
// bytes go to Dest.part first; a .part left by an interrupted run is
// continued with a Range request, and the file takes its name only once
// complete, so a file under its own name is always whole.
func (f *fetcher) download(ctx context.Context, root *os.Root, feed string, j job) (outcome, error) {
	var out outcome
	if st, err := root.Stat(j.Dest); err == nil {
		out.Size = st.Size()
		f.compare(&out, feed, j, "")
		return out, nil
	}
	part := j.Dest + ".part"
	if err := root.MkdirAll(path.Dir(j.Dest), 0o755); err != nil {
		return out, err
	}
	var have int64
	if st, err := root.Stat(part); err == nil {
		have = st.Size()
	}
	h := http.Header{}
	if have > 0 {
		h.Set("Range", fmt.Sprintf("bytes=%d-", have))
	}
	resp, hops, err := f.get(ctx, j.URL, h)
	if len(hops) > 0 {
		out.ps.Notef("FP449", feed, 0, j.Where, "%s redirects: %s", shown(j.URL), strings.Join(hops, " → "))
	}
	if err != nil {
		return out, err
	}
	defer resp.Body.Close()
	flags := os.O_WRONLY | os.O_CREATE
	switch {
	case resp.StatusCode == http.StatusPartialContent && have > 0 && rangeStart(resp) == have:
		flags |= os.O_APPEND
	case resp.StatusCode == http.StatusOK:
		flags |= os.O_TRUNC
		have = 0
	case resp.StatusCode == http.StatusRequestedRangeNotSatisfiable && have > 0 && have == j.Length:
		// The .part was whole; the run that wrote it stopped before the rename.
		return out, f.finish(root, feed, part, &out, j, "")
	case have > 0 && (resp.StatusCode == http.StatusPartialContent || resp.StatusCode == http.StatusRequestedRangeNotSatisfiable):
		// The server's idea of the file is not the .part's: start over.
		_ = root.Remove(part)
		return out, fmt.Errorf("the server answered %s to a resumed download; the next import starts it again", resp.Status)
	default:
		return out, fmt.Errorf("the server answered %s", resp.Status)
	}
	if n := resp.ContentLength; n > 0 && have+n > f.maxFile {
		return out, fmt.Errorf("%d bytes: over the %d-byte limit for one file", have+n, f.maxFile)
	}
	w, err := root.OpenFile(part, flags, 0o644)
	if err != nil {
		return out, err
	}
	n, err := io.Copy(w, &capped{r: resp.Body, left: f.maxFile - have, total: &f.total, max: f.maxTotal})
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	out.Fetched = n > 0
	if err != nil {
		return out, err
	}
	if resp.ContentLength >= 0 && n != resp.ContentLength {
		return out, fmt.Errorf("the connection ended after %d of %d bytes", n, resp.ContentLength)
	}
	return out, f.finish(root, feed, part, &out, j, resp.Header.Get("Content-Type"))
}

// finish renames a complete .part to its name and compares it with what
// the feed states.
func (f *fetcher) finish(root *os.Root, feed, part string, out *outcome, j job, served string) error {
	st, err := root.Stat(part)
	if err != nil {
		return err
	}
	if _, err := root.Stat(j.Dest); !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s appeared while downloading; it is left as it is", j.Dest)
	}
	if err := root.Rename(part, j.Dest); err != nil {
		return err
	}
	out.Size = st.Size()
	f.compare(out, feed, j, served)
	return nil
}

// compare reports a file whose length or type differs from what the feed
// states: feedpub states the file's own, so apps would see it change.
func (f *fetcher) compare(out *outcome, feed string, j job, served string) {
	if !j.Check {
		return
	}
	if j.Length > 0 && out.Size != j.Length {
		out.ps.Warnf("FP445", feed, 0, j.Where, "%s is %d bytes, the feed states %d: feedpub will state %d", shown(j.URL), out.Size, j.Length, out.Size)
	}
	if got := safehttp.MediaType(served); got != "" && j.Type != "" && got != safehttp.MediaType(j.Type) && got != "application/octet-stream" {
		out.ps.Warnf("FP446", feed, 0, j.Where, "%s is served as %s, the feed states %s", shown(j.URL), got, j.Type)
	}
}

// shown is a URL as messages print it: without user information or
// query, which may hold a private feed's token.
func shown(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		return raw
	}
	return safehttp.Redact(u)
}

func rangeStart(resp *http.Response) int64 {
	cr := strings.TrimPrefix(resp.Header.Get("Content-Range"), "bytes ")
	start, _, _ := strings.Cut(cr, "-")
	n, err := strconv.ParseInt(start, 10, 64)
	if err != nil {
		return -1
	}
	return n
}

// capped reads at most left bytes, and stops the whole run past max.
type capped struct {
	r     io.Reader
	left  int64
	total *atomic.Int64
	max   int64
}

func (c *capped) Read(p []byte) (int, error) {
	// One byte past the limit is asked for, to tell a file of exactly the
	// limit from a longer one.
	if int64(len(p)) > c.left+1 {
		p = p[:c.left+1]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	if c.left < 0 {
		return n, fmt.Errorf("over the size limit for one file: %w", safehttp.ErrTooLarge)
	}
	if c.total.Add(int64(n)) > c.max {
		return n, fmt.Errorf("the downloads of this import passed the %d-byte limit: %w", c.max, safehttp.ErrTooLarge)
	}
	return n, err
}
