// Package content loads the site's entries: one Markdown file per entry with
// YAML front matter. An entry may be a written review, an audio episode, a
// video episode or any mix; this package only reads and checks what the
// editor wrote, and leaves media probing and feed building to others.
package content

import (
	"bytes"
	"fmt"
	"html"
	"io/fs"
	"math"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"
	"go.yaml.in/yaml/v3"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/config/diag"
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
	Body    string // Markdown
	HTML    string // the body rendered; "" when there is no body
	Audio   *Media
	Video   *Media

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
	Title       string          `yaml:"title"`
	Season      int             `yaml:"season"`
	Episode     int             `yaml:"episode"`
	EpisodeType string          `yaml:"episode_type"`
	Explicit    *bool           `yaml:"explicit"`
	Duration    float64         `yaml:"duration"`
	Chapters    string          `yaml:"chapters"`
	Transcripts []Transcript    `yaml:"transcripts"`
	Persons     []config.Person `yaml:"persons"`
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
}

var slugRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

// Load reads every *.md file under dir (relative to root, the site folder),
// in name order, and returns the entries and every problem found.
func Load(root, dir string) ([]*Entry, diag.Problems) {
	var ps diag.Problems
	base := filepath.FromSlash(dir)
	if !filepath.IsAbs(base) {
		base = filepath.Join(root, base)
	}
	var files []string
	err := filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
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
		ps.Errorf(dir, 0, "content.dir", "cannot read the content folder: %v", diag.BareError(err))
		return nil, ps
	}
	sort.Strings(files)
	md := NewMarkdown()
	var out []*Entry
	for _, f := range files {
		rel, err := filepath.Rel(root, f)
		if err != nil || strings.HasPrefix(rel, "..") {
			rel = f // outside the site folder: name it in full
		}
		rel = filepath.ToSlash(rel)
		data, err := os.ReadFile(f)
		if err != nil {
			ps.Errorf(rel, 0, "", "%v", diag.BareError(err))
			continue
		}
		e, eps := Parse(rel, data, md)
		ps.Add(eps...)
		if e != nil {
			out = append(out, e)
		}
	}
	return out, ps
}

// NewMarkdown returns the Markdown renderer used for entry bodies:
// CommonMark plus GFM tables, strikethrough, autolinks and task lists. Raw
// HTML in the Markdown is left out, so a review cannot inject markup into
// the feeds.
func NewMarkdown() goldmark.Markdown {
	return goldmark.New(goldmark.WithExtensions(extension.GFM, extension.Typographer))
}

