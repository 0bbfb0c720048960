package syndication

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"

	"github.com/feedpub/feedpub/feeds"
	"github.com/feedpub/feedpub/feeds/internal/xmlw"
	"github.com/feedpub/feedpub/feeds/xmltext"
)

// RenderAtom writes f as an Atom 1.0 feed (RFC 4287). The feed id is
// "tag:"+f.TagAuthority+":reviews"; each entry's id is Entry.AtomID. Audio
// and video versions are rel="enclosure" links with length and type. The
// content is the review's HTML after xmltext.SafeHTML (from WithForms when
// given).
func RenderAtom(w io.Writer, f *feeds.ReviewFeed, opts ...Option) ([]Warning, error) {
	if f == nil {
		return nil, fmt.Errorf("syndication: atom: %w", errNilFeed)
	}
	forms := optionsOf(opts).forms
	feed := atomHead(f)
	return nil, writeXML(w, "atom", false, func(x *xmlw.Writer) {
		feed.write(x, len(f.Items), func(i int) *atomEntry { return atomItem(forms, f.Items[i]) })
	})
}

// atomHead is the feed without its entries.
func atomHead(f *feeds.ReviewFeed) atomFeed {
	feed := atomFeed{
		XMLName:  xml.Name{Space: NSAtom, Local: "feed"},
		Lang:     xmltext.Line(f.Language),
		ID:       atomFeedID(f),
		Title:    atomText{Type: "text", Text: xmltext.Line(f.Title)},
		Subtitle: optText(xmltext.Clean(f.Description)),
		Updated:  rfc3339(f.Updated),
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: xmltext.Clean(f.AtomURL)},
			{Rel: "alternate", Type: "text/html", Href: xmltext.Clean(f.Link)},
		},
		Rights:  optText(xmltext.Line(f.Copyright)),
		Icon:    xmltext.Clean(f.Image),
		Logo:    xmltext.Clean(f.Image),
		NSMedia: mediaNS(f.Items),
	}
	for _, h := range f.Hubs {
		feed.Links = append(feed.Links, atomLink{Rel: "hub", Href: xmltext.Clean(h)})
	}
	if f.Author != "" || f.Email != "" {
		feed.Author = &atomPerson{Name: xmltext.Line(f.Author), Email: xmltext.Line(f.Email)}
	}
	if g := xmltext.Line(f.Generator); g != "" {
		feed.Generator = &atomGenerator{Text: g}
	}
	return feed
}

// atomItem is the entry's Atom entry, its content from forms.
func atomItem(forms feeds.Forms, e *feeds.Entry) *atomEntry {
	en := &atomEntry{
		ID:        xmltext.Line(e.AtomID),
		Title:     atomText{Type: "text", Text: xmltext.Line(e.Title)},
		Updated:   rfc3339(updated(e)),
		Published: rfc3339(e.Date),
		Summary:   optText(xmltext.Clean(e.Summary)),
	}
	if name := xmltext.Line(e.Author); name != "" {
		en.Author = &atomPerson{Name: name, Email: xmltext.Line(e.AuthorEmail)}
	}
	if l := xmltext.Clean(e.Link); l != "" {
		en.Links = append(en.Links, atomLink{Rel: "alternate", Type: "text/html", Href: l})
	}
	if v := e.VideoLink; v != nil {
		// The video's page, for readers that know no Media RSS.
		en.Links = append(en.Links, atomLink{Rel: "related", Type: "text/html", Href: xmltext.Clean(v.Page), Title: xmltext.Line(v.Title)})
	}
	for _, v := range versions(e) {
		en.Links = append(en.Links, atomLink{Rel: "enclosure", Type: xmltext.Line(v.Enclosure.Type),
			Href: xmltext.Clean(v.Enclosure.URL), Length: strconv.FormatInt(v.Enclosure.Length, 10)})
	}
	for _, t := range e.Tags {
		if t = xmltext.Line(t); t != "" {
			en.Categories = append(en.Categories, atomCategory{Term: t})
		}
	}
	if h := reviewHTML(forms, e); h != "" {
		en.Content = &atomText{Type: "html", Text: h}
	}
	en.Media = videoContent(e)
	return en
}

func optText(s string) *atomText {
	if s == "" {
		return nil
	}
	return &atomText{Type: "text", Text: s}
}

// The structs below hold the feed's values; write writes them in this
// element order, and writer_test.go encodes them with encoding/xml, the
// writer's reference.

