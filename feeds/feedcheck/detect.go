package feedcheck

import (
	"bytes"
	"encoding/json"
	"io"
	"strconv"
	"strings"
)

// Kinds of feed Check tells apart.
const (
	KindPodcast = "podcast" // RSS 2.0 declaring the itunes namespace
	KindRSS     = "rss"
	KindAtom    = "atom"
	KindJSON    = "json"
)

// Check finds what kind of feed data is and runs its rules: CheckPodcast
// for RSS with the itunes namespace (what every podcast app reads),
// CheckRSS for other RSS, CheckAtom, or CheckJSONFeed for JSON. A document
// none of them reads is checked as a podcast, whose first rule then says
// why.
func Check(data []byte) (kind string, errs []error) {
	kind = Detect(data)
	switch kind {
	case KindJSON:
		return kind, CheckJSONFeed(data)
	case KindAtom:
		return kind, CheckAtom(data)
	case KindRSS:
		return kind, CheckRSS(data)
	}
	return KindPodcast, CheckPodcast(data)
}

// CheckForeign is Check for a feed made elsewhere (feedpub check): the
// forms Apple and the apps accept that feedpub does not write itself (an
// itunes:duration as HH:MM:SS) are not findings. How much each finding
// matters there is ForeignSeverity's.
func CheckForeign(data []byte) (kind string, errs []error) {
	if kind = Detect(data); kind != KindPodcast {
		return Check(data)
	}
	return KindPodcast, checkPodcast(bytes.NewReader(data), Known{}, true)
}

// Detect names the kind of feed data holds, from its first bytes and its
// root element.
func Detect(data []byte) string {
	if t := bytes.TrimLeft(data, " \t\r\n\xef\xbb\xbf"); len(t) > 0 && t[0] == '{' {
		return KindJSON
	}
	root, err := parseXML(bytes.NewReader(data), nil)
	if err != nil {
		return KindPodcast
	}
	if root.name.Space == nsAtomFeed && root.name.Local == "feed" {
		return KindAtom
	}
	if _, ok := root.nsDecl("itunes"); ok || root.name.Local != "rss" {
		return KindPodcast
	}
	return KindRSS
}

// Enclosure is one media file a feed links with its stated length and
// type: an RSS enclosure or podcast:alternateEnclosure source, an Atom
// link rel="enclosure", or a JSON Feed attachment (but a text/html one,
// a page such as a video review's).
type Enclosure struct {
	Where  string // the item, as in Problem.Where
	URL    string
	Type   string
	Length int64 // 0 when the feed states none
}

// Enclosures lists the enclosures of a feed of any kind Detect knows, in
// document order; nil when it does not parse.
func Enclosures(data []byte) []Enclosure {
	var out []Enclosure
	if Detect(data) == KindJSON {
		var doc struct {
			Items []struct {
				ID          any    `json:"id"`
				Title       string `json:"title"`
				Attachments []struct {
					URL  string `json:"url"`
					Type string `json:"mime_type"`
					Size int64  `json:"size_in_bytes"`
				} `json:"attachments"`
			} `json:"items"`
		}
		if json.Unmarshal(data, &doc) != nil {
			return nil
		}
		for i, it := range doc.Items {
			id, _ := it.ID.(string)
			for _, a := range it.Attachments {
				if t, _, _ := strings.Cut(a.Type, ";"); strings.TrimSpace(t) == "text/html" {
					continue // a web page (a video review's), not a file to fetch
				}
				out = append(out, Enclosure{Where: itemWhere("item", i, id, it.Title), URL: a.URL, Type: a.Type, Length: a.Size})
			}
		}
		return out
	}
	return enclosuresFrom(bytes.NewReader(data))
}

// enclosuresFrom lists the enclosures of an RSS or Atom feed read from rd,
// an item at a time: each item is dropped once its enclosures are taken,
// so a feed of any size is read in the memory of its largest item.
func enclosuresFrom(rd io.Reader) []Enclosure {
	var out []Enclosure
	length := func(s string) int64 { n, _ := strconv.ParseInt(s, 10, 64); return n }
	n := 0
	_, err := parseXML(rd, func(path []*node, it *node) bool {
		switch {
		case len(path) == 1 && path[0].is(nsAtomFeed, "feed") && it.is(nsAtomFeed, "entry"):
			w := itemWhere("entry", n, textOf(it.first(nsAtomFeed, "id")), textOf(it.first(nsAtomFeed, "title")))
			for _, l := range it.all(nsAtomFeed, "link") {
				if l.attrOr("rel") == "enclosure" {
					out = append(out, Enclosure{Where: w, URL: l.attrOr("href"), Type: l.attrOr("type"), Length: length(l.attrOr("length"))})
				}
			}
		case len(path) == 2 && path[1].is("", "channel") && it.is("", "item"):
			w := itemWhere("item", n, textOf(it.first("", "guid")), or(textOf(it.first(nsITunes, "title")), textOf(it.first("", "title"))))
			for _, e := range it.all("", "enclosure") {
				out = append(out, Enclosure{Where: w, URL: e.attrOr("url"), Type: e.attrOr("type"), Length: length(e.attrOr("length"))})
			}
			for _, a := range it.all(nsPodcast, "alternateEnclosure") {
				for _, s := range a.all(nsPodcast, "source") {
					out = append(out, Enclosure{Where: w, URL: s.attrOr("uri"), Type: a.attrOr("type"), Length: length(a.attrOr("length"))})
				}
			}
		default:
			return false
		}
		n++
		return true
	})
	if err != nil {
		return nil
	}
	return out
}
