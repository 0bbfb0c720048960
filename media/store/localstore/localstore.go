package localstore

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
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/feedpub/feedpub/media/store"
)

// Store is a store.Store over a folder. Create it with New.
type Store struct {
	root string // absolute, real (no symlink), cleaned
	//lint:ignore U1000 used by sys_other.go, on systems without flock(2)
	mu sync.Mutex // the commit lock on systems without flock(2)
}

var (
	_ store.Store   = (*Store)(nil)
	_ store.Cleaner = (*Store)(nil)
)

// ErrSymlink is returned (wrapped) by every operation on a key whose path
// below the root goes through a symbolic link, or that is one. The store
// never writes one, so whatever is behind it is not feedpub's to read,
// replace or delete: following it could reach files outside the target.
var ErrSymlink = errors.New("is a symbolic link, which feedpub does not follow in a target")

// New returns a Store over the folder root. It creates nothing: the folder
// and its parents are made by the first Put, so that reading a target (a
// dry run) leaves no trace. The root is resolved to its real path once,
// here; below it no symlink is ever followed.
func New(root string) (*Store, error) {
	if root == "" {
		return nil, errors.New("localstore: empty root folder")
	}
	real, err := RealPath(root)
	if err != nil {
		return nil, fmt.Errorf("localstore: %w", err)
	}
	fi, err := os.Stat(real)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("localstore: %w", err)
	case !fi.IsDir():
		return nil, fmt.Errorf("localstore: %s is not a folder", real)
	}
	return &Store{root: real}, nil
}

// RealPath returns the absolute path of p with every symlink resolved, also
// when p does not exist yet: the nearest existing ancestor is resolved and
// the missing elements appended. Guards compare such paths, so that a link
// cannot disguise a folder as another.
func RealPath(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	var missing []string
	for dir := abs; ; dir = filepath.Dir(dir) {
		real, err := filepath.EvalSymlinks(dir)
		if err == nil {
			return filepath.Join(append([]string{real}, missing...)...), nil
		}
		if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, errNotDir) {
			return "", err
		}
		if filepath.Dir(dir) == dir {
			return "", err
		}
		missing = append([]string{filepath.Base(dir)}, missing...)
	}
}

// String returns the root folder.
func (s *Store) String() string { return s.root }

func (s *Store) path(key string) string {
	return filepath.Join(s.root, filepath.FromSlash(key))
}

// resolve returns the file path of a valid key after checking, element by
// element with Lstat, that no folder between the root and the file is a
// symlink. A missing folder or a file where a folder should be ends the
// check: nothing below it exists to be followed, and the operation then
// finds nothing (or Put creates real folders).
func (s *Store) resolve(key string) (string, error) {
	p := s.root
	els := strings.Split(key, "/")
	for i, el := range els[:len(els)-1] {
		p = filepath.Join(p, el)
		fi, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, errNotDir) {
			break
		}
		if err != nil {
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			return "", fmt.Errorf("%s %w", strings.Join(els[:i+1], "/"), ErrSymlink)
		}
		if !fi.IsDir() {
			break
		}
	}
	return s.path(key), nil
}

// lstatKey returns what is at the key's path, not following a link there;
// a symlink gives ErrSymlink.
func (s *Store) lstatKey(key string) (string, fs.FileInfo, error) {
	p, err := s.resolve(key)
	if err != nil {
		return "", nil, err
	}
	fi, err := os.Lstat(p)
	if err != nil {
		return p, nil, err
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		return p, nil, fmt.Errorf("%s %w", key, ErrSymlink)
	}
	return p, fi, nil
}

func wrap(op, key string, err error) error {
	return fmt.Errorf("localstore: %s %s: %w", op, key, err)
}

// object describes the regular file fi as the object key.
func object(key string, fi fs.FileInfo) store.Object {
	return store.Object{
		Key:     key,
		Size:    fi.Size(),
		ETag:    etag(fi),
		ModTime: fi.ModTime(),
	}
}

