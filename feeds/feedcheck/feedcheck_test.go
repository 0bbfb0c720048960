package feedcheck_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/feedpub/feedpub/config/diag"
	"github.com/feedpub/feedpub/feeds/feedcheck"
	"github.com/feedpub/feedpub/feeds/feedtest"
	"github.com/feedpub/feedpub/feeds/podcast"
	"github.com/feedpub/feedpub/feeds/syndication"
)

func renderPodcast(t testing.TB) string {
	t.Helper()
	c := feedtest.ExampleCatalog()
	var buf bytes.Buffer
	if _, err := podcast.Render(&buf, c.Podcast); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// mutation changes old to new; a "\x00" in both splits it into two changes.
type mutation struct {
	rule     string
	old, new string
}

// replace applies m to doc, failing when m.old is not there (so every case
// really changes the feed).
func replace(t *testing.T, doc string, m mutation) []byte {
	t.Helper()
	olds, news := strings.Split(m.old, "\x00"), strings.Split(m.new, "\x00")
	for i := range olds {
		if !strings.Contains(doc, olds[i]) {
			t.Fatalf("%s: %q not in the rendered feed", m.rule, olds[i])
		}
		doc = strings.Replace(doc, olds[i], news[i], 1)
	}
	return []byte(doc)
}

// runRules asserts check finds nothing in the valid doc and, for each
// mutation breaking exactly one rule, reports that rule.
func runRules(t *testing.T, doc string, check func([]byte) []error, cases []mutation) {
	t.Helper()
	if errs := check([]byte(doc)); len(errs) > 0 {
		t.Fatalf("valid feed reported: %v", errs)
	}
	for _, m := range cases {
		t.Run(m.rule+"/"+m.new, func(t *testing.T) {
			errs := check(replace(t, doc, m))
			if !slices.Contains(feedcheck.Rules(errs), m.rule) {
				t.Errorf("want rule %s, got %v", m.rule, errs)
			}
			for _, err := range errs {
				// Every finding carries a registered ID, so validate and
				// check can print, ignore and document it.
				if p := err.(*feedcheck.Problem); p.ID == "" {
					t.Errorf("%s has no rule ID", p.Rule)
				} else if _, ok := diag.Lookup(p.ID); !ok {
					t.Errorf("%s: %s is not registered", p.Rule, p.ID)
				}
			}
		})
	}
}

const item1 = "<item>\n      <title>Heroine</title>"

// TestCheckPodcastRules proves each CheckPodcast rule: one mutation of a valid
// rendered feed per requirement, and the checker must name that rule.
func TestCheckPodcastRules(t *testing.T) {
	doc := renderPodcast(t)
	runRules(t, doc, feedcheck.CheckPodcast, []mutation{
		{"xml", "</channel>", "</chanel>"},
		{"utf8", "Reel Verdicts Editors", "Reel \xff Editors"},
		{"rss.version", `version="2.0"`, `version="0.91"`},
		{"namespace", `xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"`, `xmlns:itunes="http://www.itunes.com/DTDs/Podcast-1.0.dtd"`},
		{"namespace", `xmlns:podcast="https://podcastindex.org/namespace/1.0"`, `xmlns:podcast="http://podcastindex.org/namespace/1.0"`},
		{"channel.title", "<title>Reel Verdicts</title>", "<title></title>"},
		{"text.length", "<title>Reel Verdicts</title>", "<title>" + strings.Repeat("x", 256) + "</title>"},
		{"text.whitespace", "<title>Reel Verdicts</title>", "<title> Reel Verdicts</title>"},
		{"channel.description", "<description><![CDATA[Weekly film reviews from the Reel Verdicts critics: new releases, restorations and the occasional guilty pleasure.]]></description>", "<description></description>"},
		{"channel.description.length", "<description><![CDATA[Weekly", "<description><![CDATA[" + strings.Repeat("é", 2001) + "Weekly"},
		{"channel.itunes:image", `<itunes:image href="https://reelverdicts.example/art/show-3000.jpg">`, `<itunes:image href="https://reelverdicts.example/art/show-3000.gif">`},
		{"channel.itunes:image", `<itunes:image href="https://reelverdicts.example/art/show-3000.jpg"></itunes:image>`, ""},
		{"channel.language", "<language>en-gb</language>", "<language>English</language>"},
		{"channel.itunes:category", `<itunes:category text="Film Reviews">`, `<itunes:category text="Movie Reviews">`},
		{"channel.itunes:category", `<itunes:category text="TV &amp; Film">`, `<itunes:category text="TV and Film">`},
		{"channel.itunes:explicit", "<itunes:explicit>false</itunes:explicit>\n    <itunes:type>", "<itunes:explicit>no</itunes:explicit>\n    <itunes:type>"},
		{"channel.atom:link", `rel="self" type="application/rss+xml"`, `rel="alternate" type="application/rss+xml"`},
		{"channel.atom:link", `rel="self" type="application/rss+xml"`, `rel="self" type="text/xml"`},
		{"channel.itunes:owner", "<itunes:email>editors@reelverdicts.example</itunes:email>", ""},
		{"channel.podcast:guid", "<podcast:guid>947064b0-4fd8-52c1-bfeb-9cc415580a6b</podcast:guid>", "<podcast:guid>reelverdicts</podcast:guid>"},
		{"channel.podcast:locked", `>yes</podcast:locked>`, `>true</podcast:locked>`},
		{"channel.podcast:medium", "<podcast:medium>podcast</podcast:medium>", "<podcast:medium>audio</podcast:medium>"},
		{"channel.itunes:type", "<itunes:type>episodic</itunes:type>", "<itunes:type>daily</itunes:type>"},
		{"channel.itunes:block", "<itunes:type>", "<itunes:block>No</itunes:block><itunes:type>"},
		{"item.title", item1, "<item>\n      <title></title>"},
		{"item.guid", `<guid isPermaLink="false">reelverdicts-2026-03-06-heroine</guid>`, ""},
		{"item.guid.unique", "reelverdicts-2026-02-27-dune-part-three</guid>", "reelverdicts-2026-03-06-heroine</guid>"},
		{"item.enclosure", `<enclosure url="https://reelverdicts.example/media/heroine.mp3" length="39845120" type="audio/mpeg"></enclosure>`, ""},
		{"item.enclosure.url", `enclosure url="https://reelverdicts.example/media/heroine.mp3"`, `enclosure url="https://reelverdicts.example/media/heroine.ogg"`},
		{"item.enclosure.url", `enclosure url="https://reelverdicts.example/media/heroine.mp3"`, `enclosure url="media/heroine.mp3"`},
		{"item.enclosure.length", `length="39845120"`, `length="0"`},
		{"item.enclosure.type", `length="39845120" type="audio/mpeg"`, `length="39845120" type="video/mp4"`},
		{"item.pubDate", "<pubDate>Fri, 06 Mar 2026 07:30:00 +0000</pubDate>\n      <description>", "<pubDate>2026-03-06T07:30:00Z</pubDate>\n      <description>"},
		{"item.itunes:duration", "<itunes:duration>2488</itunes:duration>", "<itunes:duration>41:28</itunes:duration>"},
		{"item.itunes:episodeType", "<itunes:episodeType>full</itunes:episodeType>", "<itunes:episodeType>episode</itunes:episodeType>"},
		{"item.itunes:season", "<itunes:season>3</itunes:season>", "<itunes:season>0</itunes:season>"},
		{"item.itunes:episode", "<itunes:episode>12</itunes:episode>", "<itunes:episode>-12</itunes:episode>"},
		{"item.itunes:episode.serial", "<itunes:type>episodic</itunes:type>\x00<itunes:episode>12</itunes:episode>", "<itunes:type>serial</itunes:type>\x00"},
		{"item.description.length", "<description><![CDATA[<p>Heroine", "<description><![CDATA[<p>" + strings.Repeat("x", 10001) + "Heroine"},
		{"item.description.html", "<description><![CDATA[<p>Heroine", "<description><![CDATA[<p><b>Heroine</b>"},
		{"item.description.html", `<a href="https://reelverdicts.example/directors/lena-marsh/">More on Marsh</a>.</p>
Verdict`, `<a href="https://reelverdicts.example/directors/lena-marsh/" target="_blank">More on Marsh</a>.</p>
Verdict`},
		{"item.itunes:explicit", "<itunes:explicit>false</itunes:explicit>\n      <itunes:episode>12", "<itunes:explicit>clean</itunes:explicit>\n      <itunes:episode>12"},
		{"item.podcast:transcript", `type="text/vtt"`, `type="text/vtt-ish"`},
		{"item.podcast:chapters", `type="application/json+chapters"`, `type="application/json"`},
		{"item.podcast:alternateEnclosure", `<podcast:source uri="https://reelverdicts.example/media/heroine.mp4">`, `<podcast:source>`},
		{"item.podcast:alternateEnclosure", `codecs="avc1.640028,mp4a.40.2" title="Video 1080p"`, `codecs="avc1.640028,mp4a.40.2" title="Video 1080p" default="true"`},
		{"item.title.show", "<itunes:title>Heroine</itunes:title>", "<itunes:title>Reel Verdicts: Heroine</itunes:title>"},
		{"item.title.number", "<itunes:title>Heroine</itunes:title>", "<itunes:title>Ep. 12: Heroine</itunes:title>"},
		{"item.title.unique", "<itunes:title>Heroine</itunes:title>", "<itunes:title>Dune: Part Three</itunes:title>"},
		{"item.enclosure.https", `enclosure url="https://reelverdicts.example/media/heroine.mp3"`, `enclosure url="http://reelverdicts.example/media/heroine.mp3"`},
	})
}

func TestCheckRSSRules(t *testing.T) {
	var buf bytes.Buffer
	if _, err := syndication.RenderRSS(&buf, feedtest.ExampleCatalog().Reviews); err != nil {
		t.Fatal(err)
	}
	runRules(t, buf.String(), feedcheck.CheckRSS, []mutation{
		{"xml", "</channel>", ""},
		{"rss.version", `version="2.0"`, `version="1.0"`},
		{"channel.link", "<link>https://reelverdicts.example/</link>\n    <description>", "<link></link>\n    <description>"},
		{"channel.atom:link", `rel="self"`, `rel="hub"`},
		{"item.guid", `<guid isPermaLink="false">reelverdicts-2026-03-06-heroine</guid>`, ""},
		{"item.guid.unique", "reelverdicts-2026-02-27-dune-part-three</guid>", "reelverdicts-2026-03-06-heroine</guid>"},
		{"item.author", "<author>maya@reelverdicts.example (Maya Okafor)</author>", "<author>Maya Okafor</author>"},
		{"item.pubDate", "<pubDate>Fri, 06 Mar 2026 07:30:00 +0000</pubDate>", "<pubDate>06/03/2026</pubDate>"},
		{"item.category", "<category>drama</category>", "<category></category>"},
		{"item.enclosure.length", `length="39845120"`, `length="big"`},
		{"item.media:content", `<media:content url="https://vimeo.com/76979871"`, `<media:content`},
		{"item.media:content", `medium="video" duration="252"`, `medium="film" duration="252"`},
		{"item.media:content", `duration="95"`, `duration="1:35"`},
		{"item.media:player", `<media:player url="https://player.vimeo.com/video/76979871">`, `<media:player url="/video/76979871">`},
		{"item.media:thumbnail", `<media:thumbnail url="https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg">`, `<media:thumbnail>`},
	})
}

func TestCheckAtomRules(t *testing.T) {
	var buf bytes.Buffer
	if _, err := syndication.RenderAtom(&buf, feedtest.ExampleCatalog().Reviews); err != nil {
		t.Fatal(err)
	}
	runRules(t, buf.String(), feedcheck.CheckAtom, []mutation{
		{"xml", "</feed>", "</fed>"},
		{"atom", `xmlns="http://www.w3.org/2005/Atom"`, `xmlns="http://purl.org/atom/ns#"`},
		{"feed.id", "<id>tag:reelverdicts.example,2026:reviews</id>", "<id>reviews</id>"},
		{"feed.updated", "<updated>2026-03-06T07:30:00Z</updated>", "<updated>Fri, 06 Mar 2026</updated>"},
		{"feed.link.self", `rel="self"`, `rel="via"`},
		{"entry.id.unique", "<id>tag:reelverdicts.example,2026-02-27:dune-part-three</id>", "<id>tag:reelverdicts.example,2026-03-06:heroine</id>"},
		{"entry.link.enclosure", `length="39845120"`, `length="0"`},
		{"entry.category", `<category term="drama">`, `<category term="">`},
		{"entry.media:content", `<media:content url="https://vimeo.com/76979871"`, `<media:content url="vimeo.com/76979871"`},
		{"entry.media:player", `<media:player url="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ">`, `<media:player>`},
		{"entry.media:thumbnail", `<media:thumbnail url="https://reelverdicts.example/artwork/dune-part-three-video.jpg">`, `<media:thumbnail url="">`},
		{"entry.author", "<author>\n    <name>Reel Verdicts</name>\n    <email>editors@reelverdicts.example</email>\n  </author>\x00<author>\n      <name>Maya Okafor</name>\n      <email>maya@reelverdicts.example</email>\n    </author>", "\x00"},
	})
}

func TestCheckJSONFeedRules(t *testing.T) {
	var buf bytes.Buffer
	if _, err := syndication.RenderJSON(&buf, feedtest.ExampleCatalog().Reviews); err != nil {
		t.Fatal(err)
	}
	runRules(t, buf.String(), feedcheck.CheckJSONFeed, []mutation{
		{"json", `"items": [`, `"items": [[`},
		{"feed.version", "https://jsonfeed.org/version/1.1", "https://jsonfeed.org/version/1"},
		{"feed.feed_url", `"feed_url": "https://reelverdicts.example/reviews.json"`, `"feed_url": "reviews.json"`},
		{"item.id", `"id": "reelverdicts-2026-03-06-heroine"`, `"id": 42`},
		{"item.id.unique", `"id": "reelverdicts-2026-02-27-dune-part-three"`, `"id": "reelverdicts-2026-03-06-heroine"`},
		{"item.date_published", `"date_published": "2026-03-06T07:30:00Z"`, `"date_published": "6 March 2026"`},
		{"item.attachments.size_in_bytes", `"size_in_bytes": 39845120`, `"size_in_bytes": "39845120"`},
		{"item.attachments.mime_type", `"mime_type": "audio/mpeg"`, `"mime_type": "mp3"`},
		{"item.tags", `"drama",`, `"",`},
	})
}

// TestCheckPodcastEmptyFeed: Apple refuses a feed without episodes.
func TestCheckPodcastEmptyFeed(t *testing.T) {
	c := feedtest.ExampleCatalog()
	c.Podcast.Items, c.Podcast.Trailers = nil, nil
	var buf bytes.Buffer
	if _, err := podcast.Render(&buf, c.Podcast); err != nil {
		t.Fatal(err)
	}
	if rs := feedcheck.Rules(feedcheck.CheckPodcast(buf.Bytes())); !slices.Contains(rs, "channel.items") {
		t.Errorf("empty feed: %v", rs)
	}
	if rs := feedcheck.Rules(feedcheck.CheckPodcast([]byte(renderPodcast(t)))); slices.Contains(rs, "channel.items") {
		t.Errorf("feed with items: %v", rs)
	}
}

// TestModelCheckedRulesRunOnce: a build checks FP401-FP405 on the model it
// renders from (feeds.Lint, the config), each at its line; told so,
// CheckPodcastFrom leaves them out, and runs every other rule, so each
// runs once. feedpub check, which has only the bytes, gets them all.
func TestModelCheckedRulesRunOnce(t *testing.T) {
	modelRules := []string{"item.title.show", "item.title.number", "item.title.unique", "item.enclosure.https"}
	doc := renderPodcast(t)
	for _, m := range []mutation{
		{"item.title.show", "<itunes:title>Heroine</itunes:title>", "<itunes:title>Reel Verdicts: Heroine</itunes:title>"},
		{"item.title.number", "<itunes:title>Heroine</itunes:title>", "<itunes:title>Ep. 12: Heroine</itunes:title>"},
		{"item.title.unique", "<itunes:title>Heroine</itunes:title>", "<itunes:title>Dune: Part Three</itunes:title>"},
		{"item.enclosure.https", `enclosure url="https://reelverdicts.example/media/heroine.mp3"`, `enclosure url="HTTP://reelverdicts.example/media/heroine.mp3"`},
		{"item.itunes:duration", "<itunes:duration>1966</itunes:duration>", "<itunes:duration>19:6</itunes:duration>"},
	} {
		bad := replace(t, doc, m)
		if rs := feedcheck.Rules(feedcheck.CheckPodcastFrom(bytes.NewReader(bad), feedcheck.Known{})); !slices.Contains(rs, m.rule) {
			t.Errorf("%s: on the bytes alone, got %v", m.rule, rs)
		}
		rs := feedcheck.Rules(feedcheck.CheckPodcastFrom(bytes.NewReader(bad), feedcheck.Known{ModelChecked: true}))
		if want := !slices.Contains(modelRules, m.rule); slices.Contains(rs, m.rule) != want {
			t.Errorf("%s: model checked, got %v", m.rule, rs)
		}
	}
	c := feedtest.ExampleCatalog()
	c.Podcast.Items, c.Podcast.Trailers = nil, nil
	var buf bytes.Buffer
	if _, err := podcast.Render(&buf, c.Podcast); err != nil {
		t.Fatal(err)
	}
	if rs := feedcheck.Rules(feedcheck.CheckPodcastFrom(&buf, feedcheck.Known{ModelChecked: true})); slices.Contains(rs, "channel.items") {
		t.Errorf("empty feed, model checked: %v", rs)
	}
}
