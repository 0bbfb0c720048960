//go:build !unix

package sitefs

// openFlags: elsewhere the mode check before opening is the only guard.
const openFlags = 0
