package cloudfront_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/feedpub/feedpub/media/notify/cloudfront"
	"github.com/feedpub/feedpub/media/notify/cloudfront/cftest"
)

func TestInvalidate(t *testing.T) {
	srv := cftest.NewServer(t)
	srv.Env(t)
	inv, err := cloudfront.New(context.Background(), cloudfront.Config{Distribution: "E2EXAMPLE"})
	if err != nil {
		t.Fatal(err)
	}
	paths := cloudfront.Paths("site/", []string{"reviews.xml", "podcast.xml", "with space.json"})
	if want := []string{"/site/podcast.xml", "/site/reviews.xml", "/site/with%20space.json"}; !reflect.DeepEqual(paths, want) {
		t.Errorf("Paths = %v, want %v", paths, want)
	}
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	ref := cloudfront.CallerReference(paths, []string{"aa", "bb", "cc"}, now)
	id, err := inv.Invalidate(context.Background(), paths, ref)
	if err != nil {
		t.Fatal(err)
	}
	got := srv.Invalidations()
	want := []cftest.Invalidation{{Distribution: "E2EXAMPLE", Paths: paths, CallerReference: ref, Signed: true}}
	if !reflect.DeepEqual(got, want) || id != "I1EXAMPLE" {
		t.Errorf("server got %+v (id %q), want %+v", got, id, want)
	}
	if again := cloudfront.CallerReference(paths, []string{"aa", "bb", "cc"}, now); again != ref || !strings.HasPrefix(ref, "feedpub-") {
		t.Errorf("caller reference not deterministic: %q then %q", ref, again)
	}
	if other := cloudfront.CallerReference(paths, []string{"aa", "bb", "cc"}, now.Add(time.Minute)); other == ref {
		t.Error("a later publish reuses the caller reference")
	}
}

func TestInvalidateError(t *testing.T) {
	srv := cftest.NewServer(t)
	srv.Env(t)
	// Under an extra path segment the stand-in finds no route and answers
	// 404, as CloudFront does for a missing distribution.
	inv, err := cloudfront.New(context.Background(), cloudfront.Config{Distribution: "E2EXAMPLE", Endpoint: srv.URL + "/nowhere"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = inv.Invalidate(context.Background(), []string{"/podcast.xml"}, "r")
	if err == nil || !strings.Contains(err.Error(), "E2EXAMPLE") || !strings.Contains(err.Error(), "HTTP 404") || strings.Contains(err.Error(), "test-secret") {
		t.Errorf("error %v: want one naming the distribution and the status, and no secret", err)
	}
}
