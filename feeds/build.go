package feeds

import (
	"fmt"
	"html"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/config/diag"
	"github.com/feedpub/feedpub/config/mediatype"
	"github.com/feedpub/feedpub/feeds/content"
	"github.com/feedpub/feedpub/feeds/identity"
)

// Input is what Build works from. Every field is already loaded and checked.
type Input struct {
	Config  *config.Config
	Entries []*content.Entry
	// Media maps the site key of every file the config and the entries
	// reference to what the feeds state about it.
	Media map[string]Media
	// Now decides which entries are due, and dates an edit of a published
	// entry the first time a build sees it (recorded, so later builds give
	// the same bytes).
	Now       time.Time
	Generator string
	// Published are the identity records of earlier publishes to the
	// target, and FeedIDs its recorded feed ids; both empty for a target
	// never published to.
	Published []identity.Record
	FeedIDs   map[string]string
	// AcceptNewGUIDs lets a front matter guid: replace a published GUID.
	AcceptNewGUIDs bool
	// Drafts and Future keep drafts and entries dated after Now in the
	// feeds, for the preview (serve --drafts, --future); a publish never
	// sets them.
	Drafts, Future bool
	// EntryHTML holds, for entries whose feed HTML (EntryHTML) the caller
	// already made, that string, so the model shares it rather than making
	// a copy; Build uses it only if it is what it would make.
	EntryHTML map[*content.Entry]string
}

// Skipped names an entry left out of every feed, and why.
type Skipped struct {
	File   string
	Reason string // "draft" or "scheduled for 2026-12-01T09:00:00Z"
}

// Build merges content and media into the Catalog, deterministically: the
// same Input gives the same Catalog, items sorted newest first with the slug
// breaking ties. It is pure: it changes nothing it is given and writes
// nowhere; the sanitised forms of each review are not part of the model:
// the encoders take them from a Forms their caller gives them.
func Build(in Input) (*Catalog, []Skipped, diag.Problems) {
	var ps diag.Problems
	cfg := in.Config
	base := cfg.Site.BaseURL
	cat := &Catalog{Site: Site{
		Title:       clean(cfg.Site.Title),
		Description: clean(cfg.Site.Description),
		Link:        cfg.Site.Link,
		BaseURL:     base,
		Language:    strings.ToLower(cfg.Site.Language),
		Author:      clean(cfg.Site.Author),
		Email:       cfg.Site.Email,
		Copyright:   clean(cfg.Site.Copyright),
		Image:       in.assetURL(cfg.Site.Image),
		ImageKey:    in.key(cfg.Site.Image),
		Generator:   in.Generator,
	}}

	matches, unmatched, ips := identity.Resolve(in.Published, in.identities())
	ps.Add(ips...)
	var skipped []Skipped
	var entries []*Entry
	built := make([]*Entry, len(in.Entries))
	bySlug := map[string]*content.Entry{}
	byGUID := map[string]*content.Entry{}
	for i, ce := range in.Entries {
		switch {
		case ce.Draft && !in.Drafts:
			skipped = append(skipped, Skipped{ce.File, "draft"})
			continue
		case ce.Date.After(in.Now) && !in.Future:
			skipped = append(skipped, Skipped{ce.File, "scheduled for " + ce.Date.UTC().Format(time.RFC3339)})
			continue
		}
		if prev, ok := bySlug[ce.Slug]; ok {
			ps.Errorf("FP212", ce.File, ce.Line("slug"), "slug", "%q is also the slug of %s; slugs must be unique", ce.Slug, prev.File)
			continue
		}
		bySlug[ce.Slug] = ce
		e := in.entry(ce, matches[i], &ps)
		built[i] = e
		if prev, ok := byGUID[e.GUID]; ok {
			ps.Errorf("FP213", ce.File, ce.Line("guid"), "guid", "%q is also the GUID of %s; GUIDs must be unique", e.GUID, prev.File)
			continue
		}
		byGUID[e.GUID] = ce
		entries = append(entries, e)
	}
	sort.SliceStable(entries, func(i, j int) bool {
		if !entries[i].Date.Equal(entries[j].Date) {
			return entries[i].Date.After(entries[j].Date)
		}
		return entries[i].Slug < entries[j].Slug
	})

	if cfg.Podcast.Enabled {
		cat.Podcast = in.show("podcast", &cfg.Podcast, Audio, entries, &ps)
	}
	if cfg.Video.Enabled {
		cat.Video = in.show("video", &cfg.Video, Video, entries, &ps)
	}
	if cfg.Reviews.Enabled {
		cat.Reviews = in.reviews(entries)
	}
	cat.Records, cat.FeedIDs = in.record(cat, built, matches, unmatched, &ps)
	return cat, skipped, ps
}

