// Package media reads the files an entry references (audio, video, artwork,
// chapters, transcripts) and records what the feeds need to know about each:
// exact byte length, content type, duration, video size and codecs, and the
// SHA-256 used to plan uploads. The format parsers live in media/probe; this
// package runs them concurrently over a catalogue and caches the results.
package media

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/feedpub/feedpub/config/diag"
	"github.com/feedpub/feedpub/config/sitefs"
	"github.com/feedpub/feedpub/media/probe"
	"github.com/feedpub/feedpub/media/remote"
	"github.com/feedpub/feedpub/media/store"
)

// Kind is the role a file plays in the feeds; it decides which checks apply.
type Kind int

// Kinds of asset.
const (
	KindAudio Kind = iota
	KindVideo
	KindArtwork
	KindChapters
	KindTranscript
	// KindThumbnail is a video link's still: any JPEG or PNG, since
	// Apple's artwork rules do not apply to it.
	KindThumbnail
)

func (k Kind) String() string {
	switch k {
	case KindAudio:
		return "audio"
	case KindVideo:
		return "video"
	case KindArtwork:
		return "artwork"
	case KindChapters:
		return "chapters"
	case KindTranscript:
		return "transcript"
	case KindThumbnail:
		return "thumbnail"
	}
	return "file"
}

// Request asks for one file to be read.
type Request struct {
	Key  string // slash path relative to the site folder; also its object key
	Kind Kind
	// Ref locates the reference for messages: the file (and line) that names
	// this asset, e.g. "reviews/heroine.md:14 audio.file".
	Ref diag.Problem
	// Remote marks a file on another host: Key is its URL.
	Remote bool
	// Alternate marks a video that is only an alternate enclosure (there is
	// no video feed): a codec Apple devices cannot play is then a warning,
	// as apps fall back to the main enclosure.
	Alternate bool
}

// Asset is what feedpub knows about one file.
type Asset struct {
	Key     string
	Path    string // absolute path on disk
	Kind    Kind
	Size    int64
	ModTime time.Time
	SHA256  string // lower-case hex
	MIME    string // from the content, or by extension for text formats
	Info    probe.Info
	// Copy marks a file that is not here, described by the target's record
	// of the copy published earlier (Options.Copy); Path is then "".
	Copy bool
	// URL is set for a file on another host (Request.Remote): Key is then
	// the URL as written, Path is "" and SHA256 is "" unless it was hashed.
	URL string

	root string // the site folder, for reading the file again
	data []byte // a remote chapters or transcript file, read whole
}

// Name is the file as messages name it: its key, or for a remote file its
// URL without the query, which may hold a token.
func (a *Asset) Name() string {
	if a.URL != "" {
		return remote.Redact(a.URL)
	}
	return a.Key
}

// Options tune ProbeAll.
type Options struct {
	// Concurrency bounds the files read at once; 0 means the CPU count.
	Concurrency int
	// Cache, when not nil, skips files whose size and modification time are
	// unchanged since they were last read.
	Cache *Cache
	// Stats, when not nil, counts the files and bytes read.
	Stats *Stats
	// Copy, when not nil, is asked about a referenced file that does not
	// exist: an Asset with Copy set (the target's record of the file,
	// published earlier) is used in its place, an error is reported as the
	// missing file's, and (nil, nil) means there is no copy.
	Copy func(Request) (*Asset, error)
	// Remote reads the files on other hosts; nil refuses them.
	Remote *remote.Reader
}

// Stats counts the reading ProbeAll did; safe for concurrent use.
type Stats struct {
	FilesRead  atomic.Int64 // files opened and read (cache misses)
	CacheHits  atomic.Int64
	ProbeBytes atomic.Int64 // bytes the format parsers read
	HashBytes  atomic.Int64 // bytes read to compute SHA-256
}