// statFile returns the object at key, or an error wrapping
// store.ErrNotExist when there is no regular file there.
func (s *Store) statFile(key string) (store.Object, error) {
	_, fi, err := s.lstatKey(key)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, errNotDir) {
			return store.Object{}, store.ErrNotExist
		}
		return store.Object{}, err
	}
	if !fi.Mode().IsRegular() {
		return store.Object{}, store.ErrNotExist
	}
	return object(key, fi), nil
}

// Stat implements store.Store. SHA256, ContentType and CacheControl are "".
func (s *Store) Stat(ctx context.Context, key string) (store.Object, error) {
	if err := store.CheckKey(key); err != nil {
		return store.Object{}, wrap("stat", key, err)
	}
	if err := ctx.Err(); err != nil {
		return store.Object{}, wrap("stat", key, err)
	}
	o, err := s.statFile(key)
	if err != nil {
		return store.Object{}, wrap("stat", key, err)
	}
	return o, nil
}

// Get implements store.Store. The returned Object is that of the opened
// file; SHA256, ContentType and CacheControl are "".
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, store.Object, error) {
	if err := store.CheckKey(key); err != nil {
		return nil, store.Object{}, wrap("get", key, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, store.Object{}, wrap("get", key, err)
	}
	p, err := s.resolve(key)
	if err != nil {
		return nil, store.Object{}, wrap("get", key, err)
	}
	// O_NOFOLLOW: a link put at the key after resolve is not followed.
	f, err := os.OpenFile(p, os.O_RDONLY|oNoFollow, 0)
	if err != nil {
		switch {
		case errors.Is(err, fs.ErrNotExist) || errors.Is(err, errNotDir):
			err = store.ErrNotExist
		case isLoop(err):
			err = fmt.Errorf("%s %w", key, ErrSymlink)
		}
		return nil, store.Object{}, wrap("get", key, err)
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = store.ErrNotExist
	}
	if err != nil {
		f.Close()
		return nil, store.Object{}, wrap("get", key, err)
	}
	return &ctxFile{ctx: ctx, File: f}, object(key, fi), nil
}

// ctxFile stops reading once its context is done.
type ctxFile struct {
	ctx context.Context
	*os.File
}

func (f *ctxFile) Read(p []byte) (int, error) {
	if err := f.ctx.Err(); err != nil {
		return 0, err
	}
	return f.File.Read(p)
}

// List implements store.Store. It walks only the folder that contains every
// key with the prefix. SHA256, ContentType and CacheControl are "".
func (s *Store) List(ctx context.Context, prefix string) ([]store.Object, error) {
	// The deepest folder that holds every match: "media/ep" → "media".
	dir := ""
	if i := strings.LastIndex(prefix, "/"); i >= 0 {
		dir = prefix[:i]
		if store.CheckKey(dir) != nil {
			return nil, nil // no valid key has this prefix
		}
	}
	start := s.root
	if dir != "" {
		// A prefix through a link lists nothing, as List "" does not
		// descend into links either.
		if _, err := s.resolve(dir + "/x"); err != nil {
			if errors.Is(err, ErrSymlink) {
				return nil, nil
			}
			return nil, fmt.Errorf("localstore: list %q: %w", prefix, err)
		}
		start = s.path(dir)
		if fi, err := os.Lstat(start); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			return nil, nil
		}
	}
	var objs []store.Object
	err := filepath.WalkDir(start, func(p string, d fs.DirEntry, err error) error {
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		if err != nil {
			if p == start && (errors.Is(err, fs.ErrNotExist) || errors.Is(err, errNotDir)) {
				return fs.SkipAll // missing prefix folder: empty list
			}
			if errors.Is(err, fs.ErrNotExist) {
				return nil // removed while walking
			}
			return err
		}
		if d.IsDir() || !d.Type().IsRegular() || strings.HasPrefix(d.Name(), store.TempPrefix) {
			return nil
		}
		rel, err := filepath.Rel(s.root, p)
		if err != nil {
			return err
		}
		key := filepath.ToSlash(rel)
		if !strings.HasPrefix(key, prefix) {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		objs = append(objs, object(key, fi))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("localstore: list %q: %w", prefix, err)
	}
	sort.Slice(objs, func(i, j int) bool { return objs[i].Key < objs[j].Key })
	return objs, nil
}

// Put implements store.Store. ContentType, CacheControl and ACL are
// ignored. The returned Object has the SHA256 of what was written.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, o store.PutOptions) (store.Object, error) {
	obj, err := s.put(ctx, key, r, o)
	if err != nil {
		return store.Object{}, wrap("put", key, err)
	}
	return obj, nil
}

func (s *Store) put(ctx context.Context, key string, r io.Reader, o store.PutOptions) (store.Object, error) {
	if err := store.CheckKey(key); err != nil {
		return store.Object{}, err
	}
	if o.IfNoneMatch && o.IfMatch != "" {
		return store.Object{}, errors.New("IfNoneMatch and IfMatch together")
	}
	if err := ctx.Err(); err != nil {
		return store.Object{}, err
	}
	dst, err := s.resolve(key)
	if err != nil {
		return store.Object{}, err
	}
	tmp, err := s.createTemp(filepath.Dir(dst))
	if err != nil {
		return store.Object{}, err
	}
	committed := false
	defer func() {
		if !committed {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()

	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), &ctxReader{ctx: ctx, r: r})
	if err != nil {
		return store.Object{}, err
	}
	if o.Size >= 0 && n != o.Size {
		return store.Object{}, fmt.Errorf("body has %d bytes, want %d", n, o.Size)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if o.SHA256 != "" && !strings.EqualFold(o.SHA256, sum) {
		return store.Object{}, fmt.Errorf("body has SHA-256 %s, want %s", sum, o.SHA256)
	}
	if err := tmp.Chmod(0o644); err != nil {
		return store.Object{}, err
	}
	if err := tmp.Sync(); err != nil {
		return store.Object{}, err
	}
	if err := tmp.Close(); err != nil {
		return store.Object{}, err
	}
	if err := ctx.Err(); err != nil {
		return store.Object{}, err
	}

	unlock, err := s.lock()
	if err != nil {
		return store.Object{}, err
	}
	defer unlock()
	// Again under the lock, just before committing: the folders were
	// created or checked while the body was written, which can take long.
	if _, fi, err := s.lstatKey(key); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return store.Object{}, err
	} else if fi != nil && fi.IsDir() {
		return store.Object{}, errors.New("is a folder, not an object")
	}
	switch {
	case o.IfNoneMatch:
		// link(2) fails if dst exists: atomic create-if-absent.
		if err := os.Link(tmp.Name(), dst); err != nil {
			if errors.Is(err, fs.ErrExist) {
				return store.Object{}, store.ErrPrecondition
			}
			return store.Object{}, err
		}
		os.Remove(tmp.Name())
	case o.IfMatch != "":
		cur, err := s.statFile(key)
		if err != nil {
			return store.Object{}, err
		}
		if cur.ETag != o.IfMatch {
			return store.Object{}, store.ErrPrecondition
		}
		fallthrough
	default:
		if err := os.Rename(tmp.Name(), dst); err != nil {
			return store.Object{}, err
		}
	}
	committed = true
	syncDir(filepath.Dir(dst))
	fi, err := os.Lstat(dst)
	if err != nil {
		return store.Object{}, err
	}
	obj := object(key, fi)
	obj.SHA256 = sum
	return obj, nil
}

// createTemp creates a temporary file in dir, creating dir and its parents.
// A concurrent Delete may remove a parent folder it just found empty, so
// creation is retried a few times.
func (s *Store) createTemp(dir string) (*os.File, error) {
	for attempt := 0; ; attempt++ {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		f, err := os.CreateTemp(dir, store.TempPrefix+"*")
		if err == nil || attempt == 5 || !errors.Is(err, fs.ErrNotExist) {
			return f, err
		}
	}
}

// syncDir fsyncs a folder so that a rename in it survives a crash. Errors
// are ignored: not every system can sync a folder.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// SetMeta implements store.Store. A folder keeps no content type, cache
// control or ACL (whatever serves it decides them), so SetMeta only checks
// that key is a file of the store.
func (s *Store) SetMeta(ctx context.Context, key string, _ store.PutOptions) error {
	_, err := s.Stat(ctx, key)
	return err
}

// Delete implements store.Store. It also removes the folders that become
// empty, up to the root. It deletes only a regular file reached without a
// symlink: a link at the key or on its path gives ErrSymlink.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := s.remove(ctx, key, nil); err != nil {
		return wrap("delete", key, err)
	}
	return nil
}

