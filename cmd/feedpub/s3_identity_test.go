package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/feedpub/feedpub/media/store/s3store/s3test"
)

// liveFeeds downloads the target's five feeds into a folder, for idsOf.
func (tg *s3eTarget) liveFeeds() string {
	tg.t.Helper()
	dir := tg.t.TempDir()
	for _, f := range s3eFeeds {
		b, err := tg.get(f)
		if err != nil {
			tg.t.Fatalf("get %s: %v", f, err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			tg.t.Fatal(err)
		}
	}
	return dir
}

func TestS3IdentitySurvivesRenames(t *testing.T) {
	srv := s3test.Start(t)
	tg := newS3Target(t, srv, srv.Endpoint)
	tg.mustPublish()
	before := idsOf(t, tg.liveFeeds())

	rename(t, tg.site("reviews/past-lives.md"), tg.site("reviews/past-lives-review.md"))
	r := tg.mustPublish()
	sameIDs(t, before, idsOf(t, tg.liveFeeds()), "renamed on S3")
	if n := strings.Count(r.stderr, `reviews/past-lives-review.md: continues "past-lives"`); n != 1 {
		t.Errorf("want one continuation notice, got %d:\n%s", n, r.stderr)
	}

	p := tg.site("reviews/past-lives-review.md")
	edit(t, p, func(s string) string { return setSlug(s, "past-lives-2023") })
	rename(t, p, tg.site("reviews/pl.md"))
	tg.mustPublish()
	sameIDs(t, before, idsOf(t, tg.liveFeeds()), "renamed with a new slug on S3")

	// Two new entries both matching one vanished entry.
	data, _ := os.ReadFile(tg.site("reviews/pl.md"))
	writeFile(t, tg.site("reviews/a.md"), string(data))
	writeFile(t, tg.site("reviews/b.md"), string(data))
	os.Remove(tg.site("reviews/pl.md"))
	r = tg.publish()
	if r.code != 1 || !strings.Contains(r.stderr, "reviews/a.md and reviews/b.md") {
		t.Errorf("ambiguous continuation on S3: %s", r)
	}
}

func TestS3PublishJSONOnFailure(t *testing.T) {
	srv := s3test.Start(t)
	tg := newS3Target(t, srv, srv.Endpoint)
	t.Setenv("FEEDPUB_PUBLISH_TARGET", "s3://no-such-bucket/feeds")
	r := tg.publish("--json")
	var s summary
	if err := json.Unmarshal([]byte(r.stdout), &s); err != nil {
		t.Fatalf("--json on a missing bucket is not one JSON document: %v\n%s", err, r)
	}
	if r.code != 1 || s.OK || !strings.Contains(s.Error, `bucket "no-such-bucket" does not exist`) {
		t.Errorf("want exit 1 and the error in the document: %s", r)
	}
	if s.Target == nil || s.Target.Scheme != "s3" || s.Target.Bucket != "no-such-bucket" || s.Target.Prefix != "feeds/" || s.Target.Endpoint != srv.Endpoint {
		t.Errorf("target fields: %+v", s.Target)
	}
	if len(s.Feeds) != 5 {
		t.Errorf("feed URLs: %+v", s.Feeds)
	}
	if r.stderr != "" {
		t.Errorf("--json wrote to stderr: %q", r.stderr)
	}
}
