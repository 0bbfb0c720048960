package publish

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strings"

	"github.com/feedpub/feedpub/feeds/identity"
	"github.com/feedpub/feedpub/media/store"
)

// ErrManifestUnreadable wraps the error of a manifest that is not JSON (a
// truncated upload, a stray file): Open then rebuilds the identities from
// the live feeds, as for a missing one.
var ErrManifestUnreadable = errors.New("unreadable manifest")

// maxLiveFeed bounds reading one live feed back (a feed of 10,000 entries
// with full reviews is about 140 MB).
const maxLiveFeed = 1 << 30

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// check refuses a manifest whose identity records contradict themselves:
// used as it is, it would publish two entries under one GUID, or one
// podcast:guid for two feeds.
func (m *Manifest) check() error {
	var errs []string
	bySource := map[string]*identity.Record{}
	perFeed := map[string]map[string]*identity.Record{} // feed → id → record
	for i := range m.Entries {
		r := &m.Entries[i]
		if r.Source != "" {
			if prev, dup := bySource[r.Source]; dup {
				errs = append(errs, fmt.Sprintf("two records (GUIDs %s and %s) have the source %s", prev.GUID, r.GUID, r.Source))
			}
			bySource[r.Source] = r
		}
		for _, f := range sortedMapKeys(r.Feeds) {
			id := r.Feeds[f]
			if perFeed[f] == nil {
				perFeed[f] = map[string]*identity.Record{}
			}
			if prev, dup := perFeed[f][id]; dup {
				errs = append(errs, fmt.Sprintf("%s carries %q for two entries (%q and %q)", f, id, or(prev.Source, prev.Slug), or(r.Source, r.Slug)))
			}
			perFeed[f][id] = r
		}
	}
	byID := map[string]string{}
	for _, f := range sortedMapKeys(m.FeedIDs) {
		id := m.FeedIDs[f]
		if prev, dup := byID[id]; dup {
			errs = append(errs, fmt.Sprintf("the feeds %s and %s have the same id %q", prev, f, id))
		}
		byID[id] = f
	}
	if len(errs) == 0 {
		return nil
	}
	return errors.New(strings.Join(errs, "; "))
}

func sortedMapKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// readManifest reads the target's manifest for Open. An unreadable one is
// not used, and said so; its identities are then rebuilt from the live
// feeds like a missing one's.
func (s *Session) readManifest(ctx context.Context) (*Manifest, error) {
	m, err := ReadManifest(ctx, s.st)
	switch {
	case errors.Is(err, ErrManifestUnreadable):
		s.lostManifest = fmt.Sprintf("%s is unreadable (%v)", ManifestKey, errors.Unwrap(err))
		return m, nil
	case err != nil:
		return nil, err
	case !m.Exists():
		s.lostManifest = ManifestKey + " is missing"
	case len(m.Entries) == 0 && len(m.Objects) == 0:
		s.lostManifest = ManifestKey + " is empty"
	case len(m.Entries) == 0:
		s.lostManifest = ManifestKey + " records no published entry"
	}
	return m, nil
}

// recoverIdentity rebuilds the identity records from the live feeds when
// the manifest holds none but the target holds feeds: each GUID, Atom id
// and feed id the feeds carry becomes a record as a manifest would have
// kept it, with the checksums of the media its enclosures name, so that
// the entries match them as usual (media, then date and title). Without
// this, a lost manifest gave every entry a newly derived GUID.
func (s *Session) recoverIdentity(ctx context.Context) error {
	if len(s.m.Entries) > 0 || len(s.opt.LiveFeeds) == 0 {
		return nil
	}
	var feeds []identity.LiveFeed
	var keys []string
	for _, key := range s.opt.LiveFeeds {
		f, ok, err := readLive(ctx, s.st, key)
		if err != nil && s.opt.AcceptNewGUIDs {
			s.warn(fmt.Sprintf("%s, and the GUIDs of a live feed cannot be kept (--accept-new-guids): %v", s.lostManifest, err))
			continue
		}
		if err != nil {
			return fmt.Errorf("%s, and the live feeds cannot be read to keep their GUIDs: %w; publish --accept-new-guids replaces them", s.lostManifest, err)
		}
		if ok {
			feeds, keys = append(feeds, f), append(keys, key)
		}
	}
	if len(feeds) == 0 {
		return nil // a first publish
	}
	recs, ids, orphans := identity.Recover(feeds, s.mediaOf(ctx))
	s.m.Identity = Identity{Entries: recs, FeedIDs: ids}
	s.recovered = map[string]bool{}
	for _, r := range recs {
		s.recovered[r.GUID] = true
	}
	s.warn(fmt.Sprintf("%s: rebuilt the identities of %d published entries from the live feeds (%s); the entries that match them by the key or checksum of their media, or by date and title, keep their GUIDs",
		s.lostManifest, len(recs), strings.Join(keys, ", ")))
	if len(orphans) > 0 {
		s.warn(fmt.Sprintf("%d Atom entries of the live feeds match no item of the others, so their ids cannot be kept: %s", len(orphans), sample(orphans)))
	}
	return nil
}

