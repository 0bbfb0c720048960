package preview_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/feedpub/feedpub/config/diag"
	"github.com/feedpub/feedpub/feeds"
	"github.com/feedpub/feedpub/feeds/content"
	"github.com/feedpub/feedpub/feeds/feedtest"
	"github.com/feedpub/feedpub/feeds/preview"
	"github.com/feedpub/feedpub/feeds/xmltext"
)

var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

const chaptersJSON = `{"version":"1.2.0","chapters":[{"startTime":0,"title":"Opening"},{"startTime":95.5,"title":"The lifeguard"},{"startTime":200,"title":"Hidden","toc":false}]}`

func render(t *testing.T, p preview.Page) string {
	t.Helper()
	var b bytes.Buffer
	if err := preview.Render(&b, p); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// article returns the card of the entry with slug.
func article(t *testing.T, page, slug string) string {
	t.Helper()
	_, rest, ok := strings.Cut(page, `<article class="entry" id="entry-`+slug+`"`)
	if !ok {
		t.Fatalf("no card for %s", slug)
	}
	card, _, _ := strings.Cut(rest, "</article>")
	return card
}

func TestPreviewPageShowsEntriesMarksAndFindings(t *testing.T) {
	p := preview.Page{
		Catalog: feedtest.ExampleCatalog(),
		Entries: []*content.Entry{
			{File: "reviews/heroine.md", Date: time.Date(2026, 3, 6, 7, 30, 0, 0, time.UTC)}, // after now: scheduled
			{File: "reviews/perfect-days.md", Draft: true, Date: time.Date(2026, 2, 13, 0, 0, 0, 0, time.UTC)},
		},
		Problems: diag.Problems{
			{Severity: diag.Warning, File: "reviews/heroine.md", Line: 7, Field: "audio.duration", Msg: "differs"},
			{Severity: diag.Warning, File: "feedpub.yaml", Line: 20, Field: "video.image", Msg: "small art"},
			{Severity: diag.Notice, File: "feedpub.yaml", Line: 2, Field: "site.copyright", Msg: "about the site"},
		},
		Skipped:  nil,
		Now:      now,
		ReadFile: func(string) ([]byte, error) { return []byte(chaptersJSON), nil },
		Live:     "build-1",
	}
	page := render(t, p)

	for _, slug := range []string{"heroine", "dune-part-three", "the-long-take", "perfect-days"} {
		article(t, page, slug)
	}
	if strings.Index(page, "entry-heroine") > strings.Index(page, "entry-perfect-days") {
		t.Error("entries are not newest first")
	}
	heroine := article(t, page, "heroine")
	for _, want := range []string{
		"Scheduled for Fri 6 Mar 2026, 07:30 UTC",
		"reviews/heroine.md:7: audio.duration: differs",
		`<audio id="entry-heroine-audio" controls preload="metadata" src="https://reelverdicts.example/media/heroine.mp3">`,
		`<video id="entry-heroine-video"`,
		`<track kind="captions" src="https://reelverdicts.example/media/heroine.vtt" srclang="en-gb" label="en-gb" default>`,
		`data-player="entry-heroine-audio" data-seek="95.5">1:35</button> The lifeguard`,
		"Season 3 Episode 12",
		"41:27",
		"Podcast, Video podcast, Reviews",
		"4.5/5",
		"A quietly devastating debut",
		`<a href="https://reelverdicts.example/reviews/heroine/">`,
	} {
		if !strings.Contains(heroine, want) {
			t.Errorf("heroine's card lacks %q", want)
		}
	}
	if strings.Contains(heroine, "Hidden") {
		t.Error("a toc: false chapter is listed")
	}
	if !strings.Contains(article(t, page, "perfect-days"), "<strong>Draft</strong>") {
		t.Error("the draft is not marked")
	}
	if strings.Contains(article(t, page, "dune-part-three"), "<strong>") {
		t.Error("an entry neither draft nor scheduled is marked")
	}
	_, videoCard, _ := strings.Cut(page, `id="show-video.xml"`)
	videoCard, _, _ = strings.Cut(videoCard, "</section>")
	if !strings.Contains(videoCard, "feedpub.yaml:20: video.image: small art") {
		t.Error("the video show's finding is not on its card")
	}
	if _, general, _ := strings.Cut(page, `id="findings"`); !strings.Contains(general, "feedpub.yaml:2: site.copyright: about the site") {
		t.Error("a finding about the site is not listed")
	}
	for _, url := range []string{"https://reelverdicts.example/podcast.xml", "https://reelverdicts.example/reviews.json"} {
		if !strings.Contains(page, `value="`+url+`"`) || !strings.Contains(page, `aria-label="QR code of `+url+`"`) {
			t.Errorf("feed %s has no copy field or QR code", url)
		}
	}
	if !strings.Contains(page, `const build = "build-1"`) || !strings.Contains(page, preview.EventsPath) {
		t.Error("the live page has no reload script")
	}
}

func TestPreviewPublishedPageIsStatic(t *testing.T) {
	page := render(t, preview.Page{
		Catalog:  feedtest.ExampleCatalog(),
		Problems: diag.Problems{{Severity: diag.Warning, File: "reviews/heroine.md", Msg: "internal finding"}},
		Now:      now,
	})
	for _, bad := range []string{"EventSource", "internal finding", "(preview)", "Preview built"} {
		if strings.Contains(page, bad) {
			t.Errorf("the published page contains %q", bad)
		}
	}
	if !strings.Contains(page, "Perfect Days") {
		t.Error("the published page lists no entries")
	}
}

// TestPreviewPageTakesReviewsFromForms: each review on the page is the
// safe form Page.Forms gives (the entry cache the feeds took it from);
// without Forms, the form is made with xmltext.
func TestPreviewPageTakesReviewsFromForms(t *testing.T) {
	c := feedtest.ExampleCatalog()
	var reviews []*feeds.Entry
	for _, e := range c.Reviews.Items {
		if e.HTML != "" {
			reviews = append(reviews, e)
		}
	}
	if len(reviews) == 0 {
		t.Fatal("the example has no review to show")
	}
	f := &feedtest.Forms{}
	page := render(t, preview.Page{Catalog: c, Now: now, Forms: f})
	if n := strings.Count(page, "<summary>Full review</summary>"+feedtest.SafeMark+"</details>"); n != len(reviews) || f.Safes.Load() != int64(len(reviews)) {
		t.Errorf("%d reviews shown from Forms (asked %d times), want %d", n, f.Safes.Load(), len(reviews))
	}
	page = render(t, preview.Page{Catalog: c, Now: now})
	for _, e := range reviews {
		if card := article(t, page, e.Slug); !strings.Contains(card, xmltext.SafeHTML(e.HTML)) {
			t.Errorf("%s: the review made with xmltext is not on the page", e.Slug)
		}
	}
}

func TestPreviewPageEscapesContent(t *testing.T) {
	page := render(t, preview.Page{Catalog: feedtest.AdversarialCatalog(), Now: now, Live: "x"})
	for _, bad := range []string{`<script>alert`, `onclick=`, `javascript:`, `<script>not html`, `<coming>`} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	for _, want := range []string{"&lt;b&gt;Heat&lt;/b&gt;", "東京物語", "good link"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

func TestPreviewPageOfAFailedFirstBuild(t *testing.T) {
	page := render(t, preview.Page{Live: "x", Failed: diag.Problems{{Severity: diag.Error, File: "feedpub.yaml", Line: 3, Field: "site.titel", Msg: "unknown key"}}})
	if !strings.Contains(page, "feedpub.yaml:3: site.titel: unknown key") || strings.Contains(page, "last good build") {
		t.Errorf("page of a failed first build:\n%s", page)
	}
}

// A video link is shown with its player embedded (a platform's) or its
// still linking to its page (a page's), and never as a download.
func TestPreviewPageEmbedsVideoLinks(t *testing.T) {
	c := feedtest.ExampleCatalog()
	tokyo := feedtest.AdversarialCatalog().Reviews.Items[1]
	if tokyo.VideoLink == nil || tokyo.VideoLink.Embed != "" {
		t.Fatalf("the adversarial catalog's second review has no page link: %+v", tokyo.VideoLink)
	}
	c.Reviews.Items = append(c.Reviews.Items, tokyo)
	page := render(t, preview.Page{Catalog: c, Now: now})

	perfect := article(t, page, "perfect-days")
	for _, want := range []string{
		`<h4>Video review: Perfect Days</h4>`,
		`1:35 · <a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ">Watch it on its page</a>`,
		`<iframe class="player" src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ" title="Perfect Days"`,
	} {
		if !strings.Contains(perfect, want) {
			t.Errorf("perfect-days card lacks %s:\n%s", want, perfect)
		}
	}
	if !strings.Contains(article(t, page, "dune-part-three"), `src="https://player.vimeo.com/video/76979871"`) {
		t.Error("no Vimeo player on dune-part-three's card")
	}
	card := article(t, page, "tokyo-story")
	if strings.Contains(card, "<iframe") {
		t.Error("a page link has no player to embed")
	}
	if !strings.Contains(card, `<a href="https://reelverdicts.example/videos/tokyo?a=1&amp;b=%3c2%3e"><img src="https://cdn.example/t.jpg?w=1&amp;h=2"`) {
		t.Errorf("page link: no escaped still linking to its page:\n%s", card)
	}
	if strings.Contains(card, "<video>") || strings.Contains(card, "]]> <video>") {
		t.Error("the video title is not escaped")
	}
}
