package podcast

import (
	"bufio"
	"strings"
	"unicode/utf8"
)

// xmlWriter writes the feed straight to a bufio.Writer with the bytes
// encoding/xml's Encoder (Indent "", "  ") followed by xmltext.HexEscapes
// would produce: element text is escaped with hexadecimal character
// references (&#x26; &#x3C; &#x3E;), attribute values with &amp; &lt; &gt;,
// both with &#34; &#39; &#x9; &#xA; &#xD; and U+FFFD for a character XML
// forbids; CDATA sections split "]]>" as "]]]]><![CDATA[>". The indentation
// follows encoding/xml's rules: an element holding only text (or nothing)
// stays on one line. render_test.go checks the bytes against encoding/xml.
type xmlWriter struct {
	w          *bufio.Writer
	depth      int
	indentedIn bool
	putNewline bool
	offset     func() int64 // bytes written so far
	spans      []Span       // of the items written
	err        error        // from the channel's items
}

func (x *xmlWriter) indent(delta int) {
	if delta < 0 {
		x.depth--
		if x.indentedIn {
			x.indentedIn = false
			return
		}
		x.indentedIn = false
	}
	if x.putNewline {
		x.w.WriteByte('\n')
	} else {
		x.putNewline = true
	}
	for i := 0; i < x.depth; i++ {
		x.w.WriteString("  ")
	}
	if delta > 0 {
		x.depth++
		x.indentedIn = true
	}
}

// open writes "<name" on a new line; attributes follow, then gt.
func (x *xmlWriter) open(name string) {
	x.indent(1)
	x.w.WriteByte('<')
	x.w.WriteString(name)
}

// gt ends a start tag.
func (x *xmlWriter) gt() { x.w.WriteByte('>') }

// close writes "</name>".
func (x *xmlWriter) close(name string) {
	x.indent(-1)
	x.w.WriteString("</")
	x.w.WriteString(name)
	x.w.WriteByte('>')
}

// attr writes ` k="v"`.
func (x *xmlWriter) attr(k, v string) {
	x.w.WriteByte(' ')
	x.w.WriteString(k)
	x.w.WriteString(`="`)
	x.escape(v, false)
	x.w.WriteByte('"')
}

// attrOpt is attr for an omitempty attribute.
func (x *xmlWriter) attrOpt(k, v string) {
	if v != "" {
		x.attr(k, v)
	}
}

// elem writes <name>text</name>.
func (x *xmlWriter) elem(name, text string) {
	x.open(name)
	x.gt()
	x.escape(text, true)
	x.close(name)
}

// elemOpt is elem for an omitempty element.
func (x *xmlWriter) elemOpt(name, text string) {
	if text != "" {
		x.elem(name, text)
	}
}

// cdataElem writes <name> with text as a CDATA section (nothing for "").
func (x *xmlWriter) cdataElem(name, text string) {
	x.open(name)
	x.gt()
	if text != "" {
		x.w.WriteString("<![CDATA[")
		for {
			before, after, ok := strings.Cut(text, "]]>")
			if !ok {
				break
			}
			x.w.WriteString(before)
			x.w.WriteString("]]]]><![CDATA[>")
			text = after
		}
		x.w.WriteString(text)
		x.w.WriteString("]]>")
	}
	x.close(name)
}

// escapes indexes the replacement of each ASCII byte that needs one; the
// text column is what HexEscapes makes of encoding/xml's escapes.
var escapes = func() (t [128][2]string) {
	for c, s := range map[byte][2]string{
		'"': {"&#34;", "&#34;"}, '\'': {"&#39;", "&#39;"},
		'&': {"&amp;", "&#x26;"}, '<': {"&lt;", "&#x3C;"}, '>': {"&gt;", "&#x3E;"},
		'\t': {"&#x9;", "&#x9;"}, '\n': {"&#xA;", "&#xA;"}, '\r': {"&#xD;", "&#xD;"},
	} {
		t[c] = s
	}
	return t
}()

