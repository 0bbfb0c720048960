package store_test

import (
	"strings"
	"testing"

	"github.com/feedpub/feedpub/media/store"
)

func TestCheckKey(t *testing.T) {
	for _, tc := range []struct {
		key  string
		want string // "" for a valid key, else words the error must hold
	}{
		{"podcast.xml", ""},
		{"media/My Film.mp3", ""},
		{"media/été.mp3", ""},
		{"", "empty"},
		{"/etc/passwd", "relative"},
		{"a\\b", "not \\"},
		{"a//b", "clean path"},
		{"a/", "clean path"},
		{"./a", "inside the site"},
		{"a/../../b", "inside the site"},
		{"..", "inside the site"},
		{"a\x00b", "control"},
		{"a\nb", "control"},
		{"bad\xffutf8", "UTF-8"},
		{"media/" + store.TempPrefix + "x", "reserved"},
		{strings.Repeat("a", store.MaxKeyLen+1), "limit"},
	} {
		err := store.CheckKey(tc.key)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("CheckKey(%q) = %v, want ok", tc.key, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("CheckKey(%q) = %v, want an error with %q", tc.key, err, tc.want)
		}
	}
}

func TestCheckFileKeyReservesStateDir(t *testing.T) {
	for key, ok := range map[string]bool{
		"podcast.xml": true, "feedpub/x.xml": true, ".feedpubx/a": true,
		".feedpub": false, ".feedpub/manifest.json": false, "../x.xml": false,
	} {
		if err := store.CheckFileKey(key); (err == nil) != ok {
			t.Errorf("CheckFileKey(%q) = %v, want ok=%v", key, err, ok)
		}
	}
}
