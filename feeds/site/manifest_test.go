package site_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/feedpub/feedpub/feeds/identity"
	"github.com/feedpub/feedpub/media/publish"
	"github.com/feedpub/feedpub/media/store/localstore"
)

// oldManifest is the manifest as feedpub wrote it while media/publish
// decoded the identity records itself: the same fields, in the same order.
type oldManifest struct {
	Version int                          `json:"version"`
	Objects map[string]publish.Recorded  `json:"objects"`
	Entries []identity.Record            `json:"entries,omitempty"`
	FeedIDs map[string]string            `json:"feed_ids,omitempty"`
	Pending []publish.Pending            `json:"pending_notifications,omitempty"`
	GUIDs   map[string]map[string]string `json:"guids,omitempty"`
}

func writeManifest(t *testing.T, dir string, m oldManifest) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", " ")
	if err := enc.Encode(m); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, filepath.FromSlash(publish.ManifestKey))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// extra is a file each test publishes, so that the manifest is written
// again (an unchanged one is not).
var extra = publish.File{Key: "extra.txt", Body: []byte("x"), Size: 1, ContentType: "text/plain", CacheControl: "no-cache",
	SHA256: "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"}

// extraRecord is extra as the manifest records it.
var extraRecord = publish.Recorded{Size: 1, SHA256: extra.SHA256, ContentType: "text/plain", CacheControl: "no-cache"}

// republish opens a publish of dir with a Keeper, and applies extra with
// the identities the keeper read: what a publish that changes no entry
// records.
func republish(t *testing.T, dir string) *identity.Keeper {
	t.Helper()
	st, err := localstore.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	k := &identity.Keeper{LiveFeeds: []string{"podcast.xml"}, MaxDeletes: 5}
	ctx := context.Background()
	sess, err := publish.Open(ctx, st, publish.Options{Identity: k, LocalTarget: true, Owner: "test"})
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	entries, ids := k.Record(k.Published())
	if _, err := sess.Apply(ctx, []publish.File{extra}, &publish.Identity{Entries: entries, FeedIDs: ids}); err != nil {
		t.Fatal(err)
	}
	return k
}

// TestManifestIdentityRoundTrip: media/publish keeps the identity part as
// JSON it does not read, and a manifest read and written again through the
// Keeper is the same bytes as before.
func TestManifestIdentityRoundTrip(t *testing.T) {
	dir := t.TempDir()
	m := oldManifest{
		Version: 2, Objects: map[string]publish.Recorded{"podcast.xml": {Size: 3, SHA256: "abc", ContentType: "application/rss+xml", CacheControl: "no-cache"}},
		Entries: []identity.Record{
			{GUID: "g1", AtomID: "tag:x.org,2026:reviews/a", Feeds: map[string]string{"podcast.xml": "g1", "reviews.atom": "tag:x.org,2026:reviews/a"}, Source: "reviews/a.md", Slug: "a", Title: "A <b> & c", Date: "2026-01-02T00:00:00Z", ContentHash: "h"},
			{GUID: "g2", Slug: "b", Removed: true},
		},
		FeedIDs: map[string]string{"podcast.xml": "pg", "reviews.atom": "tag:x.org,2026:reviews"},
		Pending: []publish.Pending{{Kind: "webhook", Endpoint: "https://x.org/h", Feeds: []string{"podcast.xml"}, Since: "2026-01-02T00:00:00Z"}},
	}
	writeManifest(t, dir, m)
	k := republish(t, dir)
	m.Objects["extra.txt"] = extraRecord
	want := writeManifest(t, t.TempDir(), m)
	if got := k.Published(); len(got.Entries) != 2 || got.Entries[0].Title != "A <b> & c" || got.FeedIDs["podcast.xml"] != "pg" {
		t.Errorf("read %+v", got)
	}
	got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(publish.ManifestKey)))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("manifest rewritten differently:\n%s\nwant\n%s", got, want)
	}
}

// TestManifestVersion1Migrates: version 1's per-feed GUID maps become one
// record per slug with every GUID and Atom id kept, written as version 2.
func TestManifestVersion1Migrates(t *testing.T) {
	dir := t.TempDir()
	objects := map[string]publish.Recorded{"podcast.xml": {Size: 3, SHA256: "abc"}}
	writeManifest(t, dir, oldManifest{Version: 1, Objects: objects, GUIDs: map[string]map[string]string{
		"podcast.xml":  {"a": "g1", "b": "g2"},
		"reviews.xml":  {"a": "g1"},
		"reviews.atom": {"a": "tag:x.org,2026:reviews/a"},
	}})
	k := republish(t, dir)
	wantRecords := []identity.Record{
		{GUID: "g1", AtomID: "tag:x.org,2026:reviews/a", Slug: "a", Feeds: map[string]string{"podcast.xml": "g1", "reviews.xml": "g1", "reviews.atom": "tag:x.org,2026:reviews/a"}},
		{GUID: "g2", Slug: "b", Feeds: map[string]string{"podcast.xml": "g2"}},
	}
	if got := k.Published().Entries; !reflect.DeepEqual(got, wantRecords) {
		t.Errorf("migrated %+v, want %+v", got, wantRecords)
	}
	objects["extra.txt"] = extraRecord
	want := writeManifest(t, t.TempDir(), oldManifest{Version: 2, Objects: objects, Entries: wantRecords})
	got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(publish.ManifestKey)))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("migrated manifest:\n%s\nwant\n%s", got, want)
	}
}
