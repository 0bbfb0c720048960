package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer safe for the progress renderer's goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *lockedBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *lockedBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// cliOutcome is the outcome of one run of the CLI.
type cliOutcome struct {
	code           int
	stdout, stderr string
}

func (r cliOutcome) String() string {
	return "exit " + string(rune('0'+r.code)) + "\nstdout:\n" + r.stdout + "\nstderr:\n" + r.stderr
}

// runFeedpub runs feedpub with args as main does, with a fake terminal when
// tty is set.
func runFeedpub(t testing.TB, tty bool, args ...string) cliOutcome {
	t.Helper()
	var stdout, stderr lockedBuffer
	e := &env{
		Stdout:     &stdout,
		Stderr:     &stderr,
		Now:        func() time.Time { return time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC) },
		IsTerminal: func(io.Writer) bool { return tty },
	}
	code := run(args, e)
	return cliOutcome{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// copyReelverdicts copies the example site's sources (not its built tree or
// probe cache) into a fresh folder and returns its config file.
func copyReelverdicts(t testing.TB) string {
	t.Helper()
	return filepath.Join(copyExample(t), "feedpub.yaml")
}

func copyAll(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		out := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(out, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(out, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestBarProgress drives the bars from several goroutines, as publish does,
// and checks the bookkeeping: only large uploads get a bar, a body read
// twice (a retried request) counts once, a failed upload is not counted as
// done, and the overall bar reaches its total.
func TestBarProgress(t *testing.T) {
	var out lockedBuffer
	bp := newBarProgress(&out, 100)
	type upload struct {
		key   string
		size  int64
		reads int // how often the body is read in full
		err   error
	}
	ups := []upload{
		{"podcast.xml", 7000, 1, nil},
		{"artwork/cover.jpg", 15000, 1, nil},
		{"media/heroine.mp4", 3 << 20, 2, nil}, // retried: read twice
		{"media/heroine.mp3", 2 << 20, 1, nil},
		{"media/dune.mp4", 5 << 20, 0, errors.New("connection reset")},
	}
	var planned int64
	for _, u := range ups {
		planned += u.size
	}
	bp.Planned(len(ups), planned)
	var wg sync.WaitGroup
	for _, u := range ups {
		wg.Go(func() {
			bp.Start(u.key, u.size)
			for range u.reads {
				for left := u.size; left > 0; left -= 64 << 10 {
					bp.Add(u.key, min(left, 64<<10))
				}
			}
			if u.err != nil {
				bp.Add(u.key, u.size/3) // part of the body went out
			}
			bp.Done(u.key, u.err)
		})
	}
	wg.Wait()
	sent, gotPlanned, done, failed, bars := bp.stats()
	wantSent := planned - (5 << 20) + (5<<20)/3
	if sent != wantSent || gotPlanned != planned || done != 5 || failed != 1 || bars != 3 {
		t.Errorf("stats: sent %d (want %d), planned %d (want %d), done %d (want 5), failed %d (want 1), bars %d (want 3)",
			sent, wantSent, gotPlanned, planned, done, failed, bars)
	}
	bp.Printf("uploaded %s", "podcast.xml")
	bp.Finish()
	got := out.String()
	for _, want := range []string{"uploading 5 files", "uploaded podcast.xml"} {
		if !strings.Contains(got, want) {
			t.Errorf("rendered output lacks %q:\n%s", want, got)
		}
	}
	for _, small := range []string{"podcast.xml ", "artwork/cover.jpg"} {
		if strings.Contains(strings.ReplaceAll(got, "uploaded podcast.xml", ""), small) {
			t.Errorf("a small upload (%s) got a bar:\n%s", small, got)
		}
	}
}

// TestBarProgressNothingPlanned: an unchanged site shows no bar at all.
func TestBarProgressNothingPlanned(t *testing.T) {
	var out lockedBuffer
	bp := newBarProgress(&out, 80)
	bp.Planned(0, 0)
	bp.Finish()
	if strings.Contains(out.String(), "uploading") {
		t.Errorf("bar shown for nothing to upload: %q", out.String())
	}
}

// TestPublishProgressOutput runs publish to a folder and checks what each
// kind of output shows: plain lines with --verbose when not on a terminal,
// bars on a terminal, nothing with --quiet, only JSON with --json.
func TestPublishProgressOutput(t *testing.T) {
	for _, tc := range []struct {
		name  string
		tty   bool
		args  []string
		check func(t *testing.T, r cliOutcome)
	}{
		{"pipe verbose", false, []string{"-v"}, func(t *testing.T, r cliOutcome) {
			if n := strings.Count(r.stdout, "\nuploaded "); n != 17 {
				t.Errorf("want 17 'uploaded' lines, got %d", n)
			}
			if strings.Contains(r.stdout+r.stderr, "\x1b[") {
				t.Error("terminal escapes in plain output")
			}
		}},
		{"pipe", false, nil, func(t *testing.T, r cliOutcome) {
			if strings.Contains(r.stdout, "uploaded ") || r.stderr != "" {
				t.Error("per-upload lines without --verbose")
			}
			if !strings.Contains(r.stdout, "published to ") {
				t.Error("no summary")
			}
		}},
		{"terminal", true, nil, func(t *testing.T, r cliOutcome) {
			if !strings.Contains(r.stderr, "uploading 17 files") {
				t.Error("no overall bar on the terminal")
			}
			if !strings.Contains(r.stdout, "published to ") {
				t.Error("no summary")
			}
		}},
		{"terminal verbose", true, []string{"-v"}, func(t *testing.T, r cliOutcome) {
			if n := strings.Count(r.stdout+r.stderr, "uploaded "); n != 17 {
				t.Errorf("want 17 'uploaded' lines, got %d", n)
			}
		}},
		{"terminal quiet", true, []string{"-q"}, func(t *testing.T, r cliOutcome) {
			if r.stdout != "" || r.stderr != "" {
				t.Error("output with --quiet")
			}
		}},
		{"terminal json", true, []string{"--json"}, func(t *testing.T, r cliOutcome) {
			var s summary
			if err := json.Unmarshal([]byte(r.stdout), &s); err != nil {
				t.Errorf("stdout is not JSON: %v", err)
			}
			if s.Uploaded != 17 || r.stderr != "" {
				t.Errorf("uploaded %d, want 17; stderr %q", s.Uploaded, r.stderr)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := copyReelverdicts(t)
			t.Setenv("FEEDPUB_PUBLISH_TARGET", filepath.Join(filepath.Dir(cfg), "out"))
			args := append([]string{"publish", "--config", cfg}, tc.args...)
			r := runFeedpub(t, tc.tty, args...)
			if r.code != 0 {
				t.Fatalf("publish: %s", r)
			}
			tc.check(t, r)
			if t.Failed() {
				t.Logf("%s", r)
			}
		})
	}
}
