package identity

// FeedIDs returns what records say each feed carries: feed key → the set of
// item ids (GUIDs; Atom ids in the Atom feed) it carries. A feed that
// carries no entry has no key. Notifications, the pre-publish drop check and
// the lint's "live feed" rules all read the feeds this one way.
func FeedIDs(records []Record) map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for _, r := range records {
		for f, id := range r.Feeds {
			if out[f] == nil {
				out[f] = map[string]bool{}
			}
			out[f][id] = true
		}
	}
	return out
}
