// Package localstore implements store.Store over a folder on the local file
// system, for publishing to a web server's document root or for testing.
//
// Keys map to files below the root: "media/x.mp3" is ROOT/media/x.mp3.
// Nothing but the published files is written into the tree: no sidecar
// files, no lock files. Consequences of that choice:
//
//   - ContentType and CacheControl are not stored: Stat, Get and List return
//     them empty. The web server serving the folder decides those headers.
//   - SHA256 is returned by Put (computed while writing) but is "" from Stat,
//     Get and List, which would otherwise have to read every file.
//   - ETag is derived from the file's size, modification time (nanoseconds)
//     and inode, which changes on every Put because Put replaces the file by
//     renaming a new one over it.
//
// Put writes the body to a temporary file named ".feedpub-tmp-*" in the
// destination folder, fsyncs it and renames it over the key, so readers see
// the old file or the new one, never a part. List skips such temporary files
// and Put refuses keys that look like them.
//
// Conditional writes: IfNoneMatch links the finished temporary file to the
// key with link(2), which fails if the key exists, so of several processes
// exactly one wins. IfMatch compares the ETag and renames while holding an
// advisory flock(2) on the root folder; every Put and Delete of this package
// takes that lock for its commit step, so it is race-free between feedpub
// processes, but another program writing into the folder is not excluded.
// On systems without flock the lock only covers callers of the same Store.
//
// A key cannot be both a file and a folder of other keys ("a" and "a/b"):
// a Put that needs that fails.
//
// Symlinks: the root is resolved to its real path once, by New. Below it
// the store never follows a link: every folder on a key's path is checked
// with Lstat, and a key whose path goes through a link, or that is one,
// gives ErrSymlink from Stat, Get, Put, Delete and DeleteIf, which touch
// nothing; List does not descend into linked folders. The check and the
// operation are not one atomic step: a program that swaps a folder for a
// link in between can still win that race, feedpub's own writes cannot.
//
// New creates nothing; the root folder is made by the first Put, so that a
// dry run leaves no trace. CleanStale (store.Cleaner) removes the
// temporary files that a killed Put leaves behind.
package localstore
