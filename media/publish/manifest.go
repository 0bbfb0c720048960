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

	"github.com/feedpub/feedpub/media/store"
)

// ManifestKey is where the manifest lives in the target.
const ManifestKey = ".feedpub/manifest.json"

// LockKey is the object that marks a publish in progress.
const LockKey = ".feedpub/lock"

const manifestVersion = 1

// Manifest records every object feedpub wrote to a target and the GUIDs each
// feed has published. Planning compares a build with it, so an unchanged
// site costs one read and no upload.
type Manifest struct {
	Version int                 `json:"version"`
	Objects map[string]Recorded `json:"objects"`
	// GUIDs maps a feed's key to its published items: entry slug → GUID.
	GUIDs map[string]map[string]string `json:"guids"`

	etag string // of the stored manifest; "" when there was none
}

// Recorded is one object as feedpub last wrote it.
type Recorded struct {
	Size         int64  `json:"size"`
	SHA256       string `json:"sha256"`
	ContentType  string `json:"content_type"`
	CacheControl string `json:"cache_control"`
}

// NewManifest returns an empty manifest.
func NewManifest() *Manifest {
	return &Manifest{Version: manifestVersion, Objects: map[string]Recorded{}, GUIDs: map[string]map[string]string{}}
}

// Exists reports whether the manifest was read from the target.
func (m *Manifest) Exists() bool { return m.etag != "" }

// ReadManifest reads the target's manifest; a target without one gives an
// empty manifest and no error.
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
		return nil, fmt.Errorf("%s in %s is not a feedpub manifest (%v); move it away to publish from scratch", ManifestKey, st, err)
	}
	if m.Version > manifestVersion {
		return nil, fmt.Errorf("%s in %s was written by a newer feedpub (version %d); upgrade feedpub", ManifestKey, st, m.Version)
	}
	if m.Objects == nil {
		m.Objects = map[string]Recorded{}
	}
	if m.GUIDs == nil {
		m.GUIDs = map[string]map[string]string{}
	}
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
