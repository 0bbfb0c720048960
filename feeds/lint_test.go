package feeds_test

import (
	"slices"
	"testing"
	"time"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/feeds"
	"github.com/feedpub/feedpub/feeds/content"
)

func TestTitleRules(t *testing.T) {
	for title, want := range map[string]bool{
		"Ep. 12: Past Lives": true, "Episode 3 – Dune": true, "#41 Heroine": true, "12: Aftersun": true,
		"Season 3 is coming": false, "Dune: Part Two": false, "Blade Runner 2049": false, "Ocean's 11": false,
	} {
		if got := feeds.TitleHasNumber(title); got != want {
			t.Errorf("TitleHasNumber(%q) = %v", title, got)
		}
	}
	if !feeds.TitleRepeatsShow("Reel Verdicts Podcast: Dune", "Reel Verdicts Podcast") || feeds.TitleRepeatsShow("Dune", "Reel Verdicts Podcast") {
		t.Error("TitleRepeatsShow")
	}
}

func TestLint(t *testing.T) {
	now := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	cfg := &config.Config{File: "feedpub.yaml"}
	cfg.Podcast.Enabled, cfg.Video.Enabled = true, true
	ep := func(src, title string) *feeds.Entry {
		return &feeds.Entry{Source: src, Title: title, Audio: &feeds.Episode{}}
	}
	cat := &feeds.Catalog{
		Podcast: &feeds.Show{Key: "podcast.xml", Medium: feeds.Audio, Title: "Reel Verdicts Podcast", Items: []*feeds.Entry{
			ep("a.md", "Reel Verdicts Podcast: Dune"), ep("b.md", "Ep. 4 Aftersun"), ep("c.md", "Ep. 4  aftersun"), ep("d.md", "Heroine"),
		}},
		Video: &feeds.Show{Key: "video.xml", Medium: feeds.Video, Title: "Reel Verdicts Video"},
	}
	entries := []*content.Entry{{File: "e.md", Date: now.AddDate(1, 1, 0)}, {File: "f.md", Date: now.AddDate(0, 6, 0)}}
	got := map[string][]string{}
	for _, p := range feeds.Lint(cfg, cat, entries, now, nil) {
		got[p.Rule] = append(got[p.Rule], p.File+" "+p.Field)
	}
	for rule, want := range map[string][]string{
		"FP401": {"feedpub.yaml video"},
		"FP402": {"a.md title"},
		"FP403": {"b.md title", "c.md title"},
		"FP404": {"c.md title"},
		"FP219": {"e.md date"},
	} {
		if !slices.Equal(got[rule], want) {
			t.Errorf("%s: got %v, want %v", rule, got[rule], want)
		}
	}
	// A live feed being emptied is publish's to refuse (or --force to allow).
	for _, p := range feeds.Lint(cfg, cat, nil, now, map[string]bool{"video.xml": true}) {
		if p.Rule == "FP401" {
			t.Errorf("live feed: %v", p)
		}
	}
}
