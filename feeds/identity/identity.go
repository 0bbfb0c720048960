// Package identity owns the identity of every published entry: its item
// GUID, its Atom id, and when its content last changed. Podcast apps and feed
// readers key items by these ids, so once an entry is published they are
// data, recorded in the target's manifest, not something derived again from a
// file name, a slug or a date at every build.
//
// Resolve matches the site's entries to the records of earlier publishes:
// by source file, then an explicit guid:, then slug, then the SHA-256 of the
// entry's audio or video, then date and title. A matched entry keeps its
// recorded ids whatever happened to its file name, slug, title or date; only
// an entry never published gets ids from the derivation rule.
//
// What lives here: the derivation rules for what was never published
// (EntryGUID, TagURI and TagAuthority for Atom ids, PodcastGUID), the
// Record and the matching (Resolve), what a matched entry keeps of its
// record (Keep: FP214, FP222, FP223), when it was last edited (Edited),
// the order records are kept in (Sort), the ids each feed carries
// (FeedIDs), the title folding every duplicate and match check uses
// (FoldTitle), the manifest's identity part (Kept: Decode with the
// migration of version 1's GUIDs, Migrate, and the check on read, Check),
// records rebuilt from the live feeds when the manifest is lost
// (ParseLive, Recover), and what a publish may drop (Dropped,
// CheckDropped). Keeper applies these rules to one publish for
// media/publish, which stores the identity part as JSON without reading
// it, so media never imports feeds. Package feeds copies what Resolve,
// Keep and Edited decide into its model, and records which feed carries
// each entry under which id.
package identity

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/feedpub/feedpub/config/diag"
)

// Record is one published entry as the manifest keeps it.
type Record struct {
	// GUID is the entry's item GUID in the podcast, video, RSS and JSON
	// feeds; AtomID its id in the Atom feed. Both are frozen once written.
	GUID   string `json:"guid"`
	AtomID string `json:"atom_id,omitempty"`
	// Feeds maps each feed that carries the entry (by key) to the id it
	// carries it under. Empty when the entry is in no feed now (a draft
	// again, or removed).
	Feeds map[string]string `json:"feeds,omitempty"`
	// The entry's last known source file, slug, title and date (RFC 3339):
	// what later builds match it by. They follow the entry; the ids do not.
	Source string `json:"source,omitempty"`
	Slug   string `json:"slug"`
	Title  string `json:"title,omitempty"`
	Date   string `json:"date,omitempty"`
	// AudioSHA256 and VideoSHA256 are the entry's media, to recognise it
	// when both its file and its slug changed.
	AudioSHA256 string `json:"audio_sha256,omitempty"`
	VideoSHA256 string `json:"video_sha256,omitempty"`
	// ContentHash is a hash of what readers see of the entry; Updated (RFC
	// 3339) the first publish that saw the content as it is now.
	ContentHash string `json:"content_hash,omitempty"`
	Updated     string `json:"updated,omitempty"`
	// Removed marks an entry that left the site. It is kept so its removal
	// is reported once and so its file, coming back, continues it.
	Removed bool `json:"removed,omitempty"`
	// MediaKeys are the keys of the media a live feed's item names, known
	// only for a record rebuilt from the live feeds (Recover): matched with
	// the checksums, they find an entry whose media was re-encoded since.
	MediaKeys []string `json:"-"`
}

// Entry is what Resolve knows of one entry of the site.
type Entry struct {
	Source   string // content file, relative to the site
	Slug     string
	Title    string
	Date     time.Time
	GUID     string // the front matter's guid:, "" when not set
	GUIDLine int    // its line, for messages
	AudioSHA256,
	VideoSHA256 string
	// MediaKeys are the keys of its audio and video in the site.
	MediaKeys []string
}

// How says which evidence matched an entry to its record.
type How string

// The kinds of match, strongest first.
const (
	BySource How = "source"
	ByGUID   How = "guid"
	BySlug   How = "slug"
	ByMedia  How = "media"
	ByTitle  How = "date and title"
)

// Match is the outcome for one entry: its record, or nil for an entry
// never published.
type Match struct {
	Record *Record
	How    How
}

