package feedcheck_test

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/feedpub/feedpub/feeds/feedcheck"
	"github.com/feedpub/feedpub/feeds/feedtest"
	"github.com/feedpub/feedpub/feeds/syndication"
)

// A feed read a byte at a time (every multi-byte character split across
// reads) is checked exactly as one read whole; a bad byte, or a character
// cut by the end of the feed, is still found.
func TestCheckFromSplitReads(t *testing.T) {
	doc := strings.Replace(renderPodcast(t), "<title>Heroine</title>", "<title>Héroïne — 英雄 🎬</title>", 1)
	oneByte := func(s string) []error {
		return feedcheck.CheckPodcastFrom(iotest.OneByteReader(strings.NewReader(s)), feedcheck.Known{})
	}
	if errs := oneByte(doc); len(errs) > 0 {
		t.Fatalf("valid feed read a byte at a time: %v", errs)
	}
	for name, bad := range map[string]string{
		"bad byte":          strings.Replace(doc, "Héroïne", "H\xe9ro\xefne", 1),
		"cut rune":          strings.Replace(doc, "英雄", "英\xe9\x9b", 1),
		"ends inside rune":  doc + "\xf0\x9f",
		"overlong encoding": strings.Replace(doc, "Héroïne", "H\xc0\xa9roïne", 1),
	} {
		if rules := feedcheck.Rules(oneByte(bad)); !slices.Contains(rules, "utf8") {
			t.Errorf("%s: rules %v, want utf8", name, rules)
		}
		if whole := feedcheck.Rules(feedcheck.CheckPodcast([]byte(bad))); !slices.Equal(whole, feedcheck.Rules(oneByte(bad))) {
			t.Errorf("%s: read whole %v, a byte at a time %v", name, whole, feedcheck.Rules(oneByte(bad)))
		}
	}
}

// Items are checked as they are read, but what depends on the channel is
// checked against all of it: a channel title or itunes:type after the
// items still applies to them.
func TestCheckPodcastChannelAfterItems(t *testing.T) {
	doc := renderPodcast(t)
	doc = strings.Replace(doc, "<itunes:type>episodic</itunes:type>", "", 1)
	doc = strings.Replace(doc, "<itunes:episode>12</itunes:episode>", "", 1)
	doc = strings.Replace(doc, "<itunes:title>Heroine</itunes:title>", "<itunes:title>Reel Verdicts: Heroine</itunes:title>", 1)
	title := regexp.MustCompile(`(?s)^(.*?)(\n    <title>Reel Verdicts</title>)`)
	doc = title.ReplaceAllString(doc, "$1")
	doc = strings.Replace(doc, "</channel>", "<title>Reel Verdicts</title><itunes:type>serial</itunes:type></channel>", 1)
	if strings.Index(doc, "<title>Reel Verdicts</title><itunes:type>serial") < strings.LastIndex(doc, "</item>") || strings.Contains(doc, "\n    <title>Reel Verdicts</title>") {
		t.Fatal("the mutation did not move the channel's type after the items")
	}
	rules := feedcheck.Rules(feedcheck.CheckPodcast([]byte(doc)))
	for _, want := range []string{"item.itunes:episode.serial", "item.title.show"} {
		if !slices.Contains(rules, want) {
			t.Errorf("rules %v, want %s", rules, want)
		}
	}
}

// An Atom feed's author after its entries covers them; without one, each
// entry lacking its own is named.
func TestCheckAtomAuthorAfterEntries(t *testing.T) {
	var buf bytes.Buffer
	if _, err := syndication.RenderAtom(&buf, feedtest.ExampleCatalog().Reviews); err != nil {
		t.Fatal(err)
	}
	doc := buf.String()
	feedAuthor := "  <author>\n    <name>Reel Verdicts</name>\n    <email>editors@reelverdicts.example</email>\n  </author>\n"
	entryAuthor := regexp.MustCompile(`(?s)\n    <author>.*?</author>`)
	if !strings.Contains(doc, feedAuthor) || !entryAuthor.MatchString(doc) {
		t.Fatal("the example's Atom feed changed: fix the test's mutations")
	}
	doc = entryAuthor.ReplaceAllString(strings.Replace(doc, feedAuthor, "", 1), "")
	moved := strings.Replace(doc, "</feed>", feedAuthor+"</feed>", 1)
	if errs := feedcheck.CheckAtom([]byte(moved)); len(errs) > 0 {
		t.Errorf("feed author after the entries: %v", errs)
	}
	errs := feedcheck.CheckAtom([]byte(doc))
	if n := strings.Count(doc, "<entry>"); len(errs) != n || !slices.Contains(feedcheck.Rules(errs), "entry.author") {
		t.Errorf("no author at all: %v, want entry.author for each of %d entries", errs, n)
	}
	for _, err := range errs {
		if p := err.(*feedcheck.Problem); p.Item == "" {
			t.Errorf("%v names no entry", p)
		}
	}
}

// The namespace findings come in one order, placed at the <rss> tag: the
// same feed gives the same report every time.
func TestNamespaceFindingsInOneOrder(t *testing.T) {
	feed := []byte("<?xml version=\"1.0\"?>\n<rss version=\"2.0\">\n<channel><title>x</title></channel></rss>")
	var first []string
	for i := 0; i < 20; i++ {
		var got []string
		for _, err := range feedcheck.CheckPodcast(feed) {
			if p := err.(*feedcheck.Problem); p.Rule == "namespace" {
				if p.Line != 2 {
					t.Fatalf("namespace finding at line %d, want 2 (the <rss> tag)", p.Line)
				}
				got = append(got, p.Msg)
			}
		}
		if len(got) != 4 {
			t.Fatalf("%d namespace findings, want 4: %q", len(got), got)
		}
		if first == nil {
			first = got
		} else if strings.Join(got, "|") != strings.Join(first, "|") {
			t.Fatalf("order changed between runs: %q, then %q", first, got)
		}
	}
}
