package probe

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSniff(t *testing.T) {
	tests := []struct {
		head         string
		format, mime string
	}{
		{"ID3\x04\x00\x00\x00\x00\x00\x00", "mp3", "audio/mpeg"},
		{"ID3\x04\x00\x00\x00\x00\x00\x00fLaC", "flac", "audio/flac"},
		{"\xFF\xFB\x90\x64", "mp3", "audio/mpeg"},
		{"\xFF\xF1\x50\x80", "", "application/octet-stream"}, // ADTS AAC: layer 0
		{"\x00\x00\x00\x18ftypqt  \x00\x00\x00\x00", "mov", "video/quicktime"},
		{"\x00\x00\x00\x18ftypM4A \x00\x00\x00\x00", "m4a", "audio/x-m4a"},
		{"\x00\x00\x00\x18ftypM4V \x00\x00\x00\x00", "mp4", "video/x-m4v"},
		{"\x00\x00\x00\x18ftypisom\x00\x00\x00\x00", "mp4", "video/mp4"},
		{"\x00\x00\x00\x18ftyp", "mp4", "video/mp4"},
		{"\x00\x00\x00\x08wide", "mov", "video/quicktime"},
		{"fLaC\x00\x00\x00\x22", "flac", "audio/flac"},
		{"RIFF\x00\x00\x00\x00WAVE", "wav", "audio/wav"},
		{"RF64\xFF\xFF\xFF\xFFWAVE", "wav", "audio/wav"},
		{"\xFF\xD8\xFF\xE0", "jpeg", "image/jpeg"},
		{"\x89PNG\r\n\x1a\n", "png", "image/png"},
		{"OggS", "ogg", "audio/ogg"},
		{"<html>", "", "application/octet-stream"},
		{"", "", "application/octet-stream"},
	}
	for _, tt := range tests {
		f, m := Sniff([]byte(tt.head))
		if f != tt.format || m != tt.mime {
			t.Errorf("Sniff(%q) = %q, %q; want %q, %q", tt.head, f, m, tt.format, tt.mime)
		}
	}
	for _, name := range []string{"opus.opus", "vorbis.ogg"} {
		f, _ := Sniff(readFixture(t, name)[:512])
		if want := strings.TrimSuffix(strings.TrimSuffix(name, ".opus"), ".ogg"); f != want {
			t.Errorf("Sniff(%s) = %q, want %q", name, f, want)
		}
	}
}

func TestMIMEForExtension(t *testing.T) {
	for ext, want := range map[string]string{
		".mp3": "audio/mpeg", ".m4a": "audio/x-m4a", ".mp4": "video/mp4", ".m4v": "video/x-m4v",
		".mov": "video/quicktime", ".MP3": "audio/mpeg", "mp3": "audio/mpeg", ".ogg": "audio/ogg",
		".opus": "audio/opus", ".flac": "audio/flac", ".wav": "audio/wav", ".jpg": "image/jpeg",
		".jpeg": "image/jpeg", ".png": "image/png", ".vtt": "text/vtt", ".srt": "application/x-subrip",
		".json": "application/json", ".exe": "",
	} {
		if got := MIMEForExtension(ext); got != want {
			t.Errorf("MIMEForExtension(%q) = %q, want %q", ext, got, want)
		}
	}
}

func TestCheckExtension(t *testing.T) {
	mp4 := Info{Format: "mp4", MIME: "video/mp4"}
	m4a := Info{Format: "m4a", MIME: "audio/x-m4a"}
	tests := []struct {
		name string
		info Info
		want string // substring of the error, "" for none
	}{
		{"media/x.mp3", mp4, "media/x.mp3: content is MP4 (video/mp4), but the extension .mp3 says audio/mpeg"},
		{"media/x.mp4", mp4, ""},
		{"media/x.MP4", mp4, ""},
		{"media/x.mov", mp4, ""},
		{"media/x.mp4", m4a, ""}, // audio-only MP4: accepted, Probe warns
		{"media/x.m4a", mp4, "media/x.m4a: content is MP4 (video/mp4), but the extension .m4a says audio/x-m4a"},
		{"media/x.m4a", m4a, ""},
		{"media/x.ogg", Info{Format: "opus", MIME: "audio/opus"}, ""},
		{"media/x.opus", Info{Format: "vorbis", MIME: "audio/ogg"}, "content is Ogg Vorbis (audio/ogg), but the extension .opus says audio/opus"},
		{"art/x.png", Info{Format: "jpeg", MIME: "image/jpeg"}, "art/x.png: content is JPEG (image/jpeg), but the extension .png says image/png"},
		{"media/x.mp3", Info{MIME: "application/octet-stream"}, "not a recognised media format"},
		{"notes.txt", Info{MIME: "application/octet-stream"}, ""},
		{"media/x.bin", Info{Format: "mp3", MIME: "audio/mpeg"}, "names no media type"},
		{"media/x", Info{Format: "mp3", MIME: "audio/mpeg"}, "has no extension"},
	}
	for _, tt := range tests {
		err := CheckExtension(tt.name, tt.info)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("CheckExtension(%s, %s): %v", tt.name, tt.info.Format, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("CheckExtension(%s, %s) = %v, want %q", tt.name, tt.info.Format, err, tt.want)
		}
	}
}

