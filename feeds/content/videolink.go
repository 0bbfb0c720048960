package content

import (
	"bytes"
	"math"
	"regexp"
	"strings"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/config/diag"
	"github.com/feedpub/feedpub/config/safehttp"
	"github.com/feedpub/feedpub/feeds/videolink"
)

// VideoLink is an entry's video review where it already lives: a video
// platform (YouTube, Vimeo) or, with page: true, any web page. It is never
// an enclosure: the review feeds carry it as a link with a player, the
// podcast feeds leave it out.
type VideoLink struct {
	URL      string  // checked by videolink.Parse
	Page     bool    // page: true, a web page not on a known platform
	Title    string  // "" means the entry's title
	Duration float64 // seconds; 0 when not given
	// Thumbnail is a slash path relative to the site folder (an image
	// feedpub publishes) or an absolute http(s) URL; "" for none.
	Thumbnail string
}

// ThumbnailFile is the thumbnail's path in the site when it is a local
// image, or "" when it is a URL or not given.
func (v *VideoLink) ThumbnailFile() string {
	if v == nil || v.Thumbnail == "" || safehttp.LooksLikeURL(v.Thumbnail) {
		return ""
	}
	return v.Thumbnail
}

// linkOnly are the keys of a media block that describe a file and mean
// nothing for a video link.
var linkOnly = []string{"file", "season", "episode", "episode_type", "explicit", "chapters", "transcripts", "persons"}

// takeVideoLink takes the video link out of the front matter: a video.url
// on a video platform, or with page: true. fm.Video is then nil, so no
// check or feed takes the link for a media file; any other url is a
// remote media file and left in place. It reports every key of the block
// that does not fit a link, and link keys given to a media file.
func takeVideoLink(ps *diag.Problems, file string, fm *frontMatter, lines map[string]int, c config.Content) *VideoLink {
	line := func(f string) int {
		if l := lines[f]; l > 0 {
			return l
		}
		return lines[strings.SplitN(f, ".", 2)[0]]
	}
	if a := fm.Audio; a != nil {
		if videolink.IsPlatform(a.URL) {
			ps.Errorf("FP230", file, line("audio.url"), "audio.url", "%q is a video platform's page, not an audio file: put it under video: (video: {url: ...})", a.URL)
			a.URL = ""
		}
		for _, k := range []string{"page", "thumbnail"} {
			if _, set := lines["audio."+k]; set {
				ps.Errorf("FP231", file, line("audio."+k), "audio."+k, "%s: belongs to a video link (video: {url: ..., %s: ...}), not to audio", k, k)
			}
		}
	}
	v := fm.Video
	if v == nil {
		return nil
	}
	if !v.Page && !videolink.IsPlatform(v.URL) {
		// A media file, local or remote: link keys do not apply.
		for _, k := range []string{"page", "thumbnail"} {
			if _, set := lines["video."+k]; set && (k != "page" || v.URL == "") {
				ps.Errorf("FP231", file, line("video."+k), "video."+k, "%s: belongs to a video link (a url: on YouTube or Vimeo, or page: true), not to a video file", k)
			}
		}
		return nil
	}
	fm.Video = nil
	if strings.TrimSpace(v.URL) == "" {
		ps.Errorf("FP207", file, line("video"), "video.url", "required with page: true: the web page of the video review")
		return nil
	}
	l := &VideoLink{URL: strings.TrimSpace(v.URL), Page: v.Page, Title: strings.TrimSpace(v.Title), Thumbnail: strings.TrimSpace(v.Thumbnail)}
	if _, err := videolink.Parse(l.URL, l.Page); err != nil {
		ps.Errorf("FP230", file, line("video.url"), "video.url", "%v", err)
	}
	for _, k := range linkOnly {
		if _, set := lines["video."+k]; !set {
			continue
		}
		if k == "file" {
			ps.Errorf("FP231", file, line("video.file"), "video.file", "a video link (url: %s) and a video file are both given: keep one (a second video goes in an entry of its own)", l.URL)
			continue
		}
		ps.Errorf("FP231", file, line("video."+k), "video."+k, "%s: describes a video file, not a video link (a link has url, title, duration, thumbnail and page)", k)
	}
	if t := l.Thumbnail; safehttp.LooksLikeURL(t) {
		if _, err := safehttp.CheckURL(t); err != nil {
			ps.Errorf("FP230", file, line("video.thumbnail"), "video.thumbnail", "%v (or a path to an image in the site, such as artwork/thumb.jpg)", err)
			l.Thumbnail = ""
		}
	}
	l.Duration = linkDuration(ps, file, line("video.duration"), v.Duration, c)
	return l
}

// linkDuration checks a video link's duration: the same bounds as a media
// file's duration:, which has a file to fall back on.
func linkDuration(ps *diag.Problems, file string, line int, d float64, c config.Content) float64 {
	maxDur := c.DurationMax
	if maxDur <= 0 {
		maxDur = config.DefaultDurationMax
	}
	switch {
	case d < 0 || math.IsNaN(d) || math.IsInf(d, 0):
		ps.Errorf("FP203", file, line, "video.duration", "want seconds, got %v", d)
		return 0
	case d >= maxDur:
		ps.Errorf("FP203", file, line, "video.duration", "want seconds below %s (%v s), got %v; raise content.duration_max for longer videos", hours(maxDur), maxDur, d)
		return 0
	}
	return d
}

// flowURL is an unquoted URL with a query in a one-line mapping, as in
// video: {url: https://www.youtube.com/watch?v=ID}: YAML allows it, the
// parser feedpub uses does not.
var flowURL = regexp.MustCompile(`\{[^}]*:\s*https?://[^\s"',}]*\?`)

// flowURLHint is advice for a YAML error on line n (1-based) of the front
// matter fm when that line holds such a URL, else "".
func flowURLHint(fm []byte, n int) string {
	lines := bytes.Split(fm, []byte("\n"))
	if n < 1 || n > len(lines) || !flowURL.Match(lines[n-1]) {
		return ""
	}
	return ` (in a {...} mapping, quote a URL that has a "?": url: "https://www.youtube.com/watch?v=ID")`
}
