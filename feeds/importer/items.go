package importer

import (
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/config/diag"
	"github.com/feedpub/feedpub/config/safehttp"
)

// episode is one item of an old feed, read and checked: what the new
// entry needs from it.
type episode struct {
	it    *Item
	index int // in the feed, from 0
	where string
	guid  string
	date  time.Time
	notes string // the show notes as Markdown
	enc   Enclosure
	size  int64 // the stated length, 0 when unusable
}

// zoneOffsets are RFC 822's zone names: time.Parse gives a name it does
// not know an offset of 0, which would move the instant.
var zoneOffsets = map[string]int{
	"UT": 0, "GMT": 0, "UTC": 0, "Z": 0,
	"EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
}

// pubDate reads a pubDate keeping its instant, with RFC 822's named zones.
func pubDate(s string) (time.Time, error) {
	t, err := ParseDate(s)
	if err != nil {
		return t, err
	}
	name, off := t.Zone()
	if off != 0 || name == "" || name == "UTC" {
		return t, nil
	}
	h, ok := zoneOffsets[name]
	if !ok {
		return t, fmt.Errorf("%q: the zone %s is not one RFC 822 defines; write an offset such as +0000", s, name)
	}
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.FixedZone(name, h*3600)), nil
}

// episodes reads the items of f and reports, under the feed's name, what
// the old feed gets wrong with the feed rules' IDs: no GUID (the enclosure
// URL stands in, as podcast apps do), duplicate GUIDs, missing lengths,
// http media, show notes that are not well-formed HTML. An item that
// cannot be imported is named with the reason and left out; the rest go on.
func episodes(f *Feed, media bool, ps *diag.Problems) []*episode {
	var out []*episode
	seen := map[string]int{}
	for i := range f.Items {
		it := &f.Items[i]
		ep := &episode{it: it, index: i, where: itemWhere(i, it)}
		skip := func(format string, args ...any) {
			ps.Errorf("FP601", f.Source, it.Line, ep.where, "not imported: "+format, args...)
		}
		if it.Title == "" {
			skip("no title (FP427): give the item a title in the old feed, or add the entry by hand")
			continue
		}
		enc, hasEnc := it.Enclosure()
		if media && !hasEnc {
			ps.Warnf("FP430", f.Source, it.Line, ep.where, "no enclosure: podcast apps list no episode for it, so it is not imported")
			continue
		}
		ep.enc = enc
		ep.guid = it.GUID
		if ep.guid == "" && hasEnc {
			ep.guid = enc.URL
			ps.Warnf("FP428", f.Source, it.Line, ep.where, "no guid: podcast apps key the episode by its enclosure URL (%s), so that is the entry's guid:", shown(enc.URL))
		}
		if ep.guid == "" {
			skip("no guid and no enclosure URL to stand in for it (FP428)")
			continue
		}
		if j, dup := seen[ep.guid]; dup {
			ps.Warnf("FP429", f.Source, it.Line, ep.where, "guid %q is also the guid of item %d: apps show one episode for both, so only item %d is imported", ep.guid, j+1, j+1)
			continue
		}
		seen[ep.guid] = i
		d, err := pubDate(it.PubDate)
		switch {
		case it.PubDate == "":
			skip("no pubDate (FP434): feedpub needs the date the episode came out")
			continue
		case err != nil:
			skip("%v (FP434)", err)
			continue
		case d.UTC().Year() < 1970:
			skip("pubDate %q is before 1970, which feeds cannot carry", it.PubDate)
			continue
		}
		ep.date = d
		if hasEnc {
			checkEnclosure(f.Source, ep, ps)
		}
		ep.notes = showNotes(f.Source, ep, ps)
		checkNumbers(f.Source, ep, ps)
		out = append(out, ep)
	}
	return out
}

func itemWhere(i int, it *Item) string {
	if it.GUID != "" {
		return fmt.Sprintf("item %d (guid %q)", i+1, it.GUID)
	}
	return fmt.Sprintf("item %d (%q)", i+1, it.Title)
}

