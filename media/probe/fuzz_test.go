package probe

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// seedFixtures adds the fixtures with the given extensions (all when none)
// to a fuzz corpus.
func seedFixtures(f *testing.F, exts ...string) {
	f.Helper()
	entries, err := os.ReadDir("testdata")
	if err != nil {
		f.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		ext := filepath.Ext(e.Name())
		if e.IsDir() || ext == ".json" || ext == ".sh" {
			continue
		}
		if len(exts) > 0 && !containsString(exts, ext) {
			continue
		}
		f.Add(readFixture(f, e.Name()))
		n++
	}
	if n == 0 {
		f.Fatalf("no seeds for %v", exts)
	}
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// fuzzParser runs one parser on arbitrary bytes: no panic (the fuzzer
// catches it), no hang and no allocation beyond maxAllocPerProbe
// (boundedProbe), and a sane result when there is no error.
func fuzzParser(f *testing.F, kind string, exts ...string) {
	seedFixtures(f, exts...)
	f.Fuzz(func(t *testing.T, b []byte) {
		boundedProbe(t, kind, func() (Info, error) { return parseBytes(kind, b) })
	})
}

func FuzzProbe(f *testing.F) {
	seedFixtures(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		info, err := boundedProbe(t, "probe", func() (Info, error) { return Probe(bytes.NewReader(b), int64(len(b)), "fuzz.mp3") })
		if err != nil {
			if !strings.HasPrefix(err.Error(), "probe: ") {
				t.Fatalf("error without prefix: %v", err)
			}
			return
		}
		format, _ := Sniff(b[:min(len(b), 512)])
		if info.Format == "" && format != "" {
			t.Fatalf("Sniff says %q but Probe found nothing", format)
		}
		_ = CheckExtension("fuzz.mp3", info)
		CheckArtwork("fuzz.png", info, int64(len(b)))
	})
}

func FuzzMP3(f *testing.F)  { fuzzParser(f, "mp3", ".mp3") }
func FuzzMP4(f *testing.F)  { fuzzParser(f, "mp4", ".mp4", ".m4a", ".mov", ".m4v") }
func FuzzOgg(f *testing.F)  { fuzzParser(f, "ogg", ".ogg", ".opus") }
func FuzzFLAC(f *testing.F) { fuzzParser(f, "flac", ".flac") }
func FuzzWAV(f *testing.F)  { fuzzParser(f, "wav", ".wav") }
func FuzzJPEG(f *testing.F) { fuzzParser(f, "jpeg", ".jpg") }
func FuzzPNG(f *testing.F)  { fuzzParser(f, "png", ".png") }

func FuzzChapters(f *testing.F) {
	f.Add([]byte(`{"version":"1.2.0","chapters":[{"startTime":0,"title":"a"},{"startTime":5.5,"endTime":9}]}`), int64(10))
	f.Add([]byte("{\"version\":\"1.2.0\",\n\"chapters\":[{\"startTime\":\"x\"},{}]}"), int64(0))
	f.Add([]byte(`[`), int64(0))
	f.Fuzz(func(t *testing.T, b []byte, secs int64) {
		for _, err := range CheckChapters("c.json", b, time.Duration(secs)*time.Second) {
			if !strings.HasPrefix(err.Error(), "c.json:") {
				t.Fatalf("error does not name the file: %v", err)
			}
		}
	})
}

func FuzzTranscript(f *testing.F) {
	f.Add([]byte("WEBVTT\n\n00:00.000 --> 00:01.000\nx\n"), true, int64(10))
	f.Add([]byte("1\n00:00:00,000 --> 00:00:01,000\nx\n"), false, int64(0))
	f.Add([]byte("WEBVTT\n\nNOTE\n\nid\n99:59:59.999 --> 00:00.000 line:0\n"), true, int64(0))
	f.Fuzz(func(t *testing.T, b []byte, vtt bool, secs int64) {
		name := "t.srt"
		if vtt {
			name = "t.vtt"
		}
		for _, err := range CheckTranscript(name, b, time.Duration(secs)*time.Second) {
			if !strings.HasPrefix(err.Error(), name+":") {
				t.Fatalf("error does not name the file: %v", err)
			}
		}
	})
}

// strictFixtures are those in which every cut is an error (see
// TestEveryCutIsAnError).
var strictFixtures = map[string]bool{
	"mp3_cbr.mp3": true, "mp3_vbr.mp3": true, "mp3_mono.mp3": true, "mp3_mpeg2.mp3": true, "mp3_mpeg25.mp3": true,
	"m4a_faststart.m4a": true, "m4a_moov_end.m4a": true, "mp4_audio_only.mp4": true, "mp4_h264_aac.mp4": true,
	"mov_h264_aac.mov": true, "m4v_h264_aac.m4v": true, "flac.flac": true, "wav.wav": true,
}

