package identity_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/feedpub/feedpub/feeds/identity"
)

var day = time.Date(2026, 11, 6, 9, 0, 0, 0, time.UTC)

func rec(slug, source string) identity.Record {
	return identity.Record{
		GUID: "guid-" + slug, Slug: slug, Source: source, Title: "Title of " + slug,
		Date: identity.FormatTime(day), AudioSHA256: "sha-" + slug,
		Feeds: map[string]string{"podcast.xml": "guid-" + slug},
	}
}

func TestResolve(t *testing.T) {
	published := []identity.Record{rec("alpha", "reviews/alpha.md"), rec("bravo", "reviews/bravo.md")}
	removed := rec("gone", "reviews/gone.md")
	removed.Removed = true
	legacy := identity.Record{GUID: "guid-legacy", Slug: "legacy"} // from a version 1 manifest
	for _, tc := range []struct {
		name    string
		records []identity.Record
		entry   identity.Entry
		want    string // GUID matched, "" for a new entry
		how     identity.How
	}{
		{"same file", published, identity.Entry{Source: "reviews/alpha.md", Slug: "other", Title: "New title", Date: day.AddDate(0, 0, 3)}, "guid-alpha", identity.BySource},
		{"renamed, slug kept", published, identity.Entry{Source: "reviews/a.md", Slug: "alpha", Date: day}, "guid-alpha", identity.BySlug},
		{"renamed, slug changed, same audio", published, identity.Entry{Source: "reviews/a.md", Slug: "a", AudioSHA256: "sha-alpha"}, "guid-alpha", identity.ByMedia},
		{"renamed, same video as the old audio", published, identity.Entry{Source: "reviews/a.md", Slug: "a", VideoSHA256: "sha-bravo"}, "guid-bravo", identity.ByMedia},
		{"renamed text, same date and title", published, identity.Entry{Source: "reviews/a.md", Slug: "a", Title: " title  OF alpha ", Date: day.Add(3 * time.Hour)}, "guid-alpha", identity.ByTitle},
		{"same title, other day: new", published, identity.Entry{Source: "reviews/a.md", Slug: "a", Title: "Title of alpha", Date: day.AddDate(0, 0, 1)}, "", ""},
		{"explicit guid", published, identity.Entry{Source: "reviews/x.md", Slug: "x", GUID: "guid-bravo"}, "guid-bravo", identity.ByGUID},
		{"removed entry's file back", []identity.Record{removed}, identity.Entry{Source: "reviews/gone.md", Slug: "gone"}, "guid-gone", identity.BySource},
		{"new entry reusing a removed slug is new", []identity.Record{removed}, identity.Entry{Source: "reviews/new.md", Slug: "gone", Title: "Title of gone", Date: day}, "", ""},
		{"legacy record by slug", []identity.Record{legacy}, identity.Entry{Source: "reviews/legacy.md", Slug: "legacy"}, "guid-legacy", identity.BySlug},
		{"nothing published", nil, identity.Entry{Source: "reviews/alpha.md", Slug: "alpha"}, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ms, _, ps := identity.Resolve(tc.records, []identity.Entry{tc.entry})
			if len(ps) > 0 {
				t.Fatalf("problems: %v", ps)
			}
			got := ""
			if ms[0].Record != nil {
				got = ms[0].Record.GUID
			}
			if got != tc.want || ms[0].How != tc.how {
				t.Errorf("matched %q by %q, want %q by %q", got, ms[0].How, tc.want, tc.how)
			}
		})
	}
}

func TestResolveStrongerEvidenceWins(t *testing.T) {
	// alpha.md still exists; a copy of it must not take its record.
	published := []identity.Record{rec("alpha", "reviews/alpha.md")}
	ms, unmatched, ps := identity.Resolve(published, []identity.Entry{
		{Source: "reviews/copy.md", Slug: "copy", AudioSHA256: "sha-alpha"},
		{Source: "reviews/alpha.md", Slug: "alpha"},
	})
	if len(ps) > 0 || ms[0].Record != nil || ms[1].Record == nil || len(unmatched) != 0 {
		t.Errorf("copy took the record, or alpha lost it: %+v %v %v", ms, unmatched, ps)
	}
}

