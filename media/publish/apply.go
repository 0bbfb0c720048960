package publish

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/feedpub/feedpub/config/sitefs"
	"github.com/feedpub/feedpub/media/store"
)

// Options tune a publish.
type Options struct {
	Concurrency int
	DryRun      bool
	Prune       bool
	MaxDeletes  int
	// Force allows more deletes than MaxDeletes, and a publish that takes
	// more than MaxDeletes items out of a live feed or empties one.
	Force bool
	ACL   string
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
	// LocalTarget says the target is a folder on this computer: the
	// temporary files of publishes that died are removed at the start,
	// under the lock, since no write can be under way then. On S3 an
	// incomplete upload might belong to a publish still running, so only
	// Prune aborts those older than StaleUploadAge.
	LocalTarget bool
	// Identity reads the manifest's identity part, rebuilds it from the
	// live feeds when it records nothing, and refuses a publish that would
	// lose live items; nil keeps it as read. BaseURL is the feeds' public
	// base: what follows it in a live feed's enclosure URL is the key of
	// the object it names, whose checksum the rules are given.
	Identity IdentityRules
	BaseURL  string
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

// Report is the outcome of a publish.
type Report struct {
	Plan          *Plan
	Manifest      *Manifest // as read before publishing
	Uploaded      int
	UploadedBytes int64
	// Updated counts the objects whose settings were changed in place.
	Updated      int
	Skipped      int
	SkippedBytes int64
	Deleted      int
	Requests     int64
	Elapsed      time.Duration
	Warnings     []string
	// ManifestETag is the ETag of the manifest the publish left on the
	// target (after Apply), for PeekManifest to compare with later.
	ManifestETag string
	// Unchanged is set when the publish was known to have nothing to do
	// before building: the site's inputs and the target's manifest were
	// those of the last complete publish. Plan is then empty.
	Unchanged bool
}

// DefaultLockTTL is how long a publish lock is honoured unless renewed: a
// running publish renews it every TTL/4, so it needs to outlast only a
// renewal that fails once; a publish that died elsewhere blocks others for
// at most this long (one that died on this machine, not at all).
const DefaultLockTTL = 5 * time.Minute

// StaleUploadAge is the age after which an incomplete multipart upload is
// taken to be a dead publish's: a single part of a large file may take
// longer than a lock's lifetime, so this is not the lock TTL.
const StaleUploadAge = 2 * time.Hour

// ErrLocked is returned when another publish holds the lock.
var ErrLocked = errors.New("another publish is in progress")

// ErrRefused wraps a publish refused before anything was written because it
// would take too much out of the live feeds; Force overrides it.
var ErrRefused = errors.New("publish refused")

// Session is one publish to a target: Open takes the lock and reads what
// the target holds, the caller builds the site against it (GUIDs and keys
// depend on what was published), Apply uploads, and Close unlocks. The lock
// is held from the manifest read to the manifest write, so no other
// publish can slip in between.
type Session struct {
	raw    store.Store
	st     *counting
	opt    Options
	m      *Manifest
	remote map[string]store.Object // the listing, when there is no manifest
	lock   *heldLock               // nil for a dry run, or once closed
	rep    *Report
	start  time.Time
	// lostManifest says what became of a manifest that gave no
	// identities.
	lostManifest string
}

// Open starts a publish to st: it takes the lock (not for a dry run), reads
// the manifest and, when there is none, lists the target once.
func Open(ctx context.Context, raw store.Store, opt Options) (*Session, error) {
	if opt.Concurrency < 1 {
		opt.Concurrency = 1
	}
	if opt.LockTTL <= 0 {
		opt.LockTTL = DefaultLockTTL
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Log == nil {
		opt.Log = func(string, ...any) {}
	}
	s := &Session{raw: raw, st: &counting{Store: raw}, opt: opt, rep: &Report{}, start: time.Now()}
	if !opt.DryRun {
		l, warn, err := takeLock(ctx, s.st, opt)
		if err != nil {
			s.done()
			return s, err
		}
		s.lock = l
		s.warn(warn)
		// Debris of publishes that died (a local target's temporary
		// files) is removed while the lock keeps others out.
		if c, ok := raw.(store.Cleaner); ok && opt.LocalTarget {
			if n, err := c.CleanStale(l.Context(), 0); err != nil {
				s.warn(fmt.Sprintf("could not remove the temporary files of an earlier publish: %v", err))
			} else if n > 0 {
				opt.Log("removed %d temporary files of an earlier publish", n)
			}
		}
	}
	m, err := s.readManifest(ctx)
	if err != nil {
		return s, s.fail(err)
	}
	s.m, s.rep.Manifest = m, m
	if !m.Exists() || len(m.Objects) == 0 {
		objs, err := s.st.List(ctx, "")
		if err != nil {
			return s, s.fail(fmt.Errorf("list %s: %w", s.st, err))
		}
		s.remote = make(map[string]store.Object, len(objs))
		for _, o := range objs {
			s.remote[o.Key] = o
		}
	}
	if err := s.recoverIdentity(ctx); err != nil {
		return s, s.fail(err)
	}
	return s, nil
}

// Report returns the publish's report so far (requests, warnings).
func (s *Session) Report() *Report { s.done(); return s.rep }

func (s *Session) done() {
	s.rep.Requests = s.st.n.Load()
	s.rep.Elapsed = time.Since(s.start)
}

func (s *Session) warn(w string) {
	if w != "" {
		s.rep.Warnings = append(s.rep.Warnings, w)
		s.opt.Log("warning: %s", w)
	}
}

// fail closes the session after an error and returns the error, with a
// word about the lock when it could not be removed.
func (s *Session) fail(err error) error {
	if cerr := s.Close(); cerr != nil {
		return fmt.Errorf("%w; %v", err, cerr)
	}
	return err
}

// Close releases the lock. It is safe to call more than once.
func (s *Session) Close() error {
	l := s.lock
	s.lock = nil
	defer s.done()
	if l == nil {
		return nil
	}
	err := l.Release()
	if errors.Is(err, ErrLockLost) {
		return fmt.Errorf("%w while this publish ran: another publish took it over, and may have written meanwhile; run publish again to be sure the target is complete", err)
	}
	if err != nil {
		// A publish cut off by the network usually cannot remove its lock
		// either; say so, or the next publish refuses to start with no hint
		// why.
		return fmt.Errorf("the publish lock %s was left in place (%v): the next publish on this machine takes it over; elsewhere it blocks publishing until it expires in %s (or run publish --break-lock)", LockKey, err, s.opt.LockTTL)
	}
	return nil
}

// Published is what the target holds, as a build needs it: the objects
// (to keep the keys of unchanged files and version the changed ones). The
// identities of the published entries are the IdentityRules' to give.
func (s *Session) Published() *Published {
	p := &Published{Objects: map[string]Recorded{}}
	if s.m == nil {
		return p
	}
	if s.remote != nil {
		for k, o := range s.remote {
			p.Objects[k] = Recorded{Size: o.Size, SHA256: o.SHA256}
		}
	} else {
		p.Objects = s.m.Objects
	}
	return p
}

// Apply publishes files in the safe order: plan, check what the live feeds
// would lose, upload media, check every referenced object is in place,
// upload feeds, delete orphans (with Prune), write the manifest with id
// (nil keeps the manifest's identities). The caller still Closes.
func (s *Session) Apply(ctx context.Context, files []File, id *Identity) (*Report, error) {
	opt, st, rep, m := s.opt, s.st, s.rep, s.m
	defer s.done()
	if s.lock != nil {
		// Stop writing as soon as the lock is lost to another publish.
		lctx, cancel := context.WithCancelCause(ctx)
		defer cancel(nil)
		stop := context.AfterFunc(s.lock.Context(), func() { cancel(context.Cause(s.lock.Context())) })
		defer stop()
		ctx = lctx
	}
	logf := opt.Log
	plan, err := s.plan(ctx, files, id)
	if err != nil {
		return rep, err
	}
	if opt.DryRun {
		return rep, nil
	}

	if p, ok := opt.Progress.(interface{ Planned(int, int64) }); ok {
		p.Planned(len(plan.Uploads), Bytes(plan.Uploads))
	}
	media, feedFiles := splitUploads(plan.Uploads)
	next := cloneManifest(m)
	if id != nil {
		next.Identity = *id
	}
	record := func(f File) {
		next.Objects[f.Key] = Recorded{Size: f.Size, SHA256: f.SHA256, ContentType: f.ContentType, CacheControl: f.CacheControl, ACL: opt.ACL, Source: f.Source, Info: f.Info}
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
			logf("uploaded %s (%s, %s)", f.Key, as[i].Reason, sitefs.Human(f.Size))
			return nil
		})
	}
	if err := upload(media); err != nil {
		return rep, fmt.Errorf("media upload stopped, the live feeds were not touched: %w", err)
	}
	if err := s.setMeta(ctx, plan.Updates, record); err != nil {
		return rep, err
	}
	if len(feedFiles) > 0 {
		if err := verify(ctx, st, files, next); err != nil {
			return rep, err
		}
		if err := upload(feedFiles); err != nil {
			return rep, fmt.Errorf("feed upload stopped; each feed is either the old or the new version, and all media is in place: %w", err)
		}
	}
	if opt.Prune {
		if err := s.prune(ctx, plan, next); err != nil {
			return rep, err
		}
	}
	etag, err := writeManifest(ctx, st, m, next, opt.ACL)
	if err != nil {
		return rep, err
	}
	rep.ManifestETag = etag
	return rep, nil
}

