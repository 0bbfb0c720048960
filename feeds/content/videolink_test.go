package content

import (
	"strconv"
	"strings"
	"testing"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/config/diag"
)

func parseText(t *testing.T, src string) (*Entry, diag.Problems) {
	t.Helper()
	return Parse("reviews/x.md", []byte(src), NewMarkdown(), config.Default().Content)
}

func TestVideoLink(t *testing.T) {
	e, ps := parseText(t, "---\ntitle: Aftersun\ndate: 2026-10-30\nvideo:\n  url: https://www.youtube.com/watch?v=dQw4w9WgXcQ\n  title: In ninety seconds\n  duration: 95\n  thumbnail: artwork/aftersun-thumb.jpg\n---\nThe review.\n")
	if len(ps) != 0 {
		t.Fatalf("problems: %v", ps)
	}
	if e.Video != nil {
		t.Errorf("a video link is no video file: Video = %+v", e.Video)
	}
	want := VideoLink{URL: "https://www.youtube.com/watch?v=dQw4w9WgXcQ", Title: "In ninety seconds", Duration: 95, Thumbnail: "artwork/aftersun-thumb.jpg"}
	if e.VideoLink == nil || *e.VideoLink != want {
		t.Fatalf("VideoLink = %+v, want %+v", e.VideoLink, want)
	}
	if f := e.VideoLink.ThumbnailFile(); f != "artwork/aftersun-thumb.jpg" {
		t.Errorf("ThumbnailFile = %q", f)
	}

	e, ps = parseText(t, "---\ntitle: A\ndate: 2026-10-30\nvideo: {url: https://reelverdicts.example/v/a, page: true, thumbnail: https://cdn.example/a.jpg}\n---\nText.\n")
	if len(ps) != 0 || e.VideoLink == nil || !e.VideoLink.Page || e.VideoLink.ThumbnailFile() != "" {
		t.Errorf("page link: %+v %v", e.VideoLink, ps)
	}

	// Any other url is a media file elsewhere (not a link): left in Video.
	e, ps = parseText(t, "---\ntitle: A\ndate: 2026-10-30\nvideo: {url: https://old-host.example/a.mp4}\n---\nText.\n")
	if e.VideoLink != nil || e.Video == nil || e.Video.URL != "https://old-host.example/a.mp4" {
		t.Errorf("remote file: link %+v video %+v (%v)", e.VideoLink, e.Video, ps)
	}
}

func TestVideoLinkProblems(t *testing.T) {
	for _, c := range []struct {
		name, fm string
		want     []string // rule, line and field of each problem, in order
	}{
		{"no ID", "video: {url: \"https://www.youtube.com/watch?v=\"}", []string{"FP230:4:video.url"}},
		{"unparseable", "video:\n  url: \"https://www.you tube.com/x\"\n  page: true", []string{"FP230:5:video.url"}},
		{"not a platform", "video: {url: https://example.com/v, thumbnail: t.jpg}", []string{"FP231:4:video.thumbnail"}},
		{"file and link", "video:\n  file: media/a.mp4\n  url: https://vimeo.com/76979871\n  season: 2", []string{"FP231:5:video.file", "FP231:7:video.season"}},
		{"page without url", "video: {page: true, title: T}", []string{"FP207:4:video.url"}},
		{"bad thumbnail", "video: {url: https://youtu.be/dQw4w9WgXcQ, thumbnail: \"ftp://x/a.jpg\"}", []string{"FP230:4:video.thumbnail"}},
		{"bad duration", "video:\n  url: https://youtu.be/dQw4w9WgXcQ\n  duration: -3", []string{"FP203:6:video.duration"}},
		{"platform as audio", "audio:\n  url: https://youtu.be/dQw4w9WgXcQ\n  thumbnail: a.jpg", []string{"FP230:5:audio.url", "FP231:6:audio.thumbnail"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, ps := parseText(t, "---\ntitle: A\ndate: 2026-10-30\n"+c.fm+"\n---\nText.\n")
			var got []string
			for _, p := range ps {
				if p.Rule == "FP207" && (p.Field == "audio.file" || p.Field == "video.file") {
					continue // the other half of remote media, not this test's
				}
				got = append(got, p.Rule+":"+itoa(p.Line)+":"+p.Field)
				if p.Msg == "" || p.File != "reviews/x.md" {
					t.Errorf("problem without message or file: %+v", p)
				}
			}
			if strings.Join(got, " ") != strings.Join(c.want, " ") {
				t.Errorf("got %v, want %v\n%v", got, c.want, ps)
			}
		})
	}
}

func TestVideoLinkAloneIsNothingToPublish(t *testing.T) {
	_, ps := parseText(t, "---\ntitle: A\ndate: 2026-10-30\nvideo: {url: https://youtu.be/dQw4w9WgXcQ}\n---\n")
	if len(ps) != 1 || ps[0].Rule != "FP211" || !strings.Contains(ps[0].Msg, "a video link goes with a written review") {
		t.Errorf("got %v", ps)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestVideoLinkWithoutReviewTextIsInNoFeed(t *testing.T) {
	_, ps := parseText(t, "---\ntitle: A\ndate: 2026-10-30\naudio: {file: media/a.mp3}\nvideo:\n  url: https://youtu.be/dQw4w9WgXcQ\n---\n")
	if len(ps) != 1 || ps[0].Rule != "FP232" || ps[0].Severity != diag.Warning || ps[0].Line != 6 || ps[0].Field != "video.url" {
		t.Errorf("got %v", ps)
	}
}

// The YAML parser refuses an unquoted URL with "?" in a flow mapping, the
// form a YouTube link takes on one line: the error says to quote it.
func TestVideoLinkUnquotedInFlowMapping(t *testing.T) {
	_, ps := parseText(t, "---\ntitle: A\ndate: 2026-10-30\nvideo: {url: https://www.youtube.com/watch?v=dQw4w9WgXcQ}\n---\nText.\n")
	if len(ps) != 1 || ps[0].Rule != "FP205" || ps[0].Line != 4 || !strings.Contains(ps[0].Msg, `quote a URL that has a "?"`) {
		t.Errorf("got %v", ps)
	}
	e, ps := parseText(t, "---\ntitle: A\ndate: 2026-10-30\nvideo: {url: \"https://www.youtube.com/watch?v=dQw4w9WgXcQ\"}\n---\nText.\n")
	if len(ps) != 0 || e.VideoLink == nil {
		t.Errorf("quoted: %v %v", e.VideoLink, ps)
	}
	_, ps = parseText(t, "---\ntitle: A\ndate: [2026\n---\nText.\n")
	if len(ps) != 1 || strings.Contains(ps[0].Msg, "quote a URL") {
		t.Errorf("other YAML error: %v", ps)
	}
}
