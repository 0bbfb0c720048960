package probe

import (
	"encoding/binary"
	"fmt"
	"strconv"
)

// frameHeader is a decoded MPEG audio frame header.
type frameHeader struct {
	version    int // 1, 2, or 25 for MPEG-2.5
	layer      int // 1, 2, 3
	bitrate    int // bits per second; 0 means free format
	sampleRate int
	padding    bool
	crc        bool // a 16-bit CRC follows the header
	mono       bool
}

var mp3Bitrates = [5][15]int{
	{0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448}, // V1 L1
	{0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384},    // V1 L2
	{0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320},     // V1 L3
	{0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256},    // V2 L1
	{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160},         // V2 L2, L3
}

var mp3SampleRates = [3][3]int{
	{44100, 48000, 32000}, // MPEG-1
	{22050, 24000, 16000}, // MPEG-2
	{11025, 12000, 8000},  // MPEG-2.5
}

// parseFrameHeader decodes a 32-bit frame header. ok is false for anything
// that is not a plausible header (bad sync, reserved version, layer, bitrate
// or sample rate, or the reserved emphasis value).
func parseFrameHeader(v uint32) (h frameHeader, ok bool) {
	if v&0xFFE00000 != 0xFFE00000 {
		return h, false
	}
	vbits := (v >> 19) & 3
	lbits := (v >> 17) & 3
	bidx := (v >> 12) & 0xF
	sidx := (v >> 10) & 3
	if vbits == 1 || lbits == 0 || bidx == 15 || sidx == 3 || v&3 == 2 {
		return h, false
	}
	var vi int
	switch vbits {
	case 3:
		h.version, vi = 1, 0
	case 2:
		h.version, vi = 2, 1
	default:
		h.version, vi = 25, 2
	}
	h.layer = 4 - int(lbits)
	h.bitrate = h.bitrates()[bidx] * 1000
	h.sampleRate = mp3SampleRates[vi][sidx]
	h.padding = v&(1<<9) != 0
	h.crc = v&(1<<16) == 0
	h.mono = (v>>6)&3 == 3
	return h, true
}

// bitrates returns the bitrate table (kbit/s) for h's version and layer.
func (h frameHeader) bitrates() *[15]int {
	switch {
	case h.version == 1:
		return &mp3Bitrates[h.layer-1]
	case h.layer == 1:
		return &mp3Bitrates[3]
	}
	return &mp3Bitrates[4]
}

// lengthRange returns the shortest and longest frame of h's version, layer
// and sample rate.
func (h frameHeader) lengthRange() (lo, hi int) {
	t := h.bitrates()
	a, b := h, h
	a.bitrate, a.padding = t[1]*1000, false
	b.bitrate, b.padding = t[14]*1000, true
	return a.length(), b.length()
}

// samplesPerFrame is 384 for layer I, 1152 for layer II and MPEG-1 layer
// III, 576 for MPEG-2/2.5 layer III.
func (h frameHeader) samplesPerFrame() int {
	switch {
	case h.layer == 1:
		return 384
	case h.layer == 3 && h.version != 1:
		return 576
	}
	return 1152
}

// length is the frame length in bytes including the header; 0 for free
// format.
func (h frameHeader) length() int {
	if h.bitrate == 0 {
		return 0
	}
	pad := 0
	if h.padding {
		pad = 1
	}
	if h.layer == 1 {
		return (12*h.bitrate/h.sampleRate + pad) * 4
	}
	return h.samplesPerFrame()/8*h.bitrate/h.sampleRate + pad
}

// sideInfoLen is the layer III side information size that precedes a
// Xing/Info tag.
func (h frameHeader) sideInfoLen() int {
	switch {
	case h.version == 1 && h.mono:
		return 17
	case h.version == 1:
		return 32
	case h.mono:
		return 9
	}
	return 17
}

// sameStream reports whether two headers can belong to one stream.
func (h frameHeader) sameStream(o frameHeader) bool {
	return h.version == o.version && h.layer == o.layer && h.sampleRate == o.sampleRate
}

