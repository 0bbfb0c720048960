package media

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/feedpub/feedpub/config/diag"
	"github.com/feedpub/feedpub/config/state"
)

// example is the example site's folder, whose media were made by ffmpeg.
var example = filepath.Join("..", "examples", "reelverdicts")

func copyFile(t testing.TB, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func req(key string, kind Kind) Request {
	return Request{Key: key, Kind: kind, Ref: diag.Problem{File: "reviews/x.md", Line: 7, Field: kind.String() + ".file"}}
}

func TestProbeAllExampleMedia(t *testing.T) {
	reqs := []Request{
		req("media/heroine.mp3", KindAudio), req("media/heroine.mp4", KindVideo),
		req("artwork/cover.jpg", KindArtwork), req("media/heroine.en.vtt", KindTranscript),
		req("media/heroine.chapters.json", KindChapters), req("media/heroine.mp3", KindAudio),
	}
	assets, ps := ProbeAll(context.Background(), example, reqs, Options{})
	if ps.HasErrors() {
		t.Fatalf("problems: %v", ps.Err())
	}
	if len(assets) != 5 {
		t.Fatalf("%d assets, want 5 (duplicates read once)", len(assets))
	}
	for key, a := range assets {
		st, _ := os.Stat(filepath.Join(example, key))
		if a.Size != st.Size() || len(a.SHA256) != 64 {
			t.Errorf("%s: size %d (file %d), sha %q", key, a.Size, st.Size(), a.SHA256)
		}
	}
	mp3 := assets["media/heroine.mp3"]
	if mp3.MIME != "audio/mpeg" || mp3.Info.Duration < 5400*time.Millisecond || mp3.Info.Duration > 5650*time.Millisecond {
		t.Errorf("mp3: %s %v", mp3.MIME, mp3.Info.Duration)
	}
	mp4 := assets["media/heroine.mp4"]
	if mp4.MIME != "video/mp4" || mp4.Info.Width != 320 || mp4.Info.Height != 180 || !strings.HasPrefix(mp4.Info.Codecs, "avc1.") {
		t.Errorf("mp4: %+v", mp4.Info)
	}
	if a := assets["artwork/cover.jpg"]; a.Info.Width != 1400 || a.Info.Height != 1400 {
		t.Errorf("art: %+v", a.Info)
	}
}

func TestProbeAllReportsEveryBadFile(t *testing.T) {
	root := t.TempDir()
	copyFile(t, filepath.Join(example, "media/heroine.mp4"), filepath.Join(root, "media/really-mp4.mp3"))
	copyFile(t, filepath.Join(example, "media/heroine.mp3"), filepath.Join(root, "media/ok.mp3"))
	os.WriteFile(filepath.Join(root, "media/empty.mp3"), nil, 0o644)
	_, ps := ProbeAll(context.Background(), root, []Request{
		req("media/really-mp4.mp3", KindAudio), req("media/missing.mp3", KindAudio),
		req("media/empty.mp3", KindAudio), req("media/ok.mp3", KindAudio),
	}, Options{})
	msg := ps.Err().Error()
	for _, want := range []string{"media/really-mp4.mp3", "media/missing.mp3: file not found", "media/empty.mp3: file is empty", "reviews/x.md:7: audio.file"} {
		if !strings.Contains(msg, want) {
			t.Errorf("missing %q in:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "media/ok.mp3") {
		t.Errorf("a good file was reported:\n%s", msg)
	}
	if n := len(ps.Errors()); n != 3 {
		t.Errorf("%d errors, want 3:\n%s", n, msg)
	}
}

func TestCacheSkipsUnchangedFiles(t *testing.T) {
	root := t.TempDir()
	copyFile(t, filepath.Join(example, "media/heroine.mp3"), filepath.Join(root, "a.mp3"))
	copyFile(t, filepath.Join(example, "media/past-lives.mp3"), filepath.Join(root, "b.mp3"))
	reqs := []Request{req("a.mp3", KindAudio), req("b.mp3", KindAudio)}
	id := "A"

	run := func() (map[string]*Asset, *Stats) {
		c := OpenCache(state.Open(root, state.Options{BuildID: id, Key: []byte("test key")}))
		st := &Stats{}
		assets, ps := ProbeAll(context.Background(), root, reqs, Options{Cache: c, Stats: st})
		if ps.HasErrors() {
			t.Fatal(ps.Err())
		}
		if err := c.Save(); err != nil {
			t.Fatal(err)
		}
		return assets, st
	}
	cold, st := run()
	if st.FilesRead.Load() != 2 || st.HashBytes.Load() == 0 {
		t.Fatalf("cold run read %d files", st.FilesRead.Load())
	}
	warm, st := run()
	if st.FilesRead.Load() != 0 || st.CacheHits.Load() != 2 || st.ProbeBytes.Load()+st.HashBytes.Load() != 0 {
		t.Errorf("warm run read %d files, %d bytes", st.FilesRead.Load(), st.ProbeBytes.Load()+st.HashBytes.Load())
	}
	for k := range cold {
		if cold[k].SHA256 != warm[k].SHA256 || cold[k].Info.Duration != warm[k].Info.Duration || cold[k].MIME != warm[k].MIME {
			t.Errorf("%s: cached result differs", k)
		}
	}
	// Replacing a file (new content and time) is noticed.
	copyFile(t, filepath.Join(example, "media/season-3-trailer.mp3"), filepath.Join(root, "a.mp3"))
	later := time.Now().Add(time.Minute)
	os.Chtimes(filepath.Join(root, "a.mp3"), later, later)
	again, st := run()
	if st.FilesRead.Load() != 1 || again["a.mp3"].SHA256 == cold["a.mp3"].SHA256 {
		t.Errorf("changed file not re-read: %d files read", st.FilesRead.Load())
	}
	// Another feedpub build (new probes, say) reads every file again.
	id = "B"
	if _, st := run(); st.FilesRead.Load() != 2 || st.CacheHits.Load() != 0 {
		t.Errorf("another build read %d files, %d from the cache; want 2 and 0", st.FilesRead.Load(), st.CacheHits.Load())
	}
}

func TestCheckTimedTranscriptBeyondDuration(t *testing.T) {
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "t.vtt"), []byte("WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nHi\n\n00:00:09.000 --> 00:00:12.000\nToo late\n"), 0o644)
	assets, ps := ProbeAll(context.Background(), root, []Request{req("t.vtt", KindTranscript)}, Options{})
	if ps.HasErrors() {
		t.Fatal(ps.Err())
	}
	got := CheckTimed(assets["t.vtt"], diag.Problem{File: "reviews/x.md"}, 5*time.Second)
	if !got.HasErrors() || !strings.Contains(got.Err().Error(), "t.vtt") {
		t.Errorf("cue after the end accepted: %v", got)
	}
	if got := CheckTimed(assets["t.vtt"], diag.Problem{}, time.Minute); got.HasErrors() {
		t.Errorf("valid transcript rejected: %v", got.Err())
	}
}

// BenchmarkProbeCatalogue probes 1,000 media files cold (no cache) and warm
// (cache, nothing changed), reporting bytes read per file.
func BenchmarkProbeCatalogue(b *testing.B) {
	root := b.TempDir()
	srcs := []string{"media/heroine.mp3", "media/heroine.mp4", "media/past-lives.mp3", "media/dune-part-two.mp4"}
	var reqs []Request
	for i := 0; i < 1000; i++ {
		src := srcs[i%len(srcs)]
		key := fmt.Sprintf("m/%04d%s", i, filepath.Ext(src))
		copyFile(b, filepath.Join(example, src), filepath.Join(root, key))
		kind := KindAudio
		if strings.HasSuffix(key, ".mp4") {
			kind = KindVideo
		}
		reqs = append(reqs, req(key, kind))
	}
	cache := state.Open(root, state.Options{BuildID: "bench", Key: []byte("bench key")})
	b.Run("cold", func(b *testing.B) {
		var st Stats
		for i := 0; i < b.N; i++ {
			st = Stats{}
			ProbeAll(context.Background(), root, reqs, Options{Stats: &st})
		}
		b.ReportMetric(float64(st.ProbeBytes.Load())/1000, "probe-B/file")
		b.ReportMetric(float64(st.HashBytes.Load())/1000, "hash-B/file")
	})
	c := OpenCache(cache)
	ProbeAll(context.Background(), root, reqs, Options{Cache: c})
	c.Save()
	b.Run("warm", func(b *testing.B) {
		var st Stats
		for i := 0; i < b.N; i++ {
			st = Stats{}
			ProbeAll(context.Background(), root, reqs, Options{Cache: OpenCache(cache), Stats: &st})
		}
		b.ReportMetric(float64(st.ProbeBytes.Load()+st.HashBytes.Load())/1000, "B-read/file")
	})
}

// TestCheckTimedLocatesByFileAndLine: chapter and transcript errors carry
// the file and line in their fields, so they sort by line (8 before 13) and
// a file shared by two references is one problem, not two.
func TestCheckTimedLocatesByFileAndLine(t *testing.T) {
	root := t.TempDir()
	var b strings.Builder
	b.WriteString("WEBVTT\n\n")
	for i := range 3 {
		fmt.Fprintf(&b, "00:00:0%d.000 --> 00:00:00.500\nbackwards\n\n", i+1)
	}
	os.WriteFile(filepath.Join(root, "t.vtt"), []byte(b.String()), 0o644)
	assets, _ := ProbeAll(context.Background(), root, []Request{req("t.vtt", KindTranscript)}, Options{})
	got := CheckTimed(assets["t.vtt"], diag.Problem{File: "reviews/x.md", Field: "audio.transcripts[0].file"}, time.Minute)
	if len(got) != 3 {
		t.Fatalf("want 3 problems, got %v", got)
	}
	for _, p := range got {
		if p.File != "t.vtt" || p.Line == 0 || p.Rule != "FP309" || strings.Contains(p.Msg, "t.vtt:") {
			t.Errorf("not located in its fields: %+v", p)
		}
	}
	shared := append(got, CheckTimed(assets["t.vtt"], diag.Problem{File: "reviews/x.md", Field: "video.transcripts[0].file"}, time.Minute)...)
	shared = shared.Unique()
	shared.Sort()
	if len(shared) != 3 || shared[0].Line != 3 || shared[1].Line != 6 || shared[2].Line != 9 {
		t.Errorf("shared file: %+v", shared)
	}
}
