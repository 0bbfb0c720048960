package feeds

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"

	"github.com/feedpub/feedpub/config/diag"
	"github.com/feedpub/feedpub/feeds/content"
	"github.com/feedpub/feedpub/feeds/identity"
)

// identities describes every entry of the site, drafts and scheduled ones
// included, for identity.Resolve: an entry that is a draft again is still
// the same entry, and must not let another one take its record.
func (in *Input) identities() []identity.Entry {
	out := make([]identity.Entry, len(in.Entries))
	for i, ce := range in.Entries {
		out[i] = identity.Entry{
			Source: ce.File, Slug: ce.Slug, Title: strings.TrimSpace(ce.Title), Date: ce.Date,
			GUID: ce.GUID, GUIDLine: ce.Line("guid"),
		}
		if ce.Audio != nil {
			out[i].AudioSHA256 = in.Media[ce.Audio.Source()].SHA256
			out[i].MediaKeys = append(out[i].MediaKeys, ce.Audio.Source())
		}
		if ce.Video != nil {
			out[i].VideoSHA256 = in.Media[ce.Video.Source()].SHA256
			out[i].MediaKeys = append(out[i].MediaKeys, ce.Video.Source())
		}
	}
	return out
}

// keepIdentity gives a published entry the ids identity.Keep says it
// keeps of its record.
func (in *Input) keepIdentity(ce *content.Entry, e *Entry, m identity.Match, ps *diag.Problems) {
	keepGUID, atomID := identity.Keep(identity.Entry{Source: ce.File, GUID: ce.GUID, GUIDLine: ce.Line("guid")}, m, in.AcceptNewGUIDs, ps)
	if keepGUID {
		e.GUID = m.Record.GUID
	}
	if atomID != "" {
		e.AtomID = atomID
	}
}

// date settles the entry's Updated: the front matter's updated: when set;
// otherwise, for a published entry, the first publish that saw its content
// as it is now; otherwise its date.
func (in *Input) date(ce *content.Entry, e *Entry, r *identity.Record) {
	if !ce.Updated.IsZero() {
		if e.Updated.Before(e.Date) {
			e.Updated = e.Date
		}
		return
	}
	e.Updated = e.Date
	if r == nil {
		return
	}
	if up := r.Edited(e.hash, in.Now); up.After(e.Updated) {
		e.Updated = up
	}
}

// contentHash covers what a reader sees of an entry, so a change of rating,
// body or title dates the entry as edited, while a new base_url or a
// re-encoded episode does not. Build computes it once per entry, when the
// entry is complete, and records it.
func contentHash(e *Entry) string {
	h := sha256.New()
	// Through a small buffer: []byte(s) would copy every review.
	var buf [4096]byte
	parts := []string{e.Title, e.Summary, e.HTML, e.Author, e.Link, strings.Join(e.Tags, "\x1f")}
	if v := e.VideoLink; v != nil {
		// Only with a link, so the hash of every other entry, which
		// dates its edits, stays what earlier versions recorded.
		parts = append(parts, "video "+v.Page+"\x1f"+v.Title)
	}
	for _, s := range parts {
		for len(s) > 0 {
			n := copy(buf[:], s)
			h.Write(buf[:n])
			s = s[n:]
		}
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// record returns what a publish of cat records: a record for every entry
// in a feed now or matched to an earlier one, the unmatched earlier records
// marked removed (reported the first time), and the feed ids.
func (in *Input) record(cat *Catalog, built []*Entry, matches []identity.Match, unmatched []int, ps *diag.Problems) ([]identity.Record, map[string]string) {
	feedsOf := map[*Entry]map[string]string{}
	add := func(key string, items []*Entry, atom bool) {
		if key == "" {
			return
		}
		for _, e := range items {
			if feedsOf[e] == nil {
				feedsOf[e] = map[string]string{}
			}
			id := e.GUID
			if atom {
				id = e.AtomID
			}
			feedsOf[e][key] = id
		}
	}
	ids := map[string]string{}
	for _, s := range []*Show{cat.Podcast, cat.Video} {
		if s != nil {
			add(s.Key, s.Items, false)
			ids[s.Key] = s.GUID
		}
	}
	if r := cat.Reviews; r != nil {
		add(r.RSSKey, r.Items, false)
		add(r.JSONKey, r.Items, false)
		add(r.AtomKey, r.Items, true)
		if r.AtomKey != "" {
			ids[r.AtomKey] = r.AtomID
		}
	}

	var out []identity.Record
	for i, ce := range in.Entries {
		e, m := built[i], matches[i]
		if m.Record == nil && (e == nil || feedsOf[e] == nil) {
			continue // never published, and not now either
		}
		var r identity.Record
		if m.Record != nil {
			r = *m.Record
		}
		r.Source, r.Slug, r.Title, r.Removed = ce.File, ce.Slug, strings.TrimSpace(ce.Title), false
		r.Date = identity.FormatTime(ce.Date)
		r.AudioSHA256, r.VideoSHA256 = "", ""
		if ce.Audio != nil {
			r.AudioSHA256 = in.Media[ce.Audio.Source()].SHA256
		}
		if ce.Video != nil {
			r.VideoSHA256 = in.Media[ce.Video.Source()].SHA256
		}
		r.Feeds = nil
		if e != nil {
			r.GUID, r.AtomID, r.Feeds = e.GUID, e.AtomID, feedsOf[e]
			r.ContentHash = e.hash
			if ce.Updated.IsZero() && e.Updated.After(e.Date) {
				r.Updated = identity.FormatTime(e.Updated)
			} else if ce.Updated.IsZero() {
				r.Updated = ""
			}
		}
		out = append(out, r)
	}
	for _, i := range unmatched {
		r := in.Published[i]
		if !r.Removed && len(r.Feeds) > 0 {
			ps.Notef("FP224", or(r.Source, r.Slug), 0, "", "%q is no longer in the site: %s", or(r.Slug, r.Title), removalEffect(r.Feeds, cat))
		}
		r.Removed, r.Feeds = true, nil
		out = append(out, r)
	}
	identity.Sort(out)
	return out, ids
}

// removalEffect says who stops seeing a removed entry: podcast apps for the
// podcast feeds, readers for the review feeds.
func removalEffect(feeds map[string]string, cat *Catalog) string {
	var apps, readers []string
	for k := range feeds {
		if (cat.Podcast != nil && k == cat.Podcast.Key) || (cat.Video != nil && k == cat.Video.Key) {
			apps = append(apps, k)
		} else {
			readers = append(readers, k)
		}
	}
	sort.Strings(apps)
	sort.Strings(readers)
	var parts []string
	if len(apps) > 0 {
		parts = append(parts, "podcast apps drop it from "+strings.Join(apps, " and ")+" (listeners keep what they downloaded)")
	}
	if len(readers) > 0 {
		parts = append(parts, "readers no longer find it in "+strings.Join(readers, ", "))
	}
	if len(parts) == 0 {
		return "it leaves every feed"
	}
	return strings.Join(parts, "; ")
}
