// Package site is feedpub's composition root, the one package that joins
// feeds and media. Build loads the entries, reads every file they
// reference, builds the feed model, renders each feed and lists the whole
// published tree; build, validate, publish and serve all start there, so
// they can never disagree about what the site is. Publish runs one publish
// around it, step by step: the unchanged-site check, the target's lock and
// manifest, the build, its checks, the apply, the site's state, the
// notifications and the live check.
package site

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/config/diag"
	"github.com/feedpub/feedpub/config/mediatype"
	"github.com/feedpub/feedpub/config/safehttp"
	"github.com/feedpub/feedpub/config/sitefs"
	"github.com/feedpub/feedpub/config/state"
	"github.com/feedpub/feedpub/feeds"
	"github.com/feedpub/feedpub/feeds/content"
	"github.com/feedpub/feedpub/feeds/identity"
	"github.com/feedpub/feedpub/feeds/podcast"
	"github.com/feedpub/feedpub/feeds/preview"
	"github.com/feedpub/feedpub/feeds/syndication"
	"github.com/feedpub/feedpub/media"
	"github.com/feedpub/feedpub/media/probe"
	"github.com/feedpub/feedpub/media/publish"
	"github.com/feedpub/feedpub/media/remote"
	"github.com/feedpub/feedpub/media/store"
	"golang.org/x/sync/errgroup"
)

// StateDir is the folder, inside the site folder, where feedpub keeps its
// own state (the probe cache, the entry cache): the store's, which no key
// of the published tree may enter, so it is never published.
const StateDir = store.StateDir

// Options tune Build.
type Options struct {
	// Now decides which entries are due, and dates an edit of a published
	// entry the first time a build sees it.
	Now       time.Time
	Generator string // e.g. "feedpub 0.1.0"
	// NoCache reads every media file, parses every entry and checks every
	// feed item again: the probe, entry and checked-item caches are
	// neither read nor written.
	NoCache bool
	// ReadOnly leaves the caches unwritten (validate writes nothing).
	ReadOnly bool
	// Published is what the target holds (nil when there is no target, as
	// for validate): a file whose content changed gets a new key.
	Published *publish.Published
	// Identity is what the target's manifest records of the published
	// entries (nil when nothing is published): they keep their GUIDs and
	// Atom ids.
	Identity *identity.Kept
	// PublishedCopies lets a referenced file that is not here be taken
	// from Published, when its record says what was read from it (a
	// publish from a checkout without the media; not build, which has no
	// target, nor publish --require-media).
	PublishedCopies bool
	// HashRemote reads every media file on another host whole, once, for
	// the SHA-256 podcast:integrity states (--hash-remote).
	HashRemote bool
	// AcceptNewGUIDs lets a front matter guid: replace a published GUID.
	AcceptNewGUIDs bool
	// Drafts and Future put drafts and scheduled entries in the feeds (the
	// preview's --drafts and --future); build and publish never set them.
	Drafts, Future bool
	// Strict makes every warning an error (--strict), so a warning stops
	// a publish as an error does.
	Strict bool
	// Rehearsal (build, serve) reports init's placeholders as warnings,
	// which publish and validate refuse (diag.PublishOnly).
	Rehearsal bool
	// BuildID, when set, stands for the running feedpub's build ID in the
	// state store (config/state), so a test can play a changed feedpub
	// (another sanitiser, other rules) without building one.
	BuildID string
}

// stateStore is the site's state store for this build, or nil with
// NoCache (it then reads and writes nothing).
func stateStore(cfg *config.Config, opt Options) *state.Store {
	if opt.NoCache {
		return nil
	}
	return state.Open(cfg.Dir, state.Options{BuildID: opt.BuildID})
}

// Result is a built site.
type Result struct {
	Catalog *feeds.Catalog
	Entries []*content.Entry
	Skipped []feeds.Skipped
	Assets  map[string]*media.Asset
	// Files is the published tree: media first, then feeds, each group
	// sorted by key. It is exactly what build writes and publish uploads.
	Files []publish.File
	// Identity is what a publish records for the next build.
	Identity *identity.Kept
	// EntryCache says which entries were parsed and which came from the
	// entry cache.
	EntryCache EntryCacheStats
	// Refs says where each referenced file (by its site key) is first
	// named, for a problem found with it later, such as a published copy
	// the target no longer holds.
	Refs map[string]diag.Problem
	// Forms are the sanitised forms of the reviews the feeds were rendered
	// with (the build's entry cache), for a page that shows them as the
	// feeds carry them (preview.Page.Forms).
	Forms feeds.Forms

	spool string // the rendered feeds' folder, removed by Close
}

