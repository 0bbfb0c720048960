package probe

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"sync/atomic"
	"time"

	"github.com/feedpub/feedpub/config/mediatype"
)

// Info is what a probe learns about one file.
type Info struct {
	// Format is "mp3", "m4a", "mp4", "mov", "opus", "vorbis", "flac", "wav",
	// "jpeg", "png", or "" if unknown.
	Format string
	// MIME comes from the content (magic bytes and structure), not the file
	// name, e.g. audio/mpeg, audio/x-m4a, video/mp4, video/x-m4v,
	// video/quicktime, audio/ogg, audio/opus, audio/flac, audio/wav,
	// image/jpeg, image/png; application/octet-stream if unknown.
	MIME string
	// Duration is 0 for images and when unknown.
	Duration time.Duration
	// Bitrate is the average in bits per second.
	Bitrate    int
	SampleRate int
	Channels   int
	// Width and Height are the video frame or image size in pixels.
	Width, Height int
	HasVideo      bool
	// Codecs lists RFC 6381 codecs, comma-separated, e.g.
	// "avc1.64001f,mp4a.40.2", "mp4a.40.2", "opus", "flac", "mp3".
	Codecs string
	// ColorModel is the colour space of an image: "rgb" (JPEG YCbCr counts as
	// rgb), "gray", "cmyk", "ycck" or "paletted". Transparency is reported
	// separately in HasAlpha, so an RGBA PNG is "rgb" with HasAlpha.
	ColorModel string
	// HasAlpha reports an alpha channel or a PNG tRNS chunk.
	HasAlpha bool
	// Fragmented reports a fragmented MP4 (one with an mvex box).
	Fragmented bool
	// Warnings are non-fatal findings, e.g. "WAV is not played by Apple
	// Podcasts".
	Warnings []string
}

// MaxBoxSize caps every buffer whose size comes from a length field in the
// file (an MP4 box, a trun sample table, a JPEG segment). Real headers are far
// smaller; a larger value is reported as an error wrapping ErrTooLarge rather
// than allocated.
const MaxBoxSize = 4 << 20

// ErrTooLarge is wrapped by errors about a length field above MaxBoxSize.
var ErrTooLarge = errors.New("length field exceeds limit")

// ErrTruncated is wrapped by errors about a structure that runs past the end
// of the file.
var ErrTruncated = errors.New("truncated")

// ErrPadded is wrapped by errors about data after the end of a file's
// content that belongs to no part of it, beyond a tolerance of 2 KB, e.g. a
// megabyte of zeros after the last MP3 frame.
var ErrPadded = errors.New("padded")

// ErrCorrupt is wrapped by errors about lengths or offsets in a file that
// contradict each other rather than the file size, e.g. an MP4 box running
// past the end of the box that contains it, or sample data outside every
// mdat box.
var ErrCorrupt = errors.New("corrupt")

// junkTolerance is how many bytes that belong to no frame, page or tag a
// file may end with before it is reported as padded. Writers leave a few
// (zero padding to a 512- or 2048-byte block, a stray partial tag), and
// players ignore them; 2 KB covers such remnants yet is under one second of
// audio at 16 kbit/s, the lowest bitrate a podcast uses, so no audible amount
// of lost or foreign data hides in it.
const junkTolerance = 2048

// maxSteps bounds every walk over a file (MP3 frames, MP4 boxes, JPEG
// segments, …). Each iteration advances through the file, so the size alone
// would bound them, but a bound in iterations keeps a hostile many-gigabyte
// file of tiny units from taking minutes.
const maxSteps = 50_000_000