func TestResolveAmbiguity(t *testing.T) {
	published := []identity.Record{rec("alpha", "reviews/alpha.md"), rec("bravo", "reviews/bravo.md")}
	// Two new files both carry alpha's audio: neither may take it silently.
	ms, unmatched, ps := identity.Resolve(published, []identity.Entry{
		{Source: "reviews/a.md", Slug: "a", AudioSHA256: "sha-alpha"},
		{Source: "reviews/b.md", Slug: "b", AudioSHA256: "sha-alpha"},
		{Source: "reviews/bravo.md", Slug: "bravo"},
	})
	if !ps.HasErrors() || ms[0].Record != nil || ms[1].Record != nil {
		t.Fatalf("want an error and no match: %+v %v", ms, ps)
	}
	msg := ps.Err().Error()
	for _, w := range []string{"reviews/a.md and reviews/b.md", `"alpha"`, "guid-alpha", "guid:"} {
		if !strings.Contains(msg, w) {
			t.Errorf("message lacks %q: %s", w, msg)
		}
	}
	if len(unmatched) != 1 || published[unmatched[0]].Slug != "alpha" {
		t.Errorf("unmatched = %v", unmatched)
	}
	// The guid: line settles it.
	ms, _, ps = identity.Resolve(published, []identity.Entry{
		{Source: "reviews/a.md", Slug: "a", AudioSHA256: "sha-alpha", GUID: "guid-alpha"},
		{Source: "reviews/b.md", Slug: "b", AudioSHA256: "sha-alpha"},
	})
	if len(ps) > 0 || ms[0].Record == nil || ms[0].How != identity.ByGUID || ms[1].Record != nil {
		t.Errorf("guid: did not settle it: %+v %v", ms, ps)
	}

	// One entry, two vanished records with its date and title.
	a, b := rec("alpha", "reviews/alpha.md"), rec("bravo", "reviews/bravo.md")
	b.Title = a.Title
	_, _, ps = identity.Resolve([]identity.Record{a, b}, []identity.Entry{{Source: "reviews/c.md", Slug: "c", Title: a.Title, Date: day}})
	if !ps.HasErrors() || !strings.Contains(ps.Err().Error(), `"alpha" (reviews/alpha.md) and the published entry "bravo"`) {
		t.Errorf("one entry matching two records: %v", ps)
	}
}

func TestDropped(t *testing.T) {
	before := []identity.Record{rec("alpha", "a.md"), rec("bravo", "b.md"), rec("charlie", "c.md")}
	before[0].Feeds["reviews.xml"] = "guid-alpha"
	after := []identity.Record{rec("alpha", "a.md")}
	got := identity.Dropped(before, after)
	if len(got) != 2 || got[0].Feed != "podcast.xml" || got[0].Live != 3 || strings.Join(got[0].Dropped, ",") != "bravo,charlie" {
		t.Fatalf("Dropped = %+v", got)
	}
	if got[1].Feed != "reviews.xml" || got[1].Live != 1 || len(got[1].Dropped) != 1 {
		t.Errorf("reviews.xml: %+v", got[1])
	}
	if d := identity.Dropped(before, before); len(d) != 0 {
		t.Errorf("nothing dropped, got %+v", d)
	}
}

func TestFeedIDs(t *testing.T) {
	a, b, c := rec("alpha", "a.md"), rec("bravo", "b.md"), rec("charlie", "c.md")
	a.Feeds["reviews.atom"] = "tag:x,2026:reviews/alpha"
	c.Feeds = nil // a draft again: in no feed
	got := identity.FeedIDs([]identity.Record{a, b, c})
	want := map[string]map[string]bool{
		"podcast.xml":  {"guid-alpha": true, "guid-bravo": true},
		"reviews.atom": {"tag:x,2026:reviews/alpha": true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("FeedIDs = %v, want %v", got, want)
	}
	if got := identity.FeedIDs(nil); len(got) != 0 {
		t.Errorf("FeedIDs(nil) = %v, want none", got)
	}
}

func TestFoldTitle(t *testing.T) {
	for in, want := range map[string]string{
		"  Heroine\t(Review)\n": "heroine (review)",
		"HEROINE  (review)":     "heroine (review)",
		"Dune: Part Three":      "dune: part three",
		" \t ":                  "",
	} {
		if got := identity.FoldTitle(in); got != want {
			t.Errorf("FoldTitle(%q) = %q, want %q", in, got, want)
		}
	}
}
