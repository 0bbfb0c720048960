package syndication

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"

	"github.com/feedpub/feedpub/feeds"
	"github.com/feedpub/feedpub/feeds/xmltext"
)

// RenderAtom writes f as an Atom 1.0 feed (RFC 4287). The feed id is
// "tag:"+f.TagAuthority+":reviews"; each entry's id is Entry.AtomID. Audio
// and video versions are rel="enclosure" links with length and type.
func RenderAtom(w io.Writer, f *feeds.ReviewFeed) ([]Warning, error) {
	if f == nil {
		return nil, fmt.Errorf("syndication: atom: %w", errNilFeed)
	}
	feed := atomFeed{
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
	entry := func(i int) any {
		e := f.Items[i]
		en := atomEntry{
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
		if h := reviewHTML(e); h != "" {
			en.Content = &atomText{Type: "html", Text: h}
		}
		en.Media = videoContent(e)
		return en
	}
	return nil, writeXML(w, "atom", feed, "\n</feed>", "entry", 1, len(f.Items), entry, false)
}

func optText(s string) *atomText {
	if s == "" {
		return nil
	}
	return &atomText{Type: "text", Text: s}
}

type atomFeed struct {
	XMLName   xml.Name       `xml:"http://www.w3.org/2005/Atom feed"`
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
