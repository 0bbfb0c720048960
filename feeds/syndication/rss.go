package syndication

import (
	"encoding/xml"
	"fmt"
	"html"
	"io"
	"strconv"
	"time"

	"github.com/feedpub/feedpub/feeds"
	"github.com/feedpub/feedpub/feeds/internal/xmlw"
	"github.com/feedpub/feedpub/feeds/xmltext"
)

// RenderRSS writes f as RSS 2.0 with an atom:link rel="self" and the full
// review in content:encoded. An item's author is written as "email (Name)"
// only when an email exists (RSS requires one); its enclosure is the audio
// version, or the video when there is no audio (RSS allows one enclosure).
// Items left without an author come back as warnings. Text uses
// hexadecimal character references and content:encoded is the review's HTML
// after xmltext.SafeHTML (from WithForms when given).
func RenderRSS(w io.Writer, f *feeds.ReviewFeed, opts ...Option) ([]Warning, error) {
	if f == nil {
		return nil, fmt.Errorf("syndication: rss: %w", errNilFeed)
	}
	m := &rssMaker{f: f, forms: optionsOf(opts).forms}
	doc := m.doc()
	// The items, and their warnings, are made as they are written.
	err := writeXML(w, "rss", true, func(x *xmlw.Writer) {
		doc.write(x, len(f.Items), func(i int) *rssItem { return m.item(f.Items[i]) })
	})
	return m.warns, err
}

// rssMaker makes the RSS document's values from the model, collecting the
// warnings of the items it makes.
type rssMaker struct {
	f     *feeds.ReviewFeed
	forms feeds.Forms
	warns []Warning
}

// doc is the document without its items.
func (m *rssMaker) doc() rssDoc {
	f := m.f
	ch := rssChannel{
		Title:         xmltext.Line(f.Title),
		Link:          xmltext.Clean(f.Link),
		Description:   xmltext.Clean(f.Description),
		Language:      xmltext.Line(f.Language),
		Copyright:     xmltext.Line(f.Copyright),
		LastBuildDate: rfc2822(f.Updated),
		Generator:     xmltext.Line(f.Generator),
		AtomLinks:     []rssAtomLink{{Href: xmltext.Clean(f.RSSURL), Rel: "self", Type: "application/rss+xml"}},
	}
	for _, h := range f.Hubs {
		ch.AtomLinks = append(ch.AtomLinks, rssAtomLink{Href: xmltext.Clean(h), Rel: "hub"})
	}
	if img := xmltext.Clean(f.Image); img != "" && ch.Link != "" {
		ch.Image = &rssImage{URL: img, Title: ch.Title, Link: ch.Link}
	}
	return rssDoc{Version: "2.0", NSAtom: NSAtom, NSContent: NSContent, NSMedia: mediaNS(f.Items), Channel: ch}
}

func (m *rssMaker) item(e *feeds.Entry) *rssItem {
	it := &rssItem{
		Title:   xmltext.Line(e.Title),
		Link:    xmltext.Clean(e.Link),
		GUID:    rssGUID{IsPermaLink: "false", Value: xmltext.Line(e.GUID)},
		PubDate: rfc2822(e.Date),
	}
	if email := xmltext.Line(e.AuthorEmail); email != "" {
		it.Author = email
		if name := xmltext.Line(e.Author); name != "" {
			it.Author += " (" + name + ")"
		}
	} else if e.Author != "" {
		m.warns = append(m.warns, Warning{Source: e.Source, GUID: e.GUID, Field: "rss author",
			Msg: "left out: RSS needs an email address and the entry has none"})
	}
	for _, t := range e.Tags {
		if t = xmltext.Line(t); t != "" {
			it.Categories = append(it.Categories, t)
		}
	}
	if s := xmltext.Clean(e.Summary); s != "" {
		// description is HTML in RSS; the summary is plain text.
		it.Description = &rssCDATA{html.EscapeString(s)}
	}
	if h := reviewHTML(m.forms, e); h != "" {
		it.Content = &rssCDATA{h}
	}
	it.Media = videoContent(e)
	if vs := versions(e); len(vs) > 0 {
		enc := vs[0].Enclosure
		it.Enclosure = &rssEnclosure{URL: xmltext.Clean(enc.URL), Length: strconv.FormatInt(enc.Length, 10), Type: xmltext.Line(enc.Type)}
	}
	return it
}

