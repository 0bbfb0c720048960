package podcast

import (
	"bufio"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"io"
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/feedpub/feedpub/config/mediatype"
	"github.com/feedpub/feedpub/feeds"
	"github.com/feedpub/feedpub/feeds/internal/spec"
	"github.com/feedpub/feedpub/feeds/internal/xmlw"
	"github.com/feedpub/feedpub/feeds/xmltext"
)

// Namespaces declared on <rss>, exactly as Apple and Podcasting 2.0 spell them.
const (
	NSiTunes  = spec.NSiTunes
	NSPodcast = spec.NSPodcast
	NSAtom    = spec.NSAtom
	NSContent = spec.NSContent
)

// Apple's limits.
const (
	MaxText            = 255   // characters in titles, authors and names
	MaxShowDescription = 4000  // bytes in the channel description
	MaxEpisodeDescr    = 10000 // characters in an item description
	maxTrailerTitle    = 128   // podcast:trailer node value
	ChaptersType       = mediatype.Chapters
	rfc2822            = time.RFC1123Z
)

// Warning is a value Render changed to meet a limit; see xmltext.Warning.
type Warning = xmltext.Warning

// ErrNoEnclosure is wrapped by Render's error for an item whose version for
// the show's medium is missing or has no URL.
var ErrNoEnclosure = errors.New("no enclosure for the feed's medium")

// Render writes s as a podcast RSS feed to w. Text is written with
// hexadecimal character references (&#x26; rather than &amp;), as the RSS
// Profile asks; the channel description is plain text; content:encoded is
// the review's HTML after xmltext.SafeHTML. The show's values are final
// (feeds.Build applied the site's fallbacks); an empty required one is a
// warning, not a guess. The output is deterministic: the same show gives the same bytes.
//
// Render returns an error when the show cannot make a valid feed: a nil
// show, an unknown medium, a category not in Apple's list, or an item
// without an enclosure for the medium. Items are written as they are made,
// so what was written before the error is part of a feed, not a feed: the
// caller writes to a file it throws away on error (feeds/site does). Values
// cut to Apple's limits, and Apple requirements the show does not meet,
// come back as warnings; the feed is still written.
//
// The sanitised forms of each review come from WithForms, or are made with
// xmltext (feeds.MakeForms) without it.
func Render(w io.Writer, s *feeds.Show, opts ...Option) ([]Warning, error) {
	warns, _, err := RenderLayout(w, s, opts...)
	return warns, err
}

// Option changes how Render and RenderLayout work, not what they write.
type Option func(*renderer)

// WithForms makes the encoder take each review's sanitised forms from f
// (a cache that keeps them across builds) rather than make them; f gives
// the same strings xmltext would make, so the bytes are the same.
func WithForms(f feeds.Forms) Option {
	return func(r *renderer) {
		if f != nil {
			r.forms = f
		}
	}
}

// Span is where one item lies in a rendered feed: bytes [Start, End), the
// line break and indentation before its <item> included, so the spans of a
// feed's items are adjacent.
type Span struct{ Start, End int64 }

