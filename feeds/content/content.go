// Package content loads the site's entries: one Markdown file per entry with
// YAML front matter. An entry may be a written review, an audio episode, a
// video episode or any mix; this package only reads and checks what the
// editor wrote, and leaves media probing and feed building to others.
package content

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"html"
	"io/fs"
	"math"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"
	"go.yaml.in/yaml/v3"
	"golang.org/x/sync/errgroup"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/config/diag"
	"github.com/feedpub/feedpub/config/schema"
	"github.com/feedpub/feedpub/config/sitefs"
)

// Entry is one content file as the editor wrote it, checked and with
// defaults applied.
type Entry struct {
	File    string // slash path relative to the site folder, for messages
	Slug    string
	Title   string
	Date    time.Time
	Updated time.Time // zero when not given
	Author  string
	Email   string
	Summary string // plain text
	Link    string
	GUID    string // "" when the editor left it to feedpub
	Rating  *float64
	Film    *Film
	Tags    []string
	Image   string // slash path relative to the site folder
	Draft   bool
	// HTML is the Markdown body rendered; "" when there is no body. The
	// Markdown itself is not kept: nothing needs it once rendered.
	HTML  string
	Audio *Media
	Video *Media
	// VideoLink is the entry's video on a video platform or a web page
	// (video.url), which is no media file: Video is then nil.
	VideoLink *VideoLink
	// Ignore lists the warnings (rule IDs) the editor accepts in this file.
	Ignore []string

	lines map[string]int
}

// Line returns the line of a front-matter field (e.g. "audio.file") in File.
func (e *Entry) Line(field string) int { return e.lines[field] }

// Film is the film under review.
type Film struct {
	Title    string `yaml:"title"`
	Year     int    `yaml:"year"`
	Director string `yaml:"director"`
	Platform string `yaml:"platform"`
}

// Media is an entry's audio or video version.
type Media struct {
	File        string          `yaml:"file"`
	URL         string          `yaml:"url"`
	Title       string          `yaml:"title"`
	Season      int             `yaml:"season"`
	Episode     int             `yaml:"episode"`
	EpisodeType string          `yaml:"episode_type"`
	Explicit    *bool           `yaml:"explicit"`
	Duration    float64         `yaml:"duration"`
	Chapters    string          `yaml:"chapters"`
	Transcripts []Transcript    `yaml:"transcripts"`
	Persons     []config.Person `yaml:"persons"`
	// Page and Thumbnail belong to a video link (see VideoLink).
	Page      bool   `yaml:"page"`
	Thumbnail string `yaml:"thumbnail"`
}

// Source is what the media is read from: its file in the site, or the URL
// of a file on another host.
func (m *Media) Source() string {
	if m.File != "" {
		return m.File
	}
	return m.URL
}

// Transcript is one transcript file of a media version.
type Transcript struct {
	File     string `yaml:"file"`
	Language string `yaml:"language"`
	Rel      string `yaml:"rel"`
}

type frontMatter struct {
	Title   string   `yaml:"title"`
	Date    string   `yaml:"date"`
	Updated string   `yaml:"updated"`
	Slug    string   `yaml:"slug"`
	Author  string   `yaml:"author"`
	Email   string   `yaml:"email"`
	Summary string   `yaml:"summary"`
	Link    string   `yaml:"link"`
	GUID    string   `yaml:"guid"`
	Rating  *float64 `yaml:"rating"`
	Film    *Film    `yaml:"film"`
	Tags    []string `yaml:"tags"`
	Image   string   `yaml:"image"`
	Draft   bool     `yaml:"draft"`
	Audio   *Media   `yaml:"audio"`
	Video   *Media   `yaml:"video"`
	Ignore  []string `yaml:"ignore"`
}

var slugRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

