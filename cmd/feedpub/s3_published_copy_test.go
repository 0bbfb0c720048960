package main

import (
	"bytes"
	"context"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/feedpub/feedpub/media/store/s3store/s3test"
)

// TestS3PublishWithoutTheMedia is the studio + CI split on a real S3
// server: the producer publishes everything, then a checkout without any
// media or artwork file publishes an edited review. Only that review's
// feeds change, nothing is deleted (with --prune either), every object the
// feeds reference is the same, and --require-media refuses.
func TestS3PublishWithoutTheMedia(t *testing.T) {
	srv := s3test.Start(t)
	tg := newS3Target(t, srv, srv.Endpoint)
	tg.mustPublish()
	before := tg.objects()
	live := map[string][]byte{}
	for _, f := range s3eFeeds {
		b, err := tg.get(f)
		if err != nil {
			t.Fatal(err)
		}
		live[f] = b
	}

	for _, d := range []string{"media", "artwork"} {
		if err := os.RemoveAll(tg.site(d)); err != nil {
			t.Fatal(err)
		}
	}
	edit(t, tg.site("reviews/aftersun.md"), func(s string) string {
		return strings.Replace(s, "\n---\n", "\n---\nOne more sentence.\n\n", 1)
	})

	if r := tg.publish("--require-media"); r.code != 1 || !strings.Contains(r.stderr, "FP301") {
		t.Errorf("publish --require-media without the media: %s", r)
	}
	s := tg.publishJSON("--prune")
	var uploaded, notes []string
	for _, a := range s.Objects {
		if a.Action == "upload" {
			uploaded = append(uploaded, a.Key)
		}
	}
	for _, p := range s.Problems {
		if p.Rule == "FP320" {
			notes = append(notes, p.Message)
		}
	}
	sort.Strings(uploaded)
	if want := []string{"reviews.atom", "reviews.json", "reviews.xml"}; !sameKeys(uploaded, want) {
		t.Errorf("uploaded %v, want only the edited review's feeds %v", uploaded, want)
	}
	if s.Deleted != 0 || s.Orphaned != 0 {
		t.Errorf("deleted %d, orphaned %d; want nothing", s.Deleted, s.Orphaned)
	}
	// Every file the example references, media and artwork, once each.
	if len(notes) != 12 {
		t.Errorf("%d published-copy notes, want 12 (one per file):\n%s", len(notes), strings.Join(notes, "\n"))
	}
	after := tg.objects()
	for k, size := range before {
		if feedFile[k] || k == ".feedpub/manifest.json" {
			continue
		}
		if after[k] != size {
			t.Errorf("%s: %d bytes before, %d after", k, size, after[k])
		}
	}
	for _, f := range []string{"podcast.xml", "video.xml"} {
		b, err := tg.get(f)
		if err != nil || !bytes.Equal(b, live[f]) {
			t.Errorf("%s changed (err %v)", f, err)
		}
	}
	tg.checkLive()

	// Nothing changed since: a second run from the checkout uploads nothing.
	if s := tg.publishJSON("--prune"); s.Uploaded != 0 || s.Deleted != 0 {
		t.Errorf("again: uploaded %d, deleted %d; want 0 and 0", s.Uploaded, s.Deleted)
	}

	// A new cache_control reaches the copies too, in place: no bytes are
	// needed to change an object's settings.
	edit(t, tg.cfg, func(s string) string {
		return strings.Replace(s, `media: "public, max-age=86400"`, `media: "public, max-age=600"`, 1)
	})
	s = tg.publishJSON()
	if s.Uploaded != 0 || s.Updated != 12 {
		t.Errorf("new cache_control: uploaded %d, updated %d; want 0 and the 12 copies", s.Uploaded, s.Updated)
	}
	h, err := tg.client().HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: &tg.bucket, Key: tg.key("media/heroine.mp3")})
	if err != nil || aws.ToString(h.CacheControl) != "public, max-age=600" || aws.ToInt64(h.ContentLength) != before["media/heroine.mp3"] {
		t.Errorf("media/heroine.mp3 after the new cache_control: %v, err %v", h, err)
	}

	// A copy deleted from the bucket is the error of a missing file, and
	// nothing is written.
	tg.remove("media/heroine.mp3")
	edit(t, tg.site("reviews/aftersun.md"), func(s string) string { return s + "\nAnd another.\n" })
	r := tg.publish()
	if r.code != 1 || !strings.Contains(r.stderr, "media/heroine.mp3: not here, and its published copy media/heroine.mp3 is missing from s3://") ||
		!strings.Contains(r.stderr, "[FP301]") {
		t.Errorf("publish with a copy gone from the bucket: %s", r)
	}
	if b, err := tg.get("reviews.xml"); err != nil || strings.Contains(string(b), "And another.") {
		t.Errorf("reviews.xml replaced (err %v)", err)
	}
}