func checkEnclosure(feed string, ep *episode, ps *diag.Problems) {
	it := ep.it
	n, err := strconv.ParseInt(ep.enc.Length, 10, 64)
	switch {
	case ep.enc.Length == "":
		ps.Warnf("FP432", feed, it.Line, ep.where+" enclosure.length", "no length: apps cannot show the size; feedpub will state the file's")
	case err != nil || n < 0:
		ps.Warnf("FP432", feed, it.Line, ep.where+" enclosure.length", "%q is not a size in bytes; feedpub will state the file's", ep.enc.Length)
	case n == 0:
		ps.Warnf("FP432", feed, it.Line, ep.where+" enclosure.length", "length 0: apps cannot show the size; feedpub will state the file's")
	default:
		ep.size = n
	}
	if config.PlainHTTP(ep.enc.URL) {
		ps.Warnf("FP405", feed, it.Line, ep.where+" enclosure.url", "%s is not https: some apps refuse it", shown(ep.enc.URL))
	}
	if ep.enc.Type == "" {
		ps.Warnf("FP433", feed, it.Line, ep.where+" enclosure.type", "no type; feedpub will state the file's")
	}
}

// showNotes converts the item's notes (content:encoded, else description,
// else itunes:summary) to Markdown, saying when the HTML is not
// well-formed: the converter then guesses, as browsers do.
func showNotes(feed string, ep *episode, ps *diag.Problems) string {
	it := ep.it
	src := it.Encoded
	if src == "" {
		src = it.Desc
	}
	if src == "" {
		src = it.Summary
	}
	if err := CheckHTML(src); err != nil {
		ps.Warnf("FP602", feed, it.Line, ep.where+" description", "the show notes are not well-formed HTML (%v): converted as a browser would read them; check the entry", err)
	}
	md, err := ToMarkdown(src)
	if err != nil {
		ps.Warnf("FP602", feed, it.Line, ep.where+" description", "the show notes cannot be converted (%v): kept as plain text", err)
		return src
	}
	return md
}

func checkNumbers(feed string, ep *episode, ps *diag.Problems) {
	it := ep.it
	for _, n := range []struct{ field, v string }{{"itunes:season", it.Season}, {"itunes:episode", it.Episode}} {
		if n.v == "" {
			continue
		}
		if v, err := strconv.Atoi(n.v); err != nil || v < 1 {
			ps.Warnf("FP437", feed, it.Line, ep.where+" "+n.field, "%q is not a whole number from 1: left out", n.v)
		}
	}
	switch it.EpisodeType {
	case "", "full", "trailer", "bonus":
	default:
		ps.Warnf("FP436", feed, it.Line, ep.where+" itunes:episodeType", "%q is not full, trailer or bonus: left out", it.EpisodeType)
	}
	if it.Duration != "" {
		if _, ok := ParseDuration(it.Duration); !ok {
			ps.Warnf("FP435", feed, it.Line, ep.where+" itunes:duration", "%q is not a duration; feedpub reads the file's", it.Duration)
		}
	}
}

// positive returns s as a whole number from 1, or 0.
func positive(s string) int {
	if v, err := strconv.Atoi(strings.TrimSpace(s)); err == nil && v > 0 {
		return v
	}
	return 0
}

// explicit reads itunes:explicit: nil when unset or not a known word.
func explicit(s string) *bool {
	var v bool
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "yes", "explicit":
		v = true
	case "false", "no", "clean":
	default:
		return nil
	}
	return &v
}

// mediaExt is the extension a downloaded file takes: the URL's when it
// has a known one, else the stated type's.
func mediaExt(rawURL, typ string, fallback string) string {
	u := rawURL
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	ext := strings.ToLower(path.Ext(u))
	switch ext {
	case ".mp3", ".m4a", ".mp4", ".m4v", ".mov", ".aac", ".ogg", ".opus", ".flac", ".wav",
		".jpg", ".jpeg", ".png", ".json", ".vtt", ".srt", ".txt", ".html":
		return ext
	}
	switch safehttp.MediaType(typ) {
	case "audio/mpeg":
		return ".mp3"
	case "audio/x-m4a", "audio/mp4", "audio/m4a":
		return ".m4a"
	case "video/mp4":
		return ".mp4"
	case "video/x-m4v":
		return ".m4v"
	case "video/quicktime":
		return ".mov"
	case "image/jpeg":
		return ".jpg"
	case "image/png":
		return ".png"
	case "text/vtt":
		return ".vtt"
	case "application/srt", "application/x-subrip":
		return ".srt"
	}
	return fallback
}