// FuzzCutAndPad probes an audio fixture cut at any point with any bytes
// appended. Beyond the bounds every probe keeps, a fixture of
// strictFixtures cut short with nothing appended must be an error, and so
// must any file with more zeros appended than junkTolerance allows (WAV
// aside: chunks may follow its data).
func FuzzCutAndPad(f *testing.F) {
	names := fixturesWithExt(f, ".mp3", ".m4a", ".mp4", ".m4v", ".mov", ".opus", ".ogg", ".flac", ".wav")
	for i := range names {
		f.Add(uint8(i), uint32(1000), []byte{})
		f.Add(uint8(i), uint32(1<<31), []byte("TAG"))
	}
	f.Add(uint8(0), uint32(1<<31), make([]byte, junkTolerance+100))
	fixtures := make([][]byte, len(names))
	for i, name := range names {
		fixtures[i] = readFixture(f, name)
	}
	f.Fuzz(func(t *testing.T, idx uint8, at uint32, tail []byte) {
		i := int(idx) % len(names)
		orig := fixtures[i]
		n := min(int(at), len(orig))
		b := append(append([]byte{}, orig[:n]...), tail...)
		_, err := boundedProbe(t, names[i], func() (Info, error) { return Probe(bytes.NewReader(b), int64(len(b)), names[i]) })
		if err != nil && !strings.HasPrefix(err.Error(), "probe: ") {
			t.Fatalf("error without prefix: %v", err)
		}
		if err == nil && len(tail) == 0 && n >= 12 && n < len(orig) && strictFixtures[names[i]] {
			t.Fatalf("%s cut at %d of %d: accepted", names[i], n, len(orig))
		}
		if err == nil && n >= 12 && len(tail) > junkTolerance+8 && !bytes.ContainsFunc(tail, func(r rune) bool { return r != 0 }) && !strings.HasSuffix(names[i], ".wav") {
			t.Fatalf("%s cut at %d with %d zeros appended: accepted", names[i], n, len(tail))
		}
	})
}

// FuzzMP4Tables puts arbitrary sample tables (stco or co64, stsc, stsz or
// stz2 payloads) into an M4A fixture whose moov is at the end, where they
// can grow without moving the media.
func FuzzMP4Tables(f *testing.F) {
	orig := readFixture(f, "m4a_moov_end.m4a")
	payload := func(typ string) []byte {
		off, size := boxPath(f, orig, "moov/trak/mdia/minf/stbl/"+typ)
		return orig[off+8 : off+size]
	}
	f.Add(payload("stco"), payload("stsc"), payload("stsz"), false, false)
	f.Add(u32s(0, 1, 0xFFFFFFF0), u32s(0, 1, 1, 0xFFFFFFFF, 1), u32s(0, 0xFFFFFFFF, 3), true, false)
	f.Add(u32s(0, 2, 44, 1000), u32s(0, 2, 1, 1, 1, 2, 7, 1), u32s(0, 4, 5, 0x12345678, 0x9ABCDEF0), false, true)
	f.Fuzz(func(t *testing.T, stco, stsc, stsz []byte, co64, stz2 bool) {
		const stbl = "moov/trak/mdia/minf/stbl/"
		chunks, sizes := "stco", "stsz"
		if co64 {
			chunks = "co64"
		}
		if stz2 {
			sizes = "stz2"
		}
		b := replaceBox(t, orig, stbl+"stco", mkbox(chunks, stco))
		b = replaceBox(t, b, stbl+"stsc", mkbox("stsc", stsc))
		b = replaceBox(t, b, stbl+"stsz", mkbox(sizes, stsz))
		_, err := boundedProbe(t, "tables", func() (Info, error) { return Probe(bytes.NewReader(b), int64(len(b)), "t.m4a") })
		if err != nil && !strings.HasPrefix(err.Error(), "probe: mp4 t.m4a: ") {
			t.Fatalf("error without prefix: %v", err)
		}
	})
}

// FuzzFLACFrameHeader decodes arbitrary bytes as a FLAC frame header: no
// panic, and a header that parses parses again as its own stream's.
func FuzzFLACFrameHeader(f *testing.F) {
	b := readFixture(f, "flac.flac")
	f.Add(b[8288:8304], uint64(576), uint8(1))
	f.Add([]byte{0xFF, 0xF9, 0x7C, 0x18, 0xFE, 0xBF, 0xBF, 0xBF, 0xBF, 0xBF, 0xBF, 0xFF, 0xFF, 0x00}, uint64(0), uint8(2))
	f.Fuzz(func(t *testing.T, b []byte, maxBlock uint64, channels uint8) {
		st := streamInfo{maxBlock: maxBlock, channels: int(channels%8) + 1}
		h, ok, short := parseFLACFrameHeader(b, nil, st)
		if ok && short {
			t.Fatal("ok and short")
		}
		if !ok {
			return
		}
		if h.blockSize == 0 {
			t.Fatalf("block size 0 from % x", b)
		}
		if again, ok, _ := parseFLACFrameHeader(b, &h, st); !ok || again != h {
			t.Fatalf("% x: %+v, then %+v %v", b, h, again, ok)
		}
	})
}

// FuzzLineIndex compares the line index with counting newlines.
func FuzzLineIndex(f *testing.F) {
	f.Add([]byte("a\nb\n\nc"), int64(3))
	f.Add([]byte("\n\n"), int64(-5))
	f.Fuzz(func(t *testing.T, data []byte, off int64) {
		c := max(0, min(off, int64(len(data))))
		if got, want := newLineIndex(data).line(off), bytes.Count(data[:c], []byte{'\n'})+1; got != want {
			t.Fatalf("line(%d) = %d, want %d", off, got, want)
		}
	})
}
