package site

import (
	"fmt"
	"strings"

	"github.com/feedpub/feedpub/feeds/identity"
	"github.com/feedpub/feedpub/media"
	"github.com/feedpub/feedpub/media/publish"
)

// publishedCopy finds the target's copy of a referenced file that is not
// here: the object the manifest says was published from it, with what was
// read from it then. A file replaced since has several copies (its
// content-versioned keys); the entry's identity record, which keeps the
// SHA-256 of its audio and video, says which one the entry publishes. A
// choice it cannot settle is an error rather than a guess.
func publishedCopy(pub *publish.Published, id *identity.Kept) func(media.Request) (*media.Asset, error) {
	copies := pub.Copies()
	return func(req media.Request) (*media.Asset, error) {
		keys := copies[req.Key]
		if len(keys) == 0 {
			return nil, nil
		}
		key := keys[0]
		if len(keys) > 1 {
			key = entryCopy(pub, id, req, keys)
			if key == "" {
				return nil, fmt.Errorf("%w; the target holds %d published copies of it (%s) and which one the entry means is unclear: add the file",
					media.ErrNotFound, len(keys), strings.Join(keys, ", "))
			}
		}
		r := pub.Objects[key]
		a := &media.Asset{Key: req.Key, Kind: req.Kind, Size: r.Size, SHA256: r.SHA256, MIME: r.Info.MIME, Info: *r.Info, Copy: true}
		return a, nil
	}
}

// entryCopy picks, among keys, the copy whose SHA-256 the identity record
// of the referencing entry holds for its audio or video; "" if none does.
func entryCopy(pub *publish.Published, id *identity.Kept, req media.Request, keys []string) string {
	if id == nil {
		return ""
	}
	for _, rec := range id.Entries {
		if rec.Source != req.Ref.File {
			continue
		}
		sha := rec.AudioSHA256
		if req.Kind == media.KindVideo {
			sha = rec.VideoSHA256
		}
		for _, k := range keys {
			if sha != "" && pub.Objects[k].SHA256 == sha {
				return k
			}
		}
	}
	return ""
}