// Load reads every *.md file under c.Dir (relative to root, the site
// folder), in name order, and returns the entries and every problem found.
// Only regular files inside the site folder are read, each up to
// c.MaxFileSize bytes. With a cache, a file whose bytes (and every other
// input of Parse) it has seen before is not parsed again; nil parses all.
func Load(root string, c config.Content, cache Cache) ([]*Entry, diag.Problems) {
	var ps diag.Problems
	dir := c.Dir
	base := filepath.FromSlash(dir)
	if !filepath.IsAbs(base) {
		base = filepath.Join(root, base)
	}
	site, err := sitefs.NewRoot(root)
	if err != nil {
		ps.Errorf("FP220", dir, 0, "content.dir", "cannot read the site folder: %v", diag.BareError(err))
		return nil, ps
	}
	// The folder may be a symlink, which WalkDir would follow; the files in
	// it are checked one by one when opened.
	if real, err := filepath.EvalSymlinks(base); err == nil && !sitefs.Within(site.Real(), real) {
		ps.Errorf("FP111", dir, 0, "content.dir", "the content folder is outside the site folder; feedpub reads only files inside it")
		return nil, ps
	}
	var files []string
	err = filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), ".") && p != base {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.EqualFold(filepath.Ext(p), ".md") && !strings.HasPrefix(d.Name(), ".") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		ps.Errorf("FP220", dir, 0, "content.dir", "cannot read the content folder: %v", diag.BareError(err))
		return nil, ps
	}
	sort.Strings(files)
	md := NewMarkdown()
	inputs := parseInputs(c)
	limit := c.MaxFileSize
	if limit <= 0 {
		limit = sitefs.MaxContent
	}
	// Files are independent, and goldmark converts concurrently (its
	// parsers keep their state per call), so every core parses; the
	// results keep name order.
	type result struct {
		e  *Entry
		ps diag.Problems
	}
	results := make([]result, len(files))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, f := range files {
		g.Go(func() error {
			results[i].e, results[i].ps = load(site, root, f, limit, md, c, inputs, cache)
			return nil
		})
	}
	_ = g.Wait()
	var out []*Entry
	for _, r := range results {
		ps.Add(r.ps...)
		if r.e != nil {
			out = append(out, r.e)
		}
	}
	return out, ps
}

// load reads the entry in file f, and parses it unless the cache knows
// what Parse makes of it.
func load(site *sitefs.Root, root, f string, limit int64, md goldmark.Markdown, c config.Content, inputs string, cache Cache) (*Entry, diag.Problems) {
	var ps diag.Problems
	rel, err := filepath.Rel(root, f)
	if err != nil || strings.HasPrefix(rel, "..") {
		rel = f // outside the site folder: name it in full
	}
	rel = filepath.ToSlash(rel)
	sc, _ := cache.(StatCache)
	var st fs.FileInfo
	var read time.Time
	if sc != nil {
		var e *Entry
		var ok bool
		if e, ps, ok, st, read = known(sc, f, rel, inputs, limit); ok {
			return e, ps
		}
	}
	data, err := site.ReadFile(f, limit)
	var tl *sitefs.TooLargeError
	switch {
	case errors.As(err, &tl):
		ps.Errorf("FP206", rel, 0, "", "%v (content.max_file_size; raise it if the entry really is this long)", err)
		return nil, ps
	case err != nil:
		ps.Errorf("FP206", rel, 0, "", "%v", err)
		return nil, ps
	}
	if cache == nil {
		return Parse(rel, data, md, c)
	}
	key := sourceKey(rel, inputs, data)
	if sc != nil && st != nil {
		defer sc.Saw(rel, inputs, st, read, key)
	}
	if e, ps, ok := cache.Get(key); ok {
		return e, ps
	}
	e, ps := Parse(rel, data, md, c)
	cache.Put(key, e, ps)
	return e, ps
}

// known returns what the cache holds for the file f (rel in messages) if
// its stat alone says it is the file the cache saw: a regular file, not a
// link, within limit, unchanged since. Otherwise it returns the stat taken
// (nil for anything the read must judge) and the time it was taken, for
// Saw.
func known(sc StatCache, f, rel, inputs string, limit int64) (e *Entry, ps diag.Problems, ok bool, st fs.FileInfo, read time.Time) {
	read = time.Now()
	st, err := os.Lstat(f)
	if err != nil || !st.Mode().IsRegular() || st.Size() > limit {
		return nil, nil, false, nil, read
	}
	if key, hit := sc.Known(rel, inputs, st); hit {
		if e, ps, ok := sc.Get(key); ok {
			return e, ps, true, st, read
		}
	}
	return nil, nil, false, st, read
}

// Cache keeps what Parse returned for a file across runs, under a key
// that covers every input of Parse: the file's name, its bytes, the
// settings Parse reads, and the year (ParseDate's bounds move with it).
// Load calls it from several goroutines at once, and returns the entry
// Put was given after Put returns: Put may replace the entry's strings
// with equal ones held elsewhere, never change what they say.
type Cache interface {
	// Get returns what Parse returned for key, if known.
	Get(key [sha256.Size]byte) (*Entry, diag.Problems, bool)
	// Put records what Parse returned for key; e is nil for a file that
	// cannot be used at all.
	Put(key [sha256.Size]byte, e *Entry, ps diag.Problems)
}

