package identity

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Kept is the identity part of a target's manifest: the record of every
// entry published and the feeds' own ids (feed key → podcast:guid or Atom
// feed id). media/publish stores it as JSON without reading it.
type Kept struct {
	Entries []Record          `json:"entries,omitempty"`
	FeedIDs map[string]string `json:"feed_ids,omitempty"`
}

// Decode reads the identity part of a manifest: its entries and feed_ids
// (nil when absent) and a version 1 manifest's guids, which are migrated
// into records. It returns encoding/json's error for JSON that is not
// identity records, and Check's for records that contradict themselves.
func Decode(entries, feedIDs, guidsV1 json.RawMessage) (*Kept, error) {
	k := &Kept{}
	if err := unmarshal(entries, &k.Entries); err != nil {
		return nil, err
	}
	if err := unmarshal(feedIDs, &k.FeedIDs); err != nil {
		return nil, err
	}
	var v1 map[string]map[string]string
	if err := unmarshal(guidsV1, &v1); err != nil {
		return nil, err
	}
	if len(k.Entries) == 0 {
		k.Entries = Migrate(v1)
	}
	if err := k.Check(); err != nil {
		return nil, err
	}
	return k, nil
}

func unmarshal(raw json.RawMessage, v any) error {
	if len(raw) == 0 {
		return nil
	}
	return json.Unmarshal(raw, v)
}

// Encode returns the identity part as the manifest keeps it: entries and
// feed_ids, each nil when empty (the manifest then leaves it out).
func (k *Kept) Encode() (entries, feedIDs json.RawMessage) {
	if k == nil {
		return nil, nil
	}
	if len(k.Entries) > 0 {
		entries, _ = json.Marshal(k.Entries)
	}
	if len(k.FeedIDs) > 0 {
		feedIDs, _ = json.Marshal(k.FeedIDs)
	}
	return entries, feedIDs
}

// Sort puts records in the order the manifest keeps them: the entries of
// the site by source file, then the removed ones, each by GUID within.
func Sort(records []Record) {
	sort.SliceStable(records, func(i, j int) bool {
		a, b := records[i], records[j]
		if a.Removed != b.Removed {
			return !a.Removed
		}
		if a.Source != b.Source {
			return a.Source < b.Source
		}
		return a.GUID < b.GUID
	})
}

// Migrate turns version 1's per-feed GUID maps (feed key → slug → GUID or
// Atom id) into identity records, one per slug, so a target published by
// an older feedpub keeps every id. The records have no source file: they
// are matched by slug.
func Migrate(guids map[string]map[string]string) []Record {
	bySlug := map[string]*Record{}
	var slugs []string
	for feed, items := range guids {
		for slug, id := range items {
			r := bySlug[slug]
			if r == nil {
				r = &Record{Slug: slug, Feeds: map[string]string{}}
				bySlug[slug] = r
				slugs = append(slugs, slug)
			}
			r.Feeds[feed] = id
			// Version 1 kept Atom ids beside GUIDs; only they are tag: URIs.
			if strings.HasPrefix(id, "tag:") {
				r.AtomID = id
			} else {
				r.GUID = id
			}
		}
	}
	sort.Strings(slugs)
	var out []Record
	for _, s := range slugs {
		out = append(out, *bySlug[s])
	}
	return out
}

// Check refuses identity records that contradict themselves: used as they
// are, they would publish two entries under one GUID, or one podcast:guid
// for two feeds.
func (k *Kept) Check() error {
	var errs []string
	bySource := map[string]*Record{}
	perFeed := map[string]map[string]*Record{} // feed → id → record
	for i := range k.Entries {
		r := &k.Entries[i]
		if r.Source != "" {
			if prev, dup := bySource[r.Source]; dup {
				errs = append(errs, fmt.Sprintf("two records (GUIDs %s and %s) have the source %s", prev.GUID, r.GUID, r.Source))
			}
			bySource[r.Source] = r
		}
		for _, f := range sortedKeys(r.Feeds) {
			id := r.Feeds[f]
			if perFeed[f] == nil {
				perFeed[f] = map[string]*Record{}
			}
			if prev, dup := perFeed[f][id]; dup {
				errs = append(errs, fmt.Sprintf("%s carries %q for two entries (%q and %q)", f, id, or(prev.Source, prev.Slug), or(r.Source, r.Slug)))
			}
			perFeed[f][id] = r
		}
	}
	byID := map[string]string{}
	for _, f := range sortedKeys(k.FeedIDs) {
		id := k.FeedIDs[f]
		if prev, dup := byID[id]; dup {
			errs = append(errs, fmt.Sprintf("the feeds %s and %s have the same id %q", prev, f, id))
		}
		byID[id] = f
	}
	if len(errs) == 0 {
		return nil
	}
	return errors.New(strings.Join(errs, "; "))
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// CheckDropped refuses a publish that would take more than maxDeletes
// items out of a live feed, or empty one that has items: an emptied content
// folder or a wrong config must not wipe what subscribers see.
func CheckDropped(before, after []Record, maxDeletes int) error {
	var errs []string
	for _, c := range Dropped(before, after) {
		n := len(c.Dropped)
		switch {
		case n == c.Live:
			errs = append(errs, fmt.Sprintf("%s would lose all of its %d items (%s)", c.Feed, c.Live, sample(c.Dropped)))
		case n > maxDeletes:
			errs = append(errs, fmt.Sprintf("%s would lose %d of its %d items, more than publish.max_deletes (%d) (%s)", c.Feed, n, c.Live, maxDeletes, sample(c.Dropped)))
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("%s; if that is intended, publish again with --force", strings.Join(errs, "; "))
}

// sample lists up to five names.
func sample(names []string) string {
	if len(names) <= 5 {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:5], ", ") + fmt.Sprintf(" and %d more", len(names)-5)
}
