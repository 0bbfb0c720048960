package feeds_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/feedpub/feedpub/feeds"
)

// A subcategory written alone is named with its parent, and a near miss
// is sent to the subcategory it is near, not to an unrelated category.
func TestCategorySuggestions(t *testing.T) {
	for in, want := range map[string]string{
		"Film Reviews":  `write "TV & Film > Film Reviews"`,
		"film reviews":  `write "TV & Film > Film Reviews"`,
		"Film Review":   `closest: "TV & Film > Film Reviews"`,
		"Movie Reviews": `"TV & Film > Film Reviews"`,
		"Comdy":         `closest: "Comedy"`,
	} {
		_, err := feeds.ParseCategory(in)
		if !errors.Is(err, feeds.ErrUnknownCategory) || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseCategory(%q) = %v, want it to say %s", in, err, want)
		}
	}
	if c, err := feeds.ParseCategory("tv & film > film reviews"); err != nil || c.Name != "TV & Film" || c.Sub != "Film Reviews" {
		t.Errorf("case aside: %+v, %v", c, err)
	}
}
