package site_test

import (
	"path/filepath"
	"testing"

	"github.com/spf13/viper"

	"github.com/feedpub/feedpub/config"

	"github.com/feedpub/feedpub/feeds/site"
)

// TestModelRulesReportedOnce: the rules a build checks on the model
// (FP402-FP404 on episode titles, FP405 on http media) are not checked
// again on the rendered feed, so each finding is reported once, at the
// line that causes it (FP405 of an http base_url by the config).
func TestModelRulesReportedOnce(t *testing.T) {
	cfg := example(t)
	dir := cfg.Dir
	const title = `title: "Ep. 3 of the Reel Verdicts Podcast"`
	edit(t, cfg, "reviews/heroine.md", `title: "Heroin(e): a small film with a mighty heart"`, title)
	edit(t, cfg, "reviews/past-lives.md", `title: "Past Lives: the road not taken, twice"`, title)
	edit(t, cfg, "feedpub.yaml", "base_url: https://", "base_url: http://")
	loaded, ps := config.Load(viper.New(), filepath.Join(dir, "feedpub.yaml"))
	_, built := buildSite(t, &loaded, site.Options{Now: now, ReadOnly: true})
	ps = append(ps, built...)
	count := map[string]int{}
	for _, p := range ps {
		count[p.Rule]++
	}
	for rule, want := range map[string]int{"FP402": 2, "FP403": 2, "FP404": 1, "FP405": 1} {
		if count[rule] != want {
			t.Errorf("%s reported %d times, want %d", rule, count[rule], want)
		}
	}
	if t.Failed() {
		t.Log(ps)
	}
}