// Resolve matches entries (in the order given) to records. It returns one
// Match per entry, the indexes of the records no entry matched, and an
// error for every ambiguous match, naming the candidates and the guid: line
// that settles it. A removed record matches only on strong evidence (source,
// guid or media): a new review that happens to reuse an old slug is new.
func Resolve(records []Record, entries []Entry) ([]Match, []int, diag.Problems) {
	var ps diag.Problems
	matches := make([]Match, len(entries))
	taken := make([]bool, len(records))
	blocked := make([]bool, len(entries)) // ambiguous: reported, never matched
	crossed := crossedSources(records, entries)
	stages := []struct {
		how    How
		strong bool
		key    func(*Entry) []string
		rkey   func(*Record) []string
	}{
		{BySource, true, func(e *Entry) []string { return nonEmpty(e.Source) }, func(r *Record) []string { return nonEmpty(r.Source) }},
		{ByGUID, true, func(e *Entry) []string { return nonEmpty(e.GUID) }, func(r *Record) []string { return nonEmpty(r.GUID) }},
		{BySlug, false, func(e *Entry) []string { return nonEmpty(e.Slug) }, func(r *Record) []string { return nonEmpty(r.Slug) }},
		{ByMedia, true, func(e *Entry) []string { return mediaKeys(e.AudioSHA256, e.VideoSHA256, e.MediaKeys) }, func(r *Record) []string { return mediaKeys(r.AudioSHA256, r.VideoSHA256, r.MediaKeys) }},
		{ByTitle, false, func(e *Entry) []string { return nonEmpty(titleKey(e.Title, e.Date.UTC().Format(time.DateOnly))) }, func(r *Record) []string { return nonEmpty(titleKey(r.Title, dateOnly(r.Date))) }},
	}
	for _, st := range stages {
		byKey := map[string][]int{}
		for i := range records {
			if taken[i] || (records[i].Removed && !st.strong) {
				continue
			}
			for _, k := range st.rkey(&records[i]) {
				byKey[k] = appendOnce(byKey[k], i)
			}
		}
		cands := make([][]int, len(entries)) // entry → records
		rev := map[int][]int{}               // record → entries
		for j := range entries {
			if matches[j].Record != nil || blocked[j] || (st.how == BySource && crossed[j]) {
				continue
			}
			for _, k := range st.key(&entries[j]) {
				for _, i := range byKey[k] {
					cands[j] = appendOnce(cands[j], i)
				}
			}
			for _, i := range cands[j] {
				rev[i] = append(rev[i], j)
			}
		}
		for j, rs := range cands {
			switch {
			case len(rs) == 1 && len(rev[rs[0]]) == 1:
				matches[j] = Match{Record: &records[rs[0]], How: st.how}
				taken[rs[0]] = true
			case len(rs) > 1:
				blocked[j] = true
				var names []string
				for _, i := range rs {
					names = append(names, describe(&records[i]))
				}
				e := &entries[j]
				ps.Errorf("FP215", e.Source, e.GUIDLine, "guid", "matches %s by %s; set guid: to the GUID of the one it continues, or to a new one if it continues none",
					strings.Join(names, " and "), st.how)
			}
		}
		// One record, several entries: report once per record.
		recs := make([]int, 0, len(rev))
		for i, js := range rev {
			if len(js) > 1 {
				recs = append(recs, i)
			}
		}
		sort.Ints(recs)
		for _, i := range recs {
			js := rev[i]
			var files []string
			for _, j := range js {
				if !blocked[j] {
					blocked[j] = true
				}
				files = append(files, entries[j].Source)
			}
			sort.Strings(files)
			r := &records[i]
			ps.Errorf("FP215", files[0], 0, "guid", "%s all match %s by %s; set guid: %q in the one that continues it (the others then count as new)",
				strings.Join(files, " and "), describe(r), st.how, r.GUID)
		}
	}
	var unmatched []int
	for i := range records {
		if !taken[i] {
			unmatched = append(unmatched, i)
		}
	}
	return matches, unmatched, ps
}

// describe names a record for messages.
func describe(r *Record) string {
	// A record rebuilt from the live feeds knows no slug, only a title.
	s := fmt.Sprintf("the published entry %q", or(r.Slug, r.Title))
	if r.Source != "" {
		s += " (" + r.Source + ")"
	}
	return s
}

func titleKey(title, date string) string {
	title = FoldTitle(title)
	if title == "" || date == "" {
		return ""
	}
	return date + "\x00" + title
}

// FoldTitle is the form two titles are compared in: lower-cased, with every
// run of white space one space and none at either end, so "Heroine " and
// "HEROINE" are the same title. Matching an entry to its record, the lint's
// and the checker's duplicate-title rules all fold titles with it.
func FoldTitle(title string) string {
	return strings.ToLower(strings.Join(strings.Fields(title), " "))
}

func dateOnly(rfc3339 string) string {
	t, err := time.Parse(time.RFC3339, rfc3339)
	if err != nil {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

// mediaKeys is what the media stage matches by: the checksums, and the
// keys (marked, so a key never equals a checksum).
func mediaKeys(audio, video string, keys []string) []string {
	out := nonEmpty(audio, video)
	for _, k := range keys {
		out = append(out, "key:"+k)
	}
	return out
}

func nonEmpty(vals ...string) []string {
	var out []string
	for _, v := range vals {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

func appendOnce(s []int, v int) []int {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

// FormatTime writes a time as records keep it.
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// ParseTime reads a time written by FormatTime; zero when empty or invalid.
func ParseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

// FeedChange counts, for one feed, the items live before this publish and
// the ones this publish would take out of it.
type FeedChange struct {
	Feed    string
	Live    int // items the feed carries now
	Dropped []string
}

// Dropped compares the feeds' items before and after: for each feed that
// loses items, how many it had and which entries (by slug) leave it. Feeds
// are sorted by key.
func Dropped(before, after []Record) []FeedChange {
	now := FeedIDs(after)
	byFeed := map[string]*FeedChange{}
	for _, r := range before {
		for f, id := range r.Feeds {
			c := byFeed[f]
			if c == nil {
				c = &FeedChange{Feed: f}
				byFeed[f] = c
			}
			c.Live++
			if !now[f][id] {
				c.Dropped = append(c.Dropped, r.Slug)
			}
		}
	}
	var out []FeedChange
	for _, c := range byFeed {
		if len(c.Dropped) > 0 {
			sort.Strings(c.Dropped)
			out = append(out, *c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Feed < out[j].Feed })
	return out
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
