package publish

import (
	"fmt"
	"sort"
	"strings"
)

// GUIDChange is a published item whose GUID a new build would change or
// drop. Podcast apps key episodes by GUID: a changed GUID shows the episode
// again as new and loses listeners' played state.
type GUIDChange struct {
	Feed    string // the feed's key, e.g. "podcast.xml"
	Slug    string
	Old     string
	New     string // "" when the entry is gone from the site
	Source  string // the entry's file when it still exists
	Dropped bool
}

// String explains the change and the fix.
func (c GUIDChange) String() string {
	if c.Dropped {
		return fmt.Sprintf("%s: entry %q (GUID %s) was published but is no longer in the site; podcast apps keep it until it leaves the feed", c.Feed, c.Slug, c.Old)
	}
	if strings.HasSuffix(c.Feed, ".atom") {
		// Atom ids are tag: URIs of the slug and the first-publish day.
		return fmt.Sprintf("%s: %s: the Atom id of %q would change from %s to %s, and feed readers would show it as a new entry; keep its slug and original date to keep it",
			c.Source, c.Feed, c.Slug, c.Old, c.New)
	}
	return fmt.Sprintf("%s: %s: the GUID of %q would change from %s to %s, and podcast apps would show it as a new episode; set guid: %q in its front matter to keep it",
		c.Source, c.Feed, c.Slug, c.Old, c.New, c.Old)
}

// CheckGUIDs compares the GUIDs a build would publish (feed key → slug →
// GUID) with those the manifest recorded. sources maps a slug to its file,
// for messages; a slug absent from sources is an entry that no longer
// exists.
func CheckGUIDs(m *Manifest, built map[string]map[string]string, sources map[string]string) []GUIDChange {
	var out []GUIDChange
	feeds := make([]string, 0, len(m.GUIDs))
	for f := range m.GUIDs {
		feeds = append(feeds, f)
	}
	sort.Strings(feeds)
	for _, feed := range feeds {
		old := m.GUIDs[feed]
		slugs := make([]string, 0, len(old))
		for s := range old {
			slugs = append(slugs, s)
		}
		sort.Strings(slugs)
		for _, slug := range slugs {
			was := old[slug]
			now, ok := built[feed][slug]
			switch {
			case ok && now != was:
				out = append(out, GUIDChange{Feed: feed, Slug: slug, Old: was, New: now, Source: sources[slug]})
			case !ok:
				if _, exists := sources[slug]; !exists {
					out = append(out, GUIDChange{Feed: feed, Slug: slug, Old: was, Dropped: true})
				}
			}
		}
	}
	return out
}
