package site

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/config/diag"
	"github.com/feedpub/feedpub/config/safehttp"
	"github.com/feedpub/feedpub/feeds/identity"
	"github.com/feedpub/feedpub/media/notify"
	"github.com/feedpub/feedpub/media/notify/cloudfront"
	"github.com/feedpub/feedpub/media/publish"
	"github.com/feedpub/feedpub/media/store"
	"github.com/feedpub/feedpub/media/store/target"
)

// NotifyOptions tune telling others about a publish.
type NotifyOptions struct {
	// Skip tells nobody (--no-notify); DryRun lists what would be sent.
	Skip, DryRun bool
	// Send tunes the requests; its Client is safehttp's when nil, its
	// UserAgent feedpub's (Version).
	Send    notify.Options
	Version string
	Now     time.Time
	// Infof prints a line of the publish's account, Debugf one of
	// --verbose detail; nil for none.
	Infof, Debugf func(format string, args ...any)
}

// Notify clears the CDN of the feeds the publish changed, then tells hubs,
// indexes and webhooks, in that order, so that whoever is told fetches the
// new feed rather than a cached old one. Notifications that failed at
// earlier publishes (recorded in the manifest) are sent again with them.
// With DryRun it lists what it would send. Failures are warnings, returned:
// the feeds are published whatever happens here; they are recorded in the
// target's manifest, to be sent again by the next publish.
func (o *Outcome) Notify(ctx context.Context, cfg *config.Config, st store.Store, opt NotifyOptions) diag.Problems {
	res, rep := o.Result, o.Report
	if opt.Skip || res == nil || rep == nil || rep.Plan == nil {
		return nil
	}
	opt.Infof, opt.Debugf = debugf(opt.Infof), debugf(opt.Debugf)
	change, sums := o.changeOf(cfg)
	var pending []publish.Pending
	if rep.Manifest != nil {
		pending = rep.Manifest.Pending
	}
	if len(change.Feeds) == 0 && len(pending) == 0 {
		return nil
	}
	var warns diag.Problems
	tg := notifyTargets(cfg, opt.DryRun, &warns)
	purges, notes := notify.PurgeRequests(tg, change), notify.Requests(tg, change)
	var paths []string
	if cfg.Publish.CDN.CloudFront != "" && len(change.Feeds) > 0 {
		paths = cloudfront.Paths(targetPrefix(cfg), keysOf(change))
	}
	again := replan(cfg, tg, pending, append(purges, notes...), opt.Now, &warns)
	if opt.DryRun {
		listNotifications(cfg, paths, append(purges, notes...), again, opt.Infof)
		return warns
	}
	failed := send(ctx, cfg, change, paths, sums, purges, notes, again, opt, &warns)
	savePending(ctx, cfg, st, rep, pending, failed, &warns, opt.Debugf)
	return warns
}

// listNotifications says what a publish would send.
func listNotifications(cfg *config.Config, paths []string, reqs []notify.Request, again retries, infof func(string, ...any)) {
	if len(paths) > 0 {
		infof("would invalidate in CloudFront %s: %s", cfg.Publish.CDN.CloudFront, strings.Join(paths, " "))
	}
	for _, r := range reqs {
		infof("would notify %s", r)
	}
	for _, a := range again {
		infof("would notify again %s (failing since %s)", a.req, a.since)
	}
}