// id3v2Size returns the total size of the ID3v2 tag at the start of b
// (header, body and footer), or 0 when b does not start with a valid one.
func id3v2Size(b []byte) int {
	if len(b) < 10 || string(b[:3]) != "ID3" || b[3] == 0xFF || b[4] == 0xFF {
		return 0
	}
	n := 0
	for _, c := range b[6:10] {
		if c&0x80 != 0 {
			return 0 // not syncsafe
		}
		n = n<<7 | int(c)
	}
	n += 10
	if b[3] >= 4 && b[5]&0x10 != 0 {
		n += 10 // footer present
	}
	return n
}

// skipID3v2 skips every ID3v2 tag starting at off (files sometimes carry
// several, one after another) and returns the offset after them.
func skipID3v2(s *src, off int64) (int64, error) {
	var hdr [10]byte
	for range 64 {
		if off+10 > s.size || s.readInto(hdr[:], off) != nil {
			return off, nil
		}
		n := id3v2Size(hdr[:])
		if n == 0 {
			return off, nil
		}
		if off+int64(n) > s.size {
			return 0, s.errorf("%w: the ID3v2 tag at %d declares %d bytes, the file holds %d of them %s", ErrTruncated, off, n, s.size-off, bytesMissing("at least ", off+int64(n)-s.size))
		}
		off += int64(n)
	}
	return off, nil
}

// trailingTagsStart returns where the audio ends: before an ID3v1 tag, a
// Lyrics3v2 tag, an APEv2 tag and an appended ID3v2 tag (with footer), in any
// order, at the end of the file.
func trailingTagsStart(s *src, start int64) int64 {
	end := s.size
	var b [32]byte
	for range 8 {
		switch {
		case end-128 >= start && s.readInto(b[:3], end-128) == nil && string(b[:3]) == "TAG":
			end -= 128
		case end-15-11 >= start && s.readInto(b[:15], end-15) == nil && string(b[6:15]) == "LYRICS200":
			// Lyrics3v2: a 6-digit size of everything from "LYRICSBEGIN" up
			// to the size itself, then "LYRICS200".
			n, err := strconv.Atoi(string(b[:6]))
			if err != nil || n < 11 || end-15-int64(n) < start {
				return end
			}
			if s.readInto(b[:11], end-15-int64(n)) != nil || string(b[:11]) != "LYRICSBEGIN" {
				return end
			}
			end -= 15 + int64(n)
		case end-32 >= start && s.readInto(b[:32], end-32) == nil && string(b[:8]) == "APETAGEX":
			n := int64(binary.LittleEndian.Uint32(b[12:16])) // body + footer
			flags := binary.LittleEndian.Uint32(b[20:24])
			if flags&(1<<31) != 0 {
				n += 32 // header present
			}
			if n < 32 || end-n < start {
				return end
			}
			end -= n
		case end-10 >= start && s.readInto(b[:10], end-10) == nil && string(b[:3]) == "3DI":
			copy(b[:3], "ID3")
			n := int64(id3v2Size(b[:10]))
			if n < 20 || end-n < start {
				return end
			}
			end -= n
		default:
			return end
		}
	}
	return end
}

// mp3SyncWindow limits the search for the first frame after the tags, and
// for the next frame after junk between frames.
const mp3SyncWindow = 1 << 20

// mp3MaxResyncs bounds how many stretches of junk between frames one walk
// skips: each costs a scan, and a file that damaged is not worth rescuing.
const mp3MaxResyncs = 1000

