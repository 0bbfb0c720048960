package feeds

import (
	"time"

	"github.com/feedpub/feedpub/feeds/content"
	"github.com/feedpub/feedpub/feeds/videolink"
)

// VideoLink is an entry's video review where it already lives (a video
// platform or a web page), as the review feeds and the preview show it.
type VideoLink struct {
	Page     string // absolute URL of the page where the video plays
	Embed    string // the player's URL, for an iframe; "" for a page
	Title    string // the video's title, else the entry's
	Duration time.Duration
	// Thumbnail is the still's absolute URL ("" for none): the published
	// local image, the URL given, or the platform's own.
	Thumbnail    string
	ThumbnailKey string // the published image's object key; "" for a URL
}

// videoLink makes the model of a content entry's video link, titled
// title unless it has a title of its own; nil when
// there is none or its URL was reported as invalid.
func (in *Input) videoLink(v *content.VideoLink, title string) *VideoLink {
	if v == nil {
		return nil
	}
	l, err := videolink.Parse(v.URL, v.Page)
	if err != nil {
		return nil // content.Parse reported it
	}
	out := &VideoLink{Page: l.Page, Embed: l.Embed, Title: or(clean(v.Title), title),
		Duration: time.Duration(v.Duration * float64(time.Second)), Thumbnail: l.Thumbnail}
	if f := v.ThumbnailFile(); f != "" {
		out.Thumbnail, out.ThumbnailKey = in.assetURL(f), in.key(f)
	} else if v.Thumbnail != "" {
		out.Thumbnail = v.Thumbnail
	}
	return out
}
