package identity

import (
	"time"

	"github.com/feedpub/feedpub/config/diag"
)

// Keep decides what a published entry e keeps of the record m matched it
// to: keepGUID says whether it takes the recorded GUID, atomID is the
// recorded Atom id ("" to keep its own). A guid: in the front matter that
// differs from the recorded GUID is an error (FP214) unless the editor
// accepted new GUIDs (FP222): subscribers would see the entry again as
// new. An entry matched otherwise than by its source file, to a record
// published from another file, is noted (FP223).
func Keep(e Entry, m Match, acceptNew bool, ps *diag.Problems) (keepGUID bool, atomID string) {
	r := m.Record
	switch {
	case e.GUID != "" && e.GUID != r.GUID && !acceptNew:
		ps.Errorf("FP214", e.Source, e.GUIDLine, "guid", "%q differs from %q, the GUID this entry was published with: podcast apps would show it again as a new episode and readers as a new review; remove the guid: line to keep the published GUID, or run publish --accept-new-guids to change it",
			e.GUID, r.GUID)
	case e.GUID != "" && e.GUID != r.GUID:
		ps.Notef("FP222", e.Source, e.GUIDLine, "guid", "GUID changed from %q to %q as accepted: subscribers will see this entry as new", r.GUID, e.GUID)
	default:
		keepGUID = true
	}
	if m.How != BySource && r.Source != "" && r.Source != e.Source {
		ps.Notef("FP223", e.Source, 0, "", "continues %q (published from %s, matched by %s): its GUIDs are kept", r.Slug, r.Source, m.How)
	}
	return keepGUID, r.AtomID
}

// Edited is when the entry of record r was last edited, as far as
// publishes saw: the first publish that saw its content as it is now
// (contentHash), which is now (to the second) when the content differs
// from what r recorded. Zero when r records no time.
func (r *Record) Edited(contentHash string, now time.Time) time.Time {
	if r.ContentHash != "" && r.ContentHash != contentHash {
		return now.UTC().Truncate(time.Second)
	}
	return ParseTime(r.Updated)
}
