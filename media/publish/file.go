package publish

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/feedpub/feedpub/media/probe"
)

// File is one object of the published tree as built locally: a file on
// disk (media, artwork, chapters, transcripts, and the feeds, which the
// build renders to temporary files of its own), or bytes in memory for a
// small generated file (the preview page published as index.html).
type File struct {
	Key          string
	Kind         FileKind
	Path         string // source file on disk; "" when Body is set
	Body         []byte // rendered content; nil when Path is set
	Size         int64
	SHA256       string // lower-case hex
	ContentType  string
	CacheControl string
	// Source is the site file a media object comes from, and Info what was
	// read from it: the manifest keeps both, so a later publish without
	// the file can use the published copy.
	Source string
	Info   *probe.Info
	// Copy marks a file that is not here: only the target's copy exists,
	// described by its manifest record. It is never uploaded.
	Copy bool
}

// FileKind orders publishing: every media file is in place before any feed
// that references it is replaced.
type FileKind int

// Kinds of published file, in upload order.
const (
	KindMedia FileKind = iota // audio, video, artwork, chapters, transcripts
	KindFeed                  // the feed files, uploaded last
)

// Open returns the file's content.
func (f File) Open() (io.ReadSeekCloser, error) {
	if f.Copy {
		return nil, fmt.Errorf("%s is only the published copy of %s, which is not here: add the file to publish it again", f.Key, f.Source)
	}
	if f.Path == "" {
		return nopCloser{bytes.NewReader(f.Body)}, nil
	}
	return os.Open(f.Path)
}

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }
