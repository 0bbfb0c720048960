package diag_test

import (
	"testing"

	"github.com/feedpub/feedpub/config/diag"
)

func TestClosest(t *testing.T) {
	names := []string{"site", "content", "podcast", "video", "reviews", "publish"}
	for in, want := range map[string]string{"podcats": "podcast", "sit": "site", "revews": "reviews", "zzzzzzzz": ""} {
		if got := diag.Closest(in, names); got != want {
			t.Errorf("Closest(%q) = %q, want %q", in, got, want)
		}
	}
}
