package site

import (
	"crypto/sha256"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/feedpub/feedpub/config/sitefs"
)

// The Apple form is read back from the cache file only as it was when the
// build read the file: changed, removed or replaced by a FIFO since, it is
// a miss (and the entry makes the form anew).
func TestAppleLoaderReadsOnlyWhatWasThere(t *testing.T) {
	dir := t.TempDir()
	site, err := sitefs.NewRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	c := &entryCache{root: dir, dir: filepath.Join(dir, ".feedpub", entryCacheDir), site: site, max: 1 << 20}
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var name [32]byte
	name[0] = 7
	write := func(s string) {
		t.Helper()
		if err := os.WriteFile(c.path(name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	apple := []byte("<p>Heroine</p>")
	write("head" + string(apple) + "tail")
	load := c.appleLoader(name, 4, len(apple), sha256.Sum256(apple))
	if got, ok := load(); !ok || got != string(apple) {
		t.Fatalf("load() = %q, %v", got, ok)
	}
	write("head<p>HEROINE</p>tail")
	if got, ok := load(); ok {
		t.Errorf("changed file: load() = %q, want a miss", got)
	}
	write("head<p>")
	if got, ok := load(); ok {
		t.Errorf("cut file: load() = %q, want a miss", got)
	}
	if err := os.Remove(c.path(name)); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(c.path(name), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, ok := load(); ok {
		t.Errorf("FIFO: load() = %q, want a miss", got)
	}
}
