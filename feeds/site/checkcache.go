package site

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"sync"

	"github.com/feedpub/feedpub/config/state"
	"github.com/feedpub/feedpub/feeds/feedcheck"
	"github.com/feedpub/feedpub/feeds/podcast"
	"github.com/feedpub/feedpub/media/publish"
)

// maxItemCache bounds the file read: a few hundred bytes per item.
const maxItemCache = 64 << 20

// itemCache is the set of podcast items already checked clean, keyed by a
// hash of their bytes (with the feed's root element, whose namespaces
// decide what the item's elements are, and feedpub's version). Checking a
// feed then parses only the items it has not seen: in a large catalogue, a
// new episode costs the rules one item, not the hundreds of megabytes of
// the whole feed. The rules that compare items run on every item's facts.
// It is kept in the state store, whose signature ties it to the feedpub
// build that checked the items: changed rules come with a new build, which
// checks every item again, and the rules that compare items trust these
// facts, so edited ones are not read.
type itemCache struct {
	st      *state.Store
	version string
	mu      sync.Mutex
	items   map[string]feedcheck.ItemFacts
	used    map[string]bool
	dirty   bool
}

// openItemCache loads the cache from st for this feedpub (generator, e.g.
// "feedpub 1.2.0"); a missing, unreadable or foreign file is an empty
// cache, since it only saves time.
func openItemCache(st *state.Store, generator string) *itemCache {
	c := &itemCache{st: st, version: generator, items: map[string]feedcheck.ItemFacts{}, used: map[string]bool{}}
	data, ok := st.Read(state.CheckedFile, maxItemCache)
	if !ok {
		return c
	}
	var doc itemCacheDoc
	if json.Unmarshal(data, &doc) == nil && doc.Feedpub == generator && doc.Items != nil {
		c.items = doc.Items
	}
	return c
}

// itemCacheDoc is the file's payload.
type itemCacheDoc struct {
	Feedpub string                         `json:"feedpub"`
	Items   map[string]feedcheck.ItemFacts `json:"items"`
}

func (c *itemCache) get(key string) (feedcheck.ItemFacts, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f, ok := c.items[key]
	if ok {
		c.used[key] = true
	}
	return f, ok
}

func (c *itemCache) put(key string, f feedcheck.ItemFacts) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.items[key], c.used[key], c.dirty = f, true, true
}

// save writes the items used by this build, and only those, so the file
// follows the catalogue; it writes nothing when that is what it holds.
func (c *itemCache) save() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k := range c.items {
		if !c.used[k] {
			delete(c.items, k)
			c.dirty = true
		}
	}
	if !c.dirty {
		return nil
	}
	data, err := json.Marshal(itemCacheDoc{Feedpub: c.version, Items: c.items})
	if err != nil {
		return err
	}
	c.dirty = false
	return c.st.Write(state.CheckedFile, data)
}

// checkPodcastFile runs the podcast rules on the rendered feed f, whose
// items lie at spans, reading only the items c has not seen checked clean
// and remembering those found clean now. Without a usable layout it checks
// the whole file.
func checkPodcastFile(f publish.File, spans []podcast.Span, c *itemCache, model bool) []error {
	file, err := os.Open(f.Path)
	if err != nil {
		return []error{err}
	}
	defer file.Close()
	if c == nil || !adjacent(spans, f.Size) {
		return feedcheck.CheckPodcastFrom(file, feedcheck.Known{ModelChecked: model})
	}
	head := make([]byte, spans[0].Start)
	if _, err := file.ReadAt(head, 0); err != nil {
		return []error{err}
	}
	// The root element's start tag declares the namespaces an item's
	// elements are read in.
	root := head
	if i := bytes.Index(head, []byte("<rss")); i >= 0 {
		if j := bytes.IndexByte(head[i:], '>'); j >= 0 {
			root = head[:i+j+1]
		}
	}
	keys := make([]string, len(spans))
	known := map[int]feedcheck.ItemFacts{}
	// Every item's key starts alike: the version and the root element.
	prefix := append([]byte("feedpub checked item\x00"+c.version+"\x00"), root...)
	prefix = append(prefix, 0)
	h := sha256.New()
	var buf []byte
	var sum [sha256.Size]byte
	for i, sp := range spans {
		n := int(sp.End - sp.Start)
		if cap(buf) < n {
			buf = make([]byte, n)
		}
		buf = buf[:n]
		if _, err := file.ReadAt(buf, sp.Start); err != nil {
			return []error{err}
		}
		h.Reset()
		h.Write(prefix)
		h.Write(buf)
		keys[i] = hex.EncodeToString(h.Sum(sum[:0]))
		if facts, ok := c.get(keys[i]); ok {
			known[i] = facts
		}
	}
	parts := []io.Reader{bytes.NewReader(head)}
	for i, sp := range spans {
		if _, ok := known[i]; !ok {
			parts = append(parts, io.NewSectionReader(file, sp.Start, sp.End-sp.Start))
		}
	}
	last := spans[len(spans)-1].End
	parts = append(parts, io.NewSectionReader(file, last, f.Size-last))
	return feedcheck.CheckPodcastFrom(io.MultiReader(parts...), feedcheck.Known{
		Items:        known,
		ModelChecked: model,
		Read: func(i int, facts feedcheck.ItemFacts, clean bool) {
			if clean && i < len(keys) {
				c.put(keys[i], facts)
			}
		},
	})
}

// adjacent reports whether spans are what RenderLayout gives for a feed of
// size bytes: at least one, in order, each starting where the last ended.
func adjacent(spans []podcast.Span, size int64) bool {
	if len(spans) == 0 || spans[0].Start <= 0 {
		return false
	}
	for i, sp := range spans {
		if sp.End <= sp.Start || i > 0 && sp.Start != spans[i-1].End {
			return false
		}
	}
	return spans[len(spans)-1].End <= size
}
