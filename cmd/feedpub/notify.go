package main

import (
	"context"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/feeds/site"
	"github.com/feedpub/feedpub/media/store"
)

// afterPublish tells the CDN, hubs, indexes and webhooks about the feeds
// the publish changed (site's Notify), and prints what went wrong.
func (o *publishOptions) afterPublish(ctx context.Context, cfg *config.Config, st store.Store, po *site.Outcome) {
	ro := o.root
	warns := po.Notify(ctx, cfg, st, site.NotifyOptions{
		Skip: o.NoNotify, DryRun: o.DryRun, Send: ro.env.Notify, Version: version, Now: ro.env.Now(),
		Infof: ro.infof, Debugf: ro.debugf,
	})
	ro.report(warns)
}
