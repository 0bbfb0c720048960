package probe

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// TestAgainstFFprobe generates fresh media of random-ish durations with
// ffmpeg and compares Probe with ffprobe. Without ffmpeg it skips, unless
// FEEDPUB_TEST_REQUIRE_FFMPEG=1 (CI), where a missing ffmpeg is a failure.
func TestAgainstFFprobe(t *testing.T) {
	ffmpeg, err1 := exec.LookPath("ffmpeg")
	ffprobe, err2 := exec.LookPath("ffprobe")
	if err1 != nil || err2 != nil {
		if os.Getenv("FEEDPUB_TEST_REQUIRE_FFMPEG") == "1" {
			t.Fatalf("FEEDPUB_TEST_REQUIRE_FFMPEG=1 but ffmpeg/ffprobe are not on PATH: %v %v", err1, err2)
		}
		t.Skip("ffmpeg or ffprobe not on PATH (set FEEDPUB_TEST_REQUIRE_FFMPEG=1 to fail instead)")
	}
	if testing.Short() && os.Getenv("FEEDPUB_TEST_REQUIRE_FFMPEG") != "1" {
		t.Skip("-short")
	}
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	dir := t.TempDir()
	sine := func(rate int, d float64) string {
		return fmt.Sprintf("sine=frequency=440:sample_rate=%d:duration=%.3f", rate, d)
	}
	video := func(d float64) string { return fmt.Sprintf("testsrc=size=96x64:rate=15:duration=%.3f", d) }
	cases := []struct {
		file string
		tol  float64
		args func(d float64) []string
	}{
		{"cbr.mp3", 0.05, func(d float64) []string {
			return []string{"-f", "lavfi", "-i", sine(44100, d), "-c:a", "libmp3lame", "-b:a", "48k"}
		}},
		{"vbr.mp3", 0.05, func(d float64) []string {
			return []string{"-f", "lavfi", "-i", sine(32000, d), "-c:a", "libmp3lame", "-q:a", "5"}
		}},
		// ffmpeg counts the ID3v1 tag in the Xing byte count.
		{"id3v1.mp3", 0.05, func(d float64) []string {
			return []string{"-f", "lavfi", "-i", sine(44100, d), "-c:a", "libmp3lame", "-b:a", "64k", "-write_id3v1", "1"}
		}},
		{"layer2.mp3", 0.05, func(d float64) []string {
			return []string{"-f", "lavfi", "-i", sine(44100, d), "-c:a", "mp2", "-b:a", "128k", "-f", "mp2"}
		}},
		{"mpeg2.mp3", 0.05, func(d float64) []string {
			return []string{"-f", "lavfi", "-i", sine(24000, d), "-c:a", "libmp3lame", "-b:a", "32k", "-write_xing", "0"}
		}},
		{"audio.m4a", 0.001, func(d float64) []string {
			return []string{"-f", "lavfi", "-i", sine(48000, d), "-c:a", "aac", "-b:a", "32k"}
		}},
		{"video.mp4", 0.001, func(d float64) []string {
			return []string{"-f", "lavfi", "-i", video(d), "-f", "lavfi", "-i", sine(44100, d),
				"-c:v", "libx264", "-preset", "ultrafast", "-crf", "45", "-c:a", "aac", "-b:a", "24k", "-shortest", "-movflags", "+faststart"}
		}},
		{"frag.mp4", 0.001, func(d float64) []string {
			return []string{"-f", "lavfi", "-i", video(d), "-f", "lavfi", "-i", sine(44100, d),
				"-c:v", "libx264", "-preset", "ultrafast", "-crf", "45", "-g", "7", "-c:a", "aac", "-b:a", "24k", "-shortest",
				"-movflags", "frag_keyframe+empty_moov+default_base_moof"}
		}},
		// No base offsets in tfhd: each traf's data follows the previous one's.
		{"frag_omit.mp4", 0.001, func(d float64) []string {
			return []string{"-f", "lavfi", "-i", video(d), "-f", "lavfi", "-i", sine(44100, d),
				"-c:v", "libx264", "-preset", "ultrafast", "-crf", "45", "-g", "7", "-c:a", "aac", "-b:a", "24k", "-shortest",
				"-movflags", "frag_keyframe+empty_moov+omit_tfhd_offset"}
		}},
		{"video.mov", 0.001, func(d float64) []string {
			return []string{"-f", "lavfi", "-i", video(d), "-c:v", "libx264", "-preset", "ultrafast", "-crf", "45"}
		}},
		{"audio.ogg", 0.05, func(d float64) []string {
			return []string{"-f", "lavfi", "-i", sine(22050, d), "-c:a", "libvorbis", "-q:a", "0"}
		}},
		{"audio.opus", 0.05, func(d float64) []string {
			return []string{"-f", "lavfi", "-i", sine(48000, d), "-c:a", "libopus", "-b:a", "12k"}
		}},
		{"audio.flac", 0.05, func(d float64) []string {
			return []string{"-f", "lavfi", "-i", sine(16000, d), "-c:a", "flac"}
		}},
		{"audio.wav", 0.05, func(d float64) []string {
			return []string{"-f", "lavfi", "-i", sine(8000, d), "-c:a", "pcm_s16le"}
		}},
		{"rf64.wav", 0.05, func(d float64) []string {
			return []string{"-f", "lavfi", "-i", sine(11025, d), "-c:a", "pcm_s16le", "-rf64", "always"}
		}},
	}
	for _, c := range cases {
		d := 1 + rng.Float64()*6
		path := filepath.Join(dir, c.file)
		args := append([]string{"-nostdin", "-hide_banner", "-loglevel", "error", "-y"}, c.args(d)...)
		if out, err := exec.Command(ffmpeg, append(args, path)...).CombinedOutput(); err != nil {
			t.Fatalf("ffmpeg %s: %v\n%s", c.file, err, out)
		}
		out, err := exec.Command(ffprobe, "-v", "error", "-show_entries", "format=duration", "-of", "json", path).Output()
		if err != nil {
			t.Fatalf("ffprobe %s: %v", c.file, err)
		}
		var fp struct {
			Format struct {
				Duration string `json:"duration"`
			} `json:"format"`
		}
		if err := json.Unmarshal(out, &fp); err != nil {
			t.Fatalf("ffprobe %s: %v", c.file, err)
		}
		want, err := strconv.ParseFloat(fp.Format.Duration, 64)
		if err != nil {
			t.Fatalf("ffprobe %s duration %q: %v", c.file, fp.Format.Duration, err)
		}
		info, err := probeFile(t, path)
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		tol := c.tol
		if c.file == "audio.opus" {
			// ffprobe counts the pre-skip; Probe does not (RFC 7845).
			tol += 0.0065
		}
		if got := info.Duration.Seconds(); math.Abs(got-want) > tol {
			t.Errorf("%s (%.3f s requested): Probe %.6f s, ffprobe %.6f s, tolerance %g", c.file, d, got, want, tol)
		}
	}
}
