// Package feeds holds feedpub's one feed model and builds it from the
// configuration, the content, the media facts the build read (Media) and
// the identities recorded by earlier publishes (feeds/identity). The
// encoders in feeds/podcast (Apple + Podcasting 2.0 RSS) and
// feeds/syndication (RSS 2.0, Atom 1.0, JSON Feed 1.1) render this model;
// the model carries final values (absolute URLs, object keys, exact sizes,
// sorted items) so encoders make no decisions about content, only about
// syntax.
package feeds

import (
	"math"
	"sort"
	"time"

	"github.com/feedpub/feedpub/feeds/identity"
	"github.com/feedpub/feedpub/feeds/xmltext"
)

// Catalog is everything feedpub renders in one run.
type Catalog struct {
	Site    Site
	Podcast *Show       // the audio feed; nil when not configured
	Video   *Show       // the video feed; nil when not configured
	Reviews *ReviewFeed // the written-review feeds; nil when not configured
	// Records are the identities a publish of this catalog records for the
	// next build: every entry published now or before. Never rendered.
	Records []identity.Record
	// FeedIDs are the feed-level ids to record (feed key → podcast:guid or
	// Atom feed id), so moving base_url or back-dating an entry keeps them.
	FeedIDs map[string]string
}

// Media is one file the feeds reference, as read from disk and as it will
// be published. The composition root fills it from the probed file; the
// model needs nothing else from the media packages.
type Media struct {
	Key string // published object key (versioned when content changed)
	// URL is set for a file on another host: the feeds name it as given,
	// and it is not published (Key is "").
	URL      string
	Type     string // MIME type as the feeds state it
	Size     int64
	SHA256   string
	Duration time.Duration
	Bitrate  int
	Width    int // video frame size; 0 for audio
	Height   int
	Codecs   string
}

// Site is the outlet itself.
type Site struct {
	Title       string
	Description string
	Link        string // the website
	BaseURL     string // where the published tree is served, ends in "/"
	Language    string
	Author      string
	Email       string
	Copyright   string
	Image       string // absolute URL of the square show art; "" for none
	ImageKey    string // its object key
	Generator   string // e.g. "feedpub 0.1.0"
}

// Medium says which version of an entry a show's items enclose.
type Medium string

// The two kinds of podcast feed.
const (
	Audio Medium = "audio"
	Video Medium = "video"
)

// Show is one podcast feed (the audio feed or the video feed).
type Show struct {
	Medium      Medium // Audio: enclosure is Entry.Audio; Video: Entry.Video
	Key         string // object key of the feed file, e.g. "podcast.xml"
	URL         string // the feed's own absolute URL (atom:link rel="self")
	Title       string
	Description string // plain text or simple HTML; encoders CDATA-wrap it
	Link        string
	Language    string
	Author      string
	OwnerName   string
	OwnerEmail  string
	Copyright   string
	Image       string // absolute URL
	ImageKey    string // its object key
	Categories  []Category
	Explicit    bool
	Type        string // "episodic" | "serial"
	GUID        string // podcast:guid (already derived)
	Locked      bool
	NewFeedURL  string
	Block       bool
	Complete    bool
	Funding     []Funding
	Persons     []Person
	Txt         []Txt
	License     *License
	// UpdateFrequency is podcast:updateFrequency; nil for none.
	UpdateFrequency *UpdateFrequency
	// Updated is the newest item's date: lastBuildDate and pubDate. Never the
	// clock, so identical inputs give identical bytes.
	Updated time.Time
	// Items are newest first, already limited. Each item's Audio (or Video,
	// per Medium) is non-nil.
	Items []*Entry
	// Trailers are the items with episode type "trailer", newest first, for
	// channel-level podcast:trailer.
	Trailers  []*Entry
	Generator string
	// SummaryDescriptions puts each item's summary, not its review, in
	// <description>; the review stays in content:encoded.
	SummaryDescriptions bool
	// Hubs are the WebSub hubs the feed declares (atom:link rel="hub").
	Hubs []string
	// EnclosurePrefix, when set, goes before every media URL of this feed
	// only (PrefixURL); the entries' Enclosure.URL stay unprefixed.
	EnclosurePrefix string
}

// Category is an Apple Podcasts category with an optional subcategory, both
// spelled exactly as in Apple's list (e.g. "TV & Film", "Film Reviews").
type Category struct {
	Name string
	Sub  string
}

// Funding is podcast:funding.
type Funding struct {
	URL  string
	Text string
}

// Person is podcast:person.
type Person struct {
	Name  string
	Role  string // Podcast Taxonomy role, e.g. "host"; "" means host
	Group string // Podcast Taxonomy group; "" means cast
	Href  string
	Img   string
}

// Txt is podcast:txt.
type Txt struct {
	Purpose string
	Value   string
}

// License is podcast:license.
type License struct {
	Name string // SPDX identifier or a name
	URL  string
}

// UpdateFrequency is podcast:updateFrequency.
type UpdateFrequency struct {
	RRule    string // e.g. "FREQ=WEEKLY"
	Complete bool
	DTStart  time.Time // zero for none
	Text     string    // human description, e.g. "Weekly"
}

// ReviewFeed describes the written-review feeds (RSS 2.0, Atom, JSON Feed).
type ReviewFeed struct {
	Title       string
	Description string
	Link        string // the website
	Language    string
	Author      string
	Email       string
	Copyright   string
	Image       string
	RSSKey      string // object keys; "" when that format is not configured
	RSSURL      string
	AtomKey     string
	AtomURL     string
	JSONKey     string
	JSONURL     string
	// TagAuthority is the "domain,date" part of Atom tag: IDs, e.g.
	// "reelverdicts.example,2026"; the feed's Atom ID is
	// "tag:"+TagAuthority+":reviews".
	TagAuthority string
	// AtomID, when set, is the Atom feed's id instead of the tag: URI
	// above (reviews.atom_id pins it for good).
	AtomID    string
	Updated   time.Time // newest item's Updated; never the clock
	Items     []*Entry  // newest first, already limited; each has HTML
	Generator string
	Hubs      []string // WebSub hubs every review feed declares
}

