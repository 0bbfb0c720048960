package syndication

import (
	"encoding/xml"
	"fmt"
	"html"
	"io"
	"strconv"
	"time"

	"github.com/feedpub/feedpub/feeds"
	"github.com/feedpub/feedpub/feeds/xmltext"
)

// RenderRSS writes f as RSS 2.0 with an atom:link rel="self" and the full
// review in content:encoded. An item's author is written as "email (Name)"
// only when an email exists (RSS requires one); its enclosure is the audio
// version, or the video when there is no audio (RSS allows one enclosure).
// Items left without an author come back as warnings. Text uses
// hexadecimal character references and content:encoded is the review's HTML
// after xmltext.SafeHTML.
func RenderRSS(w io.Writer, f *feeds.ReviewFeed) ([]Warning, error) {
	if f == nil {
		return nil, fmt.Errorf("syndication: rss: %w", errNilFeed)
	}
	var warns []Warning
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
	item := func(i int) any {
		e := f.Items[i]
		it := rssItem{
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
			warns = append(warns, Warning{Source: e.Source, GUID: e.GUID, Field: "rss author",
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
		if h := reviewHTML(e); h != "" {
			it.Content = &rssCDATA{h}
		}
		it.Media = videoContent(e)
		if vs := versions(e); len(vs) > 0 {
			enc := vs[0].Enclosure
			it.Enclosure = &rssEnclosure{URL: xmltext.Clean(enc.URL), Length: strconv.FormatInt(enc.Length, 10), Type: xmltext.Line(enc.Type)}
		}
		return it
	}
	doc := rssDoc{Version: "2.0", NSAtom: NSAtom, NSContent: NSContent, NSMedia: mediaNS(f.Items), Channel: ch}
	// The items, and their warnings, are made as they are written.
	err := writeXML(w, "rss", doc, "\n  </channel>", "item", 2, len(f.Items), item, true)
	return warns, err
}

func rfc2822(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC1123Z)
}

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