// Open opens the built file of the given key: a feed is read from its
// spooled file, as publish would upload it.
func (r *Result) Open(key string) (io.ReadCloser, error) {
	for _, f := range r.Files {
		if f.Key == key {
			return f.Open()
		}
	}
	return nil, fmt.Errorf("the build made no %s", key)
}

// Close removes the rendered feeds (the Path of each feed in Files): call
// it once the files are published or no longer needed. A nil Result, or
// one closed already, is fine.
func (r *Result) Close() error {
	if r == nil || r.spool == "" {
		return nil
	}
	err := os.RemoveAll(r.spool)
	r.spool = ""
	return err
}

func build(ctx context.Context, cfg *config.Config, opt Options) (*Result, diag.Problems) {
	var ps diag.Problems
	for _, o := range cfg.Outputs() {
		if err := store.CheckFileKey(o.Key); err != nil {
			cfg.Errorf(&ps, "FP116", o.Field, "%v", err)
		}
	}
	st := stateStore(cfg, opt)
	ec := openEntryCache(cfg, opt, st)
	defer ec.close() // on every path: save closes it too
	entries, eps := content.Load(cfg.Dir, cfg.Content, ec)
	ps.Add(eps...)

	reqs, timed := requests(cfg, entries, opt.Drafts)
	assets, cache, mps := probeMedia(ctx, cfg, opt, st, reqs)
	ps.Add(mps...)
	ps.Add(checkTimed(timed, assets, cache)...)
	ps.Add(saveMediaCaches(opt, cache, assets)...)

	fm := feedMedia(assets, opt.Published)
	in := feeds.Input{
		Config: cfg, Entries: entries, Media: fm, Now: opt.Now, Generator: opt.Generator,
		AcceptNewGUIDs: opt.AcceptNewGUIDs, Drafts: opt.Drafts, Future: opt.Future,
		EntryHTML: ec.entryHTML(),
	}
	if opt.Identity != nil {
		in.Published, in.FeedIDs = opt.Identity.Entries, opt.Identity.FeedIDs
	}
	cat, skipped, bps := feeds.Build(in)
	ps.Add(bps...)
	ps.Add(feeds.Lint(cfg, cat, entries, opt.Now, liveFeeds(opt.Identity))...)
	res := &Result{Catalog: cat, Entries: entries, Skipped: skipped, Assets: assets,
		Identity: &identity.Kept{Entries: cat.Records, FeedIDs: cat.FeedIDs}, Refs: refsOf(reqs), Forms: ec}
	// The feeds are rendered and checked even after errors, so one run
	// reports everything; they are published only without any.
	spool, err := os.MkdirTemp("", "feedpub-feeds-")
	if err != nil {
		ps.Errorf("FP406", cfg.File, 0, "", "cannot render the feeds: %v", err)
		return res, ps
	}
	res.spool = spool
	files, layouts, rps := render(cfg, cat, ec, spool)
	// Once render has made every form of the entries' HTML the feeds need:
	// what could not be written as the entries loaded is written now, and
	// the files of entries no longer there are removed.
	stats, cps := ec.save()
	res.EntryCache = stats
	ps.Add(cps...)
	var checked *itemCache
	if st != nil {
		checked = openItemCache(st, opt.Generator)
	}
	ps.Add(CheckFeeds(cfg, cat, files, layouts, checked, ps)...)
	if checked != nil && !opt.ReadOnly {
		if err := checked.save(); err != nil {
			ps.Warnf("FP131", filepath.Join(StateDir, state.CheckedFile), 0, "", "cannot save the cache of checked items: %v", err)
		}
	}
	// A rehearsal goes on past what only publish refuses.
	if (diag.Policy{Rehearsal: opt.Rehearsal}).Apply(ps).HasErrors() {
		// Render errors, and warnings about the channel, follow from those
		// reported; the items' warnings are the entries' own.
		for _, w := range rps.Warnings() {
			if w.File != "" {
				ps.Add(w)
			}
		}
		return res, ps
	}
	ps.Add(rps...)
	ps.Add(overBudget(cfg, cat, files)...)
	res.Files = append(mediaFiles(cfg, cat, assets, fm), files...)
	if cfg.Publish.Preview {
		f, err := landingPage(cfg, res, opt.Now)
		if err != nil {
			cfg.Errorf(&ps, "FP134", "publish.preview", "%v", err)
		} else {
			res.Files = append(res.Files, f)
			// Media first, then the feeds and the page, each sorted by key.
			sort.SliceStable(res.Files, func(i, j int) bool {
				a, b := res.Files[i], res.Files[j]
				return a.Kind < b.Kind || a.Kind == b.Kind && a.Key < b.Key
			})
		}
	}
	ps.Add(collisions(cfg, res.Files, reqs, fm)...)
	return res, ps
}

