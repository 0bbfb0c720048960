package localstore

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/feedpub/feedpub/media/store"
)

// linkedTarget makes a target folder with a symlinked folder "lnk" that
// points at a folder outside it holding victim.txt, and a symlinked file
// "file-link" pointing at that file. It returns the store and the outside
// file.
func linkedTarget(t *testing.T) (*Store, string, string) {
	t.Helper()
	base := t.TempDir()
	root := filepath.Join(base, "target")
	outside := filepath.Join(base, "outside")
	for _, d := range []string{root, outside} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	victim := filepath.Join(outside, "victim.txt")
	if err := os.WriteFile(victim, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(root, "lnk")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, filepath.Join(root, "file-link")); err != nil {
		t.Fatal(err)
	}
	s, err := New(root)
	if err != nil {
		t.Fatal(err)
	}
	return s, root, outside
}

// TestNeverThroughSymlink: no operation reads, writes or deletes through a
// symlink in the target, whether a folder on the key's path or the key
// itself is the link.
func TestNeverThroughSymlink(t *testing.T) {
	ops := []struct {
		name string
		do   func(s *Store, key string) error
	}{
		{"Delete", func(s *Store, key string) error { return s.Delete(t.Context(), key) }},
		{"DeleteIf", func(s *Store, key string) error {
			// The ETag of what the key resolves to, were links followed.
			fi, err := os.Stat(s.path(key))
			if err != nil {
				return err
			}
			return s.DeleteIf(t.Context(), key, etag(fi))
		}},
		{"Put", func(s *Store, key string) error {
			_, err := s.Put(t.Context(), key, bytes.NewReader([]byte("overwritten")), store.PutOptions{Size: -1})
			return err
		}},
		{"Get", func(s *Store, key string) error {
			rc, _, err := s.Get(t.Context(), key)
			if err == nil {
				b, _ := io.ReadAll(rc)
				rc.Close()
				t.Logf("Get read %q", b)
			}
			return err
		}},
		{"Stat", func(s *Store, key string) error {
			_, err := s.Stat(t.Context(), key)
			return err
		}},
	}
	for _, key := range []string{"lnk/victim.txt", "file-link"} {
		for _, op := range ops {
			t.Run(op.name+" "+key, func(t *testing.T) {
				s, root, outside := linkedTarget(t)
				err := op.do(s, key)
				if !errors.Is(err, ErrSymlink) {
					t.Errorf("%s %s: got %v, want an error wrapping ErrSymlink", op.name, key, err)
				}
				got, rerr := os.ReadFile(filepath.Join(outside, "victim.txt"))
				if rerr != nil || string(got) != "precious" {
					t.Errorf("%s %s: the file outside the target is now %q (%v)", op.name, key, got, rerr)
				}
				for _, l := range []string{"lnk", "file-link"} {
					if fi, err := os.Lstat(filepath.Join(root, l)); err != nil || fi.Mode()&os.ModeSymlink == 0 {
						t.Errorf("%s %s: the link %s was changed (%v)", op.name, key, l, err)
					}
				}
			})
		}
	}
}

// TestListSkipsSymlinks: objects behind a link are not listed, so a plan
// never counts them as published.
func TestListSkipsSymlinks(t *testing.T) {
	s, _, _ := linkedTarget(t)
	for _, prefix := range []string{"", "lnk/", "lnk/v"} {
		objs, err := s.List(t.Context(), prefix)
		if err != nil || len(objs) != 0 {
			t.Errorf("List %q: %v %v, want nothing", prefix, keys(objs), err)
		}
	}
}

func keys(objs []store.Object) []string {
	var ks []string
	for _, o := range objs {
		ks = append(ks, o.Key)
	}
	return ks
}

