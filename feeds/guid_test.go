package feeds_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/feedpub/feedpub/feeds"
	_ "github.com/feedpub/feedpub/feeds/feedtest" // accepts go test ./feeds/... -update
)

func TestParseCategory(t *testing.T) {
	for in, want := range map[string]feeds.Category{
		"TV & Film > Film Reviews":    {Name: "TV & Film", Sub: "Film Reviews"},
		"tv & film>film reviews":      {Name: "TV & Film", Sub: "Film Reviews"},
		"  History ":                  {Name: "History"},
		"Society & Culture":           {Name: "Society & Culture"},
		"Leisure > Animation & Manga": {Name: "Leisure", Sub: "Animation & Manga"},
	} {
		got, err := feeds.ParseCategory(in)
		if err != nil || got != want {
			t.Errorf("feeds.ParseCategory(%q) = %+v, %v; want %+v", in, got, err, want)
		}
		if err := feeds.ValidateCategory(want); err != nil {
			t.Errorf("feeds.ValidateCategory(%+v) = %v", want, err)
		}
	}
	for in, hint := range map[string]string{
		"Movies":                     `closest:`,
		"TV and Film > Film Reviews": `"TV & Film"`,
		"TV & Film > Film Review":    `"Film Reviews"`,
		"History > Ancient":          `no subcategories`,
		"":                           `empty name`,
	} {
		_, err := feeds.ParseCategory(in)
		if !errors.Is(err, feeds.ErrUnknownCategory) || !strings.Contains(err.Error(), hint) {
			t.Errorf("feeds.ParseCategory(%q) error = %v; want feeds.ErrUnknownCategory mentioning %s", in, err, hint)
		}
	}
	if err := feeds.ValidateCategory(feeds.Category{Name: "tv & film"}); !errors.Is(err, feeds.ErrUnknownCategory) {
		t.Errorf("feeds.ValidateCategory accepted a misspelling: %v", err)
	}
	cats := feeds.AppleCategories()
	n := 0
	for _, subs := range cats {
		n += len(subs)
	}
	if len(cats) != 19 || n != 91 {
		t.Errorf("feeds.AppleCategories: %d categories, %d subcategories; want 19, 91", len(cats), n)
	}
}
