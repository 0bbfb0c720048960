package feedtest

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/feedpub/feedpub/config/state"
)

// CopyExample copies the example site (examples/reelverdicts, without
// anything built from it) into a new temporary folder and returns that
// folder, so a test may change the site freely.
func CopyExample(t testing.TB) string {
	t.Helper()
	src := filepath.Join(ModuleRoot(t), "examples", "reelverdicts")
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() && (d.Name() == "public" || d.Name() == state.Dir) {
			return filepath.SkipDir
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// ModuleRoot finds the folder of go.mod above the test's working folder.
func ModuleRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("feedtest: no go.mod above the test's folder")
		}
		dir = parent
	}
}
