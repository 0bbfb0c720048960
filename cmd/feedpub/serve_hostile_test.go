package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// getWithin fetches url, failing the test if no answer comes in 5 s (a
// FIFO opened by the server would hang it).
func getWithin(t *testing.T, url string) (int, []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	return r.StatusCode, b
}

// serve serves only what its last good build read: a media file swapped,
// after the build, for a link out of the site, a FIFO, or other bytes of
// the same size is not served (404), whatever the rebuild says.
func TestServeServesOnlyWhatTheBuildRead(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "shadow")
	writeFile(t, secret, "root:secret-hash:19000:0:99999:7:::\n")
	for _, tc := range []struct {
		name string
		swap func(t *testing.T, p string, size int)
	}{
		{"a link out of the site", func(t *testing.T, p string, _ int) { symlink(t, secret, p) }},
		{"a FIFO", func(t *testing.T, p string, _ int) { mkfifo(t, p) }},
		{"other bytes of the same size", func(t *testing.T, p string, size int) {
			writeFile(t, p, strings.Repeat("x", size))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyExample(t)
			base := serving(t, dir)
			code, orig := getWithin(t, base+"media/heroine.mp3")
			if code != 200 || len(orig) == 0 {
				t.Fatalf("before: status %d, %d bytes", code, len(orig))
			}
			p := filepath.Join(dir, "media", "heroine.mp3")
			if err := os.Remove(p); err != nil {
				t.Fatal(err)
			}
			tc.swap(t, p, len(orig))
			// At once, before any rebuild, and again once rebuilds had time.
			for i := 0; i < 2; i++ {
				code, body := getWithin(t, base+"media/heroine.mp3")
				if code != http.StatusNotFound || bytes.Contains(body, []byte("secret-hash")) {
					t.Fatalf("after the swap (%d): status %d, body %.60q", i, code, body)
				}
				time.Sleep(500 * time.Millisecond)
			}
		})
	}
}

// serve > serve.log in the site folder: serve's own writes never rebuild
// (each rebuild logged a line, which rebuilt again, for ever).
func TestServeOwnOutputDoesNotRebuild(t *testing.T) {
	dir := copyExample(t)
	logf, err := os.Create(filepath.Join(dir, "serve.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close()
	e := &env{Stdout: logf, Stderr: logf, Now: func() time.Time { return now }, IsTerminal: func(io.Writer) bool { return false }}
	ctx, cancel := context.WithCancel(context.Background())
	exited := make(chan int, 1)
	go func() {
		exited <- runContext(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--config", filepath.Join(dir, "feedpub.yaml")}, e)
	}()
	defer func() { cancel(); <-exited }()
	waitFor := func(what string, ok func(string) bool) {
		t.Helper()
		for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			b, _ := os.ReadFile(logf.Name())
			if ok(string(b)) {
				return
			}
		}
		b, _ := os.ReadFile(logf.Name())
		t.Fatalf("%s: not seen in a minute; log:\n%s", what, b)
	}
	waitFor("previewing", func(s string) bool { return strings.Contains(s, "previewing ") })
	// An edit rebuilds once; the lines that rebuild logs do not rebuild.
	editEntry(t, dir, "heroine.md", "rating: 4", "rating: 5")
	waitFor("a rebuild", func(s string) bool { return strings.Contains(s, "rebuilt in") })
	time.Sleep(time.Second)
	b, _ := os.ReadFile(logf.Name())
	if n := strings.Count(string(b), "rebuilt in"); n != 1 {
		t.Errorf("%d rebuilds for one edit; log:\n%s", n, b)
	}
}
