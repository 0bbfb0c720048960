// Package probetest holds what the tests of media/probe and of the packages
// that feed it bytes (media/remote) share about media files.
package probetest

import (
	"encoding/binary"
	"testing"
)

// TopLevelBox returns the top-level ISO BMFF box of type typ in the MP4 b,
// header included, failing the test when b has none or a box is broken.
func TopLevelBox(t testing.TB, b []byte, typ string) []byte {
	t.Helper()
	for off := 0; off+8 <= len(b); {
		n := int(binary.BigEndian.Uint32(b[off:]))
		if n < 8 || off+n > len(b) {
			t.Fatalf("bad box at %d", off)
		}
		if string(b[off+4:off+8]) == typ {
			return b[off : off+n]
		}
		off += n
	}
	t.Fatalf("no %s box", typ)
	return nil
}
