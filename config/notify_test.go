package config_test

import (
	"strings"
	"testing"

	"github.com/feedpub/feedpub/config"
)

func TestNotifyKeys(t *testing.T) {
	cfg, ps := load(t, validYAML+`  enclosure_prefix: https://op3.dev/e/
publish:
  notify:
    websub: ["https://hub.example/"]
    podcastindex: true
    podping: {url: "https://podping.example/", token_env: PODPING_TOKEN}
    webhooks: [{url: "https://hooks.example/feedpub"}, {url: "https://hooks.example/put", method: put}]
  cdn:
    cloudfront: E2EXAMPLE
    purge_url: "https://cdn.example/purge?url={url}"
`)
	if ps.HasErrors() {
		t.Fatalf("unexpected problems: %v", ps.Err())
	}
	n := cfg.Publish.Notify
	if got := n.PodcastIndexURL(); got != config.DefaultPodcastIndexURL {
		t.Errorf("podcastindex: true gives %q", got)
	}
	if len(n.WebSub) != 1 || n.Podping.TokenEnv != "PODPING_TOKEN" || cfg.Podcast.EnclosurePrefix != "https://op3.dev/e/" {
		t.Errorf("notify = %+v, prefix %q", n, cfg.Podcast.EnclosurePrefix)
	}
	if len(n.Webhooks) != 2 || n.Webhooks[0].Method != "POST" || n.Webhooks[1].Method != "PUT" {
		t.Errorf("webhooks = %+v, want POST by default and PUT upper-cased", n.Webhooks)
	}
	if cfg.Publish.CDN.CloudFront != "E2EXAMPLE" {
		t.Errorf("cdn = %+v", cfg.Publish.CDN)
	}

	cfg, ps = load(t, validYAML+"publish:\n  notify:\n    podcastindex: https://index.example/pubnotify\n")
	if ps.HasErrors() || cfg.Publish.Notify.PodcastIndexURL() != "https://index.example/pubnotify" {
		t.Errorf("podcastindex URL: %q, %v", cfg.Publish.Notify.PodcastIndexURL(), ps.Err())
	}
	cfg, _ = load(t, validYAML+"publish:\n  notify:\n    podcastindex: false\n")
	if got := cfg.Publish.Notify.PodcastIndexURL(); got != "" {
		t.Errorf("podcastindex: false gives %q", got)
	}
}

func TestNotifyKeysChecked(t *testing.T) {
	for _, c := range []struct{ yaml, field, msg string }{
		{"  enclosure_prefix: https://op3.dev/e\n", "podcast.enclosure_prefix", `ending in "/"`},
		{"publish:\n  notify:\n    websub: [hub.example]\n", "publish.notify.websub[0]", "not an absolute http(s) URL"},
		{"publish:\n  notify:\n    podcastindex: maybe\n", "publish.notify.podcastindex", "not an absolute http(s) URL"},
		{"publish:\n  notify:\n    podping: {url: \"https://p.example/\"}\n", "publish.notify.podping.token_env", "name of the environment variable"},
		{"publish:\n  notify:\n    webhooks: [{url: \"https://h.example/\", method: DELETE}]\n", "publish.notify.webhooks[0].method", "want POST"},
		{"publish:\n  cdn:\n    cloudfront: e2-example\n", "publish.cdn.cloudfront", "distribution ID"},
		{"publish:\n  cdn:\n    purge_url: https://cdn.example/purge\n", "publish.cdn.purge_url", "{url}"},
	} {
		_, ps := load(t, validYAML+c.yaml)
		found := false
		for _, p := range ps.Errors() {
			if p.Field == c.field && strings.Contains(p.Msg, c.msg) && p.Line > 0 {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: want an error on %s saying %q with its line, got %v", strings.TrimSpace(c.yaml), c.field, c.msg, ps.Err())
		}
	}
}