// StatCache is a Cache that also remembers each file's key by what stat
// says of it, so a file that did not change since is not read at all:
// Load then costs a stat per unchanged file. It decides which stat may
// vouch for a file's bytes (git's racy-clean rule is the model).
type StatCache interface {
	Cache
	// Known returns the key of file (a slash path relative to the site)
	// under inputs if st is what it was when Saw recorded it.
	Known(file, inputs string, st fs.FileInfo) ([sha256.Size]byte, bool)
	// Saw records that file, with st as stat said just before it was read
	// at read, had key under inputs.
	Saw(file, inputs string, st fs.FileInfo, read time.Time, key [sha256.Size]byte)
}

// parseInputs lists what Parse reads besides the file: every field of
// config.Content it uses (a new one must be added here), and the year,
// the upper bound of ParseDate.
func parseInputs(c config.Content) string {
	maxDur := c.DurationMax
	if maxDur <= 0 {
		maxDur = config.DefaultDurationMax
	}
	return fmt.Sprintf("duration_max=%v year=%d", maxDur, time.Now().Year())
}

// sourceKey is the Cache key of file with data under inputs.
func sourceKey(file, inputs string, data []byte) [sha256.Size]byte {
	h := sha256.New()
	// Lengths first, so that no two different inputs run together alike.
	fmt.Fprintf(h, "feedpub content %d %d %d\n%s%s", len(file), len(inputs), len(data), file, inputs)
	h.Write(data)
	var k [sha256.Size]byte
	h.Sum(k[:0])
	return k
}

// NewMarkdown returns the Markdown renderer used for entry bodies:
// CommonMark plus GFM tables, strikethrough, autolinks and task lists. Raw
// HTML in the Markdown is left out, so a review cannot inject markup into
// the feeds.
func NewMarkdown() goldmark.Markdown {
	return goldmark.New(goldmark.WithExtensions(extension.GFM, extension.Typographer))
}

// Parse reads one entry from data; file is the slash path used in messages
// and c supplies the limits (duration_max). It returns nil when the file
// cannot be used at all.
func Parse(file string, data []byte, md goldmark.Markdown, c config.Content) (*Entry, diag.Problems) {
	var ps diag.Problems
	e, fm, bad, fmText, body, fmLine := readFrontMatter(&ps, file, data)
	if e == nil {
		return nil, ps
	}
	line := func(f string) int {
		if l := e.lines[f]; l > 0 {
			return l
		}
		return fmLine
	}
	e.takeFields(&ps, fm, bad, line, c)

	src := bytes.TrimSpace(body)
	if len(src) > 0 {
		var buf bytes.Buffer
		buf.Grow(len(src) + len(src)/4)
		doc := md.Parser().Parse(text.NewReader(src))
		if err := md.Renderer().Render(&buf, src, doc); err != nil {
			ps.Errorf("FP221", file, 0, "body", "cannot render Markdown: %v", err)
		}
		e.HTML = strings.TrimSpace(buf.String())
		if fm.Summary == "" {
			e.Summary = firstParagraph(doc, src)
		}
	}
	if fm.Summary != "" {
		e.Summary = strings.TrimSpace(fm.Summary)
	}
	if len(src) == 0 && e.Audio == nil && e.Video == nil {
		if e.VideoLink != nil {
			ps.Errorf("FP211", file, fmLine, "", "nothing to publish: a video link goes with a written review, and the entry has no review text, no audio and no video file")
		} else {
			ps.Errorf("FP211", file, fmLine, "", "nothing to publish: the entry has no review text, no audio and no video")
		}
	} else if len(src) == 0 && e.VideoLink != nil {
		ps.Warnf("FP232", file, line("video.url"), "video.url", "the video link is in no feed: the review feeds carry it with the review text, and the entry has none (the podcast feeds never carry a link)")
	}
	if ph := placeholderIn(src); ph != "" && !e.Draft {
		// The body starts after the closing ---.
		at := fmLine + bytes.Count(fmText, []byte("\n")) + 1 + bytes.Count(body[:bytes.Index(body, []byte(ph))], []byte("\n"))
		ps.Errorf("FP225", file, at, "body", "still has the placeholder %q that feedpub wrote: replace it with the review or the show notes (or mark the entry draft: true)", ph)
	}
	return e, ps
}

