// Package importer moves an existing show to feedpub: it reads a podcast
// feed, a video feed and a review feed that another tool wrote, and writes a
// site (feedpub.yaml, one Markdown entry per item, the media) that feedpub
// builds into feeds apps take for the same show: every GUID, date, enclosure
// length and podcast:guid as the old feeds have them. What the old feeds get
// wrong is reported with the feed rules' IDs, never mended in silence.
//
// It downloads through config/safehttp's client and compares the feeds of
// the imported site, built by its caller (Verify takes an Opener of the
// built files), with the old: it imports no media package and not the
// composition root, feeds/site.
package importer

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
	"time"

	"golang.org/x/net/html/charset"

	"github.com/feedpub/feedpub/feeds/internal/spec"
)

// XML namespaces of the tags the importer reads.
const (
	nsItunes = spec.NSiTunes
	nsAtom   = spec.NSAtom
)

// Feed is a foreign feed as read: the channel and its items, in the feed's
// order. Values are as the feed states them, trimmed; nothing is mended.
type Feed struct {
	Source     string `xml:"-"` // the URL (without its query) or path it was read from
	url        string // the URL or path as given
	Title      string `xml:"-"`
	Link       string `xml:"-"`
	Image      string `xml:"-"` // itunes:image, else the RSS image's url
	Self       string `xml:"-"` // atom:link rel="self"
	Desc       string `xml:"description"`
	Summary    string `xml:"http://www.itunes.com/dtds/podcast-1.0.dtd summary"`
	Language   string `xml:"language"`
	Copyright  string `xml:"copyright"`
	Author     string `xml:"http://www.itunes.com/dtds/podcast-1.0.dtd author"`
	Owner      owner  `xml:"http://www.itunes.com/dtds/podcast-1.0.dtd owner"`
	Categories []cat  `xml:"http://www.itunes.com/dtds/podcast-1.0.dtd category"`
	Explicit   string `xml:"http://www.itunes.com/dtds/podcast-1.0.dtd explicit"`
	Type       string `xml:"http://www.itunes.com/dtds/podcast-1.0.dtd type"`
	Block      string `xml:"http://www.itunes.com/dtds/podcast-1.0.dtd block"`
	Complete   string `xml:"http://www.itunes.com/dtds/podcast-1.0.dtd complete"`
	NewFeedURL string `xml:"http://www.itunes.com/dtds/podcast-1.0.dtd new-feed-url"`

	GUID            string    `xml:"https://podcastindex.org/namespace/1.0 guid"`
	Locked          string    `xml:"https://podcastindex.org/namespace/1.0 locked"`
	Medium          string    `xml:"https://podcastindex.org/namespace/1.0 medium"`
	Funding         []funding `xml:"https://podcastindex.org/namespace/1.0 funding"`
	Persons         []person  `xml:"https://podcastindex.org/namespace/1.0 person"`
	License         *license  `xml:"https://podcastindex.org/namespace/1.0 license"`
	Txt             []txt     `xml:"https://podcastindex.org/namespace/1.0 txt"`
	Trailers        []trailer `xml:"https://podcastindex.org/namespace/1.0 trailer"`
	UpdateFrequency *updFreq  `xml:"https://podcastindex.org/namespace/1.0 updateFrequency"`

	Items []Item `xml:"item"`

	// Elements of one local name in several namespaces (title and
	// itunes:title, link and atom:link, image and itunes:image):
	// encoding/xml cannot tell them apart by tags, so they are read
	// together and sorted out by namespace.
	Titles []named `xml:"title"`
	Links  []named `xml:"link"`
	Images []named `xml:"image"`
}

// named is an element read with its name, for the elements whose
// namespace decides what they are.
type named struct {
	XMLName xml.Name
	Text    string `xml:",chardata"`
	Href    string `xml:"href,attr"`
	Rel     string `xml:"rel,attr"`
	URL     string `xml:"url"`
}

// Item is one episode or article of a feed.
type Item struct {
	Title       string      `xml:"-"`
	ItunesTitle string      `xml:"-"`
	Link        string      `xml:"link"`
	GUID        string      `xml:"guid"`
	PubDate     string      `xml:"pubDate"`
	Desc        string      `xml:"description"`
	Encoded     string      `xml:"http://purl.org/rss/1.0/modules/content/ encoded"`
	Author      string      `xml:"http://www.itunes.com/dtds/podcast-1.0.dtd author"`
	Summary     string      `xml:"http://www.itunes.com/dtds/podcast-1.0.dtd summary"`
	Duration    string      `xml:"http://www.itunes.com/dtds/podcast-1.0.dtd duration"`
	Season      string      `xml:"http://www.itunes.com/dtds/podcast-1.0.dtd season"`
	Episode     string      `xml:"http://www.itunes.com/dtds/podcast-1.0.dtd episode"`
	EpisodeType string      `xml:"http://www.itunes.com/dtds/podcast-1.0.dtd episodeType"`
	Explicit    string      `xml:"http://www.itunes.com/dtds/podcast-1.0.dtd explicit"`
	Image       href        `xml:"http://www.itunes.com/dtds/podcast-1.0.dtd image"`
	Enclosures  []Enclosure `xml:"enclosure"`
	Chapters    *typedURL   `xml:"https://podcastindex.org/namespace/1.0 chapters"`
	Transcripts []typedURL  `xml:"https://podcastindex.org/namespace/1.0 transcript"`
	Persons     []person    `xml:"https://podcastindex.org/namespace/1.0 person"`
	Titles      []named     `xml:"title"`
	Line        int         `xml:"-"` // the line of <item> in the feed
}

