package content

import (
	"crypto/sha256"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/config/diag"
)

func parse(t *testing.T, src string) (*Entry, string) {
	t.Helper()
	e, ps := Parse("reviews/x.md", []byte(src), NewMarkdown(), config.Default().Content)
	var msgs []string
	for _, p := range ps {
		msgs = append(msgs, p.Error())
	}
	return e, strings.Join(msgs, "\n")
}

func TestParseFullEntry(t *testing.T) {
	e, probs := parse(t, `---
title: "  Heroin(e): a small film  "
date: 2026-11-20
author: Ada Critic
rating: 3.5
film: {title: "Heroin(e)", year: 2017}
tags: [documentary, " netflix ", ""]
audio:
  file: media/heroine.mp3
  season: 3
  episode: 42
  transcripts: [{file: media/heroine.en.vtt, language: en}]
---
First *paragraph* with a [link](https://example.com) and `+"`code`"+`.

Second paragraph.
`)
	if probs != "" {
		t.Fatalf("problems: %s", probs)
	}
	if e.Title != "Heroin(e): a small film" || e.Slug != "x" {
		t.Errorf("title %q slug %q", e.Title, e.Slug)
	}
	if !e.Date.Equal(time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("date %v", e.Date)
	}
	if e.Rating == nil || *e.Rating != 3.5 {
		t.Errorf("rating %v", e.Rating)
	}
	if strings.Join(e.Tags, ",") != "documentary,netflix" {
		t.Errorf("tags %q", e.Tags)
	}
	if e.Summary != "First paragraph with a link and code." {
		t.Errorf("summary from first paragraph: %q", e.Summary)
	}
	if !strings.Contains(e.HTML, "<em>paragraph</em>") || !strings.Contains(e.HTML, `<a href="https://example.com">`) {
		t.Errorf("html %q", e.HTML)
	}
	if e.Audio == nil || e.Audio.EpisodeType != "full" || e.Audio.Episode != 42 || len(e.Audio.Transcripts) != 1 {
		t.Errorf("audio %+v", e.Audio)
	}
	if e.Line("audio.file") != 9 {
		t.Errorf("line of audio.file = %d, want 9", e.Line("audio.file"))
	}
}

func TestParseReportsEveryProblemWithLines(t *testing.T) {
	_, probs := parse(t, `---
title: ""
date: next tuesday
rating: 9
audio:
  season: -1
  episode_type: special
---
Body.
`)
	for _, want := range []string{
		"reviews/x.md:2: title: required",
		"reviews/x.md:3: date:",
		"reviews/x.md:4: rating: want 0–5 in steps of 0.5, got 9",
		"reviews/x.md:5: audio.file: required",
		"reviews/x.md:6: audio.season",
		"reviews/x.md:7: audio.episode_type",
	} {
		if !strings.Contains(probs, want) {
			t.Errorf("missing %q in:\n%s", want, probs)
		}
	}
}

func TestParseUnknownFieldAndTypes(t *testing.T) {
	_, probs := parse(t, "---\ntitle: x\ndate: 2026-01-01\nratng: 4\n---\nBody\n")
	if !strings.Contains(probs, "reviews/x.md:4") || !strings.Contains(probs, `"ratng"`) || !strings.Contains(probs, `"rating"`) {
		t.Errorf("typo message: %s", probs)
	}
	_, probs = parse(t, "---\ntitle: x\ndate: 2026-01-01\nrating: four\n---\nBody\n")
	if !strings.Contains(probs, "reviews/x.md:4") || !strings.Contains(probs, `rating: want a number, got "four"`) {
		t.Errorf("type message: %s", probs)
	}
}

func TestParseNoFrontMatterAndHalfRatings(t *testing.T) {
	if _, probs := parse(t, "# Just Markdown\n"); !strings.Contains(probs, "no front matter") {
		t.Errorf("got %q", probs)
	}
	if _, probs := parse(t, "---\ntitle: x\ndate: 2026-01-01\nrating: 3.3\n---\nB\n"); !strings.Contains(probs, "got 3.3") {
		t.Errorf("3.3 accepted: %q", probs)
	}
	if _, probs := parse(t, "---\ntitle: x\ndate: 2026-01-01\n---\n"); !strings.Contains(probs, "nothing to publish") {
		t.Errorf("empty entry accepted: %q", probs)
	}
}

func TestSummaryIsPlainText(t *testing.T) {
	e, _ := parse(t, "---\ntitle: x\ndate: 2026-01-01\n---\nCeline Song's \"debut\" -- a *love* story & more.\n")
	if want := "Celine Song’s “debut” – a love story & more."; e.Summary != want {
		t.Errorf("summary %q, want %q", e.Summary, want)
	}
}

func TestRawHTMLIsNotPassedThrough(t *testing.T) {
	e, _ := parse(t, "---\ntitle: x\ndate: 2026-01-01\n---\nHello <script>alert(1)</script> there\n")
	if strings.Contains(e.HTML, "<script>") {
		t.Errorf("raw HTML passed through: %q", e.HTML)
	}
}