// readFrontMatter splits data into front matter and body, checks the front
// matter against the schema and decodes it; a nil entry means the document
// is unusable and the problems say why. A field reported as bad is dropped
// before decoding, so the rest of the entry is still checked in this run.
func readFrontMatter(ps *diag.Problems, file string, data []byte) (*Entry, *frontMatter, map[string]bool, []byte, []byte, int) {
	if !diag.CheckUTF8(ps, "FP206", file, data) {
		return nil, nil, nil, nil, nil, 0
	}
	fmText, body, fmLine, err := splitFrontMatter(data)
	if err != nil {
		ps.Errorf("FP205", file, 1, "", "%v", err)
		return nil, nil, nil, nil, nil, 0
	}
	if len(fmText) > MaxFrontMatter {
		ps.Errorf("FP205", file, fmLine, "", "the front matter is %s; the limit is %s: move long text into the body", sitefs.Human(int64(len(fmText))), sitefs.Human(MaxFrontMatter))
		return nil, nil, nil, nil, nil, 0
	}
	var node yaml.Node
	if err := yaml.Unmarshal(fmText, &node); err != nil {
		line, msg := diag.YAMLError(err, fmText, fmLine-1)
		ps.Errorf("FP205", file, max(line, fmLine), "", "%s%s", msg, flowURLHint(fmText, line-fmLine+1))
		return nil, nil, nil, nil, nil, 0
	}
	e := &Entry{File: file, lines: map[string]int{}}
	if len(node.Content) == 0 {
		ps.Errorf("FP205", file, fmLine, "", "front matter is empty; title and date are required")
		return nil, nil, nil, nil, nil, 0
	}
	root := node.Content[0]
	if root.Kind != yaml.MappingNode {
		ps.Errorf("FP205", file, fmLine, "", "front matter must be a mapping of fields (title: ..., date: ...)")
		return nil, nil, nil, nil, nil, 0
	}
	bad := map[string]bool{}
	sc := schema.Checker{File: file, Offset: fmLine - 1, Tag: "yaml", Lines: e.lines, Bad: bad,
		Rules: schema.Rules{Unknown: "FP201", Type: "FP202", Duplicate: "FP204", Structure: "FP205"}}
	sc.Check(root, reflect.TypeOf(frontMatter{}), ps)
	if bad[""] {
		return nil, nil, nil, nil, nil, 0 // the document as a whole is unusable
	}
	// A field reported above is left out, so the rest of the entry (its
	// media above all) is still checked in this run.
	for f := range bad {
		schema.Drop(root, f)
	}
	fm := &frontMatter{}
	if err := root.Decode(fm); err != nil {
		// The schema check passed, so this is a case it does not know.
		ps.Errorf("FP205", file, fmLine, "", "cannot read the front matter: %s", strings.TrimPrefix(err.Error(), "yaml: "))
		return nil, nil, nil, nil, nil, 0
	}
	return e, fm, bad, fmText, body, fmLine
}

