package state

import (
	"io/fs"
	"time"
)

// Stat is what stat says of a file that tells whether it changed since:
// its size, modification and change times and inode. The change time
// cannot be set by anyone but the kernel, so a file edited and then given
// its old modification time back still differs.
type Stat struct {
	Size, ModNS, ChangeNS int64
	Inode                 uint64
}

// RacyMargin is how long before a file was read its times must lie for
// its Stat to vouch for its bytes (git's racy-clean rule): a file written
// again within the clock's granularity of the time it was read could keep
// its times, so it is read and hashed again the next time instead.
const RacyMargin = 2 * time.Second

// StatOf returns fi's Stat, and false where the platform does not give
// an inode and a change time (then nothing is trusted by its Stat).
func StatOf(fi fs.FileInfo) (Stat, bool) { return statOf(fi) }

// Before reports whether both of s's times lie before t: with t a file's
// read time less RacyMargin, whether s may vouch for the bytes read.
func (s Stat) Before(t time.Time) bool {
	return s.ModNS < t.UnixNano() && s.ChangeNS < t.UnixNano()
}