// send sends the CloudFront invalidation and the purges at once, then the
// notifications, and returns those that failed as the manifest records
// them.
func send(ctx context.Context, cfg *config.Config, change notify.Change, paths, sums []string, purges, notes []notify.Request, again retries, opt NotifyOptions, warns *diag.Problems) []publish.Pending {
	so := opt.Send
	so.UserAgent = "feedpub/" + opt.Version
	if so.Client == nil {
		// Endpoints are the editor's own (an internal webhook may be
		// private), but a redirect loop or a slow server is still bounded.
		so.Client = safehttp.NewClient(safehttp.Options{UserAgent: so.UserAgent, AllowPrivate: true, HeaderTimeout: notify.DefaultTimeout})
	}
	var wg sync.WaitGroup
	var cfErr error
	if len(paths) > 0 {
		wg.Go(func() {
			// Its own budget, like every other endpoint's.
			ctx, cancel := context.WithTimeout(ctx, max(so.Budget, notify.DefaultBudget))
			defer cancel()
			cfErr = invalidate(ctx, cfg, paths, sums, opt)
		})
	}
	againPurges, againNotes := again.split()
	results := notify.Send(ctx, append(purges, againPurges...), so)
	wg.Wait()
	if cfErr != nil {
		warns.Warnf("FP129", "", 0, "", "%v; the feeds are published, but the CDN may serve the old ones until they expire", cfErr)
	}
	results = append(results, notify.Send(ctx, append(notes, againNotes...), so)...)
	since := again.since(len(purges), len(notes), identity.FormatTime(opt.Now))
	var failed []publish.Pending
	ok := 0
	for i, r := range results {
		if r.Err != nil {
			warns.Warnf("FP129", "", 0, "", "%s (sent again at the next publish)", r.Warning())
			failed = append(failed, pendingOf(r.Request, since[i]))
			continue
		}
		ok++
		opt.Debugf("notified %s", r.Request)
	}
	if len(results) > 0 {
		what := diag.Plural(len(change.Feeds), "changed feed")
		if len(again) > 0 {
			what += fmt.Sprintf(" and %d failed earlier", len(again))
		}
		opt.Infof("notifications for %s: %d of %d sent", what, ok, len(results))
	}
	return failed
}

// notifyTargets says whom the config tells about changed feeds.
func notifyTargets(cfg *config.Config, dryRun bool, warns *diag.Problems) notify.Targets {
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
		if tok := os.Getenv(n.Podping.TokenEnv); tok != "" || dryRun {
			tg.PodpingURL, tg.PodpingToken = n.Podping.URL, tok
		} else {
			warns.Warnf("FP128", cfg.File, cfg.Line("publish.notify.podping.token_env"), "publish.notify.podping.token_env",
				"podping skipped: the environment variable %s is not set", n.Podping.TokenEnv)
		}
	}
	return tg
}

func invalidate(ctx context.Context, cfg *config.Config, paths, sums []string, opt NotifyOptions) error {
	inv, err := cloudfront.New(ctx, cloudfront.Config{Distribution: cfg.Publish.CDN.CloudFront, Profile: cfg.Publish.S3.Profile})
	if err != nil {
		return err
	}
	id, err := inv.Invalidate(ctx, paths, cloudfront.CallerReference(paths, sums, opt.Now))
	if err != nil {
		return err
	}
	opt.Infof("invalidated in CloudFront %s: %s (invalidation %s)", cfg.Publish.CDN.CloudFront, strings.Join(paths, " "), id)
	return nil
}

// changeOf lists the feeds whose bytes this publish uploads (in the order
// of FeedURLs), the SHA-256 of each, and the entries each newly carries
// compared with the identities the publish started from.
func (o *Outcome) changeOf(cfg *config.Config) (notify.Change, []string) {
	uploaded := map[string]publish.File{}
	for _, a := range o.Report.Plan.Uploads {
		if a.File.Kind == publish.KindFeed {
			uploaded[a.File.Key] = a.File
		}
	}
	var c notify.Change
	var sums []string
	for _, f := range FeedURLs(cfg) {
		file, ok := uploaded[f.Key]
		if !ok {
			continue
		}
		c.Feeds = append(c.Feeds, notify.Feed{Name: f.Name, Key: f.Key, URL: f.URL, Medium: mediumOf(f.Name)})
		sums = append(sums, file.SHA256)
	}
	before := map[string]map[string]bool{} // feed key → GUIDs it carried
	if o.Published != nil {
		before = identity.FeedIDs(o.Published.Entries)
	}
	if id := o.Result.Identity; id != nil {
		for _, f := range c.Feeds {
			for _, r := range id.Entries {
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
