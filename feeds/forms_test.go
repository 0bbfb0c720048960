package feeds_test

import (
	"math"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/feeds"
	"github.com/feedpub/feedpub/feeds/content"
	"github.com/feedpub/feedpub/feeds/xmltext"
)

func buildOne(t *testing.T, ce *content.Entry, in feeds.Input) *feeds.Entry {
	t.Helper()
	cfg := config.Default()
	cfg.Site.Link, cfg.Site.BaseURL = "https://example.com/", "https://media.example.com/"
	cfg.Reviews.Enabled, cfg.Reviews.RSS = true, "reviews.xml"
	in.Config, in.Entries, in.Now = &cfg, []*content.Entry{ce}, ce.Date.Add(time.Hour)
	cat, _, _ := feeds.Build(in)
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

// keptForms stands for the layer that keeps the forms: it counts what it
// was asked and answers with stand-ins that show where a form came from.
type keptForms struct{ safe, apple int }

func (k *keptForms) Safe(*feeds.Entry) string  { k.safe++; return "<p>kept safe</p>" }
func (k *keptForms) Apple(*feeds.Entry) string { k.apple++; return "<p>kept apple</p>" }

func TestEncodersTakeTheFormsFromInputForms(t *testing.T) {
	ce := review()
	// Without Forms, each form is made with xmltext.
	e := buildOne(t, ce, feeds.Input{})
	if e.HTML != feeds.EntryHTML(ce) || e.SafeHTML() != xmltext.SafeHTML(e.HTML) || e.AppleHTML() != xmltext.AppleHTML(e.HTML, math.MaxInt) {
		t.Errorf("no Forms: %q %q %q", e.HTML, e.SafeHTML(), e.AppleHTML())
	}
	// With Forms, every form comes from it, and Build asks for none.
	k := &keptForms{}
	e = buildOne(t, ce, feeds.Input{Forms: k})
	if k.safe+k.apple != 0 {
		t.Errorf("Build asked for %d forms; it must make none", k.safe+k.apple)
	}
	if e.SafeHTML() != "<p>kept safe</p>" || e.AppleHTML() != "<p>kept apple</p>" || k.safe != 1 || k.apple != 1 {
		t.Errorf("kept forms not used: %q %q (%+v)", e.SafeHTML(), e.AppleHTML(), k)
	}
}

func TestBuildSharesTheCallersEntryHTML(t *testing.T) {
	ce := review()
	made := feeds.EntryHTML(ce)
	// The caller's copy, with ce.HTML pointing into it as the site does.
	shared := strings.Clone(made)
	ce.HTML = shared[len(shared)-len(ce.HTML):]
	in := feeds.Input{EntryHTML: map[*content.Entry]string{ce: shared}}
	e := buildOne(t, ce, in)
	if e.HTML != made || unsafe.StringData(e.HTML) != unsafe.StringData(shared) {
		t.Errorf("the caller's copy of the HTML was not used: %q", e.HTML)
	}
	if in.EntryHTML[ce] != shared || len(in.EntryHTML) != 1 {
		t.Error("Build changed its input")
	}
	// HTML of something else is never taken.
	e = buildOne(t, ce, feeds.Input{EntryHTML: map[*content.Entry]string{ce: "<p>another entry</p>"}})
	if e.HTML != made {
		t.Errorf("HTML of another entry used: %q", e.HTML)
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
