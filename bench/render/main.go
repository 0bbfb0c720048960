// Command render compares feedpub's podcast encoder (feeds/podcast.Render)
// with github.com/eduncan911/podcast and github.com/gorilla/feeds on the
// same items: each renders the same N items (title, link, GUID, a ~7 KB
// HTML review, an MP3 enclosure, a date and a duration) from plain values
// to bytes, three times, and it prints a Markdown table of output size,
// time, MB/s of output, items/s and bytes allocated per render.
//
// It is a module of its own (bench/render/go.mod), so feedpub never
// depends on the libraries it is compared with. Run it from bench/render:
//
//	go run . [-n 10000] [-runs 3] [-cpuprofile FILE] [-memprofile FILE]
//
// The profiles cover feedpub's renders only.
//
// What each writes for an item's body: feedpub, the HTML as
// <description> (Apple's tag subset) and as <content:encoded>, both CDATA;
// eduncan911/podcast has only <description> (the HTML escaped as text);
// gorilla/feeds, the HTML as <description> and <content:encoded>. So the
// output sizes differ; items/s compares the work per item, MB/s the
// encoder's throughput.
package main

import (
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"time"

	eduncan "github.com/eduncan911/podcast"
	"github.com/gorilla/feeds"

	fp "github.com/feedpub/feedpub/feeds"
	"github.com/feedpub/feedpub/feeds/podcast"
	"github.com/feedpub/feedpub/feeds/xmltext"
)

// item is the plain data every library renders.
type item struct {
	Title, Link, GUID, Summary, HTML string
	URL                              string
	Length                           int64
	Date                             time.Time
	Duration                         time.Duration
}

func items(n int) []item {
	out := make([]item, n)
	start := time.Date(1990, 1, 1, 9, 0, 0, 0, time.UTC)
	for i := range out {
		r := rand.New(rand.NewPCG(uint64(i), 0x5eed))
		slug := fmt.Sprintf("film-%05d", i)
		out[i] = item{
			Title:    fmt.Sprintf("Episode %d: %s", i+1, sentence(r, 6)),
			Link:     "https://bench.example/reviews/" + slug + "/",
			GUID:     "https://bench.example/reviews/" + slug + "/#audio",
			Summary:  sentence(r, 24),
			HTML:     html(r),
			URL:      "https://media.bench.example/media/" + slug + ".mp3",
			Length:   20_000_000 + int64(r.IntN(40_000_000)),
			Date:     start.Add(time.Duration(n-i) * 24 * time.Hour), // newest first
			Duration: time.Duration(1800+r.IntN(3600)) * time.Second,
		}
	}
	return out
}

var words = strings.Fields(`film cinema frame shot scene light shadow actor director camera
lens story script dialogue silence score music editing montage performance character
memory city night river road summer winter house window mirror family stranger journey
return escape secret letter slow quiet patient bold tender luminous strange final first
watch remember forget follow colour grain rhythm pace tone mood genre verdict season
the the the a a a of of of and and and in in to to with with is is that but as for on`)

