package feeds_test

import (
	"math"
	"reflect"
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

func TestMakeFormsMakesEachFormWithXmltext(t *testing.T) {
	e := buildOne(t, review(), feeds.Input{})
	var f feeds.Forms = feeds.MakeForms{}
	if got, want := f.Safe(e), xmltext.SafeHTML(e.HTML); got != want || got == "" {
		t.Errorf("Safe = %q, want %q", got, want)
	}
	if got, want := f.Apple(e), xmltext.AppleHTML(e.HTML, math.MaxInt); got != want || got == "" {
		t.Errorf("Apple = %q, want %q", got, want)
	}
}

// TestModelIsPureData: no type of the model holds behaviour (an interface,
// a func, a channel), so nothing in it can point at a cache or any other
// layer; the encoders take the sanitised forms from their caller.
func TestModelIsPureData(t *testing.T) {
	const module = "github.com/feedpub/feedpub/"
	seen := map[reflect.Type]bool{}
	var walk func(typ reflect.Type, path string)
	walk = func(typ reflect.Type, path string) {
		switch typ.Kind() {
		case reflect.Interface, reflect.Func, reflect.Chan, reflect.UnsafePointer:
			t.Errorf("%s is of kind %s", path, typ.Kind())
		case reflect.Pointer, reflect.Slice, reflect.Array:
			walk(typ.Elem(), path)
		case reflect.Map:
			walk(typ.Key(), path+"[key]")
			walk(typ.Elem(), path)
		case reflect.Struct:
			// Only feedpub's own types: time.Time and the like are values.
			if seen[typ] || !strings.HasPrefix(typ.PkgPath(), module) {
				return
			}
			seen[typ] = true
			for i := range typ.NumField() {
				f := typ.Field(i)
				walk(f.Type, typ.Name()+"."+f.Name)
			}
		}
	}
	walk(reflect.TypeFor[feeds.Catalog](), "Catalog")
	if !seen[reflect.TypeFor[feeds.Entry]()] {
		t.Error("the walk never reached Entry")
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