// URL returns the public URL of an object key.
func URL(base, key string) string {
	segs := strings.Split(key, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return base + strings.Join(segs, "/")
}

// key returns the published key of a referenced file: its own key, or a
// content-versioned one when it replaced a published file.
func (in *Input) key(siteKey string) string {
	if m, ok := in.Media[siteKey]; ok && (m.Key != "" || m.URL != "") {
		return m.Key // "" for a file on another host: nothing to publish
	}
	return siteKey
}

func (in *Input) assetURL(siteKey string) string {
	if siteKey == "" {
		return ""
	}
	if m := in.Media[siteKey]; m.URL != "" {
		return m.URL
	}
	return URL(in.Config.Site.BaseURL, in.key(siteKey))
}

func (in *Input) entry(ce *content.Entry, m identity.Match, ps *diag.Problems) *Entry {
	cfg := in.Config
	e := &Entry{
		Source:      ce.File,
		Slug:        ce.Slug,
		GUID:        ce.GUID,
		Title:       clean(ce.Title),
		Link:        ce.Link,
		Date:        ce.Date.UTC(),
		Updated:     ce.Updated.UTC(),
		Author:      clean(ce.Author),
		AuthorEmail: ce.Email,
		Summary:     clean(ce.Summary),
		Tags:        ce.Tags,
		Rating:      ce.Rating,
		Image:       in.assetURL(ce.Image),
		ImageKey:    in.key(ce.Image),
	}
	if e.GUID == "" {
		e.GUID = identity.EntryGUID(ce.Slug, ce.Date)
	}
	if e.Author == "" {
		e.Author = clean(cfg.Site.Author)
	}
	if e.AuthorEmail == "" {
		e.AuthorEmail = cfg.Site.Email
	}
	if e.Link == "" && cfg.Reviews.Link != "" && ce.HTML != "" {
		e.Link = strings.ReplaceAll(cfg.Reviews.Link, "{slug}", url.PathEscape(ce.Slug))
	}
	if e.Link == "" {
		e.Link = cfg.Site.Link
	}
	e.AtomID = identity.TagURI(cfg.Site.Link, e.Date, "reviews/"+ce.Slug)
	if r := m.Record; r != nil {
		in.keepIdentity(ce, e, m, ps)
	}
	e.Film = film(ce.Film)
	if ce.HTML != "" {
		head := filmHeader(e.Film, e.Rating)
		if h, ok := in.EntryHTML[ce]; ok && len(h) == len(head)+len(ce.HTML) && h[:len(head)] == head && h[len(head):] == ce.HTML {
			e.HTML = h // the caller's copy, which ce.HTML shares
		} else {
			e.HTML = head + ce.HTML
		}
	}
	if ce.Audio != nil {
		e.Audio = in.episode(ce, "audio", ce.Audio, ps)
	}
	if ce.Video != nil {
		e.Video = in.episode(ce, "video", ce.Video, ps)
	}
	e.VideoLink = in.videoLink(ce.VideoLink, e.Title)
	e.hash = contentHash(e)
	in.date(ce, e, m.Record)
	return e
}

func (in *Input) episode(ce *content.Entry, field string, m *content.Media, ps *diag.Problems) *Episode {
	ep := &Episode{
		Title:  clean(m.Title),
		Season: m.Season,
		Number: m.Episode,
		Type:   m.EpisodeType,
	}
	show := &in.Config.Podcast
	if field == "video" {
		show = &in.Config.Video
	}
	ep.Explicit = show.Explicit
	if m.Explicit != nil {
		ep.Explicit = *m.Explicit
	}
	if a, ok := in.Media[m.Source()]; ok {
		ep.Enclosure = Enclosure{
			Key:      a.Key,
			URL:      in.assetURL(m.Source()),
			Type:     a.Type,
			Length:   a.Size,
			Duration: a.Duration,
			Bitrate:  a.Bitrate,
			Codecs:   a.Codecs,
			SHA256:   a.SHA256,
			Width:    a.Width,
			Height:   a.Height,
		}
	}
	if m.Duration > 0 {
		d := time.Duration(m.Duration * float64(time.Second))
		if got := ep.Enclosure.Duration; got > 0 && absDur(got-d) > 2*time.Second {
			ps.Warnf("FP218", ce.File, ce.Line(field+".duration"), field+".duration",
				"%v s differs from the %.1f s read from %s; the front matter wins, but is it right?", m.Duration, got.Seconds(), m.Name())
		}
		ep.Enclosure.Duration = d
	}
	if m.Chapters != "" {
		ep.Chapters = &Link{Key: in.key(m.Chapters), URL: in.assetURL(m.Chapters), Type: mediatype.Chapters}
	}
	for _, t := range m.Transcripts {
		ep.Transcripts = append(ep.Transcripts, Transcript{
			Key:      in.key(t.File),
			URL:      in.assetURL(t.File),
			Type:     in.Media[t.File].Type,
			Language: strings.ToLower(t.Language),
			Rel:      t.Rel,
		})
	}
	ep.Persons = persons(m.Persons)
	return ep
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

func (in *Input) show(name string, sc *config.Show, m Medium, entries []*Entry, ps *diag.Problems) *Show {
	cfg := in.Config
	site := cfg.Site
	s := &Show{
		Medium:      m,
		Key:         sc.Path,
		URL:         URL(site.BaseURL, sc.Path),
		Title:       clean(or(sc.Title, site.Title)),
		Description: clean(or(sc.Description, site.Description)),
		Link:        site.Link,
		Language:    strings.ToLower(site.Language),
		Author:      clean(or(sc.Author, site.Author, site.Title)),
		OwnerName:   clean(or(sc.Author, site.Author, site.Title)),
		OwnerEmail:  or(sc.Email, site.Email),
		Copyright:   clean(or(sc.Copyright, site.Copyright)),
		Image:       in.assetURL(or(sc.Image, site.Image)),
		ImageKey:    in.key(or(sc.Image, site.Image)),
		Explicit:    sc.Explicit,
		Type:        sc.Type,
		GUID:        sc.GUID,
		Locked:      sc.Locked,
		NewFeedURL:  sc.NewFeedURL,
		Block:       sc.Block,
		Complete:    sc.Complete,
		Persons:     persons(sc.Persons),
		Generator:   in.Generator,
		Hubs:        cfg.Publish.Notify.WebSub,

		EnclosurePrefix: sc.EnclosurePrefix,
		// The other value, "full", is the default; config checked it.
		SummaryDescriptions: sc.ItemDescription == "summary",
	}
	if s.GUID == "" {
		s.GUID = in.FeedIDs[s.Key]
	}
	if s.GUID == "" {
		s.GUID = identity.PodcastGUID(s.URL)
	}
	s.Categories = showCategories(cfg, name, sc, m, ps)
	if s.Image == "" {
		cfg.Errorf(ps, "FP124", name+".image", "Apple Podcasts requires show art: set site.image or %s.image (square JPEG or PNG, 1400–3000 px)", name)
	}
	for _, f := range sc.Funding {
		s.Funding = append(s.Funding, Funding{URL: f.URL, Text: clean(f.Text)})
	}
	for _, t := range sc.Txt {
		s.Txt = append(s.Txt, Txt{Purpose: t.Purpose, Value: t.Value})
	}
	if sc.License.Name != "" {
		s.License = &License{Name: sc.License.Name, URL: sc.License.URL}
	}
	if uf := sc.UpdateFrequency; uf.RRule != "" || uf.Text != "" || uf.Complete {
		s.UpdateFrequency = &UpdateFrequency{RRule: uf.RRule, Complete: uf.Complete, Text: uf.Text}
		if uf.DTStart != "" {
			t, err := content.ParseDate(uf.DTStart)
			if err != nil {
				key := name + ".update_frequency.dtstart"
				cfg.Errorf(ps, "FP125", key, "%v", err)
			}
			s.UpdateFrequency.DTStart = t.UTC()
		}
	}
	addItems(s, name, sc.Limit, entries, ps)
	return s
}

// showCategories parses the show's categories; a video show without its
// own takes the podcast's, as a video feed of the same show usually shares
// them. Apple requires at least one.
func showCategories(cfg *config.Config, name string, sc *config.Show, m Medium, ps *diag.Problems) []Category {
	var out []Category
	cats, catKey := sc.Categories, name
	if len(cats) == 0 && m == Video && cfg.Podcast.Enabled {
		// A video feed of the same show usually shares its categories.
		cats, catKey = cfg.Podcast.Categories, "podcast"
	}
	for i, c := range cats {
		key := fmt.Sprintf("%s.categories[%d]", catKey, i)
		cat, err := ParseCategory(c)
		if err != nil {
			cfg.Errorf(ps, "FP122", key, "%v", err)
			continue
		}
		out = append(out, cat)
	}
	if len(cats) == 0 {
		cfg.Errorf(ps, "FP123", name+".categories", "Apple Podcasts requires at least one category, e.g. [\"TV & Film > Film Reviews\"]")
	}
	return out
}

// addItems puts the entries with a version for s's medium into s, up to
// limit (0: all), with its trailers and latest date; an episode number
// used twice, or missing in a serial show, is an error.
func addItems(s *Show, name string, limit int, entries []*Entry, ps *diag.Problems) {
	m := s.Medium
	seen := map[[2]int]*Entry{}
	for _, e := range entries {
		ep := e.Version(m)
		if ep == nil {
			continue
		}
		if ep.Number > 0 {
			k := [2]int{ep.Season, ep.Number}
			if prev, ok := seen[k]; ok {
				ps.Errorf("FP216", e.Source, 0, string(m)+".episode", "season %d episode %d is also %s in the %s feed", ep.Season, ep.Number, prev.Source, name)
			} else {
				seen[k] = e
			}
		} else if s.Type == "serial" && ep.Type != "trailer" {
			ps.Errorf("FP217", e.Source, 0, string(m)+".episode", "%s.type is serial, so Apple Podcasts requires an episode number on every episode", name)
		}
		s.Items = append(s.Items, e)
	}
	if limit > 0 && len(s.Items) > limit {
		s.Items = s.Items[:limit]
	}
	for _, e := range s.Items {
		if e.Version(m).Type == "trailer" {
			s.Trailers = append(s.Trailers, e)
		}
		if e.Date.After(s.Updated) {
			s.Updated = e.Date
		}
	}
}

func (in *Input) reviews(entries []*Entry) *ReviewFeed {
	cfg := in.Config
	site := cfg.Site
	r := &ReviewFeed{
		Title:        clean(site.Title),
		Description:  clean(site.Description),
		Link:         site.Link,
		Language:     strings.ToLower(site.Language),
		Author:       clean(site.Author),
		Email:        site.Email,
		Copyright:    clean(site.Copyright),
		Image:        in.assetURL(site.Image),
		RSSKey:       cfg.Reviews.RSS,
		AtomKey:      cfg.Reviews.Atom,
		JSONKey:      cfg.Reviews.JSON,
		TagAuthority: tagAuthority(site.Link, entries),
		AtomID:       strings.TrimSpace(cfg.Reviews.AtomID),
		Generator:    in.Generator,
		Hubs:         cfg.Publish.Notify.WebSub,
	}
	if r.RSSKey != "" {
		r.RSSURL = URL(site.BaseURL, r.RSSKey)
	}
	if r.AtomKey != "" {
		r.AtomURL = URL(site.BaseURL, r.AtomKey)
	}
	if r.JSONKey != "" {
		r.JSONURL = URL(site.BaseURL, r.JSONKey)
	}
	for _, e := range entries {
		if e.HTML != "" {
			r.Items = append(r.Items, e)
		}
	}
	if cfg.Reviews.Limit > 0 && len(r.Items) > cfg.Reviews.Limit {
		r.Items = r.Items[:cfg.Reviews.Limit]
	}
	for _, e := range r.Items {
		if e.Updated.After(r.Updated) {
			r.Updated = e.Updated
		}
	}
	if r.AtomKey != "" {
		// The feed's Atom id, once published, is recorded: a back-dated
		// entry would otherwise move the year in its tag: URI.
		r.AtomID = or(r.AtomID, in.FeedIDs[r.AtomKey], "tag:"+r.TagAuthority+":reviews")
	}
	return r
}

// tagAuthority dates a new feed's tag: ID by the oldest entry.
func tagAuthority(link string, entries []*Entry) string {
	year := 2000
	if len(entries) > 0 {
		year = entries[len(entries)-1].Date.Year()
	}
	return identity.TagAuthority(link, year)
}

// EntryHTML is the HTML the feeds carry for a content entry (Entry.HTML):
// the film's facts and the rating, then the review; "" for an entry with
// no review. It depends on the entry alone.
func EntryHTML(ce *content.Entry) string {
	if ce.HTML == "" {
		return ""
	}
	return filmHeader(film(ce.Film), ce.Rating) + ce.HTML
}

func film(f *content.Film) *Film {
	if f == nil {
		return nil
	}
	return &Film{Title: clean(f.Title), Year: f.Year, Director: clean(f.Director), Platform: clean(f.Platform)}
}

// filmHeader renders the film's facts and the rating as the first lines of
// the review HTML, so every reader sees them whatever the feed format.
func filmHeader(f *Film, rating *float64) string {
	var parts []string
	if f != nil && f.Title != "" {
		s := "<em>" + html.EscapeString(strings.TrimSpace(f.Title)) + "</em>"
		if f.Year > 0 {
			s += fmt.Sprintf(" (%d)", f.Year)
		}
		if f.Director != "" {
			s += ", directed by " + html.EscapeString(strings.TrimSpace(f.Director))
		}
		if f.Platform != "" {
			s += ", on " + html.EscapeString(strings.TrimSpace(f.Platform))
		}
		parts = append(parts, s+".")
	}
	if rating != nil {
		parts = append(parts, "Rating: "+Stars(*rating)+" ("+strconv.FormatFloat(*rating, 'f', -1, 64)+"/5)")
	}
	if len(parts) == 0 {
		return ""
	}
	return "<p>" + strings.Join(parts, " ") + "</p>\n"
}

// Stars draws a 0–5 rating in halves as ★ and ½.
func Stars(r float64) string {
	full := int(r)
	s := strings.Repeat("★", full)
	if r-float64(full) >= 0.5 {
		s += "½"
	}
	return s + strings.Repeat("☆", 5-full-boolInt(r-float64(full) >= 0.5))
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func persons(ps []config.Person) []Person {
	var out []Person
	for _, p := range ps {
		out = append(out, Person{Name: clean(p.Name), Role: p.Role, Group: p.Group, Href: p.Href, Img: p.Img})
	}
	return out
}

func clean(s string) string { return strings.TrimSpace(s) }

func or(vals ...string) string {
	for _, v := range vals {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}