// refsOf maps each requested file to where it is first named.
func refsOf(reqs []media.Request) map[string]diag.Problem {
	refs := make(map[string]diag.Problem, len(reqs))
	for _, r := range reqs {
		if _, ok := refs[r.Key]; !ok {
			refs[r.Key] = r.Ref
		}
	}
	return refs
}

// checkTimed checks each chapters and transcript file against the
// duration of its media (or the one its entry states), through the probe
// cache, which remembers the files found right.
func checkTimed(timed []timedReq, assets map[string]*media.Asset, cache *media.Cache) diag.Problems {
	var ps diag.Problems
	for _, t := range timed {
		a := assets[t.key]
		if a == nil || a.Copy {
			continue // a published copy was checked when it was published
		}
		var d time.Duration
		if m := assets[t.media]; m != nil {
			d = m.Info.Duration
		}
		if t.duration > 0 {
			d = t.duration
		}
		ps.Add(cache.CheckTimed(a, t.ref, d)...)
	}
	return ps
}

// probeMedia reads every referenced file, local or on another host (a
// missing one from the target's record, when allowed), through the caches;
// the remote media's is saved here unless the build is read-only, the probe
// cache (nil with --no-cache) by saveMediaCaches once the timed files are
// checked.
func probeMedia(ctx context.Context, cfg *config.Config, opt Options, st *state.Store, reqs []media.Request) (map[string]*media.Asset, *media.Cache, diag.Problems) {
	var cache *media.Cache
	if st != nil {
		cache = media.OpenCache(st)
	}
	rc := remoteReader(opt, st)
	mo := media.Options{Cache: cache, Remote: rc}
	if opt.PublishedCopies {
		mo.Copy = publishedCopy(opt.Published, opt.Identity)
	}
	assets, ps := media.ProbeAll(ctx, cfg.Dir, reqs, mo)
	if cache != nil && !opt.ReadOnly {
		if err := rc.Cache.Save(); err != nil {
			ps.Warnf("FP131", filepath.Join(StateDir, state.RemoteFile), 0, "", "cannot save the cache of remote media: %v", err)
		}
	}
	return assets, cache, ps
}

// saveMediaCaches saves the probe cache, with the timed files found right,
// and without the files no longer referenced, unless the build is
// read-only.
func saveMediaCaches(opt Options, cache *media.Cache, assets map[string]*media.Asset) diag.Problems {
	var ps diag.Problems
	if cache == nil || opt.ReadOnly {
		return ps
	}
	cache.Prune(assets)
	if err := cache.Save(); err != nil {
		ps.Warnf("FP131", filepath.Join(StateDir, state.ProbeFile), 0, "", "cannot save the probe cache: %v", err)
	}
	return ps
}

// landingKey is the key of the page publish.preview adds to the tree.
const landingKey = "index.html"

// landingPage renders the preview page of the built site as the published
// tree's index.html. It is published with the feeds (after the media it
// shows) and, like them, gives the same bytes for the same site.
func landingPage(cfg *config.Config, res *Result, now time.Time) (publish.File, error) {
	byKey := make(map[string]publish.File, len(res.Files))
	for _, f := range res.Files {
		byKey[f.Key] = f
	}
	var buf bytes.Buffer
	err := preview.Render(&buf, preview.Page{Catalog: res.Catalog, Entries: res.Entries, Now: now, Forms: res.Forms,
		ReadFile: func(key string) ([]byte, error) {
			f, ok := byKey[key]
			if !ok || f.Path == "" {
				return nil, fmt.Errorf("%s is not a file of the site", key)
			}
			return os.ReadFile(f.Path)
		}})
	if err != nil {
		return publish.File{}, err
	}
	sum := sha256.Sum256(buf.Bytes())
	return publish.File{
		Key: landingKey, Kind: publish.KindFeed, Body: buf.Bytes(), Size: int64(buf.Len()),
		SHA256: hex.EncodeToString(sum[:]), ContentType: "text/html; charset=utf-8", CacheControl: cfg.Publish.CacheControl.Feeds,
	}, nil
}

