package site

import (
	"strings"
	"testing"
	"time"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/config/diag"
	"github.com/feedpub/feedpub/media/notify"
	"github.com/feedpub/feedpub/media/publish"
)

// TestReplan: a failed notification is planned again from the config as
// it is now with when it first failed; one a day old is given up, saying
// so; one whose endpoint is no longer configured is dropped; one this
// publish sends anyway is not sent twice.
func TestReplan(t *testing.T) {
	cfg := &config.Config{}
	cfg.Site.BaseURL = "https://films.example/" // as config.Load leaves it
	cfg.Podcast.Enabled, cfg.Podcast.Path = true, "podcast.xml"
	hub, gone := "https://hub.example/", "https://old-hub.example/"
	tg := notify.Targets{WebSub: []string{hub}}
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	hour, old := "2026-03-02T11:00:00Z", "2026-03-01T11:00:00Z"
	pending := []publish.Pending{
		{Kind: "websub", Endpoint: hub, Feeds: []string{"podcast.xml"}, Since: hour},
		{Kind: "websub", Endpoint: gone, Feeds: []string{"podcast.xml"}, Since: hour},
		{Kind: "purge", Endpoint: "https://cdn.example/purge", Feeds: []string{"podcast.xml"}, Since: old},
	}
	var warns diag.Problems
	got := replan(cfg, tg, pending, nil, now, &warns)
	if len(got) != 1 || got[0].req.Endpoint != hub || got[0].since != hour || got[0].req.About != "https://films.example/podcast.xml" {
		t.Errorf("replanned %+v; want the hub's, failing since %s", got, hour)
	}
	if len(warns) != 1 || !strings.Contains(warns[0].Msg, "purge https://cdn.example/purge (for podcast.xml) given up: failing since "+old) {
		t.Errorf("warnings %v; want the day-old purge given up", warns)
	}

	current := notify.Requests(tg, notify.Change{Feeds: []notify.Feed{{Name: "podcast", Key: "podcast.xml", URL: "https://films.example/podcast.xml"}}})
	warns = nil
	if got := replan(cfg, tg, pending[:1], current, now, &warns); len(got) != 0 {
		t.Errorf("sent again beside this publish's own: %+v", got)
	}
}