func probeMP3(s *src) (Info, error) {
	start, err := skipID3v2(s, 0)
	if err != nil {
		return Info{}, err
	}
	end := trailingTagsStart(s, start)
	first, h, err := findFirstFrame(s, start, end)
	if err != nil {
		return Info{}, err
	}
	info := Info{
		Format:     "mp3",
		MIME:       "audio/mpeg",
		Codecs:     "mp3",
		SampleRate: h.sampleRate,
		Channels:   2,
	}
	if h.mono {
		info.Channels = 1
	}
	if h.layer != 3 {
		info.Codecs = "mp4a.6b" // RFC 6381 for MPEG-1 audio in general
		if h.version != 1 {
			info.Codecs = "mp4a.69"
		}
	}
	spf := uint64(h.samplesPerFrame())
	vbr, haveVBR := readVBRHeader(s, first, h)
	if haveVBR && vbr.agrees(s, h, first, end) {
		// The header counts exactly the audio the file holds, so its frame
		// count stands without a walk over every frame.
		info.Duration = durationOf(uint64(vbr.frames)*spf, uint64(h.sampleRate))
		info.Bitrate = bitrate(int64(vbr.nbytes), info.Duration)
		return info, nil
	}
	// No header, or one that disagrees with the file: it may be truncated or
	// padded, or its byte count went stale when the file was retagged. The
	// frames decide.
	w, err := walkFrames(s, first, end, h)
	if err != nil {
		return Info{}, err
	}
	if err := w.check(s, first, end, vbr, haveVBR); err != nil {
		return Info{}, err
	}
	if w.frames == 0 {
		return Info{}, s.errorf("no complete MPEG audio frame")
	}
	frames := w.frames
	if haveVBR && (frames == uint64(vbr.frames) || frames == uint64(vbr.frames)+1) {
		frames = uint64(vbr.frames) // the header frame is silent
	}
	info.Duration = durationOf(frames*spf, uint64(h.sampleRate))
	info.Bitrate = bitrate(w.end-first, info.Duration)
	if w.skipped > 0 {
		info.Warnings = append(info.Warnings, fmt.Sprintf("%d bytes between audio frames are not MPEG audio; players skip them", w.skipped))
	}
	return info, nil
}

// findFirstFrame returns the offset and header of the first frame in
// [start, end) whose successor also parses, so a stray 0xFFE in tag padding
// or junk is not taken for audio.
func findFirstFrame(s *src, start, end int64) (int64, frameHeader, error) {
	limit := min(end, start+mp3SyncWindow)
	buf := make([]byte, min(64<<10, max(limit-start, 4)))
	sc, err := scanFrame(s, start, end, nil, buf)
	switch {
	case err != nil:
		return 0, frameHeader{}, err
	case sc.found:
		return sc.off, sc.h, nil
	case sc.cutAt >= 0:
		missing := sc.cutAt + sc.cutLen - end
		return 0, frameHeader{}, s.errorf("%w: the first frame, at %d (%d bytes), is cut short by the end of %s %s",
			ErrTruncated, sc.cutAt, sc.cutLen, audioEndName(s, end), bytesMissing("", missing))
	}
	return 0, frameHeader{}, s.errorf("no MPEG audio frame in the first %d bytes after the tags", limit-start)
}

// frameScan is what scanFrame found.
type frameScan struct {
	off   int64
	h     frameHeader
	found bool
	// cutAt is the first header seen whose frame runs past the end (-1 if
	// none), kept so that a file cut inside its first frame can be told
	// from one with no audio at all.
	cutAt, cutLen int64
}

// scanFrame looks in [start, min(end, start+mp3SyncWindow)) for a frame
// header whose successor also parses, or whose frame ends exactly at end.
// With want set, both must belong to its stream. buf is the read buffer, at
// least 4 bytes.
func scanFrame(s *src, start, end int64, want *frameHeader, buf []byte) (frameScan, error) {
	sc := frameScan{cutAt: -1}
	limit := min(end, start+mp3SyncWindow)
	var nb [4]byte
	for base := start; base+4 <= limit; {
		n := int(min(int64(len(buf)), limit-base))
		chunk := buf[:n]
		if err := s.readInto(chunk, base); err != nil {
			return sc, s.errorf("find frame: %w", err)
		}
		for i := 0; i+4 <= n; i++ {
			if chunk[i] != 0xFF || chunk[i+1]&0xE0 != 0xE0 {
				continue
			}
			h, ok := parseFrameHeader(binary.BigEndian.Uint32(chunk[i:]))
			if !ok || (want != nil && (h.bitrate == 0 || !want.sameStream(h))) {
				continue
			}
			off := base + int64(i)
			if h.bitrate == 0 {
				return sc, s.errorf("free-format bitrate at offset %d is not supported", off)
			}
			next := off + int64(h.length())
			if next == end {
				sc.off, sc.h, sc.found = off, h, true // a frame that fills the rest
				return sc, nil
			}
			if next+4 > end {
				if next > end && sc.cutAt < 0 {
					sc.cutAt, sc.cutLen = off, int64(h.length())
				}
				continue
			}
			if s.readInto(nb[:], next) != nil {
				continue
			}
			if h2, ok := parseFrameHeader(binary.BigEndian.Uint32(nb[:])); ok && h2.bitrate > 0 && h.sameStream(h2) {
				sc.off, sc.h, sc.found = off, h, true
				return sc, nil
			}
		}
		// Step back three bytes so a header across the chunk edge is seen.
		if base+int64(n) >= limit {
			break
		}
		base += int64(n - 3)
	}
	return sc, nil
}

