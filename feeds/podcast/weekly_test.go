package podcast_test

import (
	"bytes"
	"encoding/xml"
	"regexp"
	"strings"
	"testing"

	"github.com/feedpub/feedpub/feeds"
	"github.com/feedpub/feedpub/feeds/feedcheck"
	"github.com/feedpub/feedpub/feeds/feedtest"
)

func TestHubsDeclared(t *testing.T) {
	s := feedtest.ExampleCatalog().Podcast
	s.Hubs = []string{"https://hub.example/", "https://pubsubhubbub.appspot.com/"}
	out, _ := render(t, s, feeds.Site{})
	for _, h := range s.Hubs {
		if want := `<atom:link href="` + h + `" rel="hub"></atom:link>`; !bytes.Contains(out, []byte(want)) {
			t.Errorf("no %s in\n%s", want, out)
		}
	}
	if !bytes.Contains(out, []byte(`rel="self" type="application/rss+xml"`)) {
		t.Error("the self link is gone")
	}
	if errs := feedcheck.CheckPodcast(out); len(errs) > 0 {
		t.Errorf("feed with hubs breaks the rules: %v", errs)
	}
}

// attrs returns every value of attribute attr in the feed, in order.
func attrs(t *testing.T, feed []byte, elem, attr string) []string {
	t.Helper()
	var out []string
	dec := xml.NewDecoder(bytes.NewReader(feed))
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == elem {
			for _, a := range se.Attr {
				if a.Name.Local == attr {
					out = append(out, a.Value)
				}
			}
		}
	}
	return out
}

func TestEnclosurePrefix(t *testing.T) {
	for _, m := range []feeds.Medium{feeds.Audio, feeds.Video} {
		cat := feedtest.ExampleCatalog()
		s := cat.Podcast
		if m == feeds.Video {
			s = cat.Video
		}
		plain, _ := render(t, s, cat.Site)
		s.EnclosurePrefix = "https://op3.dev/e/"
		prefixed, _ := render(t, s, cat.Site)

		encs := attrs(t, prefixed, "enclosure", "url")
		srcs := attrs(t, prefixed, "source", "uri")
		if len(encs) == 0 {
			t.Fatalf("%s: no enclosures", m)
		}
		for _, u := range append(encs, srcs...) {
			if rest, ok := strings.CutPrefix(u, "https://op3.dev/e/"); !ok || strings.Contains(rest, "://") {
				t.Errorf("%s: media URL %s lacks the prefix (or kept its scheme)", m, u)
			}
		}
		for i, u := range attrs(t, plain, "enclosure", "url") {
			if want := feeds.PrefixURL("https://op3.dev/e/", u); encs[i] != want {
				t.Errorf("%s: enclosure %s, want %s", m, encs[i], want)
			}
		}
		// Only the media URLs moved: removing the prefix from them gives
		// back the unprefixed feed byte for byte (GUIDs, integrity, art).
		undone := regexp.MustCompile(`https://op3\.dev/e/`).ReplaceAll(prefixed, []byte("https://"))
		if !bytes.Equal(undone, plain) {
			t.Errorf("%s: the prefix changed more than the media URLs", m)
		}
	}
}

func TestPrefixURL(t *testing.T) {
	for _, c := range []struct{ prefix, in, want string }{
		{"https://op3.dev/e/", "https://media.example/media/x.mp3", "https://op3.dev/e/media.example/media/x.mp3"},
		{"https://op3.dev/e/", "http://media.example/x.mp3", "https://op3.dev/e/http://media.example/x.mp3"},
		{"", "https://media.example/x.mp3", "https://media.example/x.mp3"},
	} {
		if got := feeds.PrefixURL(c.prefix, c.in); got != c.want {
			t.Errorf("PrefixURL(%q, %q) = %q, want %q", c.prefix, c.in, got, c.want)
		}
	}
}
