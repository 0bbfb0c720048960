package publish

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

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

// readManifest reads the target's manifest for Open. An unreadable one is
// not used, and said so; its identities are then rebuilt from the live
// feeds like a missing one's.
func (s *Session) readManifest(ctx context.Context) (*Manifest, error) {
	m, err := readManifest(ctx, s.st, s.opt.Identity)
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

// recoverIdentity has the identity records rebuilt from the live feeds
// (IdentityRules.Recover) when the manifest holds none but the target holds
// feeds; which feeds and what to make of them is the rules' business, the
// reading is the store's.
func (s *Session) recoverIdentity(ctx context.Context) error {
	rules := s.opt.Identity
	if len(s.m.Entries) > 0 || rules == nil {
		return nil
	}
	read := func(key string) (io.ReadCloser, bool, error) {
		rc, _, err := s.st.Get(ctx, key)
		if errors.Is(err, store.ErrNotExist) {
			return nil, false, nil
		}
		if err != nil {
			return nil, false, fmt.Errorf("read %s: %w", key, err)
		}
		return struct {
			io.Reader
			io.Closer
		}{io.LimitReader(rc, maxLiveFeed), rc}, true, nil
	}
	entries, ids, warnings, err := rules.Recover(s.lostManifest, read, s.mediaOf(ctx))
	for _, w := range warnings {
		s.warn(w)
	}
	if err != nil {
		return err
	}
	if entries != nil {
		s.m.Identity = Identity{Entries: entries, FeedIDs: ids}
	}
	return nil
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

// refuse asks the identity rules, before anything is written, whether
// the publish may record id (nil keeps the manifest's identities).
func (s *Session) refuse(id *Identity) error {
	if id == nil || s.opt.Identity == nil {
		return nil
	}
	if err := s.opt.Identity.Refuse(id.Entries); err != nil {
		return fmt.Errorf("%w, nothing was changed: %w", ErrRefused, err)
	}
	return nil
}
