package site

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"sync"
	"time"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/config/diag"
	"github.com/feedpub/feedpub/config/sitefs"
	"github.com/feedpub/feedpub/config/state"
	"github.com/feedpub/feedpub/feeds"
	"github.com/feedpub/feedpub/feeds/content"
	"github.com/feedpub/feedpub/feeds/xmltext"
)

// EntryCacheStats says how a build came by its entries.
type EntryCacheStats struct {
	// Parsed counts the entry files parsed, Cached those taken from the
	// entry cache instead.
	Parsed, Cached int
	// Written and Removed count the cache records written, and dropped
	// for entries no longer in the site.
	Written, Removed int
	// Unread counts the entries of Cached whose files were not even read:
	// their stat was as the cache's index recorded it.
	Unread int
}

// racyMargin is state.RacyMargin; the tests shorten it, since a file they
// just wrote has a change time of now that they cannot set back.
var racyMargin = state.RacyMargin

// entryCache keeps, across builds, what each entry file parsed into
// (content.Parse's entry and problems) and the sanitised forms of its feed
// HTML, in the state store's EntriesDir (entrypack.go: an index by stat and
// records packed in a fixed number of shards), under a key of everything
// they depend on: the feedpub build (the store's key), its version, and
// content.Load's key of the file's name, its bytes and the settings Parse
// reads. A missing, unreadable, foreign or corrupt file, or one another
// feedpub build wrote, is a miss, never an error. It implements
// content.StatCache, and feeds.Forms: the encoders take each review's
// forms from it, the Apple form read back from its shard per item.
//
// It also makes each entry's HTML one string in memory: content.Entry.HTML
// is pointed into feeds.EntryHTML's copy, which the feeds carry (the same
// text, held once). A build without the cache (--no-cache) still does
// this; it just reads and writes no file.
type entryCache struct {
	st    *state.Store // nil: nothing read or written
	salt  string
	max   int64 // the largest record read or written
	read  bool
	write bool

	pack *entryPack // nil when nothing is read or written

	mu       sync.Mutex
	recs     map[[sha256.Size]byte]*entryRecord // by name
	byEntry  map[*content.Entry]*entryRecord
	bySource map[string]*entryRecord // by content file
	stats    EntryCacheStats
}

// entryRecord is one entry's record.
type entryRecord struct {
	name [sha256.Size]byte
	e    *content.Entry // nil for a file that cannot be used at all
	ps   diag.Problems
	html string // feeds.EntryHTML of e, which e.HTML points into
	// safeIsHTML: the stored safe form is the HTML as it is (set once
	// shareHTML has made it).
	safeIsHTML bool
	// What the stored record held of the forms, to see what this build
	// added.
	hadSafe, hadApple bool
	// raw is where the record's bytes are (in its shard, or in the spill
	// file for one this build made), to copy them as they are into a
	// shard written again; nil for a record not written yet.
	raw *packRef

	mu       sync.Mutex // the forms below, made when first asked
	safe     string
	apple    string   // when hasApple and appleAt is nil
	appleAt  *packRef // where the Apple form's bytes are, when not held
	hasSafe  bool
	hasApple bool
}

func openEntryCache(cfg *config.Config, opt Options, st *state.Store) *entryCache {
	limit := cfg.Content.MaxFileSize
	if limit <= 0 {
		limit = sitefs.MaxContent
	}
	c := &entryCache{
		st:   st,
		salt: fmt.Sprintf("feedpub entry cache\n%s\n", opt.Generator),
		// The review's HTML three times over (as written, safe, for
		// Apple) with room for the Markdown's growth.
		max:      8*limit + 1<<20,
		read:     st.On(),
		write:    st.On() && !opt.ReadOnly,
		recs:     map[[sha256.Size]byte]*entryRecord{},
		byEntry:  map[*content.Entry]*entryRecord{},
		bySource: map[string]*entryRecord{},
	}
	if c.read {
		c.pack = openEntryPack(st, c.max)
	}
	return c
}

// name is the record's name for key: keyed with the store's build ID, so
// another feedpub build looks for other records.
func (c *entryCache) name(key [sha256.Size]byte) [sha256.Size]byte {
	h := c.st.Hash()
	h.Write([]byte(c.salt))
	h.Write(key[:])
	var n [sha256.Size]byte
	h.Sum(n[:0])
	return n
}

// Known is content.StatCache.Known: the key the index holds for file, if
// its stat is as recorded.
func (c *entryCache) Known(file, inputs string, fi fs.FileInfo) ([sha256.Size]byte, bool) {
	if c.pack == nil {
		return [sha256.Size]byte{}, false
	}
	st, ok := state.StatOf(fi)
	if !ok {
		return [sha256.Size]byte{}, false
	}
	key, ok := c.pack.known(file, inputs, st)
	if ok && c.pack.get(c.name(key)) != nil {
		c.mu.Lock()
		c.stats.Unread++
		c.mu.Unlock()
	}
	return key, ok
}

// Saw is content.StatCache.Saw: file's stat goes into the next index if
// its times are safely before it was read (git's racy-clean rule), so a
// file written again within the clock's granularity is read again.
func (c *entryCache) Saw(file, inputs string, fi fs.FileInfo, read time.Time, key [sha256.Size]byte) {
	if c.pack == nil {
		return
	}
	if st, ok := state.StatOf(fi); ok && st.Before(read.Add(-racyMargin)) {
		c.pack.saw(file, inputs, st, key)
	}
}

// Get returns the record of key, from its shard.
func (c *entryCache) Get(key [sha256.Size]byte) (*content.Entry, diag.Problems, bool) {
	if c.pack == nil {
		return nil, nil, false
	}
	r := c.pack.get(c.name(key))
	if r == nil {
		return nil, nil, false
	}
	r.shareHTML()
	if r.safeIsHTML {
		r.safe = r.html
	}
	c.add(r, false)
	return r.e, r.ps, true
}

