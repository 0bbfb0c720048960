package identity

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Keeper applies identity's rules to one publish. media/publish keeps the
// manifest's identity part as JSON without reading it and asks a Keeper
// (its IdentityRules, passed in by the composition root) what to make of
// it: Read checks and migrates what the manifest recorded, Recover rebuilds
// it from the live feeds when the manifest recorded nothing, and Refuse
// stops a publish that would take too much out of the live feeds. The
// build takes the published records from Published, and hands what it
// records to Record.
type Keeper struct {
	// LiveFeeds are the keys of the site's feeds, read back when the
	// manifest records no identities.
	LiveFeeds []string
	// AcceptNewGUIDs lets a publish after a lost manifest drop live items
	// no entry matched (and go on when a live feed cannot be read).
	AcceptNewGUIDs bool
	// Force lets a publish take more than MaxDeletes items out of a live
	// feed, or empty one.
	Force      bool
	MaxDeletes int

	kept *Kept
	// recovered holds the GUIDs read from the live feeds, after a lost
	// manifest.
	recovered map[string]bool
	lost      string
	// what Record last encoded, so Refuse need not decode it again
	recorded    *Kept
	recordedRaw json.RawMessage
}

// Read checks the identity part of a manifest as read (Decode) and returns
// it as the manifest is to keep it: migrated, and without what is empty.
func (k *Keeper) Read(entries, feedIDs, guidsV1 json.RawMessage) (json.RawMessage, json.RawMessage, error) {
	kept, err := Decode(entries, feedIDs, guidsV1)
	if err != nil {
		return nil, nil, err
	}
	k.kept = kept
	// Kept as read unless migrated or empty: the manifest's encoder gives
	// the same bytes, and 10,000 records are not encoded once more.
	e, f := entries, feedIDs
	if len(kept.Entries) == 0 || len(guidsV1) > 0 {
		e, _ = kept.Encode() // nil when empty
	}
	if len(kept.FeedIDs) == 0 {
		f = nil
	}
	return e, f, nil
}

// Recover rebuilds the identity records from the live feeds of a target
// whose manifest records none (lost says what became of it): each GUID,
// Atom id and feed id the feeds carry becomes a record as a manifest would
// have kept it, with the checksums of the media its enclosures name
// (media), so that the entries match them as usual (media, then date and
// title). Without this, a lost manifest gave every entry a newly derived
// GUID. read opens the live object at a key (ok false when there is none).
// It returns the records as the manifest keeps them (nil for a first
// publish) and warnings to show.
func (k *Keeper) Recover(lost string, read func(key string) (io.ReadCloser, bool, error), media func(url string) (key, sha string)) (entries, feedIDs json.RawMessage, warnings []string, err error) {
	k.lost = lost
	var feeds []LiveFeed
	var keys []string
	for _, key := range k.LiveFeeds {
		f, ok, err := readLive(key, read)
		if err != nil && k.AcceptNewGUIDs {
			warnings = append(warnings, fmt.Sprintf("%s, and the GUIDs of a live feed cannot be kept (--accept-new-guids): %v", lost, err))
			continue
		}
		if err != nil {
			return nil, nil, warnings, fmt.Errorf("%s, and the live feeds cannot be read to keep their GUIDs: %w; publish --accept-new-guids replaces them", lost, err)
		}
		if ok {
			feeds, keys = append(feeds, f), append(keys, key)
		}
	}
	if len(feeds) == 0 {
		return nil, nil, warnings, nil // a first publish
	}
	recs, ids, orphans := Recover(feeds, media)
	k.kept = &Kept{Entries: recs, FeedIDs: ids}
	k.recovered = map[string]bool{}
	for _, r := range recs {
		k.recovered[r.GUID] = true
	}
	warnings = append(warnings, fmt.Sprintf("%s: rebuilt the identities of %d published entries from the live feeds (%s); the entries that match them by the key or checksum of their media, or by date and title, keep their GUIDs",
		lost, len(recs), strings.Join(keys, ", ")))
	if len(orphans) > 0 {
		warnings = append(warnings, fmt.Sprintf("%d Atom entries of the live feeds match no item of the others, so their ids cannot be kept: %s", len(orphans), sample(orphans)))
	}
	entries, feedIDs = k.kept.Encode()
	return entries, feedIDs, warnings, nil
}

// readLive reads and parses the live feed at key; ok is false when there
// is none.
func readLive(key string, read func(string) (io.ReadCloser, bool, error)) (LiveFeed, bool, error) {
	rc, ok, err := read(key)
	if err != nil || !ok {
		return LiveFeed{}, false, err
	}
	defer rc.Close()
	f, err := ParseLive(key, rc)
	return f, err == nil, err
}

// Published returns the identities of the published entries, as read or
// recovered (the recovered ones know the keys of their media); empty
// before Read or Recover.
func (k *Keeper) Published() *Kept {
	if k.kept == nil {
		return &Kept{}
	}
	return k.kept
}

// Record returns the identities a build records, as the manifest keeps
// them, and remembers them for Refuse.
func (k *Keeper) Record(kept *Kept) (entries, feedIDs json.RawMessage) {
	entries, feedIDs = kept.Encode()
	k.recorded, k.recordedRaw = kept, entries
	return entries, feedIDs
}

// Refuse says why a publish recording entries must not go ahead, nil when
// it may: unless Force, one that takes more than MaxDeletes items out of a
// live feed or empties one (CheckDropped); unless AcceptNewGUIDs, one after
// a lost manifest that drops a live item no entry matched, whose entry,
// if it is still in the site, would go out under a new GUID.
func (k *Keeper) Refuse(entries json.RawMessage) error {
	after := k.recorded
	if after == nil || !bytes.Equal(entries, k.recordedRaw) {
		after = &Kept{}
		if err := unmarshal(entries, &after.Entries); err != nil {
			return err
		}
	}
	if !k.Force {
		if err := CheckDropped(k.Published().Entries, after.Entries, k.MaxDeletes); err != nil {
			return err
		}
	}
	return k.checkRecovered(after.Entries)
}

// checkRecovered refuses, unless AcceptNewGUIDs, a publish after a lost
// manifest that would drop a live item no entry matched.
func (k *Keeper) checkRecovered(after []Record) error {
	if len(k.recovered) == 0 || k.AcceptNewGUIDs {
		return nil
	}
	var lost []string
	for _, r := range after {
		if r.Removed && k.recovered[r.GUID] {
			lost = append(lost, fmt.Sprintf("%q (GUID %s)", r.Title, r.GUID))
		}
	}
	if len(lost) == 0 {
		return nil
	}
	return fmt.Errorf("%s, and no entry of the site matches %d items of the live feeds by the key or checksum of its media, or by date and title: %s; "+
		"an entry that continues one would go out under a new GUID, and subscribers would see it again as new. Set guid: in that entry to the GUID it continues, "+
		"or, if these items were removed or new GUIDs are intended, publish again with --accept-new-guids",
		k.lost, len(lost), sample(lost))
}
