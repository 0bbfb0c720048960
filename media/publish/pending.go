package publish

import (
	"context"
	"fmt"
	"slices"

	"github.com/feedpub/feedpub/media/store"
)

// Pending is a notification (a CDN purge, a WebSub ping, a webhook...)
// that failed, as the manifest keeps it: enough to plan it again from the
// config, never its URL, whose query may hold a key (the manifest may be
// public).
type Pending struct {
	Kind     string `json:"kind"`
	Endpoint string `json:"endpoint"` // without user info, query or fragment
	// Feeds are the keys of the feeds it announced; Added the entries a
	// webhook's body listed.
	Feeds []string     `json:"feeds"`
	Added []AddedEntry `json:"added,omitempty"`
	// Since is when it first failed (RFC 3339).
	Since string `json:"since"`
}

// AddedEntry is an entry a publish added to a feed, as a webhook is told.
type AddedEntry struct {
	Title string `json:"title"`
	GUID  string `json:"guid"`
	Feed  string `json:"feed"`
}

// SavePending records the notifications still to be sent in the target's
// manifest, after a publish (whose lock is released: notifying may take
// long). The write is conditional on the manifest being the one that
// publish left (etag; "" when unknown: the manifest read now), so a publish
// that came in between is never overwritten; its own notifications then
// stand. It returns the manifest's ETag afterwards.
func SavePending(ctx context.Context, st store.Store, etag, acl string, pending []Pending) (string, error) {
	m, err := ReadManifest(ctx, st)
	if err != nil {
		return "", fmt.Errorf("record the failed notifications: %w", err)
	}
	if !m.Exists() || (etag != "" && m.etag != etag) {
		return "", fmt.Errorf("record the failed notifications: another publish changed %s meanwhile", ManifestKey)
	}
	if slices.EqualFunc(m.Pending, pending, samePending) {
		return m.etag, nil
	}
	next := cloneManifest(m)
	next.Pending = pending
	etag, err = writeManifest(ctx, st, m, next, acl)
	if err != nil {
		return "", fmt.Errorf("record the failed notifications: %w", err)
	}
	return etag, nil
}

func samePending(a, b Pending) bool {
	return a.Kind == b.Kind && a.Endpoint == b.Endpoint && a.Since == b.Since &&
		slices.Equal(a.Feeds, b.Feeds) && slices.Equal(a.Added, b.Added)
}
