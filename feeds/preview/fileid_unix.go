//go:build unix

package preview

import (
	"io/fs"
	"syscall"
)

// fileID is the device and inode of a file: a file replaced by another
// with the same size and time is still told apart.
func fileID(fi fs.FileInfo) (dev, ino uint64) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Dev), st.Ino
	}
	return 0, 0
}
