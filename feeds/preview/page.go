// Package preview shows a built site as its listeners and readers will get
// it: a page with the show, every feed (with a QR code for phones) and one
// card per entry with its players, chapters and captions, served over HTTP
// together with every file of the build, rebuilt when the site changes
// (feedpub serve). The same page, without the live parts, is the published
// tree's index.html when publish.preview is set.
package preview

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/feedpub/feedpub/config/diag"
	"github.com/feedpub/feedpub/feeds"
	"github.com/feedpub/feedpub/feeds/content"
	"github.com/feedpub/feedpub/feeds/xmltext"
)

// Page is what the page shows of one build.
type Page struct {
	Catalog *feeds.Catalog // nil when no build got as far as the model
	// Entries are the content files as loaded, for the draft and
	// scheduled marks.
	Entries  []*content.Entry
	Skipped  []feeds.Skipped
	Problems diag.Problems // findings of this build, shown where they belong
	Now      time.Time     // the build's clock: later entries are scheduled
	// ReadFile returns a file of the build by key (the chapters are
	// listed from it).
	ReadFile func(key string) ([]byte, error)

	// Forms gives each review's sanitised form as its feeds carry it: the
	// build's entry cache, so the page takes the form the feeds were
	// rendered with rather than make it again; nil makes it with xmltext.
	Forms feeds.Forms

	// Live is the id of the build being served, or "" for the published
	// page, which has no reload script and no findings.
	Live string
	// Failed are the errors of the latest build when it failed: the page
	// shows them above the last good build.
	Failed diag.Problems
	Built  time.Time // when the shown build ran (live only)
}

//go:embed page.html
var pageHTML string

var page = template.Must(template.New("page").Funcs(template.FuncMap{
	"date":     func(t time.Time) string { return t.UTC().Format("Mon 2 Jan 2006, 15:04 MST") },
	"iso":      func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"clock":    func(t time.Time) string { return t.Format("15:04:05") },
	"duration": duration,
	"seconds":  func(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) },
	"at":       func(s float64) string { return duration(time.Duration(s * float64(time.Second))) },
	"stars":    func(r *float64) string { return feeds.Stars(*r) },
	"rating":   func(r *float64) string { return strconv.FormatFloat(*r, 'f', -1, 64) },
	"size":     size,
	// As a feed reader shows it: no script, handler or javascript: URL.
	"safe": func(s string) template.HTML { return template.HTML(xmltext.SafeHTML(s)) },
}).Parse(pageHTML))

