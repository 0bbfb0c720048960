package feedcheck

import (
	"fmt"
	"strings"

	"github.com/feedpub/feedpub/config/diag"
)

// Problem is one rule a feed breaks.
type Problem struct {
	Rule  string // stable name, e.g. "item.enclosure.length"
	ID    string // the rule's ID in feedpub's registry (config/diag), e.g. "FP432"
	Where string // "channel", "feed", or the item, e.g. `item 2 (guid "x")`
	// Item is the guid (RSS) or id (Atom, JSON Feed) of the item the
	// problem is about, "" for the channel or an item without one, so a
	// caller can name the entry the item came from.
	Item string
	Msg  string
	// Line and Col place the problem in the document: at its item (or
	// the channel) for an XML feed; 0 when unknown (JSON Feed).
	Line, Col int
}

func (p *Problem) Error() string {
	return fmt.Sprintf("feedcheck: %s: %s: %s", p.Where, p.Rule, p.Msg)
}

// Rules returns the Rule of every *Problem in errs, in order.
func Rules(errs []error) []string {
	var rs []string
	for _, err := range errs {
		if p, ok := err.(*Problem); ok {
			rs = append(rs, p.Rule)
		}
	}
	return rs
}

// report collects problems.
type report struct {
	family string // "podcast", "rss", "atom" or "json": the half of IDs
	item   string // the guid or id of the item being checked
	// at is the element being checked (an item, the channel), whose place
	// in the document each problem carries; nil when unknown.
	at *node
	// foreign judges a feed made elsewhere (feedpub check): forms Apple
	// and the apps accept but feedpub does not write (a duration as
	// HH:MM:SS) are not problems.
	foreign bool
	errs    []error
}

func (r *report) add(where, rule, format string, args ...any) {
	p := &Problem{Rule: rule, ID: IDs[r.family+"/"+rule], Where: where, Item: r.item, Msg: fmt.Sprintf(format, args...)}
	if r.at != nil {
		p.Line, p.Col = r.at.line, r.at.col
	}
	r.errs = append(r.errs, p)
}

// ForeignSeverity is how much a finding of rule ("channel.podcast:guid")
// matters in a feed made elsewhere, as feedpub check judges it: an error
// only for what Apple Podcasts, Spotify, the Podcast Index or the RSS,
// Atom and JSON Feed specifications refuse, or what breaks apps. The rules
// here are feedpub's own standard for what it writes (Podcasting 2.0 tags,
// a self link, tidy text): for another feed, a warning or a note. ok is
// false for the rules that stay as the registry has them.
func ForeignSeverity(rule string) (sev diag.Severity, ok bool) {
	switch rule {
	case "namespace", "text.whitespace", "channel.podcast:medium", "item.description.html":
		return diag.Notice, true
	case "channel.podcast:guid", "channel.podcast:locked", "channel.atom:link", "channel.itunes:owner",
		"channel.itunes:type", "item.pubDate", "item.itunes:duration", "text.length",
		"item.description.length", "channel.lastBuildDate", "feed.link.self", "feed.feed_url":
		return diag.Warning, true
	}
	return 0, false
}

