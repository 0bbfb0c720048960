package site

import (
	"crypto/sha256"
	"os"
	"path/filepath"
	"testing"
)

// An Apple form is read back from the cache's file only as it was when the
// build read the file: written over in place or cut since, it is a miss
// (and the entry makes the form anew).
func TestAppleFormIsReadBackOnlyAsItWas(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shard")
	write := func(s string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	apple := []byte("<p>Heroine</p>")
	write("head" + string(apple) + "tail")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sum := sha256.Sum256(apple)
	ref := &packRef{f: f, off: 4, n: len(apple), sum: &sum}
	if got, ok := ref.string(); !ok || got != string(apple) {
		t.Fatalf("read back %q, %v", got, ok)
	}
	write("head<p>HEROINE</p>tail")
	if got, ok := ref.string(); ok {
		t.Errorf("changed file: read back %q, want a miss", got)
	}
	write("head<p>")
	if got, ok := ref.string(); ok {
		t.Errorf("cut file: read back %q, want a miss", got)
	}
}
