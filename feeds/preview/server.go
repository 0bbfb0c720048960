package preview

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"io"
	"io/fs"
	"log"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/feedpub/feedpub/config/diag"
	"github.com/feedpub/feedpub/config/sitefs"
)

// EventsPath is where the page listens for new builds (Server-Sent
// Events). It is inside the state folder, which no file of a build can be
// published at, so it never hides one.
const EventsPath = "/.feedpub/events"

// File is one file of a build: rendered bytes (the feeds) or a file on disk
// (media, served from the site folder as it is).
type File struct {
	Key         string
	ContentType string
	SHA256      string
	Path        string // on disk, inside Build.Root; "" when Body is set
	Size        int64  // of the file at Path, as the build read it
	Body        []byte
}

// Build is the outcome of one build of the site.
type Build struct {
	Page  Page   // Live, Failed and Built are set by the Server
	Files []File // every file of the published tree; none when it failed
	// Root is the site folder: a file on disk is served only while it is
	// a regular file inside it, of the size and SHA-256 the build read.
	Root string
}

// BuildFunc builds the site once.
type BuildFunc func(context.Context) Build

// Server serves the preview page at /, every file of the last good build
// at its key, and EventsPath. Rebuild replaces what it serves.
type Server struct {
	build  BuildFunc
	nonce  string // tells this process's builds from an earlier one's
	mu     sync.Mutex
	state  *state
	gen    int
	subs   map[chan string]struct{}
	closed chan struct{}
	once   sync.Once
	// rebuilding makes Rebuild one at a time.
	rebuilding sync.Mutex
	verified   map[verified]bool // under mu
	// Logf, when set, receives why a file was not served; else the
	// standard logger does.
	Logf func(format string, args ...any)
}

func (s *Server) logf(format string, args ...any) {
	if s.Logf != nil {
		s.Logf(format, args...)
		return
	}
	log.Printf("preview: "+format, args...)
}

// state is what the server serves: the page and the last good build's
// files, swapped whole by Rebuild.
type state struct {
	id    string
	page  []byte
	built time.Time
	files map[string]File
	root  string // the site folder of files
	good  *Build // the last build without errors; nil before the first
}

// NewServer returns a server that builds with build. It serves nothing
// until the first Rebuild.
func NewServer(build BuildFunc) *Server {
	return &Server{
		build:    build,
		nonce:    strconv.FormatInt(time.Now().UnixNano(), 36),
		state:    &state{files: map[string]File{}},
		verified: map[verified]bool{},
		subs:     map[chan string]struct{}{},
		closed:   make(chan struct{}),
	}
}

// Rebuild builds the site and serves the result; a build with errors
// leaves the last good build's files and entries served, with its errors
// shown above them. Open pages are told to reload. It returns the build's
// problems.
func (s *Server) Rebuild(ctx context.Context) diag.Problems {
	s.rebuilding.Lock()
	defer s.rebuilding.Unlock()
	b := s.build(ctx)
	now := time.Now()

	s.mu.Lock()
	prev := s.state
	s.gen++
	id := s.nonce + "-" + strconv.Itoa(s.gen)
	s.mu.Unlock()

	next := &state{id: id, built: now, files: prev.files, root: prev.root, good: prev.good}
	show := b.Page
	if b.Page.Problems.HasErrors() {
		if prev.good != nil {
			show = prev.good.Page
		} else {
			show = Page{}
		}
		show.Failed = b.Page.Problems.Errors()
	} else {
		next.files, next.root = make(map[string]File, len(b.Files)), b.Root
		for _, f := range b.Files {
			next.files[f.Key] = f
		}
		b.Page.Built = now
		next.good = &b
		show = b.Page
	}
	show.Live = id
	if show.ReadFile == nil {
		files, root := next.files, next.root
		show.ReadFile = func(key string) ([]byte, error) { return readFile(files, root, key) }
	}
	var buf bytes.Buffer
	if err := Render(&buf, show); err != nil {
		// Our template failed, not the site: say so rather than serve half a page.
		buf.Reset()
		fmt.Fprintf(&buf, "<!doctype html><title>feedpub preview</title><p>The preview page cannot be drawn: %s</p>", html.EscapeString(err.Error()))
	}
	next.page = buf.Bytes()

	s.mu.Lock()
	s.state = next
	for ch := range s.subs {
		select {
		case <-ch: // drop an id the page has not read: only the newest counts
		default:
		}
		ch <- id
	}
	s.mu.Unlock()
	return b.Page.Problems
}

