package site

import (
	"crypto/sha256"
	"encoding/binary"
	"os"
	"strings"
	"testing"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/config/state"
	"github.com/feedpub/feedpub/feeds/content"
	"github.com/feedpub/feedpub/feeds/feedcheck"
)

// testStore is the state store of the site folder dir under build ID id,
// signed with the test's key.
func testStore(dir, id string) *state.Store {
	return storeWithKey(dir, id, "test key")
}

// storeWithKey signs with the key k: what anyone without this machine's
// key (a pull request committing .feedpub/, say) can sign with.
func storeWithKey(dir, id, k string) *state.Store {
	return state.Open(dir, state.Options{BuildID: id, Key: []byte(k)})
}

// A cache shard holds the review's HTML as the feeds carry it, so a shard
// crafted to hold raw HTML, with every check but the signature right, is a
// miss: the entry is parsed and sanitised anew.
func TestCraftedEntryCacheShardIsAMiss(t *testing.T) {
	dir := t.TempDir()
	cfg := &config.Config{Dir: dir, Content: config.Content{MaxFileSize: 1 << 20}}
	open := func() *entryCache {
		return openEntryCache(cfg, Options{Generator: "feedpub test"}, testStore(dir, "A"))
	}
	e, ps := content.Parse("reviews/x.md", []byte("---\ntitle: X\ndate: 2026-11-01\n---\nA *fine* film.\n"), content.NewMarkdown(), cfg.Content)
	if ps.HasErrors() {
		t.Fatal(ps.Err())
	}
	key := sha256.Sum256([]byte("reviews/x.md"))
	c := open()
	c.Put(key, e, nil)
	if _, ps := c.save(); len(ps) > 0 {
		t.Fatal(ps.Err())
	}
	if got, _, ok := open().Get(key); !ok || got == nil {
		t.Fatal("the record just written is a miss")
	}

	c = open()
	r := &entryRecord{name: c.name(key), e: e, html: "<script>alert(1)</script>", safe: "<script>alert(1)</script>", hasSafe: true}
	rec, _, err := r.encode()
	if err != nil {
		t.Fatal(err)
	}
	crafted := binary.AppendUvarint(nil, uint64(len(rec)))
	crafted = append(crafted, rec...)
	if err := storeWithKey(dir, "A", "not this machine's key").Write(shardFile(shardOf(r.name)), crafted); err != nil {
		t.Fatal(err)
	}
	if got, _, ok := open().Get(key); ok {
		t.Errorf("a crafted cache shard was used: %q", got.HTML)
	}
}

// The facts of items checked clean feed the rules that compare items;
// edited facts (two items with one GUID) are not read, so they cannot fail
// a build with a false finding.
func TestEditedCheckedItemsAreNotRead(t *testing.T) {
	dir := t.TempDir()
	st := testStore(dir, "A")
	path := st.Path(state.CheckedFile)
	c := openItemCache(st, "feedpub test")
	c.put("a", feedcheck.ItemFacts{GUID: "one", Title: "One"})
	c.put("b", feedcheck.ItemFacts{GUID: "two", Title: "Two"})
	if err := c.save(); err != nil {
		t.Fatal(err)
	}
	if got := openItemCache(st, "feedpub test"); len(got.items) != 2 {
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
	if got := openItemCache(st, "feedpub test"); len(got.items) != 0 {
		t.Errorf("edited facts were read: %v", got.items)
	}
	// Re-signed with another key, they are not read either.
	forged := openItemCache(storeWithKey(dir, "A", "not this machine's key"), "feedpub test")
	forged.items = map[string]feedcheck.ItemFacts{"a": {GUID: "one"}, "b": {GUID: "one"}}
	forged.dirty = true
	if err := forged.save(); err != nil {
		t.Fatal(err)
	}
	if got := openItemCache(st, "feedpub test"); len(got.items) != 0 {
		t.Errorf("facts signed with another key were read: %v", got.items)
	}
}