// ProbeAll reads every requested file under root. Requests for the same key
// are read once. It returns the assets found and every problem: missing
// files, unreadable media, content that does not match its extension. Files
// are independent, so one bad file never hides another's problem.
func ProbeAll(ctx context.Context, root string, reqs []Request, opt Options) (map[string]*Asset, diag.Problems) {
	byKey := map[string][]Request{}
	var keys []string
	for _, r := range reqs {
		if _, ok := byKey[r.Key]; !ok {
			keys = append(keys, r.Key)
		}
		byKey[r.Key] = append(byKey[r.Key], r)
	}
	sort.Strings(keys)
	n := opt.Concurrency
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	type result struct {
		a   *Asset
		err error
	}
	results := make([]result, len(keys))
	// One root for every file: the site folder's real path, and each
	// folder's, resolved once.
	site, siteErr := sitefs.NewRoot(root)
	// Workers never fail the group: one bad file must not hide another's
	// problem. Only cancellation (Ctrl-C) stops the remaining work.
	var g errgroup.Group
	g.SetLimit(n)
	for i, key := range keys {
		g.Go(func() error {
			if err := ctx.Err(); err != nil {
				results[i].err = err
				return nil
			}
			var a *Asset
			var err error
			if req := byKey[key][0]; req.Remote {
				a, err = readRemote(ctx, req, opt.Remote)
			} else {
				a, err = readAsset(ctx, siteRoot{site, siteErr}, root, key, req.Kind, opt)
			}
			if errors.Is(err, ErrNotFound) && opt.Copy != nil {
				if c, cerr := opt.Copy(byKey[key][0]); cerr != nil || c != nil {
					a, err = c, cerr
				}
			}
			results[i] = result{a, err}
			return nil
		})
	}
	_ = g.Wait()

	assets := map[string]*Asset{}
	var ps diag.Problems
	for i, key := range keys {
		r := results[i]
		for _, req := range byKey[key] {
			ref := req.Ref
			if r.err != nil {
				ref.Severity, ref.Rule = diag.Error, "FP301"
				ref.Msg = fmt.Sprintf("%s %s: %v", req.Kind, key, r.err)
				if req.Remote { // the error names the URL, without its query
					ref.Msg = fmt.Sprintf("%s: %v", req.Kind, r.err)
				}
				ps.Add(ref)
				continue
			}
			ps.Add(check(r.a, req)...)
		}
		if r.err == nil && r.a.Copy {
			// Said once per file, however many entries name it.
			ref := byKey[key][0].Ref
			ref.Severity, ref.Rule, ref.Msg = diag.Notice, "FP320", key+": not here; using the published copy"
			ps.Add(ref)
		}
		if r.err == nil {
			assets[key] = r.a
		}
	}
	return assets, ps
}

// ErrNotFound is returned for a referenced file that does not exist.
var ErrNotFound = errors.New("file not found")

// maxSize is the size limit of a kind of file: the text files read whole
// into memory have one; media is streamed and has none.
func maxSize(k Kind) int64 {
	switch k {
	case KindChapters:
		return sitefs.MaxChapters
	case KindTranscript:
		return sitefs.MaxTranscript
	}
	return 0
}

// notFound is ErrNotFound with the closest name in the key's folder, for
// the typo that is the usual cause.
func notFound(root, key string) error {
	dir, base := path.Split(key)
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return ErrNotFound
	}
	real, err := filepath.EvalSymlinks(filepath.Join(root, filepath.FromSlash(dir)))
	if err != nil || !sitefs.Within(realRoot, real) {
		return ErrNotFound
	}
	entries, err := os.ReadDir(real)
	if err != nil {
		return ErrNotFound
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		if !e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			names = append(names, e.Name())
		}
	}
	if best := diag.Closest(base, names); best != "" {
		return fmt.Errorf("%w (did you mean %q?)", ErrNotFound, dir+best)
	}
	return ErrNotFound
}

