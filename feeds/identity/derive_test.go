package identity_test

import (
	"testing"
	"time"

	"github.com/feedpub/feedpub/feeds/identity"
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
		if got := identity.PodcastGUID(in); got != want {
			t.Errorf("identity.PodcastGUID(%q) = %s, want %s", in, got, want)
		}
	}
	if got := identity.PodcastGUID("https://reelverdicts.example/podcast.xml"); got == want {
		t.Errorf("different URLs gave the same GUID %s", got)
	}
}

// TestDerivation pins the ids of entries never published: the values
// feedpub has always derived (a change would re-publish every new entry
// under ids its earlier builds did not give it).
func TestDerivation(t *testing.T) {
	// 23:30 at UTC-5 is the next day in UTC: the rules date by UTC.
	d := time.Date(2026, 11, 6, 23, 30, 0, 0, time.FixedZone("EST", -5*3600))
	if got, want := identity.EntryGUID("heroine", d), "19357310-ee27-5f9c-a0e7-7f012a4504d7"; got != want {
		t.Errorf("EntryGUID = %s, want %s", got, want)
	}
	if got := identity.EntryGUID("heroine", d.AddDate(0, 0, 1)); got == identity.EntryGUID("heroine", d) {
		t.Errorf("EntryGUID ignores the date: %s", got)
	}
	for link, want := range map[string]string{
		"https://ReelVerdicts.example/reviews/": "tag:reelverdicts.example,2026-11-07:reviews/heroine",
		"::bad":                                 "tag:feedpub.invalid,2026-11-07:reviews/heroine",
	} {
		if got := identity.TagURI(link, d, "reviews/heroine"); got != want {
			t.Errorf("TagURI(%q) = %s, want %s", link, got, want)
		}
	}
	if got, want := identity.TagAuthority("https://reelverdicts.example", 2019), "reelverdicts.example,2019"; got != want {
		t.Errorf("TagAuthority = %s, want %s", got, want)
	}
}