// DeleteIf implements store.Store. The ETag is compared and the file
// removed while holding the commit lock, so it is atomic between feedpub
// processes.
func (s *Store) DeleteIf(ctx context.Context, key, etag string) error {
	err := s.remove(ctx, key, func(fi fs.FileInfo) error {
		if object(key, fi).ETag != etag {
			return store.ErrPrecondition
		}
		return nil
	})
	if err != nil {
		return wrap("delete", key, err)
	}
	return nil
}

// remove deletes the regular file at key if check (when set) accepts it.
// Without check a missing key is not an error; with it, it is ErrNotExist.
func (s *Store) remove(ctx context.Context, key string, check func(fs.FileInfo) error) error {
	if err := store.CheckKey(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	missing := func() error {
		if check != nil {
			return store.ErrNotExist
		}
		return nil
	}
	// Checked before locking, so that a missing root (a target never
	// written) is not created or locked only to find nothing.
	if _, _, err := s.lstatKey(key); errors.Is(err, fs.ErrNotExist) || errors.Is(err, errNotDir) {
		return missing()
	} else if err != nil {
		return err
	}
	unlock, err := s.lock()
	if err != nil {
		return err
	}
	defer unlock()
	p, fi, err := s.lstatKey(key)
	switch {
	case errors.Is(err, fs.ErrNotExist) || errors.Is(err, errNotDir):
		return missing()
	case err != nil:
		return err
	case fi.IsDir():
		return errors.New("is a folder, not an object")
	case !fi.Mode().IsRegular():
		return errors.New("is not a regular file, so feedpub did not write it")
	}
	if check != nil {
		if err := check(fi); err != nil {
			return err
		}
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	s.removeEmptyParents(key)
	return nil
}

// removeEmptyParents removes the folders of key that are now empty, up to
// the root; os.Remove fails on a non-empty folder, which ends the climb.
// The folders were checked to be real folders, not links.
func (s *Store) removeEmptyParents(key string) {
	for dir := path.Dir(key); dir != "."; dir = path.Dir(dir) {
		if os.Remove(s.path(dir)) != nil {
			break
		}
	}
}

// CleanStale implements store.Cleaner: it removes the temporary files
// (store.TempPrefix) that Puts killed before they finished left behind, if
// last modified more than olderThan ago, and the folders they leave empty.
// It does not descend into symlinked folders. Call it while holding the
// publish lock, or with an age no write under way can reach.
func (s *Store) CleanStale(ctx context.Context, olderThan time.Duration) (int, error) {
	cutoff := time.Now().Add(-olderThan)
	var stale []string
	err := filepath.WalkDir(s.root, func(p string, d fs.DirEntry, err error) error {
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		if err != nil {
			if p == s.root && errors.Is(err, fs.ErrNotExist) {
				return fs.SkipAll // a target never written
			}
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if !d.Type().IsRegular() || !strings.HasPrefix(d.Name(), store.TempPrefix) {
			return nil
		}
		if fi, err := d.Info(); err == nil && fi.ModTime().Before(cutoff) {
			stale = append(stale, p)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("localstore: clean %s: %w", s.root, err)
	}
	n := 0
	for _, p := range stale {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return n, fmt.Errorf("localstore: clean %s: %w", p, err)
		}
		n++
		if rel, err := filepath.Rel(s.root, p); err == nil {
			s.removeEmptyParents(filepath.ToSlash(rel))
		}
	}
	return n, nil
}

// ctxReader stops reading once its context is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
