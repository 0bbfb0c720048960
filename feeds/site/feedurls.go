package site

import (
	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/feeds"
)

// FeedURL is one configured feed and its public URL.
type FeedURL struct {
	Name string `json:"name"` // podcast, video, reviews-rss, reviews-atom, reviews-json
	Key  string `json:"key"`
	URL  string `json:"url"`
}

// FeedURLs lists the public URL of every configured feed: what the editor
// submits to Apple Podcasts and the other directories.
func FeedURLs(cfg *config.Config) []FeedURL {
	var out []FeedURL
	add := func(name, key string) {
		if key != "" {
			out = append(out, FeedURL{name, key, feeds.URL(cfg.Site.BaseURL, key)})
		}
	}
	if cfg.Podcast.Enabled {
		add("podcast", cfg.Podcast.Path)
	}
	if cfg.Video.Enabled {
		add("video", cfg.Video.Path)
	}
	if cfg.Reviews.Enabled {
		add("reviews-rss", cfg.Reviews.RSS)
		add("reviews-atom", cfg.Reviews.Atom)
		add("reviews-json", cfg.Reviews.JSON)
	}
	return out
}

// feedKeys lists the keys of the configured feeds, where a publish without
// a manifest looks for the live feeds to keep their GUIDs.
func feedKeys(cfg *config.Config) []string {
	var keys []string
	for _, f := range FeedURLs(cfg) {
		keys = append(keys, f.Key)
	}
	return keys
}
