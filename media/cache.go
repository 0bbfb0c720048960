package media

import (
	"encoding/json"
	"path/filepath"
	"sync"
	"time"

	"github.com/feedpub/feedpub/config/sitefs"
	"github.com/feedpub/feedpub/media/probe"
)

// cacheVersion changes whenever the probes learn something new, so results
// from an older feedpub are read again rather than trusted.
const cacheVersion = 1

// Cache remembers what was read from each file, keyed by path, size and
// modification time, so an unchanged catalogue is not read again.
type Cache struct {
	path    string
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
}

type cacheFile struct {
	Version int                   `json:"version"`
	Entries map[string]cacheEntry `json:"entries"`
}

// maxCacheFile bounds the cache file read: far more than a catalogue of
// thousands of files needs.
const maxCacheFile = 64 << 20

// OpenCache loads the cache at path; a missing, unreadable or outdated cache
// is simply empty, since the cache only saves time. It is read through
// sitefs like any site file, so a FIFO or a symlink there cannot hang or
// mislead the build.
func OpenCache(path string) *Cache {
	c := &Cache{path: path, entries: map[string]cacheEntry{}}
	data, err := sitefs.ReadFile(filepath.Dir(path), path, maxCacheFile)
	if err != nil {
		return c
	}
	var f cacheFile
	if json.Unmarshal(data, &f) == nil && f.Version == cacheVersion && f.Entries != nil {
		c.entries = f.Entries
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
	data, err := json.MarshalIndent(cacheFile{Version: cacheVersion, Entries: c.entries}, "", " ")
	if err != nil {
		return err
	}
	if err := sitefs.WriteFile(c.path, data); err != nil {
		return err
	}
	c.dirty = false
	return nil
}
