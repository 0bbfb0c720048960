package publish

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/feedpub/feedpub/media/store"
)

// Options tune Run.
type Options struct {
	Concurrency int
	DryRun      bool
	Prune       bool
	MaxDeletes  int
	Force       bool // allow more deletes than MaxDeletes
	ACL         string
	// GUIDs are the built feeds' items (feed key → slug → GUID), recorded
	// in the manifest so a later build can warn before one changes.
	GUIDs map[string]map[string]string
	// OnManifest, when set, sees the target's manifest as read, before the
	// plan (to warn about GUIDs a build would change).
	OnManifest func(*Manifest)
	// Slugs are all entries of the site. A recorded GUID whose entry is gone
	// is forgotten once published over, so its warning is given once.
	Slugs map[string]bool
	// BreakLock removes a lock left by a publish that died before taking
	// this publish's own; the user asserts that no other publish runs.
	BreakLock bool
	// LockTTL is how long a lock left by a crashed publish blocks others.
	LockTTL time.Duration
	// Owner identifies this publish in the lock (host and process).
	Owner string
	// Now is the clock for the lock only; nothing published carries it.
	Now func() time.Time
	// Log prints one line of progress; nil for none.
	Log func(format string, args ...any)
	// Progress, when set, is told about upload progress (progress bars).
	Progress Progress
}

// Progress receives upload progress. Calls may come from several
// goroutines at once. A Progress that also has a method
// Planned(files int, bytes int64) is told, before the first upload, how
// many files and bytes the publish will upload (for an overall bar).
type Progress interface {
	Start(key string, size int64)
	Add(key string, n int64)
	Done(key string, err error)
}

// Report is the outcome of Run.
type Report struct {
	Plan          *Plan
	Manifest      *Manifest // as read before publishing
	Uploaded      int
	UploadedBytes int64
	Skipped       int
	SkippedBytes  int64
	Deleted       int
	Requests      int64
	Elapsed       time.Duration
	Warnings      []string
}

// DefaultLockTTL is how long a publish lock is honoured: long enough for a
// large video upload, short enough that a crashed publish does not block
// the next week's episode.
const DefaultLockTTL = 2 * time.Hour

// ErrLocked is returned when another publish holds the lock.
var ErrLocked = errors.New("another publish is in progress")