// plan makes the plan and puts it in the report, then refuses, before
// anything is written, a prune over publish.max_deletes (without --force)
// and what the identity rules refuse.
func (s *Session) plan(ctx context.Context, files []File, id *Identity) (*Plan, error) {
	opt, rep := s.opt, s.rep
	plan, err := MakePlan(ctx, s.st, files, s.m, s.remote, opt.ACL)
	if err != nil {
		return nil, err
	}
	rep.Plan = plan
	rep.Skipped, rep.SkippedBytes = len(plan.Unchanged), Bytes(plan.Unchanged)
	if opt.Prune && len(plan.Orphans) > opt.MaxDeletes && !opt.Force {
		return nil, fmt.Errorf("%w: --prune would delete %d objects, more than publish.max_deletes (%d); check the plan with --dry-run, then raise max_deletes or pass --force", ErrRefused, len(plan.Orphans), opt.MaxDeletes)
	}
	if err := s.refuse(id); err != nil {
		return nil, err
	}
	return plan, nil
}

// splitUploads separates the media uploads from the feed uploads: the
// feeds go only once all media is in place.
func splitUploads(uploads []Action) (media, feedFiles []Action) {
	for _, a := range uploads {
		if a.File.Kind == KindFeed {
			feedFiles = append(feedFiles, a)
		} else {
			media = append(media, a)
		}
	}
	return media, feedFiles
}