// TestMP4NamedMP3 proves the content, not the name, decides the type, and
// that the mismatch is reported naming the file.
func TestMP4NamedMP3(t *testing.T) {
	b := readFixture(t, "mp4_h264_aac.mp4")
	info, err := Probe(bytes.NewReader(b), int64(len(b)), "media/x.mp3")
	if err != nil {
		t.Fatal(err)
	}
	if info.Format != "mp4" || info.MIME != "video/mp4" {
		t.Fatalf("got %s %s", info.Format, info.MIME)
	}
	const want = "media/x.mp3: content is MP4 (video/mp4), but the extension .mp3 says audio/mpeg"
	if err := CheckExtension("media/x.mp3", info); err == nil || err.Error() != want {
		t.Fatalf("CheckExtension = %v, want %q", err, want)
	}
	if !containsWarning(info, want) {
		t.Errorf("Probe warnings %q lack the mismatch", info.Warnings)
	}
}

func containsWarning(info Info, sub string) bool {
	for _, w := range info.Warnings {
		if strings.Contains(w, sub) {
			return true
		}
	}
	return false
}

func TestWarnings(t *testing.T) {
	for name, want := range map[string]string{
		"wav.wav":            "WAV is not played by Apple Podcasts",
		"mp4_audio_only.mp4": "audio-only MP4",
		"flac.flac":          "FLAC is not played by Apple Podcasts",
		"opus.opus":          "Ogg Opus is not played by Apple Podcasts",
	} {
		info, err := probeFile(t, filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		if !containsWarning(info, want) {
			t.Errorf("%s: warnings %q lack %q", name, info.Warnings, want)
		}
	}
	for _, name := range []string{"mp3_cbr.mp3", "m4a_faststart.m4a", "mp4_h264_aac.mp4"} {
		info, err := probeFile(t, filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		if len(info.Warnings) != 0 {
			t.Errorf("%s: unexpected warnings %q", name, info.Warnings)
		}
	}
}

func TestUnknownAndEmpty(t *testing.T) {
	b := []byte("just some text, not media at all\n")
	info, err := Probe(bytes.NewReader(b), int64(len(b)), "notes.mp3")
	if err != nil {
		t.Fatalf("unknown content: %v", err)
	}
	if info.Format != "" || info.MIME != "application/octet-stream" || !containsWarning(info, "podcast apps will not play it") {
		t.Errorf("unknown content: %+v", info)
	}
	if _, err := Probe(bytes.NewReader(nil), 0, "empty.mp3"); err == nil || !strings.Contains(err.Error(), "empty.mp3") {
		t.Errorf("empty file: err = %v, want an error naming the file", err)
	}
}

// id3v24 builds an ID3v2.4 tag with an extended header, one APIC frame of
// picture bytes and the footer flag set.
func id3v24(picture []byte) []byte {
	syncsafe := func(n int) []byte {
		return []byte{byte(n >> 21 & 0x7F), byte(n >> 14 & 0x7F), byte(n >> 7 & 0x7F), byte(n & 0x7F)}
	}
	var body bytes.Buffer
	body.Write(syncsafe(6)) // extended header: size, one flag byte, no flags
	body.Write([]byte{1, 0})
	apic := append([]byte("\x00image/jpeg\x00\x03\x00"), picture...)
	body.WriteString("APIC")
	body.Write(syncsafe(len(apic)))
	body.Write([]byte{0, 0})
	body.Write(apic)
	var tag bytes.Buffer
	tag.Write([]byte{'I', 'D', '3', 4, 0, 0x40 | 0x10})
	tag.Write(syncsafe(body.Len()))
	tag.Write(body.Bytes())
	tag.Write([]byte{'3', 'D', 'I', 4, 0, 0x40 | 0x10})
	tag.Write(syncsafe(body.Len()))
	return tag.Bytes()
}

// TestID3v2LargePicture prepends a 600 KB APIC picture (full of false frame
// syncs) in an ID3v2.4 tag with footer and extended header, plus a second
// ID3v2.3 tag, and checks that the probe jumps over both without reading
// them.
func TestID3v2LargePicture(t *testing.T) {
	for _, name := range []string{"mp3_vbr_noxing.mp3", "mp3_cbr.mp3"} {
		orig := readFixture(t, name)
		want, err := Probe(bytes.NewReader(orig), int64(len(orig)), name)
		if err != nil {
			t.Fatal(err)
		}
		pic := bytes.Repeat([]byte{0xFF, 0xFB, 0x90, 0x64, 0x00}, 600<<10/5)
		v23 := []byte{'I', 'D', '3', 3, 0, 0, 0, 0, 0, 10, 'T', 'I', 'T', '2', 0, 0, 0, 0, 0, 0}
		b := append(append(id3v24(pic), v23...), orig...)
		r := NewCountingReaderAt(bytes.NewReader(b))
		got, err := Probe(r, int64(len(b)), name)
		if err != nil {
			t.Fatal(err)
		}
		if got.Duration != want.Duration || got.Bitrate != want.Bitrate || got.SampleRate != want.SampleRate {
			t.Errorf("%s with 600 KB tag: %v %d b/s; want %v %d b/s", name, got.Duration, got.Bitrate, want.Duration, want.Bitrate)
		}
		if n := r.BytesRead(); n > 128<<10 {
			t.Errorf("%s: read %d bytes; the 600 KB picture should be skipped", name, n)
		}
	}
}

// TestTrailingTags appends an APEv2 tag (with header) and an ID3v1 tag,
// and separately an appended ID3v2.4 tag, and checks that the audio end is
// found before them.
func TestTrailingTags(t *testing.T) {
	orig := readFixture(t, "mp3_cbr_noxing.mp3")
	want, err := Probe(bytes.NewReader(orig), int64(len(orig)), "x.mp3")
	if err != nil {
		t.Fatal(err)
	}
	ape := func() []byte {
		item := []byte("\x04\x00\x00\x00\x00\x00\x00\x00Year\x002024")
		hdr := func(flags uint32) []byte {
			var b bytes.Buffer
			b.WriteString("APETAGEX")
			binary.Write(&b, binary.LittleEndian, uint32(2000))
			binary.Write(&b, binary.LittleEndian, uint32(len(item)+32))
			binary.Write(&b, binary.LittleEndian, uint32(1))
			binary.Write(&b, binary.LittleEndian, flags)
			b.Write(make([]byte, 8))
			return b.Bytes()
		}
		out := append(hdr(1<<31|1<<29), item...)
		return append(out, hdr(1<<31)...)
	}()
	id3v1 := append([]byte("TAG"), make([]byte, 125)...)
	for label, tail := range map[string][]byte{
		"APEv2+ID3v1":    append(append([]byte{}, ape...), id3v1...),
		"ID3v1":          id3v1,
		"APEv2":          ape,
		"appended ID3v2": id3v24(bytes.Repeat([]byte{0xFF, 0xFB, 0x90}, 100)),
	} {
		b := append(append([]byte{}, orig...), tail...)
		s := &src{r: bytes.NewReader(b), size: int64(len(b)), name: "x.mp3", kind: "mp3"}
		if end := trailingTagsStart(s, 0); end != int64(len(orig)) {
			t.Errorf("%s: audio ends at %d, want %d", label, end, len(orig))
		}
		got, err := Probe(bytes.NewReader(b), int64(len(b)), "x.mp3")
		if err != nil {
			t.Fatalf("%s: %v", label, err)
		}
		if got.Duration != want.Duration || got.Bitrate != want.Bitrate {
			t.Errorf("%s: %v %d b/s, want %v %d b/s", label, got.Duration, got.Bitrate, want.Duration, want.Bitrate)
		}
	}
}

func TestFreeFormatIsError(t *testing.T) {
	// Two free-format MPEG-1 layer III headers.
	b := bytes.Repeat([]byte{0xFF, 0xFB, 0x00, 0x64}, 64)
	_, err := parseBytes("mp3", b)
	if err == nil || !strings.Contains(err.Error(), "free-format") {
		t.Fatalf("err = %v, want a free-format error", err)
	}
}

// TestFragmentsWithoutTfdt removes the tfdt boxes (renaming them to
// "free") so the duration must come from summing trun sample durations.
func TestFragmentsWithoutTfdt(t *testing.T) {
	b := readFixture(t, "mp4_frag.mp4")
	want, err := Probe(bytes.NewReader(b), int64(len(b)), "x.mp4")
	if err != nil {
		t.Fatal(err)
	}
	n := bytes.Count(b, []byte("tfdt"))
	if n == 0 {
		t.Fatal("fixture has no tfdt")
	}
	c := bytes.ReplaceAll(b, []byte("tfdt"), []byte("free"))
	got, err := Probe(bytes.NewReader(c), int64(len(c)), "x.mp4")
	if err != nil {
		t.Fatal(err)
	}
	if got.Duration != want.Duration || !got.Fragmented {
		t.Errorf("without tfdt: %v (fragmented %v), want %v", got.Duration, got.Fragmented, want.Duration)
	}
}

// TestLengthFieldCaps presents boxes and chunks whose length fields claim
// far more than any header needs, in files that are really that large
// (sparse), and checks for ErrTooLarge instead of an allocation.
func TestLengthFieldCaps(t *testing.T) {
	// An mvhd claiming 64 MB inside a moov filling a 128 MB file.
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, uint32(16))
	b.WriteString("ftypisom\x00\x00\x00\x00")
	binary.Write(&b, binary.BigEndian, uint32(128<<20-16))
	b.WriteString("moov")
	binary.Write(&b, binary.BigEndian, uint32(64<<20))
	b.WriteString("mvhd")
	r := sparseReaderAt{data: b.Bytes(), size: 128 << 20}
	_, err := boundedProbe(t, "huge mvhd", func() (Info, error) { return Probe(r, r.size, "huge.mp4") })
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("huge mvhd: err = %v, want ErrTooLarge", err)
	}

	// A 4 GB moov in a 1 KB file is an error (truncated), not allocated.
	var c bytes.Buffer
	binary.Write(&c, binary.BigEndian, uint32(16))
	c.WriteString("ftypisom\x00\x00\x00\x00")
	binary.Write(&c, binary.BigEndian, uint32(1))
	c.WriteString("moov")
	binary.Write(&c, binary.BigEndian, uint64(4<<30))
	c.Write(make([]byte, 1024-c.Len()))
	_, err = boundedProbe(t, "4 GB moov", func() (Info, error) { return Probe(bytes.NewReader(c.Bytes()), int64(c.Len()), "x.mp4") })
	if !errors.Is(err, ErrTruncated) {
		t.Errorf("4 GB moov in 1 KB: err = %v, want ErrTruncated", err)
	}
}

