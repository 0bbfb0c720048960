package content

import (
	"net/url"
	"strings"

	"github.com/feedpub/feedpub/config/diag"
	"github.com/feedpub/feedpub/config/safehttp"
)

// checkSource checks where a media version comes from: a file of the site
// (file:) or a media file on another host (url:), one of the two. Chapters
// and transcripts may be URLs too.
func checkSource(ps *diag.Problems, file, name string, m *Media, line func(string) int) {
	f, u := strings.TrimSpace(m.File), strings.TrimSpace(m.URL)
	switch {
	case f == "" && u == "":
		ps.Errorf("FP207", file, line(name), name+".file", "required inside %s: the media file, e.g. media/episode.mp3 (or url: for a file on another host)", name)
	case f != "" && u != "":
		ps.Errorf("FP210", file, line(name+".url"), name+".url", "set file: or url:, not both")
		m.URL = ""
	case u != "":
		if _, err := safehttp.CheckURL(u); err != nil {
			ps.Errorf("FP202", file, line(name+".url"), name+".url", "%v", err)
			m.URL = ""
		}
	}
	if badURL(ps, file, name+".chapters", m.Chapters, line) {
		m.Chapters = ""
	}
}

// badURL reports a chapters or transcript reference written as a URL that
// feedpub cannot read (not http or https).
func badURL(ps *diag.Problems, file, field, v string, line func(string) int) bool {
	if !safehttp.LooksLikeURL(v) {
		return false
	}
	if _, err := safehttp.CheckURL(v); err != nil {
		ps.Errorf("FP202", file, line(field), field, "%v", err)
		return true
	}
	return false
}

// Name is the media as messages name it: its file, or its URL without the
// query, which may hold a token.
func (m *Media) Name() string {
	if m.File != "" {
		return m.File
	}
	u, err := url.Parse(m.URL)
	if err != nil {
		return "its url:"
	}
	return safehttp.Redact(u)
}