// Probe sniffs the content of r (size bytes long), dispatches to the parser
// for its format and returns what it learns. name is used only in messages
// and for the extension check, whose failure becomes a warning (call
// CheckExtension for an error). Content of an unknown format is not an error:
// Probe returns Format "", MIME application/octet-stream and a warning, and
// the caller decides. Errors look like "probe: mp3 FILE: ...".
func Probe(r io.ReaderAt, size int64, name string) (Info, error) {
	if size < 0 {
		return Info{}, fmt.Errorf("probe: %s: negative size %d", name, size)
	}
	if size == 0 {
		return Info{}, fmt.Errorf("probe: %s: empty file", name)
	}
	s := &src{r: r, size: size, name: name}
	head, err := s.read(0, int(min(size, 512)))
	if err != nil {
		return Info{}, fmt.Errorf("probe: %s: %w", name, err)
	}
	format, _ := Sniff(head)
	if bytes.HasPrefix(head, []byte("ID3")) {
		// Sniff saw a tag, not what follows it; look past every ID3v2 tag.
		s.kind = "mp3"
		off, err := skipID3v2(s, 0)
		if err != nil {
			return Info{}, err
		}
		if off+4 <= size {
			if b, err := s.read(off, 4); err == nil && string(b) == "fLaC" {
				format = "flac"
			}
		}
	}
	var info Info
	switch format {
	case "mp3":
		s.kind = "mp3"
		info, err = probeMP3(s)
	case "mp4", "m4a", "mov":
		s.kind = "mp4"
		info, err = probeMP4(s)
	case "opus", "vorbis", "ogg":
		s.kind = "ogg"
		info, err = probeOgg(s)
	case "flac":
		s.kind = "flac"
		info, err = probeFLAC(s)
	case "wav":
		s.kind = "wav"
		info, err = probeWAV(s)
	case "jpeg":
		s.kind = "jpeg"
		info, err = probeJPEG(s)
	case "png":
		s.kind = "png"
		info, err = probePNG(s)
	default:
		info = Info{MIME: mimeOctetStream}
		info.Warnings = append(info.Warnings, "unknown content type; podcast apps will not play it")
		return info, nil
	}
	if err != nil {
		return Info{}, err
	}
	if err := CheckExtension(name, info); err != nil {
		info.Warnings = append(info.Warnings, err.Error())
	} else if info.Format == "m4a" && strings.EqualFold(path.Ext(name), ".mp4") {
		info.Warnings = append(info.Warnings, "audio-only MP4: Apple Podcasts expects the extension .m4a (audio/x-m4a)")
	}
	return info, nil
}

const mimeOctetStream = "application/octet-stream"

// Sniff identifies a format from the first bytes of a file (512 are plenty)
// by magic numbers alone. It returns "", "application/octet-stream" when
// nothing matches. An MP4 is classified by its ftyp brand only; Probe refines
// that (an audio-only MP4 becomes m4a). A leading ID3v2 tag means "mp3"
// unless "fLaC" follows the tag within head.
func Sniff(head []byte) (format, mime string) {
	switch {
	case len(head) >= 10 && string(head[:3]) == "ID3":
		if n := id3v2Size(head); n > 0 && n+4 <= len(head) && string(head[n:n+4]) == "fLaC" {
			return "flac", "audio/flac"
		}
		return "mp3", "audio/mpeg"
	case len(head) >= 8 && string(head[4:8]) == "ftyp":
		return sniffBrand(head)
	case len(head) >= 8 && isQuickTimeBox(string(head[4:8])):
		return "mov", "video/quicktime"
	case len(head) >= 4 && string(head[:4]) == "OggS":
		return sniffOgg(head)
	case len(head) >= 4 && string(head[:4]) == "fLaC":
		return "flac", "audio/flac"
	case len(head) >= 12 && (string(head[:4]) == "RIFF" || string(head[:4]) == "RF64") && string(head[8:12]) == "WAVE":
		return "wav", "audio/wav"
	case len(head) >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF:
		return "jpeg", "image/jpeg"
	case len(head) >= 8 && string(head[:8]) == pngSignature:
		return "png", "image/png"
	case len(head) >= 4:
		if h, ok := parseFrameHeader(binary.BigEndian.Uint32(head)); ok && h.bitrate > 0 {
			return "mp3", "audio/mpeg"
		}
	}
	return "", mimeOctetStream
}

