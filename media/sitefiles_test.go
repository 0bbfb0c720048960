package media

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/feedpub/feedpub/config/diag"
	"github.com/feedpub/feedpub/config/state"
)

// Only regular files inside the site are read: a FIFO would block forever,
// and a symlink out of the site would publish whatever it points at.
func TestProbeAllReadsOnlyRegularFilesInsideTheSite(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	copyFile(t, filepath.Join(example, "media", "heroine.mp3"), filepath.Join(root, "media", "heroine.mp3"))
	copyFile(t, filepath.Join(example, "media", "heroine.mp3"), filepath.Join(outside, "secret.mp3"))
	if err := syscall.Mkfifo(filepath.Join(root, "media", "fifo.mp3"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "secret.mp3"), filepath.Join(root, "media", "out.mp3")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("heroine.mp3", filepath.Join(root, "media", "alias.mp3")); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	assets, ps := ProbeAll(ctx, root, []Request{
		req("media/fifo.mp3", KindAudio), req("media/out.mp3", KindAudio),
		req("media/alias.mp3", KindAudio), req("media/heroin.mp3", KindAudio),
	}, Options{})
	if ctx.Err() != nil {
		t.Fatal("ProbeAll outlived its deadline")
	}
	msg := ps.Err().Error()
	for _, want := range []string{
		"reviews/x.md:7: audio.file: audio media/fifo.mp3: is a named pipe (FIFO), not a regular file",
		"audio media/out.mp3: is a symlink to a place outside the site folder",
		`audio media/heroin.mp3: file not found (did you mean "media/heroine.mp3"?)`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("missing %q in:\n%s", want, msg)
		}
	}
	if len(ps.Errors()) != 3 {
		t.Errorf("%d errors, want 3:\n%s", len(ps.Errors()), msg)
	}
	if a := assets["media/alias.mp3"]; a == nil || a.Path != filepath.Join(mustEval(t, root), "media", "heroine.mp3") {
		t.Errorf("a symlink inside the site: %+v", a)
	}
}

func mustEval(t *testing.T, p string) string {
	t.Helper()
	r, err := filepath.EvalSymlinks(p)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestCheckTimedRefusesAnOversizedTranscript(t *testing.T) {
	root := t.TempDir()
	p := filepath.Join(root, "t.vtt")
	if err := os.WriteFile(p, []byte("WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nHi\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	assets, ps := ProbeAll(context.Background(), root, []Request{req("t.vtt", KindTranscript)}, Options{})
	if ps.HasErrors() {
		t.Fatal(ps.Err())
	}
	// The file grows past the limit after probing: CheckTimed must not read
	// it whole.
	if err := os.Truncate(p, 51<<20); err != nil {
		t.Fatal(err)
	}
	got := CheckTimed(assets["t.vtt"], diag.Problem{File: "reviews/x.md"}, time.Minute)
	if !strings.Contains(got.Err().Error(), "t.vtt: file is 51 MB; the limit is 50 MB") {
		t.Errorf("got %v", got)
	}
}

// A FIFO where the probe cache should be must not hang the build.
func TestOpenCacheIgnoresAFIFO(t *testing.T) {
	st := state.Open(t.TempDir(), state.Options{BuildID: "A", Key: []byte("test key")})
	p := st.Path(state.ProbeFile)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Fatal(err)
	}
	done := make(chan *Cache, 1)
	go func() { done <- OpenCache(st) }()
	select {
	case c := <-done:
		if len(c.entries) != 0 {
			t.Errorf("entries from a FIFO: %v", c.entries)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("OpenCache blocked on a FIFO")
	}
}
