package podcast

import "encoding/xml"

// The structs below hold the feed's values; write.go writes them in this
// element order. The xml tags say what encoding/xml would make of them:
// render_test.go encodes the same structs with encoding/xml (and
// xmltext.HexEscapes), the writer's reference. Prefixed names are written
// literally, with the prefixes declared on <rss>.

type rssDoc struct {
	XMLName   xml.Name `xml:"rss"`
	Version   string   `xml:"version,attr"`
	NSiTunes  string   `xml:"xmlns:itunes,attr"`
	NSPodcast string   `xml:"xmlns:podcast,attr"`
	NSAtom    string   `xml:"xmlns:atom,attr"`
	NSContent string   `xml:"xmlns:content,attr"`
	Channel   channel  `xml:"channel"`
}

type channel struct {
	Title            string           `xml:"title"`
	Description      cdata            `xml:"description"`
	Link             string           `xml:"link,omitempty"`
	Language         string           `xml:"language"`
	Copyright        string           `xml:"copyright,omitempty"`
	Generator        string           `xml:"generator,omitempty"`
	LastBuildDate    string           `xml:"lastBuildDate,omitempty"`
	PubDate          string           `xml:"pubDate,omitempty"`
	Image            *rssImage        `xml:"image"`
	AtomLinks        []atomLink       `xml:"atom:link"` // self, then WebSub hubs
	IAuthor          string           `xml:"itunes:author,omitempty"`
	IOwner           *owner           `xml:"itunes:owner"`
	IImage           *hrefElem        `xml:"itunes:image"`
	ICategories      []category       `xml:"itunes:category"`
	IExplicit        string           `xml:"itunes:explicit"`
	IType            string           `xml:"itunes:type,omitempty"`
	INewFeedURL      string           `xml:"itunes:new-feed-url,omitempty"`
	IBlock           string           `xml:"itunes:block,omitempty"`
	IComplete        string           `xml:"itunes:complete,omitempty"`
	PGUID            string           `xml:"podcast:guid,omitempty"`
	PLocked          *locked          `xml:"podcast:locked"`
	PMedium          string           `xml:"podcast:medium"`
	PFunding         []funding        `xml:"podcast:funding"`
	PPersons         []person         `xml:"podcast:person"`
	PTxt             []txt            `xml:"podcast:txt"`
	PLicense         *license         `xml:"podcast:license"`
	PTrailers        []trailer        `xml:"podcast:trailer"`
	PUpdateFrequency *updateFrequency `xml:"podcast:updateFrequency"`
	Items            []item           `xml:"item"`
	// items makes each item as it is written (RenderLayout); the writer
	// reads only it, Items only encoding/xml.
	items func(write func(*item)) error
}

type item struct {
	Title        string               `xml:"title"`
	ITitle       string               `xml:"itunes:title,omitempty"`
	Link         string               `xml:"link,omitempty"`
	GUID         guid                 `xml:"guid"`
	PubDate      string               `xml:"pubDate,omitempty"`
	Description  *cdata               `xml:"description"`
	Content      *cdata               `xml:"content:encoded"`
	Enclosure    enclosure            `xml:"enclosure"`
	IDuration    string               `xml:"itunes:duration,omitempty"`
	IImage       *hrefElem            `xml:"itunes:image"`
	IExplicit    string               `xml:"itunes:explicit"`
	IEpisode     string               `xml:"itunes:episode,omitempty"`
	ISeason      string               `xml:"itunes:season,omitempty"`
	IEpisodeType string               `xml:"itunes:episodeType,omitempty"`
	IAuthor      string               `xml:"itunes:author,omitempty"`
	PSeason      string               `xml:"podcast:season,omitempty"`
	PEpisode     string               `xml:"podcast:episode,omitempty"`
	PTranscripts []transcript         `xml:"podcast:transcript"`
	PChapters    *chapters            `xml:"podcast:chapters"`
	PPersons     []person             `xml:"podcast:person"`
	PAlternates  []alternateEnclosure `xml:"podcast:alternateEnclosure"`
}

type cdata struct {
	Text string `xml:",cdata"`
}

type rssImage struct {
	URL   string `xml:"url"`
	Title string `xml:"title"`
	Link  string `xml:"link"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
}

type owner struct {
	Name  string `xml:"itunes:name,omitempty"`
	Email string `xml:"itunes:email,omitempty"`
}

type hrefElem struct {
	Href string `xml:"href,attr"`
}

type category struct {
	Text string    `xml:"text,attr"`
	Sub  *category `xml:"itunes:category"`
}

type locked struct {
	Owner string `xml:"owner,attr,omitempty"`
	Value string `xml:",chardata"`
}

type funding struct {
	URL  string `xml:"url,attr"`
	Text string `xml:",chardata"`
}

type person struct {
	Role  string `xml:"role,attr,omitempty"`
	Group string `xml:"group,attr,omitempty"`
	Img   string `xml:"img,attr,omitempty"`
	Href  string `xml:"href,attr,omitempty"`
	Name  string `xml:",chardata"`
}

type txt struct {
	Purpose string `xml:"purpose,attr,omitempty"`
	Value   string `xml:",chardata"`
}

type license struct {
	URL  string `xml:"url,attr,omitempty"`
	Name string `xml:",chardata"`
}

type trailer struct {
	URL     string `xml:"url,attr"`
	PubDate string `xml:"pubdate,attr"`
	Length  string `xml:"length,attr,omitempty"`
	Type    string `xml:"type,attr,omitempty"`
	Season  string `xml:"season,attr,omitempty"`
	Title   string `xml:",chardata"`
}

type updateFrequency struct {
	RRule    string `xml:"rrule,attr,omitempty"`
	Complete string `xml:"complete,attr,omitempty"`
	DTStart  string `xml:"dtstart,attr,omitempty"`
	Text     string `xml:",chardata"`
}

type guid struct {
	IsPermaLink string `xml:"isPermaLink,attr"`
	Value       string `xml:",chardata"`
}

type enclosure struct {
	URL    string `xml:"url,attr"`
	Length string `xml:"length,attr"`
	Type   string `xml:"type,attr"`
}

type transcript struct {
	URL      string `xml:"url,attr"`
	Type     string `xml:"type,attr"`
	Language string `xml:"language,attr,omitempty"`
	Rel      string `xml:"rel,attr,omitempty"`
}

type chapters struct {
	URL  string `xml:"url,attr"`
	Type string `xml:"type,attr"`
}

type alternateEnclosure struct {
	Type      string     `xml:"type,attr"`
	Length    string     `xml:"length,attr,omitempty"`
	Bitrate   string     `xml:"bitrate,attr,omitempty"`
	Height    string     `xml:"height,attr,omitempty"`
	Codecs    string     `xml:"codecs,attr,omitempty"`
	Title     string     `xml:"title,attr,omitempty"`
	Default   string     `xml:"default,attr,omitempty"`
	Sources   []source   `xml:"podcast:source"`
	Integrity *integrity `xml:"podcast:integrity"`
}

// integrity is podcast:integrity: an SRI hash a player can check the
// download against.
type integrity struct {
	Type  string `xml:"type,attr"`
	Value string `xml:"value,attr"`
}

type source struct {
	URI string `xml:"uri,attr"`
}