// Enclosure is an item's media file as the feed states it.
type Enclosure struct {
	URL    string `xml:"url,attr"`
	Length string `xml:"length,attr"`
	Type   string `xml:"type,attr"`
}

type owner struct {
	Name  string `xml:"http://www.itunes.com/dtds/podcast-1.0.dtd name"`
	Email string `xml:"http://www.itunes.com/dtds/podcast-1.0.dtd email"`
}

type href struct {
	Href string `xml:"href,attr"`
}

type link struct {
	Rel  string `xml:"rel,attr"`
	Href string `xml:"href,attr"`
}

type cat struct {
	Text string `xml:"text,attr"`
	Subs []cat  `xml:"http://www.itunes.com/dtds/podcast-1.0.dtd category"`
}

type funding struct {
	URL  string `xml:"url,attr"`
	Text string `xml:",chardata"`
}

type person struct {
	Name  string `xml:",chardata"`
	Role  string `xml:"role,attr"`
	Group string `xml:"group,attr"`
	Href  string `xml:"href,attr"`
	Img   string `xml:"img,attr"`
}

type license struct {
	Name string `xml:",chardata"`
	URL  string `xml:"url,attr"`
}

type txt struct {
	Purpose string `xml:"purpose,attr"`
	Value   string `xml:",chardata"`
}

type trailer struct {
	URL string `xml:"url,attr"`
}

type updFreq struct {
	Text     string `xml:",chardata"`
	RRule    string `xml:"rrule,attr"`
	Complete string `xml:"complete,attr"`
	DTStart  string `xml:"dtstart,attr"`
}

type typedURL struct {
	URL      string `xml:"url,attr"`
	Type     string `xml:"type,attr"`
	Language string `xml:"language,attr"`
	Rel      string `xml:"rel,attr"`
}

// atomFeed is an Atom document, read for its entries (a site's review feed).
type atomFeed struct {
	Title   string      `xml:"title"`
	Entries []atomEntry `xml:"entry"`
}

type atomEntry struct {
	ID        string `xml:"id"`
	Title     string `xml:"title"`
	Published string `xml:"published"`
	Updated   string `xml:"updated"`
	Links     []link `xml:"link"`
	Content   string `xml:"content"`
	Summary   string `xml:"summary"`
}

// ParseFeed reads an RSS 2.0 document (or an Atom one, for a review feed)
// in any encoding it declares (a latin-1 feed is read as latin-1). The
// error says where the XML breaks.
func ParseFeed(source string, data []byte) (*Feed, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.CharsetReader = charset.NewReaderLabel
	// Feeds in the wild use HTML entities (&nbsp;) without a DTD.
	dec.Strict = false
	dec.Entity = xml.HTMLEntity
	var root string
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("not an RSS or Atom feed: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			root = se.Name.Local
			if se.Name.Space == nsAtom && root == "feed" {
				return parseAtom(source, dec, se)
			}
			if root != "rss" {
				return nil, fmt.Errorf("the document is <%s>, want <rss> (RSS 2.0) or an Atom <feed>", root)
			}
			var doc struct {
				Channel *Feed `xml:"channel"`
			}
			if err := dec.DecodeElement(&doc, &se); err != nil {
				line, _ := dec.InputPos()
				return nil, fmt.Errorf("line %d: %v", line, err)
			}
			f := doc.Channel
			if f == nil {
				return nil, fmt.Errorf("the <rss> has no <channel>")
			}
			f.Source, f.url = shown(source), source
			f.sortNamed()
			f.lines(data)
			f.trim()
			return f, nil
		}
	}
}

func parseAtom(source string, dec *xml.Decoder, se xml.StartElement) (*Feed, error) {
	var a atomFeed
	if err := dec.DecodeElement(&a, &se); err != nil {
		line, _ := dec.InputPos()
		return nil, fmt.Errorf("line %d: %v", line, err)
	}
	f := &Feed{Source: shown(source), url: source, Title: strings.TrimSpace(a.Title)}
	for _, e := range a.Entries {
		it := Item{Title: e.Title, GUID: e.ID, Encoded: e.Content, Desc: e.Summary}
		it.PubDate = e.Published
		if it.PubDate == "" {
			it.PubDate = e.Updated
		}
		for _, l := range e.Links {
			if l.Rel == "" || l.Rel == "alternate" {
				it.Link = l.Href
			}
		}
		f.Items = append(f.Items, it)
	}
	f.trim()
	return f, nil
}

