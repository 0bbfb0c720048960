package podcast_test

import (
	"bytes"
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"
	ext "github.com/mmcdole/gofeed/extensions"

	"github.com/feedpub/feedpub/feeds"
	"github.com/feedpub/feedpub/feeds/feedcheck"
	"github.com/feedpub/feedpub/feeds/feedtest"
	"github.com/feedpub/feedpub/feeds/podcast"
	"github.com/feedpub/feedpub/feeds/xmltext"
)

type showCase struct {
	golden string
	site   feeds.Site
	show   *feeds.Show
}

func cases() []showCase {
	ex, adv := feedtest.ExampleCatalog(), feedtest.AdversarialCatalog()
	return []showCase{
		{"example/podcast.xml", ex.Site, ex.Podcast},
		{"example/video.xml", ex.Site, ex.Video},
		{"adversarial/podcast.xml", adv.Site, adv.Podcast},
		{"adversarial/video.xml", adv.Site, adv.Video},
	}
}

func render(t testing.TB, s *feeds.Show, site feeds.Site) ([]byte, []podcast.Warning) {
	t.Helper()
	var buf bytes.Buffer
	warns, err := podcast.Render(&buf, s)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	return buf.Bytes(), warns
}

// TestGolden renders both catalogs' audio and video feeds, compares them with
// the golden files, and checks every Apple / PSP-1 rule, so an -update
// cannot bless a broken feed. Rendering twice must give identical bytes.
func TestGolden(t *testing.T) {
	for _, c := range cases() {
		t.Run(c.golden, func(t *testing.T) {
			got, _ := render(t, c.show, c.site)
			feedtest.Golden(t, c.golden, got)
			for _, err := range feedcheck.CheckPodcast(got) {
				t.Error(err)
			}
			again, _ := render(t, c.show, c.site)
			if !bytes.Equal(got, again) {
				t.Error("two renders of the same show differ")
			}
		})
	}
}

func seconds(f float64) string { return strconv.FormatInt(int64(math.Round(f)), 10) }

// TestRoundTrip parses every rendered feed with gofeed and asserts that what
// went into each item comes out: title, GUID, link, enclosure, iTunes tags,
// podcast:transcript, podcast:chapters, podcast:alternateEnclosure and
// podcast:source, and the channel's categories and podcast tags.
func TestRoundTrip(t *testing.T) {
	for _, c := range cases() {
		t.Run(c.golden, func(t *testing.T) {
			data, _ := render(t, c.show, c.site)
			f, err := gofeed.NewParser().Parse(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("gofeed: %v", err)
			}
			s := c.show
			if f.Title != xmltext.TruncateWords(xmltext.Line(s.Title), podcast.MaxText) {
				t.Errorf("feed title %q", f.Title)
			}
			if f.ITunesExt == nil || len(f.ITunesExt.Categories) != len(s.Categories) {
				t.Fatalf("itunes categories: %+v", f.ITunesExt)
			}
			for i, cat := range s.Categories {
				got := f.ITunesExt.Categories[i]
				if got.Text != cat.Name || (cat.Sub != "" && (got.Subcategory == nil || got.Subcategory.Text != cat.Sub)) {
					t.Errorf("category %d = %+v, want %+v", i, got, cat)
				}
			}
			if f.ITunesExt.Explicit != strconv.FormatBool(s.Explicit) || f.ITunesExt.Type != s.Type {
				t.Errorf("explicit/type = %q/%q", f.ITunesExt.Explicit, f.ITunesExt.Type)
			}
			pc := f.Extensions["podcast"]
			wantMedium := map[feeds.Medium]string{feeds.Audio: "podcast", feeds.Video: "video"}[s.Medium]
			if ext1(pc, "guid").Value != s.GUID || ext1(pc, "medium").Value != wantMedium {
				t.Errorf("podcast:guid/medium = %q/%q", ext1(pc, "guid").Value, ext1(pc, "medium").Value)
			}
			if got := ext1(pc, "locked"); got.Value != map[bool]string{true: "yes", false: "no"}[s.Locked] || got.Attrs["owner"] != s.OwnerEmail {
				t.Errorf("podcast:locked = %+v", got)
			}
			if len(pc["trailer"]) != len(s.Trailers) || len(pc["person"]) != len(s.Persons) || len(pc["funding"]) != len(s.Funding) {
				t.Errorf("trailer/person/funding counts %d/%d/%d", len(pc["trailer"]), len(pc["person"]), len(pc["funding"]))
			}
			if len(f.Items) != len(s.Items) {
				t.Fatalf("%d items, want %d", len(f.Items), len(s.Items))
			}
			for i, e := range s.Items {
				checkItem(t, s, e, f.Items[i])
			}
		})
	}
}

func ext1(m map[string][]ext.Extension, name string) ext.Extension {
	if len(m[name]) == 0 {
		return ext.Extension{}
	}
	return m[name][0]
}

