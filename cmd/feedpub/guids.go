package main

import (
	"github.com/feedpub/feedpub/config/diag"
	"github.com/feedpub/feedpub/feeds/site"
	"github.com/feedpub/feedpub/media/publish"
)

// guidCheck returns the GUIDs and slugs of this build, to record with the
// next publish, and a hook for publish.Options.OnManifest that warns,
// naming the entry, about every published GUID this build would change or
// drop.
func (o *rootOptions) guidCheck(res *site.Result) (map[string]map[string]string, map[string]bool, func(*publish.Manifest)) {
	guids, slugs, sources := publishedGUIDs(res)
	return guids, slugs, func(m *publish.Manifest) {
		var ps diag.Problems
		for _, c := range publish.CheckGUIDs(m, guids, sources) {
			ps.Warnf("", 0, "", "%s", c.String())
		}
		o.report(ps)
	}
}
