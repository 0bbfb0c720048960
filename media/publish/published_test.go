package publish_test

import (
	"testing"

	"github.com/feedpub/feedpub/media/publish"
)

func TestPublishedKey(t *testing.T) {
	const old, cur = "1111111111111111111111111111111111111111111111111111111111111111", "2222222222222222222222222222222222222222222222222222222222222222"
	v := publish.VersionedKey("media/ep.mp3", cur)
	if v != "media/ep.22222222.mp3" {
		t.Fatalf("VersionedKey = %q", v)
	}
	if got := publish.VersionedKey("media/README", cur); got != "media/README.22222222" {
		t.Errorf("VersionedKey without extension = %q", got)
	}
	for _, tc := range []struct {
		name    string
		objects map[string]publish.Recorded
		size    int64
		want    string
	}{
		{"never published", nil, 10, "media/ep.mp3"},
		{"unchanged", map[string]publish.Recorded{"media/ep.mp3": {Size: 10, SHA256: cur}}, 10, "media/ep.mp3"},
		{"changed: new key", map[string]publish.Recorded{"media/ep.mp3": {Size: 9, SHA256: old}}, 10, v},
		{"changed, versioned already published", map[string]publish.Recorded{"media/ep.mp3": {Size: 9, SHA256: old}, v: {Size: 10, SHA256: cur}}, 10, v},
		{"changed, original pruned since", map[string]publish.Recorded{v: {Size: 10, SHA256: cur}}, 10, v},
		{"changed back to the original", map[string]publish.Recorded{"media/ep.mp3": {Size: 10, SHA256: cur}, "media/ep.11111111.mp3": {Size: 9, SHA256: old}}, 10, "media/ep.mp3"},
		{"foreign object, same size", map[string]publish.Recorded{"media/ep.mp3": {Size: 10}}, 10, "media/ep.mp3"},
		{"foreign object, other size", map[string]publish.Recorded{"media/ep.mp3": {Size: 11}}, 10, v},
	} {
		p := &publish.Published{Objects: tc.objects}
		if got := p.Key("media/ep.mp3", tc.size, cur); got != tc.want {
			t.Errorf("%s: Key = %q, want %q", tc.name, got, tc.want)
		}
	}
	var none *publish.Published
	if got := none.Key("media/ep.mp3", 10, cur); got != "media/ep.mp3" {
		t.Errorf("no target: Key = %q", got)
	}
}