type atomFeed struct {
	XMLName   xml.Name       // feed, in the Atom namespace
	NSMedia   string         `xml:"xmlns:media,attr,omitempty"`
	Lang      string         `xml:"xml:lang,attr,omitempty"`
	ID        string         `xml:"id"`
	Title     atomText       `xml:"title"`
	Subtitle  *atomText      `xml:"subtitle"`
	Updated   string         `xml:"updated"`
	Links     []atomLink     `xml:"link"`
	Author    *atomPerson    `xml:"author"`
	Generator *atomGenerator `xml:"generator"`
	Icon      string         `xml:"icon,omitempty"`
	Logo      string         `xml:"logo,omitempty"`
	Rights    *atomText      `xml:"rights"`
	Entries   []atomEntry    `xml:"entry"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      atomText       `xml:"title"`
	Updated    string         `xml:"updated"`
	Published  string         `xml:"published,omitempty"`
	Author     *atomPerson    `xml:"author"`
	Links      []atomLink     `xml:"link"`
	Categories []atomCategory `xml:"category"`
	Summary    *atomText      `xml:"summary"`
	Content    *atomText      `xml:"content"`
	Media      *mediaContent  `xml:"media:content"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

type atomLink struct {
	Rel    string `xml:"rel,attr"`
	Type   string `xml:"type,attr,omitempty"`
	Href   string `xml:"href,attr"`
	Length string `xml:"length,attr,omitempty"`
	Title  string `xml:"title,attr,omitempty"`
}

type atomPerson struct {
	Name  string `xml:"name"`
	Email string `xml:"email,omitempty"`
}

type atomGenerator struct {
	Text string `xml:",chardata"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

// atomFeedID is the configured id, or the tag: URI of the site's authority.
func atomFeedID(f *feeds.ReviewFeed) string {
	if id := xmltext.Line(f.AtomID); id != "" {
		return id
	}
	return "tag:" + xmltext.Line(f.TagAuthority) + ":reviews"
}

// write writes the feed with n entries, made one at a time by entry.
func (d *atomFeed) write(x *xmlw.Writer, n int, entry func(i int) *atomEntry) {
	x.Open("feed")
	x.Attr("xmlns", d.XMLName.Space)
	x.AttrOpt("xmlns:media", d.NSMedia)
	x.AttrOpt("xml:lang", d.Lang)
	x.Gt()
	x.Elem("id", d.ID)
	d.Title.write(x, "title")
	d.Subtitle.write(x, "subtitle")
	x.Elem("updated", d.Updated)
	writeLinks(x, d.Links)
	d.Author.write(x)
	if g := d.Generator; g != nil {
		x.Elem("generator", g.Text)
	}
	x.ElemOpt("icon", d.Icon)
	x.ElemOpt("logo", d.Logo)
	d.Rights.write(x, "rights")
	for i := range n {
		entry(i).write(x)
	}
	x.Close("feed")
}

func (en *atomEntry) write(x *xmlw.Writer) {
	x.Open("entry")
	x.Gt()
	x.Elem("id", en.ID)
	en.Title.write(x, "title")
	x.Elem("updated", en.Updated)
	x.ElemOpt("published", en.Published)
	en.Author.write(x)
	writeLinks(x, en.Links)
	for _, c := range en.Categories {
		x.Open("category")
		x.Attr("term", c.Term)
		x.Gt()
		x.Close("category")
	}
	en.Summary.write(x, "summary")
	en.Content.write(x, "content")
	if mc := en.Media; mc != nil {
		mc.write(x)
	}
	x.Close("entry")
}

// write writes t as the element name; nothing for nil.
func (t *atomText) write(x *xmlw.Writer, name string) {
	if t != nil {
		x.TextElem(name, "type", t.Type, t.Text)
	}
}

func (p *atomPerson) write(x *xmlw.Writer) {
	if p == nil {
		return
	}
	x.Open("author")
	x.Gt()
	x.Elem("name", p.Name)
	x.ElemOpt("email", p.Email)
	x.Close("author")
}

func writeLinks(x *xmlw.Writer, links []atomLink) {
	for _, l := range links {
		x.Open("link")
		x.Attr("rel", l.Rel)
		x.AttrOpt("type", l.Type)
		x.Attr("href", l.Href)
		x.AttrOpt("length", l.Length)
		x.AttrOpt("title", l.Title)
		x.Gt()
		x.Close("link")
	}
}
