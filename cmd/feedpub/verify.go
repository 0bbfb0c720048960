package main

import (
	"context"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/feeds/site"
	"github.com/feedpub/feedpub/media/store/target"
)

// checkLive checks what this publish changed as a listener would (site's
// VerifyLive), records what it found in the summary, and prints what
// failed.
func (o *publishOptions) checkLive(ctx context.Context, cfg *config.Config, stateKey string, po *site.Outcome, out *summary) error {
	lc, err := po.VerifyLive(ctx, cfg, stateKey, site.LiveOptions{
		Skip:    o.NoVerify,
		Client:  o.root.env.HTTP, // a test's, trusting its TLS server
		Version: version,
		Local:   out.Target != nil && out.Target.Scheme == target.SchemeFile,
		Debugf:  o.root.debugf,
	})
	out.LiveCheck, out.Live = lc.Status, lc.Checks
	if err != nil {
		o.root.report(lc.Problems)
	}
	return err
}
