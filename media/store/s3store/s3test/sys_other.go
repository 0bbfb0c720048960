//go:build !linux

package s3test

import "syscall"

func sysProcAttr() *syscall.SysProcAttr { return nil }

// checkXattr is left to versitygw on systems other than Linux.
func checkXattr(dir string) error { return nil }
