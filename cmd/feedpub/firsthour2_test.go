package main

import (
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// explicit: no reads the same in feedpub.yaml, in an entry and in the
// environment: false.
func TestBooleansReadAlike(t *testing.T) {
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	editConfig(t, dir, "  explicit: false\n  type: episodic", "  explicit: yes\n  type: episodic")
	editEntry(t, dir, "heroine.md", "  season: 3\n", "  season: 3\n  explicit: no\n")
	mustRun(t, "publish", "--config", cfg)
	feed, _ := os.ReadFile(filepath.Join(dir, "public", "podcast.xml"))
	if !strings.Contains(string(feed), "<itunes:explicit>true</itunes:explicit>") || !strings.Contains(item(t, feed, "Heroin(e): a small film with a mighty heart"), "<itunes:explicit>false</itunes:explicit>") {
		t.Errorf("explicit: yes in the config and no in the entry:\n%s", feed)
	}
	t.Setenv("FEEDPUB_PODCAST_EXPLICIT", "no")
	mustRun(t, "publish", "--config", cfg)
	feed, _ = os.ReadFile(filepath.Join(dir, "public", "podcast.xml"))
	if strings.Contains(string(feed), "<itunes:explicit>true</itunes:explicit>") {
		t.Error("FEEDPUB_PODCAST_EXPLICIT=no left an explicit item")
	}
}

func TestCategorySubcategoryAloneSuggestsItsPath(t *testing.T) {
	dir := copyExample(t)
	editConfig(t, dir, `categories: ["TV & Film > Film Reviews"]`, `categories: ["Film Reviews"]`)
	r := feedpub(t, "validate", "--config", filepath.Join(dir, "feedpub.yaml"))
	if r.code != 1 || !strings.Contains(r.stderr, `write "TV & Film > Film Reviews"`) {
		t.Errorf("exit %d\n%s", r.code, r.stderr)
	}
}

// A busy port is not a usage error: exit 1, saying what to do.
func TestServeOnABusyPort(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	dir := copyExample(t)
	r := feedpub(t, "serve", "--addr", l.Addr().String(), "--config", filepath.Join(dir, "feedpub.yaml"))
	if r.code != 1 || strings.Contains(r.stderr, "--help") || !strings.Contains(r.stderr, "choose another port") {
		t.Errorf("exit %d\n%s", r.code, r.stderr)
	}
}

// serve prints a warning once a session, not again at every rebuild.
func TestServeWarnsOnce(t *testing.T) {
	dir := copyExample(t)
	editConfig(t, dir, "base_url: https://media.reelverdicts.example/", "base_url: http://media.reelverdicts.example/")
	var out, errb lockedBuffer
	e := &env{Stdout: &out, Stderr: &errb, Now: func() time.Time { return now }, IsTerminal: func(io.Writer) bool { return false }}
	ctx, cancel := context.WithCancel(context.Background())
	exited := make(chan int, 1)
	go func() {
		exited <- runContext(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--config", filepath.Join(dir, "feedpub.yaml")}, e)
	}()
	defer func() { cancel(); <-exited }()
	for deadline := time.Now().Add(time.Minute); !strings.Contains(out.String(), "previewing "); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start:\n%s", errb.String())
		}
	}
	wait := func(n int) {
		t.Helper()
		for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			if strings.Count(out.String(), "rebuilt in") >= n {
				return
			}
		}
		t.Fatalf("no rebuild %d in a minute:\n%s\n%s", n, out.String(), errb.String())
	}
	for i, rating := range []string{"rating: 5", "rating: 3"} {
		old := "rating: 4"
		if i > 0 {
			old = "rating: 5"
		}
		editEntry(t, dir, "heroine.md", old, rating)
		wait(i + 1)
	}
	if n := strings.Count(errb.String(), "[FP405]"); n != 1 {
		t.Errorf("the http base_url warning printed %d times in one session:\n%s", n, errb.String())
	}
}

// The dry run's summary counts what it lists: with --prune, the deletions.
func TestPruneDryRunCountsDeletions(t *testing.T) {
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	mustRun(t, "publish", "--config", cfg)
	if err := os.Remove(filepath.Join(dir, "reviews", "season-3-trailer.md")); err != nil {
		t.Fatal(err)
	}
	r := mustRun(t, "publish", "--config", cfg, "--prune", "--dry-run")
	listed := strings.Count(r.stdout, "\ndelete ")
	if listed == 0 || !strings.Contains(r.stdout, "delete "+plural(listed, "file")) {
		t.Errorf("%d deletions listed; summary:\n%s", listed, r.stdout)
	}
}