func readAsset(ctx context.Context, site siteRoot, root, key string, kind Kind, opt Options) (*Asset, error) {
	cache, stats := opt.Cache, opt.Stats
	if stats == nil {
		stats = &Stats{}
	}
	if err := store.CheckFileKey(key); err != nil {
		return nil, err
	}
	// A file the cache knows by its size and time is not even opened: a
	// catalogue's build opens only the files that changed.
	if cache != nil {
		real, st, err := site.stat(key, maxSize(kind))
		if err == nil {
			if e, ok := cache.get(key, st.Size(), st.ModTime()); ok {
				stats.CacheHits.Add(1)
				return &Asset{Key: key, Path: real, Kind: kind, Size: st.Size(), ModTime: st.ModTime(), root: root,
					SHA256: e.SHA256, MIME: e.MIME, Info: e.Info}, nil
			}
		}
	}
	f, err := site.open(key, maxSize(kind))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, notFound(root, key)
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, diag.BareError(err)
	}
	// The path opened, with symlinks resolved, so publishing copies the
	// file that was checked.
	p := f.Name()
	a := &Asset{Key: key, Path: p, Kind: kind, Size: st.Size(), ModTime: st.ModTime(), root: root}
	if cache != nil {
		if e, ok := cache.get(key, a.Size, a.ModTime); ok {
			a.SHA256, a.MIME, a.Info = e.SHA256, e.MIME, e.Info
			stats.CacheHits.Add(1)
			return a, nil
		}
	}
	stats.FilesRead.Add(1)
	if a.Size == 0 {
		return nil, errors.New("file is empty")
	}
	switch kind {
	case KindChapters, KindTranscript:
		a.MIME = probe.MIMEForExtension(path.Ext(key))
	default:
		cr := probe.NewCountingReaderAt(f)
		info, err := probe.Probe(cr, a.Size, key)
		stats.ProbeBytes.Add(cr.BytesRead())
		if err != nil {
			return nil, err
		}
		a.Info = info
		a.MIME = info.MIME
	}
	// The probe read only headers; hashing must read everything, once,
	// sequentially, in a fixed-size buffer so memory stays flat.
	h := sha256.New()
	n, err := io.Copy(h, ctxReader{ctx, io.NewSectionReader(f, 0, a.Size)})
	stats.HashBytes.Add(n)
	if err != nil {
		return nil, diag.BareError(err)
	}
	a.SHA256 = hex.EncodeToString(h.Sum(nil))
	if cache != nil {
		cache.put(key, a)
	}
	return a, nil
}