// feedMedia maps each probed file to what the feeds state about it, under
// the key it is published at.
func feedMedia(assets map[string]*media.Asset, pub *publish.Published) map[string]feeds.Media {
	out := make(map[string]feeds.Media, len(assets))
	for k, a := range assets {
		m := feeds.Media{
			Type: feedType(a), Size: a.Size, SHA256: a.SHA256,
			Duration: a.Info.Duration, Bitrate: a.Info.Bitrate, Codecs: a.Info.Codecs,
		}
		if a.URL != "" {
			m.URL = a.URL // never published: the feeds name it where it is
		} else {
			m.Key = pub.Key(k, a.Size, a.SHA256)
		}
		if a.Info.HasVideo {
			m.Width, m.Height = a.Info.Width, a.Info.Height
		}
		out[k] = m
	}
	return out
}

// feedType is the MIME type a feed states: for enclosures the type Apple
// expects for the extension (so a .m4v is video/x-m4v), which the media
// checks already matched to the content.
func feedType(a *media.Asset) string {
	name := a.Key
	if a.URL != "" {
		name = remote.Name(a.URL)
	}
	if t := probe.MIMEForExtension(path.Ext(name)); t != "" && t != "application/octet-stream" {
		return t
	}
	return a.MIME
}

// collisions reports two files of the published tree on one key, also
// when the keys differ only in letter case (S3 keeps both; a folder on
// macOS or Windows keeps one), naming where each comes from.
func collisions(cfg *config.Config, files []publish.File, reqs []media.Request, fm map[string]feeds.Media) diag.Problems {
	var ps diag.Problems
	origin := map[string]string{} // published key → where it comes from
	for _, r := range reqs {
		pk := fm[r.Key].Key
		if _, ok := origin[pk]; !ok && pk != "" {
			origin[pk] = fmt.Sprintf("the file %s (%s)", r.Key, r.Ref.Error())
		}
	}
	describe := func(f publish.File) string {
		if f.Kind == publish.KindFeed {
			return "the feed " + f.Key
		}
		if o, ok := origin[f.Key]; ok {
			return o
		}
		return "the file " + f.Key
	}
	seen := map[string]publish.File{}
	for _, f := range files {
		k := strings.ToLower(f.Key)
		if prev, ok := seen[k]; ok {
			ps.Errorf("FP316", cfg.File, 0, "", "%s and %s would both be published at %s: give each its own path", describe(prev), describe(f), f.Key)
			continue
		}
		seen[k] = f
	}
	return ps
}

type timedReq struct {
	key, media string
	duration   time.Duration
	ref        diag.Problem
}

// requests lists every file the entries and the config reference, with
// where each reference is written, for messages; drafts' files only when
// drafts are built.
func requests(cfg *config.Config, entries []*content.Entry, drafts bool) ([]media.Request, []timedReq) {
	var reqs []media.Request
	var timed []timedReq
	ref := func(file string, line int, field string) diag.Problem {
		return diag.Problem{File: file, Line: line, Field: field}
	}
	if cfg.Site.Image != "" {
		reqs = append(reqs, media.Request{Key: cfg.Site.Image, Kind: media.KindArtwork, Ref: cfg.Ref("site.image")})
	}
	for _, s := range []struct {
		name string
		sc   *config.Show
	}{{"podcast", &cfg.Podcast}, {"video", &cfg.Video}} {
		if s.sc.Enabled && s.sc.Image != "" {
			reqs = append(reqs, media.Request{Key: s.sc.Image, Kind: media.KindArtwork, Ref: cfg.Ref(s.name + ".image")})
		}
	}
	for _, e := range entries {
		if e.Draft && !drafts {
			continue
		}
		if e.Image != "" {
			reqs = append(reqs, media.Request{Key: e.Image, Kind: media.KindArtwork, Ref: ref(e.File, e.Line("image"), "image")})
		}
		if f := e.VideoLink.ThumbnailFile(); f != "" {
			reqs = append(reqs, media.Request{Key: f, Kind: media.KindThumbnail, Ref: ref(e.File, e.Line("video.thumbnail"), "video.thumbnail")})
		}
		for _, m := range []struct {
			name string
			kind media.Kind
			m    *content.Media
		}{{"audio", media.KindAudio, e.Audio}, {"video", media.KindVideo, e.Video}} {
			if m.m == nil || m.m.Source() == "" { // a video link is not here (content.VideoLink)
				continue
			}
			src, f := m.m.Source(), m.name+".file"
			if m.m.File == "" {
				f = m.name + ".url"
			}
			reqs = append(reqs, media.Request{Key: src, Remote: m.m.File == "", Kind: m.kind, Ref: ref(e.File, e.Line(f), f), Alternate: m.kind == media.KindVideo && !cfg.Video.Enabled})
			dur := time.Duration(m.m.Duration * float64(time.Second))
			if c := m.m.Chapters; c != "" {
				f := m.name + ".chapters"
				r := ref(e.File, e.Line(f), f)
				reqs = append(reqs, media.Request{Key: c, Remote: safehttp.LooksLikeURL(c), Kind: media.KindChapters, Ref: r})
				timed = append(timed, timedReq{key: c, media: src, duration: dur, ref: r})
			}
			for i, t := range m.m.Transcripts {
				if t.File == "" {
					continue
				}
				f := fmt.Sprintf("%s.transcripts[%d].file", m.name, i)
				r := ref(e.File, e.Line(fmt.Sprintf("%s.transcripts[%d]", m.name, i)), f)
				reqs = append(reqs, media.Request{Key: t.File, Remote: safehttp.LooksLikeURL(t.File), Kind: media.KindTranscript, Ref: r})
				timed = append(timed, timedReq{key: t.File, media: src, duration: dur, ref: r})
			}
		}
	}
	return reqs, timed
}

