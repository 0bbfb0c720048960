package podcast

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/feedpub/feedpub/feeds"
	"github.com/feedpub/feedpub/feeds/feedtest"
)

// renderReference is Render as it was before write.go: the document
// encoded by encoding/xml, then xmltext.HexEscapes. Render must produce
// exactly these bytes.
func renderReference(t testing.TB, s *feeds.Show) []byte {
	t.Helper()
	r := newRenderer(s, nil)
	doc, err := r.document()
	if err != nil {
		t.Fatalf("document: %v", err)
	}
	return feedtest.EncodingXML(t, doc, true)
}

func checkSame(t *testing.T, name string, s *feeds.Show) {
	t.Helper()
	want := renderReference(t, s)
	var got bytes.Buffer
	if _, err := Render(&got, s); err != nil {
		t.Fatalf("%s: Render: %v", name, err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		g, w := got.Bytes(), want
		i := 0
		for i < len(g) && i < len(w) && g[i] == w[i] {
			i++
		}
		lo := max(0, i-120)
		t.Fatalf("%s: Render differs from encoding/xml at byte %d:\ngot  %q\nwant %q", name, i,
			g[lo:min(len(g), i+120)], w[lo:min(len(w), i+120)])
	}
}

// TestWriterMatchesEncodingXML renders the test catalogs, and shows of
// random and hostile strings, with Render and with the encoding/xml
// reference and wants the same bytes.
func TestWriterMatchesEncodingXML(t *testing.T) {
	for _, c := range []*feeds.Catalog{feedtest.ExampleCatalog(), feedtest.AdversarialCatalog()} {
		checkSame(t, "podcast", c.Podcast)
		checkSame(t, "video", c.Video)
	}
	n := 10000
	if testing.Short() {
		n = 500
	}
	for seed := range uint64(4) {
		r := rand.New(rand.NewPCG(seed, 0xfeed))
		checkSame(t, fmt.Sprintf("random show %d", seed), randomShow(r, n/4, seed%2 == 0))
	}
}

func randomShow(r *rand.Rand, n int, audio bool) *feeds.Show {
	str := func(k int) string { return feedtest.RandomString(r, k) }
	start := time.Date(2001, 2, 3, 4, 5, 6, 0, time.FixedZone("", -5*3600))
	s := &feeds.Show{
		Medium: feeds.Audio, Key: "podcast.xml", URL: "https://e.x/podcast.xml?" + str(4),
		Title: str(20), Description: str(60), Link: "https://e.x/" + str(3), Language: str(2),
		Copyright: str(5), Generator: str(3), Updated: start, Author: str(8),
		OwnerName: str(4), OwnerEmail: str(3), Image: "https://e.x/a.jpg?" + str(3),
		Categories: []feeds.Category{{Name: "TV & Film", Sub: "Film Reviews"}, {Name: "Arts"}},
		Type:       "episodic", GUID: str(3), Explicit: r.IntN(2) == 0, Block: r.IntN(2) == 0,
		Hubs:    []string{"https://hub.e.x/" + str(3)},
		Funding: []feeds.Funding{{URL: "https://e.x/f?" + str(2), Text: str(5)}},
		Persons: []feeds.Person{{Name: str(4), Role: str(1), Group: str(1), Img: str(1), Href: str(1)}},
		Txt:     []feeds.Txt{{Purpose: str(2), Value: str(5)}},
		License: &feeds.License{URL: str(2), Name: str(3)},
		UpdateFrequency: &feeds.UpdateFrequency{
			RRule: str(2), Text: str(3), Complete: true, DTStart: start,
		},
	}
	if !audio {
		s.Medium = feeds.Video
	}
	for i := range n {
		ep := func(typ string) *feeds.Episode {
			return &feeds.Episode{
				Type: typ, Title: str(3), Number: r.IntN(3), Season: r.IntN(3), Explicit: r.IntN(2) == 0,
				Enclosure: feeds.Enclosure{
					URL: "https://m.e.x/" + str(2), Type: "audio/mpeg", Length: r.Int64N(1 << 30),
					Duration: time.Duration(r.IntN(10000)) * time.Second, Codecs: str(1),
					Bitrate: r.IntN(3) * 64000, Height: r.IntN(2) * 720,
					SHA256: strings.Repeat("ab", 32*r.IntN(2)),
				},
				Transcripts: []feeds.Transcript{{URL: "https://e.x/t" + str(2), Type: "text/vtt", Language: str(1), Rel: str(1)}},
				Chapters:    &feeds.Link{URL: "https://e.x/c" + str(1)},
				Persons:     []feeds.Person{{Name: str(3), Role: str(1)}},
			}
		}
		e := &feeds.Entry{
			GUID: fmt.Sprintf("g%d", i) + str(2), Title: str(12), Link: "https://e.x/r/" + str(2),
			Date: start.Add(-time.Duration(i) * time.Hour), Author: str(3), Summary: str(20),
			HTML: str(200), Image: str(1),
		}
		e.Audio = ep("full")
		if r.IntN(2) == 0 {
			e.Video = ep("bonus")
		}
		if !audio && e.Video == nil {
			e.Video = ep("")
		}
		s.Items = append(s.Items, e)
	}
	return s
}
