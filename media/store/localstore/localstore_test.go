package localstore

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/feedpub/feedpub/media/store"
	"github.com/feedpub/feedpub/media/store/storetest"
)

func newStore(t testing.TB) store.Store {
	t.Helper()
	s, err := New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, newStore, storetest.Capabilities{Racers: 16})
}

// TestNoLitter checks that the published tree holds only the published
// files: no temporary, lock or sidecar files, and no empty folders after
// Delete.
func TestNoLitter(t *testing.T) {
	root := t.TempDir()
	s, err := New(root)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	body := []byte("hello")
	if _, err := s.Put(ctx, "a/b/c.txt", bytes.NewReader(body), store.PutOptions{Size: -1}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(ctx, "a/b/c.txt", bytes.NewReader(body), store.PutOptions{Size: -1, SHA256: strings.Repeat("0", 64)}); err == nil {
		t.Fatal("Put with a wrong SHA256 succeeded")
	}
	if _, err := s.Put(ctx, "a/b/c.txt", bytes.NewReader(body), store.PutOptions{Size: -1, IfNoneMatch: true}); err == nil {
		t.Fatal("Put IfNoneMatch of an existing key succeeded")
	}
	var files []string
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		rel, _ := filepath.Rel(root, p)
		files = append(files, filepath.ToSlash(rel))
		return err
	})
	if got := strings.Join(files, " "); got != ". a a/b a/b/c.txt" {
		t.Errorf("tree after Puts: %s", got)
	}
	fi, err := os.Stat(filepath.Join(root, "a/b/c.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", fi.Mode().Perm())
	}
	if err := s.Delete(ctx, "a/b/c.txt"); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(root)
	if err != nil || len(entries) != 0 {
		t.Errorf("root after Delete: %v %v, want empty", entries, err)
	}
}

// TestListSkipsTemp checks that an unfinished Put, left by a crash, is not
// listed as an object.
func TestListSkipsTemp(t *testing.T) {
	root := t.TempDir()
	s, err := New(root)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, store.TempPrefix+"123"), []byte("partial"), 0o600); err != nil {
		t.Fatal(err)
	}
	objs, err := s.List(t.Context(), "")
	if err != nil || len(objs) != 0 {
		t.Errorf("List: %v %v, want nothing", objs, err)
	}
	if _, err := s.Stat(t.Context(), store.TempPrefix+"123"); err == nil {
		t.Error("Stat of a temporary file succeeded")
	}
}

func TestNewNotFolder(t *testing.T) {
	f := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(f, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := New(f); err == nil {
		t.Error("New over a file succeeded")
	}
}
