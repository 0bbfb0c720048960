package site

import (
	"reflect"
	"testing"

	"github.com/feedpub/feedpub/feeds/identity"
)

// TestLiveFeeds: the feeds the manifest says carry entries, and no feed
// only a removed record or a draft names.
func TestLiveFeeds(t *testing.T) {
	if got := liveFeeds(nil); len(got) != 0 {
		t.Errorf("liveFeeds(nil) = %v, want none", got)
	}
	id := &identity.Kept{Entries: []identity.Record{
		{GUID: "g1", Feeds: map[string]string{"podcast.xml": "g1", "reviews.atom": "tag:x,2026:reviews/a"}},
		{GUID: "g2", Feeds: map[string]string{"video.xml": "g2"}},
		{GUID: "g3", Removed: true},
	}}
	want := map[string]bool{"podcast.xml": true, "reviews.atom": true, "video.xml": true}
	if got := liveFeeds(id); !reflect.DeepEqual(got, want) {
		t.Errorf("liveFeeds = %v, want %v", got, want)
	}
}
