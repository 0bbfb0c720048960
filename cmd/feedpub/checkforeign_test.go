package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const foreignDir = "../../feeds/feedcheck/testdata/foreign"

// Feeds made elsewhere are judged by what directories and apps refuse:
// Apple's own sample feed and a hosting service's (HH:MM:SS durations,
// explicit "no", no Podcasting 2.0 tags) have no error.
func TestCheckAcceptsFeedsAppsAccept(t *testing.T) {
	for _, f := range []string{"apple-sample.xml", "hosting-style.xml"} {
		r := feedpub(t, "check", filepath.Join(foreignDir, f))
		if r.code != 0 || strings.Contains(r.stderr, "error: ") {
			t.Errorf("%s: exit %d\n%s", f, r.code, r.stderr)
		}
		if f == "apple-sample.xml" && !strings.Contains(r.stdout, "3 items with 3 enclosures") {
			t.Errorf("%s: summary %q", f, r.stdout)
		}
	}
}

// A real fault in such a feed is an error naming the item by its title
// and GUID, with its line and column in the feed.
func TestCheckNamesTitleAndLineOfEachFault(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(foreignDir, "apple-sample.xml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, old, new string
		want           []string
	}{
		{"no enclosure length", `length="8727310"`, `length=""`, []string{`:45:11: item.enclosure.length: item 2 "Mt. Hood, Oregon" (guid "22BCFEBF-F18E-4E9C-8FE9-55C03DAB3A3F")`, "[FP432]"}},
		{"a repeated guid", "538F6D2A-8D18-4B6E-8B47-F0C70E9E1E87", "22BCFEBF-F18E-4E9C-8FE9-55C03DAB3A3F", []string{`:63:11: item.guid.unique: item 3 "Bouldering Around Boulder"`, "[FP429]"}},
		{"an enclosure Apple refuses", `url="http://example.com/podcasts/boulder.mp4"`, `url="http://example.com/podcasts/boulder.wav"`, []string{`item 3 "Bouldering Around Boulder"`, "[FP431]"}},
		{"no show title", "<title>Hiking Treks</title>", "<title></title>", []string{":3:12: channel.title: channel", "[FP411]"}},
		{"not well-formed", "<itunes:explicit>true</itunes:explicit>", "<itunes:explicit>true</itunes:explicit", []string{"not well-formed XML", "line 83", "[FP408]"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(string(data), tc.old) {
				t.Fatalf("the fixture has no %q", tc.old)
			}
			f := filepath.Join(t.TempDir(), "feed.xml")
			writeFile(t, f, strings.Replace(string(data), tc.old, tc.new, 1))
			r := feedpub(t, "check", f)
			if r.code != 1 {
				t.Errorf("exit %d, want 1", r.code)
			}
			var errLines []string
			for _, l := range strings.Split(r.stderr, "\n") {
				if strings.HasPrefix(l, "error: ") {
					errLines = append(errLines, l)
				}
			}
			for _, w := range tc.want {
				if !strings.Contains(strings.Join(errLines, "\n"), w) {
					t.Errorf("no error with %q:\n%s", w, r.stderr)
				}
			}
			for _, l := range errLines {
				if strings.Contains(l, "item ") && !regexp.MustCompile(`feed\.xml:\d+:\d+: .*item \d+ "`).MatchString(l) {
					t.Errorf("an item's error without its line, column or title: %s", l)
				}
			}
		})
	}
}
