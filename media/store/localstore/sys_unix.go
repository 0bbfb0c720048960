//go:build unix

package localstore

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// errNotDir is what the system returns when a path element is a file.
var errNotDir error = syscall.ENOTDIR

// etag identifies one version of a file: a Put always creates a new inode.
func etag(fi fs.FileInfo) string {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return fmt.Sprintf("%x-%x-%x", fi.Size(), fi.ModTime().UnixNano(), st.Ino)
	}
	return fmt.Sprintf("%x-%x", fi.Size(), fi.ModTime().UnixNano())
}

// lock takes an exclusive flock(2) on the root folder. flock locks belong to
// the open file, so separate calls exclude each other within one process as
// well as between processes.
func (s *Store) lock() (unlock func(), err error) {
	f, err := os.Open(s.root)
	if err != nil {
		return nil, err
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", s.root, err)
	}
	return func() { f.Close() }, nil // closing releases the lock
}

// oNoFollow makes open fail on a symlink instead of following it.
const oNoFollow = syscall.O_NOFOLLOW

// isLoop reports the error of opening a symlink with oNoFollow.
func isLoop(err error) bool { return errors.Is(err, syscall.ELOOP) }
