package identity

import (
	"bufio"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/feedpub/feedpub/feeds/internal/spec"
)

// LiveFeed is what a published feed says about identity: its feed-level id
// (podcast:guid, or the Atom feed's id) and its items.
type LiveFeed struct {
	Key   string
	ID    string
	Atom  bool // items carry Atom ids, not GUIDs
	Items []LiveItem
}

// LiveItem is one item of a live feed.
type LiveItem struct {
	ID         string // GUID, Atom id or JSON Feed id
	Title      string
	Link       string
	Date       time.Time // pubDate, published or date_published
	Updated    time.Time // Atom updated or JSON Feed date_modified
	Enclosures []Enclosure
}

// Enclosure is a media file an item names.
type Enclosure struct {
	URL, Type string
}

// ParseLive reads a live feed, RSS, Atom or JSON Feed (told apart by its
// first byte and root element), keeping only what identifies its items.
func ParseLive(key string, r io.Reader) (LiveFeed, error) {
	br := bufio.NewReader(r)
	for {
		b, err := br.Peek(1)
		if err != nil {
			return LiveFeed{}, fmt.Errorf("%s: empty feed", key)
		}
		if strings.ContainsRune(" \t\r\n\ufeff", rune(b[0])) || b[0] == 0xef || b[0] == 0xbb || b[0] == 0xbf {
			_, _ = br.ReadByte()
			continue
		}
		if b[0] == '{' {
			return parseJSONFeed(key, br)
		}
		return parseXMLFeed(key, br)
	}
}

type jsonFeed struct {
	Items []struct {
		ID            string `json:"id"`
		URL           string `json:"url"`
		Title         string `json:"title"`
		DatePublished string `json:"date_published"`
		DateModified  string `json:"date_modified"`
		Attachments   []struct {
			URL      string `json:"url"`
			MIMEType string `json:"mime_type"`
		} `json:"attachments"`
	} `json:"items"`
}

func parseJSONFeed(key string, r io.Reader) (LiveFeed, error) {
	var jf jsonFeed
	if err := json.NewDecoder(r).Decode(&jf); err != nil {
		return LiveFeed{}, fmt.Errorf("%s: not a JSON Feed: %w", key, err)
	}
	f := LiveFeed{Key: key}
	for _, it := range jf.Items {
		li := LiveItem{ID: it.ID, Title: it.Title, Link: it.URL, Date: ParseTime(it.DatePublished), Updated: ParseTime(it.DateModified)}
		for _, a := range it.Attachments {
			li.Enclosures = append(li.Enclosures, Enclosure{a.URL, a.MIMEType})
		}
		f.Items = append(f.Items, li)
	}
	return f, nil
}

// xmlItem collects an RSS item or an Atom entry.
type xmlItem struct {
	GUID      string `xml:"guid"`
	ID        string `xml:"id"`
	Title     string `xml:"title"`
	Link      []xmlLink
	PubDate   string `xml:"pubDate"`
	Published string `xml:"published"`
	Updated   string `xml:"updated"`
	Enclosure []struct {
		URL  string `xml:"url,attr"`
		Type string `xml:"type,attr"`
	} `xml:"enclosure"`
}

type xmlLink struct {
	Href  string `xml:"href,attr"`
	Rel   string `xml:"rel,attr"`
	Type  string `xml:"type,attr"`
	Inner string `xml:",chardata"`
}

// parseXMLFeed streams the document, decoding one item or entry at a time,
// so a feed of thousands of items is never held whole.
func parseXMLFeed(key string, r io.Reader) (LiveFeed, error) {
	f := LiveFeed{Key: key}
	dec := xml.NewDecoder(r)
	dec.Strict = true
	depth, root := 0, ""
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return f, fmt.Errorf("%s: not a well-formed feed: %w", key, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			name := t.Name.Local
			switch {
			case depth == 1:
				root = name
				f.Atom = name == "feed"
				if name != "rss" && name != "feed" {
					return f, fmt.Errorf("%s: root element <%s>, want <rss> or <feed>", key, name)
				}
			case (name == "item" && root == "rss") || (name == "entry" && root == "feed"):
				var it xmlItem
				if err := dec.DecodeElement(&it, &t); err != nil {
					return f, fmt.Errorf("%s: not a well-formed feed: %w", key, err)
				}
				depth--
				f.Items = append(f.Items, it.live(f.Atom))
			case name == "guid" && t.Name.Space == podcastNS && depth == 3,
				name == "id" && root == "feed" && depth == 2:
				var s string
				if err := dec.DecodeElement(&s, &t); err != nil {
					return f, fmt.Errorf("%s: not a well-formed feed: %w", key, err)
				}
				depth--
				f.ID = strings.TrimSpace(s)
			}
		case xml.EndElement:
			depth--
		}
	}
	if root == "" {
		return f, fmt.Errorf("%s: empty feed", key)
	}
	return f, nil
}

const podcastNS = spec.NSPodcast

