package site

import (
	"strings"

	"github.com/feedpub/feedpub/config/safehttp"
	"github.com/feedpub/feedpub/config/state"
	"github.com/feedpub/feedpub/media/remote"
)

// remoteReader reads the media files that live on other hosts, through a
// client that follows safehttp's rules; its cache is in the state store
// beside the probe cache (none without a store: NoCache).
func remoteReader(opt Options, st *state.Store) *remote.Reader {
	r := &remote.Reader{
		Client: safehttp.NewClient(safehttp.Options{UserAgent: strings.ReplaceAll(opt.Generator, " ", "/")}),
		Hash:   opt.HashRemote,
	}
	if st != nil {
		r.Cache = remote.OpenCache(st)
	}
	return r
}