// takeFields copies the decoded front matter into e, checking each field
// (dates, slug, rating, film year, media, ignore list) and reporting every
// problem at the field's line.
func (e *Entry) takeFields(ps *diag.Problems, fm *frontMatter, bad map[string]bool, line func(string) int, c config.Content) {
	file := e.File
	e.Title = strings.TrimSpace(fm.Title)
	if e.Title == "" {
		if !bad["title"] {
			ps.Errorf("FP207", file, line("title"), "title", "required")
		}
	}
	if fm.Date == "" {
		if !bad["date"] {
			ps.Errorf("FP207", file, line("date"), "date", "required: RFC 3339 (2026-11-20T09:00:00Z) or YYYY-MM-DD")
		}
	} else if t, err := ParseDate(fm.Date); err != nil {
		ps.Errorf("FP208", file, line("date"), "date", "%v", err)
	} else {
		e.Date = t
	}
	if fm.Updated != "" {
		if t, err := ParseDate(fm.Updated); err != nil {
			ps.Errorf("FP208", file, line("updated"), "updated", "%v", err)
		} else {
			e.Updated = t
		}
	}
	e.Slug = fm.Slug
	if e.Slug == "" {
		e.Slug = strings.ToLower(strings.TrimSuffix(path.Base(file), path.Ext(file)))
	}
	if !slugRE.MatchString(e.Slug) {
		field := "slug"
		if fm.Slug == "" {
			field = "file name"
		}
		ps.Errorf("FP209", file, line("slug"), field, "slug %q: want lower-case letters, digits, '.', '-' or '_' (set slug: in the front matter)", e.Slug)
	}
	e.Author = strings.TrimSpace(fm.Author)
	e.Email = strings.TrimSpace(fm.Email)
	e.Link = strings.TrimSpace(fm.Link)
	e.GUID = strings.TrimSpace(fm.GUID)
	e.Draft = fm.Draft
	e.Film = fm.Film
	e.Image = strings.TrimSpace(fm.Image)
	for _, t := range fm.Tags {
		if t = strings.TrimSpace(t); t != "" {
			e.Tags = append(e.Tags, t)
		}
	}
	if fm.Rating != nil {
		r := *fm.Rating
		if r < 0 || r > 5 || math.IsNaN(r) || math.Round(r*2) != r*2 {
			ps.Errorf("FP203", file, line("rating"), "rating", "want 0–5 in steps of 0.5, got %v", r)
		} else {
			e.Rating = &r
		}
	}
	if e.Film != nil && e.Film.Year != 0 && (e.Film.Year < 1870 || e.Film.Year > 2200) {
		ps.Errorf("FP203", file, line("film.year"), "film.year", "want a year such as 2017, got %d", e.Film.Year)
	}
	e.VideoLink = takeVideoLink(ps, file, fm, e.lines, c)
	for _, m := range []struct {
		name string
		m    *Media
	}{{"audio", fm.Audio}, {"video", fm.Video}} {
		if m.m == nil {
			continue
		}
		checkMedia(ps, file, m.name, m.m, e.lines, bad, c)
	}
	e.Audio, e.Video = fm.Audio, fm.Video
	e.Ignore = fm.Ignore
	diag.CheckIgnore(ps, fm.Ignore, file, "ignore", func(i int) int { return line(fmt.Sprintf("ignore[%d]", i)) })
}

// Placeholder texts feedpub writes into the entries it makes (init's
// starter review, new's show notes): an entry that still has one is not
// ready to go out.
const (
	PlaceholderReview    = "Write the review here."
	PlaceholderShowNotes = "Show notes: what this episode is about."
	PlaceholderStarter   = "This is feedpub init's starter review."
)

// placeholderIn returns the placeholder body holds, or "".
func placeholderIn(body []byte) string {
	for _, p := range []string{PlaceholderReview, PlaceholderShowNotes, PlaceholderStarter} {
		if bytes.Contains(body, []byte(p)) {
			return p
		}
	}
	return ""
}

// MaxEpisodeNumber bounds season and episode numbers: podcast apps store
// them as 32-bit integers.
const MaxEpisodeNumber = 1<<31 - 1

// MaxFrontMatter bounds the YAML between the fences: it is parsed into a
// tree several times its size, and metadata never needs more.
const MaxFrontMatter = 256 << 10

func checkMedia(ps *diag.Problems, file, name string, m *Media, lines map[string]int, bad map[string]bool, c config.Content) {
	line := func(f string) int {
		if l := lines[f]; l > 0 {
			return l
		}
		return lines[name]
	}
	checkSource(ps, file, name, m, line)
	switch m.EpisodeType {
	case "":
		m.EpisodeType = "full"
	case "full", "trailer", "bonus":
	default:
		ps.Errorf("FP210", file, line(name+".episode_type"), name+".episode_type", "%q: want full, trailer or bonus", m.EpisodeType)
	}
	for _, n := range []struct {
		field string
		v     int
	}{{"season", m.Season}, {"episode", m.Episode}} {
		f := name + "." + n.field
		// A value the schema check refused (1.5) was left out: not "got 0".
		if _, set := lines[f]; set && !bad[f] && (n.v < 1 || n.v > MaxEpisodeNumber) {
			ps.Errorf("FP203", file, line(f), f, "want a whole number from 1 to %d, got %d", MaxEpisodeNumber, n.v)
		}
	}
	maxDur := c.DurationMax
	if maxDur <= 0 {
		maxDur = config.DefaultDurationMax
	}
	switch d := m.Duration; {
	case d < 0 || math.IsNaN(d) || math.IsInf(d, 0):
		ps.Errorf("FP203", file, line(name+".duration"), name+".duration", "want seconds (0 = read from the file), got %v", d)
		m.Duration = 0 // reported; later checks need not trip on it
	case d >= maxDur:
		ps.Errorf("FP203", file, line(name+".duration"), name+".duration", "want seconds below %s (%v s), got %v; raise content.duration_max for longer media", hours(maxDur), maxDur, d)
		m.Duration = 0
	}
	for i, t := range m.Transcripts {
		f := fmt.Sprintf("%s.transcripts[%d]", name, i)
		if strings.TrimSpace(t.File) == "" {
			ps.Errorf("FP207", file, line(f), f+".file", "required")
		} else if badURL(ps, file, f+".file", t.File, line) {
			m.Transcripts[i].File = ""
		}
		if t.Rel != "" && t.Rel != "captions" {
			ps.Errorf("FP210", file, line(f+".rel"), f+".rel", "%q: want captions or nothing", t.Rel)
		}
	}
	for i, p := range m.Persons {
		if strings.TrimSpace(p.Name) == "" {
			f := fmt.Sprintf("%s.persons[%d]", name, i)
			ps.Errorf("FP207", file, line(f), f+".name", "required")
		}
	}
}

