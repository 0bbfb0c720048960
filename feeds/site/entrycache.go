package site

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
	"unsafe"

	"golang.org/x/sync/errgroup"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/config/diag"
	"github.com/feedpub/feedpub/config/sitefs"
	"github.com/feedpub/feedpub/feeds"
	"github.com/feedpub/feedpub/feeds/content"
	"github.com/feedpub/feedpub/feeds/internal/wire"
)

// entryCacheDir is the entry cache's folder under StateDir: one small file
// per entry file, named by its key, so a new or edited entry writes one
// file and an unchanged catalogue writes none.
const entryCacheDir = "cache/entries"

// entryCacheVersion changes whenever a cache file would hold something
// else for the same source: its encoding, or what content.Parse,
// feeds.EntryHTML, xmltext.SafeHTML or xmltext.AppleHTML make.
const entryCacheVersion = 3

// entryMagic starts every cache file.
const entryMagic = "feedpub entry cache\n"

// macSize is the length of the signature that ends every cache file.
const macSize = sha256.Size

// EntryCacheStats says how a build came by its entries.
type EntryCacheStats struct {
	// Parsed counts the entry files parsed, Cached those taken from the
	// entry cache instead.
	Parsed, Cached int
	// Written and Removed count the cache files written, and removed for
	// entries no longer in the site.
	Written, Removed int
}

// entryCache keeps, across builds, what each entry file parsed into
// (content.Parse's entry and problems) and the forms of its feed HTML
// (feeds.Prepared), under a key of everything they depend on: the cache's
// version, feedpub's, and content.Load's key of the file's name, its bytes
// and the settings Parse reads. A missing, unreadable, foreign or corrupt
// file is a miss, never an error. It implements content.Cache.
//
// It also makes each entry's HTML one string in memory: content.Entry.HTML
// is pointed into feeds.EntryHTML's copy, which the feeds carry (the same
// text, held once). A build without the cache (--no-cache) still does
// this; it just reads and writes no file.
type entryCache struct {
	root, dir string
	site      *sitefs.Root // nil when the site folder cannot be resolved
	salt      string
	max       int64 // the largest cache file read or written
	read      bool
	write     bool

	early    sync.Once // writable's answer, once
	canWrite bool

	mu      sync.Mutex
	recs    map[[sha256.Size]byte]*entryRecord // by name
	byEntry map[*content.Entry]*entryRecord
	stats   EntryCacheStats
}

// entryRecord is one cache file's content.
type entryRecord struct {
	name  [sha256.Size]byte
	e     *content.Entry // nil for a file that cannot be used at all
	ps    diag.Problems
	p     feeds.Prepared
	fresh bool // parsed by this build
	// What the file held of the forms, to see what this build added.
	hadSafe, hadApple bool
	safeIsHTML        bool // the file's safe form is its HTML as it is
	// Where the file holds the Apple form: decodeEntryRecord leaves it in
	// the file's bytes (apple), Get reads it from the file when asked.
	apple   []byte
	appleAt int64
}

func openEntryCache(cfg *config.Config, opt Options) *entryCache {
	limit := cfg.Content.MaxFileSize
	if limit <= 0 {
		limit = sitefs.MaxContent
	}
	site, _ := sitefs.NewRoot(cfg.Dir)
	return &entryCache{
		root: cfg.Dir,
		site: site,
		dir:  filepath.Join(cfg.Dir, StateDir, filepath.FromSlash(entryCacheDir)),
		salt: fmt.Sprintf("feedpub entry cache %d\n%s\n", entryCacheVersion, opt.Generator),
		// The review's HTML three times over (as written, safe, for
		// Apple) with room for the Markdown's growth.
		max:     8*limit + 1<<20,
		read:    !opt.NoCache,
		write:   !opt.NoCache && !opt.ReadOnly,
		recs:    map[[sha256.Size]byte]*entryRecord{},
		byEntry: map[*content.Entry]*entryRecord{},
	}
}

func (c *entryCache) name(key [sha256.Size]byte) [sha256.Size]byte {
	h := sha256.New()
	h.Write([]byte(c.salt))
	h.Write(key[:])
	var n [sha256.Size]byte
	h.Sum(n[:0])
	return n
}

