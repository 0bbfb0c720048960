package remote

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/feedpub/feedpub/config/safehttp"
	"github.com/feedpub/feedpub/config/state"
	"github.com/feedpub/feedpub/media/probe/probetest"
)

// served is one request the test server answered.
type served struct {
	method, rng string
	bytes       int64 // body bytes written
}

// server serves files from a map by path with http.ServeContent (ranges,
// HEAD, ETag, Last-Modified as a real host does), and logs every request.
type server struct {
	*httptest.Server
	mu    sync.Mutex
	log   []served
	base  int // where the log since the last reset starts
	files map[string]io.ReadSeeker
	etag  map[string]string
	// handle, when set, answers a request itself (return true).
	handle func(w http.ResponseWriter, r *http.Request) bool
}

// countingWriter adds what it writes to its request's log entry before
// writing it, so the log is complete by the time the client has the bytes.
type countingWriter struct {
	http.ResponseWriter
	s *server
	i int
}

func (c *countingWriter) Write(p []byte) (int, error) {
	c.add(int64(len(p))) // before the client can have them
	n, err := c.ResponseWriter.Write(p)
	c.add(int64(n - len(p)))
	return n, err
}

func (c *countingWriter) add(n int64) {
	c.s.mu.Lock()
	c.s.log[c.i].bytes += n
	c.s.mu.Unlock()
}

func (c *countingWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }

func newServer(t *testing.T) *server {
	s := &server{files: map[string]io.ReadSeeker{}, etag: map[string]string{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.log = append(s.log, served{method: r.Method, rng: r.Header.Get("Range")})
		cw := &countingWriter{ResponseWriter: w, s: s, i: len(s.log) - 1}
		s.mu.Unlock()
		if s.handle != nil && s.handle(cw, r) {
			return
		}
		f, ok := s.files[r.URL.Path]
		if !ok {
			http.NotFound(cw, r)
			return
		}
		if e := s.etag[r.URL.Path]; e != "" {
			cw.Header().Set("ETag", e)
		}
		cw.Header().Set("Content-Type", "application/octet-stream")
		http.ServeContent(cw, r, r.URL.Path, time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), f)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *server) add(p string, data []byte) { s.files[p] = bytes.NewReader(data) }

func (s *server) requests() []served {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]served(nil), s.log[s.base:]...)
}

// reset starts a new log; a request still being answered keeps adding to
// its entry in the old one.
func (s *server) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.base = len(s.log)
}

// sent is the body bytes the server wrote in all.
func (s *server) sent() int64 {
	var n int64
	for _, r := range s.requests() {
		n += r.bytes
	}
	return n
}

func client() *http.Client { return safehttp.NewClient(safehttp.Options{}) }

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "probe", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestProbeFixturesByRange(t *testing.T) {
	s := newServer(t)
	for _, c := range []struct {
		name     string
		duration float64
		codecs   string
	}{
		{"mp3_cbr.mp3", 3.343673, "mp3"},
		{"m4a_moov_end.m4a", 3.1, "mp4a.40.2"},
	} {
		data := fixture(t, c.name)
		s.add("/"+c.name, data)
		s.reset()
		r := &Reader{Client: client()}
		f, err := r.Probe(context.Background(), s.URL+"/"+c.name+"?token=secret")
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if f.Size != int64(len(data)) || math.Abs(f.Info.Duration.Seconds()-c.duration) > 0.01 {
			t.Errorf("%s: size %d duration %v, want %d and %.3fs", c.name, f.Size, f.Info.Duration, len(data), c.duration)
		}
		if f.ETag != "" || f.LastModified == "" {
			t.Errorf("%s: ETag %q Last-Modified %q", c.name, f.ETag, f.LastModified)
		}
		if n := len(s.requests()); n > 4 {
			t.Errorf("%s: %d requests: %v", c.name, n, s.requests())
		}
	}
}

