package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"

	"github.com/feedpub/feedpub/media/publish"
	"github.com/feedpub/feedpub/media/store/s3store/s3test"
)

// idsByTitle maps "feed|item title" to the item's GUID (Atom: its id), and
// "feed" to the feed's podcast:guid or Atom id: which entry carries which
// id, so that two entries swapping GUIDs shows.
func idsByTitle(t testing.TB, out string) map[string]string {
	t.Helper()
	m := map[string]string{}
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
			m[name+"|"+it.Title] = it.GUID
		}
		if f.FeedType == "atom" {
			m[name] = atomFeedID(t, data)
		} else if pg, ok := f.Extensions["podcast"]["guid"]; ok {
			m[name] = pg[0].Value
		}
	}
	return m
}

func sameIDsByTitle(t testing.TB, before, after map[string]string, what string) {
	t.Helper()
	if len(after) != len(before) {
		t.Errorf("%s: %d ids before, %d after", what, len(before), len(after))
	}
	for k, v := range before {
		if after[k] != v {
			t.Errorf("%s: %s: id %q became %q", what, k, v, after[k])
		}
	}
}

// moveEveryEntry renames every published entry's file and changes its
// slug, so no entry can be matched by its source or its slug: only by its
// media, or its date and title.
func moveEveryEntry(t testing.TB, dir string) {
	t.Helper()
	for _, name := range publishedReviews {
		p := filepath.Join(dir, "reviews", name+".md")
		edit(t, p, func(s string) string { return setSlug(s, name+"-moved") })
		rename(t, p, filepath.Join(dir, "reviews", "moved-"+name+".md"))
	}
}

// TestLostManifestKeepsGUIDs: a target whose manifest is gone, empty,
// null or truncated, after every entry was renamed with a new slug, is
// published with every GUID, Atom id and feed id kept (rebuilt from the
// live feeds, and said so), without uploading the media again.
func TestLostManifestKeepsGUIDs(t *testing.T) {
	for _, tc := range []struct {
		name string
		lose func(t *testing.T, path string)
	}{
		{"deleted", func(t *testing.T, p string) { os.Remove(p) }},
		{"empty object", func(t *testing.T, p string) { writeFile(t, p, "{}") }},
		{"null", func(t *testing.T, p string) { writeFile(t, p, "null\n") }},
		{"truncated", func(t *testing.T, p string) {
			data, _ := os.ReadFile(p)
			writeFile(t, p, string(data[:len(data)/2]))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyExample(t)
			cfg := filepath.Join(dir, "feedpub.yaml")
			out := filepath.Join(dir, "public")
			mustRun(t, "publish", "--config", cfg)
			before := idsByTitle(t, out)

			tc.lose(t, filepath.Join(out, filepath.FromSlash(publish.ManifestKey)))
			moveEveryEntry(t, dir)
			r := feedpub(t, "publish", "--config", cfg, "--json")
			var s summary
			if err := json.Unmarshal([]byte(r.stdout), &s); err != nil || r.code != 0 {
				t.Fatalf("publish after the manifest was lost: %v\n%s%s", err, r.stdout, r.stderr)
			}
			if !hasWarning(s, "rebuilt the identities of 5 published entries from the live feeds") {
				t.Errorf("the recovery is not told: %+v", s.Problems)
			}
			for _, o := range s.Objects {
				// A folder keeps no checksums: only the enclosures, read
				// to match the live items, are known unchanged.
				if o.Action == "upload" && (strings.HasSuffix(o.Key, ".mp3") || strings.HasSuffix(o.Key, ".mp4")) {
					t.Errorf("%s uploaded again (%s)", o.Key, o.Reason)
				}
			}
			sameIDsByTitle(t, before, idsByTitle(t, out), "manifest "+tc.name)
			// The manifest written is whole again: the next run is a no-op.
			if r := mustRun(t, "publish", "--config", cfg); !strings.Contains(r.stdout, "0 files copied") || strings.Contains(r.stderr, "rebuilt") {
				t.Errorf("the run after the recovery:\n%s%s", r.stdout, r.stderr)
			}
		})
	}
}

