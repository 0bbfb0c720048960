package podcast

import "github.com/feedpub/feedpub/feeds/internal/xmlw"

// xmlWriter is the shared XML writer (feeds/internal/xmlw, with
// hexadecimal text references) plus what a podcast feed records as it is
// written: where each item lies, and the error that stopped the items.
// render_test.go checks the bytes against encoding/xml.
type xmlWriter struct {
	*xmlw.Writer
	offset func() int64 // bytes written so far
	spans  []Span       // of the items written
	err    error        // from the channel's items
}

// write writes the document in the element order of the structs in xml.go.
func (d *rssDoc) write(x *xmlWriter) {
	x.Open("rss")
	x.Attr("version", d.Version)
	x.Attr("xmlns:itunes", d.NSiTunes)
	x.Attr("xmlns:podcast", d.NSPodcast)
	x.Attr("xmlns:atom", d.NSAtom)
	x.Attr("xmlns:content", d.NSContent)
	x.Gt()
	d.Channel.write(x)
	x.Close("rss")
}

func (c *channel) write(x *xmlWriter) {
	x.Open("channel")
	x.Gt()
	x.Elem("title", c.Title)
	x.CDATAElem("description", c.Description.Text)
	x.ElemOpt("link", c.Link)
	x.Elem("language", c.Language)
	x.ElemOpt("copyright", c.Copyright)
	x.ElemOpt("generator", c.Generator)
	x.ElemOpt("lastBuildDate", c.LastBuildDate)
	x.ElemOpt("pubDate", c.PubDate)
	if im := c.Image; im != nil {
		x.RSSImage(im.URL, im.Title, im.Link)
	}
	for _, l := range c.AtomLinks {
		x.AtomLink(l.Href, l.Rel, l.Type)
	}
	x.ElemOpt("itunes:author", c.IAuthor)
	if o := c.IOwner; o != nil {
		x.Open("itunes:owner")
		x.Gt()
		x.ElemOpt("itunes:name", o.Name)
		x.ElemOpt("itunes:email", o.Email)
		x.Close("itunes:owner")
	}
	if im := c.IImage; im != nil {
		im.write(x, "itunes:image")
	}
	for i := range c.ICategories {
		c.ICategories[i].write(x)
	}
	x.Elem("itunes:explicit", c.IExplicit)
	x.ElemOpt("itunes:type", c.IType)
	x.ElemOpt("itunes:new-feed-url", c.INewFeedURL)
	x.ElemOpt("itunes:block", c.IBlock)
	x.ElemOpt("itunes:complete", c.IComplete)
	c.writePodcasting(x)
	write := func(it *item) {
		start := x.offset()
		it.write(x)
		x.spans = append(x.spans, Span{start, x.offset()})
	}
	// Items is for the encoding/xml reference the tests compare with; the
	// writer makes each item as it writes it.
	if c.items != nil {
		x.err = c.items(write)
	}
	x.Close("channel")
}

// writePodcasting writes the channel's Podcasting 2.0 tags, in the order
// the golden feeds fix.
func (c *channel) writePodcasting(x *xmlWriter) {
	x.ElemOpt("podcast:guid", c.PGUID)
	if l := c.PLocked; l != nil {
		x.Open("podcast:locked")
		x.AttrOpt("owner", l.Owner)
		x.Gt()
		x.Text(l.Value)
		x.Close("podcast:locked")
	}
	x.Elem("podcast:medium", c.PMedium)
	for _, f := range c.PFunding {
		x.Open("podcast:funding")
		x.Attr("url", f.URL)
		x.Gt()
		x.Text(f.Text)
		x.Close("podcast:funding")
	}
	writePersons(x, c.PPersons)
	for _, t := range c.PTxt {
		x.Open("podcast:txt")
		x.AttrOpt("purpose", t.Purpose)
		x.Gt()
		x.Text(t.Value)
		x.Close("podcast:txt")
	}
	if l := c.PLicense; l != nil {
		x.Open("podcast:license")
		x.AttrOpt("url", l.URL)
		x.Gt()
		x.Text(l.Name)
		x.Close("podcast:license")
	}
	for _, t := range c.PTrailers {
		x.Open("podcast:trailer")
		x.Attr("url", t.URL)
		x.Attr("pubdate", t.PubDate)
		x.AttrOpt("length", t.Length)
		x.AttrOpt("type", t.Type)
		x.AttrOpt("season", t.Season)
		x.Gt()
		x.Text(t.Title)
		x.Close("podcast:trailer")
	}
	if u := c.PUpdateFrequency; u != nil {
		x.Open("podcast:updateFrequency")
		x.AttrOpt("rrule", u.RRule)
		x.AttrOpt("complete", u.Complete)
		x.AttrOpt("dtstart", u.DTStart)
		x.Gt()
		x.Text(u.Text)
		x.Close("podcast:updateFrequency")
	}
}

