package preview_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/feedpub/feedpub/feeds/preview"
)

func TestWatcherSeesChangesAllTheWayDown(t *testing.T) {
	dir := t.TempDir()
	reviews := filepath.Join(dir, "reviews")
	if err := os.Mkdir(reviews, 0o755); err != nil {
		t.Fatal(err)
	}
	skip := func(p string) bool { return strings.HasPrefix(filepath.Base(p), ".") }
	w, err := preview.NewWatcher([]string{dir}, skip)
	if err != nil {
		t.Fatal(err)
	}
	changed := make(chan struct{}, 1)
	go w.Run(t.Context(), 10*time.Millisecond, func() {
		select {
		case changed <- struct{}{}:
		default:
		}
	})
	wait := func(what string) {
		t.Helper()
		select {
		case <-changed:
		case <-time.After(10 * time.Second):
			t.Fatalf("no change seen after %s", what)
		}
	}
	write := func(p string) {
		t.Helper()
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(reviews, "a.md"))
	wait("writing reviews/a.md")
	// A folder made while watching is watched from its creation on.
	if err := os.Mkdir(filepath.Join(reviews, "2026"), 0o755); err != nil {
		t.Fatal(err)
	}
	wait("making reviews/2026")
	write(filepath.Join(reviews, "2026", "b.md"))
	wait("writing reviews/2026/b.md")
	if err := os.Rename(filepath.Join(reviews, "a.md"), filepath.Join(reviews, "c.md")); err != nil {
		t.Fatal(err)
	}
	wait("renaming reviews/a.md")
}
