package site_test

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/config/diag"
	"github.com/feedpub/feedpub/feeds/site"
)

// maxCacheFiles is the most files the entry cache keeps, however many
// entries: its shards and its index.
const maxCacheFiles = 32 + 1

// entriesDir is where the entry cache keeps its files.
func entriesDir(cfg *config.Config) string {
	return filepath.Join(cfg.Dir, site.StateDir, "cache", "entries")
}

// cacheFiles lists the entry cache's files with their bytes.
func cacheFiles(t *testing.T, cfg *config.Config) map[string]string {
	t.Helper()
	out := map[string]string{}
	des, err := os.ReadDir(entriesDir(cfg))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	for _, de := range des {
		b, _ := os.ReadFile(filepath.Join(entriesDir(cfg), de.Name()))
		out[de.Name()] = string(b)
	}
	return out
}

// built is what a build gives that a cache could change: every file of
// the tree (feeds by their bytes), every problem, the left-out entries.
func built(t *testing.T, res *site.Result, ps diag.Problems) string {
	t.Helper()
	var b strings.Builder
	for _, f := range res.Files {
		fmt.Fprintf(&b, "%s %s %d %s\n", f.Key, f.SHA256, f.Size, f.ContentType)
		if f.Body != nil && f.SHA256 == "" {
			t.Fatalf("%s: no checksum", f.Key)
		}
	}
	for _, p := range ps {
		fmt.Fprintf(&b, "%s [%s %s]\n", p.Error(), p.Severity, p.Rule)
	}
	for _, s := range res.Skipped {
		fmt.Fprintf(&b, "skipped %s: %s\n", s.File, s.Reason)
	}
	for _, e := range res.Entries {
		fmt.Fprintf(&b, "entry %s %q %v %v %q\n", e.File, e.Summary, e.Date, e.Line("title"), e.HTML)
	}
	return b.String()
}

func buildWith(t *testing.T, cfg *config.Config, opt site.Options) (string, site.EntryCacheStats) {
	t.Helper()
	if opt.Now.IsZero() {
		opt.Now = now
	}
	opt.Generator = "feedpub test"
	res, ps := buildSite(t, cfg, opt)
	if res == nil {
		t.Fatal("no result")
	}
	return built(t, res, ps), res.EntryCache
}

