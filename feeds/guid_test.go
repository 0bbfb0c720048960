package feeds

import (
	"errors"
	"strings"
	"testing"
)

func TestPodcastGUID(t *testing.T) {
	const want = "9b024349-ccf0-5f69-a609-6b82873eab3c"
	for _, in := range []string{
		"https://podnews.net/rss",
		"http://podnews.net/rss",
		"feed://podnews.net/rss",
		"https://podnews.net/rss/",
		"https://podnews.net/rss//",
		"podnews.net/rss",
	} {
		if got := PodcastGUID(in); got != want {
			t.Errorf("PodcastGUID(%q) = %s, want %s", in, got, want)
		}
	}
	if got := PodcastGUID("https://reelverdicts.example/podcast.xml"); got == want {
		t.Errorf("different URLs gave the same GUID %s", got)
	}
}

func TestParseCategory(t *testing.T) {
	for in, want := range map[string]Category{
		"TV & Film > Film Reviews":    {Name: "TV & Film", Sub: "Film Reviews"},
		"tv & film>film reviews":      {Name: "TV & Film", Sub: "Film Reviews"},
		"  History ":                  {Name: "History"},
		"Society & Culture":           {Name: "Society & Culture"},
		"Leisure > Animation & Manga": {Name: "Leisure", Sub: "Animation & Manga"},
	} {
		got, err := ParseCategory(in)
		if err != nil || got != want {
			t.Errorf("ParseCategory(%q) = %+v, %v; want %+v", in, got, err, want)
		}
		if err := ValidateCategory(want); err != nil {
			t.Errorf("ValidateCategory(%+v) = %v", want, err)
		}
	}
	for in, hint := range map[string]string{
		"Movies":                     `closest:`,
		"TV and Film > Film Reviews": `"TV & Film"`,
		"TV & Film > Film Review":    `"Film Reviews"`,
		"History > Ancient":          `no subcategories`,
		"":                           `empty name`,
	} {
		_, err := ParseCategory(in)
		if !errors.Is(err, ErrUnknownCategory) || !strings.Contains(err.Error(), hint) {
			t.Errorf("ParseCategory(%q) error = %v; want ErrUnknownCategory mentioning %s", in, err, hint)
		}
	}
	if err := ValidateCategory(Category{Name: "tv & film"}); !errors.Is(err, ErrUnknownCategory) {
		t.Errorf("ValidateCategory accepted a misspelling: %v", err)
	}
	cats := AppleCategories()
	n := 0
	for _, subs := range cats {
		n += len(subs)
	}
	if len(cats) != 19 || n != 91 {
		t.Errorf("AppleCategories: %d categories, %d subcategories; want 19, 91", len(cats), n)
	}
}