func readFile(files map[string]File, root, key string) ([]byte, error) {
	f, ok := files[key]
	switch {
	case !ok:
		return nil, fmt.Errorf("%s is not in the build", key)
	case f.Path == "":
		return f.Body, nil
	}
	return sitefs.ReadFile(root, f.Path, f.Size)
}

// verified names a file on disk whose SHA-256 was found to be the build's.
type verified struct {
	path, sum string
	size      int64
	mod       time.Time
	dev, ino  uint64
}

// open opens a file of the build the way the build read it: through
// sitefs (a regular file inside the site, never through a link out of it,
// never a FIFO), and only while it is what the build read: the same size
// and SHA-256. The hash is taken once per version of the file (its inode,
// size and modification time), not on every request of a player seeking.
func (s *Server) open(root string, f File) (*os.File, fs.FileInfo, error) {
	fh, err := sitefs.Open(root, f.Path, f.Size)
	if err != nil {
		return nil, nil, err
	}
	fi, err := fh.Stat()
	if err == nil && fi.Size() != f.Size {
		err = fmt.Errorf("is %d bytes, the build read %d: changed since", fi.Size(), f.Size)
	}
	if err == nil && f.SHA256 != "" {
		err = s.verify(fh, fi, f)
	}
	if err != nil {
		fh.Close()
		return nil, nil, err
	}
	return fh, fi, nil
}

func (s *Server) verify(fh *os.File, fi fs.FileInfo, f File) error {
	v := verified{path: f.Path, sum: f.SHA256, size: fi.Size(), mod: fi.ModTime()}
	v.dev, v.ino = fileID(fi)
	s.mu.Lock()
	ok := s.verified[v]
	s.mu.Unlock()
	if ok {
		return nil
	}
	h := sha256.New()
	if _, err := io.Copy(h, fh); err != nil {
		return err
	}
	if hex.EncodeToString(h.Sum(nil)) != f.SHA256 {
		return errors.New("its content is not what the build read: changed since")
	}
	if _, err := fh.Seek(0, io.SeekStart); err != nil {
		return err
	}
	s.mu.Lock()
	s.verified[v] = true
	s.mu.Unlock()
	return nil
}

// Close ends every open event stream, so that http.Server.Shutdown need
// not wait for pages that would listen for ever.
func (s *Server) Close() { s.once.Do(func() { close(s.closed) }) }

// ServeHTTP serves GET and HEAD: the page at /, EventsPath, and the files
// of the build at their keys. A request names a key of the build or
// nothing: the path is looked up in the build's map, never joined to a
// folder, so no request reaches a file the build does not publish.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "the preview serves GET and HEAD only", http.StatusMethodNotAllowed)
		return
	}
	s.mu.Lock()
	st := s.state
	s.mu.Unlock()
	switch r.URL.Path {
	case "/":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		http.ServeContent(w, r, "", st.built, bytes.NewReader(st.page))
		return
	case EventsPath:
		s.events(w, r)
		return
	}
	f, ok := st.files[strings.TrimPrefix(r.URL.Path, "/")]
	if !ok {
		http.Error(w, "not a file of the build", http.StatusNotFound)
		return
	}
	var (
		content io.ReadSeeker = bytes.NewReader(f.Body)
		mod                   = st.built
	)
	if f.Path != "" {
		fh, fi, err := s.open(st.root, f)
		if err != nil {
			s.logf("%s: not served: %v", f.Key, err)
			http.Error(w, fmt.Sprintf("%s: %v (rebuilding will tell)", f.Key, err), http.StatusNotFound)
			return
		}
		defer fh.Close()
		mod, content = fi.ModTime(), fh
	}
	h := w.Header()
	// Set, so ServeContent never sniffs: the preview says what the
	// published object will say.
	h.Set("Content-Type", f.ContentType)
	h.Set("X-Content-Type-Options", "nosniff")
	// The file may change with the next edit: revalidate each time, which
	// the ETag makes cheap.
	h.Set("Cache-Control", "no-cache")
	if f.SHA256 != "" {
		h.Set("ETag", `"`+f.SHA256+`"`)
	}
	http.ServeContent(w, r, f.Key, mod, content)
}

// events streams the id of the build being served, now and after every
// rebuild; the page reloads when it differs from its own.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	ch := make(chan string, 1)
	s.mu.Lock()
	s.subs[ch] = struct{}{}
	id := s.state.id
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.subs, ch)
		s.mu.Unlock()
	}()
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	for {
		if _, err := fmt.Fprintf(w, "event: build\ndata: %s\n\n", id); err != nil {
			return
		}
		fl.Flush()
		select {
		case id = <-ch:
		case <-r.Context().Done():
			return
		case <-s.closed:
			return
		}
	}
}
