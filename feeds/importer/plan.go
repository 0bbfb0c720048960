package importer

import (
	"strings"
	"time"

	"github.com/feedpub/feedpub/config/diag"
	"github.com/feedpub/feedpub/feeds/identity"
)

// plan is one file an import writes (an entry, or feedpub.yaml) and the
// downloads it waits for.
type plan struct {
	order  int
	slug   string
	feed   string // the old feed, for messages
	line   int
	where  string
	fm     entryFM
	body   string
	config *siteConfig // set for feedpub.yaml instead of fm and body
	tasks  []*task
}

// task is one download of a plan. A required one that fails leaves the
// plan's file unwritten; an optional one (chapters, a transcript, art)
// that fails is left out of it by drop, with a warning.
type task struct {
	job
	feed     string
	required bool
	drop     func()
	err      error
}

// settle reports the plan's failed downloads and says whether its file
// can be written.
func (p *plan) settle(ps *diag.Problems) bool {
	ok := true
	for _, t := range p.tasks {
		switch {
		case t.err == nil:
		case t.required:
			ps.Errorf("FP601", t.feed, p.line, t.Where, "not imported: %s: %v (the next import tries again)", shown(t.URL), t.err)
			ok = false
		default:
			ps.Warnf("FP603", t.feed, p.line, t.Where, "%s: %v: left out of %s", shown(t.URL), t.err, t.Dest)
			t.drop()
		}
	}
	return ok
}

func (p *plan) add(t *task) { p.tasks = append(p.tasks, t) }

// plan turns the old feeds into the files to write: one entry per item
// not imported before, the video feed's items joined to the episodes they
// match, the review feed's to the entries they review, and feedpub.yaml.
func (im *run) plan() []*plan {
	res := im.res
	audio := episodes(res.Podcast, true, im.ps)
	var video, reviews []*episode
	if res.VideoFeed != nil {
		video = episodes(res.VideoFeed, true, im.ps)
	}
	if res.ReviewFeed != nil {
		reviews = episodes(res.ReviewFeed, false, im.ps)
	}
	var plans []*plan
	byGUID := map[string]*plan{}
	var all []*plan // every item's plan, imported before or not, for matching
	for _, ep := range audio {
		p := im.episodePlan(ep, res.Podcast.Source, "audio", "")
		byGUID[ep.guid] = p
		all = append(all, p)
		plans = appendNew(plans, p)
	}
	for _, ep := range video {
		if p := match(ep, byGUID, all, im.ps, res.VideoFeed.Source); p != nil {
			if p.slug != "" {
				im.attach(p, ep, res.VideoFeed.Source, "video")
			} else if f := im.haveGUID[ep.guid]; !im.haveVideo[f] {
				im.ps.Notef("FP604", res.VideoFeed.Source, ep.it.Line, ep.where, "belongs to %s, imported before without its video: an import never changes a file, so add its video: block by hand", f)
			}
			continue
		}
		p := im.episodePlan(ep, res.VideoFeed.Source, "video", "-video")
		all = append(all, p)
		plans = appendNew(plans, p)
	}
	for _, ep := range reviews {
		im.review(ep, byGUID, all, &plans)
	}
	for i, p := range plans {
		p.order = i
	}
	if !im.haveConfig {
		plans = append(plans, im.configPlan())
	}
	return plans
}

// appendNew adds p unless its item was imported before (no slug).
func appendNew(plans []*plan, p *plan) []*plan {
	if p.slug == "" {
		return plans
	}
	return append(plans, p)
}

// match finds the episode a video or review item belongs to: the one with
// its GUID, else one of the same day and title. An entry has one GUID for
// every feed, so an item matched by day and title but with a GUID of its
// own keeps an entry of its own (joining them would change one GUID), and
// this is said with FP604.
func match(ep *episode, byGUID map[string]*plan, all []*plan, ps *diag.Problems, feed string) *plan {
	if p, ok := byGUID[ep.guid]; ok {
		return p
	}
	for _, p := range all {
		if p.fm.Date == "" || !sameDay(p.date(), ep.date) || !strings.EqualFold(strings.TrimSpace(p.fm.Title), ep.it.Title) {
			continue
		}
		ps.Notef("FP604", feed, ep.it.Line, ep.where, "same day and title as %s, but a GUID of its own: imported as an entry of its own so that both GUIDs hold", p.where)
		return nil
	}
	return nil
}

