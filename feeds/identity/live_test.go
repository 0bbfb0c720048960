package identity

import (
	"slices"
	"strings"
	"testing"
)

const liveRSS = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:podcast="https://podcastindex.org/namespace/1.0">
<channel><title>Show</title><podcast:guid>feed-guid</podcast:guid>
<item><title>One</title><link>https://x.example/one/</link><guid isPermaLink="false">g1</guid>
<pubDate>Fri, 13 Nov 2026 09:00:00 +0000</pubDate>
<enclosure url="https://op3.dev/e/media.example/media/one%20a.mp3" length="1" type="audio/mpeg"/></item>
<item><title>Two</title><link>https://x.example/two/</link><guid>g2</guid><pubDate>Fri, 06 Nov 2026 09:00:00 +0000</pubDate></item>
</channel></rss>`

const liveAtom = `<feed xmlns="http://www.w3.org/2005/Atom"><id>tag:x,2026:reviews</id>
<entry><id>tag:x:one</id><title>One</title><updated>2026-11-20T09:00:00Z</updated><published>2026-11-13T09:00:00Z</published>
<link rel="alternate" href="https://x.example/one/"/></entry>
<entry><id>tag:x:two</id><title type="text">Two</title><published>2026-11-06T09:00:00Z</published><updated>2026-11-06T09:00:00Z</updated></entry>
<entry><id>tag:x:lonely</id><title>Lonely</title><published>2026-01-01T09:00:00Z</published></entry>
</feed>`

const liveJSON = `{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"g1","url":"https://x.example/one/","title":"One","date_published":"2026-11-13T09:00:00Z"}]}`

// TestRecoverFromLiveFeeds: the items of the podcast, Atom and JSON feeds
// become one record per GUID, with its Atom id (by link, else date and
// title), the checksum of its enclosure (through an analytics prefix and
// an escaped key), and the feed ids.
func TestRecoverFromLiveFeeds(t *testing.T) {
	var feeds []LiveFeed
	for key, body := range map[string]string{"podcast.xml": liveRSS, "reviews.atom": liveAtom, "reviews.json": liveJSON} {
		f, err := ParseLive(key, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		feeds = append(feeds, f)
	}
	var asked []string
	media := func(u string) (string, string) {
		asked = append(asked, u)
		return "media/one a.3fa2b1c4.mp3", "sum-one"
	}
	recs, ids, orphans := Recover(feeds, media)
	if len(recs) != 2 || recs[0].GUID != "g1" || recs[1].GUID != "g2" {
		t.Fatalf("records %+v", recs)
	}
	one, two := recs[0], recs[1]
	if one.AtomID != "tag:x:one" || one.Feeds["podcast.xml"] != "g1" || one.Feeds["reviews.json"] != "g1" || one.Feeds["reviews.atom"] != "tag:x:one" {
		t.Errorf("one: %+v", one)
	}
	if one.AudioSHA256 != "sum-one" || one.Title != "One" || one.Date != "2026-11-13T09:00:00Z" || one.Updated != "2026-11-20T09:00:00Z" {
		t.Errorf("one: %+v", one)
	}
	if !slices.Equal(one.MediaKeys, []string{"media/one a.3fa2b1c4.mp3", "media/one a.mp3"}) {
		t.Errorf("one's media keys %q", one.MediaKeys)
	}
	if two.AtomID != "tag:x:two" || two.AudioSHA256 != "" || two.Updated != "" {
		t.Errorf("two (matched by date and title): %+v", two)
	}
	if ids["podcast.xml"] != "feed-guid" || ids["reviews.atom"] != "tag:x,2026:reviews" {
		t.Errorf("feed ids %v", ids)
	}
	if len(orphans) != 1 || orphans[0] != "tag:x:lonely" {
		t.Errorf("orphans %v", orphans)
	}
	if len(asked) != 1 || asked[0] != "https://op3.dev/e/media.example/media/one%20a.mp3" {
		t.Errorf("checksums asked for %v", asked)
	}
}

func TestParseLiveRefusesNonFeeds(t *testing.T) {
	for _, body := range []string{"", "<html><body/></html>", "<rss><channel><item>", `{"items": [`} {
		if _, err := ParseLive("podcast.xml", strings.NewReader(body)); err == nil || !strings.Contains(err.Error(), "podcast.xml") {
			t.Errorf("%q: got %v, want an error naming the feed", body, err)
		}
	}
}

// TestCrossedSourcesFollowContent: two files whose contents (slugs) were
// swapped, or whose records' sources were, keep the GUIDs of their slugs.
func TestCrossedSourcesFollowContent(t *testing.T) {
	records := []Record{{GUID: "ga", Slug: "a", Source: "b.md"}, {GUID: "gb", Slug: "b", Source: "a.md"}}
	entries := []Entry{{Source: "a.md", Slug: "a"}, {Source: "b.md", Slug: "b"}}
	ms, _, ps := Resolve(records, entries)
	if len(ps) != 0 {
		t.Fatal(ps)
	}
	if ms[0].Record.GUID != "ga" || ms[1].Record.GUID != "gb" || ms[0].How != BySlug {
		t.Errorf("matches %+v %+v", ms[0], ms[1])
	}
}
