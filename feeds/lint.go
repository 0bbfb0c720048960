package feeds

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/config/diag"
	"github.com/feedpub/feedpub/feeds/content"
	"github.com/feedpub/feedpub/feeds/identity"
)

// episodeNumberRE finds an episode number written into a title: "Ep. 12",
// "Episode 12", "#12", or a leading "12: " or "12 - ". "Season 3" is not
// one: a season is often part of a trailer's title.
var episodeNumberRE = regexp.MustCompile(`(?i)(\bep(isode|s)?\.?\s*#?\d+\b|(^|\s)#\d+\b|^\s*\d+\s*[:.\-–—|]\s)`)

// TitleHasNumber reports whether an episode title carries its episode
// number, which Apple asks to leave to itunes:episode.
func TitleHasNumber(title string) bool { return episodeNumberRE.MatchString(title) }

// TitleRepeatsShow reports whether an episode title contains the show's
// name, which Apple asks to leave out: apps show it next to every title.
func TitleRepeatsShow(title, show string) bool {
	show = strings.TrimSpace(show)
	return len(show) >= 4 && strings.Contains(strings.ToLower(title), strings.ToLower(show))
}

// EpisodeTitles applies Apple's asks for a feed's episode titles, one
// title at a time in feed order: FP402 (not the show's name), FP403 (not
// the episode number) and FP404 (no two alike, compared folded). Lint
// applies them to the model and feedcheck to a feed's bytes, each in its
// own words; the rules themselves are here only.
type EpisodeTitles struct {
	show string
	seen map[string]int // folded title → index of its first item
}

// NewEpisodeTitles returns the title rules of the show titled show.
func NewEpisodeTitles(show string) *EpisodeTitles {
	return &EpisodeTitles{show: show, seen: map[string]int{}}
}

// TitleFindings is what EpisodeTitles.Check found in one title.
type TitleFindings struct {
	RepeatsShow bool // FP402
	HasNumber   bool // FP403
	Same        int  // FP404: the index of an earlier item titled alike, else -1
}

// Check applies the rules to the title of the item at index i.
func (t *EpisodeTitles) Check(i int, title string) TitleFindings {
	f := TitleFindings{RepeatsShow: TitleRepeatsShow(title, t.show), HasNumber: TitleHasNumber(title), Same: -1}
	k := identity.FoldTitle(title)
	if j, ok := t.seen[k]; ok {
		f.Same = j
	} else {
		t.seen[k] = i
	}
	return f
}

// Lint checks what only the whole catalog shows: an empty podcast feed
// (Apple refuses it), episode titles Apple asks to change (the show's name
// or the episode number in them, or two alike), and entries scheduled so
// far ahead that the year is probably a typo. Each problem is located at
// the line that causes it. live holds the keys of feeds already published
// with items: emptying one of those is for the publish's live-feed bounds
// to refuse, or --force to allow (retiring a show), not an error here.
func Lint(cfg *config.Config, cat *Catalog, entries []*content.Entry, now time.Time, live map[string]bool) diag.Problems {
	var ps diag.Problems
	bySource := map[string]*content.Entry{}
	for _, ce := range entries {
		bySource[ce.File] = ce
	}
	for _, s := range []struct {
		name string
		on   bool
		show *Show
	}{{"podcast", cfg.Podcast.Enabled, cat.Podcast}, {"video", cfg.Video.Enabled, cat.Video}} {
		if !s.on || s.show == nil {
			continue
		}
		if len(s.show.Items) == 0 && !live[s.show.Key] {
			var drafts []string
			for _, ce := range entries {
				if ce.Draft && (s.name == "podcast" && ce.Audio != nil || s.name == "video" && ce.Video != nil) {
					drafts = append(drafts, ce.File)
				}
			}
			why := fmt.Sprintf("add an entry with %s:, or remove the section", s.show.Medium)
			if len(drafts) > 0 {
				why = fmt.Sprintf("its episodes are drafts: %s; remove draft: true once ready (feedpub serve --drafts previews them)", strings.Join(drafts, ", "))
			}
			cfg.Errorf(&ps, "FP401", s.name, "the %s feed has no episodes: Apple Podcasts refuses an empty feed (%s)", s.name, why)
		}
		titles := NewEpisodeTitles(s.show.Title)
		for i, e := range s.show.Items {
			ep := e.Version(s.show.Medium)
			title, field := e.Title, "title"
			if ep.Title != "" {
				title, field = ep.Title, string(s.show.Medium)+".title"
			}
			line := 0
			if ce := bySource[e.Source]; ce != nil {
				line = ce.Line(field)
			}
			f := titles.Check(i, title)
			if f.RepeatsShow {
				ps.Warnf("FP402", e.Source, line, field, "%q repeats the show name %q: apps show it next to every episode", title, s.show.Title)
			}
			if f.HasNumber {
				ps.Warnf("FP403", e.Source, line, field, "%q carries the episode number: set %s.episode instead", title, s.show.Medium)
			}
			if f.Same >= 0 {
				ps.Warnf("FP404", e.Source, line, field, "%q is also the title of %s in the %s feed", title, s.show.Items[f.Same].Source, s.name)
			}
		}
	}
	for _, ce := range entries {
		if !ce.Draft && ce.Date.After(now.AddDate(1, 0, 0)) {
			ps.Warnf("FP219", ce.File, ce.Line("date"), "date", "scheduled for %s, more than a year ahead: is the year right? The entry stays out of every feed until then", ce.Date.UTC().Format("2006-01-02"))
		}
	}
	return ps
}
