// Package publish copies a built site to a store: it plans from the publish
// manifest kept with the target, uploads media before the feeds that
// reference them, checks that everything referenced is there, replaces the
// feeds, and records what it wrote. An interrupted publish leaves the live
// feeds valid; the next one completes it.
package publish

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/feedpub/feedpub/feeds/identity"
	"github.com/feedpub/feedpub/media/probe"
	"github.com/feedpub/feedpub/media/store"
)

// ManifestKey is where the manifest lives in the target.
const ManifestKey = ".feedpub/manifest.json"

// LockKey is the object that marks a publish in progress.
const LockKey = ".feedpub/lock"

// manifestVersion 2 replaced version 1's GUIDs (feed → slug → GUID) with
// one identity record per entry; version 1 manifests are read and migrated.
const manifestVersion = 2

// Manifest records every object feedpub wrote to a target and the identity
// of every entry it published. Planning compares a build with it, so an
// unchanged site costs one read and no upload; the build takes every
// published GUID and Atom id from it.
type Manifest struct {
	Version int                 `json:"version"`
	Objects map[string]Recorded `json:"objects"`
	Identity

	// Pending are the notifications that failed after earlier publishes,
	// sent again by the next publish until they succeed or are a day old.
	// They live here, with the target, because a CI machine that published
	// does not publish again.
	Pending []Pending `json:"pending_notifications,omitempty"`

	// GUIDs is version 1's record of published items (feed key → slug →
	// GUID or Atom id), read only to migrate it into Entries.
	GUIDs map[string]map[string]string `json:"guids,omitempty"`

	etag string // of the stored manifest; "" when there was none
}

// Identity is what a build records for the next: the identity of every
// entry published (feeds/identity) and the feed-level ids.
type Identity struct {
	Entries []identity.Record `json:"entries,omitempty"`
	// FeedIDs maps a feed's key to its podcast:guid or Atom feed id.
	FeedIDs map[string]string `json:"feed_ids,omitempty"`
}

// Recorded is one object as feedpub last wrote it.
type Recorded struct {
	Size         int64  `json:"size"`
	SHA256       string `json:"sha256"`
	ContentType  string `json:"content_type"`
	CacheControl string `json:"cache_control"`
	// ACL is the canned ACL it was written with ("" for none); manifests
	// older than this field read as "".
	ACL string `json:"acl,omitempty"`
	// Source and Info are the site file a media object was published from
	// and what was read from it (absent in manifests of older versions):
	// a publish without that file uses this record instead.
	Source string      `json:"source,omitempty"`
	Info   *probe.Info `json:"info,omitempty"`
}

// NewManifest returns an empty manifest.
func NewManifest() *Manifest {
	return &Manifest{Version: manifestVersion, Objects: map[string]Recorded{}}
}

// Exists reports whether the manifest was read from the target.
func (m *Manifest) Exists() bool { return m.etag != "" }

// ReadManifest reads the target's manifest; a target without one gives an
// empty manifest and no error. One that is not JSON gives an empty manifest
// carrying its ETag and an error wrapping ErrManifestUnreadable; one whose
// identity records contradict themselves is refused.
func ReadManifest(ctx context.Context, st store.Store) (*Manifest, error) {
	rc, obj, err := st.Get(ctx, ManifestKey)
	if errors.Is(err, store.ErrNotExist) {
		return NewManifest(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, 256<<20))
	if err != nil {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	m := NewManifest()
	if err := json.Unmarshal(data, m); err != nil {
		// Kept with its ETag, so the manifest written at the end replaces
		// exactly this object; the caller rebuilds what it held.
		bad := NewManifest()
		bad.etag = or(obj.ETag, "unknown")
		return bad, fmt.Errorf("%w: %s in %s is not a feedpub manifest (%v)", ErrManifestUnreadable, ManifestKey, st, err)
	}
	if m.Version > manifestVersion {
		return nil, fmt.Errorf("%s in %s was written by a newer feedpub (version %d); upgrade feedpub", ManifestKey, st, m.Version)
	}
	if m.Objects == nil {
		m.Objects = map[string]Recorded{}
	}
	m.migrate()
	if err := m.check(); err != nil {
		return nil, fmt.Errorf("%s in %s is not used: %w; restore it from a backup, or move it away and publish again (the identities are then rebuilt from the live feeds)", ManifestKey, st, err)
	}
	m.Version = manifestVersion
	m.etag = obj.ETag
	if m.etag == "" {
		m.etag = "unknown"
	}
	return m, nil
}

// encode renders the manifest deterministically (encoding/json sorts map
// keys), so an unchanged site writes an identical manifest.
func (m *Manifest) encode() []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", " ")
	_ = enc.Encode(m)
	return buf.Bytes()
}

// sortedKeys returns the manifest's object keys in order.
func (m *Manifest) sortedKeys() []string {
	keys := make([]string, 0, len(m.Objects))
	for k := range m.Objects {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// migrate turns version 1's per-feed GUID maps into identity records, one
// per slug, so a target published by an older feedpub keeps every id. The
// records have no source file: they are matched by slug.
func (m *Manifest) migrate() {
	if len(m.GUIDs) == 0 || len(m.Entries) > 0 {
		m.GUIDs = nil
		return
	}
	bySlug := map[string]*identity.Record{}
	var slugs []string
	for feed, items := range m.GUIDs {
		for slug, id := range items {
			r := bySlug[slug]
			if r == nil {
				r = &identity.Record{Slug: slug, Feeds: map[string]string{}}
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
	for _, s := range slugs {
		m.Entries = append(m.Entries, *bySlug[s])
	}
	m.GUIDs = nil
}

// PeekManifest returns the ETag of the target's manifest ("" when there is
// none) with one metadata request and no lock: enough to tell that nobody
// published since a manifest this publish knows.
func PeekManifest(ctx context.Context, st store.Store) (string, error) {
	o, err := st.Stat(ctx, ManifestKey)
	if errors.Is(err, store.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read manifest: %w", err)
	}
	return o.ETag, nil
}