// Entry is one piece of content: a written review, its audio episode, its
// video episode, or any mix of them. The podcast feeds and the review feeds
// share Entry values, so GUIDs, titles and links agree across feeds.
type Entry struct {
	Source  string // the content file, relative to the site, for messages
	Slug    string
	GUID    string // stable; never derived from a media URL
	AtomID  string // permanent tag: URI
	Title   string
	Link    string // the written review's web page ("" if none)
	Date    time.Time
	Updated time.Time // Date unless the entry says otherwise
	Author  string    // a name
	// AuthorEmail is the author's email for RSS <author>; falls back to the
	// site email.
	AuthorEmail string
	Summary     string // plain text, one paragraph
	// HTML is the full review as HTML (film metadata and rating included);
	// "" for entries with no written review.
	HTML   string
	Tags   []string
	Film   *Film
	Rating *float64 // 0–5 in halves; nil when not rated
	Image  string   // absolute URL of episode art; "" for none
	// ImageKey is the episode art's object key.
	ImageKey string
	Audio    *Episode
	Video    *Episode
	// VideoLink is the entry's video on a video platform or a web page:
	// never an enclosure, so the review feeds and the preview carry it,
	// the podcast feeds do not; nil for none.
	VideoLink *VideoLink

	hash string // contentHash of the entry as Build made it
}

// Forms gives the sanitised forms of an entry's HTML that the feeds carry.
// The encoders take it from their caller, never from the model: the layer
// that keeps the forms across builds (feeds/site's entry cache) hands
// itself to each encoder, and without one they use MakeForms. Each form is
// a function of the HTML alone, so whoever keeps them (a cache that reads
// them back, a memo) may hand out a kept copy, for an entry whose HTML is
// the one it was made from; any other entry's it makes anew.
// Implementations are safe for concurrent use: the feeds render at once.
type Forms interface {
	// Safe is xmltext.SafeHTML of e.HTML.
	Safe(e *Entry) string
	// Apple is xmltext.AppleHTML of e.HTML with no length limit.
	Apple(e *Entry) string
}

// MakeForms is the Forms that keeps nothing: it makes each form with
// xmltext when asked.
type MakeForms struct{}

// Safe is xmltext.SafeHTML of e.HTML.
func (MakeForms) Safe(e *Entry) string { return xmltext.SafeHTML(e.HTML) }

// Apple is xmltext.AppleHTML of e.HTML with no length limit (the podcast
// feeds' item description).
func (MakeForms) Apple(e *Entry) string { return xmltext.AppleHTML(e.HTML, math.MaxInt) }

// Film is the reviewed film.
type Film struct {
	Title    string
	Year     int
	Director string
	Platform string
}

// Episode is one medium's version of an entry (its audio or its video).
type Episode struct {
	Title       string // itunes:title; "" means the entry's title
	Season      int    // 0 for none
	Number      int    // itunes:episode; 0 for none
	Type        string // "full" | "trailer" | "bonus"
	Explicit    bool
	Enclosure   Enclosure
	Chapters    *Link // podcast:chapters; nil for none
	Transcripts []Transcript
	Persons     []Person // item-level podcast:person (replaces the show's)
}

// Enclosure is one media file as published.
type Enclosure struct {
	Key      string // object key, e.g. "media/heroine.mp3"
	URL      string // absolute
	Type     string // MIME type, e.g. "audio/mpeg"
	Length   int64  // exact byte size
	Duration time.Duration
	Bitrate  int    // bits per second; 0 when unknown
	Width    int    // video only
	Height   int    // video only
	Codecs   string // RFC 6381, e.g. "avc1.64001f,mp4a.40.2"; "" when unknown
	SHA256   string // lower-case hex of the file; "" when unknown
}

// Link is a typed URL (chapters).
type Link struct {
	Key  string // object key
	URL  string
	Type string
}

// Transcript is podcast:transcript.
type Transcript struct {
	Key      string // object key
	URL      string
	Type     string // text/vtt, application/x-subrip, ...
	Language string
	Rel      string // "captions" or ""
}

// Version returns the entry's version for medium m, or nil.
func (e *Entry) Version(m Medium) *Episode {
	if m == Video {
		return e.Video
	}
	return e.Audio
}

// Keys lists the object key of every file the catalog's feeds reference
// (show and episode art, enclosures, chapters, transcripts), each once,
// sorted.
func (c *Catalog) Keys() []string {
	seen := map[string]bool{}
	add := func(k string) {
		if k != "" {
			seen[k] = true
		}
	}
	add(c.Site.ImageKey)
	entry := func(e *Entry) {
		add(e.ImageKey)
		if e.VideoLink != nil {
			add(e.VideoLink.ThumbnailKey)
		}
		for _, ep := range []*Episode{e.Audio, e.Video} {
			if ep == nil {
				continue
			}
			add(ep.Enclosure.Key)
			if ep.Chapters != nil {
				add(ep.Chapters.Key)
			}
			for _, t := range ep.Transcripts {
				add(t.Key)
			}
		}
	}
	for _, s := range []*Show{c.Podcast, c.Video} {
		if s == nil {
			continue
		}
		add(s.ImageKey)
		for _, e := range s.Items {
			entry(e)
		}
	}
	if c.Reviews != nil {
		for _, e := range c.Reviews.Items {
			entry(e)
		}
	}
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