func (h *hrefElem) write(x *xmlWriter, name string) {
	x.Open(name)
	x.Attr("href", h.Href)
	x.Gt()
	x.Close(name)
}

func (c *category) write(x *xmlWriter) {
	x.Open("itunes:category")
	x.Attr("text", c.Text)
	x.Gt()
	if c.Sub != nil {
		c.Sub.write(x)
	}
	x.Close("itunes:category")
}

func writePersons(x *xmlWriter, ps []person) {
	for _, p := range ps {
		x.Open("podcast:person")
		x.AttrOpt("role", p.Role)
		x.AttrOpt("group", p.Group)
		x.AttrOpt("img", p.Img)
		x.AttrOpt("href", p.Href)
		x.Gt()
		x.Text(p.Name)
		x.Close("podcast:person")
	}
}

func (it *item) write(x *xmlWriter) {
	x.Open("item")
	x.Gt()
	x.Elem("title", it.Title)
	x.ElemOpt("itunes:title", it.ITitle)
	x.ElemOpt("link", it.Link)
	x.Open("guid")
	x.Attr("isPermaLink", it.GUID.IsPermaLink)
	x.Gt()
	x.Text(it.GUID.Value)
	x.Close("guid")
	x.ElemOpt("pubDate", it.PubDate)
	if d := it.Description; d != nil {
		x.CDATAElem("description", d.Text)
	}
	if c := it.Content; c != nil {
		x.CDATAElem("content:encoded", c.Text)
	}
	x.Open("enclosure")
	x.Attr("url", it.Enclosure.URL)
	x.Attr("length", it.Enclosure.Length)
	x.Attr("type", it.Enclosure.Type)
	x.Gt()
	x.Close("enclosure")
	x.ElemOpt("itunes:duration", it.IDuration)
	if im := it.IImage; im != nil {
		im.write(x, "itunes:image")
	}
	x.Elem("itunes:explicit", it.IExplicit)
	x.ElemOpt("itunes:episode", it.IEpisode)
	x.ElemOpt("itunes:season", it.ISeason)
	x.ElemOpt("itunes:episodeType", it.IEpisodeType)
	x.ElemOpt("itunes:author", it.IAuthor)
	x.ElemOpt("podcast:season", it.PSeason)
	x.ElemOpt("podcast:episode", it.PEpisode)
	for _, t := range it.PTranscripts {
		x.Open("podcast:transcript")
		x.Attr("url", t.URL)
		x.Attr("type", t.Type)
		x.AttrOpt("language", t.Language)
		x.AttrOpt("rel", t.Rel)
		x.Gt()
		x.Close("podcast:transcript")
	}
	if c := it.PChapters; c != nil {
		x.Open("podcast:chapters")
		x.Attr("url", c.URL)
		x.Attr("type", c.Type)
		x.Gt()
		x.Close("podcast:chapters")
	}
	writePersons(x, it.PPersons)
	for _, a := range it.PAlternates {
		x.Open("podcast:alternateEnclosure")
		x.Attr("type", a.Type)
		x.AttrOpt("length", a.Length)
		x.AttrOpt("bitrate", a.Bitrate)
		x.AttrOpt("height", a.Height)
		x.AttrOpt("codecs", a.Codecs)
		x.AttrOpt("title", a.Title)
		x.AttrOpt("default", a.Default)
		x.Gt()
		for _, s := range a.Sources {
			x.Open("podcast:source")
			x.Attr("uri", s.URI)
			x.Gt()
			x.Close("podcast:source")
		}
		if in := a.Integrity; in != nil {
			x.Open("podcast:integrity")
			x.Attr("type", in.Type)
			x.Attr("value", in.Value)
			x.Gt()
			x.Close("podcast:integrity")
		}
		x.Close("podcast:alternateEnclosure")
	}
	x.Close("item")
}