func TestParseDate(t *testing.T) {
	for in, want := range map[string]time.Time{
		"2026-11-20":                time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC),
		"2026-11-20T09:00:00Z":      time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC),
		"2026-11-20T10:00:00+01:00": time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC),
	} {
		got, err := ParseDate(in)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseDate(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseDate("20/11/2026"); err == nil {
		t.Error("20/11/2026 accepted")
	}
}

func TestLoadDirSortedAndAllProblems(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "reviews")
	os.MkdirAll(filepath.Join(dir, "sub"), 0o755)
	os.WriteFile(filepath.Join(dir, "b.md"), []byte("---\ntitle: B\ndate: 2026-01-02\n---\nB body\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "sub", "a.md"), []byte("---\ntitle: A\ndate: 2026-01-01\nrating: 9\n---\nA body\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "c.md"), []byte("---\ntitle: C\ndate: 2026-01-01\nrating: 7\n---\nC\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("ignored"), 0o644)
	entries, ps := Load(root, config.Content{Dir: "reviews"}, nil)
	if len(entries) != 3 {
		t.Fatalf("got %d entries", len(entries))
	}
	if entries[0].File != "reviews/b.md" || entries[2].File != "reviews/sub/a.md" {
		t.Errorf("order: %s %s %s", entries[0].File, entries[1].File, entries[2].File)
	}
	if len(ps.Errors()) != 2 {
		t.Errorf("want both rating errors in one run, got %v", ps)
	}
	if abs, _ := Load(root, config.Content{Dir: dir}, nil); len(abs) != 3 {
		t.Errorf("absolute content.dir inside the site: %d entries", len(abs))
	}
	if out, ps := Load(t.TempDir(), config.Content{Dir: dir}, nil); len(out) != 0 || !strings.Contains(ps.Err().Error(), "content.dir: the content folder is outside the site folder") {
		t.Errorf("content.dir outside the site: %d entries, %v", len(out), ps)
	}
	if _, ps := Load(root, config.Content{Dir: "missing"}, nil); !ps.HasErrors() {
		t.Error("missing content dir accepted")
	}
}

// FuzzParse feeds arbitrary bytes to the entry parser: it must never panic,
// must return an entry or an error, and must allocate in proportion to its
// input.
func FuzzParse(f *testing.F) {
	f.Add([]byte("---\ntitle: x\ndate: 2026-01-01\n---\nbody"))
	f.Add([]byte("---\naudio: {file: a.mp3, transcripts: [{file: t.vtt}]}\n---\n"))
	f.Add([]byte("---\n---\n"))
	f.Add([]byte("---\ntitle: x\n\tdate: 2026-01-01\ntitle: y\n"))
	f.Add([]byte("---\ntitle: x\ndate: 0000-01-01\naudio: {file: a, season: 1.5, duration: 1e300}\n---\n\xff"))
	f.Add([]byte("---\na: &a [*a, *a]\nb: &b [*a, *a]\nc: [*b, *b]\n---\n"))
	f.Add([]byte("---\ntitle: x\ndate: 2026-01-01\nvideo: {url: \"https://youtu.be/dQw4w9WgXcQ\", page: true, thumbnail: t.jpg, duration: 9, season: 1}\naudio: {url: https://vimeo.com/1}\n---\nbody"))
	md := NewMarkdown()
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 64<<10 {
			return // Load refuses big files before parsing; keep runs fast
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		e, ps := Parse("x.md", data, md, config.Default().Content)
		runtime.ReadMemStats(&after)
		if e == nil && !ps.HasErrors() {
			t.Fatal("nil entry without an error")
		}
		if grown := after.TotalAlloc - before.TotalAlloc; grown > 64<<20 {
			t.Fatalf("%d bytes of input allocated %d MB", len(data), grown>>20)
		}
	})
}

// mapCache is a Cache in memory that counts what Load asks of it.
type mapCache struct {
	mu        sync.Mutex
	m         map[[sha256.Size]byte]cached
	gets, put int
}

type cached struct {
	e  *Entry
	ps diag.Problems
}

func (c *mapCache) Get(k [sha256.Size]byte) (*Entry, diag.Problems, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gets++
	v, ok := c.m[k]
	return v.e, v.ps, ok
}

func (c *mapCache) Put(k [sha256.Size]byte, e *Entry, ps diag.Problems) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.put++
	c.m[k] = cached{e, ps}
}

func TestLoadParsesOnlyWhatTheCacheDoesNotKnow(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "reviews")
	os.MkdirAll(dir, 0o755)
	write := func(name, src string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.md", "---\ntitle: A\ndate: 2026-01-01\n---\nA body\n")
	write("b.md", "---\ntitle: B\ndate: 2026-01-02\nrating: 9\n---\nB body\n")
	c := &mapCache{m: map[[sha256.Size]byte]cached{}}
	cc := config.Content{Dir: "reviews"}
	first, ps1 := Load(root, cc, c)
	if c.gets != 2 || c.put != 2 {
		t.Fatalf("first load: %d gets, %d puts", c.gets, c.put)
	}
	second, ps2 := Load(root, cc, c)
	if c.put != 2 || second[0] != first[0] || ps2.Err().Error() != ps1.Err().Error() {
		t.Errorf("second load parsed again (%d puts) or gave other results: %v", c.put, ps2)
	}
	write("b.md", "---\ntitle: B\ndate: 2026-01-02\nrating: 4\n---\nB body\n")
	if _, ps := Load(root, cc, c); c.put != 3 || ps.HasErrors() {
		t.Errorf("an edited file: %d puts (want 3), %v", c.put, ps)
	}
	// Another setting Parse reads is another key.
	cc.DurationMax = 60
	if Load(root, cc, c); c.put != 5 {
		t.Errorf("with another duration_max: %d puts, want 5", c.put)
	}
}