// sortNamed sorts the elements read by name into their fields.
func (f *Feed) sortNamed() {
	var rssImage string
	for _, n := range f.Titles {
		if n.XMLName.Space == "" {
			f.Title = n.Text
		}
	}
	for _, n := range f.Links {
		switch {
		case n.XMLName.Space == "":
			f.Link = n.Text
		case n.XMLName.Space == nsAtom && n.Rel == "self":
			f.Self = strings.TrimSpace(n.Href)
		}
	}
	for _, n := range f.Images {
		switch n.XMLName.Space {
		case nsItunes:
			f.Image = n.Href
		case "":
			rssImage = n.URL
		}
	}
	if strings.TrimSpace(f.Image) == "" {
		f.Image = rssImage
	}
	f.Titles, f.Links, f.Images = nil, nil, nil
	for i := range f.Items {
		it := &f.Items[i]
		for _, n := range it.Titles {
			switch n.XMLName.Space {
			case "":
				it.Title = n.Text
			case nsItunes:
				it.ItunesTitle = n.Text
			}
		}
		it.Titles = nil
	}
}

// lines finds the line of each <item>, so problems can name it. Items are
// counted in document order, which is the order DecodeElement fills them.
func (f *Feed) lines(data []byte) {
	i, line := 0, 1
	for off := 0; off < len(data) && i < len(f.Items); {
		j := bytes.Index(data[off:], []byte("<item"))
		if j < 0 {
			return
		}
		line += bytes.Count(data[off:off+j], []byte("\n"))
		off += j + len("<item")
		if off < len(data) && (data[off] == '>' || data[off] == ' ' || data[off] == '\n' || data[off] == '\t' || data[off] == '\r') {
			f.Items[i].Line = line
			i++
		}
	}
}

func (f *Feed) trim() {
	for _, p := range []*string{&f.Title, &f.Link, &f.Desc, &f.Summary, &f.Language, &f.Copyright, &f.Author,
		&f.Owner.Name, &f.Owner.Email, &f.Image, &f.Explicit, &f.Type, &f.GUID, &f.Locked, &f.Medium,
		&f.Block, &f.Complete, &f.NewFeedURL} {
		*p = strings.TrimSpace(*p)
	}
	for i := range f.Items {
		it := &f.Items[i]
		for _, p := range []*string{&it.Title, &it.Link, &it.GUID, &it.PubDate, &it.Desc, &it.Encoded, &it.Author, &it.Summary,
			&it.ItunesTitle, &it.Duration, &it.Season, &it.Episode, &it.EpisodeType, &it.Explicit, &it.Image.Href} {
			*p = strings.TrimSpace(*p)
		}
		for j := range it.Enclosures {
			e := &it.Enclosures[j]
			e.URL, e.Length, e.Type = strings.TrimSpace(e.URL), strings.TrimSpace(e.Length), strings.TrimSpace(e.Type)
		}
	}
}

// Enclosure returns the item's first enclosure, as podcast apps use it.
func (it *Item) Enclosure() (Enclosure, bool) {
	if len(it.Enclosures) == 0 {
		return Enclosure{}, false
	}
	return it.Enclosures[0], true
}

// dateLayouts are the RFC 822/1123 forms seen in feeds, tried in turn.
var dateLayouts = []string{
	time.RFC1123Z, time.RFC1123, "Mon, 2 Jan 2006 15:04:05 -0700", "Mon, 2 Jan 2006 15:04:05 MST",
	"Mon, 02 Jan 2006 15:04 -0700", "Mon, 2 Jan 2006 15:04 -0700", "02 Jan 2006 15:04:05 -0700",
	"2 Jan 2006 15:04:05 -0700", time.RFC3339, time.RFC3339Nano,
}

// ParseDate reads a pubDate (RFC 822/1123, or RFC 3339 in Atom) keeping
// its instant and offset.
func ParseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not an RFC 2822 date", s)
}

// ParseDuration reads itunes:duration: seconds, MM:SS or HH:MM:SS.
func ParseDuration(s string) (time.Duration, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	var total float64
	parts := strings.Split(s, ":")
	if len(parts) > 3 {
		return 0, false
	}
	for _, p := range parts {
		var v float64
		if _, err := fmt.Sscanf(p, "%g", &v); err != nil || v < 0 {
			return 0, false
		}
		total = total*60 + v
	}
	return time.Duration(total * float64(time.Second)), true
}