func (it xmlItem) live(atom bool) LiveItem {
	li := LiveItem{ID: strings.TrimSpace(it.GUID), Title: strings.TrimSpace(it.Title)}
	if atom {
		li.ID = strings.TrimSpace(it.ID)
		li.Date, li.Updated = ParseTime(strings.TrimSpace(it.Published)), ParseTime(strings.TrimSpace(it.Updated))
	} else if t, err := http.ParseTime(strings.TrimSpace(it.PubDate)); err == nil {
		li.Date = t.UTC()
	} else if t, err := time.Parse(time.RFC1123Z, strings.TrimSpace(it.PubDate)); err == nil {
		li.Date = t.UTC()
	}
	for _, l := range it.Link {
		switch {
		case !atom && l.Inner != "":
			li.Link = strings.TrimSpace(l.Inner)
		case atom && l.Rel == "enclosure":
			li.Enclosures = append(li.Enclosures, Enclosure{l.Href, l.Type})
		case atom && (l.Rel == "" || l.Rel == "alternate"):
			li.Link = l.Href
		}
	}
	for _, e := range it.Enclosure {
		li.Enclosures = append(li.Enclosures, Enclosure{e.URL, e.Type})
	}
	return li
}

// Recover rebuilds identity records from live feeds, for a target whose
// manifest is lost: one record per GUID (the podcast, video, RSS and JSON
// feeds share it), with the Atom entry of the same link (or the same date
// and title) as its Atom id, the SHA-256 of its audio and video (sha maps an
// enclosure URL to its object's key and checksum, "" when unknown) and its
// title and date, which is what Resolve then matches entries by. Atom entries that
// share no GUID are returned in orphans (by id). The feed-level ids are
// returned by feed key.
func Recover(feeds []LiveFeed, media func(url string) (key, sha string)) (records []Record, feedIDs map[string]string, orphans []string) {
	feedIDs = map[string]string{}
	byGUID := map[string]*Record{}
	links := map[*Record]string{} // a record has no field for its link
	var order []string
	var atoms []LiveFeed
	for _, f := range feeds {
		if f.ID != "" {
			feedIDs[f.Key] = f.ID
		}
		if f.Atom {
			atoms = append(atoms, f)
			continue
		}
		for _, it := range f.Items {
			if it.ID == "" {
				continue
			}
			r := byGUID[it.ID]
			if r == nil {
				r = &Record{GUID: it.ID, Feeds: map[string]string{}}
				byGUID[it.ID] = r
				order = append(order, it.ID)
			}
			r.Feeds[f.Key] = it.ID
			fill(r, it, media)
			if links[r] == "" {
				links[r] = it.Link
			}
		}
	}
	sort.Strings(order)
	byLink, byTitle := map[string][]*Record{}, map[string][]*Record{}
	for _, g := range order {
		r := byGUID[g]
		if l := links[r]; l != "" {
			byLink[l] = append(byLink[l], r)
		}
		if k := titleKey(r.Title, dateOnly(r.Date)); k != "" {
			byTitle[k] = append(byTitle[k], r)
		}
	}
	for _, f := range atoms {
		for _, it := range f.Items {
			r := one(byLink[it.Link])
			if r == nil {
				r = one(byTitle[titleKey(it.Title, it.Date.UTC().Format(time.DateOnly))])
			}
			if r == nil || (r.AtomID != "" && r.AtomID != it.ID) {
				orphans = append(orphans, it.ID)
				continue
			}
			r.AtomID, r.Feeds[f.Key] = it.ID, it.ID
			if it.Updated.After(it.Date) {
				r.Updated = FormatTime(it.Updated)
			}
		}
	}
	for _, g := range order {
		records = append(records, *byGUID[g])
	}
	unshareMedia(records)
	return records, feedIDs, orphans
}

// fill adds what one feed says of an item to its record.
func fill(r *Record, it LiveItem, media func(string) (string, string)) {
	if r.Title == "" {
		r.Title = it.Title
	}
	if r.Date == "" && !it.Date.IsZero() {
		r.Date = FormatTime(it.Date)
	}
	if it.Updated.After(it.Date) && r.Updated == "" {
		r.Updated = FormatTime(it.Updated)
	}
	for _, e := range it.Enclosures {
		key, sum := media(e.URL)
		if key != "" {
			// A changed file was published under a versioned key
			// (media/x.3fa2b1c4.mp3); the site knows it as media/x.mp3.
			for _, k := range []string{key, unversioned(key)} {
				if !slices.Contains(r.MediaKeys, k) {
					r.MediaKeys = append(r.MediaKeys, k)
				}
			}
		}
		switch {
		case sum == "":
		case strings.HasPrefix(e.Type, "audio/") && r.AudioSHA256 == "":
			r.AudioSHA256 = sum
		case strings.HasPrefix(e.Type, "video/") && r.VideoSHA256 == "":
			r.VideoSHA256 = sum
		}
	}
}

func one(rs []*Record) *Record {
	if len(rs) == 1 {
		return rs[0]
	}
	return nil
}

// unshareMedia clears a checksum that several records share (two episodes
// of one file, a trailer reused): it cannot tell them apart, and matching by
// it would be ambiguous; their dates and titles still can.
func unshareMedia(records []Record) {
	n := map[string]int{}
	for _, r := range records {
		for _, s := range mediaKeys(r.AudioSHA256, r.VideoSHA256, r.MediaKeys) {
			n[s]++
		}
	}
	for i := range records {
		r := &records[i]
		if n[r.AudioSHA256] > 1 {
			r.AudioSHA256 = ""
		}
		if n[r.VideoSHA256] > 1 {
			r.VideoSHA256 = ""
		}
		r.MediaKeys = slices.DeleteFunc(r.MediaKeys, func(k string) bool { return n["key:"+k] > 1 })
	}
}

// versioned matches the content version publish puts before a changed
// file's extension.
var versioned = regexp.MustCompile(`\.[0-9a-f]{8}(\.[^./]+)?$`)

// unversioned is key without its content version, if it has one.
func unversioned(key string) string {
	return versioned.ReplaceAllString(key, "$1")
}
