// Package sitefs opens the files of a site (feedpub.yaml, the entries, media,
// artwork, chapters, transcripts) so that no input, however hostile, can hang
// feedpub, exhaust its memory or make it read outside the site: Open accepts
// only regular files (never a FIFO, device or socket, whose reads block or
// never end), only inside the site folder once every symlink is resolved (a
// symlink within the site is fine), and only up to a size limit.
//
// It lives under config/ because config reads feedpub.yaml with it and is
// the lowest layer: content and media import it (sitefs alone, not config),
// and a home under media/ would make config depend on media to read its own
// file.
package sitefs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Limits of what feedpub reads into memory whole; media files are streamed
// and have none.
const (
	MaxConfig     = 1 << 20  // feedpub.yaml
	MaxContent    = 10 << 20 // one entry, by default (content.max_file_size)
	MaxChapters   = 10 << 20 // a chapters JSON file
	MaxTranscript = 50 << 20 // a transcript (a feature film's SRT is ~200 KB)
)

// ErrOutside is returned for a path that, once symlinks are resolved, is not
// inside the site folder.
var ErrOutside = errors.New("is a symlink to a place outside the site folder; feedpub reads only files inside it")

// TooLargeError is returned for a file over the size limit.
type TooLargeError struct{ Size, Limit int64 }

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("file is %s; the limit is %s", Human(e.Size), Human(e.Limit))
}

// NotRegularError is returned for a path that is not a regular file.
type NotRegularError struct{ Mode fs.FileMode }

func (e *NotRegularError) Error() string {
	switch t := e.Mode.Type(); {
	case t&fs.ModeDir != 0:
		return "is a folder, want a file"
	case t&fs.ModeNamedPipe != 0:
		return "is a named pipe (FIFO), not a regular file"
	case t&fs.ModeSocket != 0:
		return "is a socket, not a regular file"
	case t&fs.ModeDevice != 0:
		return "is a device, not a regular file"
	default:
		return "is not a regular file"
	}
}

// Open opens name for reading: a slash path relative to root (the site
// folder), or an absolute path that must lie inside root. limit caps the
// size in bytes (0: no cap). Errors carry no path, since the caller names
// the file in its own terms; a missing file satisfies errors.Is(err,
// fs.ErrNotExist).
func Open(root, name string, limit int64) (*os.File, error) {
	r, err := NewRoot(root)
	if err != nil {
		return nil, err
	}
	return r.Open(name, limit)
}

// Root opens the files of one site folder as Open does, resolving the
// folder's real path once and each folder's within it once, so a
// catalogue of thousands of files costs a stat per file, not a walk of
// every element of its path. Safe for concurrent use.
type Root struct {
	dir, real string
	mu        sync.Mutex
	dirs      map[string]string // a folder as named → its real path
}

// NewRoot returns a Root for the site folder dir.
func NewRoot(dir string) (*Root, error) {
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return nil, bare(err)
	}
	return &Root{dir: dir, real: real, dirs: map[string]string{}}, nil
}

// Real is the site folder's real path, every symlink resolved.
func (r *Root) Real() string { return r.real }

// ReadFile is the package's ReadFile within r.
func (r *Root) ReadFile(name string, limit int64) ([]byte, error) {
	f, err := r.Open(name, limit)
	if err != nil {
		return nil, err
	}
	return readAll(f, limit)
}

// Stat checks name as Open does, without opening it, and returns its
// real path (every symlink resolved) and what Lstat says of that: enough
// to tell an unchanged file by its size and time without opening it.
func (r *Root) Stat(name string, limit int64) (string, fs.FileInfo, error) {
	p := name
	if !filepath.IsAbs(p) {
		p = filepath.Join(r.dir, filepath.FromSlash(name))
	}
	real, st, err := r.resolve(p)
	if err != nil {
		return "", nil, bare(err)
	}
	if !Within(r.real, real) {
		return "", nil, ErrOutside
	}
	if err := check(st, limit); err != nil {
		return "", nil, err
	}
	return real, st, nil
}