// ffmpegOrSkip follows media/probe's TestAgainstFFprobe: without ffmpeg
// the test skips, unless FEEDPUB_TEST_REQUIRE_FFMPEG=1.
func ffmpegOrSkip(t *testing.T) {
	t.Helper()
	_, err1 := exec.LookPath("ffmpeg")
	_, err2 := exec.LookPath("ffprobe")
	if err1 != nil || err2 != nil {
		if os.Getenv("FEEDPUB_TEST_REQUIRE_FFMPEG") == "1" {
			t.Fatalf("FEEDPUB_TEST_REQUIRE_FFMPEG=1 but ffmpeg/ffprobe are not on PATH: %v %v", err1, err2)
		}
		t.Skip("ffmpeg or ffprobe not on PATH (set FEEDPUB_TEST_REQUIRE_FFMPEG=1 to fail instead)")
	}
}

func ffprobeDuration(t *testing.T, p string) float64 {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", p).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", p, err)
	}
	d, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// The acceptance case: an MP3 and an MP4 with its moov at the end, each a
// few megabytes, probed over HTTP with fewer than 5 requests and under
// 1 MB read, with ffprobe's durations.
func TestRemoteMP3AndMP4AgainstFFprobe(t *testing.T) {
	ffmpegOrSkip(t)
	dir := t.TempDir()
	sine := "sine=frequency=440:sample_rate=44100:duration=187.3"
	cases := []struct {
		file string
		tol  float64
		args []string
	}{
		{"ep.mp3", 0.05, []string{"-f", "lavfi", "-i", sine, "-c:a", "libmp3lame", "-b:a", "128k"}},
		// No +faststart: ffmpeg writes moov after mdat.
		{"ep.mp4", 0.001, []string{"-f", "lavfi", "-i", "testsrc=size=320x240:rate=25:duration=61.2", "-f", "lavfi", "-i", sine,
			"-c:v", "libx264", "-preset", "ultrafast", "-b:v", "400k", "-c:a", "aac", "-b:a", "64k", "-shortest"}},
	}
	s := newServer(t)
	for _, c := range cases {
		p := filepath.Join(dir, c.file)
		args := append([]string{"-hide_banner", "-loglevel", "error", "-y"}, c.args...)
		if out, err := exec.Command("ffmpeg", append(args, p)...).CombinedOutput(); err != nil {
			t.Fatalf("ffmpeg %s: %v\n%s", c.file, err, out)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if c.file == "ep.mp4" && bytes.Index(data, []byte("moov")) < bytes.Index(data, []byte("mdat")) {
			t.Fatal("the MP4 has its moov first")
		}
		if len(data) < 2<<20 {
			t.Fatalf("%s is only %d bytes; the test needs a file larger than what may be read", c.file, len(data))
		}
		s.add("/"+c.file, data)
		s.reset()
		f, err := (&Reader{Client: client()}).Probe(context.Background(), s.URL+"/"+c.file)
		if err != nil {
			t.Fatal(err)
		}
		want := ffprobeDuration(t, p)
		if got := f.Info.Duration.Seconds(); math.Abs(got-want) > c.tol {
			t.Errorf("%s: duration %.4f, ffprobe says %.4f", c.file, got, want)
		}
		reqs := s.requests()
		if len(reqs) >= 5 || s.sent() >= 1<<20 {
			t.Errorf("%s (%d bytes): %d requests, %d bytes sent, want < 5 and < 1 MB: %v", c.file, len(data), len(reqs), s.sent(), reqs)
		}
		t.Logf("%s: %d bytes, %d requests, %d bytes read: %v", c.file, len(data), len(reqs), s.sent(), reqs)
	}
}

// sparseMP4 is a 2 GiB MP4 made on the fly: the fixture's ftyp, an mdat
// of zeros, then the fixture's moov, as a non-faststart encoder leaves it.
type sparseMP4 struct {
	head, tail []byte
	tailAt     int64
	off        int64
}

func (s *sparseMP4) size() int64 { return s.tailAt + int64(len(s.tail)) }

func (s *sparseMP4) Read(p []byte) (int, error) {
	if s.off >= s.size() {
		return 0, io.EOF
	}
	n := int(min(int64(len(p)), s.size()-s.off))
	for i := range n {
		o := s.off + int64(i)
		switch {
		case o < int64(len(s.head)):
			p[i] = s.head[o]
		case o >= s.tailAt:
			p[i] = s.tail[o-s.tailAt]
		default:
			p[i] = 0
		}
	}
	s.off += int64(n)
	return n, nil
}

func (s *sparseMP4) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
		s.off = off
	case io.SeekCurrent:
		s.off += off
	case io.SeekEnd:
		s.off = s.size() + off
	}
	return s.off, nil
}