// TestNewCreatesNothing: opening a target (as --dry-run does) writes
// nothing; the folder appears with the first Put.
func TestNewCreatesNothing(t *testing.T) {
	root := filepath.Join(t.TempDir(), "not", "yet")
	s, err := New(root)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if _, err := s.Stat(ctx, "a.txt"); !errors.Is(err, store.ErrNotExist) {
		t.Errorf("Stat: %v, want ErrNotExist", err)
	}
	if rc, _, err := s.Get(ctx, "a.txt"); !errors.Is(err, store.ErrNotExist) {
		if rc != nil {
			rc.Close()
		}
		t.Errorf("Get: %v, want ErrNotExist", err)
	}
	if objs, err := s.List(ctx, ""); err != nil || len(objs) != 0 {
		t.Errorf("List: %v %v", objs, err)
	}
	if err := s.Delete(ctx, "a.txt"); err != nil {
		t.Errorf("Delete: %v", err)
	}
	if n, err := s.CleanStale(ctx, 0); n != 0 || err != nil {
		t.Errorf("CleanStale: %d %v", n, err)
	}
	if _, err := os.Stat(filepath.Dir(root)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("reading a target created %s (%v)", filepath.Dir(root), err)
	}
	if _, err := s.Put(ctx, "a.txt", bytes.NewReader([]byte("x")), store.PutOptions{Size: 1}); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(root, "a.txt")); err != nil || string(b) != "x" {
		t.Errorf("after Put: %q %v", b, err)
	}
}

// TestCleanStale: temporary files that crashed Puts left behind are
// removed, with the folders they leave empty; published files, young
// temporaries and anything behind a symlink are not.
func TestCleanStale(t *testing.T) {
	s, root, outside := linkedTarget(t)
	ctx := t.Context()
	if _, err := s.Put(ctx, "media/keep.mp3", bytes.NewReader([]byte("audio")), store.PutOptions{Size: -1}); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-3 * time.Hour)
	write := func(p string, age time.Time) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, age, age); err != nil {
			t.Fatal(err)
		}
	}
	stale := []string{
		filepath.Join(root, store.TempPrefix+"1"),
		filepath.Join(root, "media", store.TempPrefix+"2"),
		filepath.Join(root, "deep", "er", store.TempPrefix+"3"),
	}
	for _, p := range stale {
		write(p, old)
	}
	young := filepath.Join(root, "media", store.TempPrefix+"young")
	write(young, time.Now())
	behindLink := filepath.Join(outside, store.TempPrefix+"theirs")
	write(behindLink, old)

	n, err := s.CleanStale(ctx, time.Hour)
	if err != nil || n != len(stale) {
		t.Errorf("CleanStale: removed %d (%v), want %d", n, err, len(stale))
	}
	for _, p := range stale {
		if _, err := os.Lstat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s is still there (%v)", p, err)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "deep")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the folder only a temporary file held is still there (%v)", err)
	}
	for _, p := range []string{young, behindLink, filepath.Join(root, "media", "keep.mp3")} {
		if _, err := os.Lstat(p); err != nil {
			t.Errorf("%s was removed: %v", p, err)
		}
	}
	// Age 0: every temporary file, as at the start of a publish holding
	// the lock.
	if n, err := s.CleanStale(ctx, 0); err != nil || n != 1 {
		t.Errorf("CleanStale(0): removed %d (%v), want 1", n, err)
	}
}

// TestRootIsRealPath: a target reached through a symlink works on the real
// folder, and reports it.
func TestRootIsRealPath(t *testing.T) {
	base := t.TempDir()
	real := filepath.Join(base, "real")
	if err := os.Mkdir(real, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, filepath.Join(base, "alias")); err != nil {
		t.Fatal(err)
	}
	s, err := New(filepath.Join(base, "alias", "sub"))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := filepath.EvalSymlinks(real)
	if got := s.String(); got != filepath.Join(want, "sub") {
		t.Errorf("String() = %s, want %s", got, filepath.Join(want, "sub"))
	}
	if _, err := s.Put(t.Context(), "x", bytes.NewReader([]byte("x")), store.PutOptions{Size: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(real, "sub", "x")); err != nil {
		t.Error(err)
	}
}