func rfc2822(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC1123Z)
}

// The structs below hold the document's values; write writes them in
// this element order. The xml tags say what encoding/xml would make of
// them: writer_test.go encodes the same structs with encoding/xml, the
// writer's reference.

type rssDoc struct {
	XMLName   xml.Name   `xml:"rss"`
	Version   string     `xml:"version,attr"`
	NSAtom    string     `xml:"xmlns:atom,attr"`
	NSContent string     `xml:"xmlns:content,attr"`
	NSMedia   string     `xml:"xmlns:media,attr,omitempty"`
	Channel   rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title         string        `xml:"title"`
	Link          string        `xml:"link"`
	Description   string        `xml:"description"`
	Language      string        `xml:"language,omitempty"`
	Copyright     string        `xml:"copyright,omitempty"`
	LastBuildDate string        `xml:"lastBuildDate,omitempty"`
	Generator     string        `xml:"generator,omitempty"`
	Image         *rssImage     `xml:"image"`
	AtomLinks     []rssAtomLink `xml:"atom:link"` // self, then WebSub hubs
	Items         []rssItem     `xml:"item"`
}

type rssImage struct {
	URL   string `xml:"url"`
	Title string `xml:"title"`
	Link  string `xml:"link"`
}

type rssAtomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
}

type rssItem struct {
	Title       string        `xml:"title"`
	Link        string        `xml:"link,omitempty"`
	GUID        rssGUID       `xml:"guid"`
	PubDate     string        `xml:"pubDate,omitempty"`
	Author      string        `xml:"author,omitempty"`
	Categories  []string      `xml:"category"`
	Description *rssCDATA     `xml:"description"`
	Content     *rssCDATA     `xml:"content:encoded"`
	Enclosure   *rssEnclosure `xml:"enclosure"`
	Media       *mediaContent `xml:"media:content"`
}

type rssGUID struct {
	IsPermaLink string `xml:"isPermaLink,attr"`
	Value       string `xml:",chardata"`
}

type rssCDATA struct {
	Text string `xml:",cdata"`
}

type rssEnclosure struct {
	URL    string `xml:"url,attr"`
	Length string `xml:"length,attr"`
	Type   string `xml:"type,attr"`
}

// write writes the document with n items, made one at a time by item.
func (d *rssDoc) write(x *xmlw.Writer, n int, item func(i int) *rssItem) {
	x.Open("rss")
	x.Attr("version", d.Version)
	x.Attr("xmlns:atom", d.NSAtom)
	x.Attr("xmlns:content", d.NSContent)
	x.AttrOpt("xmlns:media", d.NSMedia)
	x.Gt()
	c := &d.Channel
	x.Open("channel")
	x.Gt()
	x.Elem("title", c.Title)
	x.Elem("link", c.Link)
	x.Elem("description", c.Description)
	x.ElemOpt("language", c.Language)
	x.ElemOpt("copyright", c.Copyright)
	x.ElemOpt("lastBuildDate", c.LastBuildDate)
	x.ElemOpt("generator", c.Generator)
	if im := c.Image; im != nil {
		x.RSSImage(im.URL, im.Title, im.Link)
	}
	for _, l := range c.AtomLinks {
		x.AtomLink(l.Href, l.Rel, l.Type)
	}
	for i := range n {
		item(i).write(x)
	}
	x.Close("channel")
	x.Close("rss")
}

func (it *rssItem) write(x *xmlw.Writer) {
	x.Open("item")
	x.Gt()
	x.Elem("title", it.Title)
	x.ElemOpt("link", it.Link)
	x.TextElem("guid", "isPermaLink", it.GUID.IsPermaLink, it.GUID.Value)
	x.ElemOpt("pubDate", it.PubDate)
	x.ElemOpt("author", it.Author)
	for _, c := range it.Categories {
		x.Elem("category", c)
	}
	if d := it.Description; d != nil {
		x.CDATAElem("description", d.Text)
	}
	if c := it.Content; c != nil {
		x.CDATAElem("content:encoded", c.Text)
	}
	if e := it.Enclosure; e != nil {
		x.Open("enclosure")
		x.Attr("url", e.URL)
		x.Attr("length", e.Length)
		x.Attr("type", e.Type)
		x.Gt()
		x.Close("enclosure")
	}
	if mc := it.Media; mc != nil {
		mc.write(x)
	}
	x.Close("item")
}
