package feedcheck

import (
	"strconv"

	"github.com/feedpub/feedpub/feeds/internal/spec"
)

// nsMediaRSS is Media RSS, which the review feeds use for a video link.
const nsMediaRSS = spec.NSMedia

// mediaRSS checks the Media RSS elements of an RSS item or Atom entry
// (kind, which names the rules):
// each media:content (alone or in a media:group) needs an absolute url,
// and its medium, duration, width and height must be what the Media RSS
// specification allows; media:player and media:thumbnail need a url.
func (r *report) mediaRSS(where, kind string, item *node) {
	contents := item.all(nsMediaRSS, "content")
	for _, g := range item.all(nsMediaRSS, "group") {
		contents = append(contents, g.all(nsMediaRSS, "content")...)
	}
	for _, c := range contents {
		if !isHTTP(c.attrOr("url")) {
			r.add(where, kind+".media:content", "media:content needs an absolute http(s) url, got %q", c.attrOr("url"))
		}
		switch m, ok := c.attr("medium"); {
		case !ok:
		case m == "image" || m == "audio" || m == "video" || m == "document" || m == "executable":
		default:
			r.add(where, kind+".media:content", "medium %q: want image, audio, video, document or executable", m)
		}
		for _, a := range []string{"duration", "width", "height", "fileSize", "bitrate"} {
			if v, ok := c.attr(a); ok {
				if n, err := strconv.ParseInt(v, 10, 64); err != nil || n < 0 {
					r.add(where, kind+".media:content", "%s %q: want a whole number", a, v)
				}
			}
		}
		r.mediaURLs(where, kind, c)
	}
	r.mediaURLs(where, kind, item)
	for _, g := range item.all(nsMediaRSS, "group") {
		r.mediaURLs(where, kind, g)
	}
}

// mediaURLs checks the media:player and media:thumbnail children of n.
func (r *report) mediaURLs(where, kind string, n *node) {
	for _, name := range []string{"player", "thumbnail"} {
		for _, p := range n.all(nsMediaRSS, name) {
			if !isHTTP(p.attrOr("url")) {
				r.add(where, kind+".media:"+name, "media:%s needs an absolute http(s) url, got %q", name, p.attrOr("url"))
			}
		}
	}
}