func sentence(r *rand.Rand, n int) string {
	ws := make([]string, n)
	for k := range ws {
		ws[k] = words[r.IntN(len(words))]
	}
	s := strings.Join(ws, " ")
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

// html is a ~7 KB review: paragraphs with some emphasis, links, a list and
// a few characters XML must escape.
func html(r *rand.Rand) string {
	var b strings.Builder
	for p := 0; b.Len() < 7000; p++ {
		if p == 5 {
			b.WriteString("<h2>Verdict</h2>\n<ul>\n")
			for range 3 {
				b.WriteString("<li>" + sentence(r, 8) + "</li>\n")
			}
			b.WriteString("</ul>\n")
		}
		b.WriteString("<p>")
		for s := range 7 {
			if s > 0 {
				b.WriteString(" ")
			}
			txt := sentence(r, 10+r.IntN(8))
			switch r.IntN(10) {
			case 0:
				txt = "<strong>" + txt + "</strong>"
			case 1:
				txt = "<em>" + txt + "</em>"
			case 2:
				txt = `<a href="https://bench.example/notes/?a=1&amp;b=2">` + txt + "</a>"
			case 3:
				txt = "Q&amp;A: " + txt
			}
			b.WriteString(txt)
		}
		b.WriteString("</p>\n")
	}
	return b.String()
}

// A renderer turns the items into a feed written to w; setup, when set,
// runs once before the timed renders.
type renderer struct {
	name   string
	render func(w io.Writer, its []item) error
	setup  func(its []item)
}

var renderers = []renderer{
	{name: "feedpub feeds/podcast.Render, warm (each review's sanitised forms made once, as every build after the first reads them from its cache)", render: renderFeedpubWarm, setup: setupWarm},
	{name: "feedpub feeds/podcast.Render, cold (each review sanitised during the render, as in a first build)", render: renderFeedpub},
	{name: "github.com/eduncan911/podcast v1.4.2", render: renderEduncan},
	{name: "github.com/gorilla/feeds v1.2.0 (WriteRss)", render: renderGorilla},
}

// warm is the show renderFeedpubWarm renders again and again, taking the
// sanitised forms of its entries' HTML from warmForms, a memo filled once
// by setupWarm, as feedpub's entry cache hands them out after the first
// build.
var (
	warm      *fp.Show
	warmForms *memo
)

func setupWarm(its []item) {
	warm, warmForms = show(its), newMemo(len(its))
	for _, e := range warm.Items {
		warmForms.Safe(e)
		warmForms.Apple(e)
	}
}

func renderFeedpubWarm(w io.Writer, _ []item) error {
	_, err := podcast.Render(w, warm, podcast.WithForms(warmForms))
	return err
}

func renderFeedpub(w io.Writer, its []item) error {
	_, err := podcast.Render(w, show(its), podcast.WithForms(newMemo(len(its))))
	return err
}

// memo is the fp.Forms of a rendered show: each entry's two forms made in
// one pass (xmltext.Forms) when first asked for, as feedpub's entry cache
// makes them in a first build, then kept.
type memo struct {
	mu    sync.Mutex
	forms map[*fp.Entry][2]string
}

func newMemo(n int) *memo { return &memo{forms: make(map[*fp.Entry][2]string, n)} }

func (m *memo) get(e *fp.Entry) [2]string {
	m.mu.Lock()
	defer m.mu.Unlock()
	f, ok := m.forms[e]
	if !ok {
		f[0], f[1] = xmltext.Forms(e.HTML)
		m.forms[e] = f
	}
	return f
}

func (m *memo) Safe(e *fp.Entry) string  { return m.get(e)[0] }
func (m *memo) Apple(e *fp.Entry) string { return m.get(e)[1] }

// show is the items as feedpub's model of a podcast.
func show(its []item) *fp.Show {
	s := &fp.Show{
		Medium: fp.Audio, Key: "podcast.xml", URL: "https://media.bench.example/podcast.xml",
		Title: "Bench Verdicts Podcast", Description: "Two critics, one film, every day.",
		Link: "https://bench.example/", Language: "en", Author: "Bench Verdicts",
		OwnerName: "Bench Verdicts", OwnerEmail: "editor@bench.example",
		Image:      "https://media.bench.example/artwork/cover.jpg",
		Categories: []fp.Category{{Name: "TV & Film", Sub: "Film Reviews"}},
		Type:       "episodic", GUID: "ead4c236-bf58-58c6-a2c6-a6b28d128cb6",
		Updated: its[0].Date, Generator: "feedpub bench",
	}
	s.Items = make([]*fp.Entry, len(its))
	for i, it := range its {
		s.Items[i] = &fp.Entry{
			GUID: it.GUID, Title: it.Title, Link: it.Link, Date: it.Date, Updated: it.Date,
			Author: "Ada Critic", Summary: it.Summary, HTML: it.HTML,
			Audio: &fp.Episode{Type: "full", Enclosure: fp.Enclosure{
				URL: it.URL, Type: "audio/mpeg", Length: it.Length, Duration: it.Duration,
			}},
		}
	}
	return s
}

func renderEduncan(w io.Writer, its []item) error {
	updated := its[0].Date
	p := eduncan.New("Bench Verdicts Podcast", "https://bench.example/", "Two critics, one film, every day.", &updated, &updated)
	p.Language = "en"
	p.AddAuthor("Bench Verdicts", "editor@bench.example")
	p.AddImage("https://media.bench.example/artwork/cover.jpg")
	p.AddCategory("TV & Film", []string{"Film Reviews"})
	p.AddAtomLink("https://media.bench.example/podcast.xml")
	for _, it := range its {
		e := eduncan.Item{Title: it.Title, Link: it.Link, GUID: it.GUID, Description: it.HTML}
		e.AddPubDate(&it.Date)
		e.AddEnclosure(it.URL, eduncan.MP3, it.Length)
		e.AddDuration(int64(it.Duration / time.Second))
		if _, err := p.AddItem(e); err != nil {
			return err
		}
	}
	return p.Encode(w)
}

func renderGorilla(w io.Writer, its []item) error {
	f := &feeds.Feed{
		Title: "Bench Verdicts Podcast", Link: &feeds.Link{Href: "https://bench.example/"},
		Description: "Two critics, one film, every day.",
		Author:      &feeds.Author{Name: "Bench Verdicts", Email: "editor@bench.example"},
		Updated:     its[0].Date,
		Image:       &feeds.Image{Url: "https://media.bench.example/artwork/cover.jpg", Title: "Bench Verdicts Podcast", Link: "https://bench.example/"},
	}
	f.Items = make([]*feeds.Item, len(its))
	for i, it := range its {
		f.Items[i] = &feeds.Item{
			Title: it.Title, Link: &feeds.Link{Href: it.Link}, Id: it.GUID,
			Description: it.HTML, Content: it.HTML, Created: it.Date,
			Enclosure: &feeds.Enclosure{Url: it.URL, Type: "audio/mpeg", Length: fmt.Sprint(it.Length)},
		}
	}
	return f.WriteRss(w)
}

// countingWriter discards what it is given and counts it.
type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

type run struct {
	bytes int64
	d     time.Duration
	alloc uint64
}

func main() {
	n := flag.Int("n", 10000, "items per feed")
	runs := flag.Int("runs", 3, "renders per library")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of feedpub's renders to `FILE`")
	memprofile := flag.String("memprofile", "", "write an allocation profile of feedpub's renders to `FILE`")
	flag.Parse()
	if *memprofile != "" {
		runtime.MemProfileRate = 64 << 10
	} else {
		runtime.MemProfileRate = 0 // allocation sampling off: it is not free
	}
	its := items(*n)
	var in int
	for _, it := range its {
		in += len(it.HTML)
	}
	fmt.Printf("Rendering %d items (HTML body %.1f KB on average) with each library, %d times; the median run:\n\n",
		*n, float64(in)/float64(*n)/1e3, *runs)
	fmt.Println("| library | output | time | MB/s of output | items/s | allocated per render | runs (s) |")
	fmt.Println("|---|---:|---:|---:|---:|---:|---|")
	for i, r := range renderers {
		profile := i == 0
		if r.setup != nil {
			r.setup(its)
		}
		if profile && *cpuprofile != "" {
			f, err := os.Create(*cpuprofile)
			if err != nil {
				fail(err)
			}
			if err := pprof.StartCPUProfile(f); err != nil {
				fail(err)
			}
		}
		var rs []run
		for range *runs {
			runtime.GC()
			var m0, m1 runtime.MemStats
			runtime.ReadMemStats(&m0)
			w := &countingWriter{}
			start := time.Now()
			if err := r.render(w, its); err != nil {
				fail(fmt.Errorf("%s: %w", r.name, err))
			}
			d := time.Since(start)
			runtime.ReadMemStats(&m1)
			rs = append(rs, run{bytes: w.n, d: d, alloc: m1.TotalAlloc - m0.TotalAlloc})
		}
		if profile && *cpuprofile != "" {
			pprof.StopCPUProfile()
		}
		if profile && *memprofile != "" {
			f, err := os.Create(*memprofile)
			if err != nil {
				fail(err)
			}
			if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
				fail(err)
			}
			f.Close()
			runtime.MemProfileRate = 0
		}
		each := make([]string, len(rs))
		for i, x := range rs {
			each[i] = fmt.Sprintf("%.2f", x.d.Seconds())
		}
		slices.SortFunc(rs, func(a, b run) int { return int(a.d - b.d) })
		m := rs[len(rs)/2]
		fmt.Printf("| %s | %.1f MB | %.2f s | %.0f | %.0f | %.0f MB | %s |\n",
			r.name, float64(m.bytes)/1e6, m.d.Seconds(), float64(m.bytes)/1e6/m.d.Seconds(),
			float64(*n)/m.d.Seconds(), float64(m.alloc)/1e6, strings.Join(each, ", "))
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "render:", err)
	os.Exit(1)
}
