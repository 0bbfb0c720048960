package preview

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/feedpub/feedpub/config/diag"
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
	Path        string // on disk; "" when Body is set
	Body        []byte
}

// Build is the outcome of one build of the site.
type Build struct {
	Page  Page   // Live, Failed and Built are set by the Server
	Files []File // every file of the published tree; none when it failed
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
}

// state is what the server serves: the page and the last good build's
// files, swapped whole by Rebuild.
type state struct {
	id    string
	page  []byte
	built time.Time
	files map[string]File
	good  *Build // the last build without errors; nil before the first
}

// NewServer returns a server that builds with build. It serves nothing
// until the first Rebuild.
func NewServer(build BuildFunc) *Server {
	return &Server{
		build:  build,
		nonce:  strconv.FormatInt(time.Now().UnixNano(), 36),
		state:  &state{files: map[string]File{}},
		subs:   map[chan string]struct{}{},
		closed: make(chan struct{}),
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

	next := &state{id: id, built: now, files: prev.files, good: prev.good}
	show := b.Page
	if b.Page.Problems.HasErrors() {
		if prev.good != nil {
			show = prev.good.Page
		} else {
			show = Page{}
		}
		show.Failed = b.Page.Problems.Errors()
	} else {
		next.files = make(map[string]File, len(b.Files))
		for _, f := range b.Files {
			next.files[f.Key] = f
		}
		b.Page.Built = now
		next.good = &b
		show = b.Page
	}
	show.Live = id
	if show.ReadFile == nil {
		files := next.files
		show.ReadFile = func(key string) ([]byte, error) { return readFile(files, key) }
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

func readFile(files map[string]File, key string) ([]byte, error) {
	f, ok := files[key]
	switch {
	case !ok:
		return nil, fmt.Errorf("%s is not in the build", key)
	case f.Path == "":
		return f.Body, nil
	}
	return os.ReadFile(f.Path)
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
		fh, err := os.Open(f.Path)
		if err != nil {
			http.Error(w, fmt.Sprintf("%s: %v (rebuilding will tell)", f.Key, err), http.StatusNotFound)
			return
		}
		defer fh.Close()
		if fi, err := fh.Stat(); err == nil {
			mod = fi.ModTime()
		}
		content = fh
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
