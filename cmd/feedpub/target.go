package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/media/store"
	"github.com/feedpub/feedpub/media/store/localstore"
)

// openTarget opens publish.target: a folder (relative to the config file's
// folder), file://PATH, or s3://bucket/prefix.
func openTarget(ctx context.Context, cfg *config.Config) (store.Store, error) {
	t := strings.TrimSpace(cfg.Publish.Target)
	switch {
	case strings.HasPrefix(t, "s3://"):
		return openS3(ctx, cfg, t)
	case strings.HasPrefix(t, "file://"):
		t = strings.TrimPrefix(t, "file://")
	case strings.Contains(t, "://"):
		return nil, fmt.Errorf("%s: publish.target: %q: want a folder, file://PATH or s3://bucket/prefix", cfg.File, t)
	}
	return localstore.New(cfg.Resolve(t))
}
