package importer

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/config/diag"
	"github.com/feedpub/feedpub/config/safehttp"
)

// Load reads and parses an old feed (a URL or a file) as Run does, for a
// Verify without an import.
func Load(ctx context.Context, name string, o Options) (*Feed, diag.Problems, error) {
	o.defaults()
	ft := &fetcher{client: o.Client, maxFile: o.MaxFile, maxTotal: o.MaxTotal, idle: o.IdleTimeout}
	var ps diag.Problems
	f, err := ft.feed(ctx, name, o.MaxFeed, &ps)
	return f, ps, err
}

// Opener opens a file of a built site by its key: what Verify reads the
// new feeds through. The composition root (feeds/site, whose Result.Open is
// one) builds the site, so the importer needs no media package.
type Opener func(key string) (io.ReadCloser, error)

// Verify compares the podcast feed of the site of cfg, as built (open),
// with oldPodcast and its video feed with oldVideo (either may be nil).
// built are the build's own problems, which come first; an error among
// them means the comparison cannot run.
func Verify(cfg *config.Config, built diag.Problems, open Opener, oldPodcast, oldVideo *Feed) diag.Problems {
	ps := append(diag.Problems(nil), built...)
	if ps.HasErrors() || open == nil {
		return ps
	}
	for _, c := range []struct {
		old  *Feed
		show config.Show
	}{{oldPodcast, cfg.Podcast}, {oldVideo, cfg.Video}} {
		if c.old == nil {
			continue
		}
		if !c.show.Enabled {
			ps.Errorf("FP605", cfg.File, 0, "", "the site has no feed for %s: every episode of it would be gone", c.old.Source)
			continue
		}
		nf, err := builtFeed(open, c.show.Path)
		if err != nil {
			ps.Errorf("FP605", c.show.Path, 0, "", "cannot read the built feed: %v", err)
			continue
		}
		ps.Add(Compare(c.old, nf)...)
	}
	return ps
}

func builtFeed(open Opener, key string) (*Feed, error) {
	rd, err := open(key)
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	data, err := io.ReadAll(rd)
	if err != nil {
		return nil, err
	}
	return ParseFeed(key, data)
}

// Compare reports, item by item (matched by GUID), how the new feed
// differs from the old. What makes a podcast app take an episode for a
// new one is an error (FP605): an item of the new feed whose GUID the old
// feed does not have, or a changed podcast:guid. Everything else (an item
// gone, a title, date, enclosure length or type, duration, season or
// episode number that differs) is a warning (FP606): apps update what
// they show, and download nothing again.
func Compare(old, nf *Feed) diag.Problems {
	var ps diag.Problems
	file := nf.Source
	oldGUID := old.GUID
	if oldGUID == "" {
		oldGUID = derivedGUID(old)
	}
	switch {
	case old.GUID != "" && nf.GUID != old.GUID:
		ps.Errorf("FP605", file, 0, "podcast:guid", "%q, the old feed's is %q: apps and the Podcast Index would take it for another show", nf.GUID, old.GUID)
	case oldGUID != "" && nf.GUID != oldGUID:
		ps.Warnf("FP606", file, 0, "podcast:guid", "%q, the guid of the old feed's URL is %q", nf.GUID, oldGUID)
	}
	olds := map[string]*Item{}
	for i := range old.Items {
		it := &old.Items[i]
		if k := itemKey(it); k != "" {
			if _, dup := olds[k]; !dup {
				olds[k] = it
			}
		}
	}
	seen := map[string]bool{}
	for i := range nf.Items {
		it := &nf.Items[i]
		seen[it.GUID] = true
		o, ok := olds[it.GUID]
		where := itemWhere(i, it)
		if !ok {
			ps.Errorf("FP605", file, it.Line, where, "not in the old feed: apps show %q as a new episode", it.Title)
			continue
		}
		for _, d := range differences(o, it) {
			ps.Warnf("FP606", file, it.Line, where, "%s", d)
		}
	}
	for i := range old.Items {
		it := &old.Items[i]
		if k := itemKey(it); k != "" && !seen[k] {
			seen[k] = true
			ps.Warnf("FP606", old.Source, it.Line, itemWhere(i, it), "not in the new feed: apps drop %q (listeners keep what they downloaded)", it.Title)
		}
	}
	return ps
}

// itemKey is the GUID apps key an item by: its guid, else its enclosure URL.
func itemKey(it *Item) string {
	if it.GUID != "" {
		return it.GUID
	}
	if e, ok := it.Enclosure(); ok {
		return e.URL
	}
	return ""
}

// differences lists what apps see change between an old item and its new
// form.
func differences(o, n *Item) []string {
	var out []string
	// A value the old feed did not state is no difference apps notice as
	// one (a missing length was reported by the import, FP432).
	diff := func(what, a, b string) {
		if a != b && a != "" && a != "0" {
			out = append(out, fmt.Sprintf("%s: %q, the old feed's %q", what, b, a))
		}
	}
	diff("title", o.Title, n.Title)
	od, oerr := pubDate(o.PubDate)
	nd, nerr := pubDate(n.PubDate)
	if oerr == nil && nerr == nil && !od.Equal(nd) {
		out = append(out, fmt.Sprintf("pubDate: %s, the old feed's %s", n.PubDate, o.PubDate))
	}
	oe, _ := o.Enclosure()
	ne, _ := n.Enclosure()
	if ol, err := strconv.ParseInt(oe.Length, 10, 64); err != nil || ol != atoi64(ne.Length) {
		diff("enclosure length", oe.Length, ne.Length)
	}
	diff("enclosure type", safehttp.MediaType(oe.Type), safehttp.MediaType(ne.Type))
	odur, ook := ParseDuration(o.Duration)
	ndur, nok := ParseDuration(n.Duration)
	if ook != nok || (odur-ndur).Abs() > time.Second {
		diff("itunes:duration", o.Duration, n.Duration)
	}
	diff("itunes:season", strconv.Itoa(positive(o.Season)), strconv.Itoa(positive(n.Season)))
	diff("itunes:episode", strconv.Itoa(positive(o.Episode)), strconv.Itoa(positive(n.Episode)))
	return out
}

func atoi64(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}
