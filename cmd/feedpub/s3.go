package main

import (
	"context"
	"fmt"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/media/store"
)

func openS3(_ context.Context, cfg *config.Config, target string) (store.Store, error) {
	return nil, fmt.Errorf("%s: publish.target: %s: S3 targets are not available in this version yet; publish to a folder", cfg.File, target)
}
