package site

import (
	"context"
	"fmt"
	"io"
	"runtime"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/config/diag"
	"github.com/feedpub/feedpub/feeds"
	"github.com/feedpub/feedpub/feeds/feedcheck"
	"github.com/feedpub/feedpub/feeds/identity"
	"github.com/feedpub/feedpub/feeds/podcast"
	"github.com/feedpub/feedpub/media/publish"
	"golang.org/x/sync/errgroup"
)

// CheckFeeds runs the feed rules (feedcheck) on the rendered feeds and
// locates each finding at its cause: an item's entry file, or the config
// for the channel. prior are the problems found so far: a finding about a
// file that already has an error most likely follows from that error, so
// it is left out (and counted once), and with site.base_url invalid every
// URL in the feeds is, so the rules are skipped, saying so once.
//
// layouts give where each podcast feed's items lie in its file; with a
// cache of checked items, only the items not seen before are parsed.
func CheckFeeds(cfg *config.Config, cat *feeds.Catalog, files []publish.File, layouts map[string][]podcast.Span, checked *itemCache, prior diag.Problems) diag.Problems {
	var ps diag.Problems
	if cfg.Invalid("site.base_url") {
		ps.Notef("FP133", cfg.File, cfg.Line("site.base_url"), "site.base_url", "skipped: the rules of the rendered feeds (FP4xx, FP5xx): site.base_url is invalid")
		return ps
	}
	checks := map[string]func(publish.File) []error{}
	source := map[string]string{} // item guid or Atom id → entry file
	section := map[string]string{}
	for _, s := range []*feeds.Show{cat.Podcast, cat.Video} {
		if s == nil {
			continue
		}
		// The rules the model shows (FP401-FP405) ran on it, in feeds.Lint and
		// the config, where each finding has the entry's or the config's line
		// and FP401 the drafts that would fill the feed: the rendered-feed
		// copies, which exist for feedpub check, are not run again.
		check := func(f publish.File) []error { return checkPodcastFile(f, layouts[f.Key], checked, true) }
		checks[s.Key], section[s.Key] = check, string(s.Medium)
		if s.Medium == feeds.Audio {
			section[s.Key] = "podcast"
		}
		for _, e := range s.Items {
			source[e.GUID] = e.Source
		}
	}
	if r := cat.Reviews; r != nil {
		checks[r.RSSKey], section[r.RSSKey] = fromFile(feedcheck.CheckRSSFrom), "reviews.rss"
		checks[r.AtomKey], section[r.AtomKey] = fromFile(feedcheck.CheckAtomFrom), "reviews.atom"
		checks[r.JSONKey], section[r.JSONKey] = fromFile(feedcheck.CheckJSONFeedFrom), "reviews.json"
		for _, e := range r.Items {
			source[e.GUID], source[e.AtomID] = e.Source, e.Source
		}
	}
	broken := map[string]bool{}
	for _, p := range prior {
		if p.Severity == diag.Error {
			broken[p.File] = true
			if p.File == "" {
				// An error in a FEEDPUB_* variable is a config error too.
				broken[cfg.File] = true
			}
		}
	}
	if !cfg.Valid() {
		// A config error shows in the channel of every feed.
		broken[cfg.File] = true
	}
	skipped := 0
	empty := map[string]bool{}
	if r := cat.Reviews; r != nil && len(r.Items) == 0 {
		// An emptied review feed (allowed by publish --force) has no
		// dates to give its Atom updated; there is nothing else to check.
		empty[r.RSSKey], empty[r.AtomKey], empty[r.JSONKey] = true, true, true
	}
	// Each feed is read back from its file and checked on its own core, an
	// item at a time: the podcast feeds of a large catalogue are hundreds of
	// megabytes.
	found := make([][]error, len(files))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, f := range files {
		check := checks[f.Key]
		if check == nil || f.Key == "" || empty[f.Key] {
			continue
		}
		g.Go(func() error { found[i] = check(f); return nil })
	}
	_ = g.Wait()
	for i, f := range files {
		for _, err := range found[i] {
			fp, ok := err.(*feedcheck.Problem)
			if !ok {
				ps.Errorf("FP406", f.Key, 0, "", "cannot check the rendered feed: %v", err)
				continue
			}
			file, line := cfg.File, cfg.Line(section[f.Key])
			if src, ok := source[fp.Item]; ok && fp.Item != "" {
				file, line = src, 0
			}
			if broken[file] {
				skipped++
				continue
			}
			sev := diag.Error
			if r, ok := diag.Lookup(fp.ID); ok {
				sev = r.Severity
			}
			ps.Add(diag.Problem{Severity: sev, Rule: fp.ID, File: file, Line: line, Field: fp.Rule,
				Msg: fmt.Sprintf("%s, %s: %s", f.Key, fp.Where, fp.Msg)})
		}
	}
	if skipped > 0 {
		ps.Notef("FP133", "", 0, "", "skipped %d findings of the rendered-feed rules about files that already have errors", skipped)
	}
	return ps
}

// fromFile runs check on the rendered feed f, read from its file.
func fromFile(check func(io.Reader) []error) func(publish.File) []error {
	return func(f publish.File) []error {
		rd, err := f.Open()
		if err != nil {
			return []error{err}
		}
		defer rd.Close()
		return check(rd)
	}
}

// Build loads, probes, checks and renders the site described by cfg. It
// returns every problem found, once each, without the warnings the config
// (ignore:) or an entry's front matter (its own ignore:) silence, and under
// Strict with warnings made errors; the Result is complete only when the
// problems hold no errors.
func Build(ctx context.Context, cfg *config.Config, opt Options) (*Result, diag.Problems) {
	res, ps := build(ctx, cfg, opt)
	pol := diag.Policy{Ignore: cfg.Ignore, ByFile: map[string][]string{}, Strict: opt.Strict, Rehearsal: opt.Rehearsal}
	for _, e := range res.Entries {
		pol.ByFile[e.File] = e.Ignore
	}
	return res, pol.Apply(ps)
}

// liveFeeds lists the feeds the target's manifest says carry entries.
func liveFeeds(id *identity.Kept) map[string]bool {
	live := map[string]bool{}
	if id == nil {
		return live
	}
	for k := range identity.FeedIDs(id.Entries) {
		live[k] = true
	}
	return live
}