// TestTruncatedAndCorrupt cuts every fixture at several points and flips
// random bytes; each probe must return an error or a sane result, within
// the time and allocation bounds of boundedProbe.
func TestTruncatedAndCorrupt(t *testing.T) {
	entries, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, e := range entries {
		if e.IsDir() || strings.HasSuffix(e.Name(), ".json") || strings.HasSuffix(e.Name(), ".sh") {
			continue
		}
		orig := readFixture(t, e.Name())
		n := len(orig)
		for _, cut := range []int{0, 1, 3, 4, 8, 11, 12, 16, 27, 64, 100, 512, n / 4, n / 2, n - 200, n - 1} {
			if cut < 0 || cut > n {
				continue
			}
			b := orig[:cut]
			what := fmt.Sprintf("%s cut at %d", e.Name(), cut)
			_, err := boundedProbe(t, what, func() (Info, error) { return Probe(bytes.NewReader(b), int64(len(b)), e.Name()) })
			if cut == 0 && err == nil {
				t.Errorf("%s: want an error", what)
			}
		}
		for i := range 60 {
			b := append([]byte{}, orig...)
			flips := 1 + rng.IntN(16)
			for range flips {
				// Bias flips towards the headers, where they matter.
				p := rng.IntN(min(n, 4096))
				if rng.IntN(4) == 0 {
					p = rng.IntN(n)
				}
				b[p] ^= byte(1 + rng.IntN(255))
			}
			what := fmt.Sprintf("%s corrupted #%d", e.Name(), i)
			boundedProbe(t, what, func() (Info, error) { return Probe(bytes.NewReader(b), int64(len(b)), e.Name()) })
			for kind := range parsers {
				boundedProbe(t, what+" as "+kind, func() (Info, error) { return parseBytes(kind, b) })
			}
		}
	}
}
