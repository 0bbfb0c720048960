package site

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/feedpub/feedpub/feeds/feedcheck"
	"github.com/feedpub/feedpub/feeds/feedtest"
	"github.com/feedpub/feedpub/feeds/podcast"
	"github.com/feedpub/feedpub/media/publish"
)

// renderedExample writes the example's podcast feed, changed by edit (which
// must keep its length, so the layout still holds), to a file.
func renderedExample(t *testing.T, edit func(string) string) (publish.File, []podcast.Span) {
	t.Helper()
	var buf bytes.Buffer
	_, spans, err := podcast.RenderLayout(&buf, feedtest.ExampleCatalog().Podcast)
	if err != nil {
		t.Fatal(err)
	}
	if len(spans) < 2 {
		t.Fatalf("the example's podcast feed has %d items; the test needs two", len(spans))
	}
	doc := buf.String()
	if edit != nil {
		if doc2 := edit(doc); len(doc2) != len(doc) || doc2 == doc {
			t.Fatal("the edit must change the feed and keep its length")
		} else {
			doc = doc2
		}
	}
	name := filepath.Join(t.TempDir(), "podcast.xml")
	if err := os.WriteFile(name, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	return publish.File{Key: "podcast.xml", Path: name, Size: int64(len(doc))}, spans
}

func messages(errs []error) []string {
	var out []string
	for _, err := range errs {
		out = append(out, err.Error())
	}
	return out
}

// Items checked clean are not parsed again: the rules that compare items
// run on their remembered facts, a broken item is never remembered, and
// findings (the items' positions in them included) are the same whether
// or not items came from the cache.
func TestCheckedItemsCache(t *testing.T) {
	dir := t.TempDir()
	cacheFile := testStore(dir, "A")
	c := openItemCache(cacheFile, "feedpub test")
	f, spans := renderedExample(t, nil)
	if errs := checkPodcastFile(f, spans, c, false); len(errs) > 0 {
		t.Fatalf("the example's feed: %v", errs)
	}
	if len(c.items) != len(spans) {
		t.Fatalf("%d items remembered, want %d", len(c.items), len(spans))
	}
	if err := c.save(); err != nil {
		t.Fatal(err)
	}

	// Were the items parsed, their true facts would hold; the remembered
	// ones, made alike here, show they were not.
	c = openItemCache(cacheFile, "feedpub test")
	for k := range c.items {
		c.items[k] = feedcheck.ItemFacts{GUID: "same", Title: "Same"}
	}
	rules := feedcheck.Rules(checkPodcastFile(f, spans, c, false))
	if !slices.Contains(rules, "item.guid.unique") || !slices.Contains(rules, "item.title.unique") {
		t.Errorf("remembered facts: rules %v, want item.guid.unique and item.title.unique", rules)
	}

	// The second item breaks a rule of its own: it is reported each time,
	// at its place in the feed, and never remembered.
	bad, spans := renderedExample(t, func(s string) string {
		return strings.Replace(s, "<itunes:duration>1966</itunes:duration>", "<itunes:duration>19:6</itunes:duration>", 1)
	})
	c = openItemCache(cacheFile, "feedpub test")
	first := messages(checkPodcastFile(bad, spans, c, false))
	if len(first) != 1 || !strings.Contains(first[0], "item 2 \"") || !strings.Contains(first[0], "itunes:duration") {
		t.Fatalf("findings %q, want one about item 2's itunes:duration", first)
	}
	again := messages(checkPodcastFile(bad, spans, c, false))
	if !slices.Equal(first, again) {
		t.Errorf("read again: %q, first %q", again, first)
	}
	// Saving keeps what this check used: the clean first item.
	if err := c.save(); err != nil {
		t.Fatal(err)
	}
	if len(c.items) != len(spans)-1 {
		t.Errorf("%d items remembered, want %d: a broken item is checked every time", len(c.items), len(spans)-1)
	}

	// Another feedpub, or other namespaces on the root, and nothing is
	// taken from the cache.
	if c := openItemCache(cacheFile, "feedpub other"); len(c.items) != 0 {
		t.Errorf("another feedpub read %d remembered items", len(c.items))
	}
	// Another build of feedpub (changed rules, say) reads none either.
	if c := openItemCache(testStore(dir, "B"), "feedpub test"); len(c.items) != 0 {
		t.Errorf("another feedpub build read %d remembered items", len(c.items))
	}
	renamed, spans := renderedExample(t, func(s string) string {
		return strings.Replace(s, `xmlns:content="http://purl.org/rss/1.0/modules/content/"`, `xmlns:content="http://purl.org/rss/1.0/modules/kontent/"`, 1)
	})
	c = openItemCache(cacheFile, "feedpub test")
	before := len(c.items)
	checkPodcastFile(renamed, spans, c, false)
	if got := len(c.items) - before; got != len(spans) {
		t.Errorf("new root element: %d items checked afresh, want all %d", got, len(spans))
	}
}

// Without a layout that fits the file the whole feed is checked.
func TestCheckedItemsBadLayout(t *testing.T) {
	f, spans := renderedExample(t, nil)
	for name, sp := range map[string][]podcast.Span{
		"none":         nil,
		"gap":          {spans[0], {Start: spans[1].Start + 1, End: spans[1].End}},
		"past the end": {spans[0], {Start: spans[0].End, End: f.Size + 10}},
		"from zero":    {{Start: 0, End: spans[0].End}, spans[1]},
	} {
		c := openItemCache(testStore(t.TempDir(), "A"), "feedpub test")
		if errs := checkPodcastFile(f, sp, c, false); len(errs) > 0 || len(c.items) != 0 {
			t.Errorf("%s: %v, %d remembered", name, errs, len(c.items))
		}
	}
}