func TestTwoGigabyteFileIsNeverReadWhole(t *testing.T) {
	fix := fixture(t, "mp4_h264_aac.mp4")
	var head bytes.Buffer
	head.Write(probetest.TopLevelBox(t, fix, "ftyp"))
	const mdat = 2 << 30
	binary.Write(&head, binary.BigEndian, uint32(1))
	head.WriteString("mdat")
	binary.Write(&head, binary.BigEndian, uint64(16+mdat))
	sp := &sparseMP4{head: head.Bytes(), tail: probetest.TopLevelBox(t, fix, "moov"), tailAt: int64(head.Len()) + mdat}
	s := newServer(t)
	s.files["/big.mp4"] = sp
	s.etag["/big.mp4"] = `"big-1"`
	f, err := (&Reader{Client: client()}).Probe(context.Background(), s.URL+"/big.mp4")
	if err != nil {
		t.Fatal(err)
	}
	if f.Size != sp.size() || f.Size < 2<<30 || f.Info.Duration <= 0 || !f.Info.HasVideo {
		t.Errorf("facts %+v", f)
	}
	reqs := s.requests()
	for _, r := range reqs {
		if r.method == http.MethodGet && r.rng == "" {
			t.Errorf("a GET without a range: the whole file was asked for")
		}
	}
	if len(reqs) >= 5 || s.sent() >= 1<<20 {
		t.Errorf("%d requests, %d bytes sent of %d: %v", len(reqs), s.sent(), f.Size, reqs)
	}
}

func TestRemoteErrors(t *testing.T) {
	s := newServer(t)
	mp3 := fixture(t, "mp3_cbr.mp3")
	s.add("/ep.mp3", mp3)
	s.handle = func(w http.ResponseWriter, r *http.Request) bool {
		switch r.URL.Path {
		case "/loop-a":
			http.Redirect(w, r, "/loop-b", http.StatusFound)
		case "/loop-b":
			http.Redirect(w, r, "/loop-a", http.StatusFound)
		case "/page.mp3":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, "<!doctype html><title>Episode 1</title>")
		case "/no-ranges.mp3":
			w.Header().Set("Accept-Ranges", "none")
			w.Header().Set("Content-Length", strconv.Itoa(len(mp3)))
			if r.Method == http.MethodGet {
				w.Write(mp3)
			}
		case "/ignores-ranges.mp3":
			// Answers every GET with the whole file, as some hosts do.
			w.Header().Set("Content-Length", strconv.Itoa(len(mp3)))
			if r.Method == http.MethodGet {
				w.Write(mp3)
			}
		default:
			return false
		}
		return true
	}
	for _, c := range []struct {
		path  string
		err   error
		words string
	}{
		{"/gone.mp3", ErrNotFound, "HTTP 404"},
		{"/loop-a", safehttp.ErrRedirectLoop, "redirect loop"},
		{"/page.mp3", ErrHTML, "text/html"},
		{"/no-ranges.mp3", ErrNoRanges, "Accept-Ranges: none"},
		{"/ignores-ranges.mp3", ErrNoRanges, "HTTP 200 to a range request"},
	} {
		_, err := (&Reader{Client: client()}).Probe(context.Background(), s.URL+c.path+"?sig=secret")
		if !errors.Is(err, c.err) || !strings.Contains(err.Error(), c.words) || !strings.Contains(err.Error(), c.path) {
			t.Errorf("%s: got %v, want %v naming the URL and %q", c.path, err, c.err, c.words)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("%s: the query is printed: %v", c.path, err)
		}
	}
	if _, err := (&Reader{Client: client()}).Probe(context.Background(), "ftp://host/ep.mp3"); err == nil || !strings.Contains(err.Error(), "want http or https") {
		t.Errorf("ftp URL: %v", err)
	}
}

