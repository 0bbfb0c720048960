package store

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/feedpub/feedpub/config/state"
)

// TempPrefix starts the name of every temporary file a store may leave
// behind while writing. No key may have a path element starting with it, so
// a store can list and clean its temporaries without touching published
// objects.
const TempPrefix = ".feedpub-tmp-"

// MaxKeyLen is S3's limit on a key's length in bytes; a longer key would be
// refused by the server after everything before it was uploaded.
const MaxKeyLen = 1024

// CheckKey reports whether key can name an object in every store: a clean,
// relative, slash-separated path of valid UTF-8 without control characters,
// backslashes, or empty, "." and ".." elements. It is the one rule for keys:
// the build checks the feed paths with it (feeds/site, FP116), and both
// stores check every key they are given, so a key that works on a folder
// works on S3 and the reverse.
func CheckKey(key string) error {
	switch {
	case key == "":
		return fmt.Errorf("empty path: want a file path such as media/episode.mp3")
	case len(key) > MaxKeyLen:
		return fmt.Errorf("%.40q…: path is %d bytes long; the limit is %d", key, len(key), MaxKeyLen)
	case !utf8.ValidString(key):
		return fmt.Errorf("%q: path is not valid UTF-8", key)
	case strings.HasPrefix(key, "/"):
		return fmt.Errorf("%q: want a relative path, not one starting with /", key)
	case strings.Contains(key, "\\"):
		return fmt.Errorf("%q: want / between folders, not \\", key)
	}
	if i := strings.IndexFunc(key, unicode.IsControl); i >= 0 {
		return fmt.Errorf("%q: path contains a control character", key)
	}
	for el := range strings.SplitSeq(key, "/") {
		switch {
		case el == "":
			return fmt.Errorf("%q: want a clean path (no // and no trailing /)", key)
		case el == "." || el == "..":
			return fmt.Errorf("%q: want a clean path inside the site (no ./ or ../)", key)
		case strings.HasPrefix(el, TempPrefix):
			return fmt.Errorf("%q: names starting with %s are reserved for feedpub's temporary files", key, TempPrefix)
		}
	}
	return nil
}

// StateDir is the folder of a target (and of a site) that holds feedpub's
// own state: the manifest, the lock, the probe cache.
const StateDir = state.Dir

// CheckFileKey reports whether key can name a file of the published tree (a
// feed, media, artwork): a valid key (CheckKey) outside StateDir.
func CheckFileKey(key string) error {
	if err := CheckKey(key); err != nil {
		return err
	}
	if key == StateDir || strings.HasPrefix(key, StateDir+"/") {
		return fmt.Errorf("%q: %s/ is reserved for feedpub's own state", key, StateDir)
	}
	return nil
}