func checkItem(t *testing.T, s *feeds.Show, e *feeds.Entry, it *gofeed.Item) {
	t.Helper()
	v := e.Version(s.Medium)
	where := e.GUID
	want := map[string][2]string{
		"title":        {it.Title, xmltext.TruncateWords(xmltext.Line(e.Title), podcast.MaxText)},
		"guid":         {it.GUID, e.GUID},
		"link":         {it.Link, e.Link},
		"itunes:title": {ext1(it.Extensions["itunes"], "title").Value, xmltext.TruncateWords(xmltext.Line(or(v.Title, e.Title)), podcast.MaxText)},
		"duration":     {it.ITunesExt.Duration, seconds(v.Enclosure.Duration.Seconds())},
		"episodeType":  {it.ITunesExt.EpisodeType, v.Type},
		"explicit":     {it.ITunesExt.Explicit, strconv.FormatBool(v.Explicit)},
		"episode":      {it.ITunesExt.Episode, itoa(v.Number)},
		"season":       {it.ITunesExt.Season, itoa(v.Season)},
		"image":        {it.ITunesExt.Image, e.Image},
	}
	for k, p := range want {
		if p[0] != p[1] {
			t.Errorf("%s: %s = %q, want %q", where, k, p[0], p[1])
		}
	}
	if len(it.Enclosures) != 1 {
		t.Fatalf("%s: %d enclosures", where, len(it.Enclosures))
	}
	enc := it.Enclosures[0]
	if enc.URL != v.Enclosure.URL || enc.Length != strconv.FormatInt(v.Enclosure.Length, 10) || enc.Type != v.Enclosure.Type {
		t.Errorf("%s: enclosure %+v, want %+v", where, *enc, v.Enclosure)
	}
	pc := it.Extensions["podcast"]
	if got := pc["transcript"]; len(got) != len(v.Transcripts) {
		t.Errorf("%s: %d transcripts, want %d", where, len(got), len(v.Transcripts))
	} else {
		for i, tr := range v.Transcripts {
			a := got[i].Attrs
			if a["url"] != tr.URL || a["type"] != tr.Type || a["language"] != tr.Language || a["rel"] != tr.Rel {
				t.Errorf("%s: transcript %d = %v, want %+v", where, i, a, tr)
			}
		}
	}
	if v.Chapters != nil {
		if a := ext1(pc, "chapters").Attrs; a["url"] != v.Chapters.URL || a["type"] != podcast.ChaptersType {
			t.Errorf("%s: chapters %v", where, a)
		}
	} else if len(pc["chapters"]) > 0 {
		t.Errorf("%s: unexpected chapters", where)
	}
	if len(pc["person"]) != len(v.Persons) {
		t.Errorf("%s: %d persons, want %d", where, len(pc["person"]), len(v.Persons))
	}
	other := e.Audio
	if s.Medium == feeds.Audio {
		other = e.Video
	}
	alts := pc["alternateEnclosure"]
	if other == nil {
		if len(alts) != 0 {
			t.Errorf("%s: alternateEnclosure without another version", where)
		}
		return
	}
	if len(alts) != 2 {
		t.Fatalf("%s: %d alternateEnclosures, want 2", where, len(alts))
	}
	for i, w := range []struct {
		enc feeds.Enclosure
		def string
	}{{v.Enclosure, "true"}, {other.Enclosure, ""}} {
		a := alts[i]
		if a.Attrs["type"] != w.enc.Type || a.Attrs["length"] != strconv.FormatInt(w.enc.Length, 10) || a.Attrs["default"] != w.def {
			t.Errorf("%s: alternateEnclosure %d = %v, want %+v default=%q", where, i, a.Attrs, w.enc, w.def)
		}
		if w.enc.Height > 0 && a.Attrs["height"] != itoa(w.enc.Height) {
			t.Errorf("%s: alternateEnclosure %d height %q", where, i, a.Attrs["height"])
		}
		if src := a.Children["source"]; len(src) != 1 || src[0].Attrs["uri"] != w.enc.URL {
			t.Errorf("%s: alternateEnclosure %d source %v, want %s", where, i, src, w.enc.URL)
		}
	}
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func itoa(n int) string {
	if n <= 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// TestWarnings: every cut to an Apple limit is reported, naming the entry.
func TestWarnings(t *testing.T) {
	adv := feedtest.AdversarialCatalog()
	_, warns := render(t, adv.Podcast, adv.Site)
	var got []string
	for _, w := range warns {
		got = append(got, w.String())
	}
	all := strings.Join(got, "\n")
	for _, want := range []string{
		"channel: channel description: cut to 4000 bytes",
		"channel: itunes:author: cut to 255 characters",
		"reviews/tokyo-story.md: item description: cut to 10000 characters",
		"reviews/bonus-mailbag.md: item title: cut to 255 characters",
		"reviews/bonus-mailbag.md: itunes:title: cut to 255 characters",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("no warning %q in:\n%s", want, all)
		}
	}
	ex := feedtest.ExampleCatalog()
	if _, warns := render(t, ex.Podcast, ex.Site); len(warns) != 0 {
		t.Errorf("example catalog warnings: %v", warns)
	}
}

func TestRenderErrors(t *testing.T) {
	for name, mutate := range map[string]func(s *feeds.Show){
		"no enclosure": func(s *feeds.Show) { s.Items[0].Audio = nil },
		"category":     func(s *feeds.Show) { s.Categories = []feeds.Category{{Name: "Movies"}} },
		"medium":       func(s *feeds.Show) { s.Medium = "film" },
		"type":         func(s *feeds.Show) { s.Type = "daily" },
		"episodeType":  func(s *feeds.Show) { s.Items[0].Audio.Type = "teaser" },
		"guid":         func(s *feeds.Show) { s.Items[0].GUID = " " },
	} {
		c := feedtest.ExampleCatalog()
		mutate(c.Podcast)
		var buf bytes.Buffer
		_, err := podcast.Render(&buf, c.Podcast)
		if err == nil || buf.Len() != 0 {
			t.Errorf("%s: err = %v, wrote %d bytes", name, err, buf.Len())
		}
		if name == "no enclosure" && !errors.Is(err, podcast.ErrNoEnclosure) {
			t.Errorf("%s: %v does not wrap ErrNoEnclosure", name, err)
		}
	}
	if _, err := podcast.Render(&bytes.Buffer{}, nil); err == nil {
		t.Error("nil show rendered")
	}
}

// RenderLayout writes what Render writes and says where each item lies:
// adjacent spans, each one whole <item>, in the show's order.
func TestRenderLayout(t *testing.T) {
	s := feedtest.ExampleCatalog().Podcast
	var plain, laid bytes.Buffer
	if _, err := podcast.Render(&plain, s); err != nil {
		t.Fatal(err)
	}
	_, spans, err := podcast.RenderLayout(&laid, s)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(plain.Bytes(), laid.Bytes()) {
		t.Fatal("RenderLayout wrote other bytes than Render")
	}
	if len(spans) != len(s.Items) {
		t.Fatalf("%d spans for %d items", len(spans), len(s.Items))
	}
	doc := laid.String()
	for i, sp := range spans {
		item := doc[sp.Start:sp.End]
		if !strings.HasPrefix(item, "\n    <item>") || !strings.HasSuffix(item, "</item>") || strings.Count(item, "<item>") != 1 {
			t.Errorf("span %d is not one item: %.60q ... %.20q", i, item, item[max(0, len(item)-20):])
		}
		if !strings.Contains(item, s.Items[i].GUID) {
			t.Errorf("span %d does not hold item %s", i, s.Items[i].GUID)
		}
		if i > 0 && sp.Start != spans[i-1].End {
			t.Errorf("span %d starts at %d, the last ended at %d", i, sp.Start, spans[i-1].End)
		}
	}
	if rest := doc[spans[len(spans)-1].End:]; rest != "\n  </channel>\n</rss>\n" {
		t.Errorf("after the items: %q", rest)
	}
}

// TestRenderTakesTheFormsFromWithForms: with WithForms, every item's
// content:encoded and description come from the given forms, not from
// xmltext; without it, from xmltext (the golden files), as with nil.
func TestRenderTakesTheFormsFromWithForms(t *testing.T) {
	s := feedtest.ExampleCatalog().Podcast
	var reviews int
	for _, e := range s.Items {
		if e.HTML != "" {
			reviews++
		}
	}
	if reviews == 0 {
		t.Fatal("the example podcast has no review to take forms for")
	}
	f := &feedtest.Forms{}
	var buf bytes.Buffer
	if _, err := podcast.Render(&buf, s, podcast.WithForms(f)); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if n := strings.Count(out, "<content:encoded><![CDATA["+feedtest.SafeMark+"]]>"); n != reviews {
		t.Errorf("%d items carry the kept safe form, want %d", n, reviews)
	}
	if n := strings.Count(out, "<description><![CDATA["+feedtest.AppleMark+"]]>"); n != reviews {
		t.Errorf("%d items carry the kept Apple form, want %d", n, reviews)
	}
	if f.Safes.Load() != int64(reviews) || f.Apples.Load() != int64(reviews) {
		t.Errorf("asked for %d safe and %d Apple forms, want %d of each", f.Safes.Load(), f.Apples.Load(), reviews)
	}
	def, _ := render(t, s, feeds.Site{})
	var withNil bytes.Buffer
	if _, err := podcast.Render(&withNil, s, podcast.WithForms(nil)); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(withNil.Bytes(), def) || bytes.Contains(def, []byte(feedtest.SafeMark)) {
		t.Error("WithForms(nil) is not the default: forms made with xmltext")
	}
}
