package media

import (
	"context"
	"errors"
	"path"

	"github.com/feedpub/feedpub/media/probe"
	"github.com/feedpub/feedpub/media/remote"
)

// readRemote reads what the feeds need of a file on another host: for
// media, the probes' facts over byte ranges (the file is never
// downloaded whole unless it is to be hashed); chapters and transcripts,
// which feedpub checks line by line, are small and read whole.
func readRemote(ctx context.Context, req Request, r *remote.Reader) (*Asset, error) {
	if r == nil {
		return nil, errors.New("files on other hosts are not read here")
	}
	a := &Asset{Key: req.Key, URL: req.Key, Kind: req.Kind}
	switch req.Kind {
	case KindChapters, KindTranscript:
		data, err := remote.Fetch(ctx, r.Client, req.Key, maxSize(req.Kind))
		if err != nil {
			return nil, err
		}
		if len(data) == 0 {
			return nil, errors.New(a.Name() + ": file is empty")
		}
		a.data, a.Size = data, int64(len(data))
		a.MIME = probe.MIMEForExtension(path.Ext(remote.Name(req.Key)))
		return a, nil
	}
	f, err := r.Probe(ctx, req.Key)
	if err != nil {
		return nil, err
	}
	a.Size, a.SHA256, a.Info, a.MIME = f.Size, f.SHA256, f.Info, f.Info.MIME
	return a, nil
}
