package config

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/feedpub/feedpub/config/diag"
)

// Notify lists who is told after a publish that changed a feed.
type Notify struct {
	// WebSub hubs: every feed declares them, and each is pinged with
	// hub.mode=publish for each changed feed.
	WebSub []string `mapstructure:"websub"`
	// PodcastIndex is "true" for the Podcast Index's pubnotify endpoint, an
	// http(s) URL for another endpoint of that API, "" or "false" for none.
	// A string, not a bool, so one key takes either; viper turns a YAML
	// true into "1". PodcastIndexURL interprets it.
	PodcastIndex string    `mapstructure:"podcastindex"`
	Podping      Podping   `mapstructure:"podping"`
	Webhooks     []Webhook `mapstructure:"webhooks"`
}

// Podping is a podping.cloud-style HTTP gateway.
type Podping struct {
	URL string `mapstructure:"url"`
	// TokenEnv names the environment variable holding the gateway's token,
	// so the token itself never sits in the config.
	TokenEnv string `mapstructure:"token_env"`
}

// Webhook is one plain HTTP endpoint told about changed feeds and new
// entries in a JSON body.
type Webhook struct {
	URL    string `mapstructure:"url"`
	Method string `mapstructure:"method"` // default POST
}

// CDN says which caches to clear of the changed feeds.
type CDN struct {
	// CloudFront is a distribution ID whose cached feeds are invalidated.
	CloudFront string `mapstructure:"cloudfront"`
	// PurgeURL is fetched (GET) once per changed feed, with "{url}"
	// replaced by the feed's URL-escaped URL.
	PurgeURL string `mapstructure:"purge_url"`
}

// DefaultPodcastIndexURL is the Podcast Index's pubnotify endpoint, which
// takes a feed URL and no API key.
const DefaultPodcastIndexURL = "https://api.podcastindex.org/api/1.0/hub/pubnotify"

// PodcastIndexURL returns the pubnotify endpoint to call, or "" when
// publish.notify.podcastindex is off.
func (n Notify) PodcastIndexURL() string {
	switch strings.ToLower(strings.TrimSpace(n.PodcastIndex)) {
	case "", "0", "false", "no", "off":
		return ""
	case "1", "true", "yes", "on":
		return DefaultPodcastIndexURL
	}
	return strings.TrimSpace(n.PodcastIndex)
}

var (
	distributionRE = regexp.MustCompile(`^[A-Z0-9]{1,64}$`)
	envNameRE      = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

// checkAfterPublish checks the keys of what runs after a publish (notify,
// cdn) and the enclosure prefixes.
func (c *Config) checkAfterPublish(ps *diag.Problems) {
	for _, s := range []struct {
		name string
		show *Show
	}{{"podcast", &c.Podcast}, {"video", &c.Video}} {
		p := s.show.EnclosurePrefix
		if p == "" {
			continue
		}
		key := s.name + ".enclosure_prefix"
		c.checkURL(ps, key, p)
		if PlainHTTP(p) {
			c.Warnf(ps, "FP405", key, "%q is http: Apple Podcasts and most apps want media over https", p)
		}
		if !strings.HasSuffix(p, "/") {
			c.Errorf(ps, "FP118", key, "%q: want a prefix ending in \"/\", such as https://op3.dev/e/", p)
		}
	}
	n := c.Publish.Notify
	for i, h := range n.WebSub {
		c.checkURL(ps, fmt.Sprintf("publish.notify.websub[%d]", i), h)
	}
	if u := n.PodcastIndexURL(); u != "" && u != DefaultPodcastIndexURL {
		c.checkURL(ps, "publish.notify.podcastindex", u)
	}
	if pp := n.Podping; pp.URL != "" || pp.TokenEnv != "" {
		if pp.URL == "" {
			ps.Errorf("FP103", c.File, c.Line("publish.notify.podping"), "publish.notify.podping.url", "required: the gateway's URL")
		}
		c.checkURL(ps, "publish.notify.podping.url", pp.URL)
		if !envNameRE.MatchString(pp.TokenEnv) {
			ps.Errorf("FP119", c.File, c.Line("publish.notify.podping"), "publish.notify.podping.token_env",
				"%q: want the name of the environment variable holding the token, such as PODPING_TOKEN", pp.TokenEnv)
		}
	}
	for i := range n.Webhooks {
		w := &c.Publish.Notify.Webhooks[i]
		key := fmt.Sprintf("publish.notify.webhooks[%d]", i)
		if w.URL == "" {
			ps.Errorf("FP103", c.File, c.Line(key), key+".url", "required")
		}
		c.checkURL(ps, key+".url", w.URL)
		w.Method = strings.ToUpper(strings.TrimSpace(w.Method))
		switch w.Method {
		case "":
			w.Method = "POST"
		case "POST", "PUT", "PATCH", "GET":
		default:
			c.Errorf(ps, "FP113", key+".method", "%q: want POST, PUT, PATCH or GET", w.Method)
		}
	}
	cdn := c.Publish.CDN
	if id := cdn.CloudFront; id != "" && !distributionRE.MatchString(id) {
		c.Errorf(ps, "FP120", "publish.cdn.cloudfront", "%q: want a distribution ID such as E2EXAMPLE", id)
	}
	if t := cdn.PurgeURL; t != "" {
		if !strings.Contains(t, "{url}") {
			c.Errorf(ps, "FP121", "publish.cdn.purge_url", "%q: want a URL with {url} where the feed's URL goes", t)
		} else {
			c.checkURL(ps, "publish.cdn.purge_url", strings.ReplaceAll(t, "{url}", url.QueryEscape("https://x/")))
		}
	}
}
