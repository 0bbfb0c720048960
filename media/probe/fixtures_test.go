package probe

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// expected is one entry of testdata/expected.json, written by gen.sh from
// ffprobe's output.
type expected struct {
	Duration   float64 `json:"duration"`
	Size       int64   `json:"size"`
	Codecs     string  `json:"codecs"`
	Width      int     `json:"width"`
	Height     int     `json:"height"`
	MP3Frames  int     `json:"mp3_frames"`
	SampleRate int     `json:"sample_rate"`
	Channels   int     `json:"channels"`
}

func loadExpected(t testing.TB) map[string]expected {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]expected
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if len(m) < 20 {
		t.Fatalf("expected.json has %d entries, want the full fixture set", len(m))
	}
	return m
}

func probeFile(t testing.TB, path string) (Info, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	return Probe(f, st.Size(), path)
}

// fixtureWant is what each fixture must probe as, beyond ffprobe's numbers.
var fixtureWant = map[string]struct {
	format, mime, codecs string
	channels             int
	color                string
	alpha, fragmented    bool
}{
	"mp3_cbr.mp3":        {"mp3", "audio/mpeg", "mp3", 2, "", false, false},
	"mp3_cbr_noxing.mp3": {"mp3", "audio/mpeg", "mp3", 2, "", false, false},
	"mp3_vbr.mp3":        {"mp3", "audio/mpeg", "mp3", 2, "", false, false},
	"mp3_vbr_noxing.mp3": {"mp3", "audio/mpeg", "mp3", 2, "", false, false},
	"mp3_mono.mp3":       {"mp3", "audio/mpeg", "mp3", 1, "", false, false},
	"mp3_mpeg2.mp3":      {"mp3", "audio/mpeg", "mp3", 2, "", false, false},
	"mp3_mpeg25.mp3":     {"mp3", "audio/mpeg", "mp3", 1, "", false, false},
	"m4a_moov_end.m4a":   {"m4a", "audio/x-m4a", "mp4a.40.2", 1, "", false, false},
	"m4a_faststart.m4a":  {"m4a", "audio/x-m4a", "mp4a.40.2", 1, "", false, false},
	"mp4_audio_only.mp4": {"m4a", "audio/x-m4a", "mp4a.40.2", 1, "", false, false},
	"mp4_h264_aac.mp4":   {"mp4", "video/mp4", "avc1.42c00a,mp4a.40.2", 1, "", false, false},
	"mov_h264_aac.mov":   {"mov", "video/quicktime", "avc1.42c00a,mp4a.40.2", 1, "", false, false},
	"m4v_h264_aac.m4v":   {"mp4", "video/x-m4v", "avc1.42c00a,mp4a.40.2", 1, "", false, false},
	"mp4_frag.mp4":       {"mp4", "video/mp4", "avc1.42c00a,mp4a.40.2", 1, "", false, true},
	"mp4_frag_dbm.mp4":   {"mp4", "video/mp4", "avc1.42c00a,mp4a.40.2", 1, "", false, true},
	"opus.opus":          {"opus", "audio/opus", "opus", 1, "", false, false},
	"vorbis.ogg":         {"vorbis", "audio/ogg", "vorbis", 1, "", false, false},
	"flac.flac":          {"flac", "audio/flac", "flac", 1, "", false, false},
	"wav.wav":            {"wav", "audio/wav", "1", 1, "", false, false},
	"art_rgb_1400.jpg":   {"jpeg", "image/jpeg", "", 0, "rgb", false, false},
	"art_nonsquare.jpg":  {"jpeg", "image/jpeg", "", 0, "rgb", false, false},
	"art_gray_1400.jpg":  {"jpeg", "image/jpeg", "", 0, "gray", false, false},
	"art_cmyk_1400.jpg":  {"jpeg", "image/jpeg", "", 0, "cmyk", false, false},
	"art_rgb_1400.png":   {"png", "image/png", "", 0, "rgb", false, false},
	"art_rgba_1400.png":  {"png", "image/png", "", 0, "rgb", true, false},
	"art_rgb_1000.png":   {"png", "image/png", "", 0, "rgb", false, false},
}

