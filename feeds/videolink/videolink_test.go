package videolink

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, c := range []struct {
		raw       string
		page      bool
		embed     string
		thumbnail string
	}{
		{"https://www.youtube.com/watch?v=dQw4w9WgXcQ", false, "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ", "https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg"},
		{"https://m.youtube.com/watch?v=dQw4w9WgXcQ&t=42s", false, "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ", "https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg"},
		{"https://youtu.be/dQw4w9WgXcQ?si=x", false, "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ", "https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg"},
		{"https://youtube.com/shorts/dQw4w9WgXcQ", false, "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ", "https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg"},
		{"https://www.youtube.com/embed/dQw4w9WgXcQ", true, "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ", "https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg"},
		{"https://vimeo.com/76979871", false, "https://player.vimeo.com/video/76979871", ""},
		{"https://vimeo.com/76979871/8a1b2c3d4e", false, "https://player.vimeo.com/video/76979871?h=8a1b2c3d4e", ""},
		{"https://vimeo.com/channels/staffpicks/76979871", false, "https://player.vimeo.com/video/76979871", ""},
		{"https://player.vimeo.com/video/76979871", false, "https://player.vimeo.com/video/76979871", ""},
		{"https://reelverdicts.example/videos/aftersun", true, "", ""},
	} {
		l, err := Parse(c.raw, c.page)
		if err != nil {
			t.Errorf("%s: %v", c.raw, err)
			continue
		}
		if l.Page != c.raw || l.Embed != c.embed || l.Thumbnail != c.thumbnail {
			t.Errorf("%s: got %+v, want embed %q thumbnail %q", c.raw, l, c.embed, c.thumbnail)
		}
	}
}

func TestParseRefuses(t *testing.T) {
	for _, c := range []struct {
		raw  string
		page bool
		want string
	}{
		{"https://www.youtube.com/watch", false, "names no YouTube video"},
		{"https://www.youtube.com/watch?v=short", false, "names no YouTube video"},
		{"https://www.youtube.com/channel/UCabcdefghijklmnopqrstuv", false, "names no YouTube video"},
		{"https://youtu.be/", false, "names no YouTube video"},
		{"https://vimeo.com/about", false, "names no Vimeo video"},
		{"https://example.com/video", false, "add page: true"},
		{"ftp://example.com/video", true, "want an absolute http(s) URL"},
		{"www.youtube.com/watch?v=dQw4w9WgXcQ", false, "want an absolute http(s) URL"},
		{"https://www.you tube.com/", false, "is not a URL"},
		{"https://user:pw@vimeo.com/1", false, "want an absolute http(s) URL"},
		// A page's host is held to what the feeds' other URLs are.
		{"https://reviews.example.com:99999/film", true, "port 99999, outside 1 to 65535"},
		{"https://reviews..example.com/film", true, "is not a host name"},
		{"https://bücher.example/film", true, `feeds must carry as "xn--bcher-kva.example"`},
		{"https://reviews.example.com:/film", true, "an empty port"},
	} {
		_, err := Parse(c.raw, c.page)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error with %q", c.raw, err, c.want)
		}
	}
}

func TestIsPlatform(t *testing.T) {
	for raw, want := range map[string]bool{
		"https://WWW.YouTube.com/watch?v=x": true,
		"https://youtu.be/x":                true,
		"https://player.vimeo.com/video/1":  true,
		"https://old-host.example/ep1.mp3":  false,
		"https://youtube.com.evil.example/": false,
		"media/heroine.mp4":                 false,
	} {
		if got := IsPlatform(raw); got != want {
			t.Errorf("IsPlatform(%q) = %v", raw, got)
		}
	}
}
