package syndication_test

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"
	gojson "github.com/mmcdole/gofeed/json"

	"github.com/feedpub/feedpub/feeds"
	"github.com/feedpub/feedpub/feeds/feedcheck"
	"github.com/feedpub/feedpub/feeds/feedtest"
	"github.com/feedpub/feedpub/feeds/syndication"
	"github.com/feedpub/feedpub/feeds/xmltext"
)

type renderFunc func(io.Writer, *feeds.ReviewFeed, ...syndication.Option) ([]syndication.Warning, error)

var formats = []struct {
	file   string
	render renderFunc
	check  func([]byte) []error
}{
	{"reviews.xml", syndication.RenderRSS, feedcheck.CheckRSS},
	{"reviews.atom", syndication.RenderAtom, feedcheck.CheckAtom},
	{"reviews.json", syndication.RenderJSON, feedcheck.CheckJSONFeed},
}

var catalogs = []struct {
	name string
	make func() *feeds.Catalog
}{
	{"example", feedtest.ExampleCatalog},
	{"adversarial", feedtest.AdversarialCatalog},
}

func render(t testing.TB, fn renderFunc, f *feeds.ReviewFeed) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := fn(&buf, f); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestGolden renders the three review feeds of both catalogs, compares them
// with the golden files, runs the format's feedcheck rules, and renders
// twice to prove the output is deterministic.
func TestGolden(t *testing.T) {
	for _, c := range catalogs {
		for _, f := range formats {
			t.Run(c.name+"/"+f.file, func(t *testing.T) {
				got := render(t, f.render, c.make().Reviews)
				feedtest.Golden(t, c.name+"/"+f.file, got)
				for _, err := range f.check(got) {
					t.Error(err)
				}
				if again := render(t, f.render, c.make().Reviews); !bytes.Equal(got, again) {
					t.Error("two renders differ")
				}
				if got[len(got)-1] != '\n' {
					t.Error("no trailing newline")
				}
			})
		}
	}
}

func secs(e feeds.Enclosure) int64 { return int64(math.Round(e.Duration.Seconds())) }

func versions(e *feeds.Entry) []*feeds.Episode {
	var vs []*feeds.Episode
	for _, v := range []*feeds.Episode{e.Audio, e.Video} {
		if v != nil {
			vs = append(vs, v)
		}
	}
	return vs
}

// TestRoundTrip parses each feed with gofeed and checks every item's id,
// title, link, categories and enclosures (JSON: sizes and durations too).
func TestRoundTrip(t *testing.T) {
	for _, c := range catalogs {
		for _, f := range formats {
			t.Run(c.name+"/"+f.file, func(t *testing.T) {
				rf := c.make().Reviews
				data := render(t, f.render, rf)
				feed, err := gofeed.NewParser().Parse(bytes.NewReader(data))
				if err != nil {
					t.Fatalf("gofeed: %v", err)
				}
				if len(feed.Items) != len(rf.Items) {
					t.Fatalf("%d items, want %d", len(feed.Items), len(rf.Items))
				}
				for i, e := range rf.Items {
					it := feed.Items[i]
					wantID := e.GUID
					if f.file == "reviews.atom" {
						wantID = e.AtomID
					}
					if it.GUID != wantID || it.Title != xmltext.Line(e.Title) || it.Link != e.Link {
						t.Errorf("item %d: id/title/link = %q/%q/%q", i, it.GUID, it.Title, it.Link)
					}
					var tags []string
					for _, tag := range e.Tags {
						tags = append(tags, xmltext.Line(tag))
					}
					if len(it.Categories) != len(tags) {
						t.Errorf("item %d: categories %q, want %q", i, it.Categories, tags)
					}
					for j := range tags {
						if j < len(it.Categories) && it.Categories[j] != tags[j] {
							t.Errorf("item %d: category %q, want %q", i, it.Categories[j], tags[j])
						}
					}
					var vs []feeds.Enclosure
					for _, v := range versions(e) {
						vs = append(vs, v.Enclosure)
					}
					if f.file == "reviews.xml" && len(vs) > 1 {
						vs = vs[:1] // RSS: one enclosure, the audio
					}
					if l := e.VideoLink; l != nil && f.file == "reviews.json" {
						// JSON Feed's attachment of the video's page, which
						// gofeed reads as an enclosure; RSS and Atom carry
						// the link in Media RSS, never as an enclosure.
						vs = append(vs, feeds.Enclosure{URL: l.Page, Type: "text/html", Duration: l.Duration})
					}
					if len(it.Enclosures) != len(vs) {
						t.Fatalf("item %d: %d enclosures, want %d", i, len(it.Enclosures), len(vs))
					}
					for j, v := range vs {
						got := it.Enclosures[j]
						length := strconv.FormatInt(v.Length, 10)
						if v.Length == 0 {
							length = ""
						}
						if got.URL != xmltext.Clean(v.URL) || got.Length != length || got.Type != v.Type {
							t.Errorf("item %d enclosure %d = %+v, want %+v", i, j, *got, v)
						}
					}
				}
				if f.file != "reviews.json" {
					return
				}
				jf, err := (&gojson.Parser{}).Parse(bytes.NewReader(data))
				if err != nil {
					t.Fatal(err)
				}
				if jf.Version != syndication.JSONFeedVersion || jf.FeedURL != rf.JSONURL || jf.HomePageURL != rf.Link {
					t.Errorf("version/feed_url/home_page_url = %q/%q/%q", jf.Version, jf.FeedURL, jf.HomePageURL)
				}
				for i, e := range rf.Items {
					var vs []feeds.Enclosure
					for _, v := range versions(e) {
						vs = append(vs, v.Enclosure)
					}
					if l := e.VideoLink; l != nil {
						vs = append(vs, feeds.Enclosure{URL: l.Page, Type: "text/html", Duration: l.Duration})
					}
					if len(vs) == 0 && jf.Items[i].Attachments == nil {
						continue
					}
					if jf.Items[i].Attachments == nil || len(*jf.Items[i].Attachments) != len(vs) {
						t.Fatalf("item %d: attachments %v", i, jf.Items[i].Attachments)
					}
					for j, a := range *jf.Items[i].Attachments {
						if a.SizeInBytes != vs[j].Length || a.DurationInSeconds != secs(vs[j]) || a.MimeType != vs[j].Type {
							t.Errorf("item %d attachment %d = %+v", i, j, a)
						}
					}
				}
			})
		}
	}
}