// Open is the package's Open within r.
func (r *Root) Open(name string, limit int64) (*os.File, error) {
	real, st, err := r.Stat(name, limit)
	if err != nil {
		return nil, err
	}
	// The mode is checked before opening because opening a FIFO blocks until
	// a writer appears. O_NONBLOCK and O_NOFOLLOW close the race with a file
	// swapped in since: a FIFO then opens at once and fails the check below.
	f, err := os.OpenFile(real, os.O_RDONLY|openFlags, 0)
	if err != nil {
		return nil, bare(err)
	}
	fst, err := f.Stat()
	if err == nil && !os.SameFile(st, fst) {
		err = errors.New("changed while being opened; try again")
	}
	if err == nil {
		err = check(fst, limit)
	}
	if err != nil {
		f.Close()
		return nil, bare(err)
	}
	return f, nil
}

// ReadFile reads a whole file through Open. A file that grows past limit
// while being read is refused too.
func ReadFile(root, name string, limit int64) ([]byte, error) {
	f, err := Open(root, name, limit)
	if err != nil {
		return nil, err
	}
	return readAll(f, limit)
}

// readAll reads f, which Open checked, whole and closes it.
func readAll(f *os.File, limit int64) ([]byte, error) {
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, bare(err)
	}
	r := io.Reader(f)
	if limit > 0 {
		r = io.LimitReader(f, limit+1)
	}
	buf := make([]byte, 0, st.Size()+1)
	for {
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, bare(err)
		}
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
	}
	if limit > 0 && int64(len(buf)) > limit {
		return nil, &TooLargeError{Size: int64(len(buf)), Limit: limit}
	}
	return buf, nil
}

// resolve returns the real path of p (every symlink resolved) and what
// Lstat says of it. Folders are resolved once each; EvalSymlinks only
// lstats each element, so it never opens (or blocks on) the file itself.
func (r *Root) resolve(p string) (string, fs.FileInfo, error) {
	dir, base := filepath.Split(p)
	dir = filepath.Clean(dir)
	r.mu.Lock()
	realDir, ok := r.dirs[dir]
	r.mu.Unlock()
	if !ok {
		var err error
		if realDir, err = filepath.EvalSymlinks(dir); err != nil {
			return "", nil, err
		}
		r.mu.Lock()
		r.dirs[dir] = realDir
		r.mu.Unlock()
	}
	real := filepath.Join(realDir, base)
	st, err := os.Lstat(real)
	if err != nil || st.Mode()&fs.ModeSymlink == 0 {
		return real, st, err
	}
	if real, err = filepath.EvalSymlinks(real); err != nil {
		return "", nil, err
	}
	st, err = os.Lstat(real)
	return real, st, err
}

func check(st fs.FileInfo, limit int64) error {
	if !st.Mode().IsRegular() {
		return &NotRegularError{Mode: st.Mode()}
	}
	if limit > 0 && st.Size() > limit {
		return &TooLargeError{Size: st.Size(), Limit: limit}
	}
	return nil
}

// Within reports whether path is root or inside it; both must be clean
// absolute paths with symlinks resolved.
func Within(root, path string) bool {
	if path == root {
		return true
	}
	rel, err := filepath.Rel(root, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// bare strips the path from a file-system error: the caller names the file
// relative to the site, so an absolute path is noise.
func bare(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Human formats a byte count for every message feedpub prints, in one
// convention: units of 1,024, named as the limits in the README and the
// config are ("512 bytes", "2 KB", "2.5 MB", "10 MB", "1.2 GB"), the
// fraction to one decimal and left out when it is .0.
func Human(n int64) string {
	const kb = 1 << 10
	switch {
	case n < kb:
		return fmt.Sprintf("%d bytes", n)
	case n < kb<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	unit, name := int64(kb<<10), "MB"
	if n >= kb<<20 {
		unit, name = kb<<20, "GB"
	}
	if n%unit == 0 {
		return fmt.Sprintf("%d %s", n/unit, name)
	}
	return strings.TrimSuffix(fmt.Sprintf("%.1f", float64(n)/float64(unit)), ".0") + " " + name
}

// WriteFile replaces the file at path with data, its parts written one
// after the other, atomically (a temporary file in the same folder, then a
// rename), creating the folder if needed, so feedpub's own state in a site
// (.feedpub/) is never left half written by a crash or Ctrl-C.
func WriteFile(path string, data ...[]byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	for _, part := range data {
		if _, err := tmp.Write(part); err != nil {
			tmp.Close()
			return err
		}
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
