package main

import (
	"context"
	"os"
	"sort"
	"strings"
	"sync"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/config/diag"
	"github.com/feedpub/feedpub/feeds/site"
	"github.com/feedpub/feedpub/media/notify"
	"github.com/feedpub/feedpub/media/notify/cloudfront"
	"github.com/feedpub/feedpub/media/publish"
	"github.com/feedpub/feedpub/media/store/target"
)

// afterPublish clears the CDN of the feeds the publish changed, then tells
// hubs, indexes and webhooks, in that order, so that whoever is told
// fetches the new feed rather than a cached old one. With --dry-run it
// lists what it would send. Failures are warnings: the feeds are published
// whatever happens here.
func (o *publishOptions) afterPublish(ctx context.Context, cfg *config.Config, res *site.Result, rep *publish.Report) {
	ro := o.root
	if o.NoNotify || res == nil || rep == nil || rep.Plan == nil {
		return
	}
	change, sums := changeOf(cfg, res, rep)
	if len(change.Feeds) == 0 {
		return
	}
	var warns diag.Problems
	n := cfg.Publish.Notify
	tg := notify.Targets{
		WebSub:       n.WebSub,
		PodcastIndex: n.PodcastIndexURL(),
		PurgeURL:     cfg.Publish.CDN.PurgeURL,
	}
	for _, w := range n.Webhooks {
		tg.Webhooks = append(tg.Webhooks, notify.Webhook{URL: w.URL, Method: w.Method})
	}
	if n.Podping.URL != "" {
		if tok := os.Getenv(n.Podping.TokenEnv); tok != "" || o.DryRun {
			tg.PodpingURL, tg.PodpingToken = n.Podping.URL, tok
		} else {
			warns.Warnf("FP128", cfg.File, cfg.Line("publish.notify.podping.token_env"), "publish.notify.podping.token_env",
				"podping skipped: the environment variable %s is not set", n.Podping.TokenEnv)
		}
	}
	purges, notes := notify.PurgeRequests(tg, change), notify.Requests(tg, change)
	var paths []string
	if cfg.Publish.CDN.CloudFront != "" {
		paths = cloudfront.Paths(targetPrefix(cfg), keysOf(change))
	}

	if o.DryRun {
		if len(paths) > 0 {
			ro.infof("would invalidate in CloudFront %s: %s", cfg.Publish.CDN.CloudFront, strings.Join(paths, " "))
		}
		for _, r := range append(purges, notes...) {
			ro.infof("would notify %s", r)
		}
		ro.report(warns)
		return
	}

	opt := ro.env.Notify
	opt.UserAgent = "feedpub/" + version
	opt = withTotal(opt)
	ctx, cancel := context.WithTimeout(ctx, opt.Total)
	defer cancel()
	var wg sync.WaitGroup
	var cfErr error
	if len(paths) > 0 {
		wg.Go(func() {
			cfErr = invalidate(ctx, cfg, paths, sums, ro)
		})
	}
	results := notify.Send(ctx, purges, opt)
	wg.Wait()
	if cfErr != nil {
		warns.Warnf("FP129", "", 0, "", "%v; the feeds are published, but the CDN may serve the old ones until they expire", cfErr)
	}
	results = append(results, notify.Send(ctx, notes, opt)...)
	ok := 0
	for _, r := range results {
		if r.Err != nil {
			warns.Warnf("FP129", "", 0, "", "%s", r.Warning())
			continue
		}
		ok++
		ro.debugf("notified %s", r.Request)
	}
	if len(results) > 0 {
		ro.infof("notifications for %s: %d of %d sent", plural(len(change.Feeds), "changed feed"), ok, len(results))
	}
	ro.report(warns)
}

// withTotal fills in the overall bound now, since it also bounds the
// CloudFront call outside notify.Send.
func withTotal(o notify.Options) notify.Options {
	if o.Total <= 0 {
		o.Total = notify.DefaultTotal
	}
	return o
}

func invalidate(ctx context.Context, cfg *config.Config, paths, sums []string, ro *rootOptions) error {
	inv, err := cloudfront.New(ctx, cloudfront.Config{Distribution: cfg.Publish.CDN.CloudFront, Profile: cfg.Publish.S3.Profile})
	if err != nil {
		return err
	}
	id, err := inv.Invalidate(ctx, paths, cloudfront.CallerReference(paths, sums, ro.env.Now()))
	if err != nil {
		return err
	}
	ro.infof("invalidated in CloudFront %s: %s (invalidation %s)", cfg.Publish.CDN.CloudFront, strings.Join(paths, " "), id)
	return nil
}

// changeOf lists the feeds whose bytes this publish uploads (in the order
// of feedURLs), the SHA-256 of each, and the entries each newly carries
// compared with the manifest the publish started from.
func changeOf(cfg *config.Config, res *site.Result, rep *publish.Report) (notify.Change, []string) {
	uploaded := map[string]publish.File{}
	for _, a := range rep.Plan.Uploads {
		if a.File.Kind == publish.KindFeed {
			uploaded[a.File.Key] = a.File
		}
	}
	var c notify.Change
	var sums []string
	for _, f := range feedURLs(cfg) {
		file, ok := uploaded[f.Key]
		if !ok {
			continue
		}
		medium := ""
		switch f.Name {
		case "podcast":
			medium = "podcast"
		case "video":
			medium = "video"
		}
		c.Feeds = append(c.Feeds, notify.Feed{Name: f.Name, Key: f.Key, URL: f.URL, Medium: medium})
		sums = append(sums, file.SHA256)
	}
	before := map[string]map[string]bool{} // feed key → GUIDs it carried
	if rep.Manifest != nil {
		for _, r := range rep.Manifest.Entries {
			for feed, id := range r.Feeds {
				if before[feed] == nil {
					before[feed] = map[string]bool{}
				}
				before[feed][id] = true
			}
		}
	}
	if res.Identity != nil {
		for _, f := range c.Feeds {
			for _, r := range res.Identity.Entries {
				if id, ok := r.Feeds[f.Key]; ok && !before[f.Key][id] {
					c.Added = append(c.Added, notify.Entry{Title: r.Title, GUID: id, Feed: f.Key})
				}
			}
		}
	}
	return c, sums
}

func keysOf(c notify.Change) []string {
	keys := make([]string, 0, len(c.Feeds))
	for _, f := range c.Feeds {
		keys = append(keys, f.Key)
	}
	sort.Strings(keys)
	return keys
}

// targetPrefix is the key prefix of an s3:// target: where the feeds sit
// under the distribution's origin. A folder target has none.
func targetPrefix(cfg *config.Config) string {
	if tg, err := target.Parse(cfg.Publish.Target, cfg.Dir); err == nil && tg.Scheme == "s3" {
		return tg.Prefix
	}
	return ""
}
