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
	// GUID or Atom id), read only to be migrated into Entries by the
	// IdentityRules.
	GUIDs json.RawMessage `json:"guids,omitempty"`

	etag string // of the stored manifest; "" when there was none
}

// Identity is what a build records for the next: the identity of every
// entry published and the feed-level ids. publish keeps it as the JSON it
// was read as, without reading it: IdentityRules (feeds/identity) do.
type Identity struct {
	Entries json.RawMessage `json:"entries,omitempty"`
	// FeedIDs maps a feed's key to its podcast:guid or Atom feed id.
	FeedIDs json.RawMessage `json:"feed_ids,omitempty"`
}

// IdentityRules decide what a publish makes of the identity part of the
// manifest, which publish stores without understanding it. feeds/identity's
// Keeper implements them; the composition root passes one in Options.
type IdentityRules interface {
	// Read is given the identity part of the manifest as read (and a
	// version 1 manifest's guids, nil when absent) and returns it as the
	// manifest is to keep it. An encoding/json error makes the manifest
	// unreadable (its identities are then rebuilt as for a missing one);
	// any other refuses it.
	Read(entries, feedIDs, guidsV1 json.RawMessage) (json.RawMessage, json.RawMessage, error)
	// Recover is called by Open when the manifest records no entry (lost
	// says what became of it): it rebuilds the identity part from the
	// live feeds, which read opens (ok false for a missing one); media
	// maps an enclosure URL to the key and SHA-256 of the object it
	// names. Nil entries mean there was nothing to rebuild from; the
	// warnings are the publish's.
	Recover(lost string, read func(key string) (rc io.ReadCloser, ok bool, err error), media func(url string) (key, sha string)) (entries, feedIDs json.RawMessage, warnings []string, err error)
	// Refuse is asked by Apply, once it has planned and before anything is
	// written, whether the entries it is to record may replace the ones
	// read or recovered; its error is returned wrapped in ErrRefused.
	Refuse(entries json.RawMessage) error
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
// carrying its ETag and an error wrapping ErrManifestUnreadable. Its
// identity part is kept as read.
func ReadManifest(ctx context.Context, st store.Store) (*Manifest, error) {
	return readManifest(ctx, st, nil)
}

// readManifest is ReadManifest with rules to read the identity part by
// (nil to keep it as read): one they cannot read is unreadable, one they
// refuse is refused.
func readManifest(ctx context.Context, st store.Store, rules IdentityRules) (*Manifest, error) {
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
		return unreadable(st, obj, err)
	}
	if m.Version > manifestVersion {
		return nil, fmt.Errorf("%s in %s was written by a newer feedpub (version %d); upgrade feedpub", ManifestKey, st, m.Version)
	}
	if m.Objects == nil {
		m.Objects = map[string]Recorded{}
	}
	if rules != nil {
		var err error
		m.Entries, m.FeedIDs, err = rules.Read(m.Entries, m.FeedIDs, m.GUIDs)
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return unreadable(st, obj, err)
		}
		if err != nil {
			return nil, fmt.Errorf("%s in %s is not used: %w; restore it from a backup, or move it away and publish again (the identities are then rebuilt from the live feeds)", ManifestKey, st, err)
		}
		m.GUIDs = nil
	}
	m.Version = manifestVersion
	m.etag = obj.ETag
	if m.etag == "" {
		m.etag = "unknown"
	}
	return m, nil
}

// unreadable returns an empty manifest that keeps the unreadable one's
// ETag, so the manifest written at the end replaces exactly that object
// (the caller rebuilds what it held), and an error wrapping
// ErrManifestUnreadable.
func unreadable(st store.Store, obj store.Object, err error) (*Manifest, error) {
	bad := NewManifest()
	bad.etag = or(obj.ETag, "unknown")
	return bad, fmt.Errorf("%w: %s in %s is not a feedpub manifest (%v)", ErrManifestUnreadable, ManifestKey, st, err)
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
