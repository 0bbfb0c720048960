package main

import (
	"context"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/feeds/site"
	"github.com/feedpub/feedpub/media/publish"
	"github.com/feedpub/feedpub/media/store"
)

// checkGUIDs warns, naming the entry, about every published GUID this build
// would change or drop, comparing with the manifest kept in st. It returns
// the GUIDs and slugs to record with the next publish to st.
func (o *rootOptions) checkGUIDs(ctx context.Context, st store.Store, res *site.Result) (map[string]map[string]string, map[string]bool) {
	guids, slugs, sources := publishedGUIDs(res)
	m, err := publish.ReadManifest(ctx, st)
	if err != nil {
		return guids, slugs // publish reads it again and reports the error
	}
	var ps config.Problems
	for _, c := range publish.CheckGUIDs(m, guids, sources) {
		ps.Warnf("", 0, "", "%s", c.String())
	}
	o.report(ps)
	return guids, slugs
}
