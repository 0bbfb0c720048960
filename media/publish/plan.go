package publish

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/feedpub/feedpub/media/store"
)

// Reason says why an object is or is not uploaded.
type Reason string

// Reasons shown by --dry-run.
const (
	ReasonNew       Reason = "new"
	ReasonChanged   Reason = "changed"
	ReasonUnchanged Reason = "unchanged"
	ReasonOrphaned  Reason = "orphaned" // written earlier, no longer produced
)

// Action is one planned object.
type Action struct {
	File   File // zero for orphans except Key
	Reason Reason
	Detail string // e.g. "size 120 → 140", "content differs"
}

// Plan is what a publish will do.
type Plan struct {
	Uploads []Action // media first, then feeds; each group by key
	// Updates are published objects whose bytes are unchanged but whose
	// settings (content type, cache control, ACL) are not what the site
	// now asks for: changed in place (store.SetMeta), never uploaded
	// again. By key.
	Updates   []Action
	Unchanged []Action
	Orphans   []Action // candidates for --prune, by key
	// Listed is true when the plan had to list the target because it has no
	// manifest yet.
	Listed bool
}

// MakePlan compares the built files with the manifest; acl is the canned
// ACL every object is published with. Without a manifest
// (the first publish into a used bucket) the caller passes the target's
// listing (remote, nil otherwise) and the plan compares sizes and the SHA-256 kept in object metadata; objects it finds
// but did not write are never orphans.
func MakePlan(ctx context.Context, st store.Store, files []File, m *Manifest, remote map[string]store.Object, acl string) (*Plan, error) {
	p := &Plan{}
	produced := map[string]bool{}
	if remote != nil {
		p.Listed = true
		if err := fillChecksums(ctx, st, files, remote); err != nil {
			return nil, err
		}
	}
	for _, f := range files {
		produced[f.Key] = true
		a := Action{File: f}
		if remote != nil {
			a.Reason, a.Detail = compareRemote(f, remote)
		} else {
			a.Reason, a.Detail = compareRecorded(f, m.Objects)
		}
		switch {
		case a.Reason != ReasonUnchanged:
			p.Uploads = append(p.Uploads, a)
		case remote == nil && settingsChanged(f, m.Objects[f.Key], acl) != "":
			a.Reason, a.Detail = ReasonChanged, settingsChanged(f, m.Objects[f.Key], acl)
			p.Updates = append(p.Updates, a)
		default:
			p.Unchanged = append(p.Unchanged, a)
		}
	}
	for _, k := range m.sortedKeys() {
		if !produced[k] {
			p.Orphans = append(p.Orphans, Action{File: File{Key: k, Size: m.Objects[k].Size}, Reason: ReasonOrphaned})
		}
	}
	sort.SliceStable(p.Uploads, func(i, j int) bool {
		a, b := p.Uploads[i].File, p.Uploads[j].File
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.Key < b.Key
	})
	return p, nil
}

func compareRecorded(f File, objs map[string]Recorded) (Reason, string) {
	r, ok := objs[f.Key]
	switch {
	case !ok:
		return ReasonNew, ""
	case r.Size != f.Size:
		return ReasonChanged, fmt.Sprintf("size %d → %d", r.Size, f.Size)
	case r.SHA256 != f.SHA256:
		return ReasonChanged, "content differs"
	}
	return ReasonUnchanged, ""
}

// settingsChanged says which settings of a published object differ from
// the ones it is now published with, as the dry run shows them
// (`cache-control "max-age=60" → "max-age=300"`); "" when none does.
func settingsChanged(f File, r Recorded, acl string) string {
	var diffs []string
	add := func(name, was, now string) {
		if was != now {
			diffs = append(diffs, fmt.Sprintf("%s %q → %q", name, was, now))
		}
	}
	add("content-type", r.ContentType, f.ContentType)
	add("cache-control", r.CacheControl, f.CacheControl)
	add("acl", r.ACL, acl)
	return strings.Join(diffs, ", ")
}

func compareRemote(f File, objs map[string]store.Object) (Reason, string) {
	o, ok := objs[f.Key]
	switch {
	case !ok:
		return ReasonNew, ""
	case o.Size != f.Size:
		return ReasonChanged, fmt.Sprintf("size %d → %d", o.Size, f.Size)
	case o.SHA256 == "":
		return ReasonChanged, "no checksum recorded on the target"
	case o.SHA256 != f.SHA256:
		return ReasonChanged, "content differs"
	}
	return ReasonUnchanged, ""
}

// Bytes sums the sizes of the actions.
func Bytes(as []Action) int64 {
	var n int64
	for _, a := range as {
		n += a.File.Size
	}
	return n
}

// fillChecksums asks the target for the SHA-256 of same-size objects whose
// listing did not carry it (S3 listings hold no metadata), a few at a time.
func fillChecksums(ctx context.Context, st store.Store, files []File, remote map[string]store.Object) error {
	var keys []string
	for _, f := range files {
		if o, ok := remote[f.Key]; ok && o.Size == f.Size && o.SHA256 == "" {
			keys = append(keys, f.Key)
		}
	}
	results := make([]store.Object, len(keys))
	err := forEach(ctx, len(keys), 8, func(ctx context.Context, i int) error {
		o, err := st.Stat(ctx, keys[i])
		if err != nil {
			return fmt.Errorf("stat %s: %w", keys[i], err)
		}
		results[i] = o
		return nil
	})
	if err != nil {
		return err
	}
	for i, k := range keys {
		remote[k] = results[i]
	}
	return nil
}