func (p *plan) date() time.Time {
	t, _ := time.Parse(time.RFC3339, p.fm.Date)
	return t
}

func sameDay(a, b time.Time) bool {
	return a.UTC().Format("2006-01-02") == b.UTC().Format("2006-01-02")
}

// episodePlan makes the entry of an item; its slug is "" when an entry
// with its GUID is in the site already.
func (im *run) episodePlan(ep *episode, feed, medium, suffix string) *plan {
	p := &plan{feed: feed, line: ep.it.Line, where: ep.where}
	p.fm = entryFM{Title: ep.it.Title, Date: rfc3339(ep.date), GUID: ep.guid, Link: ep.it.Link}
	p.body = ep.notes
	if f, ok := im.haveGUID[ep.guid]; ok {
		im.res.Kept++
		p.where += " (imported before as " + f + ")"
		return p
	}
	p.slug = im.slug(ep.guid, ep.it.Title, suffix)
	im.attach(p, ep, feed, medium)
	if art := ep.it.Image.Href; art != "" {
		dest := "artwork/" + p.slug + mediaExt(art, "", ".jpg")
		p.fm.Image = dest
		p.add(&task{job: job{URL: art, Dest: dest, Where: ep.where + " itunes:image"}, feed: feed, drop: func() { p.fm.Image = "" }})
	}
	return p
}

// attach gives p the audio or video version of ep: its media (downloaded
// or by URL), numbers, chapters and transcripts.
func (im *run) attach(p *plan, ep *episode, feed, medium string) {
	it := ep.it
	m := &mediaOut{
		Season: positive(it.Season), Episode: positive(it.Episode), Explicit: explicit(it.Explicit),
	}
	if it.ItunesTitle != "" && it.ItunesTitle != it.Title {
		m.Title = it.ItunesTitle
	}
	if t := it.EpisodeType; t == "trailer" || t == "bonus" {
		m.EpisodeType = t
	}
	for _, pe := range it.Persons {
		m.Persons = append(m.Persons, personOut{Name: strings.TrimSpace(pe.Name), Role: pe.Role, Group: pe.Group, Href: pe.Href, Img: pe.Img})
	}
	stem := p.slug
	if medium == "video" && p.fm.Audio != nil {
		stem += ".video"
	}
	if im.o.Media == MediaRemote {
		m.URL = ep.enc.URL
		if d, ok := ParseDuration(it.Duration); ok && d > 0 {
			m.Duration = d.Seconds()
		}
	} else {
		m.File = "media/" + stem + mediaExt(ep.enc.URL, ep.enc.Type, ".mp3")
		p.add(&task{job: job{URL: ep.enc.URL, Dest: m.File, Length: ep.size, Type: ep.enc.Type, Where: ep.where + " enclosure", Check: true}, feed: feed, required: true})
	}
	if c := it.Chapters; c != nil && c.URL != "" {
		m.Chapters = "media/" + stem + ".chapters.json"
		p.add(&task{job: job{URL: c.URL, Dest: m.Chapters, Where: ep.where + " podcast:chapters"}, feed: feed, drop: func() { m.Chapters = "" }})
	}
	im.transcripts(p, m, ep, feed, stem)
	if medium == "video" {
		p.fm.Video = m
	} else {
		p.fm.Audio = m
	}
}

