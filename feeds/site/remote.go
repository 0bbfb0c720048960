package site

import (
	"path/filepath"
	"strings"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/config/safehttp"
	"github.com/feedpub/feedpub/media/remote"
)

// remoteCacheFile keeps the facts of media on other hosts, by URL.
const remoteCacheFile = "remote-cache.json"

// remoteReader reads the media files that live on other hosts, through a
// client that follows safehttp's rules; its cache is beside the probe
// cache (none with NoCache).
func remoteReader(cfg *config.Config, opt Options) *remote.Reader {
	r := &remote.Reader{
		Client: safehttp.NewClient(safehttp.Options{UserAgent: strings.ReplaceAll(opt.Generator, " ", "/")}),
		Hash:   opt.HashRemote,
	}
	if !opt.NoCache {
		r.Cache = remote.OpenCache(filepath.Join(cfg.Dir, StateDir, remoteCacheFile), stateMAC)
	}
	return r
}
