package main

import (
	"context"
	"fmt"
	"time"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/config/diag"
	"github.com/feedpub/feedpub/config/safehttp"
	"github.com/feedpub/feedpub/feeds"
	"github.com/feedpub/feedpub/feeds/site"
	"github.com/feedpub/feedpub/media/live"
	"github.com/feedpub/feedpub/media/publish"
	"github.com/feedpub/feedpub/media/store/target"
)

// The live check's bounds: each request waits at most liveHeaderTimeout
// for an answer, the whole check (the changed feeds' bodies included) at
// most liveBudget; a feed still stale after a CDN purge is fetched again
// after each of liveStaleRetries.
var (
	liveHeaderTimeout = 15 * time.Second
	liveBudget        = 2 * time.Minute
	liveStaleRetries  = []time.Duration{5 * time.Second, 10 * time.Second, 15 * time.Second}
)

// Values of the --json field live_check.
const (
	livePassed    = "passed"
	liveFailed    = "failed"
	liveSkipped   = "skipped"    // --no-verify
	liveNotServed = "not_served" // a folder nothing serves at base_url (yet)
	liveNone      = "none"       // nothing was published (dry run, unchanged)
)

// checkLive asks for what this publish changed as a listener would (see
// media/live), reports every failure, and returns an error when listeners
// cannot fetch the feeds or the new enclosures. A local folder that nothing
// answers for at base_url is not an error, nor a warning (which would fail
// --strict and come with every trial run, make demo's included): such a
// folder is often served later, by another tool; the summary says that it
// was not checked (notServedLine). A failed check forgets the site's state
// for the target, so that the next publish checks again instead of taking
// the site as unchanged.
func (o *publishOptions) checkLive(ctx context.Context, cfg *config.Config, stateKey string, res *site.Result, rep *publish.Report, out *summary) error {
	out.LiveCheck = liveNone
	if res == nil || rep == nil || rep.Plan == nil || rep.Unchanged {
		return nil
	}
	if o.NoVerify {
		out.LiveCheck = liveSkipped
		return nil
	}
	fs, encs := liveTargets(cfg, res, rep)
	if len(fs)+len(encs) == 0 {
		return nil
	}
	local := out.Target != nil && out.Target.Scheme == target.SchemeFile
	client := o.root.env.HTTP // a test's, trusting its TLS server
	if client == nil {
		client = safehttp.NewClient(safehttp.Options{HeaderTimeout: liveHeaderTimeout, UserAgent: "feedpub/" + version})
	}
	opt := live.Options{
		Client:  client,
		Budget:  liveBudget,
		BaseURL: cfg.Site.BaseURL,
		Target:  cfg.Publish.Target,
	}
	if cfg.Publish.CDN.CloudFront != "" || cfg.Publish.CDN.PurgeURL != "" {
		opt.StaleRetries = liveStaleRetries
	}
	checks := live.Verify(ctx, fs, encs, opt)
	out.Live = checks
	failed, unreachable := 0, 0
	for _, c := range checks {
		if c.Result != live.OK {
			failed++
		}
		if c.Result == live.Unreachable {
			unreachable++
		}
	}
	var ps diag.Problems
	line := cfg.Line("site.base_url")
	switch {
	case failed == 0:
		out.LiveCheck = livePassed
		o.root.debugf("checked as a listener: %d feeds and %d new enclosures at %s", len(fs), len(encs), cfg.Site.BaseURL)
		return nil
	case unreachable == len(checks) && local:
		out.LiveCheck = liveNotServed
		return nil
	case unreachable == len(checks):
		// One cause, said once rather than for every URL.
		ps.Errorf("FP141", cfg.File, line, "site.base_url", "listeners cannot reach %s: %s %s: %s; set base_url to where the target is served", cfg.Site.BaseURL, checks[0].Kind, checks[0].URL, checks[0].Message)
	default:
		for _, c := range checks {
			if c.Result != live.OK {
				field := map[string]string{live.Forbidden: "publish.acl", live.NotFound: "site.base_url", live.Stale: "publish.cdn"}[c.Result]
				ps.Errorf("FP141", cfg.File, cfg.Line(field), field, "%s %s: %s", c.Kind, c.URL, c.Message)
			}
		}
	}
	out.LiveCheck = liveFailed
	o.root.report(ps)
	state := site.LoadState(cfg)
	delete(state.Targets, stateKey)
	if err := state.Save(cfg); err != nil {
		o.root.debugf("could not save %s: %v", site.StateDir, err)
	}
	return fmt.Errorf("uploaded to %s (%s copied, %s updated), but listeners cannot fetch it: %d of %d checks failed (above); the next publish checks again", cfg.Publish.Target,
		plural(rep.Uploaded, "file"), plural(rep.Updated, "file"), failed, len(checks))
}

// notServedLine ends the summary of a publish to a folder that nothing
// serves at base_url.
func notServedLine(cfg *config.Config) string {
	return fmt.Sprintf("not checked as a listener: nothing answers at %s; serve the folder there for apps to fetch it (publish --no-verify skips the check)", cfg.Site.BaseURL)
}

// liveTargets lists every feed (fetched whole when this publish changed
// it) and the enclosures of the media this publish uploaded, at the URLs
// the feeds state (through the show's enclosure_prefix).
func liveTargets(cfg *config.Config, res *site.Result, rep *publish.Report) ([]live.Feed, []live.Enclosure) {
	uploaded := map[string]bool{}
	for _, a := range rep.Plan.Uploads {
		uploaded[a.File.Key] = true
	}
	files := map[string]publish.File{}
	for _, f := range res.Files {
		files[f.Key] = f
	}
	var fs []live.Feed
	for _, u := range feedURLs(cfg) {
		if f, ok := files[u.Key]; ok {
			fs = append(fs, live.Feed{Name: u.Name, URL: u.URL, Size: f.Size, SHA256: f.SHA256, Changed: uploaded[u.Key]})
		}
	}
	var encs []live.Enclosure
	seen := map[string]bool{}
	for _, show := range []*feeds.Show{res.Catalog.Podcast, res.Catalog.Video} {
		if show == nil {
			continue
		}
		for _, e := range append(append([]*feeds.Entry(nil), show.Items...), show.Trailers...) {
			for _, ep := range []*feeds.Episode{e.Audio, e.Video} {
				if ep == nil || !uploaded[ep.Enclosure.Key] {
					continue
				}
				u := feeds.PrefixURL(show.EnclosurePrefix, ep.Enclosure.URL)
				if !seen[u] {
					seen[u] = true
					encs = append(encs, live.Enclosure{URL: u, Type: ep.Enclosure.Type, Length: ep.Enclosure.Length})
				}
			}
		}
	}
	return fs, encs
}