// Parse reads one entry from data; file is the slash path used in messages.
// It returns nil when the file cannot be used at all.
func Parse(file string, data []byte, md goldmark.Markdown) (*Entry, diag.Problems) {
	var ps diag.Problems
	fmText, body, fmLine, ok := splitFrontMatter(data)
	if !ok {
		ps.Errorf(file, 1, "", "no front matter: the file must start with a line \"---\", then YAML (title:, date:, ...), then \"---\"")
		return nil, ps
	}
	var node yaml.Node
	if err := yaml.Unmarshal(fmText, &node); err != nil {
		line, msg := diag.YAMLError(err)
		ps.Errorf(file, fmLine+max(line, 1)-1, "", "front matter is not valid YAML: %s", msg)
		return nil, ps
	}
	e := &Entry{File: file, lines: map[string]int{}}
	if len(node.Content) == 0 {
		ps.Errorf(file, fmLine, "", "front matter is empty; title and date are required")
		return nil, ps
	}
	root := node.Content[0]
	if root.Kind != yaml.MappingNode {
		ps.Errorf(file, fmLine, "", "front matter must be a mapping of fields (title: ..., date: ...)")
		return nil, ps
	}
	recordLines(root, "", fmLine-1, e.lines)
	var fm frontMatter
	dec := yaml.NewDecoder(bytes.NewReader(fmText))
	dec.KnownFields(true)
	if err := dec.Decode(&fm); err != nil {
		for _, msg := range yamlErrors(err) {
			ps.Errorf(file, fmLine+msg.line-1, msg.field, "%s", msg.text)
		}
		return nil, ps
	}

	line := func(f string) int {
		if l := e.lines[f]; l > 0 {
			return l
		}
		return fmLine
	}
	e.Title = strings.TrimSpace(fm.Title)
	if e.Title == "" {
		ps.Errorf(file, line("title"), "title", "required")
	}
	if fm.Date == "" {
		ps.Errorf(file, line("date"), "date", "required: RFC 3339 (2026-11-20T09:00:00Z) or YYYY-MM-DD")
	} else if t, err := ParseDate(fm.Date); err != nil {
		ps.Errorf(file, line("date"), "date", "%v", err)
	} else {
		e.Date = t
	}
	if fm.Updated != "" {
		if t, err := ParseDate(fm.Updated); err != nil {
			ps.Errorf(file, line("updated"), "updated", "%v", err)
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
		ps.Errorf(file, line("slug"), field, "slug %q: want lower-case letters, digits, '.', '-' or '_' (set slug: in the front matter)", e.Slug)
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
			ps.Errorf(file, line("rating"), "rating", "want 0–5 in steps of 0.5, got %v", r)
		} else {
			e.Rating = &r
		}
	}
	if e.Film != nil && e.Film.Year != 0 && (e.Film.Year < 1870 || e.Film.Year > 2200) {
		ps.Errorf(file, line("film.year"), "film.year", "want a year such as 2017, got %d", e.Film.Year)
	}
	for _, m := range []struct {
		name string
		m    *Media
	}{{"audio", fm.Audio}, {"video", fm.Video}} {
		if m.m == nil {
			continue
		}
		checkMedia(&ps, file, m.name, m.m, line)
	}
	e.Audio, e.Video = fm.Audio, fm.Video

	e.Body = strings.TrimSpace(string(body))
	if e.Body != "" {
		var buf bytes.Buffer
		src := []byte(e.Body)
		doc := md.Parser().Parse(text.NewReader(src))
		if err := md.Renderer().Render(&buf, src, doc); err != nil {
			ps.Errorf(file, 0, "body", "cannot render Markdown: %v", err)
		}
		e.HTML = strings.TrimSpace(buf.String())
		if fm.Summary == "" {
			e.Summary = firstParagraph(doc, src)
		}
	}
	if fm.Summary != "" {
		e.Summary = strings.TrimSpace(fm.Summary)
	}
	if e.Body == "" && e.Audio == nil && e.Video == nil {
		ps.Errorf(file, fmLine, "", "nothing to publish: the entry has no review text, no audio and no video")
	}
	return e, ps
}

func checkMedia(ps *diag.Problems, file, name string, m *Media, line func(string) int) {
	if strings.TrimSpace(m.File) == "" {
		ps.Errorf(file, line(name), name+".file", "required inside %s: the media file, e.g. media/episode.mp3", name)
	}
	switch m.EpisodeType {
	case "":
		m.EpisodeType = "full"
	case "full", "trailer", "bonus":
	default:
		ps.Errorf(file, line(name+".episode_type"), name+".episode_type", "%q: want full, trailer or bonus", m.EpisodeType)
	}
	if m.Season < 0 {
		ps.Errorf(file, line(name+".season"), name+".season", "want a positive number, got %d", m.Season)
	}
	if m.Episode < 0 {
		ps.Errorf(file, line(name+".episode"), name+".episode", "want a positive number, got %d", m.Episode)
	}
	if m.Duration < 0 || math.IsNaN(m.Duration) || math.IsInf(m.Duration, 0) {
		ps.Errorf(file, line(name+".duration"), name+".duration", "want seconds (0 = read from the file), got %v", m.Duration)
	}
	for i, t := range m.Transcripts {
		f := fmt.Sprintf("%s.transcripts[%d]", name, i)
		if strings.TrimSpace(t.File) == "" {
			ps.Errorf(file, line(f), f+".file", "required")
		}
		if t.Rel != "" && t.Rel != "captions" {
			ps.Errorf(file, line(f+".rel"), f+".rel", "%q: want captions or nothing", t.Rel)
		}
	}
	for i, p := range m.Persons {
		if strings.TrimSpace(p.Name) == "" {
			f := fmt.Sprintf("%s.persons[%d]", name, i)
			ps.Errorf(file, line(f), f+".name", "required")
		}
	}
}