// audioEndName names where the audio ends in messages: the end of the file,
// or the start of the tags that follow the audio.
func audioEndName(s *src, end int64) string {
	if end == s.size {
		return "the file"
	}
	return fmt.Sprintf("the audio (the tags after it start at %d)", end)
}

// vbrHeader is a Xing/Info or VBRI header from the first frame.
type vbrHeader struct {
	tag    string // "Xing" (for Info too, which is its CBR spelling) or "VBRI"
	frames uint32 // frames after the header frame
	nbytes uint32 // bytes of audio from the header frame on; 0 if absent
}

// agrees reports whether the header's byte count is exactly the audio
// bytes in the file, from first to end, and its frame count is plausible
// for that many bytes. Writers today count the audio from the header frame
// on, LAME without the tags and ffmpeg with an ID3v1 tag it appends (but
// not its ID3v2 tag). Old LAME and the Xing encoder counted the whole file,
// and a retagged file's count is stale: those walk the frames instead,
// which costs a 4-byte read per frame. Neither accepted count can match a
// file cut short, since both shrink with the file.
func (v vbrHeader) agrees(s *src, h frameHeader, first, end int64) bool {
	if n := int64(v.nbytes); n == 0 || n != end-first && n != s.size-first {
		return false
	}
	lo, hi := h.lengthRange()
	return uint64(v.frames)*uint64(lo) <= uint64(v.nbytes) && uint64(v.nbytes) <= (uint64(v.frames)+1)*uint64(hi)
}

// readVBRHeader looks for a Xing/Info or VBRI header in the first frame.
// ok is false when there is none or it gives no frame count.
func readVBRHeader(s *src, off int64, h frameHeader) (v vbrHeader, ok bool) {
	n := min(int64(h.length()), 192, s.size-off)
	b, err := s.read(off, int(n))
	if err != nil {
		return v, false
	}
	x := 4 + h.sideInfoLen()
	if h.crc {
		x += 2
	}
	if x+8 <= len(b) && (string(b[x:x+4]) == "Xing" || string(b[x:x+4]) == "Info") {
		v.tag = "Xing"
		flags := binary.BigEndian.Uint32(b[x+4:])
		p := x + 8
		if flags&1 == 0 {
			return v, false // no frame count: walk the frames
		}
		if p+4 > len(b) {
			return v, false
		}
		v.frames = binary.BigEndian.Uint32(b[p:])
		p += 4
		if flags&2 != 0 && p+4 <= len(b) {
			v.nbytes = binary.BigEndian.Uint32(b[p:])
		}
		return v, v.frames > 0
	}
	// VBRI sits at a fixed 32 bytes after the header.
	const vb = 4 + 32
	if vb+18 <= len(b) && string(b[vb:vb+4]) == "VBRI" {
		v.tag = "VBRI"
		v.nbytes = binary.BigEndian.Uint32(b[vb+10:])
		v.frames = binary.BigEndian.Uint32(b[vb+14:])
		return v, v.frames > 0
	}
	return v, false
}

