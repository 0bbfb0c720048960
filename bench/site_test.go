package bench

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The generated site (see genSite): a review outlet of n entries, one a day
// from 1990, each with a ~1,200-word review; audio on 80% of them, video on
// 30%, chapters and transcripts on some. Every media file has content of its
// own (a copy of one of the example's files with a distinct tag appended),
// so nothing is deduplicated by content. The same n gives the same bytes.
type genSite struct {
	Dir    string // the site folder
	Config string // its feedpub.yaml
	N      int    // entries
	Audio  int    // entries with audio
	Video  int    // entries with video
	Files  int    // media, chapters and transcript files

	ex    string // the example site
	mp3   []byte
	mp4   []byte
	chaps []byte
	vtt   []byte
}

var genStart = time.Date(1990, 1, 1, 9, 0, 0, 0, time.UTC)

// genStep keeps every date in the past however large n is.
func genStep(n int) time.Duration {
	step := 24 * time.Hour
	if max := 30 * 365 * 24 * time.Hour / time.Duration(n+2); max < step {
		step = max
	}
	return step
}

// genConfig: the media are small low-bitrate copies (FP313, FP314 ignored),
// the addresses on .example (FP137 ignored), and the feeds carry the whole
// catalogue on purpose (no size budget).
const genConfig = `ignore: [FP313, FP314, FP137]
site:
  title: Bench Verdicts
  description: A generated catalogue of film reviews.
  link: https://bench.example/
  base_url: https://media.bench.example/
  language: en
  author: Bench Verdicts
  email: editor@bench.example
  image: artwork/cover.jpg
content:
  dir: reviews
podcast:
  path: podcast.xml
  title: Bench Verdicts Podcast
  description: Two critics, one film, every day.
  categories: ["TV & Film > Film Reviews"]
  limit: 0
  size_budget: 0
video:
  path: video.xml
  title: Bench Verdicts Video
  description: Video reviews.
  categories: ["TV & Film > Film Reviews"]
  limit: 0
  size_budget: 0
reviews:
  rss: reviews.xml
  atom: reviews.atom
  json: reviews.json
  limit: 50
  link: "https://bench.example/reviews/{slug}/"
publish:
  concurrency: 16
`

// generate writes a site of n entries into dir.
func generate(tb testing.TB, dir string, n int) *genSite {
	tb.Helper()
	g := &genSite{Dir: dir, N: n, ex: filepath.Join("..", "examples", "reelverdicts")}
	read := func(p string) []byte {
		b, err := os.ReadFile(filepath.Join(g.ex, p))
		if err != nil {
			tb.Fatal(err)
		}
		return b
	}
	// heroine.mp3 is 5.5 s and heroine.mp4 4 s; the example's chapters and
	// transcript of heroine end at 4 s, so they fit both.
	g.mp3, g.mp4 = read("media/heroine.mp3"), read("media/heroine.mp4")
	g.chaps, g.vtt = read("media/heroine.chapters.json"), read("media/heroine.en.vtt")
	for _, d := range []string{"media", "artwork", "reviews"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			tb.Fatal(err)
		}
	}
	g.write(tb, "artwork/cover.jpg", read("artwork/cover.jpg"))
	g.Config = filepath.Join(dir, "feedpub.yaml")
	g.write(tb, "feedpub.yaml", []byte(genConfig))
	step := genStep(n)
	for i := range n {
		g.entry(tb, i, genStart.Add(time.Duration(i)*step))
	}
	return g
}

// addEntry adds entry number N (an audio episode dated after every other
// one) and returns its slug.
func (g *genSite) addEntry(tb testing.TB) string {
	tb.Helper()
	i := g.N
	g.N++
	// i%5 == 1: audio, no video, no chapters or transcripts.
	for i%5 != 1 {
		i++
	}
	g.entry(tb, i, genStart.Add(time.Duration(g.N)*genStep(g.N-1)))
	return slug(i)
}

func (g *genSite) write(tb testing.TB, rel string, b []byte) {
	tb.Helper()
	if err := os.WriteFile(filepath.Join(g.Dir, rel), b, 0o644); err != nil {
		tb.Fatal(err)
	}
}

func slug(i int) string { return fmt.Sprintf("film-%05d", i) }