// readLive reads and parses the live feed at key; ok is false when there
// is none.
func readLive(ctx context.Context, st store.Store, key string) (identity.LiveFeed, bool, error) {
	rc, _, err := st.Get(ctx, key)
	if errors.Is(err, store.ErrNotExist) {
		return identity.LiveFeed{}, false, nil
	}
	if err != nil {
		return identity.LiveFeed{}, false, fmt.Errorf("read %s: %w", key, err)
	}
	defer rc.Close()
	f, err := identity.ParseLive(key, io.LimitReader(rc, maxLiveFeed))
	return f, err == nil, err
}

// mediaOf maps an enclosure URL to the key and SHA-256 of the object it
// names: the
// key is what follows base_url in it (after any analytics prefix), the
// checksum the one the store keeps with the object or, in a folder, that of
// its content.
func (s *Session) mediaOf(ctx context.Context) func(string) (string, string) {
	base := s.opt.BaseURL
	for _, p := range []string{"https://", "http://"} {
		base = strings.TrimPrefix(base, p)
	}
	seen := map[string]string{}
	return func(u string) (string, string) {
		i := strings.Index(u, base)
		if base == "" || i < 0 {
			return "", ""
		}
		key, err := url.PathUnescape(u[i+len(base):])
		if err != nil || store.CheckKey(key) != nil {
			return "", ""
		}
		if sum, ok := seen[key]; ok {
			return key, sum
		}
		o, listed := s.remote[key]
		if listed && o.SHA256 == "" {
			// S3 listings carry no metadata: ask for it. A folder keeps
			// none: read the file. An S3 object without it (written by
			// another tool) is not downloaded; its entry matches otherwise.
			if st, err := s.st.Stat(ctx, key); err == nil {
				o.SHA256 = st.SHA256
			}
			if o.SHA256 == "" && s.opt.LocalTarget {
				o.SHA256, _ = hashObject(ctx, s.st, key)
			}
			s.remote[key] = o // the plan needs it too
		}
		seen[key] = o.SHA256
		return key, o.SHA256
	}
}

// checkLiveItems refuses, before anything is written, a publish that would take
// too much out of the live feeds (unless Force), or drop a live item that a
// publish after a lost manifest could not match.
func (s *Session) checkLiveItems(id *Identity) error {
	if id == nil {
		return nil
	}
	if !s.opt.Force {
		if err := checkDropped(s.m.Entries, id.Entries, s.opt.MaxDeletes); err != nil {
			return err
		}
	}
	return s.checkRecovered(id)
}

// checkRecovered refuses, unless AcceptNewGUIDs, a publish after a lost
// manifest that would drop a live item no entry matched: its entry, if it
// is still in the site, would go out under a new GUID.
func (s *Session) checkRecovered(id *Identity) error {
	if len(s.recovered) == 0 || s.opt.AcceptNewGUIDs {
		return nil
	}
	var lost []string
	for _, r := range id.Entries {
		if r.Removed && s.recovered[r.GUID] {
			lost = append(lost, fmt.Sprintf("%q (GUID %s)", r.Title, r.GUID))
		}
	}
	if len(lost) == 0 {
		return nil
	}
	return fmt.Errorf("%w, nothing was changed: %s, and no entry of the site matches %d items of the live feeds by the key or checksum of its media, or by date and title: %s; "+
		"an entry that continues one would go out under a new GUID, and subscribers would see it again as new. Set guid: in that entry to the GUID it continues, "+
		"or, if these items were removed or new GUIDs are intended, publish again with --accept-new-guids",
		ErrRefused, s.lostManifest, len(lost), sample(lost))
}