// IDs maps each check's family and Rule name to its registry ID. Several
// names share an ID where they are one requirement (a season and an
// episode number are both positive integers).
var IDs = map[string]string{
	"podcast/xml": "FP408", "podcast/utf8": "FP408",
	"podcast/rss": "FP409", "podcast/rss.version": "FP409", "podcast/channel": "FP409",
	"podcast/namespace":                  "FP410",
	"podcast/channel.title":              "FP411",
	"podcast/text.length":                "FP412",
	"podcast/text.whitespace":            "FP413",
	"podcast/channel.description":        "FP414",
	"podcast/channel.description.length": "FP414",
	"podcast/channel.itunes:image":       "FP415",
	"podcast/channel.language":           "FP416",
	"podcast/channel.itunes:category":    "FP417",
	"podcast/channel.itunes:explicit":    "FP418", "podcast/item.itunes:explicit": "FP418",
	"podcast/channel.atom:link":      "FP419",
	"podcast/channel.itunes:owner":   "FP420",
	"podcast/channel.podcast:guid":   "FP421",
	"podcast/channel.podcast:locked": "FP422",
	"podcast/channel.podcast:medium": "FP423",
	"podcast/channel.itunes:type":    "FP424",
	"podcast/channel.itunes:block":   "FP425", "podcast/channel.itunes:complete": "FP425",
	"podcast/channel.podcast:trailer": "FP426",
	"podcast/channel.items":           "FP401",
	"podcast/item.title":              "FP427",
	"podcast/item.title.show":         "FP402",
	"podcast/item.title.number":       "FP403",
	"podcast/item.title.unique":       "FP404",
	"podcast/item.guid":               "FP428",
	"podcast/item.guid.unique":        "FP429",
	"podcast/item.enclosure":          "FP430",
	"podcast/item.enclosure.url":      "FP431",
	"podcast/item.enclosure.https":    "FP405",
	"podcast/item.enclosure.length":   "FP432",
	"podcast/item.enclosure.type":     "FP433",
	"podcast/item.pubDate":            "FP434",
	"podcast/item.itunes:duration":    "FP435",
	"podcast/item.itunes:episodeType": "FP436",
	"podcast/item.itunes:season":      "FP437", "podcast/item.itunes:episode": "FP437",
	"podcast/item.podcast:season": "FP437", "podcast/item.podcast:episode": "FP437",
	"podcast/item.itunes:episode.serial":      "FP438",
	"podcast/item.description.length":         "FP439",
	"podcast/item.description.html":           "FP440",
	"podcast/item.itunes:image":               "FP441",
	"podcast/item.podcast:transcript":         "FP442",
	"podcast/item.podcast:chapters":           "FP443",
	"podcast/item.podcast:alternateEnclosure": "FP444",

	"rss/xml": "FP501", "rss/utf8": "FP501",
	"rss/rss": "FP502", "rss/rss.version": "FP502", "rss/channel": "FP502",
	"rss/channel.title": "FP503", "rss/channel.link": "FP503", "rss/channel.description": "FP503",
	"rss/channel.lastBuildDate": "FP505",
	"rss/channel.atom:link":     "FP504",
	"rss/item.title":            "FP506",
	"rss/item.guid":             "FP507",
	"rss/item.guid.unique":      "FP508",
	"rss/item.pubDate":          "FP505",
	"rss/item.author":           "FP509",
	"rss/item.category":         "FP510",
	"rss/item.link":             "FP511",
	"rss/item.enclosure":        "FP512", "rss/item.enclosure.url": "FP512",
	"rss/item.enclosure.length": "FP512", "rss/item.enclosure.type": "FP512",
	"rss/item.media:content": "FP520", "rss/item.media:player": "FP520", "rss/item.media:thumbnail": "FP520",

	"atom/xml": "FP501", "atom/utf8": "FP501",
	"atom/atom":                 "FP502",
	"atom/feed.id":              "FP513",
	"atom/feed.title":           "FP503",
	"atom/feed.updated":         "FP505",
	"atom/feed.link.self":       "FP504",
	"atom/entry.id":             "FP513",
	"atom/entry.id.unique":      "FP508",
	"atom/entry.title":          "FP506",
	"atom/entry.updated":        "FP505",
	"atom/entry.published":      "FP505",
	"atom/entry.author":         "FP509",
	"atom/entry.link.enclosure": "FP512",
	"atom/entry.media:content":  "FP520", "atom/entry.media:player": "FP520", "atom/entry.media:thumbnail": "FP520",
	"atom/entry.content":  "FP506",
	"atom/entry.category": "FP510",

	"json/json": "FP501", "json/utf8": "FP501",
	"json/feed.version":        "FP514",
	"json/feed.items":          "FP514",
	"json/item":                "FP514",
	"json/feed.title":          "FP503",
	"json/feed.home_page_url":  "FP503",
	"json/feed.feed_url":       "FP504",
	"json/feed.authors":        "FP509",
	"json/item.authors":        "FP509",
	"json/item.id":             "FP507",
	"json/item.id.unique":      "FP508",
	"json/item.content":        "FP506",
	"json/item.url":            "FP511",
	"json/item.date_published": "FP505", "json/item.date_modified": "FP505",
	"json/item.tags":        "FP510",
	"json/item.attachments": "FP512", "json/item.attachments.url": "FP512", "json/item.attachments.mime_type": "FP512",
	"json/item.attachments.size_in_bytes": "FP512", "json/item.attachments.duration_in_seconds": "FP512",
}

func itemWhere(kind string, i int, id, title string) string {
	w := fmt.Sprintf("%s %d", kind, i+1)
	if t := strings.TrimSpace(title); t != "" {
		if len(t) > 60 {
			t = t[:57] + "..."
		}
		w += fmt.Sprintf(" %q", t)
	}
	if id != "" {
		w += fmt.Sprintf(" (guid %q)", id)
	}
	return w
}

func trimmed(s string) bool { return s == strings.TrimSpace(s) }