// prune aborts stale multipart uploads and deletes the plan's orphans from
// the store and from next, but only objects that are still what feedpub
// wrote there.
func (s *Session) prune(ctx context.Context, plan *Plan, next *Manifest) error {
	opt, st, rep, m := s.opt, s.st, s.rep, s.m
	logf := opt.Log
	// Multipart uploads abandoned by publishes that died long enough
	// ago that they cannot still be running.
	if c, ok := s.raw.(store.Cleaner); ok && !opt.LocalTarget {
		if n, err := c.CleanStale(ctx, max(opt.LockTTL, StaleUploadAge)); err != nil {
			s.warn(fmt.Sprintf("could not abort the incomplete uploads of earlier publishes: %v", err))
		} else if n > 0 {
			logf("aborted %d incomplete uploads of earlier publishes", n)
		}
	}
	for _, a := range plan.Orphans {
		ok, err := ours(ctx, st, a.File.Key, m.Objects[a.File.Key])
		if err != nil {
			return fmt.Errorf("delete %s: %w", a.File.Key, err)
		}
		if !ok {
			// Not what feedpub wrote: someone else's now. Forget it, keep it.
			delete(next.Objects, a.File.Key)
			s.warn(fmt.Sprintf("kept %s: it is not the file feedpub published there (size or checksum differs), so it is no longer feedpub's to delete", a.File.Key))
			continue
		}
		if err := st.Delete(ctx, a.File.Key); err != nil {
			return fmt.Errorf("delete %s: %w", a.File.Key, err)
		}
		delete(next.Objects, a.File.Key)
		rep.Deleted++
		logf("deleted %s (orphaned)", a.File.Key)
	}
	return nil
}

// setMeta gives published objects whose bytes are unchanged the settings
// they are now published with, in place (store.SetMeta: on S3 a copy of
// the object onto itself), and records each one done.
func (s *Session) setMeta(ctx context.Context, as []Action, record func(File)) error {
	var mu sync.Mutex
	err := forEach(ctx, len(as), s.opt.Concurrency, func(ctx context.Context, i int) error {
		f := as[i].File
		o := store.PutOptions{ContentType: f.ContentType, CacheControl: f.CacheControl, SHA256: f.SHA256, ACL: s.opt.ACL}
		if err := s.st.SetMeta(ctx, f.Key, o); err != nil {
			return fmt.Errorf("change the settings of %s: %w", f.Key, err)
		}
		mu.Lock()
		s.rep.Updated++
		record(f)
		mu.Unlock()
		s.opt.Log("updated %s in place (%s)", f.Key, as[i].Detail)
		return nil
	})
	if err != nil {
		return fmt.Errorf("settings update stopped, the live feeds were not touched: %w", err)
	}
	return nil
}

