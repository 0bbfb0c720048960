package feedcheck_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/feedpub/feedpub/feeds/feedcheck"
)

// TestSerialTrailerNeedsNoNumber: a serial show's trailer may go without
// itunes:episode, as in Apple's own sample feed and as feeds.Build allows
// (FP217 spares trailers); a full episode without one is still reported.
func TestSerialTrailerNeedsNoNumber(t *testing.T) {
	doc := renderPodcast(t)
	doc = strings.Replace(doc, "<itunes:type>episodic</itunes:type>", "<itunes:type>serial</itunes:type>", 1)
	const num = "<itunes:episode>12</itunes:episode>"
	i := strings.Index(doc, num)
	j := strings.LastIndex(doc[:max(i, 0)], "<item>")
	k := i + strings.Index(doc[i:], "</item>")
	if i < 0 || j < 0 || k < i {
		t.Fatal("the rendered feed has no item numbered 12")
	}
	item := strings.Replace(doc[j:k], num, "", 1)
	trailer := strings.Replace(item, "<itunes:episodeType>full</itunes:episodeType>", "<itunes:episodeType>trailer</itunes:episodeType>", 1)
	if trailer == item {
		t.Fatalf("item 12 is not a full episode: %s", item)
	}
	without := doc[:j] + trailer + doc[k:]
	if rules := feedcheck.Rules(feedcheck.CheckPodcast([]byte(without))); slices.Contains(rules, "item.itunes:episode.serial") {
		t.Errorf("an unnumbered trailer of a serial show reported: %v", rules)
	}
	full := doc[:j] + item + doc[k:]
	if rules := feedcheck.Rules(feedcheck.CheckPodcast([]byte(full))); !slices.Contains(rules, "item.itunes:episode.serial") {
		t.Errorf("an unnumbered full episode of a serial show not reported: %v", rules)
	}
}
