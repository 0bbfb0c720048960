package site

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/config/diag"
	"github.com/feedpub/feedpub/config/safehttp"
	"github.com/feedpub/feedpub/feeds"
	"github.com/feedpub/feedpub/media/live"
	"github.com/feedpub/feedpub/media/publish"
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

// What the live check found (publish --json's live_check).
const (
	LivePassed    = "passed"
	LiveFailed    = "failed"
	LiveSkipped   = "skipped"    // --no-verify
	LiveNotServed = "not_served" // a folder nothing serves at base_url (yet)
	LiveNone      = "none"       // nothing was published (dry run, unchanged)
)

// LiveOptions tune the live check.
type LiveOptions struct {
	// Skip skips it (--no-verify).
	Skip bool
	// Client fetches; nil for safehttp's.
	Client *http.Client
	// Version is feedpub's, for the User-Agent.
	Version string
	// Local says the target is a folder on this computer.
	Local bool
	// Debugf prints a line of --verbose detail; nil for none.
	Debugf func(format string, args ...any)
}

// LiveCheck is what the live check found: Status (one of the Live
// constants), each check, and the problems of a failed one.
type LiveCheck struct {
	Status   string
	Checks   []live.Check
	Problems diag.Problems
}

// VerifyLive asks for what this publish changed as a listener would (see
// media/live) and returns an error when listeners cannot fetch the feeds
// or the new enclosures, with a problem for every failure. A local folder
// that nothing answers for at base_url is not an error, nor a warning
// (which would fail --strict and come with every trial run, make demo's
// included): such a folder is often served later, by another tool. A
// failed check forgets the site's state for the target (stateKey), so that
// the next publish checks again instead of taking the site as unchanged.
func (o *Outcome) VerifyLive(ctx context.Context, cfg *config.Config, stateKey string, opt LiveOptions) (*LiveCheck, error) {
	lc := &LiveCheck{Status: LiveNone}
	res, rep := o.Result, o.Report
	if res == nil || rep == nil || rep.Plan == nil || rep.Unchanged {
		return lc, nil
	}
	if opt.Skip {
		lc.Status = LiveSkipped
		return lc, nil
	}
	fs, encs := liveTargets(cfg, res, rep)
	if len(fs)+len(encs) == 0 {
		return lc, nil
	}
	client := opt.Client
	if client == nil {
		client = safehttp.NewClient(safehttp.Options{HeaderTimeout: liveHeaderTimeout, UserAgent: "feedpub/" + opt.Version})
	}
	lo := live.Options{Client: client, Budget: liveBudget, BaseURL: cfg.Site.BaseURL, Target: cfg.Publish.Target}
	if cfg.Publish.CDN.CloudFront != "" || cfg.Publish.CDN.PurgeURL != "" {
		lo.StaleRetries = liveStaleRetries
	}
	lc.Checks = live.Verify(ctx, fs, encs, lo)
	failed, unreachable := 0, 0
	for _, c := range lc.Checks {
		if c.Result != live.OK {
			failed++
		}
		if c.Result == live.Unreachable {
			unreachable++
		}
	}
	switch {
	case failed == 0:
		lc.Status = LivePassed
		debugf(opt.Debugf)("checked as a listener: %d feeds and %d new enclosures at %s", len(fs), len(encs), cfg.Site.BaseURL)
		return lc, nil
	case unreachable == len(lc.Checks) && opt.Local:
		lc.Status = LiveNotServed
		return lc, nil
	}
	lc.Status, lc.Problems = LiveFailed, liveProblems(cfg, lc.Checks, unreachable)
	forget(cfg, stateKey, debugf(opt.Debugf))
	return lc, fmt.Errorf("uploaded to %s (%s copied, %s updated), but listeners cannot fetch it: %d of %d checks failed (above); the next publish checks again", cfg.Publish.Target,
		diag.Plural(rep.Uploaded, "file"), diag.Plural(rep.Updated, "file"), failed, len(lc.Checks))
}

// liveProblems reports the failed checks (FP141): one cause, said once,
// when nothing answered at all.
func liveProblems(cfg *config.Config, checks []live.Check, unreachable int) diag.Problems {
	var ps diag.Problems
	if unreachable == len(checks) {
		ps.Errorf("FP141", cfg.File, cfg.Line("site.base_url"), "site.base_url", "listeners cannot reach %s: %s %s: %s; set base_url to where the target is served", cfg.Site.BaseURL, checks[0].Kind, checks[0].URL, checks[0].Message)
		return ps
	}
	for _, c := range checks {
		if c.Result != live.OK {
			field := map[string]string{live.Forbidden: "publish.acl", live.NotFound: "site.base_url", live.Stale: "publish.cdn"}[c.Result]
			ps.Errorf("FP141", cfg.File, cfg.Line(field), field, "%s %s: %s", c.Kind, c.URL, c.Message)
		}
	}
	return ps
}

// forget removes the site's state for the target at key.
func forget(cfg *config.Config, key string, debugf func(string, ...any)) {
	state := LoadState(cfg)
	delete(state.Targets, key)
	if err := state.Save(cfg); err != nil {
		debugf("could not save %s: %v", StateDir, err)
	}
}

// NotServedLine ends the summary of a publish to a folder that nothing
// serves at base_url.
func NotServedLine(cfg *config.Config) string {
	return fmt.Sprintf("not checked as a listener: nothing answers at %s; serve the folder there for apps to fetch it (publish --no-verify skips the check)", cfg.Site.BaseURL)
}

// liveTargets lists every feed (fetched whole when this publish changed
// it) and the enclosures of the media this publish uploaded, at the URLs
// the feeds state (through the show's enclosure_prefix).
func liveTargets(cfg *config.Config, res *Result, rep *publish.Report) ([]live.Feed, []live.Enclosure) {
	uploaded := map[string]bool{}
	for _, a := range rep.Plan.Uploads {
		uploaded[a.File.Key] = true
	}
	files := map[string]publish.File{}
	for _, f := range res.Files {
		files[f.Key] = f
	}
	var fs []live.Feed
	for _, u := range FeedURLs(cfg) {
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

// debugf returns f, or a function that prints nothing when f is nil.
func debugf(f func(string, ...any)) func(string, ...any) {
	if f == nil {
		return func(string, ...any) {}
	}
	return f
}