// TestFixtures probes every committed fixture and compares with ffprobe's
// values in expected.json: MP4-family durations to the millisecond, others
// within 50 ms, plus format, MIME, codecs, size and channels.
func TestFixtures(t *testing.T) {
	exp := loadExpected(t)
	names := make([]string, 0, len(exp))
	for n := range exp {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		e := exp[name]
		t.Run(name, func(t *testing.T) {
			want, ok := fixtureWant[name]
			if !ok {
				t.Fatalf("no fixtureWant entry for %s", name)
			}
			path := filepath.Join("testdata", name)
			info, err := probeFile(t, path)
			if err != nil {
				t.Fatal(err)
			}
			if info.Format != want.format || info.MIME != want.mime {
				t.Errorf("format, MIME = %q, %q; want %q, %q", info.Format, info.MIME, want.format, want.mime)
			}
			if info.Codecs != want.codecs {
				t.Errorf("codecs = %q, want %q", info.Codecs, want.codecs)
			}
			if info.Width != e.Width || info.Height != e.Height {
				t.Errorf("size = %d×%d, want %d×%d", info.Width, info.Height, e.Width, e.Height)
			}
			if info.HasVideo != (e.Width > 0 && want.color == "") {
				t.Errorf("HasVideo = %v", info.HasVideo)
			}
			if info.Channels != want.channels || info.Channels != e.Channels {
				t.Errorf("channels = %d, want %d (ffprobe %d)", info.Channels, want.channels, e.Channels)
			}
			if info.ColorModel != want.color || info.HasAlpha != want.alpha {
				t.Errorf("color = %q alpha=%v, want %q alpha=%v", info.ColorModel, info.HasAlpha, want.color, want.alpha)
			}
			if info.Fragmented != want.fragmented {
				t.Errorf("Fragmented = %v, want %v", info.Fragmented, want.fragmented)
			}
			if want.color != "" {
				if info.Duration != 0 {
					t.Errorf("image duration = %v, want 0", info.Duration)
				}
				return
			}
			if e.SampleRate > 0 && info.SampleRate != e.SampleRate {
				t.Errorf("sample rate = %d, want %d", info.SampleRate, e.SampleRate)
			}
			if info.Bitrate <= 0 {
				t.Errorf("bitrate = %d", info.Bitrate)
			}
			wantDur, tol := e.Duration, 0.05
			switch want.format {
			case "mp4", "m4a", "mov":
				tol = 0.001
			case "mp3":
				// ffprobe's format duration for an MP3 without a Xing or
				// VBRI header is a bitrate estimate from the first frame,
				// wrong for VBR; the packet count it decodes is not.
				spf := 1152.0
				if e.SampleRate < 32000 {
					spf = 576
				}
				byFrames := float64(e.MP3Frames) * spf / float64(e.SampleRate)
				if strings.Contains(name, "vbr_noxing") {
					if math.Abs(wantDur-byFrames) < 0.1 {
						t.Fatalf("fixture %s: ffprobe estimate %.3f s is not off; is it VBR?", name, wantDur)
					}
					wantDur = byFrames
				} else if math.Abs(wantDur-byFrames) > 0.05 {
					t.Fatalf("fixture %s: ffprobe duration %.3f s vs %d frames (%.3f s)", name, wantDur, e.MP3Frames, byFrames)
				}
			}
			got := info.Duration.Seconds()
			if math.Abs(got-wantDur) > tol {
				t.Errorf("duration = %.6f s, want %.6f s ± %g (ffprobe %.6f)", got, wantDur, tol, e.Duration)
			}
			t.Logf("%s: %v %d b/s %d Hz warnings=%q", name, info.Duration.Round(time.Microsecond), info.Bitrate, info.SampleRate, info.Warnings)
		})
	}
}