// A host that refuses HEAD, or answers it without a length, is asked with
// a ranged GET instead.
func TestHeadRefusedOrWithoutLength(t *testing.T) {
	for _, head := range []func(w http.ResponseWriter){
		func(w http.ResponseWriter) { w.WriteHeader(http.StatusMethodNotAllowed) },
		func(w http.ResponseWriter) { w.Header().Set("Content-Type", "audio/mp4"); w.WriteHeader(http.StatusOK) },
	} {
		s := newServer(t)
		data := fixture(t, "m4a_moov_end.m4a")
		s.add("/ep.m4a", data)
		s.handle = func(w http.ResponseWriter, r *http.Request) bool {
			if r.Method == http.MethodHead {
				head(w)
				return true
			}
			return false
		}
		f, err := (&Reader{Client: client()}).Probe(context.Background(), s.URL+"/ep.m4a")
		if err != nil || f.Info.Duration <= 0 || f.Size != int64(len(data)) {
			t.Fatalf("%+v %v", f, err)
		}
		if reqs := s.requests(); len(reqs) != 2 {
			t.Errorf("%d requests, want the HEAD and one ranged GET: %v", len(reqs), reqs)
		}
	}
}

func TestCacheAndHash(t *testing.T) {
	s := newServer(t)
	mp3 := fixture(t, "mp3_cbr.mp3")
	s.add("/ep.mp3", mp3)
	s.etag["/ep.mp3"] = `"v1"`
	st := testStore(t.TempDir(), "A")
	path := st.Path(state.RemoteFile)
	u := s.URL + "/ep.mp3"

	c := OpenCache(st)
	f1, err := (&Reader{Client: client(), Cache: c}).Probe(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	if f1.SHA256 != "" {
		t.Error("hashed without Hash")
	}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}

	// Unchanged: one HEAD, the facts from the cache.
	s.reset()
	c = OpenCache(st)
	f2, err := (&Reader{Client: client(), Cache: c}).Probe(context.Background(), u)
	if err != nil || f2.Info.Duration != f1.Info.Duration {
		t.Fatalf("%+v %v", f2, err)
	}
	if reqs := s.requests(); len(reqs) != 1 || reqs[0].method != http.MethodHead {
		t.Errorf("cached: %v, want one HEAD", reqs)
	}

	// Hash reads the whole file once and is right.
	s.reset()
	f3, err := (&Reader{Client: client(), Cache: c, Hash: true}).Probe(context.Background(), u)
	sum := sha256.Sum256(mp3)
	if err != nil || f3.SHA256 != hex.EncodeToString(sum[:]) {
		t.Fatalf("hash %q, err %v", f3.SHA256, err)
	}
	if s.sent() < int64(len(mp3)) {
		t.Errorf("hashing sent %d bytes of %d", s.sent(), len(mp3))
	}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}

	// A new ETag (the file was replaced): probed again.
	s.etag["/ep.mp3"] = `"v2"`
	s.add("/ep.mp3", fixture(t, "mp3_vbr.mp3"))
	s.reset()
	c = OpenCache(st)
	f4, err := (&Reader{Client: client(), Cache: c}).Probe(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.requests()) < 2 || f4.ETag != `"v2"` || f4.Size == f1.Size && f4.Info.Duration == f1.Info.Duration {
		t.Errorf("after a change: %v requests, facts %+v", s.requests(), f4)
	}
	if f4.SHA256 != "" {
		t.Error("the old file's hash was kept for the new one")
	}

	// A damaged cache file is an empty cache.
	if err := os.WriteFile(path, []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, ok := OpenCache(st).get(u); ok {
		t.Error("a damaged cache gave an entry")
	}
}