// transcripts adds the item's VTT and SRT transcripts, the forms feedpub
// checks and publishes; other kinds (HTML, JSON, plain text) are named
// and left out.
func (im *run) transcripts(p *plan, m *mediaOut, ep *episode, feed, stem string) {
	seen := map[string]bool{}
	for _, tr := range ep.it.Transcripts {
		ext := mediaExt(tr.URL, tr.Type, "")
		if ext != ".vtt" && ext != ".srt" {
			im.ps.Warnf("FP603", feed, ep.it.Line, ep.where+" podcast:transcript", "%s (%s): feedpub publishes VTT and SRT transcripts only: left out", shown(tr.URL), tr.Type)
			continue
		}
		lang := strings.ToLower(strings.TrimSpace(tr.Language))
		name := stem
		if lang != "" {
			name += "." + lang
		}
		dest := "media/" + name + ext
		if seen[dest] {
			continue
		}
		seen[dest] = true
		i := len(m.Transcripts)
		m.Transcripts = append(m.Transcripts, transcriptOut{File: dest, Language: lang, Rel: relOf(tr.Rel)})
		p.add(&task{job: job{URL: tr.URL, Dest: dest, Where: ep.where + " podcast:transcript"}, feed: feed, drop: func() {
			m.Transcripts[i].File = "" // removed below, keeping the indexes of the others
			out := m.Transcripts[:0]
			for _, t := range m.Transcripts {
				if t.File != "" {
					out = append(out, t)
				}
			}
			m.Transcripts = out
		}})
	}
}

func relOf(s string) string {
	if strings.TrimSpace(s) == "captions" {
		return "captions"
	}
	return ""
}

// review joins a review feed's item to the entry it reviews (by GUID, then
// link, then day and title): its text becomes the entry's body. A review
// of no episode becomes a written review of its own.
func (im *run) review(ep *episode, byGUID map[string]*plan, all []*plan, plans *[]*plan) {
	feed := im.res.ReviewFeed.Source
	var target *plan
	if p, ok := byGUID[ep.guid]; ok {
		target = p
	}
	for _, p := range all {
		if target != nil {
			break
		}
		if ep.it.Link != "" && p.fm.Link == ep.it.Link || sameDay(p.date(), ep.date) && strings.EqualFold(strings.TrimSpace(p.fm.Title), ep.it.Title) {
			target = p
		}
	}
	if target != nil {
		if target.slug == "" {
			return // imported before
		}
		if ep.guid != target.fm.GUID {
			im.ps.Notef("FP604", feed, ep.it.Line, ep.where, "attached to %s, whose GUID %s the review feeds now carry: feed readers show this review once more", target.where, target.fm.GUID)
		}
		target.body = ep.notes
		if ep.it.Link != "" {
			target.fm.Link = ep.it.Link
		}
		return
	}
	p := &plan{feed: feed, line: ep.it.Line, where: ep.where, body: ep.notes}
	p.fm = entryFM{Title: ep.it.Title, Date: rfc3339(ep.date), GUID: ep.guid, Link: ep.it.Link, Author: ep.it.Author}
	if _, ok := im.haveGUID[ep.guid]; ok {
		im.res.Kept++
		return
	}
	if strings.TrimSpace(p.body) == "" {
		im.ps.Errorf("FP601", feed, ep.it.Line, ep.where, "not imported: the review has no text (FP506)")
		return
	}
	p.slug = im.slug(ep.guid, ep.it.Title, "")
	*plans = append(*plans, p)
}

// configPlan makes feedpub.yaml from the old channels, and downloads the
// show art.
func (im *run) configPlan() *plan {
	pf := im.res.Podcast
	c := &siteConfig{Content: contentSect{Dir: im.contentDir}}
	c.Site = siteSection{
		Title: pf.Title, Description: plainText(firstOf(pf.Desc, pf.Summary)), Link: pf.Link,
		BaseURL: im.o.BaseURL, Language: strings.ToLower(pf.Language), Author: pf.Author,
		Email: pf.Owner.Email, Copyright: pf.Copyright,
	}
	if c.Site.BaseURL == "" {
		c.Site.BaseURL = strings.TrimRight(pf.Link, "/") + "/"
	}
	p := &plan{config: c, feed: pf.Source, where: "channel"}
	if c.Site.Email == "" {
		im.ps.Warnf("FP420", pf.Source, 0, "channel itunes:owner", "no owner email: feedpub's feed needs one (Apple writes to it to confirm the show is yours); set site.email in feedpub.yaml")
	}
	c.Podcast = im.show(p, pf, "podcast.xml", "cover")
	if vf := im.res.VideoFeed; vf != nil {
		c.Video = im.show(p, vf, "video.xml", "video-cover")
	}
	if im.res.ReviewFeed != nil {
		c.Reviews = &reviewsSect{RSS: "reviews.xml", Atom: "reviews.atom", JSON: "reviews.json"}
	}
	return p
}