// Run publishes files to st in the safe order: lock, read the manifest,
// plan, upload media, check every referenced object is in place, upload
// feeds, delete orphans (with Prune), write the manifest, unlock.
func Run(ctx context.Context, raw store.Store, files []File, opt Options) (_ *Report, err error) {
	start := time.Now()
	if opt.Concurrency < 1 {
		opt.Concurrency = 1
	}
	if opt.LockTTL <= 0 {
		opt.LockTTL = DefaultLockTTL
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	logf := opt.Log
	if logf == nil {
		logf = func(string, ...any) {}
	}
	st := &counting{Store: raw}
	rep := &Report{}
	defer func() { rep.Requests = st.n.Load(); rep.Elapsed = time.Since(start) }()

	if !opt.DryRun {
		unlock, warn, lerr := acquireLock(ctx, st, opt)
		if lerr != nil {
			return rep, lerr
		}
		if warn != "" {
			rep.Warnings = append(rep.Warnings, warn)
			logf("warning: %s", warn)
		}
		defer func() {
			uerr := unlock()
			if uerr == nil {
				return
			}
			// A publish cut off by the network usually cannot remove its
			// lock either; say so, or the next publish refuses to start
			// with no hint why.
			msg := fmt.Sprintf("the publish lock %s was left in place (%v): if no other publish is running, run publish --break-lock; otherwise publishing is blocked until it expires in %s", LockKey, uerr, opt.LockTTL)
			if err != nil {
				err = fmt.Errorf("%w; %s", err, msg)
			} else {
				rep.Warnings = append(rep.Warnings, msg)
				logf("warning: %s", msg)
			}
		}()
	}

	m, err := ReadManifest(ctx, st)
	if err != nil {
		return rep, err
	}
	rep.Manifest = m
	if opt.OnManifest != nil {
		opt.OnManifest(m)
	}
	plan, err := MakePlan(ctx, st, files, m)
	if err != nil {
		return rep, err
	}
	rep.Plan = plan
	rep.Skipped, rep.SkippedBytes = len(plan.Unchanged), Bytes(plan.Unchanged)
	if opt.Prune && len(plan.Orphans) > opt.MaxDeletes && !opt.Force {
		return rep, fmt.Errorf("--prune would delete %d objects, more than publish.max_deletes (%d); check the plan with --dry-run, then raise max_deletes or pass --force", len(plan.Orphans), opt.MaxDeletes)
	}
	if opt.DryRun {
		return rep, nil
	}

	if p, ok := opt.Progress.(interface{ Planned(int, int64) }); ok {
		p.Planned(len(plan.Uploads), Bytes(plan.Uploads))
	}
	var media, feedFiles []Action
	for _, a := range plan.Uploads {
		if a.File.Kind == KindFeed {
			feedFiles = append(feedFiles, a)
		} else {
			media = append(media, a)
		}
	}
	next := cloneManifest(m)
	record := func(f File) {
		next.Objects[f.Key] = Recorded{Size: f.Size, SHA256: f.SHA256, ContentType: f.ContentType, CacheControl: f.CacheControl}
	}
	for _, a := range plan.Unchanged {
		record(a.File)
	}

	var mu sync.Mutex
	upload := func(as []Action) error {
		return forEach(ctx, len(as), opt.Concurrency, func(ctx context.Context, i int) error {
			f := as[i].File
			if err := put(ctx, st, f, opt); err != nil {
				return err
			}
			mu.Lock()
			rep.Uploaded++
			rep.UploadedBytes += f.Size
			record(f)
			mu.Unlock()
			logf("uploaded %s (%s, %s)", f.Key, as[i].Reason, HumanBytes(f.Size))
			return nil
		})
	}
	if err := upload(media); err != nil {
		return rep, fmt.Errorf("media upload stopped, the live feeds were not touched: %w", err)
	}
	if len(feedFiles) > 0 {
		if err := verify(ctx, st, files); err != nil {
			return rep, err
		}
		if err := upload(feedFiles); err != nil {
			return rep, fmt.Errorf("feed upload stopped; each feed is either the old or the new version, and all media is in place: %w", err)
		}
	}
	if opt.Prune {
		for _, a := range plan.Orphans {
			if err := st.Delete(ctx, a.File.Key); err != nil {
				return rep, fmt.Errorf("delete %s: %w", a.File.Key, err)
			}
			delete(next.Objects, a.File.Key)
			rep.Deleted++
			logf("deleted %s (orphaned)", a.File.Key)
		}
	}
	for feed, items := range next.GUIDs {
		for slug := range items {
			if !opt.Slugs[slug] {
				delete(items, slug)
			}
		}
		if len(items) == 0 {
			delete(next.GUIDs, feed)
		}
	}
	for feed, items := range opt.GUIDs {
		if next.GUIDs[feed] == nil {
			next.GUIDs[feed] = map[string]string{}
		}
		for slug, guid := range items {
			next.GUIDs[feed][slug] = guid
		}
	}
	if err := writeManifest(ctx, st, m, next, opt.ACL); err != nil {
		return rep, err
	}
	return rep, nil
}

func put(ctx context.Context, st store.Store, f File, opt Options) error {
	rc, err := f.Open()
	if err != nil {
		return fmt.Errorf("open %s: %w", f.Key, err)
	}
	defer rc.Close()
	var r io.Reader = rc
	if opt.Progress != nil {
		opt.Progress.Start(f.Key, f.Size)
		r = &progressReader{ReadSeeker: rc, key: f.Key, p: opt.Progress}
	}
	_, err = st.Put(ctx, f.Key, r, store.PutOptions{
		ContentType: f.ContentType, CacheControl: f.CacheControl, Size: f.Size, SHA256: f.SHA256, ACL: opt.ACL,
	})
	if opt.Progress != nil {
		opt.Progress.Done(f.Key, err)
	}
	if err != nil {
		return fmt.Errorf("put %s: %w", f.Key, err)
	}
	return nil
}

// verify lists the target once and checks that every object of the build
// is there with the right size, so a feed is never replaced while it would
// point at something missing.
func verify(ctx context.Context, st store.Store, files []File) error {
	objs, err := st.List(ctx, "")
	if err != nil {
		return fmt.Errorf("check media before replacing feeds: list %s: %w", st, err)
	}
	have := make(map[string]int64, len(objs))
	for _, o := range objs {
		have[o.Key] = o.Size
	}
	var errs []error
	for _, f := range files {
		if f.Kind != KindMedia {
			continue
		}
		size, ok := have[f.Key]
		switch {
		case !ok:
			errs = append(errs, fmt.Errorf("%s is missing from %s", f.Key, st))
		case size != f.Size:
			errs = append(errs, fmt.Errorf("%s in %s is %d bytes, want %d", f.Key, st, size, f.Size))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("feeds not replaced, the target does not hold what they reference: %w", errors.Join(errs...))
	}
	return nil
}

func cloneManifest(m *Manifest) *Manifest {
	n := NewManifest()
	for k, v := range m.Objects {
		n.Objects[k] = v
	}
	for f, items := range m.GUIDs {
		n.GUIDs[f] = map[string]string{}
		for s, g := range items {
			n.GUIDs[f][s] = g
		}
	}
	return n
}

// writeManifest replaces the manifest only if nobody else did since it was
// read (If-Match), or creates it only if still absent (If-None-Match).
func writeManifest(ctx context.Context, st store.Store, old, next *Manifest, acl string) error {
	body := next.encode()
	if old.Exists() && bytes.Equal(body, old.encode()) {
		return nil
	}
	opt := store.PutOptions{ContentType: "application/json", CacheControl: "no-store", Size: int64(len(body)), ACL: acl}
	if old.Exists() && old.etag != "unknown" {
		opt.IfMatch = old.etag
	} else if !old.Exists() {
		opt.IfNoneMatch = true
	}
	_, err := st.Put(ctx, ManifestKey, bytes.NewReader(body), opt)
	if errors.Is(err, store.ErrConditionalUnsupported) {
		opt.IfMatch, opt.IfNoneMatch = "", false
		_, err = st.Put(ctx, ManifestKey, bytes.NewReader(body), opt)
	}
	if errors.Is(err, store.ErrPrecondition) && !holds(ctx, st, ManifestKey, body) {
		return fmt.Errorf("write manifest: another publish changed %s meanwhile; run publish again", ManifestKey)
	}
	if errors.Is(err, store.ErrPrecondition) {
		// Ours: the write succeeded, its answer was lost, and the retried
		// conditional write found it.
		err = nil
	}
	if err != nil {
		return fmt.Errorf("write manifest: %w", err)
	}
	return nil
}

// holds reports whether the object at key has exactly the content body.
func holds(ctx context.Context, st store.Store, key string, body []byte) bool {
	rc, _, err := st.Get(ctx, key)
	if err != nil {
		return false
	}
	defer rc.Close()
	got, err := io.ReadAll(io.LimitReader(rc, int64(len(body))+1))
	return err == nil && bytes.Equal(got, body)
}

// forEach runs fn for 0..n-1 with at most limit at once, and stops starting
// new work after the first error, which it returns.
func forEach(parent context.Context, n, limit int, fn func(ctx context.Context, i int) error) error {
	g, ctx := errgroup.WithContext(parent)
	g.SetLimit(max(limit, 1))
	for i := 0; i < n && ctx.Err() == nil; i++ {
		g.Go(func() error { return fn(ctx, i) })
	}
	if err := g.Wait(); err != nil {
		return err
	}
	// Cancelled before any worker saw it: still not done.
	return parent.Err()
}

// counting counts the requests made to the store, for --json.
type counting struct {
	store.Store
	n atomic.Int64
}

func (c *counting) List(ctx context.Context, prefix string) ([]store.Object, error) {
	c.n.Add(1)
	return c.Store.List(ctx, prefix)
}
func (c *counting) Stat(ctx context.Context, key string) (store.Object, error) {
	c.n.Add(1)
	return c.Store.Stat(ctx, key)
}
func (c *counting) Get(ctx context.Context, key string) (io.ReadCloser, store.Object, error) {
	c.n.Add(1)
	return c.Store.Get(ctx, key)
}
func (c *counting) Put(ctx context.Context, key string, r io.Reader, o store.PutOptions) (store.Object, error) {
	c.n.Add(1)
	return c.Store.Put(ctx, key, r, o)
}
func (c *counting) Delete(ctx context.Context, key string) error {
	c.n.Add(1)
	return c.Store.Delete(ctx, key)
}

type progressReader struct {
	io.ReadSeeker
	key string
	p   Progress
}

func (r *progressReader) Read(b []byte) (int, error) {
	n, err := r.ReadSeeker.Read(b)
	if n > 0 {
		r.p.Add(r.key, int64(n))
	}
	return n, err
}

// HumanBytes formats a byte count for people, e.g. "1.5 MiB".
func HumanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