// TestLostManifestUnmatchedRefused: with the manifest gone, an entry that
// matches no live item (renamed, retitled, re-dated) would go out under a
// new GUID: refused, nothing written, unless --accept-new-guids.
func TestLostManifestUnmatchedRefused(t *testing.T) {
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	out := filepath.Join(dir, "public")
	mustRun(t, "publish", "--config", cfg)
	before := tree(t, out)
	os.Remove(filepath.Join(out, filepath.FromSlash(publish.ManifestKey)))
	p := filepath.Join(dir, "reviews", "aftersun.md")
	edit(t, p, func(s string) string {
		s = setSlug(s, "aftersun-2022")
		s = strings.Replace(s, "Aftersun: memory as a holiday snapshot", "Aftersun, again", 1)
		return strings.Replace(s, "date: 2026-10-30T09:00:00Z", "date: 2026-10-31T09:00:00Z", 1)
	})
	rename(t, p, filepath.Join(dir, "reviews", "aftersun-2022.md"))
	r := feedpub(t, "publish", "--config", cfg)
	if r.code != 1 || !strings.Contains(r.stderr, "no entry of the site matches 1 items of the live feeds") ||
		!strings.Contains(r.stderr, `"Aftersun: memory as a holiday snapshot"`) || !strings.Contains(r.stderr, "--accept-new-guids") {
		t.Fatalf("want a refusal naming the unmatched item and --accept-new-guids: exit %d\n%s", r.code, r.stderr)
	}
	after := tree(t, out)
	for k, v := range before {
		if k != publish.ManifestKey && after[k] != v {
			t.Errorf("%s changed by a refused publish", k)
		}
	}
	mustRun(t, "publish", "--config", cfg, "--accept-new-guids")
}

// TestBadManifestRefused: a manifest that contradicts itself is refused,
// saying what is wrong, and nothing is written.
func TestBadManifestRefused(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		spoil      func(m map[string]any)
	}{
		{"duplicate feed ids", `the feeds podcast.xml and video.xml have the same id`, func(m map[string]any) {
			ids := m["feed_ids"].(map[string]any)
			ids["video.xml"] = ids["podcast.xml"]
		}},
		{"duplicate GUIDs in a feed", `reviews.xml carries`, func(m map[string]any) {
			es := m["entries"].([]any)
			a, b := es[0].(map[string]any), es[1].(map[string]any)
			b["feeds"].(map[string]any)["reviews.xml"] = a["feeds"].(map[string]any)["reviews.xml"]
		}},
		{"duplicate sources", `have the source reviews/aftersun.md`, func(m map[string]any) {
			es := m["entries"].([]any)
			es[1].(map[string]any)["source"] = es[0].(map[string]any)["source"]
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyExample(t)
			cfg := filepath.Join(dir, "feedpub.yaml")
			out := filepath.Join(dir, "public")
			mustRun(t, "publish", "--config", cfg)
			spoilManifest(t, out, tc.spoil)
			edit(t, filepath.Join(dir, "reviews", "heroine.md"), func(s string) string { return s + "\nA note.\n" })
			before := tree(t, out)
			r := feedpub(t, "publish", "--config", cfg)
			if r.code != 1 || !strings.Contains(r.stderr, ".feedpub/manifest.json in ") || !strings.Contains(r.stderr, "is not used: ") || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("want a refusal saying %q: exit %d\n%s", tc.want, r.code, r.stderr)
			}
			after := tree(t, out)
			for k, v := range before {
				if after[k] != v {
					t.Errorf("%s changed by a refused publish", k)
				}
			}
		})
	}
}

// spoilManifest rewrites the manifest in out with fn.
func spoilManifest(t *testing.T, out string, fn func(m map[string]any)) {
	t.Helper()
	p := filepath.Join(out, filepath.FromSlash(publish.ManifestKey))
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	fn(m)
	data, _ = json.Marshal(m)
	writeFile(t, p, string(data))
}

// TestSwappedSourcesKeepGUIDs: a manifest whose records swap two entries'
// source files must not swap their GUIDs.
func TestSwappedSourcesKeepGUIDs(t *testing.T) {
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	out := filepath.Join(dir, "public")
	mustRun(t, "publish", "--config", cfg)
	before := idsByTitle(t, out)
	spoilManifest(t, out, func(m map[string]any) {
		var a, b map[string]any
		for _, e := range m["entries"].([]any) {
			switch r := e.(map[string]any); r["source"] {
			case "reviews/heroine.md":
				a = r
			case "reviews/past-lives.md":
				b = r
			}
		}
		a["source"], b["source"] = b["source"], a["source"]
	})
	edit(t, filepath.Join(dir, "reviews", "aftersun.md"), func(s string) string { return s + "\nA note.\n" })
	r := feedpub(t, "publish", "--config", cfg)
	if r.code == 0 {
		sameIDsByTitle(t, before, idsByTitle(t, out), "swapped sources")
		if !strings.Contains(r.stderr, `reviews/heroine.md: continues "heroine" (published from reviews/past-lives.md, matched by slug)`) {
			t.Errorf("the swap is not told:\n%s", r.stderr)
		}
	} else if !strings.Contains(r.stderr, "manifest") {
		t.Errorf("refused without naming the manifest:\n%s", r.stderr)
	}
}

