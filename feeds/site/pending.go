package site

import (
	"context"
	"strings"
	"time"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/config/diag"
	"github.com/feedpub/feedpub/feeds/identity"
	"github.com/feedpub/feedpub/media/notify"
	"github.com/feedpub/feedpub/media/publish"
	"github.com/feedpub/feedpub/media/store"
)

// pendingMaxAge is how long a failed notification is sent again: after a
// day the news it carries is stale, and the endpoint has likely been
// fetched by its own schedule since.
const pendingMaxAge = 24 * time.Hour

// retry is a notification that failed at an earlier publish, planned again
// from the config as it is now, with when it first failed.
type retry struct {
	req   notify.Request
	since string
}

type retries []retry

// replan plans again the notifications the manifest records as failed.
// One a day old is given up, saying so; one whose endpoint is no longer
// configured is dropped; one this publish sends anyway (same kind,
// endpoint and feed) is not sent twice.
func replan(cfg *config.Config, tg notify.Targets, pending []publish.Pending, current []notify.Request, now time.Time, warns *diag.Problems) retries {
	have := map[string]bool{}
	for _, r := range current {
		if r.Kind != "webhook" { // a webhook's body differs: both go
			have[r.Kind+" "+r.Endpoint+" "+r.About] = true
		}
	}
	feeds := map[string]FeedURL{}
	for _, f := range FeedURLs(cfg) {
		feeds[f.Key] = f
	}
	var out retries
	for _, p := range pending {
		since := identity.ParseTime(p.Since)
		if since.IsZero() {
			p.Since = identity.FormatTime(now)
		} else if now.Sub(since) >= pendingMaxAge {
			warns.Warnf("FP129", "", 0, "", "%s %s (for %s) given up: failing since %s, over a day; the feeds are published",
				p.Kind, p.Endpoint, strings.Join(p.Feeds, ", "), p.Since)
			continue
		}
		var ch notify.Change
		for _, k := range p.Feeds {
			if f, ok := feeds[k]; ok {
				ch.Feeds = append(ch.Feeds, notify.Feed{Name: f.Name, Key: f.Key, URL: f.URL, Medium: mediumOf(f.Name)})
			}
		}
		for _, a := range p.Added {
			ch.Added = append(ch.Added, notify.Entry(a))
		}
		reqs := notify.Requests(tg, ch)
		if p.Kind == "purge" {
			reqs = notify.PurgeRequests(tg, ch)
		}
		for _, r := range reqs {
			k := r.Kind + " " + r.Endpoint + " " + r.About
			if r.Kind != p.Kind || r.Endpoint != p.Endpoint || have[k] {
				continue
			}
			have[k] = true
			out = append(out, retry{r, p.Since})
		}
	}
	return out
}

// split returns the CDN purges, sent with this publish's purges, and the
// rest, sent with its notifications.
func (rs retries) split() (purges, notes []notify.Request) {
	for _, r := range rs {
		if r.req.Kind == "purge" {
			purges = append(purges, r.req)
		} else {
			notes = append(notes, r.req)
		}
	}
	return purges, notes
}

// since gives, for each result in the order sent (this publish's purges,
// the purges sent again, its notifications, the others sent again), when
// the request first failed: now for this publish's own.
func (rs retries) since(purges, notes int, now string) []string {
	var out []string
	add := func(n int) {
		for range n {
			out = append(out, now)
		}
	}
	add(purges)
	for _, r := range rs {
		if r.req.Kind == "purge" {
			out = append(out, r.since)
		}
	}
	add(notes)
	for _, r := range rs {
		if r.req.Kind != "purge" {
			out = append(out, r.since)
		}
	}
	return out
}

// pendingOf is a failed request as the manifest records it: never its URL,
// whose query may hold a key.
func pendingOf(r notify.Request, since string) publish.Pending {
	p := publish.Pending{Kind: r.Kind, Endpoint: r.Endpoint, Feeds: r.Feeds, Since: since}
	for _, a := range r.Added {
		p.Added = append(p.Added, publish.AddedEntry(a))
	}
	return p
}

// savePending records in the target's manifest the notifications that
// failed, for the next publish to send again, and forgets those that went
// out. While some are pending, the next publish on this machine does not
// take the unchanged-site shortcut, which would skip them.
func savePending(ctx context.Context, cfg *config.Config, st store.Store, rep *publish.Report, before, failed []publish.Pending, warns *diag.Problems, debugf func(string, ...any)) {
	if len(before) == 0 && len(failed) == 0 {
		return
	}
	etag, err := publish.SavePending(ctx, st, rep.ManifestETag, cfg.Publish.ACL, failed)
	if err != nil {
		warns.Warnf("FP129", "", 0, "", "%v: the failed notifications will not be sent again", err)
		return
	}
	state := LoadState(cfg)
	ts, ok := state.Targets[st.String()]
	if !ok {
		return
	}
	if len(failed) > 0 {
		delete(state.Targets, st.String())
	} else {
		ts.Manifest = etag
		state.Targets[st.String()] = ts
	}
	if err := state.Save(cfg); err != nil {
		debugf("could not save %s: %v", StateDir, err)
	}
}

// mediumOf is what podping calls a feed: "podcast" or "video" for the
// podcast feeds, "" for the review feeds.
func mediumOf(name string) string {
	switch name {
	case "podcast", "video":
		return name
	}
	return ""
}