func (c *entryCache) path(name [sha256.Size]byte) string {
	return filepath.Join(c.dir, hex.EncodeToString(name[:]))
}

// Get reads the cache file of key: only a regular file inside the site,
// up to the size cap (sitefs), so a FIFO or a symlink out of the site is
// a miss, never followed.
func (c *entryCache) Get(key [sha256.Size]byte) (*content.Entry, diag.Problems, bool) {
	if !c.read || c.site == nil {
		return nil, nil, false
	}
	name := c.name(key)
	data, err := c.site.ReadFile(c.path(name), c.max)
	if err != nil {
		return nil, nil, false
	}
	r, ok := decodeEntryRecord(data, name)
	if !ok {
		return nil, nil, false
	}
	r.shareHTML()
	if r.safeIsHTML {
		r.p.Safe = r.p.HTML
	}
	if r.hadApple {
		// The Apple form stays in the file until a feed item needs it.
		r.p.LoadApple = c.appleLoader(name, r.appleAt, len(r.apple), sha256.Sum256(r.apple))
		r.apple = nil
	}
	c.add(r, false)
	return r.e, r.ps, true
}

// appleLoader reads an Apple form back from the cache file name, where Get
// found n bytes at off with the SHA-256 sum (of a file whose signature it
// checked); a file changed since is a miss.
func (c *entryCache) appleLoader(name [sha256.Size]byte, off int64, n int, sum [sha256.Size]byte) func() (string, bool) {
	return func() (string, bool) {
		f, err := c.site.Open(c.path(name), c.max)
		if err != nil {
			return "", false
		}
		defer f.Close()
		buf := make([]byte, n)
		if _, err := f.ReadAt(buf, off); err != nil || sha256.Sum256(buf) != sum {
			return "", false
		}
		if n == 0 {
			return "", true
		}
		// buf is ours alone and never written again: the string can be it
		// rather than a copy, as strings.Builder does.
		return unsafe.String(&buf[0], n), true
	}
}

// Put records what Parse made of key's file, to be written by save.
//
// When the cache is written, the forms of the entry's feed HTML are made
// here, while the entries load on every core, and the file is written at
// once; the Apple form is then read back when a feed item needs it, so
// even a first build never holds every review twice.
func (c *entryCache) Put(key [sha256.Size]byte, e *content.Entry, ps diag.Problems) {
	r := &entryRecord{name: c.name(key), e: e, ps: ps, fresh: true}
	r.shareHTML()
	if e != nil && c.writable() {
		c.writeNow(r)
	}
	c.add(r, true)
}

// writable reports, once per build, whether cache files may be written
// now: the cache is written, its folder lies inside the site and exists.
func (c *entryCache) writable() bool {
	c.early.Do(func() {
		c.canWrite = c.write && c.inSite() && os.MkdirAll(c.dir, 0o755) == nil
	})
	return c.canWrite
}

// writeNow makes r's forms and writes its file; on any failure the record
// stays fresh, so save writes it (and warns if it still cannot).
func (c *entryCache) writeNow(r *entryRecord) {
	both := r.e.Audio != nil || r.e.Video != nil // as feeds.Entry decides
	r.p.Make(both)
	apple := r.p.Apple
	data, appleAt, err := r.encode()
	if err != nil || int64(len(data)) > c.max || sitefs.WriteFile(c.path(r.name), data) != nil {
		return
	}
	r.fresh, r.hadSafe, r.hadApple = false, r.p.HasSafe, r.p.HasApple
	if both {
		r.p.LoadApple = c.appleLoader(r.name, appleAt, len(apple), sha256.Sum256([]byte(apple)))
		r.p.Apple = ""
	}
	c.mu.Lock()
	c.stats.Written++
	c.mu.Unlock()
}