// TestS3LostManifestKeepsGUIDs: the same on S3, where the checksums come
// from the objects' metadata.
func TestS3LostManifestKeepsGUIDs(t *testing.T) {
	srv := s3test.Start(t)
	tg := newS3Target(t, srv, srv.Endpoint)
	tg.mustPublish()
	before := idsByTitle(t, tg.liveFeeds())
	tg.remove(publish.ManifestKey)
	moveEveryEntry(t, filepath.Dir(tg.cfg))
	s := tg.publishJSON()
	if !s.OK || !hasWarning(s, "rebuilt the identities of 5 published entries") {
		t.Fatalf("publish without the manifest: %+v", s)
	}
	for _, o := range s.Objects {
		if o.Action == "upload" && strings.HasPrefix(o.Key, "media/") {
			t.Errorf("%s uploaded again (%s)", o.Key, o.Reason)
		}
	}
	sameIDsByTitle(t, before, idsByTitle(t, tg.liveFeeds()), "S3 manifest deleted")
}

// hasWarning reports whether the summary holds a warning with words.
func hasWarning(s summary, words string) bool {
	for _, p := range s.Problems {
		if p.Kind == "warning" && strings.Contains(p.Message, words) {
			return true
		}
	}
	return false
}

// TestLostManifestUnreadableLiveFeed: with the manifest gone and a live
// feed that cannot be read back, its GUIDs cannot be kept: refused, naming
// the feed, unless --accept-new-guids.
func TestLostManifestUnreadableLiveFeed(t *testing.T) {
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	out := filepath.Join(dir, "public")
	mustRun(t, "publish", "--config", cfg)
	os.Remove(filepath.Join(out, filepath.FromSlash(publish.ManifestKey)))
	data, _ := os.ReadFile(filepath.Join(out, "video.xml"))
	writeFile(t, filepath.Join(out, "video.xml"), string(data[:len(data)/2]))
	r := feedpub(t, "publish", "--config", cfg)
	if r.code != 1 || !strings.Contains(r.stderr, ".feedpub/manifest.json is missing, and the live feeds cannot be read to keep their GUIDs: video.xml: not a well-formed feed") {
		t.Errorf("want a refusal naming video.xml: exit %d\n%s", r.code, r.stderr)
	}
	r = mustRun(t, "publish", "--config", cfg, "--accept-new-guids")
	if !strings.Contains(r.stderr, "rebuilt the identities of 4 published entries from the live feeds (podcast.xml, reviews.xml, reviews.atom, reviews.json)") {
		t.Errorf("the other feeds' GUIDs are not kept:\n%s", r.stderr)
	}
}

// TestLostManifestReencodedEpisodeMatchedByKey: with the manifest gone, an
// episode whose audio was re-encoded (new checksum), retitled and moved to
// another file is still found by its enclosure's key, and keeps its GUID.
func TestLostManifestReencodedEpisodeMatchedByKey(t *testing.T) {
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	out := filepath.Join(dir, "public")
	mustRun(t, "publish", "--config", cfg)
	before := idsByTitle(t, out)
	os.Remove(filepath.Join(out, filepath.FromSlash(publish.ManifestKey)))
	audio := filepath.Join(dir, "media", "past-lives.mp3")
	data, err := os.ReadFile(audio)
	if err != nil {
		t.Fatal(err)
	}
	copy(data[len(data)-128:], "TAG") // an ID3v1 tag: other bytes, the same sound
	writeFile(t, audio, string(data))
	p := filepath.Join(dir, "reviews", "past-lives.md")
	edit(t, p, func(s string) string {
		return setSlug(strings.Replace(s, "Past Lives: the road not taken, twice", "Past Lives, remastered", 1), "pl")
	})
	rename(t, p, filepath.Join(dir, "reviews", "pl.md"))
	mustRun(t, "publish", "--config", cfg)
	after := idsByTitle(t, out)
	for _, feed := range []string{"podcast.xml", "reviews.xml", "reviews.json", "reviews.atom"} {
		if a, b := before[feed+"|Past Lives: the road not taken, twice"], after[feed+"|Past Lives, remastered"]; a == "" || a != b {
			t.Errorf("%s: the re-encoded episode's id %q became %q", feed, a, b)
		}
	}
}
