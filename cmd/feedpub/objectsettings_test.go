package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A changed cache_control reaches the objects already published: the dry
// run shows it as a change of settings, and the publish changes them in
// place without copying a byte again (for a folder the settings have no
// meaning: only the manifest records them).
func TestChangedCacheControlAppliesToPublishedObjects(t *testing.T) {
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	mustRun(t, "publish", "--config", cfg)
	feed := filepath.Join(dir, "public", "podcast.xml")
	old := time.Unix(1e9, 0)
	if err := os.Chtimes(feed, old, old); err != nil {
		t.Fatal(err)
	}

	y, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	y2 := strings.Replace(string(y), `feeds: "public, max-age=300"`, `feeds: "public, max-age=60"`, 1)
	if y2 == string(y) {
		t.Fatal("the example's cache_control line moved; update the test")
	}
	writeFile(t, cfg, y2)

	r := mustRun(t, "publish", "--config", cfg, "--dry-run")
	for _, want := range []string{
		`update  podcast.xml                              changed: cache-control "public, max-age=300" → "public, max-age=60" (in place, no upload)`,
		"would upload 0 files (0 bytes), update the settings of 5 files in place",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("dry run lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "upload  ") {
		t.Errorf("dry run plans an upload for a changed setting:\n%s", r.stdout)
	}

	var s summary
	r = mustRun(t, "publish", "--config", cfg, "--json")
	if err := json.Unmarshal([]byte(r.stdout), &s); err != nil {
		t.Fatal(err)
	}
	if s.Uploaded != 0 || s.Updated != 5 {
		t.Errorf("uploaded %d, updated %d; want 0 and the 5 feeds", s.Uploaded, s.Updated)
	}
	for _, a := range s.Objects {
		if want := strings.HasSuffix(a.Key, ".xml") || strings.HasPrefix(a.Key, "reviews."); want != (a.Action == "update") {
			t.Errorf("%s: action %s", a.Key, a.Action)
		}
	}
	if fi, err := os.Stat(feed); err != nil || !fi.ModTime().Equal(old) {
		t.Errorf("podcast.xml was written again (%v)", err)
	}
	m, err := os.ReadFile(filepath.Join(dir, "public", ".feedpub", "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(m), `"cache_control": "public, max-age=60"`) {
		t.Error("the manifest does not record the new cache control")
	}
	if r := mustRun(t, "publish", "--config", cfg, "--dry-run"); !strings.Contains(r.stdout, "would upload 0 files (0 bytes), skip") {
		t.Errorf("the settings are planned again after they were applied:\n%s", r.stdout)
	}
}