// mediaFiles lists the probed files the feeds reference, each at the key
// the model gives it: only those, so a draft's media is never published
// early.
func mediaFiles(cfg *config.Config, cat *feeds.Catalog, assets map[string]*media.Asset, fm map[string]feeds.Media) []publish.File {
	bySite := map[string]*media.Asset{} // published key → its file
	for k, m := range fm {
		bySite[m.Key] = assets[k]
	}
	used := map[string]*media.Asset{}
	for _, k := range cat.Keys() {
		if a := bySite[k]; a != nil {
			used[k] = a
		}
	}
	keys := make([]string, 0, len(used))
	for k := range used {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]publish.File, 0, len(keys))
	for _, k := range keys {
		a := used[k]
		info := a.Info
		info.MIME = a.MIME
		f := publish.File{
			Key: k, Kind: publish.KindMedia, Path: a.Path, Size: a.Size, SHA256: a.SHA256,
			ContentType: contentType(a), CacheControl: cfg.Publish.CacheControl.Media,
			Source: a.Key, Info: &info,
		}
		// A copy is never uploaded; a change of its settings (a new
		// cache_control) is applied in place, which needs no bytes.
		f.Copy = a.Copy
		out = append(out, f)
	}
	return out
}

func contentType(a *media.Asset) string {
	switch a.Kind {
	case media.KindChapters:
		return mediatype.Chapters
	case media.KindTranscript:
		if a.MIME != "" {
			return a.MIME + "; charset=utf-8"
		}
	}
	if a.MIME == "" {
		return "application/octet-stream"
	}
	return a.MIME
}

