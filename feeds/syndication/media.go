package syndication

import (
	"html"
	"strconv"

	"github.com/feedpub/feedpub/feeds"
	"github.com/feedpub/feedpub/feeds/internal/spec"
	"github.com/feedpub/feedpub/feeds/internal/xmlw"
	"github.com/feedpub/feedpub/feeds/xmltext"
)

// NSMedia is Media RSS, which RSS and Atom readers know for video: a
// video link is written with it, since it is no enclosure.
const NSMedia = spec.NSMedia

// mediaNS is the Media RSS declaration for the root element when an item
// carries a video link, else "": a feed without one keeps the bytes it had
// before video links existed, so an upgrade republishes nothing.
func mediaNS(items []*feeds.Entry) string {
	for _, e := range items {
		if e.VideoLink != nil {
			return NSMedia
		}
	}
	return ""
}

// mediaContent is Media RSS's media:content for a video link: the page
// where it plays, the player to embed, the title and the still. Its
// children are written inside it, so they describe that video only.
type mediaContent struct {
	URL       string      `xml:"url,attr"`
	Type      string      `xml:"type,attr"`
	Medium    string      `xml:"medium,attr"`
	Duration  string      `xml:"duration,attr,omitempty"`
	Player    mediaURL    `xml:"media:player"`
	Title     *mediaTitle `xml:"media:title"`
	Thumbnail *mediaURL   `xml:"media:thumbnail"`
}

type mediaURL struct {
	URL string `xml:"url,attr"`
}

type mediaTitle struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

// videoContent is the media:content of the entry's video link, or nil.
func videoContent(e *feeds.Entry) *mediaContent {
	v := e.VideoLink
	if v == nil {
		return nil
	}
	page := xmltext.Clean(v.Page)
	mc := &mediaContent{URL: page, Type: "text/html", Medium: "video", Player: mediaURL{URL: page}}
	if embed := xmltext.Clean(v.Embed); embed != "" {
		mc.Player.URL = embed
	}
	if d := seconds(v.Duration); d > 0 {
		mc.Duration = strconv.FormatInt(d, 10)
	}
	if t := xmltext.Line(v.Title); t != "" {
		mc.Title = &mediaTitle{Type: "plain", Text: t}
	}
	if th := xmltext.Clean(v.Thumbnail); th != "" {
		mc.Thumbnail = &mediaURL{URL: th}
	}
	return mc
}

func (mc *mediaContent) write(x *xmlw.Writer) {
	x.Open("media:content")
	x.Attr("url", mc.URL)
	x.Attr("type", mc.Type)
	x.Attr("medium", mc.Medium)
	x.AttrOpt("duration", mc.Duration)
	x.Gt()
	x.Open("media:player")
	x.Attr("url", mc.Player.URL)
	x.Gt()
	x.Close("media:player")
	if t := mc.Title; t != nil {
		x.TextElem("media:title", "type", t.Type, t.Text)
	}
	if th := mc.Thumbnail; th != nil {
		x.Open("media:thumbnail")
		x.Attr("url", th.URL)
		x.Gt()
		x.Close("media:thumbnail")
	}
	x.Close("media:content")
}

// reviewHTML is the entry's review as the review feeds carry it: its safe
// HTML (from forms), then a link to its video, if any. Readers drop
// iframes, so the player is a link, in every reader, rather than an embed
// in few.
func reviewHTML(forms feeds.Forms, e *feeds.Entry) string {
	h := forms.Safe(e)
	v := e.VideoLink
	if h == "" || v == nil {
		return h
	}
	return h + "\n<p>Watch the video review: <a href=\"" + html.EscapeString(xmltext.Clean(v.Page)) + "\">" +
		html.EscapeString(xmltext.Line(v.Title)) + "</a></p>"
}