// show makes a podcast or video section from a channel. podcast.guid is
// the old feed's podcast:guid; a feed without one is known to the
// Podcast Index by the guid of its URL, so that is kept instead of one
// derived from the new URL.
func (im *run) show(p *plan, f *Feed, key, art string) *showSection {
	s := &showSection{Path: key, Title: f.Title, Author: f.Author, Email: f.Owner.Email, Type: f.Type}
	if f != im.res.Podcast {
		s.Description = plainText(firstOf(f.Desc, f.Summary))
	}
	if e := explicit(f.Explicit); e != nil {
		s.Explicit = *e
	}
	s.GUID = f.GUID
	if s.GUID == "" {
		s.GUID = derivedGUID(f)
	}
	s.Locked = strings.EqualFold(f.Locked, "yes")
	s.Block = strings.EqualFold(f.Block, "yes")
	s.Complete = strings.EqualFold(f.Complete, "yes")
	for _, c := range f.Categories {
		if len(c.Subs) == 0 {
			s.Categories = append(s.Categories, strings.TrimSpace(c.Text))
		}
		for _, sub := range c.Subs {
			s.Categories = append(s.Categories, strings.TrimSpace(c.Text)+" > "+strings.TrimSpace(sub.Text))
		}
	}
	for _, fu := range f.Funding {
		s.Funding = append(s.Funding, fundingOut{URL: strings.TrimSpace(fu.URL), Text: strings.TrimSpace(fu.Text)})
	}
	for _, pe := range f.Persons {
		s.Persons = append(s.Persons, personOut{Name: strings.TrimSpace(pe.Name), Role: pe.Role, Group: pe.Group, Href: pe.Href, Img: pe.Img})
	}
	for _, t := range f.Txt {
		s.Txt = append(s.Txt, txtOut{Purpose: t.Purpose, Value: strings.TrimSpace(t.Value)})
	}
	if l := f.License; l != nil && strings.TrimSpace(l.Name) != "" {
		s.License = &licenseOut{Name: strings.TrimSpace(l.Name), URL: l.URL}
	}
	if u := f.UpdateFrequency; u != nil {
		s.UpdateFrequency = &updFreqOut{RRule: u.RRule, Text: strings.TrimSpace(u.Text), Complete: u.Complete == "true", DTStart: u.DTStart}
	}
	if len(f.Trailers) > 0 {
		im.ps.Notef("FP604", f.Source, 0, "channel podcast:trailer", "not copied: feedpub lists as trailers the episodes with episode_type: trailer")
	}
	if img := f.Image; img != "" {
		s.Image = "artwork/" + art + mediaExt(img, "", ".jpg")
		p.add(&task{job: job{URL: img, Dest: s.Image, Where: "channel itunes:image"}, feed: f.Source, drop: func() { s.Image = "" }})
	}
	return s
}

// plainText drops the markup of a channel description (feedpub's is
// text); one the converter cannot read is kept as it is.
func plainText(s string) string {
	if md, err := ToMarkdown(s); err == nil {
		return md
	}
	return s
}

// derivedGUID is the Podcasting 2.0 guid of the old feed's URL (its
// atom:link rel="self", else the URL it was read from), or "" for a file
// that names no URL.
func derivedGUID(f *Feed) string {
	u := f.Self
	if u == "" && strings.Contains(f.url, "://") {
		u = f.url
	}
	if u == "" {
		return ""
	}
	return identity.PodcastGUID(u)
}

func firstOf(vals ...string) string {
	for _, v := range vals {
		if strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
