package feeds_test

import (
	"math"
	"testing"
	"time"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/feeds"
	"github.com/feedpub/feedpub/feeds/content"
	"github.com/feedpub/feedpub/feeds/xmltext"
)

func buildOne(t *testing.T, ce *content.Entry, prep func(*content.Entry) *feeds.Prepared) *feeds.Entry {
	t.Helper()
	cfg := config.Default()
	cfg.Site.Link, cfg.Site.BaseURL = "https://example.com/", "https://media.example.com/"
	cfg.Reviews.Enabled, cfg.Reviews.RSS = true, "reviews.xml"
	cat, _, _ := feeds.Build(feeds.Input{Config: &cfg, Entries: []*content.Entry{ce}, Now: ce.Date.Add(time.Hour), Prepared: prep})
	if len(cat.Reviews.Items) != 1 {
		t.Fatalf("%d items", len(cat.Reviews.Items))
	}
	return cat.Reviews.Items[0]
}

func review() *content.Entry {
	r := 4.5
	return &content.Entry{File: "reviews/a.md", Slug: "a", Title: "A", Date: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
		Rating: &r, Film: &content.Film{Title: " Heat ", Year: 1995}, HTML: "<p>A <em>fine</em> film &amp; more.</p>"}
}

func TestBuildFillsAndUsesPreparedForms(t *testing.T) {
	ce := review()
	p := &feeds.Prepared{}
	e := buildOne(t, ce, func(*content.Entry) *feeds.Prepared { return p })
	if e.HTML != feeds.EntryHTML(ce) || p.HTML != e.HTML {
		t.Fatalf("HTML %q, prepared %q, want %q", e.HTML, p.HTML, feeds.EntryHTML(ce))
	}
	if p.HasSafe || p.HasApple {
		t.Fatal("forms made before anything asked for them")
	}
	if e.SafeHTML() != xmltext.SafeHTML(e.HTML) || !p.HasSafe || p.Safe != e.SafeHTML() {
		t.Errorf("SafeHTML %q not recorded: %+v", e.SafeHTML(), p)
	}
	if e.AppleHTML() != xmltext.AppleHTML(e.HTML, math.MaxInt) || !p.HasApple || p.Apple != e.AppleHTML() {
		t.Errorf("AppleHTML %q not recorded: %+v", e.AppleHTML(), p)
	}

	// A later build takes the forms as they are (stand-ins show it).
	kept := &feeds.Prepared{HTML: p.HTML, Safe: "<p>kept safe</p>", Apple: "<p>kept apple</p>", HasSafe: true, HasApple: true}
	e = buildOne(t, ce, func(*content.Entry) *feeds.Prepared { return kept })
	if e.HTML != p.HTML || e.SafeHTML() != "<p>kept safe</p>" || e.AppleHTML() != "<p>kept apple</p>" {
		t.Errorf("kept forms not used: %q %q", e.SafeHTML(), e.AppleHTML())
	}

	// Forms of other HTML are dropped, never served.
	other := &feeds.Prepared{HTML: "<p>another entry</p>", Safe: "x", Apple: "y", HasSafe: true, HasApple: true}
	e = buildOne(t, ce, func(*content.Entry) *feeds.Prepared { return other })
	if e.HTML != feeds.EntryHTML(ce) || e.SafeHTML() != xmltext.SafeHTML(e.HTML) || e.AppleHTML() != xmltext.AppleHTML(e.HTML, math.MaxInt) {
		t.Errorf("forms of other HTML used: %q %q %q", e.HTML, e.SafeHTML(), e.AppleHTML())
	}
	if other.HTML != e.HTML || other.Safe != e.SafeHTML() {
		t.Errorf("the mismatched Prepared was not made anew: %+v", other)
	}

	// Without Prepared, as before.
	e = buildOne(t, ce, nil)
	if e.HTML != feeds.EntryHTML(ce) || e.SafeHTML() != xmltext.SafeHTML(e.HTML) {
		t.Errorf("no Prepared: %q %q", e.HTML, e.SafeHTML())
	}
	// A caller changing HTML after Build gets forms of the new HTML.
	e = buildOne(t, ce, func(*content.Entry) *feeds.Prepared { return kept })
	e.HTML = "<p>changed</p>"
	if e.SafeHTML() != "<p>changed</p>" {
		t.Errorf("forms of the old HTML after HTML changed: %q", e.SafeHTML())
	}
	// A form kept in a file is read each time; one that cannot be read is
	// made anew.
	calls := 0
	lazy := &feeds.Prepared{HTML: p.HTML, Safe: p.Safe, HasSafe: true, HasApple: true,
		LoadApple: func() (string, bool) { calls++; return "<p>from the file</p>", calls == 1 }}
	e = buildOne(t, ce, func(*content.Entry) *feeds.Prepared { return lazy })
	if got := e.AppleHTML(); got != "<p>from the file</p>" {
		t.Errorf("AppleHTML = %q, want the form read back", got)
	}
	if got, want := e.AppleHTML(), xmltext.AppleHTML(e.HTML, math.MaxInt); got != want || calls != 2 {
		t.Errorf("unreadable: AppleHTML = %q after %d reads, want %q made anew", got, calls, want)
	}
}

func TestEntryHTML(t *testing.T) {
	ce := review()
	if got, want := feeds.EntryHTML(ce), "<p><em>Heat</em> (1995). Rating: ★★★★½ (4.5/5)</p>\n"+ce.HTML; got != want {
		t.Errorf("EntryHTML = %q, want %q", got, want)
	}
	ce.HTML = ""
	if got := feeds.EntryHTML(ce); got != "" {
		t.Errorf("no review: %q", got)
	}

}