// render encodes every configured feed into a file of its own in spool:
// the podcast feeds of a large catalogue are hundreds of megabytes, which
// a build should not hold in memory, and a publish uploads them from there.
//
// Every encoder takes the reviews' sanitised forms from forms (the entry
// cache), so a form is made once a build at most, and the Apple form is
// read back per item rather than held.
//
// It also returns where each item lies in each podcast feed, by key.
func render(cfg *config.Config, cat *feeds.Catalog, forms feeds.Forms, spool string) ([]publish.File, map[string][]podcast.Span, diag.Problems) {
	type job struct {
		key, ctype string
		fn         func(io.Writer) ([]podcast.Warning, []podcast.Span, error)
	}
	var jobs []job
	for _, s := range []*feeds.Show{cat.Podcast, cat.Video} {
		if s == nil {
			continue
		}
		jobs = append(jobs, job{s.Key, "application/rss+xml; charset=utf-8", func(w io.Writer) ([]podcast.Warning, []podcast.Span, error) {
			return podcast.RenderLayout(w, s, podcast.WithForms(forms))
		}})
	}
	if r := cat.Reviews; r != nil {
		// The review feeds have no item layout: their rules read them whole.
		review := func(fn func(io.Writer, *feeds.ReviewFeed, ...syndication.Option) ([]syndication.Warning, error)) func(io.Writer) ([]podcast.Warning, []podcast.Span, error) {
			return func(w io.Writer) ([]podcast.Warning, []podcast.Span, error) {
				warns, err := fn(w, r, syndication.WithForms(forms))
				return warns, nil, err
			}
		}
		for _, f := range []struct {
			key, ctype string
			fn         func(io.Writer, *feeds.ReviewFeed, ...syndication.Option) ([]syndication.Warning, error)
		}{
			{r.RSSKey, "application/rss+xml; charset=utf-8", syndication.RenderRSS},
			{r.AtomKey, "application/atom+xml; charset=utf-8", syndication.RenderAtom},
			{r.JSONKey, "application/feed+json; charset=utf-8", syndication.RenderJSON},
		} {
			if f.key != "" {
				jobs = append(jobs, job{f.key, f.ctype, review(f.fn)})
			}
		}
	}
	// Two feeds on one key are the config's error (FP115, reported there):
	// only the first is rendered, so nothing else reports it again.
	taken := map[string]bool{}
	jobs = slices.DeleteFunc(jobs, func(j job) bool {
		k := strings.ToLower(j.key)
		dup := taken[k]
		taken[k] = true
		return dup
	})
	// The feeds are independent (forms makes each review's forms once, safely
	// for concurrent use), so they render on every core.
	type result struct {
		file  publish.File
		spans []podcast.Span
		ps    diag.Problems
		ok    bool
	}
	results := make([]result, len(jobs))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, j := range jobs {
		g.Go(func() error {
			r := &results[i]
			name := filepath.Join(spool, fmt.Sprintf("feed-%d", i))
			size, sum, spans, warns, err := renderFile(name, j.fn)
			r.spans = spans
			for _, w := range warns {
				r.ps.Warnf("FP407", w.Source, 0, w.Field, "%s", w.Msg)
			}
			if err != nil {
				r.ps.Errorf("FP406", j.key, 0, "", "cannot render: %v", err)
				return nil
			}
			r.file, r.ok = publish.File{
				Key: j.key, Kind: publish.KindFeed, Path: name, Size: size,
				SHA256: sum, ContentType: j.ctype, CacheControl: cfg.Publish.CacheControl.Feeds,
			}, true
			return nil
		})
	}
	_ = g.Wait()
	var ps diag.Problems
	var files []publish.File
	layouts := map[string][]podcast.Span{}
	for _, r := range results {
		ps.Add(r.ps...)
		if r.ok {
			files = append(files, r.file)
			if r.spans != nil {
				layouts[r.file.Key] = r.spans
			}
		}
	}
	sort.SliceStable(files, func(i, j int) bool { return files[i].Key < files[j].Key })
	return files, layouts, ps
}

// renderFile writes one feed to the file name through a buffer, hashing
// and counting the bytes on the way, so the feed is never held whole.
func renderFile(name string, fn func(io.Writer) ([]podcast.Warning, []podcast.Span, error)) (size int64, sum string, spans []podcast.Span, warns []podcast.Warning, err error) {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return 0, "", nil, nil, err
	}
	h := sha256.New()
	bw := bufio.NewWriterSize(io.MultiWriter(f, h), 256<<10)
	warns, spans, err = fn(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		size, err = f.Seek(0, io.SeekCurrent)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, "", nil, warns, err
	}
	return size, hex.EncodeToString(h.Sum(nil)), spans, warns, nil
}

// overBudget warns about a podcast feed larger than its size_budget, with
// the two ways to shrink it.
func overBudget(cfg *config.Config, cat *feeds.Catalog, files []publish.File) diag.Problems {
	var ps diag.Problems
	for _, sh := range []struct {
		name string
		show *feeds.Show
		sc   *config.Show
	}{{"podcast", cat.Podcast, &cfg.Podcast}, {"video", cat.Video, &cfg.Video}} {
		if sh.show == nil || sh.sc.SizeBudget <= 0 {
			continue
		}
		for _, f := range files {
			if f.Key != sh.show.Key || f.Size <= sh.sc.SizeBudget {
				continue
			}
			hint := sh.name + ".limit to publish only the newest episodes"
			if !sh.show.SummaryDescriptions {
				hint += ", or " + sh.name + ".item_description: summary to keep each full review only in content:encoded"
			}
			ps.Warnf("FP451", cfg.File, cfg.Line(sh.name), sh.name+".size_budget", "%s is %s, over the budget of %s: podcast apps download the whole feed on every refresh; set %s",
				f.Key, sitefs.Human(f.Size), sitefs.Human(sh.sc.SizeBudget), hint)
		}
	}
	return ps
}
