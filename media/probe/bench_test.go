package probe

import (
	"bytes"
	"testing"
)

func benchProbe(b *testing.B, name string) {
	data := readFixture(b, name)
	r := bytes.NewReader(data)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Probe(r, int64(len(data)), name); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkProbeMP3CBR(b *testing.B)        { benchProbe(b, "mp3_cbr.mp3") }
func BenchmarkProbeMP3VBRWalk(b *testing.B)    { benchProbe(b, "mp3_vbr_noxing.mp3") }
func BenchmarkProbeM4A(b *testing.B)           { benchProbe(b, "m4a_moov_end.m4a") }
func BenchmarkProbeMP4(b *testing.B)           { benchProbe(b, "mp4_h264_aac.mp4") }
func BenchmarkProbeMOV(b *testing.B)           { benchProbe(b, "mov_h264_aac.mov") }
func BenchmarkProbeMP4Fragmented(b *testing.B) { benchProbe(b, "mp4_frag.mp4") }
func BenchmarkProbeOpus(b *testing.B)          { benchProbe(b, "opus.opus") }
func BenchmarkProbeVorbis(b *testing.B)        { benchProbe(b, "vorbis.ogg") }
func BenchmarkProbeFLAC(b *testing.B)          { benchProbe(b, "flac.flac") }
func BenchmarkProbeWAV(b *testing.B)           { benchProbe(b, "wav.wav") }
func BenchmarkProbeJPEG(b *testing.B)          { benchProbe(b, "art_rgb_1400.jpg") }
func BenchmarkProbePNG(b *testing.B)           { benchProbe(b, "art_rgba_1400.png") }