// ours reports whether the object at key is still the one feedpub wrote
// there (same size, and same checksum where the store knows it), so prune
// never deletes a file someone else put in its place. A missing object is
// not ours to delete, and not an error.
func ours(ctx context.Context, st store.Store, key string, r Recorded) (bool, error) {
	o, err := st.Stat(ctx, key)
	if errors.Is(err, store.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if o.Size != r.Size {
		return false, nil
	}
	if o.SHA256 == "" && r.SHA256 != "" {
		// The store keeps no checksum (a folder): read the file to prove it.
		sum, err := hashObject(ctx, st, key)
		if err != nil {
			return false, err
		}
		o.SHA256 = sum
	}
	return r.SHA256 == "" || o.SHA256 == r.SHA256, nil
}

// hashObject reads the object at key and returns its SHA-256.
func hashObject(ctx context.Context, st store.Store, key string) (string, error) {
	rc, _, err := st.Get(ctx, key)
	if err != nil {
		return "", err
	}
	defer rc.Close()
	h := sha256.New()
	if _, err := io.Copy(h, rc); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
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
	o, err := st.Put(ctx, f.Key, r, store.PutOptions{
		ContentType: f.ContentType, CacheControl: f.CacheControl, Size: f.Size, SHA256: f.SHA256, ACL: opt.ACL,
	})
	// The store checked the body against f.SHA256 as it stored it (S3
	// verifies the checksum header; a folder hashes what it writes) and
	// says what it stored: a different answer is never recorded as ours.
	if err == nil && o.SHA256 != "" && o.SHA256 != f.SHA256 {
		err = fmt.Errorf("the store holds SHA-256 %s, want %s", o.SHA256, f.SHA256)
	}
	if opt.Progress != nil {
		opt.Progress.Done(f.Key, err)
	}
	if err != nil {
		return fmt.Errorf("put %s: %w", f.Key, err)
	}
	return nil
}

// verify lists the target once and checks that every object of the build
// is there with the size the feeds state and, where the store reports it,
// the checksum; objects this publish uploaded had their checksum verified
// by the store on upload and are recorded in next. A feed is therefore
// never replaced while it would point at something missing or different.
func verify(ctx context.Context, st store.Store, files []File, next *Manifest) error {
	objs, err := st.List(ctx, "")
	if err != nil {
		return fmt.Errorf("check media before replacing feeds: list %s: %w", st, err)
	}
	have := make(map[string]store.Object, len(objs))
	for _, o := range objs {
		have[o.Key] = o
	}
	var errs []error
	for _, f := range files {
		if f.Kind != KindMedia {
			continue
		}
		o, ok := have[f.Key]
		rec, recorded := next.Objects[f.Key]
		switch {
		case !ok:
			errs = append(errs, fmt.Errorf("%s is missing from %s", f.Key, st))
		case o.Size != f.Size:
			errs = append(errs, fmt.Errorf("%s in %s is %d bytes, want %d", f.Key, st, o.Size, f.Size))
		case o.SHA256 != "" && o.SHA256 != f.SHA256:
			errs = append(errs, fmt.Errorf("%s in %s has SHA-256 %s, want %s", f.Key, st, o.SHA256, f.SHA256))
		case recorded && rec.SHA256 != f.SHA256:
			errs = append(errs, fmt.Errorf("%s in %s was written with SHA-256 %s, want %s", f.Key, st, rec.SHA256, f.SHA256))
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
	n.Identity = m.Identity
	n.Pending = m.Pending
	return n
}

// writeManifest replaces the manifest only if nobody else did since it was
// read (If-Match), or creates it only if still absent (If-None-Match).
func writeManifest(ctx context.Context, st store.Store, old, next *Manifest, acl string) (etag string, err error) {
	body := next.encode()
	if old.Exists() && bytes.Equal(body, old.encode()) {
		return old.etag, nil
	}
	opt := store.PutOptions{ContentType: "application/json", CacheControl: "no-store", Size: int64(len(body)), ACL: acl}
	if old.Exists() && old.etag != "unknown" {
		opt.IfMatch = old.etag
	} else if !old.Exists() {
		opt.IfNoneMatch = true
	}
	o, err := st.Put(ctx, ManifestKey, bytes.NewReader(body), opt)
	if errors.Is(err, store.ErrConditionalUnsupported) {
		opt.IfMatch, opt.IfNoneMatch = "", false
		o, err = st.Put(ctx, ManifestKey, bytes.NewReader(body), opt)
	}
	if errors.Is(err, store.ErrPrecondition) && !holds(ctx, st, ManifestKey, body) {
		return "", fmt.Errorf("write manifest: another publish changed %s meanwhile; run publish again", ManifestKey)
	}
	if errors.Is(err, store.ErrPrecondition) {
		// Ours: the write succeeded, its answer was lost, and the retried
		// conditional write found it. Its ETag is unknown: the next
		// publish simply builds.
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("write manifest: %w", err)
	}
	return o.ETag, nil
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
func (c *counting) SetMeta(ctx context.Context, key string, o store.PutOptions) error {
	c.n.Add(1)
	return c.Store.SetMeta(ctx, key, o)
}
func (c *counting) DeleteIf(ctx context.Context, key, etag string) error {
	c.n.Add(1)
	return c.Store.DeleteIf(ctx, key, etag)
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
