package probe

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"runtime/metrics"
	"testing"
	"time"
)

// readFixture returns the bytes of testdata/name.
func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fixturesWithExt lists the fixtures whose names end in one of exts.
func fixturesWithExt(t testing.TB, exts ...string) []string {
	t.Helper()
	var out []string
	for _, ext := range exts {
		m, err := filepath.Glob(filepath.Join("testdata", "*"+ext))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range m {
			out = append(out, filepath.Base(p))
		}
	}
	if len(out) == 0 {
		t.Fatalf("no fixtures with %v", exts)
	}
	return out
}

// parsers maps a parser kind to its entry point, so tests and fuzz targets
// can feed any bytes to one parser, bypassing Sniff.
var parsers = map[string]func(*src) (Info, error){
	"mp3":  probeMP3,
	"mp4":  probeMP4,
	"ogg":  probeOgg,
	"flac": probeFLAC,
	"wav":  probeWAV,
	"jpeg": probeJPEG,
	"png":  probePNG,
}

func parseBytes(kind string, b []byte) (Info, error) {
	return parsers[kind](&src{r: bytes.NewReader(b), size: int64(len(b)), name: "fuzz", kind: kind})
}

// maxAllocPerProbe is what one probe of a small input may allocate; a
// parser that sized a buffer from an unchecked length field would blow it.
const maxAllocPerProbe = 32 << 20

// boundedProbe runs fn with a deadline and an allocation ceiling, failing
// on a hang (a loop that does not advance) or a huge allocation. A panic
// fails the test by itself.
func boundedProbe(t testing.TB, what string, fn func() (Info, error)) (Info, error) {
	t.Helper()
	sample := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(sample)
	before := sample[0].Value.Uint64()
	type result struct {
		info Info
		err  error
	}
	done := make(chan result, 1)
	go func() {
		info, err := fn()
		done <- result{info, err}
	}()
	var r result
	select {
	case r = <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: probe did not return within 10 s", what)
	}
	// runtime/metrics is cheap enough to read per fuzz input, unlike
	// runtime.ReadMemStats, which stops the world.
	metrics.Read(sample)
	if n := sample[0].Value.Uint64() - before; n > maxAllocPerProbe {
		t.Fatalf("%s: probe allocated %d bytes", what, n)
	}
	if r.err == nil {
		checkSane(t, what, r.info)
	}
	return r.info, r.err
}

// checkSane fails on results no real file could give.
func checkSane(t testing.TB, what string, info Info) {
	t.Helper()
	if info.Duration < 0 || info.Bitrate < 0 || info.Width < 0 || info.Height < 0 ||
		info.SampleRate < 0 || info.Channels < 0 {
		t.Fatalf("%s: insane result %+v", what, info)
	}
	if info.MIME == "" {
		t.Fatalf("%s: empty MIME in %+v", what, info)
	}
}

// sparseReaderAt serves data followed by zeros up to size, so tests can
// present a huge file without writing it.
type sparseReaderAt struct {
	data []byte
	size int64
}

func (r sparseReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off >= r.size {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && off+int64(n) < r.size {
		i := off + int64(n)
		if i < int64(len(r.data)) {
			n += copy(p[n:], r.data[i:])
			continue
		}
		k := min(int64(len(p)-n), r.size-i)
		clear(p[n : n+int(k)])
		n += int(k)
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}
