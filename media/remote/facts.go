package remote

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"sync"

	"github.com/feedpub/feedpub/config/safehttp"
	"github.com/feedpub/feedpub/config/state"
	"github.com/feedpub/feedpub/media/probe"
)

// Facts is what feedpub knows about a remote media file.
type Facts struct {
	Size         int64      `json:"size"`
	Type         string     `json:"type,omitempty"` // the server's Content-Type
	ETag         string     `json:"etag,omitempty"`
	LastModified string     `json:"last_modified,omitempty"`
	Info         probe.Info `json:"info"`
	// SHA256 is set only when the whole file was read (Reader.Hash).
	SHA256 string `json:"sha256,omitempty"`
}

// same says whether the server describes the file as it did when f was
// recorded. Without an ETag or a Last-Modified the length alone proves
// nothing, so such a file is read again.
func (f Facts) same(o *File) bool {
	return (f.ETag != "" || f.LastModified != "") &&
		f.Size == o.Size && f.ETag == o.ETag && f.LastModified == o.LastModified
}

// Reader probes remote media files for a build.
type Reader struct {
	Client *http.Client
	// Cache, when not nil, keeps the facts by URL; nil reads every file.
	Cache *Cache
	// Hash reads each file whole, once, streamed, for its SHA-256 (what
	// podcast:integrity states); a cached hash of an unchanged file is
	// reused.
	Hash bool
}

// Probe returns the facts of the media file at rawURL: one HEAD, then,
// unless the cache holds the facts of the same file, range reads of the
// parts the probes need (and with Hash, the whole file streamed).
func (r *Reader) Probe(ctx context.Context, rawURL string) (Facts, error) {
	f, err := Open(ctx, r.Client, rawURL)
	if err != nil {
		return Facts{}, err
	}
	if c, ok := r.Cache.get(rawURL); ok && c.same(f) && (!r.Hash || c.SHA256 != "") {
		return c, nil
	}
	facts := Facts{Size: f.Size, Type: f.Type, ETag: f.ETag, LastModified: f.LastModified}
	facts.Info, err = probe.Probe(f, f.Size, Name(rawURL))
	if err != nil {
		return Facts{}, fmt.Errorf("%s: %w", f.name, err)
	}
	if r.Hash {
		if facts.SHA256, err = f.hash(); err != nil {
			return Facts{}, err
		}
	}
	r.Cache.put(rawURL, facts)
	return facts, nil
}

// Name is the file name a URL's path ends in, which the probes compare
// with the content ("ep1.mp3" must hold MP3).
func Name(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return ""
	}
	return path.Base(u.Path)
}

// hash reads the whole file once, in a fixed-size buffer, for its SHA-256,
// and checks it is the file Open described.
func (f *File) hash() (string, error) {
	resp, err := f.do(http.MethodGet, "", false) // as long as the file takes
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if err := f.status(resp); err != nil {
		return "", err
	}
	if e := resp.Header.Get("ETag"); f.ETag != "" && e != "" && e != f.ETag {
		return "", fmt.Errorf("%s: %w (ETag %s, then %s)", f.name, ErrChanged, f.ETag, e)
	}
	h := sha256.New()
	n, err := io.Copy(h, io.LimitReader(resp.Body, f.Size+1))
	f.read.Add(n)
	if err != nil {
		return "", fmt.Errorf("%s: reading it whole for its SHA-256: %w", f.name, err)
	}
	if n != f.Size {
		return "", fmt.Errorf("%s: %w (%d bytes announced, %d read)", f.name, ErrChanged, f.Size, n)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Fetch reads a small remote file whole (chapters, a transcript), at most
// max bytes.
func Fetch(ctx context.Context, c *http.Client, rawURL string, max int64) ([]byte, error) {
	u, err := safehttp.CheckURL(rawURL)
	if err != nil {
		return nil, err
	}
	f := &File{URL: rawURL, ctx: ctx, client: c, name: safehttp.Redact(u)}
	resp, err := f.do(http.MethodGet, "", true)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if err := f.status(resp); err != nil {
		return nil, err
	}
	if err := f.notHTML(resp); err != nil {
		return nil, err
	}
	b, err := safehttp.ReadAll(resp.Body, max)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.name, err)
	}
	return b, nil
}

// maxCacheFile bounds the cache file read.
const maxCacheFile = 16 << 20

// Cache keeps the facts of remote files by URL in feedpub's state folder
// (config/state), beside the probe cache of local files. Facts go into the
// feeds (a length, a duration, a hash podcast:integrity vouches for), and
// the validators they are keyed by are public, so the store's signature,
// which also ties the file to the feedpub build that wrote it, is what
// makes a cache file planted in the site folder a miss.
type Cache struct {
	st      *state.Store
	mu      sync.Mutex
	entries map[string]Facts
	used    map[string]bool
	dirty   bool
}

// OpenCache loads the cache from st. A missing, damaged, foreign or
// unsigned cache, or one an other feedpub build wrote, is empty: it only
// saves requests.
func OpenCache(st *state.Store) *Cache {
	c := &Cache{st: st, entries: map[string]Facts{}, used: map[string]bool{}}
	data, ok := st.Read(state.RemoteFile, maxCacheFile)
	if !ok {
		return c
	}
	var entries map[string]Facts
	if json.Unmarshal(data, &entries) == nil && entries != nil {
		c.entries = entries
	}
	return c
}

func (c *Cache) get(u string) (Facts, bool) {
	if c == nil {
		return Facts{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.used[u] = true
	f, ok := c.entries[u]
	return f, ok
}

func (c *Cache) put(u string, f Facts) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries[u], c.used[u], c.dirty = f, true, true
}

// Save writes the cache, without the URLs this build did not ask about,
// if anything changed.
func (c *Cache) Save() error {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for u := range c.entries {
		if !c.used[u] {
			delete(c.entries, u)
			c.dirty = true
		}
	}
	if !c.dirty {
		return nil
	}
	data, err := json.Marshal(c.entries)
	if err != nil {
		return err
	}
	if err := c.st.Write(state.RemoteFile, data); err != nil {
		return err
	}
	c.dirty = false
	return nil
}

// Redact returns rawURL without user information and query, the form
// messages print; rawURL itself if it does not parse.
func Redact(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return rawURL
	}
	return safehttp.Redact(u)
}
