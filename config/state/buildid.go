package state

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"io"
	"os"
	"sync"
)

// The Go linker writes the build ID twice: framed by buildIDPrefix and
// buildIDSuffix in the text (at its start in Mach-O and PE files, but
// further in, past the first pages, in ELF files from Go 1.2x), and in ELF
// files as the note ".note.go.buildid" in the first page too: a note
// header (name size 4, the ID's size, type 4) then "Go\x00\x00" and the ID.
const (
	buildIDPrefix = "\xff Go build ID: \""
	buildIDSuffix = "\"\n \xff"
	elfNoteName   = "\x04\x00\x00\x00Go\x00\x00" // the note's type, then its name
)

// buildIDScan is how much of the executable is searched for the build ID.
const buildIDScan = 64 << 10

// RunningBuildID identifies the running executable: its Go build ID, or a
// SHA-256 of the whole file when none can be found, or "" when the file
// cannot be read (then nothing is cached: a cache must never outlive the
// code that wrote it). Any change to feedpub's code, its dependencies or
// the Go toolchain gives another ID, so no cache needs a version number.
var RunningBuildID = sync.OnceValue(func() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	f, err := os.Open(exe)
	if err != nil {
		return ""
	}
	defer f.Close()
	head := make([]byte, buildIDScan)
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.ErrUnexpectedEOF {
		return ""
	}
	if id := findBuildID(head[:n]); id != "" {
		return "go:" + id
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return ""
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return ""
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
})

// findBuildID returns the Go build ID in data, the head of an executable,
// or "".
func findBuildID(data []byte) string {
	if i := bytes.Index(data, []byte(elfNoteName)); i >= 8 && string(data[i-8:i-4]) == "\x04\x00\x00\x00" {
		n := int(binary.LittleEndian.Uint32(data[i-4 : i]))
		if start := i + len(elfNoteName); n > 0 && n <= 1024 && start+n <= len(data) {
			return string(bytes.TrimRight(data[start:start+n], "\x00"))
		}
	}
	i := bytes.Index(data, []byte(buildIDPrefix))
	if i < 0 {
		return ""
	}
	rest := data[i+len(buildIDPrefix):]
	j := bytes.Index(rest, []byte(buildIDSuffix))
	if j <= 0 {
		return ""
	}
	return string(rest[:j])
}
