package importer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path"
	"sort"
	"strings"
	"sync"
	"time"

	"go.yaml.in/yaml/v3"
	"golang.org/x/sync/errgroup"

	"github.com/feedpub/feedpub/config/diag"
	"github.com/feedpub/feedpub/config/safehttp"
	"github.com/feedpub/feedpub/config/sitefs"
	"github.com/feedpub/feedpub/config/state"
	"github.com/feedpub/feedpub/feeds/newentry"
)

// Media modes: where an imported episode's media lives.
const (
	MediaDownload = "download" // fetched into media/
	MediaRemote   = "remote"   // left where it is, named by URL
)

// Options say what to import and where.
type Options struct {
	Feed    string // the podcast feed: a URL or a file
	Video   string // a video feed, or ""
	Reviews string // a review feed (RSS or Atom), or ""
	Into    string // the site folder; created when missing
	Media   string // MediaDownload (default) or MediaRemote
	// BaseURL is site.base_url of a new feedpub.yaml; "" writes the old
	// feed's site link, to be set before the first publish.
	BaseURL string
	// Client sends every request; nil means safehttp's default client.
	Client *http.Client
	// MaxFeed caps a feed (default 50 MB), MaxFile one download (default
	// 4 GB) and MaxTotal all downloads of the run (default 200 GB).
	MaxFeed, MaxFile, MaxTotal int64
	// IdleTimeout fails a download on which no byte came for that long
	// (default 60 s).
	IdleTimeout time.Duration
	// Concurrency bounds the downloads in flight (default 4).
	Concurrency int
	// Log receives one line per step and per finished download; nil drops
	// them.
	Log func(format string, args ...any)
}

func (o *Options) defaults() {
	if o.Media == "" {
		o.Media = MediaDownload
	}
	if o.Client == nil {
		o.Client = safehttp.NewClient(safehttp.Options{UserAgent: "feedpub import"})
	}
	if o.MaxFeed <= 0 {
		o.MaxFeed = 50 << 20
	}
	if o.MaxFile <= 0 {
		o.MaxFile = 4 << 30
	}
	if o.MaxTotal <= 0 {
		o.MaxTotal = 200 << 30
	}
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = 60 * time.Second
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 4
	}
	if o.Log == nil {
		o.Log = func(string, ...any) {}
	}
}

// Result says what an import did.
type Result struct {
	Written    []string // entry files written, slash paths in the site
	Kept       int      // items already imported (an entry has their GUID)
	Downloaded int      // files fetched (in full or resumed)
	Reused     int      // files already complete from an earlier run
	Config     string   // "feedpub.yaml" when written, "" when one was there
	// Podcast, VideoFeed and ReviewFeed are the old feeds as read, for
	// Verify; VideoFeed and ReviewFeed are nil when not given.
	Podcast, VideoFeed, ReviewFeed *Feed
}

// Run imports the feeds of o into o.Into. Problems of the old feeds and
// items that could not be imported are returned, not fatal; err is set
// only when nothing could be imported (the feed unreadable, the folder
// unwritable).
func Run(ctx context.Context, o Options) (*Result, diag.Problems, error) {
	o.defaults()
	var ps diag.Problems
	if o.Media != MediaDownload && o.Media != MediaRemote {
		return nil, nil, fmt.Errorf("--media %q: want download or remote", o.Media)
	}
	ft := &fetcher{client: o.Client, maxFile: o.MaxFile, maxTotal: o.MaxTotal, idle: o.IdleTimeout}
	res := &Result{}
	var err error
	if res.Podcast, err = ft.feed(ctx, o.Feed, o.MaxFeed, &ps); err != nil {
		return nil, ps, err
	}
	if o.Video != "" {
		if res.VideoFeed, err = ft.feed(ctx, o.Video, o.MaxFeed, &ps); err != nil {
			return nil, ps, err
		}
	}
	if o.Reviews != "" {
		if res.ReviewFeed, err = ft.feed(ctx, o.Reviews, o.MaxFeed, &ps); err != nil {
			return nil, ps, err
		}
	}
	// The folder is made only once the feeds are read, so a feed that
	// cannot be read leaves nothing behind.
	if err := os.MkdirAll(o.Into, 0o755); err != nil {
		return nil, ps, err
	}
	root, err := os.OpenRoot(o.Into)
	if err != nil {
		return nil, ps, err
	}
	defer root.Close()
	im := &run{o: o, root: root, state: state.Open(o.Into, state.Options{}), ft: ft, res: res, ps: &ps}
	if err := im.existing(); err != nil {
		return nil, ps, err
	}
	plans := im.plan()
	if err := im.saveState(plans); err != nil {
		return nil, ps, err
	}
	im.fetchAll(ctx, plans)
	if err := im.writeAll(plans); err != nil {
		return res, ps, err
	}
	return res, ps, nil
}

