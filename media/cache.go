package media

import (
	"encoding/json"
	"sync"
	"time"

	"github.com/feedpub/feedpub/config/diag"
	"github.com/feedpub/feedpub/config/state"
	"github.com/feedpub/feedpub/media/probe"
)

// Cache remembers what was read from each file, keyed by path, size and
// modification time, so an unchanged catalogue is not read again. It is
// kept in the site's state store (config/state), which ties it to the
// feedpub build that wrote it: probes that learn something new come with a
// new build, which reads every file again.
type Cache struct {
	st      *state.Store
	mu      sync.Mutex
	entries map[string]cacheEntry
	dirty   bool
}

type cacheEntry struct {
	Size    int64      `json:"size"`
	ModTime int64      `json:"mtime_ns"`
	SHA256  string     `json:"sha256"`
	MIME    string     `json:"mime"`
	Info    probe.Info `json:"info"`
	// CleanFor, for a chapters or transcript file, is the media duration
	// (ns) its times were last checked against and found right: checked
	// against the same duration, the file as it is needs no reading.
	CleanFor *int64 `json:"clean_for_ns,omitempty"`
}

// maxCacheFile bounds the cache file read: far more than a catalogue of
// thousands of files needs.
const maxCacheFile = 64 << 20

// OpenCache loads the cache from st; a missing, unreadable or foreign
// cache, or one another feedpub build wrote, is simply empty, since the
// cache only saves time. The store reads it as sitefs reads any site file,
// so a FIFO or a symlink there cannot hang or mislead the build.
func OpenCache(st *state.Store) *Cache {
	c := &Cache{st: st, entries: map[string]cacheEntry{}}
	data, ok := st.Read(state.ProbeFile, maxCacheFile)
	if !ok {
		return c
	}
	var entries map[string]cacheEntry
	if json.Unmarshal(data, &entries) == nil && entries != nil {
		c.entries = entries
	}
	return c
}

func (c *Cache) get(key string, size int64, mod time.Time) (cacheEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	return e, ok && e.Size == size && e.ModTime == mod.UnixNano()
}

func (c *Cache) put(key string, a *Asset) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries[key] = cacheEntry{Size: a.Size, ModTime: a.ModTime.UnixNano(), SHA256: a.SHA256, MIME: a.MIME, Info: a.Info}
	c.dirty = true
}

// CheckTimed is media.CheckTimed through the cache: a chapters or
// transcript file found right against the same duration before, and
// unchanged since (size, time and SHA-256), is not read again, so a build
// reads only the timed files that changed or whose media did. Only clean
// results are remembered: a file with problems is read, and its problems
// reported, at every build. A nil Cache checks every file.
func (c *Cache) CheckTimed(a *Asset, ref diag.Problem, duration time.Duration) diag.Problems {
	if c == nil || a.data != nil || a.URL != "" {
		return CheckTimed(a, ref, duration)
	}
	d := int64(duration)
	c.mu.Lock()
	e, ok := c.entries[a.Key]
	known := ok && e.Size == a.Size && e.ModTime == a.ModTime.UnixNano() && e.SHA256 == a.SHA256
	c.mu.Unlock()
	if known && e.CleanFor != nil && *e.CleanFor == d {
		return nil
	}
	ps := CheckTimed(a, ref, duration)
	if known && !ps.HasErrors() {
		c.mu.Lock()
		e.CleanFor = &d
		c.entries[a.Key] = e
		c.dirty = true
		c.mu.Unlock()
	}
	return ps
}

// Prune forgets every key not in keep, so the cache does not grow forever.
func (c *Cache) Prune(keep map[string]*Asset) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k := range c.entries {
		if _, ok := keep[k]; !ok {
			delete(c.entries, k)
			c.dirty = true
		}
	}
}

// Save writes the cache if it changed, atomically (write, then rename).
func (c *Cache) Save() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.dirty {
		return nil
	}
	data, err := json.MarshalIndent(c.entries, "", " ")
	if err != nil {
		return err
	}
	if err := c.st.Write(state.ProbeFile, data); err != nil {
		return err
	}
	c.dirty = false
	return nil
}
