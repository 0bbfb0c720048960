package probe

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	"github.com/feedpub/feedpub/media/probe/probetest"
)

const sparseMdat = 2 << 30 // 2 GiB

// writeSparseMP4 writes a 2 GiB MP4 to dir: the fixture's ftyp, an mdat
// with a 64-bit largesize whose payload is a sparse hole, then the
// fixture's moov at the end, as a non-faststart encoder leaves it.
func writeSparseMP4(t testing.TB, dir string) (path string, size int64) {
	t.Helper()
	fix := readFixture(t, "mp4_h264_aac.mp4")
	ftyp, moov := probetest.TopLevelBox(t, fix, "ftyp"), probetest.TopLevelBox(t, fix, "moov")
	path = filepath.Join(dir, "sparse.mp4")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var hdr bytes.Buffer
	hdr.Write(ftyp)
	binary.Write(&hdr, binary.BigEndian, uint32(1))
	hdr.WriteString("mdat")
	binary.Write(&hdr, binary.BigEndian, uint64(16+sparseMdat))
	if _, err := f.Write(hdr.Bytes()); err != nil {
		t.Fatal(err)
	}
	moovAt := int64(hdr.Len()) + sparseMdat
	if err := f.Truncate(moovAt); err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt(moov, moovAt); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path, moovAt + int64(len(moov))
}

func probeCounting(t testing.TB, path string, size int64) (Info, int64) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := NewCountingReaderAt(f)
	info, err := Probe(r, size, path)
	if err != nil {
		t.Fatal(err)
	}
	return info, r.BytesRead()
}

// TestSparse2GBMoovAtEnd proves that a 2 GiB MP4 with moov at the end is
// probed by jumping over the mdat: under 1 MB read, same result as the
// fixture the moov came from.
func TestSparse2GBMoovAtEnd(t *testing.T) {
	path, size := writeSparseMP4(t, t.TempDir())
	info, n := probeCounting(t, path, size)
	want, err := probeFile(t, filepath.Join("testdata", "mp4_h264_aac.mp4"))
	if err != nil {
		t.Fatal(err)
	}
	if info.Duration != want.Duration || info.Codecs != want.Codecs || info.Width != want.Width {
		t.Errorf("sparse file: %v %s %d px; want %v %s %d px", info.Duration, info.Codecs, info.Width, want.Duration, want.Codecs, want.Width)
	}
	if n >= 1<<20 {
		t.Errorf("read %d bytes of a %d-byte file, want under 1 MB", n, size)
	}
	t.Logf("read %d bytes of %d", n, size)
}

// BenchmarkProbeSparse2GB reports the bytes one probe of the 2 GiB file
// reads (bytes-read/op) alongside its time.
func BenchmarkProbeSparse2GB(b *testing.B) {
	path, size := writeSparseMP4(b, b.TempDir())
	var n int64
	b.ResetTimer()
	for b.Loop() {
		_, n = probeCounting(b, path, size)
	}
	b.ReportMetric(float64(n), "bytes-read/op")
}
