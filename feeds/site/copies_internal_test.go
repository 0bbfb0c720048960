package site

import (
	"errors"
	"strings"
	"testing"

	"github.com/feedpub/feedpub/config/diag"
	"github.com/feedpub/feedpub/feeds/identity"
	"github.com/feedpub/feedpub/media"
	"github.com/feedpub/feedpub/media/probe"
	"github.com/feedpub/feedpub/media/publish"
)

// A file replaced and published again without --prune has two copies; the
// entry's identity record, which keeps its audio's SHA-256, says which one
// it publishes, and without it the choice is an error, not a guess.
func TestPublishedCopyChoosesTheEntrysVersion(t *testing.T) {
	old, cur := strings.Repeat("a", 64), strings.Repeat("b", 64)
	info := &probe.Info{Format: "mp3", MIME: "audio/mpeg", Duration: 1e9}
	pub := &publish.Published{Objects: map[string]publish.Recorded{
		"media/ep.mp3":          {Size: 10, SHA256: old, Source: "media/ep.mp3", Info: info},
		"media/ep.bbbbbbbb.mp3": {Size: 12, SHA256: cur, Source: "media/ep.mp3", Info: info},
		"media/art.jpg":         {Size: 5, SHA256: old}, // an older manifest: no facts
		"media/solo.mp3":        {Size: 7, SHA256: cur, Source: "media/solo.mp3", Info: info},
	}}
	req := media.Request{Key: "media/ep.mp3", Kind: media.KindAudio, Ref: diag.Problem{File: "reviews/ep.md"}}

	id := &identity.Kept{}
	a, err := publishedCopy(pub, id)(req)
	if !errors.Is(err, media.ErrNotFound) || a != nil || !strings.Contains(err.Error(), "media/ep.bbbbbbbb.mp3") {
		t.Errorf("no identity record: %v, %v; want an error naming both copies", a, err)
	}

	id.Entries = []identity.Record{{Source: "reviews/ep.md", AudioSHA256: cur}}
	a, err = publishedCopy(pub, id)(req)
	if err != nil || a == nil || !a.Copy || a.SHA256 != cur || a.Size != 12 || a.Info.Duration != info.Duration {
		t.Errorf("with the record: %+v, %v; want the 12-byte copy", a, err)
	}
	if k := pub.Key(a.Key, a.Size, a.SHA256); k != "media/ep.bbbbbbbb.mp3" {
		t.Errorf("published at %s", k)
	}

	for _, key := range []string{"media/art.jpg", "media/none.mp3"} {
		if a, err := publishedCopy(pub, id)(media.Request{Key: key, Kind: media.KindArtwork}); a != nil || err != nil {
			t.Errorf("%s: %v, %v; want no copy", key, a, err)
		}
	}
	if a, err := publishedCopy(pub, id)(media.Request{Key: "media/solo.mp3", Kind: media.KindAudio}); err != nil || a == nil || a.Size != 7 {
		t.Errorf("one copy: %+v, %v", a, err)
	}
}
