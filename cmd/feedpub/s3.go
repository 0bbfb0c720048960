package main

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/media/store"
	"github.com/feedpub/feedpub/media/store/s3store"
	"github.com/feedpub/feedpub/media/store/target"
)

// openS3 opens an s3://bucket/prefix target. Credentials come from the
// SDK's standard chain only (environment, shared files, profile, SSO,
// instance roles), never from feedpub.yaml, so they are never printed.
func openS3(ctx context.Context, cfg *config.Config, tg target.Target, w io.Writer) (store.Store, error) {
	s3 := cfg.Publish.S3
	// A frozen server is said while it is frozen, once per step of the
	// wait however many requests wait on it.
	var mu sync.Mutex
	var said time.Duration
	where := tg.Bucket
	if s3.Endpoint != "" {
		where += " at " + target.Redact(s3.Endpoint)
	}
	onSilence := func(silent, limit time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		if silent > said {
			said = silent
			fmt.Fprintf(w, "waiting for S3 (%s): no answer for %v; giving up at %v (publish.s3.timeout)\n", where, silent, limit)
		}
	}
	return s3store.New(ctx, s3store.Config{
		OnSilence:   onSilence,
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