// testStore is the state store of the site folder dir as the feedpub build
// id would have it, signed with a key of the test's own.
func testStore(dir, id string) *state.Store {
	return state.Open(dir, state.Options{BuildID: id, Key: []byte("test key")})
}

// A cache file that someone else wrote (a pull request that commits
// .feedpub/) is not believed, though its validators are right.
func TestForgedCacheIsAMiss(t *testing.T) {
	s := newServer(t)
	s.add("/ep.mp3", fixture(t, "mp3_cbr.mp3"))
	s.etag["/ep.mp3"] = `"v1"`
	dir := t.TempDir()
	st := testStore(dir, "A")
	path := st.Path(state.RemoteFile)
	u := s.URL + "/ep.mp3"
	c := OpenCache(st)
	if _, err := (&Reader{Client: client(), Cache: c}).Probe(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := OpenCache(st).get(u); !ok {
		t.Fatal("the cache's own file is a miss")
	}
	forge := state.Open(dir, state.Options{BuildID: "A", Key: []byte("other key")})
	if _, ok := OpenCache(forge).get(u); ok {
		t.Error("a file signed with another key was believed")
	}
	// A changed feedpub (another build ID) may read files differently:
	// what an older one cached is not believed.
	if _, ok := OpenCache(testStore(dir, "B")).get(u); ok {
		t.Error("facts cached by another feedpub build were believed")
	}
	tampered := bytes.Replace(data, []byte(`"Duration":`), []byte(`"Duration":1`), 1)
	if bytes.Equal(tampered, data) {
		t.Fatal("no duration to tamper with")
	}
	if err := os.WriteFile(path, tampered, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, ok := OpenCache(st).get(u); ok {
		t.Error("an edited file was believed")
	}
}

func TestFetchSmallFiles(t *testing.T) {
	s := newServer(t)
	s.add("/ep.chapters.json", []byte(`{"version":"1.2.0","chapters":[]}`))
	b, err := Fetch(context.Background(), client(), s.URL+"/ep.chapters.json", 1<<10)
	if err != nil || !bytes.HasPrefix(b, []byte(`{"version"`)) {
		t.Fatalf("%q %v", b, err)
	}
	if _, err := Fetch(context.Background(), client(), s.URL+"/ep.chapters.json", 10); !errors.Is(err, safehttp.ErrTooLarge) {
		t.Errorf("over the cap: %v", err)
	}
	if _, err := Fetch(context.Background(), client(), s.URL+"/none.vtt", 10); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing: %v", err)
	}
}

// A host that sends the headers of a range, then nothing, fails the read
// once requestTimeout has passed, with a message that says so.
func TestStalledHostTimesOut(t *testing.T) {
	defer func(d time.Duration) { requestTimeout = d }(requestTimeout)
	requestTimeout = 300 * time.Millisecond
	s := newServer(t)
	mp3 := fixture(t, "mp3_cbr.mp3")
	s.handle = func(w http.ResponseWriter, r *http.Request) bool {
		w.Header().Set("Content-Length", strconv.Itoa(len(mp3)))
		w.Header().Set("Content-Type", "audio/mpeg")
		if r.Method == http.MethodHead {
			return true
		}
		w.Header().Set("Content-Range", fmt.Sprintf("bytes 0-%d/%d", len(mp3)-1, len(mp3)))
		w.Header().Set("Content-Length", strconv.Itoa(len(mp3)))
		w.WriteHeader(http.StatusPartialContent)
		w.Write(mp3[:10])
		http.NewResponseController(w).Flush()
		<-r.Context().Done() // until the client gives up
		return true
	}
	_, err := (&Reader{Client: client()}).Probe(context.Background(), s.URL+"/ep.mp3")
	if err == nil || !strings.Contains(err.Error(), "no complete answer within 300ms") {
		t.Errorf("got %v", err)
	}
}
