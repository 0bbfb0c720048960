package probe

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestHEVCCodecString(t *testing.T) {
	hvcC := []byte{1, 0x01, 0x60, 0, 0, 0, 0xB0, 0, 0, 0, 0, 0, 93}
	if got := hevcCodec("hvc1", hvcC); got != "hvc1.1.6.L93.B0" {
		t.Errorf("Main profile: %q, want hvc1.1.6.L93.B0", got)
	}
	// Main 10, high tier, level 5.1 (153), profile space 0.
	hvcC = []byte{1, 0x22, 0x20, 0, 0, 0, 0x90, 0, 0, 0, 0, 0, 153}
	if got := hevcCodec("hev1", hvcC); got != "hev1.2.4.H153.90" {
		t.Errorf("Main 10: %q, want hev1.2.4.H153.90", got)
	}
}

func TestAudioSpecificConfig(t *testing.T) {
	for _, tt := range []struct {
		asc           []byte
		aot, channels int
	}{
		{[]byte{0x12, 0x10}, 2, 2},             // AAC-LC 44.1 kHz stereo
		{[]byte{0x11, 0x88}, 2, 1},             // AAC-LC 48 kHz mono
		{[]byte{0x2B, 0x92, 0x08, 0x00}, 5, 2}, // HE-AAC (SBR) 24 kHz stereo
		{[]byte{0xF8, 0x1E, 0x20}, 32, 0},      // escape: AOT 32 (cut short)
		{nil, 0, 0},
	} {
		aot, ch := audioSpecificConfig(tt.asc)
		if aot != tt.aot || ch != tt.channels {
			t.Errorf("ASC % x: aot %d ch %d, want %d %d", tt.asc, aot, ch, tt.aot, tt.channels)
		}
	}
}

// TestVBRI writes a VBRI header (as Fraunhofer encoders do) into the first
// frame of a CBR file and checks that its frame count gives the duration
// when its byte count matches the file, and that a byte count beyond the
// file is truncation.
func TestVBRI(t *testing.T) {
	b := readFixture(t, "mp3_cbr_noxing.mp3")
	s := &src{r: bytes.NewReader(b), size: int64(len(b)), name: "x.mp3", kind: "mp3"}
	start, _ := skipID3v2(s, 0)
	first, h, err := findFirstFrame(s, start, int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	v := b[first+36:]
	copy(v, "VBRI")
	binary.BigEndian.PutUint16(v[4:], 1)
	binary.BigEndian.PutUint32(v[10:], uint32(int64(len(b))-first))
	// 120 frames, not the 129 the file holds, so that the duration shows
	// which count was used.
	binary.BigEndian.PutUint32(v[14:], 120)
	info, err := Probe(bytes.NewReader(b), int64(len(b)), "x.mp3")
	if err != nil {
		t.Fatal(err)
	}
	want := time.Duration(120*1152) * time.Second / time.Duration(h.sampleRate)
	if info.Duration != want {
		t.Errorf("VBRI duration %v, want %v", info.Duration, want)
	}

	binary.BigEndian.PutUint32(v[10:], 400000)
	binary.BigEndian.PutUint32(v[14:], 3000)
	_, err = Probe(bytes.NewReader(b), int64(len(b)), "x.mp3")
	if !errors.Is(err, ErrTruncated) || !strings.Contains(err.Error(), fmt.Sprintf("(%d bytes missing)", 400000-(int64(len(b))-first))) {
		t.Errorf("VBRI claiming 400000 bytes: err = %v, want truncation by the bytes it claims beyond the file", err)
	}
}

// TestXingWithoutFrameCount clears the frames flag of the Info header, so
// the probe must fall back to walking the frames.
func TestXingWithoutFrameCount(t *testing.T) {
	b := readFixture(t, "mp3_vbr.mp3")
	want, err := Probe(bytes.NewReader(b), int64(len(b)), "x.mp3")
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(b, []byte("Xing"))
	if i < 0 {
		t.Fatal("no Xing header in fixture")
	}
	b[i+7] &^= 1
	got, err := Probe(bytes.NewReader(b), int64(len(b)), "x.mp3")
	if err != nil {
		t.Fatal(err)
	}
	// The walk also counts the Xing frame itself: one frame more.
	frame := time.Duration(1152) * time.Second / 44100
	if d := got.Duration - want.Duration - frame; d < -time.Microsecond || d > time.Microsecond {
		t.Errorf("walk %v vs Xing %v: want one frame more", got.Duration, want.Duration)
	}
}

// TestOggLastPageOfStream appends a page of another stream (a different
// serial number) and checks the duration still comes from our stream.
func TestOggLastPageOfStream(t *testing.T) {
	b := readFixture(t, "vorbis.ogg")
	want, err := Probe(bytes.NewReader(b), int64(len(b)), "x.ogg")
	if err != nil {
		t.Fatal(err)
	}
	page := []byte("OggS\x00\x04")
	page = binary.LittleEndian.AppendUint64(page, 1<<40) // a huge granule
	page = binary.LittleEndian.AppendUint32(page, 0xDEADBEEF)
	page = binary.LittleEndian.AppendUint32(page, 0)
	page = append(page, 0, 0, 0, 0, 1, 3, 'a', 'b', 'c')
	binary.LittleEndian.PutUint32(page[22:], oggCRC(page))
	b = append(b, page...)
	got, err := Probe(bytes.NewReader(b), int64(len(b)), "x.ogg")
	if err != nil {
		t.Fatal(err)
	}
	if got.Duration != want.Duration {
		t.Errorf("with a foreign last page: %v, want %v", got.Duration, want.Duration)
	}
}

func TestDurationOf(t *testing.T) {
	for _, tt := range []struct {
		ticks, rate uint64
		want        time.Duration
	}{
		{44100, 44100, time.Second},
		{1, 3, 333333333},
		{1<<64 - 1, 1, 1<<63 - 1},
		{5, 0, 0},
		{1<<63 + 5, 1 << 40, time.Duration(1<<23) * time.Second},
	} {
		if got := durationOf(tt.ticks, tt.rate); got != tt.want {
			t.Errorf("durationOf(%d, %d) = %v, want %v", tt.ticks, tt.rate, got, tt.want)
		}
	}
}
