// Package state is the one store for everything feedpub keeps in a site
// folder between runs (Dir): the unchanged-site fingerprint per target, the
// probe cache, the facts of media on other hosts, the feed items checked
// clean and the entry cache. Each of them only ever saves work, so the
// store has one rule for all: a file that is missing, unreadable, damaged,
// written by another feedpub binary or signed with another key is a miss,
// never an error and never output.
//
// One reader: through config/sitefs (a regular file inside the site, with a
// size cap), so a FIFO or a symlink out of the site planted in Dir is a
// miss, never a hang. One writer: a temporary file and a rename, only
// inside the site. One envelope: every file starts with a magic line and
// ends with an HMAC-SHA256 of the running binary's build ID
// (RunningBuildID), the file's name and its payload, keyed with a secret
// outside the site (the user's cache folder). A new feedpub, or any change
// to its code, reads nothing an older one wrote, so no cache carries a
// version number to raise by hand; and a file someone without the key
// wrote (one committed to the site's repository) is never trusted.
//
// It lives under config/ because both feeds/ and media/ keep caches in it
// and config/ is the one layer both import.
package state

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"hash"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/feedpub/feedpub/config/sitefs"
)

// Dir is the folder, inside the site folder, that holds feedpub's state.
// It is never published.
const Dir = ".feedpub"

// The files in Dir, as slash paths relative to it: the one place that
// names them.
const (
	// SiteFile keeps, per target, the fingerprint of the site the last
	// complete publish was made from.
	SiteFile = "state.json"
	// ProbeFile keeps what was read from each media file.
	ProbeFile = "probe-cache.json"
	// RemoteFile keeps what was read from media on other hosts, by URL.
	RemoteFile = "remote-cache.json"
	// CheckedFile keeps the podcast items the feed rules found clean.
	CheckedFile = "checked-items.json"
	// EntriesDir is the entry cache's folder.
	EntriesDir = "cache/entries"
	// ImportFile keeps which slug each imported item's files were given:
	// a record, not a cache (ReadRecord).
	ImportFile = "import.json"
)

// magic starts every file the store writes.
const magic = "feedpub state\n"

// HeaderSize is the length of what precedes a file's payload, so a reader
// can find a byte of the payload in the file (see Open).
const HeaderSize = len(magic)

// MACSize is the length of the signature that ends every file.
const MACSize = sha256.Size

// ErrOutside is returned by a write when Dir resolves to a place outside
// the site folder (a symlink): the store writes and deletes only inside it.
var ErrOutside = errors.New("the folder is outside the site folder (a symlink); feedpub writes only inside it")

// Options adjust a Store; the zero value is what feedpub runs with.
type Options struct {
	// BuildID, when set, stands for the running executable's build ID, so
	// a test can play a changed feedpub without building one.
	BuildID string
	// Key, when set, replaces the user's state key (tests).
	Key []byte
}

// Store reads and writes the files in one site's Dir. A nil *Store, or one
// with no build ID, reads nothing and writes nothing. Safe for concurrent
// use.
type Store struct {
	site, dir string
	root      *sitefs.Root // nil when the site folder cannot be resolved
	id        string
	key       []byte
	inSite    sync.Map // a folder's path → whether it resolves inside the site
}

// Open returns the store of the site folder site.
func Open(site string, opt Options) *Store {
	s := &Store{site: site, dir: filepath.Join(site, Dir), id: opt.BuildID, key: opt.Key}
	if s.id == "" {
		s.id = RunningBuildID()
	}
	if s.key == nil {
		s.key = userKey()
	}
	s.root, _ = sitefs.NewRoot(site)
	return s
}

// On reports whether the store reads and writes at all: it knows the
// build ID and the site folder.
func (s *Store) On() bool { return s != nil && s.id != "" && s.root != nil }

// BuildID is the build ID every file is signed with ("" when off).
func (s *Store) BuildID() string {
	if s == nil {
		return ""
	}
	return s.id
}

// Path is the file name's path on disk.
func (s *Store) Path(name string) string {
	return filepath.Join(s.dir, filepath.FromSlash(name))
}

// Read returns the payload of the file name, or false for a miss: off, not
// there, not a regular file inside the site, over limit bytes, or not
// sealed by this build with this key.
func (s *Store) Read(name string, limit int64) ([]byte, bool) {
	if !s.On() {
		return nil, false
	}
	data, err := s.root.ReadFile(s.Path(name), limit)
	if err != nil {
		return nil, false
	}
	return s.Unseal(name, data)
}

// Open opens the file name for reading through sitefs (a FIFO or a link
// out of the site is refused). The caller checks what it reads: with
// ReadAt and a sum it kept from Read, say.
func (s *Store) Open(name string, limit int64) (*os.File, error) {
	if !s.On() {
		return nil, fs.ErrNotExist
	}
	return s.root.Open(s.Path(name), limit)
}

