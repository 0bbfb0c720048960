package identity

// crossedSources finds pairs of entries whose files each hold the slug the
// record of the other's file was published with: a.md carries slug "b",
// b.md slug "a", while the records say a.md was "a" and b.md was "b". The
// files' contents were swapped (or the manifest's sources were), and the
// identity follows the content: such entries are not matched by source, so
// the slug stage matches each to the record of its own slug (saying so, as
// for any entry that continues another file's record). Matched by source,
// the two would silently swap GUIDs.
func crossedSources(records []Record, entries []Entry) map[int]bool {
	bySource := map[string]int{}
	for i, r := range records {
		if r.Source != "" {
			bySource[r.Source] = i
		}
	}
	bySlug := map[string]int{}
	for j, e := range entries {
		if e.Slug != "" {
			bySlug[e.Slug] = j
		}
	}
	crossed := map[int]bool{}
	for j, e := range entries {
		i, ok := bySource[e.Source]
		if !ok || e.Source == "" || records[i].Slug == "" || records[i].Slug == e.Slug {
			continue
		}
		k, ok := bySlug[records[i].Slug]
		if !ok || k == j {
			continue
		}
		if q, ok := bySource[entries[k].Source]; ok && entries[k].Source != "" && records[q].Slug == e.Slug {
			crossed[j], crossed[k] = true, true
		}
	}
	return crossed
}