func TestRSSAuthorNeedsEmail(t *testing.T) {
	rf := feedtest.AdversarialCatalog().Reviews
	var buf bytes.Buffer
	warns, err := syndication.RenderRSS(&buf, rf)
	if err != nil {
		t.Fatal(err)
	}
	if len(warns) != 1 || warns[0].Source != "reviews/tokyo-story.md" {
		t.Errorf("warnings %v; want one for tokyo-story's missing email", warns)
	}
	if !bytes.Contains(buf.Bytes(), []byte("<author>maya+reviews@reelverdicts.example (Maya Okafor)</author>")) {
		t.Error("author not written as email (Name)")
	}
}

func TestNilFeed(t *testing.T) {
	for _, f := range formats {
		if _, err := f.render(io.Discard, nil); err == nil {
			t.Errorf("%s: nil feed rendered", f.file)
		}
	}
}

// Items are written one at a time into the document's frame: with none,
// one or several, each format stays valid and holds exactly those items.
func TestItemsSpliced(t *testing.T) {
	for _, n := range []int{0, 1, 2} {
		for _, f := range formats {
			t.Run(fmt.Sprintf("%s/%d", f.file, n), func(t *testing.T) {
				rf := feedtest.ExampleCatalog().Reviews
				if len(rf.Items) < n {
					t.Fatalf("the example has %d reviews", len(rf.Items))
				}
				rf.Items = rf.Items[:n]
				got := render(t, f.render, rf)
				for _, err := range f.check(got) {
					if n > 0 || !strings.Contains(err.Error(), "feed.updated") {
						t.Error(err)
					}
				}
				parsed, err := gofeed.NewParser().ParseString(string(got))
				if err != nil {
					t.Fatalf("gofeed: %v\n%s", err, got)
				}
				if len(parsed.Items) != n {
					t.Errorf("%d items read back, want %d", len(parsed.Items), n)
				}
				for i, it := range parsed.Items {
					if want := rf.Items[i].Title; !strings.Contains(it.Title, want) {
						t.Errorf("item %d: title %q, want %q", i, it.Title, want)
					}
				}
			})
		}
	}
}

// TestRenderersTakeTheFormsFromWithForms: with WithForms, every item's
// review comes from the given forms, not from xmltext; without it, from
// xmltext (the golden files), as with nil.
func TestRenderersTakeTheFormsFromWithForms(t *testing.T) {
	f := feedtest.ExampleCatalog().Reviews
	var reviews int
	for _, e := range f.Items {
		if e.HTML != "" {
			reviews++
		}
	}
	if reviews == 0 {
		t.Fatal("the example review feed has no review to take forms for")
	}
	for _, c := range formats {
		forms := &feedtest.Forms{}
		var buf bytes.Buffer
		if _, err := c.render(&buf, f, syndication.WithForms(forms)); err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(buf.String(), feedtest.SafeMark); n != reviews {
			t.Errorf("%s: %d items carry the kept safe form, want %d", c.file, n, reviews)
		}
		if forms.Safes.Load() != int64(reviews) || forms.Apples.Load() != 0 {
			t.Errorf("%s: asked for %d safe and %d Apple forms, want %d and 0", c.file, forms.Safes.Load(), forms.Apples.Load(), reviews)
		}
		var withNil bytes.Buffer
		if _, err := c.render(&withNil, f, syndication.WithForms(nil)); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(withNil.Bytes(), render(t, c.render, f)) {
			t.Errorf("%s: WithForms(nil) is not the default: forms made with xmltext", c.file)
		}
	}
}