// entry writes entry i: its review and its media.
func (g *genSite) entry(tb testing.TB, i int, date time.Time) {
	s := slug(i)
	r := rand.New(rand.NewPCG(uint64(i), 0x5eed))
	hasAudio, hasVideo := i%5 != 0, i%10 < 3
	var fm strings.Builder
	title := titleWords(r)
	fmt.Fprintf(&fm, "---\ntitle: %q\ndate: %s\nauthor: %s\n", title+": "+phrase(r, 5), date.Format(time.RFC3339), critics[i%len(critics)])
	fmt.Fprintf(&fm, "summary: %q\n", sentence(r, 24))
	fmt.Fprintf(&fm, "rating: %.1f\n", float64(1+r.IntN(9))/2)
	fmt.Fprintf(&fm, "film: {title: %q, year: %d, director: %q, platform: %s}\n",
		title, 1950+r.IntN(75), titleWords(r), platforms[r.IntN(len(platforms))])
	fmt.Fprintf(&fm, "tags: [%s, %s]\n", words[r.IntN(len(words))], words[r.IntN(len(words))])
	if hasAudio {
		g.Audio++
		g.Files++
		g.write(tb, "media/"+s+".mp3", withID3v1(g.mp3, s))
		fmt.Fprintf(&fm, "audio:\n  file: media/%s.mp3\n  season: %d\n  episode: %d\n", s, 1+i/1000, 1+i%1000)
		if i%4 == 1 {
			g.Files++
			g.write(tb, "media/"+s+".chapters.json", []byte(strings.Replace(string(g.chaps), "Introduction", "Introduction to "+s, 1)))
			fmt.Fprintf(&fm, "  chapters: media/%s.chapters.json\n", s)
		}
		if i%3 == 1 {
			g.Files++
			g.write(tb, "media/"+s+".en.vtt", g.transcript(s))
			fmt.Fprintf(&fm, "  transcripts: [{file: media/%s.en.vtt, language: en}]\n", s)
		}
	}
	if hasVideo {
		g.Video++
		g.Files++
		g.write(tb, "media/"+s+".mp4", withFreeBox(g.mp4, s))
		fmt.Fprintf(&fm, "video:\n  file: media/%s.mp4\n  season: %d\n  episode: %d\n", s, 1+i/1000, 1+i%1000)
		if i%2 == 0 {
			if i%3 != 1 || !hasAudio {
				g.Files++
				g.write(tb, "media/"+s+".en.vtt", g.transcript(s))
			}
			fmt.Fprintf(&fm, "  transcripts: [{file: media/%s.en.vtt, language: en, rel: captions}]\n", s)
		}
	}
	fm.WriteString("---\n")
	fm.WriteString(review(r))
	g.write(tb, "reviews/"+s+".md", []byte(fm.String()))
}

func (g *genSite) transcript(s string) []byte {
	return []byte(strings.Replace(string(g.vtt), "Welcome to Reel Verdicts.", "Welcome to Bench Verdicts, "+s+".", 1))
}

// withID3v1 appends an ID3v1 tag naming id: the MP3 probe stops the audio
// before it, so the file stays valid and its bytes differ from every other.
func withID3v1(mp3 []byte, id string) []byte {
	tag := make([]byte, 128)
	copy(tag, "TAG")
	copy(tag[3:33], id)       // title
	copy(tag[33:63], "Bench") // artist
	tag[127] = 255            // no genre
	return append(append([]byte(nil), mp3...), tag...)
}

// withFreeBox appends a top-level MP4 "free" box holding id.
func withFreeBox(mp4 []byte, id string) []byte {
	box := make([]byte, 8, 8+len(id))
	binary.BigEndian.PutUint32(box, uint32(8+len(id)))
	copy(box[4:], "free")
	box = append(box, id...)
	return append(append([]byte(nil), mp4...), box...)
}

var critics = []string{"Ada Critic", "Ben Reviewer", "Cleo Stalls", "Dev Projection"}

var platforms = []string{"Netflix", "MUBI", "Cinema", "BFI Player", "Criterion"}

var words = strings.Fields(`film cinema frame shot scene light shadow actor actress director
camera lens story script dialogue silence score music editing montage close-up wide
performance character memory city night river road summer winter house window mirror
family father mother daughter son stranger lover friend rival war peace border
journey return escape secret letter photograph train station harbour island desert forest
slow quiet patient restless bold tender brutal luminous strange familiar final first
watch remember forget follow lose find build break hold carry open close
colour grain texture rhythm pace tone mood genre thriller comedy drama documentary western
noir romance horror debut sequel remake festival audience critic verdict season episode
beautiful difficult honest generous precise elegant clumsy fierce gentle haunting
moment hour year decade century morning evening dawn dusk rain snow wind sea
the the the a a a of of of and and and in in to to with with is is
its its that that but but as as for for on on by by from from`)

func titleWords(r *rand.Rand) string {
	n := 1 + r.IntN(3)
	ws := make([]string, n)
	for k := range ws {
		w := words[r.IntN(len(words))]
		ws[k] = strings.ToUpper(w[:1]) + w[1:]
	}
	return strings.Join(ws, " ")
}

func phrase(r *rand.Rand, n int) string {
	ws := make([]string, n)
	for k := range ws {
		ws[k] = words[r.IntN(len(words))]
	}
	return strings.Join(ws, " ")
}

func sentence(r *rand.Rand, n int) string {
	p := phrase(r, n)
	return strings.ToUpper(p[:1]) + p[1:] + "."
}

// review is ~1,200 words of Markdown: twelve paragraphs of about a hundred
// words, with some emphasis, a link and a list.
func review(r *rand.Rand) string {
	var b strings.Builder
	for p := range 12 {
		if p == 6 {
			b.WriteString("## " + titleWords(r) + "\n\n")
			for range 3 {
				b.WriteString("- " + sentence(r, 8) + "\n")
			}
			b.WriteString("\n")
		}
		for s := range 7 {
			if s > 0 {
				b.WriteString(" ")
			}
			txt := sentence(r, 10+r.IntN(8))
			switch r.IntN(10) {
			case 0:
				txt = "**" + txt + "**"
			case 1:
				txt = "*" + txt + "*"
			case 2:
				txt = txt[:len(txt)-1] + " ([more](https://bench.example/notes/" + words[r.IntN(len(words))] + "/))."
			}
			b.WriteString(txt)
		}
		b.WriteString("\n\n")
	}
	return b.String()
}
