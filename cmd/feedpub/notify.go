package main

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/config/diag"
	"github.com/feedpub/feedpub/config/safehttp"
	"github.com/feedpub/feedpub/feeds/identity"
	"github.com/feedpub/feedpub/feeds/site"
	"github.com/feedpub/feedpub/media/notify"
	"github.com/feedpub/feedpub/media/notify/cloudfront"
	"github.com/feedpub/feedpub/media/publish"
	"github.com/feedpub/feedpub/media/store"
	"github.com/feedpub/feedpub/media/store/target"
)

// afterPublish clears the CDN of the feeds the publish changed, then tells
// hubs, indexes and webhooks, in that order, so that whoever is told
// fetches the new feed rather than a cached old one. Notifications that
// failed at earlier publishes (recorded in the manifest) are sent again with
// them. With --dry-run it lists what it would send. Failures are warnings:
// the feeds are published whatever happens here; they are recorded, to be
// sent again by the next publish.
func (o *publishOptions) afterPublish(ctx context.Context, cfg *config.Config, st store.Store, res *site.Result, rep *publish.Report) {
	ro := o.root
	if o.NoNotify || res == nil || rep == nil || rep.Plan == nil {
		return
	}
	change, sums := changeOf(cfg, res, rep)
	var pending []publish.Pending
	if rep.Manifest != nil {
		pending = rep.Manifest.Pending
	}
	if len(change.Feeds) == 0 && len(pending) == 0 {
		return
	}
	var warns diag.Problems
	tg := o.notifyTargets(cfg, &warns)
	purges, notes := notify.PurgeRequests(tg, change), notify.Requests(tg, change)
	var paths []string
	if cfg.Publish.CDN.CloudFront != "" && len(change.Feeds) > 0 {
		paths = cloudfront.Paths(targetPrefix(cfg), keysOf(change))
	}
	now := ro.env.Now()
	again := replan(cfg, tg, pending, append(purges, notes...), now, &warns)

	if o.DryRun {
		if len(paths) > 0 {
			ro.infof("would invalidate in CloudFront %s: %s", cfg.Publish.CDN.CloudFront, strings.Join(paths, " "))
		}
		for _, r := range append(purges, notes...) {
			ro.infof("would notify %s", r)
		}
		for _, a := range again {
			ro.infof("would notify again %s (failing since %s)", a.req, a.since)
		}
		ro.report(warns)
		return
	}

	opt := ro.env.Notify
	opt.UserAgent = "feedpub/" + version
	if opt.Client == nil {
		// Endpoints are the editor's own (an internal webhook may be
		// private), but a redirect loop or a slow server is still bounded.
		opt.Client = safehttp.NewClient(safehttp.Options{UserAgent: opt.UserAgent, AllowPrivate: true, HeaderTimeout: notify.DefaultTimeout})
	}
	var wg sync.WaitGroup
	var cfErr error
	if len(paths) > 0 {
		wg.Go(func() {
			// Its own budget, like every other endpoint's.
			ctx, cancel := context.WithTimeout(ctx, max(opt.Budget, notify.DefaultBudget))
			defer cancel()
			cfErr = invalidate(ctx, cfg, paths, sums, ro)
		})
	}
	againPurges, againNotes := again.split()
	results := notify.Send(ctx, append(purges, againPurges...), opt)
	wg.Wait()
	if cfErr != nil {
		warns.Warnf("FP129", "", 0, "", "%v; the feeds are published, but the CDN may serve the old ones until they expire", cfErr)
	}
	results = append(results, notify.Send(ctx, append(notes, againNotes...), opt)...)
	since := again.since(len(purges), len(notes), identity.FormatTime(now))
	var failed []publish.Pending
	ok := 0
	for i, r := range results {
		if r.Err != nil {
			warns.Warnf("FP129", "", 0, "", "%s (sent again at the next publish)", r.Warning())
			failed = append(failed, pendingOf(r.Request, since[i]))
			continue
		}
		ok++
		ro.debugf("notified %s", r.Request)
	}
	if len(results) > 0 {
		what := plural(len(change.Feeds), "changed feed")
		if len(again) > 0 {
			what += fmt.Sprintf(" and %d failed earlier", len(again))
		}
		ro.infof("notifications for %s: %d of %d sent", what, ok, len(results))
	}
	o.savePending(ctx, cfg, st, rep, pending, failed, &warns)
	ro.report(warns)
}

// notifyTargets says whom the config tells about changed feeds.
func (o *publishOptions) notifyTargets(cfg *config.Config, warns *diag.Problems) notify.Targets {
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
	return tg
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
		c.Feeds = append(c.Feeds, notify.Feed{Name: f.Name, Key: f.Key, URL: f.URL, Medium: mediumOf(f.Name)})
		sums = append(sums, file.SHA256)
	}
	before := map[string]map[string]bool{} // feed key → GUIDs it carried
	if rep.Manifest != nil && len(c.Feeds) > 0 {
		// As read (or rebuilt from the live feeds), so checked already.
		if kept, err := identity.Decode(rep.Manifest.Entries, nil, nil); err == nil {
			before = identity.FeedIDs(kept.Entries)
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
	if tg, err := target.Parse(cfg.Publish.Target, cfg.Dir); err == nil && tg.Scheme == target.SchemeS3 {
		return tg.Prefix
	}
	return ""
}
