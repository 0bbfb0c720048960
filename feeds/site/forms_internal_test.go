package site

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/viper"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/feeds/feedtest"
)

// TestRenderTakesEveryFormFromTheGivenForms: render hands its forms to
// every encoder, so each feed carries the forms the cache gives.
func TestRenderTakesEveryFormFromTheGivenForms(t *testing.T) {
	cfg := config.Default()
	f := &feedtest.Forms{}
	files, _, ps := render(&cfg, feedtest.ExampleCatalog(), f, t.TempDir())
	if ps.HasErrors() {
		t.Fatal(ps.Err())
	}
	keys := map[string]bool{}
	for _, file := range files {
		body, err := os.ReadFile(file.Path)
		if err != nil {
			t.Fatal(err)
		}
		podcastFeed := file.Key == "podcast.xml" || file.Key == "video.xml"
		if !strings.Contains(string(body), feedtest.SafeMark) || podcastFeed && !strings.Contains(string(body), feedtest.AppleMark) {
			t.Errorf("%s does not carry the forms it was given", file.Key)
		}
		keys[file.Key] = true
	}
	for _, k := range []string{"podcast.xml", "video.xml", "reviews.xml", "reviews.atom", "reviews.json"} {
		if !keys[k] {
			t.Errorf("no %s rendered", k)
		}
	}
}

// TestBuildRendersWithItsEntryCache: a build's encoders take the forms
// from its entry cache, which Result.Forms is. Without a cache to read
// (--no-cache) the cache makes a form only when asked, so every review in
// a feed has its safe form made, and every one in a podcast feed its Apple
// form too.
func TestBuildRendersWithItsEntryCache(t *testing.T) {
	dir := feedtest.CopyExample(t)
	cfg, ps := config.Load(viper.New(), filepath.Join(dir, "feedpub.yaml"))
	if ps.HasErrors() {
		t.Fatal(ps.Err())
	}
	now := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	res, _ := Build(t.Context(), &cfg, Options{Now: now, Generator: "feedpub test", NoCache: true})
	t.Cleanup(func() { res.Close() })
	ec, ok := res.Forms.(*entryCache)
	if !ok {
		t.Fatalf("Result.Forms is %T, not the build's entry cache", res.Forms)
	}
	cat := res.Catalog
	if cat.Reviews == nil || cat.Podcast == nil {
		t.Fatal("the example has no review feed or no podcast")
	}
	var reviews, episodes int
	for _, e := range cat.Reviews.Items {
		if e.HTML == "" {
			continue
		}
		reviews++
		if r := ec.record(e); r == nil || !r.hasSafe {
			t.Errorf("%s: the review feeds did not take its safe form from the entry cache", e.Source)
		}
	}
	for _, e := range cat.Podcast.Items {
		if e.HTML == "" {
			continue
		}
		episodes++
		if r := ec.record(e); r == nil || !r.hasApple {
			t.Errorf("%s: the podcast feed did not take its Apple form from the entry cache", e.Source)
		}
	}
	if reviews == 0 || episodes == 0 {
		t.Errorf("%d reviews and %d episodes with a review: the test needs both", reviews, episodes)
	}
}
