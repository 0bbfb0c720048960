package publish

import (
	"path"
	"sort"
	"strings"
)

// Published is what a target holds, as a build needs it: the objects
// feedpub wrote (or, before the first manifest, found).
type Published struct {
	Objects map[string]Recorded
}

// Key returns the key under which a file of the site (at key, size bytes,
// content sha) is published. A file whose content replaced a published one
// gets a new, content-versioned key (media/heroine.3fa2b1c4.mp3), so the
// live feeds keep stating the old object's true length until they are
// replaced, and switch to the new object in one step. A key, once given to
// some content, stays with it: unchanged files never move.
func (p *Published) Key(key string, size int64, sha string) string {
	if p == nil || sha == "" {
		return key
	}
	r, ok := p.Objects[key]
	switch {
	case !ok, r.SHA256 == sha:
		// New, or unchanged. An object another tool wrote carries no
		// checksum: the same size is taken as the same file, which keeps
		// its URL and states a length that is right either way.
		if !ok {
			if v, vok := p.Objects[VersionedKey(key, sha)]; vok && v.SHA256 == sha {
				return VersionedKey(key, sha) // the original was pruned
			}
		}
		return key
	case r.SHA256 == "" && r.Size == size:
		return key
	}
	return VersionedKey(key, sha)
}

// VersionedKey inserts the first 8 hex digits of sha before key's extension.
func VersionedKey(key, sha string) string {
	ext := path.Ext(key)
	if strings.Contains(ext, "/") {
		ext = ""
	}
	return strings.TrimSuffix(key, ext) + "." + sha[:min(8, len(sha))] + ext
}

// Copies indexes the objects whose record says which site file they were
// published from and what was read from it, by that file: what a publish
// can use when the file is not here. Each list is sorted by key.
func (p *Published) Copies() map[string][]string {
	out := map[string][]string{}
	if p == nil {
		return out
	}
	for k, r := range p.Objects {
		if r.Source != "" && r.Info != nil {
			out[r.Source] = append(out[r.Source], k)
		}
	}
	for _, ks := range out {
		sort.Strings(ks)
	}
	return out
}