// escape writes s escaped as element text (text) or an attribute value.
func (x *xmlWriter) escape(s string, text bool) {
	col := 0
	if text {
		col = 1
	}
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && escapes[c][0] == "" {
				i++
				continue
			}
			x.w.WriteString(s[last:i])
			if e := escapes[c][col]; e != "" {
				x.w.WriteString(e)
			} else {
				x.w.WriteString("\uFFFD")
			}
			i++
			last = i
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || !inCharacterRange(r) {
			x.w.WriteString(s[last:i])
			x.w.WriteString("\uFFFD")
			i += n
			last = i
			continue
		}
		i += n
	}
	x.w.WriteString(s[last:])
}

// inCharacterRange is encoding/xml's isInCharacterRange for r >= 0x80.
func inCharacterRange(r rune) bool {
	return r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// write writes the document in the element order of the structs in xml.go.
func (d *rssDoc) write(x *xmlWriter) {
	x.open("rss")
	x.attr("version", d.Version)
	x.attr("xmlns:itunes", d.NSiTunes)
	x.attr("xmlns:podcast", d.NSPodcast)
	x.attr("xmlns:atom", d.NSAtom)
	x.attr("xmlns:content", d.NSContent)
	x.gt()
	d.Channel.write(x)
	x.close("rss")
}

func (c *channel) write(x *xmlWriter) {
	x.open("channel")
	x.gt()
	x.elem("title", c.Title)
	x.cdataElem("description", c.Description.Text)
	x.elemOpt("link", c.Link)
	x.elem("language", c.Language)
	x.elemOpt("copyright", c.Copyright)
	x.elemOpt("generator", c.Generator)
	x.elemOpt("lastBuildDate", c.LastBuildDate)
	x.elemOpt("pubDate", c.PubDate)
	if im := c.Image; im != nil {
		x.open("image")
		x.gt()
		x.elem("url", im.URL)
		x.elem("title", im.Title)
		x.elem("link", im.Link)
		x.close("image")
	}
	for _, l := range c.AtomLinks {
		x.open("atom:link")
		x.attr("href", l.Href)
		x.attr("rel", l.Rel)
		x.attrOpt("type", l.Type)
		x.gt()
		x.close("atom:link")
	}
	x.elemOpt("itunes:author", c.IAuthor)
	if o := c.IOwner; o != nil {
		x.open("itunes:owner")
		x.gt()
		x.elemOpt("itunes:name", o.Name)
		x.elemOpt("itunes:email", o.Email)
		x.close("itunes:owner")
	}
	if im := c.IImage; im != nil {
		im.write(x, "itunes:image")
	}
	for i := range c.ICategories {
		c.ICategories[i].write(x)
	}
	x.elem("itunes:explicit", c.IExplicit)
	x.elemOpt("itunes:type", c.IType)
	x.elemOpt("itunes:new-feed-url", c.INewFeedURL)
	x.elemOpt("itunes:block", c.IBlock)
	x.elemOpt("itunes:complete", c.IComplete)
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
	x.close("channel")
}

// writePodcasting writes the channel's Podcasting 2.0 tags, in the order
// the golden feeds fix.
func (c *channel) writePodcasting(x *xmlWriter) {
	x.elemOpt("podcast:guid", c.PGUID)
	if l := c.PLocked; l != nil {
		x.open("podcast:locked")
		x.attrOpt("owner", l.Owner)
		x.gt()
		x.escape(l.Value, true)
		x.close("podcast:locked")
	}
	x.elem("podcast:medium", c.PMedium)
	for _, f := range c.PFunding {
		x.open("podcast:funding")
		x.attr("url", f.URL)
		x.gt()
		x.escape(f.Text, true)
		x.close("podcast:funding")
	}
	writePersons(x, c.PPersons)
	for _, t := range c.PTxt {
		x.open("podcast:txt")
		x.attrOpt("purpose", t.Purpose)
		x.gt()
		x.escape(t.Value, true)
		x.close("podcast:txt")
	}
	if l := c.PLicense; l != nil {
		x.open("podcast:license")
		x.attrOpt("url", l.URL)
		x.gt()
		x.escape(l.Name, true)
		x.close("podcast:license")
	}
	for _, t := range c.PTrailers {
		x.open("podcast:trailer")
		x.attr("url", t.URL)
		x.attr("pubdate", t.PubDate)
		x.attrOpt("length", t.Length)
		x.attrOpt("type", t.Type)
		x.attrOpt("season", t.Season)
		x.gt()
		x.escape(t.Title, true)
		x.close("podcast:trailer")
	}
	if u := c.PUpdateFrequency; u != nil {
		x.open("podcast:updateFrequency")
		x.attrOpt("rrule", u.RRule)
		x.attrOpt("complete", u.Complete)
		x.attrOpt("dtstart", u.DTStart)
		x.gt()
		x.escape(u.Text, true)
		x.close("podcast:updateFrequency")
	}
}

func (h *hrefElem) write(x *xmlWriter, name string) {
	x.open(name)
	x.attr("href", h.Href)
	x.gt()
	x.close(name)
}

func (c *category) write(x *xmlWriter) {
	x.open("itunes:category")
	x.attr("text", c.Text)
	x.gt()
	if c.Sub != nil {
		c.Sub.write(x)
	}
	x.close("itunes:category")
}

func writePersons(x *xmlWriter, ps []person) {
	for _, p := range ps {
		x.open("podcast:person")
		x.attrOpt("role", p.Role)
		x.attrOpt("group", p.Group)
		x.attrOpt("img", p.Img)
		x.attrOpt("href", p.Href)
		x.gt()
		x.escape(p.Name, true)
		x.close("podcast:person")
	}
}

func (it *item) write(x *xmlWriter) {
	x.open("item")
	x.gt()
	x.elem("title", it.Title)
	x.elemOpt("itunes:title", it.ITitle)
	x.elemOpt("link", it.Link)
	x.open("guid")
	x.attr("isPermaLink", it.GUID.IsPermaLink)
	x.gt()
	x.escape(it.GUID.Value, true)
	x.close("guid")
	x.elemOpt("pubDate", it.PubDate)
	if d := it.Description; d != nil {
		x.cdataElem("description", d.Text)
	}
	if c := it.Content; c != nil {
		x.cdataElem("content:encoded", c.Text)
	}
	x.open("enclosure")
	x.attr("url", it.Enclosure.URL)
	x.attr("length", it.Enclosure.Length)
	x.attr("type", it.Enclosure.Type)
	x.gt()
	x.close("enclosure")
	x.elemOpt("itunes:duration", it.IDuration)
	if im := it.IImage; im != nil {
		im.write(x, "itunes:image")
	}
	x.elem("itunes:explicit", it.IExplicit)
	x.elemOpt("itunes:episode", it.IEpisode)
	x.elemOpt("itunes:season", it.ISeason)
	x.elemOpt("itunes:episodeType", it.IEpisodeType)
	x.elemOpt("itunes:author", it.IAuthor)
	x.elemOpt("podcast:season", it.PSeason)
	x.elemOpt("podcast:episode", it.PEpisode)
	for _, t := range it.PTranscripts {
		x.open("podcast:transcript")
		x.attr("url", t.URL)
		x.attr("type", t.Type)
		x.attrOpt("language", t.Language)
		x.attrOpt("rel", t.Rel)
		x.gt()
		x.close("podcast:transcript")
	}
	if c := it.PChapters; c != nil {
		x.open("podcast:chapters")
		x.attr("url", c.URL)
		x.attr("type", c.Type)
		x.gt()
		x.close("podcast:chapters")
	}
	writePersons(x, it.PPersons)
	for _, a := range it.PAlternates {
		x.open("podcast:alternateEnclosure")
		x.attr("type", a.Type)
		x.attrOpt("length", a.Length)
		x.attrOpt("bitrate", a.Bitrate)
		x.attrOpt("height", a.Height)
		x.attrOpt("codecs", a.Codecs)
		x.attrOpt("title", a.Title)
		x.attrOpt("default", a.Default)
		x.gt()
		for _, s := range a.Sources {
			x.open("podcast:source")
			x.attr("uri", s.URI)
			x.gt()
			x.close("podcast:source")
		}
		if in := a.Integrity; in != nil {
			x.open("podcast:integrity")
			x.attr("type", in.Type)
			x.attr("value", in.Value)
			x.gt()
			x.close("podcast:integrity")
		}
		x.close("podcast:alternateEnclosure")
	}
	x.close("item")
}