func hours(s float64) string {
	if h := s / 3600; h == math.Trunc(h) {
		return fmt.Sprintf("%v hours", h)
	}
	return fmt.Sprintf("%v s", s)
}

// ParseDate accepts RFC 3339 (with a zone) or a bare YYYY-MM-DD, read as
// midnight UTC so the result never depends on the machine's time zone. The
// date must fall between 1970 and 100 years from now: feeds and podcast apps
// take earlier dates for errors (an Atom id dated year 0 is not even valid),
// and later ones are typos.
func ParseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t, err = time.Parse("2006-01-02", s)
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("%q: want RFC 3339 (2026-11-20T09:00:00Z) or YYYY-MM-DD", s)
	}
	last := time.Now().Year() + 100
	if y := t.UTC().Year(); y < 1970 || y > last {
		return time.Time{}, fmt.Errorf("%q: want a date from 1970 to %d", s, last)
	}
	return t, nil
}

// splitFrontMatter splits "---\nYAML\n---\nbody". fmLine is the file line
// of the YAML's first line.
func splitFrontMatter(data []byte) (fm, body []byte, fmLine int, err error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if bytes.Contains(data, []byte("\r\n")) {
		data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	}
	if !bytes.HasPrefix(data, []byte("---\n")) && !bytes.Equal(data, []byte("---")) {
		return nil, nil, 0, errors.New(`no front matter: the file must start with a line "---", then YAML (title:, date:, ...), then "---"`)
	}
	rest := data[min(4, len(data)):]
	var end int
	switch {
	case bytes.HasPrefix(rest, []byte("---\n")) || bytes.Equal(rest, []byte("---")):
		end = 0
	default:
		i := bytes.Index(rest, []byte("\n---\n"))
		if i < 0 {
			if !bytes.HasSuffix(rest, []byte("\n---")) {
				return nil, nil, 0, errors.New("the front matter starts with --- on line 1 but has no closing ---: add a line --- after the last field")
			}
			i = len(rest) - 4
		}
		end = i + 1
	}
	fm = rest[:end]
	after := rest[end:]
	after = bytes.TrimPrefix(after, []byte("---"))
	after = bytes.TrimPrefix(after, []byte("\n"))
	return fm, after, 2, nil
}

// firstParagraph returns the body's first paragraph as plain text.
func firstParagraph(doc ast.Node, src []byte) string {
	var out string
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering || out != "" {
			return ast.WalkContinue, nil
		}
		if p, ok := n.(*ast.Paragraph); ok {
			out = strings.Join(strings.Fields(plainText(p, src)), " ")
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	return out
}

func plainText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch t := c.(type) {
		case *ast.Text:
			b.Write(t.Segment.Value(src))
			if t.SoftLineBreak() || t.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			// The typographer emits entities such as &rsquo;; the summary is
			// plain text, so decode them to characters.
			b.WriteString(html.UnescapeString(string(t.Value)))
		case *ast.CodeSpan:
			for ch := t.FirstChild(); ch != nil; ch = ch.NextSibling() {
				if tx, ok := ch.(*ast.Text); ok {
					b.Write(tx.Segment.Value(src))
				}
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}
