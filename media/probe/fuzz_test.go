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
