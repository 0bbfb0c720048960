package state

import (
	"crypto/rand"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// keyFile, under the user's cache folder, holds the secret that signs
// every file feedpub keeps in a site's Dir. The caches hold output
// (sanitised review HTML, facts the feed rules trust); anyone who can
// write a site's folder (a pull request that commits .feedpub/) could
// otherwise put raw HTML into the feeds. A cache file signed with another
// key, or none, is a miss.
const keyFile = "feedpub/state.key"

// userKey is the state key of this user on this machine.
var userKey = sync.OnceValue(func() []byte {
	if dir, err := os.UserCacheDir(); err == nil {
		if k, err := loadKey(filepath.Join(dir, filepath.FromSlash(keyFile))); err == nil {
			return k
		}
	}
	// No place for the key: this run's caches are only good for itself.
	k := make([]byte, 32)
	_, _ = rand.Read(k)
	return k
})

// loadKey reads the key at path, creating it (0600) on first use; of
// two processes creating it at once, both end with the one that won.
func loadKey(path string) ([]byte, error) {
	read := func() ([]byte, error) {
		k, err := os.ReadFile(path)
		if err == nil && len(k) != 32 {
			err = errors.New("not a key")
		}
		return k, err
	}
	if k, err := read(); err == nil || !errors.Is(err, fs.ErrNotExist) {
		return k, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".state.key-*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(k); err != nil {
		tmp.Close()
		return nil, err
	}
	if err := tmp.Close(); err != nil {
		return nil, err
	}
	// A link, unlike a rename, never replaces a key another process made.
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, err
	}
	return read()
}
