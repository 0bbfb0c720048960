package site

import (
	"net/url"
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

// videoPlatform says whether a video url: is a page on a video platform
// rather than a media file: such a link is not an enclosure and is not
// read here.
func videoPlatform(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	switch strings.ToLower(u.Hostname()) {
	case "youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be", "vimeo.com", "www.vimeo.com", "player.vimeo.com":
		return true
	}
	return false
}
