package main

import (
	"context"
	"fmt"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/media/store"
	"github.com/feedpub/feedpub/media/store/s3store"
)

// openS3 opens an s3://bucket/prefix target. Credentials come from the
// SDK's standard chain only (environment, shared files, profile, SSO,
// instance roles), never from feedpub.yaml, so they are never printed.
func openS3(ctx context.Context, cfg *config.Config, target string) (store.Store, error) {
	bucket, prefix, ok := s3store.ParseTarget(target)
	if !ok {
		return nil, fmt.Errorf("%s: publish.target: %q: want s3://bucket or s3://bucket/prefix", cfg.File, target)
	}
	s3 := cfg.Publish.S3
	return s3store.New(ctx, s3store.Config{
		Bucket:    bucket,
		Prefix:    prefix,
		Region:    s3.Region,
		Endpoint:  s3.Endpoint,
		Profile:   s3.Profile,
		PathStyle: s3.PathStyle,
		ACL:       cfg.Publish.ACL,
	})
}
