package main

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
)

// idsOf lists, per feed, the ids of its items (GUIDs; Atom entry ids), in
// feed order.
func idsOf(t testing.TB, out string) map[string][]string {
	t.Helper()
	m := map[string][]string{}
	for _, name := range feedFiles {
		data, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		f, err := gofeed.NewParser().ParseString(string(data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, it := range f.Items {
			m[name] = append(m[name], it.GUID)
		}
		if f.FeedType == "atom" {
			m[name+"#feed"] = []string{atomFeedID(t, data)}
		}
	}
	return m
}

func atomFeedID(t testing.TB, data []byte) string {
	t.Helper()
	s := string(data)
	i := strings.Index(s, "<id>")
	j := strings.Index(s, "</id>")
	if i < 0 || j < i {
		t.Fatal("Atom feed has no id")
	}
	return s[i+4 : j]
}

// sameIDs fails unless both runs carry the same ids in every feed (order
// aside: a corrected date may move an item).
func sameIDs(t testing.TB, before, after map[string][]string, what string) {
	t.Helper()
	for feed, ids := range before {
		a, b := slices.Sorted(slices.Values(ids)), slices.Sorted(slices.Values(after[feed]))
		if !slices.Equal(a, b) {
			t.Errorf("%s: %s ids changed:\nbefore %v\nafter  %v", what, feed, a, b)
		}
	}
}

func edit(t testing.TB, path string, fn func(string) string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, fn(string(data)))
}

func rename(t testing.TB, from, to string) {
	t.Helper()
	if err := os.Rename(from, to); err != nil {
		t.Fatal(err)
	}
}

// The example site's entries that are published (not the draft, not the
// scheduled one).
var publishedReviews = []string{"aftersun", "dune-part-two-video", "heroine", "past-lives", "season-3-trailer"}

func TestRenamingAnyReviewKeepsEveryID(t *testing.T) {
	for _, name := range publishedReviews {
		t.Run(name, func(t *testing.T) {
			dir := copyExample(t)
			cfg := filepath.Join(dir, "feedpub.yaml")
			out := filepath.Join(dir, "public")
			r := mustRun(t, "publish", "--config", cfg)
			if strings.Contains(r.stderr, "GUID") || strings.Contains(r.stderr, "continues") {
				t.Errorf("first publish speaks of identities:\n%s", r.stderr)
			}
			before := idsOf(t, out)

			rename(t, filepath.Join(dir, "reviews", name+".md"), filepath.Join(dir, "reviews", name+"-review.md"))
			r = mustRun(t, "publish", "--config", cfg)
			sameIDs(t, before, idsOf(t, out), "renamed")
			want := "reviews/" + name + "-review.md: continues \""
			if n := strings.Count(r.stderr, want); n != 1 {
				t.Errorf("want one notice %q, got %d:\n%s", want, n, r.stderr)
			}
			r = mustRun(t, "publish", "--config", cfg)
			if strings.Contains(r.stderr, "continues") {
				t.Errorf("the continuation is told again:\n%s", r.stderr)
			}
			if !strings.Contains(r.stdout, "0 files copied") {
				t.Errorf("an unchanged rerun copied files:\n%s", r.stdout)
			}

			// Rename again and change the slug too.
			p := filepath.Join(dir, "reviews", name+"-review.md")
			edit(t, p, func(s string) string { return setSlug(s, name+"-moved") })
			rename(t, p, filepath.Join(dir, "reviews", "x-"+name+".md"))
			mustRun(t, "publish", "--config", cfg)
			sameIDs(t, before, idsOf(t, out), "renamed with a new slug")
		})
	}
}

func TestCorrectionsKeepIDs(t *testing.T) {
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	out := filepath.Join(dir, "public")
	mustRun(t, "publish", "--config", cfg)
	before := idsOf(t, out)
	edit(t, filepath.Join(dir, "reviews", "past-lives.md"), func(s string) string {
		s = strings.Replace(s, "date: 2026-11-06T09:00:00Z", "date: 2026-11-05T09:00:00Z", 1)
		s = strings.Replace(s, `title: "Past Lives: the road not taken, twice"`, `title: "Past Lives: a road not taken"`, 1)
		return setSlug(s, "past-lives-2023")
	})
	// Back-dating the oldest entry would move the Atom feed id's year.
	edit(t, filepath.Join(dir, "reviews", "aftersun.md"), func(s string) string {
		return strings.Replace(s, "date: 2026-", "date: 2025-", 1)
	})
	r := mustRun(t, "publish", "--config", cfg)
	sameIDs(t, before, idsOf(t, out), "date, title and slug corrected")
	if strings.Contains(r.stderr, "continues") || strings.Contains(r.stderr, "GUID") {
		t.Errorf("a correction in place is not a continuation:\n%s", r.stderr)
	}
}

func TestChangedGUIDNeedsADecision(t *testing.T) {
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	out := filepath.Join(dir, "public")
	mustRun(t, "publish", "--config", cfg)
	before := tree(t, out)
	const newGUID = "7a0f3c52-1111-4222-8333-944455556666"
	edit(t, filepath.Join(dir, "reviews", "heroine.md"), func(s string) string {
		return strings.Replace(s, "---\n", "---\nguid: "+newGUID+"\n", 1)
	})
	r := feedpub(t, "publish", "--config", cfg)
	if r.code != 1 || !strings.Contains(r.stderr, "reviews/heroine.md:2: guid:") || !strings.Contains(r.stderr, "--accept-new-guids") {
		t.Fatalf("want exit 1 naming the entry, its guid line and the way out: %d\n%s", r.code, r.stderr)
	}
	after := tree(t, out)
	for k, v := range before {
		if after[k] != v {
			t.Errorf("refused publish changed %s", k)
		}
	}
	js := feedpub(t, "publish", "--json", "--config", cfg)
	var s summary
	if err := json.Unmarshal([]byte(js.stdout), &s); err != nil {
		t.Fatalf("--json on a refusal is not one JSON document: %v\n%s", err, js.stdout)
	}
	if js.code != 1 || s.OK || !hasProblem(s, "error", "reviews/heroine.md", "guid", "--accept-new-guids") {
		t.Errorf("--json refusal: exit %d, %+v", js.code, s)
	}

	mustRun(t, "publish", "--accept-new-guids", "--config", cfg)
	ids := idsOf(t, out)
	if !slices.Contains(ids["podcast.xml"], newGUID) || !slices.Contains(ids["reviews.json"], newGUID) {
		t.Errorf("accepted GUID not published: %v", ids)
	}
	// Accepted once, it is the recorded GUID: no flag needed any more.
	mustRun(t, "publish", "--config", cfg)
}

func TestTwoEntriesMatchingOneVanishedAreAnError(t *testing.T) {
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	mustRun(t, "publish", "--config", cfg)
	src := filepath.Join(dir, "reviews", "past-lives.md")
	data, _ := os.ReadFile(src)
	writeFile(t, filepath.Join(dir, "reviews", "a.md"), string(data))
	writeFile(t, filepath.Join(dir, "reviews", "b.md"), string(data))
	os.Remove(src)
	r := feedpub(t, "publish", "--config", cfg)
	if r.code != 1 || !strings.Contains(r.stderr, "reviews/a.md and reviews/b.md") || !strings.Contains(r.stderr, `"past-lives"`) || !strings.Contains(r.stderr, "guid:") {
		t.Fatalf("want an error naming both candidates, the entry and the guid: fix; exit %d\n%s", r.code, r.stderr)
	}
}

func TestAnEditIsDatedOnce(t *testing.T) {
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	out := filepath.Join(dir, "public")
	mustRun(t, "publish", "--config", cfg)
	before := updatedOf(t, out)
	edit(t, filepath.Join(dir, "reviews", "aftersun.md"), func(s string) string { return s + "\nAn added paragraph.\n" })

	later := now.Add(36 * time.Hour)
	r := runAt(t, later, "publish", "--config", cfg)
	after := updatedOf(t, out)
	for id, was := range before {
		got := after[id]
		if strings.Contains(id, "aftersun") {
			if got != later.Format(time.RFC3339) {
				t.Errorf("edited entry %s: updated %s, want the publish time %s", id, got, later.Format(time.RFC3339))
			}
		} else if got != was {
			t.Errorf("unedited entry %s: updated %s became %s", id, was, got)
		}
	}
	if !strings.Contains(r.stdout, "published to") {
		t.Fatalf("publish output: %s", r.stdout)
	}
	r = runAt(t, later.Add(time.Hour), "publish", "--config", cfg)
	if !strings.Contains(r.stdout, "0 files copied") {
		t.Errorf("second publish after an edit copied files:\n%s", r.stdout)
	}
	if got := updatedOf(t, out); !maps.Equal(got, after) {
		t.Errorf("second publish moved updated dates: %v → %v", after, got)
	}
}

// updatedOf maps each Atom entry id and JSON Feed item id to its updated
// date (Atom <updated>, JSON Feed date_modified).
func updatedOf(t testing.TB, out string) map[string]string {
	t.Helper()
	m := map[string]string{}
	for _, name := range []string{"reviews.atom", "reviews.json"} {
		data, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		f, err := gofeed.NewParser().ParseString(string(data))
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range f.Items {
			m[name+" "+it.GUID+" "+it.Link] = it.Updated
		}
	}
	return m
}

func runAt(t testing.TB, at time.Time, args ...string) cliResult {
	t.Helper()
	old := now
	now = at
	defer func() { now = old }()
	return mustRun(t, args...)
}

func hasProblem(s summary, kind, file, field, words string) bool {
	for _, p := range s.Problems {
		if p.Kind == kind && p.File == file && p.Field == field && p.Line > 0 && strings.Contains(p.Message, words) {
			return true
		}
	}
	return false
}

func TestPublishJSONOnSuccessAndPlainEnding(t *testing.T) {
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	r := mustRun(t, "publish", "--json", "--config", cfg)
	var s summary
	if err := json.Unmarshal([]byte(r.stdout), &s); err != nil {
		t.Fatalf("--json: %v\n%s", err, r.stdout)
	}
	if !s.OK || s.Target == nil || s.Target.Scheme != "file" || s.Target.Path != filepath.Join(dir, "public") {
		t.Errorf("--json target: %+v", s.Target)
	}
	if len(s.Feeds) != 5 || s.Feeds[0].URL != baseURL+"podcast.xml" {
		t.Errorf("--json feeds: %+v", s.Feeds)
	}
	uploads := 0
	for _, o := range s.Objects {
		if o.Action == "upload" && o.Reason == "new" {
			uploads++
		}
	}
	if uploads == 0 || uploads != s.Uploaded {
		t.Errorf("--json objects: %d new uploads listed, uploaded %d", uploads, s.Uploaded)
	}
	if r.stderr != "" {
		t.Errorf("--json printed to stderr:\n%s", r.stderr)
	}

	edit(t, filepath.Join(dir, "reviews", "heroine.md"), func(s string) string { return s + "\nMore.\n" })
	r = mustRun(t, "publish", "--config", cfg)
	for _, f := range feedFiles {
		if !strings.Contains(r.stdout, baseURL+f) {
			t.Errorf("plain publish does not end with the URL of %s:\n%s", f, r.stdout)
		}
	}
}

// setSlug sets the front matter's slug, replacing one already there.
func setSlug(s, slug string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "slug:") {
			lines[i] = "slug: " + slug
			return strings.Join(lines, "\n")
		}
	}
	return strings.Replace(s, "---\n", "---\nslug: "+slug+"\n", 1)
}