// RenderLayout is Render that also returns where each item (in s.Items
// order) lies in what it wrote, so a checker can tell an item it has seen
// before from its bytes alone.
func RenderLayout(w io.Writer, s *feeds.Show, opts ...Option) ([]Warning, []Span, error) {
	if s == nil {
		return nil, nil, errors.New("podcast: nil show")
	}
	r := newRenderer(s, opts)
	doc, err := r.head()
	if err != nil {
		return nil, nil, fmt.Errorf("podcast: %s: %w", s.Key, err)
	}
	// Items are made as they are written, so a feed of any length is
	// written in the memory of one item.
	doc.Channel.items = func(write func(*item)) error {
		for _, e := range s.Items {
			it, err := r.item(e)
			if err != nil {
				return err
			}
			write(&it)
		}
		return nil
	}
	cw := &countingWriter{w: w}
	bw := bufio.NewWriterSize(cw, 64<<10)
	x := &xmlWriter{Writer: xmlw.New(bw, true), offset: func() int64 { return cw.n + int64(bw.Buffered()) }}
	bw.WriteString(xmlw.Header)
	doc.write(x)
	if x.err != nil {
		return nil, nil, fmt.Errorf("podcast: %s: %w", s.Key, x.err)
	}
	bw.WriteByte('\n')
	if err := bw.Flush(); err != nil {
		return nil, nil, fmt.Errorf("podcast: %s: write: %w", s.Key, err)
	}
	return r.warns, x.spans, nil
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

type renderer struct {
	show  *feeds.Show
	forms feeds.Forms // never nil
	warns []Warning
}

func newRenderer(s *feeds.Show, opts []Option) *renderer {
	r := &renderer{show: s, forms: feeds.MakeForms{}}
	for _, o := range opts {
		o(r)
	}
	return r
}

func (r *renderer) warn(e *feeds.Entry, field, format string, args ...any) {
	w := Warning{Field: field, Msg: fmt.Sprintf(format, args...)}
	if e != nil {
		w.Source, w.GUID = e.Source, e.GUID
	}
	r.warns = append(r.warns, w)
}

// text cleans a one-line value and cuts it to max characters on a word.
func (r *renderer) text(e *feeds.Entry, field, v string, max int) string {
	v = xmltext.Line(v)
	if n := utf8.RuneCountInString(v); n > max {
		v = xmltext.TruncateWords(v, max)
		r.warn(e, field, "cut to %d characters (was %d)", max, n)
	}
	return v
}

func or(v, fallback string) string {
	if xmltext.Clean(v) == "" {
		return fallback
	}
	return v
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func trueFalse(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func onlyYes(b bool) string {
	if b {
		return "Yes"
	}
	return ""
}

func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(rfc2822)
}

// seconds is d rounded to the nearest whole second.
func seconds(d time.Duration) int64 {
	return int64(math.Round(d.Seconds()))
}

func (r *renderer) document() (*rssDoc, error) {
	doc, err := r.head()
	if err != nil {
		return nil, err
	}
	for _, e := range r.show.Items {
		it, err := r.item(e)
		if err != nil {
			return nil, err
		}
		doc.Channel.Items = append(doc.Channel.Items, it)
	}
	return doc, nil
}

// head is the document without its items.
func (r *renderer) head() (*rssDoc, error) {
	s := r.show
	var medium string
	switch s.Medium {
	case feeds.Audio:
		medium = "podcast"
	case feeds.Video:
		medium = "video"
	default:
		return nil, fmt.Errorf("medium %q: want %q or %q", s.Medium, feeds.Audio, feeds.Video)
	}
	title := r.text(nil, "channel title", s.Title, MaxText)
	if title == "" {
		r.warn(nil, "channel title", "required by Apple: empty")
	}
	link := xmltext.Clean(s.Link)
	image := xmltext.Clean(s.Image)
	if image == "" {
		r.warn(nil, "itunes:image", "required by Apple: the show has no artwork")
	}
	ch := channel{
		Title:         title,
		Description:   cdata{r.showDescription()},
		Link:          link,
		Language:      xmltext.Line(s.Language),
		Copyright:     r.text(nil, "copyright", s.Copyright, MaxText),
		Generator:     xmltext.Line(s.Generator),
		LastBuildDate: date(s.Updated),
		PubDate:       date(s.Updated),
		AtomLinks:     []atomLink{{Href: xmltext.Clean(s.URL), Rel: "self", Type: "application/rss+xml"}},
		IAuthor:       r.text(nil, "itunes:author", s.Author, MaxText),
		IExplicit:     trueFalse(s.Explicit),
		IType:         xmltext.Line(s.Type),
		INewFeedURL:   xmltext.Clean(s.NewFeedURL),
		IBlock:        onlyYes(s.Block),
		IComplete:     onlyYes(s.Complete),
		PGUID:         xmltext.Line(s.GUID),
		PMedium:       medium,
	}
	for _, h := range s.Hubs {
		ch.AtomLinks = append(ch.AtomLinks, atomLink{Href: xmltext.Clean(h), Rel: "hub"})
	}
	if ch.Language == "" {
		r.warn(nil, "language", "required by Apple: empty")
	}
	if image != "" {
		ch.IImage = &hrefElem{Href: image}
		if link != "" {
			ch.Image = &rssImage{URL: image, Title: title, Link: link}
		}
	}
	ownerName := r.text(nil, "itunes:owner", s.OwnerName, MaxText)
	ownerEmail := xmltext.Line(s.OwnerEmail)
	if ownerName != "" || ownerEmail != "" {
		ch.IOwner = &owner{Name: ownerName, Email: ownerEmail}
	}
	if ownerEmail == "" {
		r.warn(nil, "itunes:owner", "no owner email: the W3C validator requires itunes:email")
	}
	cats, err := r.categories()
	if err != nil {
		return nil, err
	}
	ch.ICategories = cats
	if s.Type != "" && s.Type != "episodic" && s.Type != "serial" {
		return nil, fmt.Errorf("itunes:type %q: want episodic or serial", s.Type)
	}
	if ownerEmail != "" {
		ch.PLocked = &locked{Owner: ownerEmail, Value: yesNo(s.Locked)}
	} else {
		ch.PLocked = &locked{Value: yesNo(s.Locked)}
	}
	if err := r.podcasting(&ch); err != nil {
		return nil, err
	}
	return &rssDoc{
		Version: "2.0", NSiTunes: NSiTunes, NSPodcast: NSPodcast, NSAtom: NSAtom, NSContent: NSContent,
		Channel: ch,
	}, nil
}

// categories gives the show's itunes:category elements; a category not in
// Apple's list is an error, none at all a warning.
func (r *renderer) categories() ([]category, error) {
	var out []category
	if len(r.show.Categories) == 0 {
		r.warn(nil, "itunes:category", "required by Apple: none")
	}
	for _, c := range r.show.Categories {
		if err := feeds.ValidateCategory(c); err != nil {
			return nil, fmt.Errorf("itunes:category: %w", err)
		}
		cat := category{Text: c.Name}
		if c.Sub != "" {
			cat.Sub = &category{Text: c.Sub}
		}
		out = append(out, cat)
	}
	return out, nil
}

// podcasting fills the channel's Podcasting 2.0 tags beyond guid, medium
// and locked: funding, persons, txt, license, trailers and update frequency.
// A trailer without an enclosure is an error, as for an episode.
func (r *renderer) podcasting(ch *channel) error {
	s := r.show
	for _, f := range s.Funding {
		ch.PFunding = append(ch.PFunding, funding{URL: xmltext.Clean(f.URL), Text: r.text(nil, "podcast:funding", f.Text, 128)})
	}
	ch.PPersons = r.persons(nil, s.Persons)
	for _, t := range s.Txt {
		ch.PTxt = append(ch.PTxt, txt{Purpose: xmltext.Line(t.Purpose), Value: r.text(nil, "podcast:txt", t.Value, 4000)})
	}
	if l := s.License; l != nil {
		ch.PLicense = &license{URL: xmltext.Clean(l.URL), Name: r.text(nil, "podcast:license", l.Name, 128)}
	}
	for _, e := range s.Trailers {
		v := e.Version(s.Medium)
		if v == nil || v.Enclosure.URL == "" {
			return fmt.Errorf("trailer %s (%s): %w", e.GUID, e.Source, ErrNoEnclosure)
		}
		t := trailer{
			URL:     xmltext.Clean(feeds.PrefixURL(s.EnclosurePrefix, v.Enclosure.URL)),
			PubDate: date(e.Date),
			Type:    xmltext.Line(v.Enclosure.Type),
			Title:   r.text(e, "podcast:trailer", or(v.Title, e.Title), maxTrailerTitle),
		}
		if v.Enclosure.Length > 0 {
			t.Length = strconv.FormatInt(v.Enclosure.Length, 10)
		}
		if v.Season > 0 {
			t.Season = strconv.Itoa(v.Season)
		}
		ch.PTrailers = append(ch.PTrailers, t)
	}
	if u := s.UpdateFrequency; u != nil {
		f := &updateFrequency{RRule: xmltext.Line(u.RRule), Text: r.text(nil, "podcast:updateFrequency", u.Text, 128)}
		if u.Complete {
			f.Complete = "true"
		}
		if !u.DTStart.IsZero() {
			f.DTStart = u.DTStart.Format(time.RFC3339)
		}
		ch.PUpdateFrequency = f
	}
	return nil
}

// showDescription is the show's description as plain text: Apple accepts
// a few tags in CDATA, but the W3C validator warns on any HTML in the
// channel description, and plain text reads the same everywhere.
func (r *renderer) showDescription() string {
	full := xmltext.PlainText(r.show.Description)
	if full == "" {
		r.warn(nil, "channel description", "required by Apple: empty")
		return ""
	}
	if len(full) <= MaxShowDescription {
		return full
	}
	r.warn(nil, "channel description", "cut to %d bytes (was %d)", MaxShowDescription, len(full))
	return xmltext.TruncateWordsBytes(full, MaxShowDescription)
}

func (r *renderer) persons(e *feeds.Entry, ps []feeds.Person) []person {
	var out []person
	for _, p := range ps {
		out = append(out, person{
			Role:  xmltext.Line(p.Role),
			Group: xmltext.Line(p.Group),
			Img:   xmltext.Clean(p.Img),
			Href:  xmltext.Clean(p.Href),
			Name:  r.text(e, "podcast:person", p.Name, 128),
		})
	}
	return out
}

func (r *renderer) item(e *feeds.Entry) (item, error) {
	s := r.show
	v := e.Version(s.Medium)
	if v == nil || v.Enclosure.URL == "" {
		return item{}, fmt.Errorf("item %s (%s): %w", e.GUID, e.Source, ErrNoEnclosure)
	}
	title := r.text(e, "item title", e.Title, MaxText)
	if title == "" {
		r.warn(e, "item title", "required by Apple: empty")
	}
	it := item{
		Title:        title,
		ITitle:       r.text(e, "itunes:title", or(v.Title, e.Title), MaxText),
		Link:         xmltext.Clean(e.Link),
		GUID:         guid{IsPermaLink: "false", Value: xmltext.Line(e.GUID)},
		PubDate:      date(e.Date),
		Enclosure:    r.enclosure(v.Enclosure),
		IExplicit:    trueFalse(v.Explicit),
		IEpisodeType: xmltext.Line(v.Type),
		IAuthor:      r.text(e, "itunes:author", or(e.Author, s.Author), MaxText),
		PPersons:     r.persons(e, v.Persons),
	}
	if it.GUID.Value == "" {
		return item{}, fmt.Errorf("item %q (%s): empty guid", e.Title, e.Source)
	}
	if d := seconds(v.Enclosure.Duration); d > 0 {
		it.IDuration = strconv.FormatInt(d, 10)
	}
	if img := xmltext.Clean(e.Image); img != "" {
		it.IImage = &hrefElem{Href: img}
	}
	if v.Number > 0 {
		it.IEpisode = strconv.Itoa(v.Number)
		it.PEpisode = strconv.Itoa(v.Number)
	} else if s.Type == "serial" {
		r.warn(e, "itunes:episode", "a serial show needs an episode number on every item")
	}
	if v.Season > 0 {
		it.ISeason = strconv.Itoa(v.Season)
		it.PSeason = strconv.Itoa(v.Season)
	}
	switch v.Type {
	case "", "full", "trailer", "bonus":
	default:
		return item{}, fmt.Errorf("item %s (%s): itunes:episodeType %q: want full, trailer or bonus", e.GUID, e.Source, v.Type)
	}
	if d := r.itemDescription(e); d != "" {
		it.Description = &cdata{d}
	}
	if h := r.forms.Safe(e); h != "" {
		it.Content = &cdata{h}
	}
	for _, t := range v.Transcripts {
		it.PTranscripts = append(it.PTranscripts, transcript{
			URL: xmltext.Clean(t.URL), Type: xmltext.Line(t.Type), Language: xmltext.Line(t.Language), Rel: xmltext.Line(t.Rel),
		})
	}
	if c := v.Chapters; c != nil && c.URL != "" {
		it.PChapters = &chapters{URL: xmltext.Clean(c.URL), Type: ChaptersType}
	}
	// The other medium's version, offered alongside the enclosure; the
	// enclosure's own version is listed first with default="true".
	other := feeds.Video
	if s.Medium == feeds.Video {
		other = feeds.Audio
	}
	if o := e.Version(other); o != nil && o.Enclosure.URL != "" {
		it.PAlternates = []alternateEnclosure{
			alternate(v.Enclosure, s.Medium, true, s.EnclosurePrefix),
			alternate(o.Enclosure, other, false, s.EnclosurePrefix),
		}
	}
	return it, nil
}

func (r *renderer) itemDescription(e *feeds.Entry) string {
	src := e.HTML
	var full string
	if r.show.SummaryDescriptions && xmltext.Clean(e.Summary) != "" {
		src = ""
	}
	if xmltext.Clean(src) == "" {
		if xmltext.Clean(e.Summary) == "" {
			r.warn(e, "item description", "empty: the entry has neither a review nor a summary")
			return ""
		}
		src = "<p>" + html.EscapeString(xmltext.Clean(e.Summary)) + "</p>"
		full = xmltext.AppleHTML(src, math.MaxInt)
	} else {
		full = r.forms.Apple(e)
	}
	if n := utf8.RuneCountInString(full); n > MaxEpisodeDescr {
		r.warn(e, "item description", "cut to %d characters (was %d)", MaxEpisodeDescr, n)
		return xmltext.AppleHTML(src, MaxEpisodeDescr)
	}
	return full
}

func (r *renderer) enclosure(enc feeds.Enclosure) enclosure {
	return enclosure{
		URL:    xmltext.Clean(feeds.PrefixURL(r.show.EnclosurePrefix, enc.URL)),
		Length: strconv.FormatInt(enc.Length, 10),
		Type:   xmltext.Line(enc.Type),
	}
}

// alternate describes one version of an item. The integrity hash is of the
// file itself, so an analytics prefix (which only redirects) leaves it true.
func alternate(enc feeds.Enclosure, m feeds.Medium, isDefault bool, prefix string) alternateEnclosure {
	a := alternateEnclosure{
		Type:    xmltext.Line(enc.Type),
		Codecs:  xmltext.Line(enc.Codecs),
		Sources: []source{{URI: xmltext.Clean(feeds.PrefixURL(prefix, enc.URL))}},
		Title:   "Audio",
	}
	if m == feeds.Video {
		a.Title = "Video"
		if enc.Height > 0 {
			a.Title = fmt.Sprintf("Video %dp", enc.Height)
		}
	}
	if enc.Length > 0 {
		a.Length = strconv.FormatInt(enc.Length, 10)
	}
	if enc.Bitrate > 0 {
		a.Bitrate = strconv.Itoa(enc.Bitrate)
	}
	if m == feeds.Video && enc.Height > 0 {
		a.Height = strconv.Itoa(enc.Height)
	}
	if isDefault {
		a.Default = "true"
	}
	if sum, err := hex.DecodeString(enc.SHA256); err == nil && len(sum) == sha256.Size {
		a.Integrity = &integrity{Type: "sri", Value: "sha256-" + base64.StdEncoding.EncodeToString(sum)}
	}
	return a
}