// feed reads and parses one old feed; a feed that cannot be read is FP450.
func (f *fetcher) feed(ctx context.Context, name string, max int64, ps *diag.Problems) (*Feed, error) {
	data, hops, err := f.readFeed(ctx, name, max)
	if len(hops) > 0 {
		ps.Notef("FP449", shown(name), 0, "", "redirects: %s → %s (subscribers keep the first URL)", shown(name), strings.Join(hops, " → "))
	}
	if err != nil {
		ps.Errorf("FP450", shown(name), 0, "", "%v", err)
		return nil, fmt.Errorf("%s: %w", shown(name), diag.BareError(err))
	}
	feed, err := ParseFeed(name, data)
	if err != nil {
		ps.Errorf("FP408", shown(name), 0, "", "%v", err)
		return nil, fmt.Errorf("%s: %v", shown(name), err)
	}
	if feed.NewFeedURL != "" && feed.NewFeedURL != name {
		ps.Notef("FP449", feed.Source, 0, "channel itunes:new-feed-url", "the feed says the show moved to %s: apps follow it there, so import that feed if it is the one in use", shown(feed.NewFeedURL))
	}
	return feed, nil
}

// run is one import in progress.
type run struct {
	o    Options
	root *os.Root
	// state keeps, in the site's state folder, the slug each item was
	// given (state.ImportFile), so a second import writes the same files.
	state *state.Store
	ft    *fetcher
	res   *Result
	ps    *diag.Problems
	mu    sync.Mutex // guards ps and res during downloads

	contentDir string
	haveGUID   map[string]string // guid → entry file already in the site
	haveVideo  map[string]bool   // entry files that have a video: block
	taken      map[string]bool   // slugs (file names) in use
	stems      map[string]bool   // names of finished files in media/, without extension
	// started maps the GUID of each item an earlier import began to its
	// slug (importState), so an interrupted import resumes into the same
	// files rather than beside its own downloads.
	started    map[string]string
	haveConfig bool
}

// existing reads what the site already holds: its content folder, and
// the GUID of every entry there, so an item imported before is not
// imported twice and no file name is reused.
func (im *run) existing() error {
	im.contentDir = "reviews"
	im.haveGUID, im.taken, im.haveVideo = map[string]string{}, map[string]bool{}, map[string]bool{}
	im.started = map[string]string{}
	if data, err := im.state.ReadRecord(state.ImportFile, maxImportState); err == nil {
		var st importState
		if json.Unmarshal(data, &st) == nil && st.Slugs != nil {
			im.started = st.Slugs
		}
	}
	if data, err := im.root.ReadFile("feedpub.yaml"); err == nil {
		im.haveConfig = true
		var c struct {
			Content struct {
				Dir string `yaml:"dir"`
			} `yaml:"content"`
		}
		if yaml.Unmarshal(data, &c) == nil && c.Content.Dir != "" {
			im.contentDir = path.Clean(strings.TrimPrefix(c.Content.Dir, "./"))
		}
	}
	if !fs.ValidPath(im.contentDir) {
		return fmt.Errorf("content.dir %q of the existing feedpub.yaml is not a folder inside the site", im.contentDir)
	}
	err := fs.WalkDir(im.root.FS(), im.contentDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return fs.SkipAll
			}
			return err
		}
		if d.IsDir() || !strings.HasSuffix(p, ".md") {
			return nil
		}
		im.taken[strings.TrimSuffix(path.Base(p), ".md")] = true
		if g, video := frontMatterGUID(im.root, p); g != "" {
			im.haveGUID[g], im.haveVideo[p] = p, video
		}
		return nil
	})
	return err
}

// frontMatterGUID returns the guid: of an entry file ("" for none), and
// whether it has a video: block.
func frontMatterGUID(root *os.Root, p string) (string, bool) {
	data, err := root.ReadFile(p)
	if err != nil {
		return "", false
	}
	s := strings.ReplaceAll(string(data), "\r\n", "\n")
	if !strings.HasPrefix(s, "---\n") {
		return "", false
	}
	end := strings.Index(s[4:], "\n---")
	if end < 0 {
		return "", false
	}
	var fm struct {
		GUID  string         `yaml:"guid"`
		Video map[string]any `yaml:"video"`
	}
	if yaml.Unmarshal([]byte(s[4:4+end]), &fm) != nil {
		return "", false
	}
	return strings.TrimSpace(fm.GUID), fm.Video != nil
}

// slug returns a file name for title not used in the site, made safe from
// any title (ASCII letters, digits and dashes; a title with none gives
// "episode").
func (im *run) slug(guid, title, suffix string) string {
	if s, ok := im.started[guid]; ok && !im.taken[s] {
		im.taken[s] = true
		return s
	}
	base := newentry.Slug(title)
	if base == "" {
		base = "episode"
	}
	free := func(s string) bool { return !im.taken[s] && !im.mediaTaken(s) && !im.reserved(s, guid) }
	s := base
	if !free(s) && suffix != "" {
		base += suffix // a video-only entry beside its audio namesake
		s = base
	}
	for n := 2; !free(s); n++ {
		s = fmt.Sprintf("%s-%d", base, n)
	}
	im.taken[s] = true
	return s
}