// Render writes the page.
func Render(w io.Writer, p Page) error {
	v, err := newView(p)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := page.Execute(&buf, v); err != nil {
		return fmt.Errorf("preview page: %w", err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// view is the page's data, grouped the way the page reads.
type view struct {
	Page
	Title    string
	Site     *feeds.Site
	Feeds    []feedLink
	Shows    []showView
	Reviews  *feeds.ReviewFeed
	Entries  []entryView
	Findings diag.Problems // about the site or config as a whole
}

type feedLink struct {
	ID, Name, URL string
	QR            template.HTML
}

type showView struct {
	*feeds.Show
	Name     string
	Findings diag.Problems
}

type entryView struct {
	*feeds.Entry
	forms    feeds.Forms // Page.Forms, or MakeForms
	ID       string
	Art      string
	Marks    []string // "Draft", "Scheduled for …"
	In       []string // the feeds it is an item of
	Versions []versionView
	Findings diag.Problems
}

// Review is the entry's review, sanitised as its feeds carry it: taken
// from the Forms the feeds were rendered with, or made.
func (ev entryView) Review() template.HTML { return template.HTML(ev.forms.Safe(ev.Entry)) }

type versionView struct {
	*feeds.Episode
	Name     string // "Audio", "Video"
	Video    bool
	PlayerID string
	Chapters []chapter
	// ChaptersErr says why the chapters cannot be listed.
	ChaptersErr string
	Captions    []feeds.Transcript // the WebVTT ones: <track> reads only those
}

type chapter struct {
	Start float64
	Title string
	URL   string
}

func newView(p Page) (*view, error) {
	v := &view{Page: p, Title: "feedpub preview"}
	if !v.live() {
		v.Problems = nil
	}
	c := p.Catalog
	if c == nil {
		v.Findings = v.Problems
		return v, nil
	}
	v.Site, v.Title, v.Reviews = &c.Site, c.Site.Title, c.Reviews
	taken := map[int]bool{}
	claim := func(match func(diag.Problem) bool) diag.Problems {
		var out diag.Problems
		for i, pr := range v.Problems {
			if !taken[i] && match(pr) {
				taken[i] = true
				out = append(out, pr)
			}
		}
		return out
	}

	addFeed := func(id, name, url string) error {
		qr, err := qrSVG(url)
		if err != nil {
			return err
		}
		v.Feeds = append(v.Feeds, feedLink{ID: id, Name: name, URL: url, QR: qr})
		return nil
	}
	for _, s := range []struct {
		id, name string
		show     *feeds.Show
	}{{"podcast", "Podcast", c.Podcast}, {"video", "Video podcast", c.Video}} {
		if s.show == nil {
			continue
		}
		if err := addFeed(s.id, s.name+" (RSS)", s.show.URL); err != nil {
			return nil, err
		}
		v.Shows = append(v.Shows, showView{Show: s.show, Name: s.name, Findings: claim(func(pr diag.Problem) bool {
			return pr.Field == s.id || strings.HasPrefix(pr.Field, s.id+".")
		})})
	}
	if r := c.Reviews; r != nil {
		for _, f := range []struct{ id, name, url string }{
			{"reviews-rss", "Reviews (RSS)", r.RSSURL}, {"reviews-atom", "Reviews (Atom)", r.AtomURL}, {"reviews-json", "Reviews (JSON Feed)", r.JSONURL},
		} {
			if f.url == "" {
				continue
			}
			if err := addFeed(f.id, f.name, f.url); err != nil {
				return nil, err
			}
		}
	}
	marks := entryMarks(p)
	var forms feeds.Forms = feeds.MakeForms{}
	if p.Forms != nil {
		forms = p.Forms
	}
	for _, e := range entries(c) {
		ev := entryView{Entry: e, forms: forms, ID: "entry-" + e.Slug, Art: e.Image, Marks: marks[e.Source],
			Findings: claim(func(pr diag.Problem) bool { return pr.File == e.Source })}
		if ev.Art == "" {
			ev.Art = c.Site.Image
		}
		ev.In = feedsOf(c, e)
		ev.Versions = versions(p, e, ev.ID)
		v.Entries = append(v.Entries, ev)
	}
	v.Findings = claim(func(diag.Problem) bool { return true })
	return v, nil
}

// entryMarks gives the marks shown beside an entry, by file: a draft, or
// scheduled for a date after the page's now.
func entryMarks(p Page) map[string][]string {
	marks := map[string][]string{}
	for _, e := range p.Entries {
		if e.Draft {
			marks[e.File] = append(marks[e.File], "Draft")
		}
		if e.Date.After(p.Now) {
			marks[e.File] = append(marks[e.File], "Scheduled for "+e.Date.UTC().Format("Mon 2 Jan 2006, 15:04 MST"))
		}
	}
	return marks
}

// feedsOf names the feeds that carry e.
func feedsOf(c *feeds.Catalog, e *feeds.Entry) []string {
	var in []string
	for _, s := range []struct {
		name string
		show *feeds.Show
	}{{"Podcast", c.Podcast}, {"Video podcast", c.Video}} {
		if s.show != nil && contains(s.show.Items, e) {
			in = append(in, s.name)
		}
	}
	if c.Reviews != nil && contains(c.Reviews.Items, e) {
		in = append(in, "Reviews")
	}
	return in
}

// versions describes e's audio and video versions that have an enclosure,
// with their chapters and captions, for the page's players.
func versions(p Page, e *feeds.Entry, id string) []versionView {
	var out []versionView
	for _, m := range []feeds.Medium{feeds.Audio, feeds.Video} {
		ep := e.Version(m)
		if ep == nil || ep.Enclosure.URL == "" {
			continue
		}
		vv := versionView{Episode: ep, Name: "Audio", Video: m == feeds.Video, PlayerID: id + "-" + string(m)}
		if vv.Video {
			vv.Name = "Video"
		}
		if ep.Chapters != nil {
			vv.Chapters, vv.ChaptersErr = chapters(p.ReadFile, ep.Chapters.Key)
		}
		for _, t := range ep.Transcripts {
			if strings.HasPrefix(t.Type, "text/vtt") || path.Ext(t.Key) == ".vtt" {
				vv.Captions = append(vv.Captions, t)
			}
		}
		out = append(out, vv)
	}
	return out
}

func (v *view) live() bool { return v.Live != "" }

// Script says whether the page carries the live-reload script.
func (v *view) Script() bool { return v.live() }

// entries lists every entry of every feed once, newest first.
func entries(c *feeds.Catalog) []*feeds.Entry {
	seen := map[*feeds.Entry]bool{}
	var out []*feeds.Entry
	add := func(es []*feeds.Entry) {
		for _, e := range es {
			if !seen[e] {
				seen[e] = true
				out = append(out, e)
			}
		}
	}
	for _, s := range []*feeds.Show{c.Podcast, c.Video} {
		if s != nil {
			add(s.Items)
		}
	}
	if c.Reviews != nil {
		add(c.Reviews.Items)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Date.Equal(out[j].Date) {
			return out[i].Date.After(out[j].Date)
		}
		return out[i].Slug < out[j].Slug
	})
	return out
}

func contains(es []*feeds.Entry, e *feeds.Entry) bool {
	for _, x := range es {
		if x == e {
			return true
		}
	}
	return false
}

// chapters lists a Podcasting 2.0 chapters file's table of contents (the
// build has checked it; toc: false chapters are not listed).
func chapters(read func(string) ([]byte, error), key string) ([]chapter, string) {
	if read == nil {
		return nil, ""
	}
	data, err := read(key)
	if err != nil {
		return nil, err.Error()
	}
	var doc struct {
		Chapters []struct {
			StartTime float64 `json:"startTime"`
			Title     string  `json:"title"`
			URL       string  `json:"url"`
			TOC       *bool   `json:"toc"`
		} `json:"chapters"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Sprintf("%s: %v", key, err)
	}
	var out []chapter
	for _, c := range doc.Chapters {
		if c.TOC != nil && !*c.TOC {
			continue
		}
		out = append(out, chapter{Start: c.StartTime, Title: c.Title, URL: c.URL})
	}
	return out, ""
}

// duration formats d as h:mm:ss or m:ss.
func duration(d time.Duration) string {
	s := int(d / time.Second) // as players show it: 5.5 s is 0:05
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// size formats a byte count for people.
func size(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