// mp3Walk is what walkFrames found.
type mp3Walk struct {
	frames  uint64
	end     int64 // where the last whole frame (or ID3v2 tag after it) ends
	skipped int64 // bytes of junk skipped between frames
	// cutAt is a frame that runs past the end of the audio (-1 if none),
	// cutLen its length.
	cutAt, cutLen int64
}

// walkFrames counts frames from off to end by reading each 4-byte header
// and jumping over the payload. ID3v2 tags between frames (spliced files
// carry them) are jumped over too. Other junk is scanned past to the next
// frame of the stream, within mp3SyncWindow; where none follows, the walk
// ends and the rest is left for check to judge.
func walkFrames(s *src, off, end int64, first frameHeader) (mp3Walk, error) {
	w := mp3Walk{end: off, cutAt: -1}
	var b [10]byte
	var buf []byte // for resyncs, allocated on the first
	resyncs := 0
	for steps := 0; off+4 <= end && steps < maxSteps; steps++ {
		if err := s.readInto(b[:4], off); err != nil {
			return w, s.errorf("frame at %d: %w", off, err)
		}
		if h, ok := parseFrameHeader(binary.BigEndian.Uint32(b[:4])); ok && h.bitrate > 0 && first.sameStream(h) {
			n := int64(h.length()) // > 0 for every valid header
			if off+n > end {
				w.cutAt, w.cutLen = off, n
				break
			}
			off += n
			w.end = off
			w.frames++
			continue
		}
		if string(b[:3]) == "ID3" && off+10 <= end && s.readInto(b[:], off) == nil {
			if n := int64(id3v2Size(b[:])); n > 0 && off+n <= end {
				off += n
				w.end = off
				continue
			}
		}
		if resyncs++; resyncs > mp3MaxResyncs {
			return w, s.errorf("%w: more than %d stretches of data between frames are not MPEG audio", ErrCorrupt, mp3MaxResyncs)
		}
		if buf == nil {
			buf = make([]byte, 4<<10)
		}
		sc, err := scanFrame(s, off+1, end, &first, buf)
		if err != nil {
			return w, err
		}
		if !sc.found {
			break
		}
		w.skipped += sc.off - off
		off = sc.off
	}
	return w, nil
}

// check judges a walk against the file: a frame cut short, or fewer frames
// than the header counts, is truncation; more than junkTolerance bytes after
// the last frame that are not audio is padding.
func (w mp3Walk) check(s *src, first, end int64, v vbrHeader, haveVBR bool) error {
	audio := end - first
	// Xing counts the frames after its own; whether VBRI counts its own is
	// not clearly defined, so a VBRI file may be one frame short unnoticed.
	want := uint64(v.frames)
	if v.tag == "Xing" {
		want++
	}
	short := w.cutAt >= 0 || (haveVBR && w.frames < want)
	switch {
	case !short:
	case haveVBR && int64(v.nbytes) > audio:
		missing := int64(v.nbytes) - audio
		return s.errorf("%w: the %s header declares %d bytes of audio, the file holds %d %s", ErrTruncated, v.tag, v.nbytes, audio, bytesMissing("", missing))
	case w.cutAt >= 0:
		missing := w.cutAt + w.cutLen - end
		return s.errorf("%w: the frame at %d (%d bytes) is cut short by the end of %s %s", ErrTruncated, w.cutAt, w.cutLen, audioEndName(s, end), bytesMissing("", missing))
	case v.nbytes == 0 && w.frames > 0:
		// Only a frame count to go by: estimate the bytes from the average
		// frame.
		missing := int64(want-w.frames) * ((w.end - first) / int64(w.frames))
		return s.errorf("%w: the %s header declares %d frames after its own, the file holds %d %s", ErrTruncated, v.tag, v.frames, w.frames-1, bytesMissing("about ", missing))
	}
	// Otherwise a byte count that says the file is whole outvotes a frame
	// count that says it is not.
	if junk := end - w.end; junk > junkTolerance {
		return s.errorf("%w: %d bytes after the last frame (which ends at %d) are not MPEG audio", ErrPadded, junk, w.end)
	}
	return nil
}