// reserved says whether an earlier, unfinished import gave slug to an
// item other than guid's.
func (im *run) reserved(slug, guid string) bool {
	for g, s := range im.started {
		if s == slug && g != guid {
			return true
		}
	}
	return false
}

// mediaTaken says whether a finished file of another entry already uses
// the name: a .part is this slug's own interrupted download.
func (im *run) mediaTaken(slug string) bool {
	if im.stems == nil {
		im.stems = map[string]bool{}
		entries, _ := fs.ReadDir(im.root.FS(), "media")
		for _, e := range entries {
			if n := e.Name(); !strings.HasSuffix(n, ".part") {
				im.stems[strings.TrimSuffix(n, path.Ext(n))] = true
			}
		}
	}
	return im.stems[slug]
}

// maxImportState caps the record of slugs (state.ImportFile): a slug and a
// GUID per item.
const maxImportState = 64 << 20

type importState struct {
	Slugs map[string]string `json:"slugs"` // guid → slug
}

// saveState records the slugs of the entries about to be downloaded.
func (im *run) saveState(plans []*plan) error {
	st := importState{Slugs: im.started}
	for _, p := range plans {
		if p.slug != "" {
			st.Slugs[p.fm.GUID] = p.slug
		}
	}
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	if old, err := im.state.ReadRecord(state.ImportFile, maxImportState); err == nil && bytes.Equal(old, data) {
		return nil // a run that starts nothing new leaves the folder as it was
	}
	return im.state.WriteRecord(state.ImportFile, data)
}

func (im *run) logf(format string, args ...any) {
	im.mu.Lock()
	defer im.mu.Unlock()
	im.o.Log(format, args...)
}

func (im *run) add(more diag.Problems) {
	im.mu.Lock()
	defer im.mu.Unlock()
	im.ps.Add(more...)
}

// fetchAll downloads every file of every plan, a few at a time. A plan
// whose media failed is marked so writeAll leaves it out.
func (im *run) fetchAll(ctx context.Context, plans []*plan) {
	var all []*task
	for _, p := range plans {
		all = append(all, p.tasks...)
	}
	if len(all) == 0 {
		return
	}
	im.logf("downloading %d files, %d at a time", len(all), im.o.Concurrency)
	var g errgroup.Group
	g.SetLimit(im.o.Concurrency)
	var done int
	for _, t := range all {
		g.Go(func() error {
			out, err := im.ft.download(ctx, im.root, t.feed, t.job)
			im.add(out.ps)
			im.mu.Lock()
			done++
			n := done
			switch {
			case err != nil:
				t.err = err
			case out.Fetched:
				im.res.Downloaded++
			default:
				im.res.Reused++
			}
			im.mu.Unlock()
			switch {
			case err != nil:
				im.logf("[%d/%d] %s: failed: %v", n, len(all), t.job.Dest, err)
			case out.Fetched:
				im.logf("[%d/%d] %s (%s)", n, len(all), t.job.Dest, sitefs.Human(out.Size))
			default:
				im.logf("[%d/%d] %s: already complete", n, len(all), t.job.Dest)
			}
			return nil
		})
	}
	_ = g.Wait()
}

// writeAll writes the entries whose required files arrived, then
// feedpub.yaml when the site has none.
func (im *run) writeAll(plans []*plan) error {
	sort.SliceStable(plans, func(i, j int) bool { return plans[i].order < plans[j].order })
	var cfgPlan *plan
	for _, p := range plans {
		if p.config != nil {
			cfgPlan = p
			continue
		}
		if !p.settle(im.ps) {
			continue
		}
		data, err := renderEntry(p.fm, p.body)
		if err != nil {
			im.ps.Errorf("FP601", p.feed, p.line, p.where, "not imported: %v", err)
			continue
		}
		name := path.Join(im.contentDir, p.slug+".md")
		switch err := writeNew(im.root, name, data); {
		case errors.Is(err, errExists):
			im.ps.Errorf("FP601", p.feed, p.line, p.where, "not imported: %s exists and an import never replaces a file", name)
		case err != nil:
			return fmt.Errorf("writing %s: %w", name, err)
		default:
			im.res.Written = append(im.res.Written, name)
		}
	}
	if cfgPlan == nil {
		return nil
	}
	cfgPlan.settle(im.ps)
	data, err := renderConfig(*cfgPlan.config, shown(im.o.Feed))
	if err != nil {
		return err
	}
	if err := writeNew(im.root, "feedpub.yaml", data); err != nil && !errors.Is(err, errExists) {
		return fmt.Errorf("writing feedpub.yaml: %w", err)
	} else if err == nil {
		im.res.Config = "feedpub.yaml"
	}
	return nil
}

// rfc3339 writes a date for the front matter with the feed's own offset,
// so the instant is the old feed's to the second.
func rfc3339(t time.Time) string { return t.Format(time.RFC3339) }