func edit(t *testing.T, cfg *config.Config, rel, from, to string) {
	t.Helper()
	p := filepath.Join(cfg.Dir, rel)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), from) {
		t.Fatalf("%s has no %q", rel, from)
	}
	if err := os.WriteFile(p, []byte(strings.Replace(string(b), from, to, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

func entryCount(t *testing.T, cfg *config.Config) int {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(cfg.Dir, "reviews", "*.md"))
	return len(m)
}

// stats formats EntryCacheStats for comparisons.
func stats(parsed, cached, written, removed int) site.EntryCacheStats {
	return site.EntryCacheStats{Parsed: parsed, Cached: cached, Written: written, Removed: removed}
}

func TestEntryCacheBuildsTheSameBytes(t *testing.T) {
	cfg := example(t)
	// Typographer entities and a warning with a line, so the safe form
	// differs from the HTML and a cached problem must keep its place.
	edit(t, cfg, "reviews/aftersun.md", "\n---\n", "\nignore: [FP999]\n---\nIt's \"Mescal's\" film -- and <b>raw</b> <script>x</script>.\n\n")
	n := entryCount(t, cfg)

	want, st := buildWith(t, cfg, site.Options{NoCache: true})
	if st != stats(n, 0, 0, 0) {
		t.Errorf("--no-cache: %+v", st)
	}
	if _, err := os.Stat(filepath.Join(cfg.Dir, site.StateDir)); err == nil {
		t.Error("--no-cache wrote the site's state folder")
	}
	if !strings.Contains(want, "reviews/aftersun.md:") || !strings.Contains(want, "FP126") {
		t.Fatalf("the warning to compare is missing:\n%s", want)
	}

	got, st := buildWith(t, cfg, site.Options{})
	if got != want {
		t.Errorf("first build with the cache differs:\n%s\nwant\n%s", got, want)
	}
	if files := cacheFiles(t, cfg); st != stats(n, 0, n, 0) || len(files) == 0 || len(files) > maxCacheFiles {
		t.Errorf("first build: %+v, %d cache files", st, len(files))
	}
	files := cacheFiles(t, cfg)

	got, st = buildWith(t, cfg, site.Options{})
	if got != want {
		t.Errorf("build from the cache differs:\n%s\nwant\n%s", got, want)
	}
	if st != stats(0, n, 0, 0) {
		t.Errorf("unchanged site: %+v, want every entry from the cache and nothing written", st)
	}
	if again := cacheFiles(t, cfg); !mapsEqual(again, files) {
		t.Error("an unchanged site changed the cache files")
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func TestEntryCacheParsesOnlyTheEditedFile(t *testing.T) {
	cfg := example(t)
	n := entryCount(t, cfg)
	buildWith(t, cfg, site.Options{})
	before := cacheFiles(t, cfg)

	edit(t, cfg, "reviews/past-lives.md", "\n---\n", "\n---\nA new first paragraph.\n\n")
	want, _ := buildWith(t, cfg, site.Options{NoCache: true})
	got, st := buildWith(t, cfg, site.Options{})
	if got != want {
		t.Errorf("after an edit the cached build differs:\n%s\nwant\n%s", got, want)
	}
	if st != stats(1, n-1, 1, 1) {
		t.Errorf("one file edited: %+v, want it alone parsed and written, its old cache file removed", st)
	}
	// The edited entry's record is written, and the old one dropped: at
	// most their two shards change, whatever the catalogue's size.
	if changed := changedFiles(before, cacheFiles(t, cfg)); len(changed) == 0 || len(changed) > 2 {
		t.Errorf("%d cache files changed: %v", len(changed), changed)
	}

	// A removed entry's cache file goes with it.
	if err := os.Remove(filepath.Join(cfg.Dir, "reviews", "next-week.md")); err != nil {
		t.Fatal(err)
	}
	if _, st := buildWith(t, cfg, site.Options{}); st != stats(0, n-1, 0, 1) {
		t.Errorf("an entry removed: %+v", st)
	}
}

// changedFiles lists the names in after that are new or hold other bytes
// than in before.
func changedFiles(before, after map[string]string) []string {
	var out []string
	for k, v := range after {
		if w, ok := before[k]; !ok || w != v {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// entryCacheFile builds the site, edits rel so that the shard holding its
// record is written again, builds again, and returns that shard's path
// with the expected build output.
func entryCacheFile(t *testing.T, cfg *config.Config, rel string) (string, string) {
	t.Helper()
	buildWith(t, cfg, site.Options{})
	before := cacheFiles(t, cfg)
	edit(t, cfg, rel, "\n---\n", "\n---\nEdited.\n\n")
	want, _ := buildWith(t, cfg, site.Options{})
	for _, name := range changedFiles(before, cacheFiles(t, cfg)) {
		if name != "index" {
			return filepath.Join(entriesDir(cfg), name), want
		}
	}
	t.Fatalf("no cache shard changed after editing %s", rel)
	return "", ""
}

func TestEntryCacheFileThatIsBadIsAMiss(t *testing.T) {
	cfg := example(t)
	n := entryCount(t, cfg)
	p, want := entryCacheFile(t, cfg, "reviews/heroine.md")
	good, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var other []byte
	for name, b := range cacheFiles(t, cfg) {
		if name != filepath.Base(p) {
			other = []byte(b)
			break
		}
	}
	outside := filepath.Join(t.TempDir(), "record")
	if err := os.WriteFile(outside, good, 0o644); err != nil {
		t.Fatal(err)
	}
	flipped := bytes.Clone(good)
	flipped[len(flipped)/2] ^= 0x20
	for _, c := range []struct {
		name string
		make func() error
	}{
		{"empty", func() error { return os.WriteFile(p, nil, 0o644) }},
		{"truncated", func() error { return os.WriteFile(p, good[:len(good)-1], 0o644) }},
		{"cut in half", func() error { return os.WriteFile(p, good[:len(good)/2], 0o644) }},
		{"a flipped bit", func() error { return os.WriteFile(p, flipped, 0o644) }},
		{"another entry's", func() error { return os.WriteFile(p, other, 0o644) }},
		{"not a cache file", func() error { return os.WriteFile(p, []byte("hello"), 0o644) }},
		{"a folder", func() error { return os.Mkdir(p, 0o755) }},
		{"a FIFO", func() error { return syscall.Mkfifo(p, 0o644) }},
		{"a symlink out of the site (to a good copy)", func() error { return os.Symlink(outside, p) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			if err := os.RemoveAll(p); err != nil {
				t.Fatal(err)
			}
			if err := c.make(); err != nil {
				t.Fatal(err)
			}
			done := make(chan struct{})
			var got string
			var st site.EntryCacheStats
			go func() {
				defer close(done)
				got, st = buildWith(t, cfg, site.Options{ReadOnly: true})
			}()
			select {
			case <-done:
			case <-time.After(30 * time.Second):
				t.Fatal("the build hangs on the cache file")
			}
			if got != want {
				t.Errorf("build differs:\n%s\nwant\n%s", got, want)
			}
			if st.Parsed < 1 || st.Parsed+st.Cached != n {
				t.Errorf("%+v: want the shard's entries parsed again, the rest from the cache", st)
			}
		})
	}
	// A build that writes replaces what is there (a symlink itself, not
	// its target) with a good file.
	if _, st := buildWith(t, cfg, site.Options{}); st.Written < 1 {
		t.Errorf("the bad file was not rewritten: %+v", st)
	}
	if b, err := os.ReadFile(p); err != nil || !bytes.Equal(b, good) {
		t.Errorf("rewritten file differs (%v)", err)
	}
	if fi, err := os.Lstat(p); err != nil || !fi.Mode().IsRegular() {
		t.Errorf("rewritten cache file: %v, %v", fi, err)
	}
	if b, _ := os.ReadFile(outside); !bytes.Equal(b, good) {
		t.Error("the symlink's target outside the site was written")
	}
}

func TestEntryCacheReadOnlyBuildWritesNothing(t *testing.T) {
	cfg := example(t)
	n := entryCount(t, cfg)
	buildWith(t, cfg, site.Options{})
	snapshot := func() map[string]string {
		out := map[string]string{}
		filepath.WalkDir(filepath.Join(cfg.Dir, site.StateDir), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			fi, _ := d.Info()
			out[p] = fmt.Sprint(fi.Size(), fi.ModTime().UnixNano(), fi.Mode())
			return nil
		})
		return out
	}
	// A stale file too, which only a build that writes removes.
	stale := filepath.Join(entriesDir(cfg), strings.Repeat("ab", 32))
	if err := os.WriteFile(stale, []byte("stale"), 0o644); err != nil {
		t.Fatal(err)
	}
	before := snapshot()
	edit(t, cfg, "reviews/aftersun.md", "\n---\n", "\n---\nEdited.\n\n")
	want, _ := buildWith(t, cfg, site.Options{NoCache: true})
	got, st := buildWith(t, cfg, site.Options{ReadOnly: true})
	if got != want {
		t.Errorf("read-only build differs:\n%s\nwant\n%s", got, want)
	}
	if st != stats(1, n-1, 0, 0) {
		t.Errorf("read-only build: %+v, want the cache read and nothing written", st)
	}
	if after := snapshot(); !mapsEqual(after, before) {
		t.Errorf("a read-only build changed %s:\n%v\nwas\n%v", site.StateDir, after, before)
	}
	// --no-cache reads nothing either.
	if _, st := buildWith(t, cfg, site.Options{NoCache: true}); st != stats(n, 0, 0, 0) {
		t.Errorf("--no-cache: %+v", st)
	}
	if after := snapshot(); !mapsEqual(after, before) {
		t.Errorf("--no-cache changed %s", site.StateDir)
	}
}

func TestEntryCachePrunesOnlyItsOwnStaleFiles(t *testing.T) {
	cfg := example(t)
	buildWith(t, cfg, site.Options{})
	dir := entriesDir(cfg)
	name := func(c string) string { return strings.Repeat(c, 64) }
	write := func(n string, age time.Duration) {
		p := filepath.Join(dir, n)
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		when := time.Now().Add(-age)
		if err := os.Chtimes(p, when, when); err != nil {
			t.Fatal(err)
		}
	}
	write(name("a"), 0)                     // an entry's file of the earlier layout
	write(name("b")+".123456", 2*time.Hour) // a write cut short
	write(name("c")+".123456", 0)           // a write under way
	write("index.123456", 2*time.Hour)      // an index write cut short
	write("spill-123456", 2*time.Hour)      // a build cut short
	write("spill-654321", 0)                // a build under way
	write(name("D"), 0)                     // not a name the cache makes
	write("notes.txt", 0)
	if _, st := buildWith(t, cfg, site.Options{}); st.Removed != 0 {
		t.Errorf("removed %d records, want none: every entry is there", st.Removed)
	}
	for n, want := range map[string]bool{name("a"): false, name("b") + ".123456": false, name("c") + ".123456": true, "index.123456": false,
		"spill-123456": false, "spill-654321": true, name("D"): true, "notes.txt": true} {
		if _, err := os.Lstat(filepath.Join(dir, n)); (err == nil) != want {
			t.Errorf("%s: kept %v, want %v", n, err == nil, want)
		}
	}
	// A build that loads nothing (the content folder gone) keeps the cache.
	before := len(cacheFiles(t, cfg))
	if err := os.Rename(filepath.Join(cfg.Dir, "reviews"), filepath.Join(cfg.Dir, "old")); err != nil {
		t.Fatal(err)
	}
	buildWith(t, cfg, site.Options{})
	if after := len(cacheFiles(t, cfg)); after != before {
		t.Errorf("a build without entries removed %d cache files", before-after)
	}
}

func TestEntryCacheNeverWritesThroughASymlinkOutOfTheSite(t *testing.T) {
	cfg := example(t)
	outside := t.TempDir()
	if err := os.MkdirAll(filepath.Join(cfg.Dir, site.StateDir), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(cfg.Dir, site.StateDir, "cache")); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(outside, "entries"), 0o755); err != nil {
		t.Fatal(err)
	}
	victim := filepath.Join(outside, "entries", strings.Repeat("e", 64))
	if err := os.WriteFile(victim, []byte("not feedpub's"), 0o644); err != nil {
		t.Fatal(err)
	}
	want, _ := buildWith(t, cfg, site.Options{NoCache: true})
	res, ps := buildSite(t, cfg, site.Options{Now: now, Generator: "feedpub test"})
	if w := ps.Warnings(); len(w) != 1 || w[0].Rule != "FP131" || !strings.Contains(w[0].Msg, "outside the site folder") {
		t.Errorf("want one warning about the cache folder, got %v", w)
	}
	if res.EntryCache.Written != 0 || res.EntryCache.Removed != 0 {
		t.Errorf("%+v", res.EntryCache)
	}
	des, _ := os.ReadDir(filepath.Join(outside, "entries"))
	if len(des) != 1 {
		t.Errorf("%d files in the folder outside the site, want the 1 it had", len(des))
	}
	// The warning aside, the build is the same.
	var kept diag.Problems
	for _, p := range ps {
		if p.Rule != "FP131" {
			kept = append(kept, p)
		}
	}
	if got := built(t, res, kept); got != want {
		t.Errorf("build differs:\n%s\nwant\n%s", got, want)
	}
}

func TestEntryCacheSavesFormsMadeLater(t *testing.T) {
	cfg := example(t)
	n := entryCount(t, cfg)
	// heroine.md and dune-part-two-video.md are not due yet: no feed
	// carries them, but the forms of their HTML are made with the rest as
	// the entries load, so nothing is left to write when they fall due.
	early := time.Date(2026, 11, 10, 0, 0, 0, 0, time.UTC)
	if _, st := buildWith(t, cfg, site.Options{Now: early}); st != stats(n, 0, n, 0) {
		t.Fatalf("first build: %+v", st)
	}
	want, _ := buildWith(t, cfg, site.Options{NoCache: true})
	got, st := buildWith(t, cfg, site.Options{})
	if got != want {
		t.Errorf("build differs:\n%s\nwant\n%s", got, want)
	}
	if st != stats(0, n, 0, 0) {
		t.Errorf("two entries now due: %+v, want nothing written: their forms were made when they were parsed", st)
	}
	if _, st := buildWith(t, cfg, site.Options{}); st != stats(0, n, 0, 0) {
		t.Errorf("then: %+v, want nothing written", st)
	}
}

func TestEntryCacheThatCannotBeSavedWarns(t *testing.T) {
	cfg := example(t)
	want, _ := buildWith(t, cfg, site.Options{NoCache: true})
	// A file where the cache's folder goes.
	if err := os.MkdirAll(filepath.Join(cfg.Dir, site.StateDir, "cache"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(entriesDir(cfg), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, ps := buildSite(t, cfg, site.Options{Now: now, Generator: "feedpub test"})
	var kept diag.Problems
	var warned bool
	for _, p := range ps {
		if p.Rule == "FP131" {
			warned = p.Severity == diag.Warning && p.File == ".feedpub/cache/entries"
			continue
		}
		kept = append(kept, p)
	}
	if !warned {
		t.Errorf("no FP131 warning: %v", ps)
	}
	if got := built(t, res, kept); got != want {
		t.Errorf("build differs:\n%s\nwant\n%s", got, want)
	}
}

// A changed feedpub (another sanitiser, other rules, another parser: any
// change to its code gives its binary another build ID) never reads what
// an older one cached: every entry is parsed, and its forms made, afresh.
func TestAnotherBuildOfFeedpubReadsNoCache(t *testing.T) {
	cfg := example(t)
	n := entryCount(t, cfg)
	want, st := buildWith(t, cfg, site.Options{BuildID: "A"})
	if st.Parsed != n {
		t.Fatalf("first build: %+v", st)
	}
	if _, st := buildWith(t, cfg, site.Options{BuildID: "A"}); st.Cached != n {
		t.Fatalf("the same build again: %+v, want every entry from the cache", st)
	}
	got, st := buildWith(t, cfg, site.Options{BuildID: "B"})
	if st.Cached != 0 || st.Parsed != n {
		t.Errorf("another build of feedpub: %+v, want every entry parsed and none from the cache", st)
	}
	if got != want {
		t.Errorf("another build differs:\n%s\nwant\n%s", got, want)
	}
	// And what it wrote is its own: the first build's is not read back.
	if _, st := buildWith(t, cfg, site.Options{BuildID: "A"}); st.Cached != 0 {
		t.Errorf("back to the first build: %+v, want nothing from the cache, which the other build replaced", st)
	}
}

// An entry file whose stat is as the index recorded it is not read at all;
// any change to it, even one that keeps its size and modification time,
// changes its change time, and it is read (and parsed) again.
func TestEntryCacheReadsOnlyFilesWhoseStatChanged(t *testing.T) {
	site.SetRacyMargin(t, 0)
	cfg := example(t)
	n := entryCount(t, cfg)
	buildWith(t, cfg, site.Options{})
	if _, st := buildWith(t, cfg, site.Options{}); st.Cached != n || st.Unread != n {
		t.Fatalf("unchanged site: %+v, want every entry from the cache, none read", st)
	}
	// Same size, modification time put back: only the change time tells.
	p := filepath.Join(cfg.Dir, "reviews", "past-lives.md")
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	edit(t, cfg, "reviews/past-lives.md", "the best scene", "the last scene")
	if err := os.Chtimes(p, fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
	if fi2, _ := os.Stat(p); fi2.Size() != fi.Size() || !fi2.ModTime().Equal(fi.ModTime()) {
		t.Fatalf("the edit changed size or time: %d %v, was %d %v", fi2.Size(), fi2.ModTime(), fi.Size(), fi.ModTime())
	}
	want, _ := buildWith(t, cfg, site.Options{NoCache: true})
	got, st := buildWith(t, cfg, site.Options{})
	if got != want {
		t.Errorf("after an edit that kept size and time:\n%s\nwant\n%s", got, want)
	}
	if st.Parsed != 1 || st.Cached != n-1 || st.Unread != n-1 {
		t.Errorf("after an edit that kept size and time: %+v, want it alone read and parsed", st)
	}
	// A file the index knows is still refused over content.max_file_size.
	cfg.Content.MaxFileSize = fi.Size() - 1
	want, _ = buildWith(t, cfg, site.Options{NoCache: true})
	if got, _ := buildWith(t, cfg, site.Options{}); got != want || !strings.Contains(got, "FP206") {
		t.Errorf("a file over the limit, known to the index:\n%s\nwant\n%s", got, want)
	}
}
