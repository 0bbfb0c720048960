package feedtest

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// update is set by `make golden`, which runs -update on the packages with
// golden files only: test binaries of packages that do not import feedtest
// reject the flag, so `go test ./feeds/... -update` fails.
var update = flag.Bool("update", false, "rewrite testdata/*.golden files with the current output")

// GoldenPath is where Golden keeps the golden file for name, relative to the
// package directory of the running test.
func GoldenPath(name string) string {
	return filepath.Join("testdata", filepath.FromSlash(name)+".golden")
}

// Golden compares got with testdata/<name>.golden and fails t on the first
// difference, naming its line. With -update it writes got to that file
// instead (creating directories as needed).
func Golden(t testing.TB, name string, got []byte) {
	t.Helper()
	path := GoldenPath(name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatalf("golden: %v", err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatalf("golden: %v", err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("golden: %s does not exist; run make golden", path)
	}
	if err != nil {
		t.Fatalf("golden: %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("golden: %s differs (run make golden to accept):\n%s", path, firstDiff(want, got))
	}
}

// firstDiff describes the first line where want and got differ.
func firstDiff(want, got []byte) string {
	wl := strings.Split(string(want), "\n")
	gl := strings.Split(string(got), "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g || i >= len(wl) || i >= len(gl) {
			return fmt.Sprintf("line %d:\n  want: %q\n  got:  %q\n(want %d lines, got %d)", i+1, w, g, len(wl), len(gl))
		}
	}
	return "(same lines; byte difference)"
}
