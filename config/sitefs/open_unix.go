//go:build unix

package sitefs

import "syscall"

// openFlags make opening a FIFO return at once instead of waiting for a
// writer, and refuse a symlink swapped in after the path was resolved.
const openFlags = syscall.O_NONBLOCK | syscall.O_NOFOLLOW
