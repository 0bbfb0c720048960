package s3test

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// sysProcAttr makes the server die with the test binary, even when no
// cleanup runs.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

func checkXattr(dir string) error {
	return unix.Setxattr(dir, "user.feedpub-test", []byte("1"), 0)
}