// check applies the per-kind rules that need only the asset itself. Checks
// that need another file's facts (a transcript within its audio's duration)
// are done by the caller with CheckTimed.
func check(a *Asset, req Request) diag.Problems {
	var ps diag.Problems
	at := func(sev diag.Severity, rule, msg string) {
		p := req.Ref
		p.Severity, p.Rule, p.Msg = sev, rule, msg
		ps.Add(p)
	}
	name := a.Name()
	var extErr error
	if a.URL == "" || path.Ext(name) != "" {
		// A URL without an extension (a host's download link) says
		// nothing the content could contradict.
		extErr = probe.CheckExtension(name, a.Info)
	}
	for _, w := range a.Info.Warnings {
		if extErr != nil && w == extErr.Error() {
			continue // reported below as an error
		}
		if !strings.HasPrefix(w, name+": ") {
			w = name + ": " + w
		}
		at(diag.Warning, "FP306", w)
	}
	switch req.Kind {
	case KindAudio, KindVideo:
		if extErr != nil {
			at(diag.Error, "FP302", extErr.Error())
		}
		if a.Info.Format == "" {
			at(diag.Error, "FP303", fmt.Sprintf("%s: not a media file podcast apps can play (want MP3, M4A, MP4, M4V or MOV)", name))
			break
		}
		if req.Kind == KindVideo && !a.Info.HasVideo {
			at(diag.Warning, "FP304", fmt.Sprintf("%s: has no video track, but is the entry's video", name))
		}
		if a.Info.Duration <= 0 {
			at(diag.Warning, "FP305", fmt.Sprintf("%s: duration could not be read; set duration: in the front matter", name))
		}
		if req.Kind == KindVideo && a.Info.HasVideo {
			for _, msg := range probe.AppleVideoProblems(a.Info.Codecs) {
				if req.Alternate {
					at(diag.Warning, "FP311", name+": "+msg+" (only the alternate enclosure; apps fall back to the audio)")
				} else {
					at(diag.Error, "FP310", name+": "+msg)
				}
			}
		}
		if req.Kind == KindAudio {
			errs, warns := probe.AudioProblems(a.Info)
			for _, e := range errs {
				at(diag.Error, "FP315", name+": "+e)
			}
			for _, w := range warns {
				rule := "FP314"
				if strings.HasPrefix(w, "MP3") {
					rule = "FP313"
				}
				at(diag.Warning, rule, name+": "+w)
			}
		}
	case KindArtwork:
		if extErr != nil {
			at(diag.Error, "FP302", extErr.Error())
		}
		errs, warns := probe.CheckArtwork(name, a.Info, a.Size)
		for _, e := range errs {
			at(diag.Error, "FP307", e.Error())
		}
		for _, w := range warns {
			at(diag.Warning, "FP312", w)
		}
	case KindThumbnail:
		if extErr != nil {
			at(diag.Error, "FP302", extErr.Error())
		} else if f := a.Info.Format; f != "jpeg" && f != "png" {
			if f == "" {
				f = "not an image"
			}
			at(diag.Error, "FP330", fmt.Sprintf("%s: content is %s, want a JPEG or PNG image", a.Key, f))
		}
	}
	return ps
}

// CheckTimed validates a chapters or transcript file against the duration of
// the media it belongs to (0 when unknown).
func CheckTimed(a *Asset, ref diag.Problem, duration time.Duration) diag.Problems {
	root, name := a.root, a.Key
	if root == "" { // an Asset not made by ProbeAll
		root, name = filepath.Dir(a.Path), a.Path
	}
	data, err := a.data, error(nil)
	if data == nil {
		data, err = sitefs.ReadFile(root, name, maxSize(a.Kind))
	}
	var ps diag.Problems
	if err != nil {
		ref.Severity, ref.Rule, ref.Msg = diag.Error, "FP301", fmt.Sprintf("%s: %v", a.Name(), err)
		return append(ps, ref)
	}
	var errs []error
	rule := "FP309"
	if a.Kind == KindChapters {
		rule = "FP308"
		errs = probe.CheckChapters(a.Name(), data, duration)
	} else {
		errs = probe.CheckTranscript(a.Name(), data, duration)
	}
	for _, e := range errs {
		// The file's own location is more useful than the reference's, and
		// located in the fields (not the text) it sorts by line and is
		// reported once when two entries share the file.
		p := diag.Problem{Severity: diag.Error, Rule: rule, File: a.Name(), Msg: e.Error()}
		var fe *probe.FileError
		if errors.As(e, &fe) {
			p.File, p.Line, p.Msg = fe.File, fe.Line, fe.Err.Error()
		}
		ps = append(ps, p)
	}
	return ps
}

// ctxReader stops a long read (hashing a large video) when ctx is cancelled,
// so Ctrl-C is honoured within one buffer's read.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// siteRoot is the site folder's sitefs.Root, or the error making it gave,
// which every file then fails with as sitefs.Open would.
type siteRoot struct {
	r   *sitefs.Root
	err error
}

func (s siteRoot) stat(key string, limit int64) (string, fs.FileInfo, error) {
	if s.err != nil {
		return "", nil, s.err
	}
	return s.r.Stat(key, limit)
}

func (s siteRoot) open(key string, limit int64) (*os.File, error) {
	if s.err != nil {
		return nil, s.err
	}
	return s.r.Open(key, limit)
}