func (c *entryCache) add(r *entryRecord, parsed bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.recs[r.name] = r
	if r.e != nil {
		c.byEntry[r.e] = r
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
	r.p.HTML = feeds.EntryHTML(r.e)
	r.e.HTML = r.p.HTML[len(r.p.HTML)-len(r.e.HTML):]
}

// prepared is feeds.Input.Prepared: the forms of the entry's HTML that
// the cache holds, to use and fill.
func (c *entryCache) prepared(ce *content.Entry) *feeds.Prepared {
	if r := c.byEntry[ce]; r != nil {
		return &r.p
	}
	return nil
}

func (r *entryRecord) changed() bool {
	return r.fresh || r.p.HasSafe != r.hadSafe || r.p.HasApple != r.hadApple
}

// save writes the cache files of entries parsed in this build, or whose
// forms it made, then removes those of entries no longer in the site. It
// runs once the feeds are rendered, so every form made is there. A
// read-only build (validate) or --no-cache writes and removes nothing.
func (c *entryCache) save() (EntryCacheStats, diag.Problems) {
	var ps diag.Problems
	if !c.write || len(c.recs) == 0 {
		// With nothing loaded (no content folder, say) there is nothing
		// to tell the cache's stale files by: keep them.
		return c.stats, ps
	}
	where := StateDir + "/" + entryCacheDir
	if !c.inSite() {
		ps.Warnf("FP131", where, 0, "", "cannot save the entry cache: the folder is outside the site folder (a symlink); feedpub writes only inside it")
		return c.stats, ps
	}
	var todo []*entryRecord
	for _, r := range c.recs {
		if r.changed() {
			todo = append(todo, r)
		}
	}
	slices.SortFunc(todo, func(a, b *entryRecord) int { return bytes.Compare(a.name[:], b.name[:]) })
	errs := make([]error, len(todo))
	wrote := make([]bool, len(todo))
	if len(todo) > 0 {
		if err := os.MkdirAll(c.dir, 0o755); err != nil {
			ps.Warnf("FP131", where, 0, "", "cannot save the entry cache: %v", err)
			return c.stats, ps
		}
		var g errgroup.Group
		// The writers share one folder, whose updates the file system
		// serialises: one per core is plenty.
		g.SetLimit(runtime.GOMAXPROCS(0))
		for i, r := range todo {
			g.Go(func() error {
				// An entry the encoding cannot hold, or a file too large to
				// be read back, is left out: the entry is parsed each time.
				if data, _, err := r.encode(); err == nil && int64(len(data)) <= c.max {
					errs[i] = sitefs.WriteFile(c.path(r.name), data)
					wrote[i] = errs[i] == nil
				}
				return nil
			})
		}
		_ = g.Wait()
	}
	failed := 0
	var first error
	for i, err := range errs {
		if err != nil {
			if first == nil {
				first = err
			}
			failed++
		}
		if wrote[i] {
			c.stats.Written++
		}
	}
	if failed > 0 {
		ps.Warnf("FP131", where, 0, "", "cannot save the entry cache (%d of %d files): %v", failed, len(todo), first)
	}
	c.stats.Removed = c.prune()
	return c.stats, ps
}

// prune removes the cache files no entry of this build used, and the
// temporary files of writes cut short (an hour old: a concurrent build's
// are seconds old). Only names the cache makes are touched.
func (c *entryCache) prune() int {
	des, err := os.ReadDir(c.dir)
	if err != nil {
		return 0
	}
	removed := 0
	for _, de := range des {
		n := de.Name()
		if len(n) < 2*sha256.Size {
			continue
		}
		hexName, rest := n[:2*sha256.Size], n[2*sha256.Size:]
		var name [sha256.Size]byte
		if _, err := hex.Decode(name[:], []byte(hexName)); err != nil || strings.ToLower(hexName) != hexName {
			continue
		}
		switch {
		case rest == "":
			if _, ok := c.recs[name]; ok {
				continue
			}
		case strings.HasPrefix(rest, "."):
			fi, err := de.Info()
			if err != nil || time.Since(fi.ModTime()) < time.Hour {
				continue
			}
		default:
			continue
		}
		if os.Remove(filepath.Join(c.dir, n)) == nil {
			removed++
		}
	}
	return removed
}

// inSite reports whether the cache folder, as far as it exists, resolves
// to a place inside the site folder: .feedpub or a folder in it may be a
// symlink, and the cache writes and deletes nowhere else.
func (c *entryCache) inSite() bool {
	if c.site == nil {
		return false
	}
	for p := c.dir; ; p = filepath.Dir(p) {
		real, err := filepath.EvalSymlinks(p)
		if err == nil {
			return sitefs.Within(c.site.Real(), real)
		}
		if !errors.Is(err, fs.ErrNotExist) || p == c.root || filepath.Dir(p) == p {
			return false
		}
	}
}

// encode writes the record: the magic, the name (so a file copied or
// renamed onto another entry's name is a miss), the problems, the forms
// made so far, the entry (last, so it needs no length of its own and is
// appended in place), and an HMAC-SHA256 of all that with the state key
// (stateKey), so a damaged or crafted file is a miss rather than output:
// the review HTML in it goes into the feeds as it is.
//
// appleAt is where the Apple form's bytes start in the file.
func (r *entryRecord) encode() (data []byte, appleAt int64, err error) {
	if r.p.HasApple && r.p.Apple == "" && r.p.LoadApple != nil {
		apple, ok := r.p.LoadApple()
		if !ok {
			return nil, 0, errors.New("the Apple form cannot be read back")
		}
		r.p.Apple = apple
	}
	size := 2<<10 + len(r.p.HTML) + len(r.p.Apple)
	if r.p.Safe != r.p.HTML {
		size += len(r.p.Safe)
	}
	b := make([]byte, 0, size)
	b = append(b, entryMagic...)
	b = append(b, r.name[:]...)
	b = wire.AppendUint(b, uint64(len(r.ps)))
	for _, p := range r.ps {
		b = wire.AppendInt(b, int(p.Severity))
		for _, s := range []string{p.Rule, p.File} {
			b = wire.AppendString(b, s)
		}
		b = wire.AppendInt(b, p.Line)
		for _, s := range []string{p.Field, p.Msg} {
			b = wire.AppendString(b, s)
		}
	}
	b = wire.AppendBool(b, r.p.HasSafe)
	if r.p.HasSafe {
		// Often the HTML as it is: then the HTML is not written again.
		same := r.p.Safe == r.p.HTML
		b = wire.AppendBool(b, same)
		if !same {
			b = wire.AppendString(b, r.p.Safe)
		}
	}
	b = wire.AppendBool(b, r.p.HasApple)
	if r.p.HasApple {
		b = wire.AppendString(b, r.p.Apple)
		appleAt = int64(len(b) - len(r.p.Apple))
	}
	b = wire.AppendBool(b, r.e != nil)
	if r.e != nil {
		if b, err = r.e.AppendBinary(b); err != nil {
			return nil, 0, err
		}
	}
	return append(b, stateMAC(b)...), appleAt, nil
}

// decodeEntryRecord reads a file encode wrote for name; ok is false for
// anything else.
func decodeEntryRecord(data []byte, name [sha256.Size]byte) (*entryRecord, bool) {
	head := len(entryMagic) + len(name)
	if len(data) < head+macSize || string(data[:len(entryMagic)]) != entryMagic || !bytes.Equal(data[len(entryMagic):head], name[:]) {
		return nil, false
	}
	body, sum := data[:len(data)-macSize], data[len(data)-macSize:]
	if !hmac.Equal(stateMAC(body), sum) {
		return nil, false
	}
	rd := wire.NewReader(body[head:])
	r := &entryRecord{name: name}
	if n := rd.Count(); n > 0 {
		r.ps = make(diag.Problems, n)
		for i := range r.ps {
			r.ps[i] = diag.Problem{Severity: diag.Severity(rd.Int()), Rule: rd.String(), File: rd.String(), Line: rd.Int(), Field: rd.String(), Msg: rd.String()}
		}
	}
	if r.hadSafe = rd.Bool(); r.hadSafe {
		if r.safeIsHTML = rd.Bool(); !r.safeIsHTML {
			r.p.Safe = rd.String()
		}
	}
	if r.hadApple = rd.Bool(); r.hadApple {
		b := rd.Bytes()
		r.apple = b
		r.appleAt = int64(len(body) - rd.Len() - len(b))
	}
	hasEntry := rd.Bool()
	if rd.Err() != nil {
		return nil, false
	}
	if hasEntry {
		r.e = new(content.Entry)
		if r.e.UnmarshalBinary(rd.Rest()) != nil {
			return nil, false
		}
	} else if rd.Len() != 0 {
		return nil, false
	}
	r.p.HasSafe, r.p.HasApple = r.hadSafe, r.hadApple
	return r, true
}
