package main

import (
	"context"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/media/store"
	"github.com/feedpub/feedpub/media/store/s3store"
	"github.com/feedpub/feedpub/media/store/target"
)

// openS3 opens an s3://bucket/prefix target. Credentials come from the
// SDK's standard chain only (environment, shared files, profile, SSO,
// instance roles), never from feedpub.yaml, so they are never printed.
func openS3(ctx context.Context, cfg *config.Config, tg target.Target) (store.Store, error) {
	s3 := cfg.Publish.S3
	return s3store.New(ctx, s3store.Config{
		Bucket:      tg.Bucket,
		Prefix:      tg.Prefix,
		Region:      s3.Region,
		Endpoint:    s3.Endpoint,
		Profile:     s3.Profile,
		PathStyle:   s3.PathStyle,
		ACL:         cfg.Publish.ACL,
		IdleTimeout: s3.Timeout,
	})
}