// isQuickTimeBox reports top-level box types that old QuickTime files start
// with when they have no ftyp.
func isQuickTimeBox(t string) bool {
	switch t {
	case "moov", "mdat", "wide", "free", "skip", "pnot":
		return true
	}
	return false
}

func sniffBrand(head []byte) (string, string) {
	if len(head) < 12 {
		return "mp4", "video/mp4"
	}
	switch string(head[8:12]) {
	case "qt  ":
		return "mov", "video/quicktime"
	case "M4A ", "M4B ", "M4P ":
		return "m4a", "audio/x-m4a"
	case "M4V ", "M4VH", "M4VP":
		return "mp4", "video/x-m4v"
	}
	return "mp4", "video/mp4"
}

func sniffOgg(head []byte) (string, string) {
	if len(head) >= 27 {
		n := int(head[26])
		if p := 27 + n; p+8 <= len(head) {
			switch {
			case string(head[p:p+8]) == "OpusHead":
				return "opus", "audio/opus"
			case p+7 <= len(head) && string(head[p:p+7]) == "\x01vorbis":
				return "vorbis", "audio/ogg"
			}
		}
	}
	return "ogg", "audio/ogg"
}

// MIMEForExtension returns the MIME type expected for a file extension
// (with or without the dot, any case): audio/mpeg for .mp3, audio/x-m4a for
// .m4a, video/mp4 for .mp4, video/x-m4v for .m4v, video/quicktime for .mov,
// and so on for .ogg .opus .flac .wav .jpg .jpeg .png .vtt .srt .json. It
// returns "" for an extension it does not know.
func MIMEForExtension(ext string) string {
	return mediatype.Lookup(ext).MIME
}

// CheckExtension returns an error when the content type in info and the
// extension of name disagree, e.g. "media/x.mp3: content is MP4 (video/mp4),
// but the extension .mp3 says audio/mpeg". Within the MP4 family it accepts
// audio-only content named .mp4 and MP4 content named .mov. Unknown content
// (Format "") is an error only when the extension names a media type.
func CheckExtension(name string, info Info) error {
	ext := strings.ToLower(path.Ext(name))
	want := mediatype.Lookup(ext)
	known := want.MIME != ""
	if info.Format == "" {
		if known && want.Formats != nil {
			return fmt.Errorf("%s: content is not a recognised media format (%s), but the extension %s says %s", name, orOctet(info.MIME), ext, want.MIME)
		}
		return nil
	}
	if !known {
		if ext == "" {
			return fmt.Errorf("%s: content is %s (%s), but the file has no extension", name, formatLabel(info.Format), info.MIME)
		}
		return fmt.Errorf("%s: content is %s (%s), but the extension %s names no media type", name, formatLabel(info.Format), info.MIME, ext)
	}
	for _, f := range want.Formats {
		if f == info.Format {
			return nil
		}
	}
	return fmt.Errorf("%s: content is %s (%s), but the extension %s says %s", name, formatLabel(info.Format), info.MIME, ext, want.MIME)
}

func orOctet(m string) string {
	if m == "" {
		return mimeOctetStream
	}
	return m
}

func formatLabel(f string) string {
	switch f {
	case "m4a":
		return "M4A"
	case "opus", "vorbis":
		return "Ogg " + strings.ToUpper(f[:1]) + f[1:]
	case "ogg":
		return "Ogg"
	case "flac":
		return "FLAC"
	}
	return strings.ToUpper(f)
}

// CountingReaderAt wraps an io.ReaderAt and counts the bytes and calls that
// go through it, so tests and benchmarks can prove how little a probe reads.
// It is safe for concurrent use.
type CountingReaderAt struct {
	R     io.ReaderAt
	n     atomic.Int64
	calls atomic.Int64
}

// NewCountingReaderAt returns a CountingReaderAt reading from r.
func NewCountingReaderAt(r io.ReaderAt) *CountingReaderAt {
	return &CountingReaderAt{R: r}
}

// ReadAt reads from the wrapped reader and adds the bytes returned to the
// count.
func (c *CountingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.R.ReadAt(p, off)
	c.n.Add(int64(n))
	c.calls.Add(1)
	return n, err
}