// Write seals payload and replaces the file name with it atomically. It
// does nothing when the store is off.
func (s *Store) Write(name string, payload []byte) error {
	if !s.On() {
		return nil
	}
	if !s.Writable(name) {
		return ErrOutside
	}
	// The parts of Seal's file, without copying a payload of megabytes.
	return sitefs.WriteFile(s.Path(name), []byte(magic), payload, s.mac(name, payload))
}

// ReadRecord reads the file name, a record the store keeps unsigned: not a
// cache that only saves work but what a later run must find whichever
// feedpub makes it (ImportFile), so neither the build ID nor the key
// guards it. The reader is the same: a regular file inside the site, at
// most limit bytes, so a FIFO there is an error, never a hang.
func (s *Store) ReadRecord(name string, limit int64) ([]byte, error) {
	if s == nil || s.root == nil {
		return nil, fs.ErrNotExist
	}
	return s.root.ReadFile(s.Path(name), limit)
}

// WriteRecord replaces the record name with data atomically, inside the
// site only.
func (s *Store) WriteRecord(name string, data []byte) error {
	if s == nil || s.root == nil || !s.inSiteDir(name) {
		return ErrOutside
	}
	return sitefs.WriteFile(s.Path(name), data)
}

// Writable reports whether the file name can be written or removed: the
// store is on and its folder, as far as it exists, lies inside the site
// folder.
func (s *Store) Writable(name string) bool {
	return s.On() && s.inSiteDir(name)
}

// inSiteDir reports whether the folder of the file name, as far as it
// exists, lies inside the site folder, resolving each folder once per
// Store.
func (s *Store) inSiteDir(name string) bool {
	dir := filepath.Dir(s.Path(name))
	if ok, found := s.inSite.Load(dir); found {
		return ok.(bool)
	}
	ok := s.resolvesInSite(dir)
	s.inSite.Store(dir, ok)
	return ok
}

// Remove deletes the file name (inside the site only).
func (s *Store) Remove(name string) error {
	if !s.On() {
		return nil
	}
	if !s.Writable(name) {
		return ErrOutside
	}
	return os.Remove(s.Path(name))
}

// Seal returns the file Write writes for payload under name.
func (s *Store) Seal(name string, payload []byte) []byte {
	b := make([]byte, 0, len(magic)+len(payload)+MACSize)
	b = append(b, magic...)
	b = append(b, payload...)
	return append(b, s.mac(name, payload)...)
}

// Unseal returns the payload of data, a file read as name, if this build
// sealed it with this key; the payload is a slice of data.
func (s *Store) Unseal(name string, data []byte) ([]byte, bool) {
	if !s.On() || len(data) < len(magic)+MACSize || string(data[:len(magic)]) != magic {
		return nil, false
	}
	payload, sum := data[len(magic):len(data)-MACSize], data[len(data)-MACSize:]
	if !hmac.Equal(s.mac(name, payload), sum) {
		return nil, false
	}
	return payload, true
}

// mac signs the build ID, the name and the payload, each but the last
// with its length first so no two run together alike.
func (s *Store) mac(name string, payload []byte) []byte {
	m := s.Hash()
	m.Write([]byte(name))
	m.Write([]byte{0})
	m.Write(payload)
	return m.Sum(nil)
}

// Hash returns an HMAC-SHA256 with the state key that has already taken
// in the build ID: a key for anything the store's users derive (names of
// cached items, say) that must differ from one feedpub build to the next.
// A nil Store's has neither key nor build ID.
func (s *Store) Hash() hash.Hash {
	if s == nil {
		return hmac.New(sha256.New, nil)
	}
	m := hmac.New(sha256.New, s.key)
	var n [binary.MaxVarintLen64]byte
	m.Write(n[:binary.PutUvarint(n[:], uint64(len(s.id)))])
	m.Write([]byte(s.id))
	return m
}

// resolvesInSite reports whether the folder dir, as far as it exists,
// resolves to a place inside the site folder: Dir or a folder in it may be
// a symlink.
func (s *Store) resolvesInSite(dir string) bool {
	for p := dir; ; p = filepath.Dir(p) {
		real, err := filepath.EvalSymlinks(p)
		if err == nil {
			return sitefs.Within(s.root.Real(), real)
		}
		if !errors.Is(err, fs.ErrNotExist) || p == s.site || filepath.Dir(p) == p {
			return false
		}
	}
}

// Where names a file for messages: ".feedpub/probe-cache.json".
func Where(name string) string { return Dir + "/" + strings.TrimPrefix(name, "/") }
