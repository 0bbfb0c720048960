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

	"github.com/feedpub/feedpub/media/store"
)

// Store is a store.Store over a folder. Create it with New.
type Store struct {
	root string // absolute, cleaned
	//lint:ignore U1000 used by sys_other.go, on systems without flock(2)
	mu sync.Mutex // the commit lock on systems without flock(2)
}

var _ store.Store = (*Store)(nil)

// New returns a Store over the folder root, creating the folder if needed.
func New(root string) (*Store, error) {
	if root == "" {
		return nil, errors.New("localstore: empty root folder")
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("localstore: %w", err)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, fmt.Errorf("localstore: %w", err)
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("localstore: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("localstore: %s is not a folder", abs)
	}
	return &Store{root: abs}, nil
}

// String returns the root folder.
func (s *Store) String() string { return s.root }

func (s *Store) path(key string) string {
	return filepath.Join(s.root, filepath.FromSlash(key))
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
	fi, err := os.Stat(s.path(key))
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
	f, err := os.Open(s.path(key))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, errNotDir) {
			err = store.ErrNotExist
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
		start = s.path(dir)
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
	dst := s.path(key)
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
	fi, err := os.Stat(dst)
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

// Delete implements store.Store. It also removes the folders that become
// empty, up to the root.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := store.CheckKey(key); err != nil {
		return wrap("delete", key, err)
	}
	if err := ctx.Err(); err != nil {
		return wrap("delete", key, err)
	}
	unlock, err := s.lock()
	if err != nil {
		return wrap("delete", key, err)
	}
	defer unlock()
	p := s.path(key)
	fi, err := os.Lstat(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, errNotDir) {
			return nil
		}
		return wrap("delete", key, err)
	}
	if fi.IsDir() {
		return wrap("delete", key, errors.New("is a folder, not an object"))
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return wrap("delete", key, err)
	}
	// Remove parents that are now empty; os.Remove fails on a non-empty
	// folder, which ends the climb.
	for dir := path.Dir(key); dir != "."; dir = path.Dir(dir) {
		if os.Remove(s.path(dir)) != nil {
			break
		}
	}
	return nil
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
