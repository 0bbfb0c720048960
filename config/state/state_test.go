package state

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestAFileWrittenUnderOneBuildIsAMissUnderAnother(t *testing.T) {
	dir := t.TempDir()
	key := []byte(strings.Repeat("k", 32))
	a := Open(dir, Options{BuildID: "A", Key: key})
	if err := a.Write(ProbeFile, []byte("facts")); err != nil {
		t.Fatal(err)
	}
	if got, ok := a.Read(ProbeFile, 1<<20); !ok || string(got) != "facts" {
		t.Fatalf("build A reads %q, %v; want its own payload", got, ok)
	}
	if _, ok := Open(dir, Options{BuildID: "B", Key: key}).Read(ProbeFile, 1<<20); ok {
		t.Error("build B read what build A wrote")
	}
	if _, ok := Open(dir, Options{BuildID: "A", Key: []byte(strings.Repeat("x", 32))}).Read(ProbeFile, 1<<20); ok {
		t.Error("a file signed with another key was read")
	}
}

func TestAFileIsBoundToItsName(t *testing.T) {
	dir := t.TempDir()
	s := Open(dir, Options{BuildID: "A", Key: []byte("key")})
	if err := s.Write(ProbeFile, []byte("facts")); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(s.Path(ProbeFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(s.Path(RemoteFile), data, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Read(RemoteFile, 1<<20); ok {
		t.Error("a file copied under another name was read")
	}
	for i := range data {
		bad := append([]byte(nil), data...)
		bad[i] ^= 1
		if _, ok := s.Unseal(ProbeFile, bad); ok {
			t.Fatalf("a file with byte %d flipped was read", i)
		}
	}
	if _, ok := s.Unseal(ProbeFile, data[:len(data)-1]); ok {
		t.Error("a truncated file was read")
	}
}

func TestWithoutABuildIDNothingIsReadOrWritten(t *testing.T) {
	dir := t.TempDir()
	on := Open(dir, Options{BuildID: "A", Key: []byte("key")})
	if err := on.Write(SiteFile, []byte("x")); err != nil {
		t.Fatal(err)
	}
	off := &Store{site: dir, dir: filepath.Join(dir, Dir), key: []byte("key")}
	off.root = on.root
	if off.On() {
		t.Fatal("a store without a build ID is on")
	}
	if _, ok := off.Read(SiteFile, 1<<20); ok {
		t.Error("a store without a build ID read a file")
	}
	if err := off.Write(ProbeFile, []byte("x")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(off.Path(ProbeFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a store without a build ID wrote a file: %v", err)
	}
}

func TestAFIFOIsAMissNotAHang(t *testing.T) {
	dir := t.TempDir()
	s := Open(dir, Options{BuildID: "A", Key: []byte("key")})
	if err := os.MkdirAll(filepath.Join(dir, Dir), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(s.Path(SiteFile), 0o644); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	done := make(chan bool, 1)
	go func() { _, ok := s.Read(SiteFile, 1<<20); done <- ok }()
	select {
	case ok := <-done:
		if ok {
			t.Error("a FIFO was read as a state file")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("reading a FIFO blocked")
	}
}

func TestNeverWritesThroughALinkOutOfTheSite(t *testing.T) {
	dir, outside := t.TempDir(), t.TempDir()
	if err := os.Symlink(outside, filepath.Join(dir, Dir)); err != nil {
		t.Fatal(err)
	}
	s := Open(dir, Options{BuildID: "A", Key: []byte("key")})
	if err := s.Write(ProbeFile, []byte("x")); !errors.Is(err, ErrOutside) {
		t.Errorf("write through a link out of the site: %v, want ErrOutside", err)
	}
	if des, _ := os.ReadDir(outside); len(des) != 0 {
		t.Errorf("wrote %d files outside the site", len(des))
	}
	// A file put there by someone else is not read either.
	if err := os.WriteFile(filepath.Join(outside, ProbeFile), s.Seal(ProbeFile, []byte("x")), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Read(ProbeFile, 1<<20); ok {
		t.Error("read a file outside the site")
	}
}

func TestFindBuildID(t *testing.T) {
	data := []byte("\x7fELF....\xff Go build ID: \"abc/def/ghi\"\n \xff more")
	if got := findBuildID(data); got != "abc/def/ghi" {
		t.Errorf("findBuildID = %q", got)
	}
	note := []byte("\x7fELF\x04\x00\x00\x00\x07\x00\x00\x00\x04\x00\x00\x00Go\x00\x00abc/def\x00\x00")
	if got := findBuildID(note); got != "abc/def" {
		t.Errorf("findBuildID of an ELF note = %q", got)
	}
	if got := findBuildID([]byte("no id here")); got != "" {
		t.Errorf("findBuildID of nothing = %q", got)
	}
	// The test binary is a Go executable: its ID is found in its head
	// (the SHA-256 fallback is for executables with neither form).
	if id := RunningBuildID(); runtime.GOOS == "linux" && !strings.HasPrefix(id, "go:") {
		t.Errorf("RunningBuildID = %q, want the Go build ID", id)
	}
}

// TestWriteWritesWhatSealMakes: Write writes its parts without copying the
// payload, and the file is Seal's, byte for byte.
func TestWriteWritesWhatSealMakes(t *testing.T) {
	s := Open(t.TempDir(), Options{BuildID: "A", Key: []byte(strings.Repeat("k", 32))})
	payload := []byte(strings.Repeat("record ", 1000))
	if err := s.Write(CheckedFile, payload); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(s.Path(CheckedFile))
	if err != nil {
		t.Fatal(err)
	}
	if want := s.Seal(CheckedFile, payload); string(got) != string(want) {
		t.Errorf("Write wrote %d bytes, not Seal's %d", len(got), len(want))
	}
}
