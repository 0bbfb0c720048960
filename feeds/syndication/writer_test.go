package syndication

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/feedpub/feedpub/feeds"
	"github.com/feedpub/feedpub/feeds/feedtest"
)

func rssReference(t *testing.T, f *feeds.ReviewFeed) []byte {
	m := &rssMaker{f: f, forms: feeds.MakeForms{}}
	doc := m.doc()
	for _, e := range f.Items {
		doc.Channel.Items = append(doc.Channel.Items, *m.item(e))
	}
	return feedtest.EncodingXML(t, doc, true)
}

func atomReference(t *testing.T, f *feeds.ReviewFeed) []byte {
	doc := atomHead(f)
	for _, e := range f.Items {
		doc.Entries = append(doc.Entries, *atomItem(feeds.MakeForms{}, e))
	}
	return feedtest.EncodingXML(t, doc, false)
}

func checkSame(t *testing.T, name string, f *feeds.ReviewFeed) {
	t.Helper()
	for _, c := range []struct {
		format    string
		render    func(*bytes.Buffer, *feeds.ReviewFeed) ([]Warning, error)
		reference func(*testing.T, *feeds.ReviewFeed) []byte
	}{
		{"rss", func(b *bytes.Buffer, f *feeds.ReviewFeed) ([]Warning, error) { return RenderRSS(b, f) }, rssReference},
		{"atom", func(b *bytes.Buffer, f *feeds.ReviewFeed) ([]Warning, error) { return RenderAtom(b, f) }, atomReference},
	} {
		var got bytes.Buffer
		if _, err := c.render(&got, f); err != nil {
			t.Fatalf("%s %s: %v", name, c.format, err)
		}
		want := c.reference(t, f)
		if g := got.Bytes(); !bytes.Equal(g, want) {
			i := 0
			for i < len(g) && i < len(want) && g[i] == want[i] {
				i++
			}
			lo := max(0, i-120)
			t.Fatalf("%s %s: writer differs from encoding/xml at byte %d:\ngot  %q\nwant %q", name, c.format, i,
				g[lo:min(len(g), i+120)], want[lo:min(len(want), i+120)])
		}
	}
}

// TestWriterMatchesEncodingXML renders the review feeds of the test
// catalogs, and of random and hostile strings, as RSS and Atom with the
// shared writer and with encoding/xml, and wants the same bytes.
func TestWriterMatchesEncodingXML(t *testing.T) {
	for _, c := range []*feeds.Catalog{feedtest.ExampleCatalog(), feedtest.AdversarialCatalog()} {
		checkSame(t, "catalog", c.Reviews)
	}
	n := 2000
	if testing.Short() {
		n = 200
	}
	for seed := range uint64(4) {
		r := rand.New(rand.NewPCG(seed, 0xfeed))
		checkSame(t, fmt.Sprintf("random feed %d", seed), randomReviews(r, n/4))
	}
}

func randomReviews(r *rand.Rand, n int) *feeds.ReviewFeed {
	str := func(k int) string { return feedtest.RandomString(r, k) }
	maybe := func(s string) string {
		if r.IntN(3) == 0 {
			return ""
		}
		return s
	}
	start := time.Date(2001, 2, 3, 4, 5, 6, 0, time.FixedZone("", 5*3600))
	f := &feeds.ReviewFeed{
		Title: str(10), Description: maybe(str(30)), Link: maybe("https://e.x/" + str(2)), Language: maybe(str(2)),
		Author: maybe(str(3)), Email: maybe(str(2)), Copyright: maybe(str(3)), Image: maybe("https://e.x/i?" + str(2)),
		RSSURL: "https://e.x/r.xml?" + str(2), AtomURL: "https://e.x/r.atom?" + str(2), TagAuthority: str(2),
		AtomID: maybe(str(2)), Updated: start, Generator: maybe(str(2)), Hubs: []string{"https://h.e.x/" + str(2)},
	}
	if r.IntN(2) == 0 {
		f.Updated = time.Time{}
	}
	for i := range n {
		e := &feeds.Entry{
			GUID: fmt.Sprintf("g%d", i) + str(2), AtomID: str(2), Title: str(8), Link: maybe("https://e.x/r/" + str(2)),
			Date: start.Add(-time.Duration(i) * time.Hour), Author: maybe(str(3)), AuthorEmail: maybe(str(2)),
			Summary: maybe(str(20)), HTML: maybe(str(100)), Tags: []string{str(2), str(2)},
		}
		if r.IntN(2) == 0 {
			e.Updated = e.Date.Add(time.Minute)
		}
		if r.IntN(5) == 0 {
			e.Date = time.Time{}
		}
		if r.IntN(2) == 0 {
			e.Audio = &feeds.Episode{Enclosure: feeds.Enclosure{URL: "https://m.e.x/" + str(2), Type: str(1), Length: r.Int64N(1 << 30)}}
		}
		if r.IntN(3) == 0 {
			e.Video = &feeds.Episode{Enclosure: feeds.Enclosure{URL: "https://m.e.x/v" + str(2), Type: str(1), Length: r.Int64N(1 << 30)}}
		}
		if r.IntN(3) == 0 {
			e.VideoLink = &feeds.VideoLink{Page: "https://v.e.x/" + str(2), Embed: maybe(str(2)), Title: maybe(str(3)),
				Duration: time.Duration(r.IntN(3)) * time.Minute, Thumbnail: maybe(str(2))}
		}
		f.Items = append(f.Items, e)
	}
	return f
}