// Put records what Parse made of key's file, to be written by save.
//
// When the cache is written, the forms of the entry's feed HTML are made
// here, while the entries load on every core, and the record goes to the
// pack's spill file at once; the Apple form is then read back when a feed
// item needs it, so even a first build never holds every review twice.
func (c *entryCache) Put(key [sha256.Size]byte, e *content.Entry, ps diag.Problems) {
	r := &entryRecord{name: c.name(key), e: e, ps: ps}
	r.shareHTML()
	if e != nil && c.write {
		r.makeForms(r.both())
		if c.pack.spill(r) {
			c.mu.Lock()
			c.stats.Written++
			c.mu.Unlock()
		}
	}
	c.add(r, true)
}

func (c *entryCache) add(r *entryRecord, parsed bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.recs[r.name] = r
	if r.e != nil {
		c.byEntry[r.e] = r
		c.bySource[r.e.File] = r
	}
	if parsed {
		c.stats.Parsed++
	} else {
		c.stats.Cached++
	}
}

// shareHTML makes the feed HTML, and points the entry's HTML into it.
func (r *entryRecord) shareHTML() {
	if r.e == nil || r.e.HTML == "" {
		return
	}
	r.html = feeds.EntryHTML(r.e)
	r.e.HTML = r.html[len(r.html)-len(r.e.HTML):]
}

// both reports whether the entry needs both forms (it is in a podcast
// feed, as feeds.Entry decides) or the safe form alone.
func (r *entryRecord) both() bool { return r.e != nil && (r.e.Audio != nil || r.e.Video != nil) }

// makeForms makes the safe form, and with apple the Apple form too, both in
// one pass; r.mu is held or r is not yet shared.
func (r *entryRecord) makeForms(apple bool) {
	if apple {
		r.safe, r.apple = xmltext.Forms(r.html)
		r.hasSafe, r.hasApple, r.appleAt = true, true, nil
		return
	}
	r.safe, r.hasSafe = xmltext.SafeHTML(r.html), true
}

// entryHTML is feeds.Input.EntryHTML: each entry's feed HTML as the cache
// holds it, which the model then shares.
func (c *entryCache) entryHTML() map[*content.Entry]string {
	out := make(map[*content.Entry]string, len(c.byEntry))
	for e, r := range c.byEntry {
		if r.html != "" {
			out[e] = r.html
		}
	}
	return out
}

// record returns the record of the feed entry e if its forms are of e's
// HTML as it is now (a caller may have set HTML since Build).
func (c *entryCache) record(e *feeds.Entry) *entryRecord {
	c.mu.Lock()
	r := c.bySource[e.Source]
	c.mu.Unlock()
	if r == nil || r.html != e.HTML {
		return nil
	}
	return r
}

// Safe is feeds.Forms.Safe: the record's safe form, made (with the Apple
// form, for an entry in a podcast feed) the first time it is asked for.
func (c *entryCache) Safe(e *feeds.Entry) string {
	r := c.record(e)
	if r == nil {
		return feeds.MakeForms{}.Safe(e)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.hasSafe {
		r.makeForms(r.both())
	}
	return r.safe
}

// Apple is feeds.Forms.Apple: read back from the record's shard (or spill
// file) when it is there, so a catalogue of thousands does not hold every
// review a second time; made anew when that read fails.
func (c *entryCache) Apple(e *feeds.Entry) string {
	r := c.record(e)
	if r == nil {
		return feeds.MakeForms{}.Apple(e)
	}
	r.mu.Lock()
	if at := r.appleAt; at != nil {
		r.mu.Unlock()
		if s, ok := at.string(); ok {
			return s
		}
		return feeds.MakeForms{}.Apple(e)
	}
	defer r.mu.Unlock()
	if !r.hasApple {
		r.makeForms(true)
	}
	return r.apple
}

// changed reports whether r must be encoded again: parsed by this build
// and not spilled, or given a form its stored record lacks.
func (r *entryRecord) changed() bool {
	return r.raw == nil || r.hasSafe != r.hadSafe || r.hasApple != r.hadApple
}

// save writes the shards whose records changed, and the index, once the
// feeds are rendered (so every form made is there), then closes the pack.
// A read-only build (validate) or --no-cache writes and removes nothing.
func (c *entryCache) save() (EntryCacheStats, diag.Problems) {
	var ps diag.Problems
	if c.pack == nil {
		return c.stats, ps
	}
	defer c.pack.close()
	if !c.write || len(c.recs) == 0 {
		// With nothing loaded (no content folder, say) there is nothing
		// to tell the cache's stale records by: keep them.
		return c.stats, ps
	}
	where := state.Where(state.EntriesDir)
	if !c.st.Writable(state.EntriesDir + "/index") {
		ps.Warnf("FP131", where, 0, "", "cannot save the entry cache: %v", state.ErrOutside)
		return c.stats, ps
	}
	if err := os.MkdirAll(c.st.Path(state.EntriesDir), 0o755); err != nil {
		ps.Warnf("FP131", where, 0, "", "cannot save the entry cache: %v", err)
		return c.stats, ps
	}
	written, removed, err := c.pack.save(c.recs)
	c.stats.Written += written
	c.stats.Removed = removed
	if err != nil {
		ps.Warnf("FP131", where, 0, "", "cannot save the entry cache: %v", err)
	}
	return c.stats, ps
}

// close closes the pack's files, if save has not.
func (c *entryCache) close() {
	if c.pack != nil {
		c.pack.close()
	}
}