// BytesRead returns the number of bytes read so far.
func (c *CountingReaderAt) BytesRead() int64 { return c.n.Load() }

// Reads returns the number of ReadAt calls so far.
func (c *CountingReaderAt) Reads() int64 { return c.calls.Load() }

// src is the file being probed: its reader, size and name, and the parser
// kind for error messages.
type src struct {
	r    io.ReaderAt
	size int64
	name string
	kind string
}

// errorf formats an error as "probe: KIND NAME: ...".
func (s *src) errorf(format string, args ...any) error {
	return fmt.Errorf("probe: %s %s: %w", s.kind, s.name, fmt.Errorf(format, args...))
}

// read returns n bytes at off. n is capped at MaxBoxSize, and a read past
// the end of the file is an error wrapping ErrTruncated, so a length field
// from the file can be passed straight in.
func (s *src) read(off int64, n int) ([]byte, error) {
	if n < 0 || off < 0 {
		return nil, fmt.Errorf("read %d bytes at %d: %w", n, off, ErrTruncated)
	}
	if n > MaxBoxSize {
		return nil, fmt.Errorf("read %d bytes at %d: %w (%d)", n, off, ErrTooLarge, MaxBoxSize)
	}
	if off > s.size || int64(n) > s.size-off {
		return nil, s.pastEnd(off, int64(n))
	}
	b := make([]byte, n)
	m, err := s.r.ReadAt(b, off)
	if m == n {
		return b, nil
	}
	if err == nil || err == io.EOF {
		err = ErrTruncated
	}
	return nil, fmt.Errorf("read %d bytes at %d: %w", n, off, err)
}

// readInto fills b from off, like read but without allocating.
func (s *src) readInto(b []byte, off int64) error {
	n := len(b)
	if off < 0 {
		return fmt.Errorf("read %d bytes at %d: %w", n, off, ErrTruncated)
	}
	if off > s.size || int64(n) > s.size-off {
		return s.pastEnd(off, int64(n))
	}
	m, err := s.r.ReadAt(b, off)
	if m == n {
		return nil
	}
	if err == nil || err == io.EOF {
		err = ErrTruncated
	}
	return fmt.Errorf("read %d bytes at %d: %w", n, off, err)
}

// bytesMissing ends a truncation message with its byte count: "(12 bytes
// missing)", "(at least 1 byte missing)"; qualifier is "", "about " or
// "at least ".
func bytesMissing[T ~int | ~int64 | ~uint64](qualifier string, n T) string {
	unit := "bytes"
	if n == 1 {
		unit = "byte"
	}
	return fmt.Sprintf("(%s%d %s missing)", qualifier, n, unit)
}

// pastEnd is the error for a read of n bytes at off, off >= 0, that the
// file is too short for.
func (s *src) pastEnd(off, n int64) error {
	return fmt.Errorf("read %d bytes at %d of %d: %w %s", n, off, s.size, ErrTruncated, bytesMissing("at least ", off+n-s.size))
}

// durationOf converts ticks at rate per second to a Duration, without
// overflow for any 64-bit tick count (saturating at about 292 years).
func durationOf(ticks uint64, rate uint64) time.Duration {
	if rate == 0 {
		return 0
	}
	secs := ticks / rate
	if secs >= uint64(1<<63-1)/uint64(time.Second) {
		return time.Duration(1<<63 - 1)
	}
	rem := ticks % rate
	// rem < rate; rate fits 32 bits for every caller except this guard.
	var frac uint64
	if rate <= 1<<32 {
		frac = rem * uint64(time.Second) / rate
	} else {
		frac = uint64(float64(rem) / float64(rate) * float64(time.Second))
	}
	return time.Duration(secs*uint64(time.Second) + frac)
}

// bitrate returns bits per second for n bytes over d.
func bitrate(n int64, d time.Duration) int {
	if d <= 0 || n <= 0 {
		return 0
	}
	return int(float64(n) * 8 / d.Seconds())
}
