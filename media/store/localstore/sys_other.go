//go:build !unix

package localstore

import (
	"errors"
	"fmt"
	"io/fs"
)

// errNotDir never matches: these systems report a missing file instead.
var errNotDir = errors.New("localstore: not a directory")

func etag(fi fs.FileInfo) string {
	return fmt.Sprintf("%x-%x", fi.Size(), fi.ModTime().UnixNano())
}

// lock stands in for flock(2): it only excludes this Store's callers.
func (s *Store) lock() (unlock func(), err error) {
	s.mu.Lock()
	return s.mu.Unlock, nil
}

// oNoFollow is 0 where open has no O_NOFOLLOW; resolve and Lstat still
// refuse links found before opening.
const oNoFollow = 0

func isLoop(err error) bool { return false }
