package site

import (
	"crypto/sha256"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/feeds/content"
	"github.com/feedpub/feedpub/feeds/feedcheck"
)

// signedBy makes the state key k while fn runs: what anyone without this
// machine's key (a pull request committing .feedpub/, say) can sign with.
func signedBy(t *testing.T, k string, fn func()) {
	t.Helper()
	saved := stateKey
	stateKey = func() []byte { return []byte(k) }
	defer func() { stateKey = saved }()
	fn()
}

// A cache file holds the review's HTML as the feeds carry it, so a file
// crafted to hold raw HTML, with every check but the signature right, is a
// miss: the entry is parsed and sanitised anew.
func TestCraftedEntryCacheFileIsAMiss(t *testing.T) {
	dir := t.TempDir()
	cfg := &config.Config{Dir: dir, Content: config.Content{MaxFileSize: 1 << 20}}
	open := func() *entryCache { return openEntryCache(cfg, Options{Generator: "feedpub test"}) }
	e, ps := content.Parse("reviews/x.md", []byte("---\ntitle: X\ndate: 2026-11-01\n---\nA *fine* film.\n"), content.NewMarkdown(), cfg.Content)
	if ps.HasErrors() {
		t.Fatal(ps.Err())
	}
	key := sha256.Sum256([]byte("reviews/x.md"))
	open().Put(key, e, nil)
	if got, _, ok := open().Get(key); !ok || got == nil {
		t.Fatal("the cache file just written is a miss")
	}

	c := open()
	data, err := os.ReadFile(c.path(c.name(key)))
	if err != nil {
		t.Fatal(err)
	}
	r, ok := decodeEntryRecord(data, c.name(key))
	if !ok {
		t.Fatal("cannot decode the cache file")
	}
	r.e = e
	r.p.HTML, r.p.Safe, r.p.HasSafe = "<script>alert(1)</script>", "<script>alert(1)</script>", true
	signedBy(t, "not this machine's key", func() {
		crafted, _, err := r.encode()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(c.path(c.name(key)), crafted, 0o644); err != nil {
			t.Fatal(err)
		}
	})
	if got, _, ok := open().Get(key); ok {
		t.Errorf("a crafted cache file was used: %q", got.HTML)
	}
}

// The facts of items checked clean feed the rules that compare items;
// edited facts (two items with one GUID) are not read, so they cannot fail
// a build with a false finding.
func TestEditedCheckedItemsAreNotRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), StateDir, itemCacheFile)
	c := openItemCache(path, "feedpub test")
	c.put("a", feedcheck.ItemFacts{GUID: "one", Title: "One"})
	c.put("b", feedcheck.ItemFacts{GUID: "two", Title: "Two"})
	if err := c.save(); err != nil {
		t.Fatal(err)
	}
	if got := openItemCache(path, "feedpub test"); len(got.items) != 2 {
		t.Fatalf("%d items read back, want 2", len(got.items))
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(data), `"two"`, `"one"`, 1)
	if edited == string(data) {
		t.Fatal("the edit changed nothing")
	}
	if err := os.WriteFile(path, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := openItemCache(path, "feedpub test"); len(got.items) != 0 {
		t.Errorf("edited facts were read: %v", got.items)
	}
	// Re-signed with another key, they are not read either.
	signedBy(t, "not this machine's key", func() {
		c := openItemCache(filepath.Join(t.TempDir(), "x.json"), "feedpub test")
		c.items = map[string]feedcheck.ItemFacts{"a": {GUID: "one"}, "b": {GUID: "one"}}
		c.path, c.dirty = path, true
		if err := c.save(); err != nil {
			t.Fatal(err)
		}
	})
	if got := openItemCache(path, "feedpub test"); len(got.items) != 0 {
		t.Errorf("facts signed with another key were read: %v", got.items)
	}
}
