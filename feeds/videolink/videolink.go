// Package videolink reads links to videos that live on a video platform
// (YouTube, Vimeo) or on any web page: an entry's video review that is not
// a file feedpub publishes, so never an enclosure. It derives what the
// feeds and the preview need from the URL alone (the player to embed, the
// platform's default thumbnail), and matches a channel's public feed to
// the site's reviews for `feedpub import --video-channel`.
package videolink

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/feedpub/feedpub/config/safehttp"
)

// Platforms of a Link.
const (
	YouTube = "youtube"
	Vimeo   = "vimeo"
)

// Link is a video on a platform or a page, as the feeds carry it.
type Link struct {
	Page     string // the URL as written: where a reader watches the video
	Platform string // YouTube, Vimeo, or "" for a page of another site
	ID       string // the platform's video ID; "" for a page
	// Embed is the player to put in an iframe; "" for a page, which has
	// none that feedpub knows of.
	Embed string
	// Thumbnail is the platform's own still of the video when it has one
	// at a URL known from the ID alone (YouTube); "" otherwise.
	Thumbnail string
}

var platformHosts = map[string]string{
	"youtube.com":      YouTube,
	"www.youtube.com":  YouTube,
	"m.youtube.com":    YouTube,
	"youtu.be":         YouTube,
	"vimeo.com":        Vimeo,
	"www.vimeo.com":    Vimeo,
	"player.vimeo.com": Vimeo,
}

// IsPlatform reports whether raw is a URL on a known video platform's
// host, however malformed the rest of it: such a URL is a video link,
// never a media file.
func IsPlatform(raw string) bool {
	u, err := url.Parse(strings.TrimSpace(raw))
	return err == nil && platformHosts[strings.ToLower(u.Hostname())] != ""
}

var (
	youTubeID = regexp.MustCompile(`^[A-Za-z0-9_-]{11}$`)
	vimeoID   = regexp.MustCompile(`^[0-9]{1,15}$`)
	vimeoHash = regexp.MustCompile(`^[0-9a-f]{6,40}$`)
)

// Parse checks raw, an absolute http(s) URL, and derives the Link: on
// YouTube or Vimeo it must name one video; with page set, any other site's
// page is taken as it is. Errors say what was expected.
func Parse(raw string, page bool) (Link, error) {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil {
		return Link{}, fmt.Errorf("%q is not a URL: %v", raw, errors.Unwrap(err))
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" || u.User != nil {
		return Link{}, fmt.Errorf("%q: want an absolute http(s) URL such as https://www.youtube.com/watch?v=ID", raw)
	}
	if msg := safehttp.HostProblem(u); msg != "" {
		return Link{}, fmt.Errorf("%q has %s", raw, msg)
	}
	l := Link{Page: raw, Platform: platformHosts[strings.ToLower(u.Hostname())]}
	switch l.Platform {
	case YouTube:
		if l.ID = youTubeVideo(u); l.ID == "" {
			return Link{}, fmt.Errorf("%q names no YouTube video: want https://www.youtube.com/watch?v=ID or https://youtu.be/ID (an 11-character ID)", raw)
		}
		l.Embed = "https://www.youtube-nocookie.com/embed/" + l.ID
		l.Thumbnail = "https://i.ytimg.com/vi/" + l.ID + "/hqdefault.jpg"
	case Vimeo:
		id, hash := vimeoVideo(u)
		if id == "" {
			return Link{}, fmt.Errorf("%q names no Vimeo video: want https://vimeo.com/ID (a number)", raw)
		}
		l.ID, l.Embed = id, "https://player.vimeo.com/video/"+id
		if hash != "" {
			// An unlisted video plays only with its hash.
			l.Embed += "?h=" + hash
		}
	default:
		if !page {
			return Link{}, fmt.Errorf("%q is not on a video platform feedpub knows (YouTube, Vimeo): add page: true to link it as a web page, or use file: for a video file", raw)
		}
	}
	return l, nil
}

// youTubeVideo returns the video ID of a YouTube URL, or "".
func youTubeVideo(u *url.URL) string {
	segs := strings.Split(strings.Trim(u.EscapedPath(), "/"), "/")
	var id string
	switch {
	case strings.EqualFold(u.Hostname(), "youtu.be"):
		id = segs[0]
	case len(segs) == 1 && segs[0] == "watch":
		id = u.Query().Get("v")
	case len(segs) == 2 && (segs[0] == "embed" || segs[0] == "shorts" || segs[0] == "live" || segs[0] == "v"):
		id = segs[1]
	}
	if !youTubeID.MatchString(id) {
		return ""
	}
	return id
}

// vimeoVideo returns the video ID of a Vimeo URL and the hash of an
// unlisted one, or "".
func vimeoVideo(u *url.URL) (id, hash string) {
	segs := strings.Split(strings.Trim(u.EscapedPath(), "/"), "/")
	switch {
	case strings.EqualFold(u.Hostname(), "player.vimeo.com"):
		if len(segs) == 2 && segs[0] == "video" {
			id, hash = segs[1], u.Query().Get("h")
		}
	case len(segs) == 1 || len(segs) == 2 && vimeoHash.MatchString(segs[1]):
		id = segs[0]
		if len(segs) == 2 {
			hash = segs[1]
		}
	case len(segs) == 3 && segs[0] == "channels",
		len(segs) == 4 && segs[0] == "groups" && segs[2] == "videos":
		id = segs[len(segs)-1]
	}
	if !vimeoID.MatchString(id) || hash != "" && !vimeoHash.MatchString(hash) {
		return "", ""
	}
	return id, hash
}