// ParseDate accepts RFC 3339 (with a zone) or a bare YYYY-MM-DD, read as
// midnight UTC so the result never depends on the machine's time zone.
func ParseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q: want RFC 3339 (2026-11-20T09:00:00Z) or YYYY-MM-DD", s)
}

// splitFrontMatter splits "---\nYAML\n---\nbody". fmLine is the file line
// of the YAML's first line.
func splitFrontMatter(data []byte) (fm, body []byte, fmLine int, ok bool) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	s := string(data)
	s = strings.ReplaceAll(s, "\r\n", "\n")
	if !strings.HasPrefix(s, "---\n") {
		return nil, nil, 0, false
	}
	rest := s[4:]
	var end int
	switch {
	case strings.HasPrefix(rest, "---\n") || rest == "---":
		end = 0
	default:
		i := strings.Index(rest, "\n---\n")
		if i < 0 {
			if strings.HasSuffix(rest, "\n---") {
				i = len(rest) - 4
			} else {
				return nil, nil, 0, false
			}
		}
		end = i + 1
	}
	fm = []byte(rest[:end])
	after := rest[end:]
	after = strings.TrimPrefix(after, "---")
	after = strings.TrimPrefix(after, "\n")
	return fm, []byte(after), 2, true
}

func recordLines(n *yaml.Node, prefix string, offset int, lines map[string]int) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := prefix + n.Content[i].Value
			lines[k] = n.Content[i].Line + offset
			recordLines(n.Content[i+1], k+".", offset, lines)
		}
	case yaml.SequenceNode:
		p := strings.TrimSuffix(prefix, ".")
		for i, c := range n.Content {
			k := fmt.Sprintf("%s[%d]", p, i)
			lines[k] = c.Line + offset
			recordLines(c, k+".", offset, lines)
		}
	}
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

type yamlProblem struct {
	line  int
	field string
	text  string
}

var (
	yamlLineRE    = regexp.MustCompile(`^line (\d+): `)
	yamlUnknownRE = regexp.MustCompile(`field (\S+) not found in type`)
	yamlTypeRE    = regexp.MustCompile("cannot unmarshal !!(\\w+) `(.*)` into (\\S+)")
)

// yamlErrors turns yaml.v3's decode errors into located problems. yaml.v3
// reports type errors only as text, so this is the one place that reads
// error strings, and it keeps the original text when a pattern is not met.
func yamlErrors(err error) []yamlProblem {
	var msgs []string
	if te, ok := err.(*yaml.TypeError); ok {
		msgs = te.Errors
	} else {
		msgs = []string{strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	var out []yamlProblem
	for _, m := range msgs {
		p := yamlProblem{text: m}
		if sm := yamlLineRE.FindStringSubmatch(m); sm != nil {
			fmt.Sscan(sm[1], &p.line)
			p.text = m[len(sm[0]):]
		}
		if sm := yamlUnknownRE.FindStringSubmatch(p.text); sm != nil {
			p.field = sm[1]
			p.text = fmt.Sprintf("unknown field %q", sm[1])
			if best := diag.Closest(sm[1], knownFields); best != "" {
				p.text += fmt.Sprintf(" (did you mean %q?)", best)
			}
		} else if sm := yamlTypeRE.FindStringSubmatch(p.text); sm != nil {
			p.text = fmt.Sprintf("%q is not a valid %s", sm[2], goTypeName(sm[3]))
		}
		out = append(out, p)
	}
	return out
}

func goTypeName(t string) string {
	switch {
	case strings.Contains(t, "int"):
		return "whole number"
	case strings.Contains(t, "float"):
		return "number"
	case strings.Contains(t, "bool"):
		return "true/false value"
	case strings.HasPrefix(t, "[]"):
		return "list"
	case strings.Contains(t, "Media"), strings.Contains(t, "Film"):
		return "mapping of fields"
	}
	return "value"
}

var knownFields = []string{"title", "date", "updated", "slug", "author", "email", "summary", "link", "guid", "rating", "film", "tags", "image", "draft", "audio", "video", "file", "season", "episode", "episode_type", "explicit", "duration", "chapters", "transcripts", "persons", "language", "rel", "year", "director", "platform", "name", "role", "group", "href", "img"}
