package state

import (
	"io/fs"
	"syscall"
)

func statOf(fi fs.FileInfo) (Stat, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return Stat{}, false
	}
	return Stat{Size: fi.Size(), ModNS: fi.ModTime().UnixNano(), ChangeNS: st.Ctim.Nano(), Inode: st.Ino}, true
}
