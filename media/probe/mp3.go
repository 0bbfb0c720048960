package probe

import "encoding/binary"

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
	var table int
	if h.version == 1 {
		table = h.layer - 1
	} else if h.layer == 1 {
		table = 3
	} else {
		table = 4
	}
	h.bitrate = mp3Bitrates[table][bidx] * 1000
	h.sampleRate = mp3SampleRates[vi][sidx]
	h.padding = v&(1<<9) != 0
	h.crc = v&(1<<16) == 0
	h.mono = (v>>6)&3 == 3
	return h, true
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
			return 0, s.errorf("ID3v2 tag of %d bytes at %d runs past the end of the file (%d bytes): %w", n, off, s.size, ErrTruncated)
		}
		off += int64(n)
	}
	return off, nil
}

// trailingTagsStart returns where the audio ends: before an ID3v1 tag, an
// APEv2 tag and an appended ID3v2 tag (with footer), in any order, at the end
// of the file.
func trailingTagsStart(s *src, start int64) int64 {
	end := s.size
	var b [32]byte
	for range 8 {
		switch {
		case end-128 >= start && s.readInto(b[:3], end-128) == nil && string(b[:3]) == "TAG":
			end -= 128
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

// mp3SyncWindow limits the search for the first frame after the tags.
const mp3SyncWindow = 1 << 20

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
	if frames, nbytes, ok := readVBRHeader(s, first, h); ok {
		info.Duration = durationOf(uint64(frames)*spf, uint64(h.sampleRate))
		if nbytes == 0 || int64(nbytes) > end-first {
			nbytes = uint32(end - first)
		}
		info.Bitrate = bitrate(int64(nbytes), info.Duration)
		return info, nil
	}
	frames, audioEnd, err := walkFrames(s, first, end, h)
	if err != nil {
		return Info{}, err
	}
	if frames == 0 {
		return Info{}, s.errorf("no complete MPEG audio frame")
	}
	info.Duration = durationOf(frames*spf, uint64(h.sampleRate))
	info.Bitrate = bitrate(audioEnd-first, info.Duration)
	return info, nil
}

// findFirstFrame returns the offset and header of the first frame in
// [start, end) whose successor also parses, so a stray 0xFFE in tag padding
// or junk is not taken for audio.
func findFirstFrame(s *src, start, end int64) (int64, frameHeader, error) {
	limit := min(end, start+mp3SyncWindow)
	buf := make([]byte, min(64<<10, max(limit-start, 4)))
	var nb [4]byte
	for base := start; base+4 <= limit; {
		n := int(min(int64(len(buf)), limit-base))
		chunk := buf[:n]
		if err := s.readInto(chunk, base); err != nil {
			return 0, frameHeader{}, s.errorf("find first frame: %w", err)
		}
		for i := 0; i+4 <= n; i++ {
			if chunk[i] != 0xFF || chunk[i+1]&0xE0 != 0xE0 {
				continue
			}
			h, ok := parseFrameHeader(binary.BigEndian.Uint32(chunk[i:]))
			if !ok {
				continue
			}
			off := base + int64(i)
			if h.bitrate == 0 {
				return 0, h, s.errorf("free-format bitrate at offset %d is not supported", off)
			}
			next := off + int64(h.length())
			if next == end {
				return off, h, nil // a single frame fills the file
			}
			if next+4 > end || s.readInto(nb[:], next) != nil {
				continue
			}
			if h2, ok := parseFrameHeader(binary.BigEndian.Uint32(nb[:])); ok && h2.bitrate > 0 && h.sameStream(h2) {
				return off, h, nil
			}
		}
		// Step back three bytes so a header across the chunk edge is seen.
		if base+int64(n) >= limit {
			break
		}
		base += int64(n - 3)
	}
	return 0, frameHeader{}, s.errorf("no MPEG audio frame in the first %d bytes after the tags", limit-start)
}

// readVBRHeader looks for a Xing/Info or VBRI header in the first frame and
// returns its frame count (frames after the header frame) and byte count.
func readVBRHeader(s *src, off int64, h frameHeader) (frames, nbytes uint32, ok bool) {
	n := min(int64(h.length()), 192, s.size-off)
	b, err := s.read(off, int(n))
	if err != nil {
		return 0, 0, false
	}
	x := 4 + h.sideInfoLen()
	if h.crc {
		x += 2
	}
	if x+8 <= len(b) && (string(b[x:x+4]) == "Xing" || string(b[x:x+4]) == "Info") {
		flags := binary.BigEndian.Uint32(b[x+4:])
		p := x + 8
		if flags&1 == 0 {
			return 0, 0, false // no frame count: walk the frames
		}
		if p+4 > len(b) {
			return 0, 0, false
		}
		frames = binary.BigEndian.Uint32(b[p:])
		p += 4
		if flags&2 != 0 && p+4 <= len(b) {
			nbytes = binary.BigEndian.Uint32(b[p:])
		}
		return frames, nbytes, frames > 0
	}
	// VBRI sits at a fixed 32 bytes after the header.
	const v = 4 + 32
	if v+18 <= len(b) && string(b[v:v+4]) == "VBRI" {
		nbytes = binary.BigEndian.Uint32(b[v+10:])
		frames = binary.BigEndian.Uint32(b[v+14:])
		return frames, nbytes, frames > 0
	}
	return 0, 0, false
}

// walkFrames counts frames from off to end by reading each 4-byte header
// and jumping over the payload. It returns the count and where the last
// whole frame ends. A header that does not parse (junk, a truncated tail)
// ends the walk, as a player would stop there too; a resync would cost a
// scan of the rest of the file.
func walkFrames(s *src, off, end int64, first frameHeader) (frames uint64, audioEnd int64, err error) {
	var b [4]byte
	audioEnd = off
	for steps := 0; off+4 <= end && steps < maxSteps; steps++ {
		if err := s.readInto(b[:], off); err != nil {
			return 0, 0, s.errorf("frame at %d: %w", off, err)
		}
		h, ok := parseFrameHeader(binary.BigEndian.Uint32(b[:]))
		if !ok || h.bitrate == 0 || !first.sameStream(h) {
			break
		}
		n := int64(h.length()) // > 0 for every valid header
		if off+n > end {
			break
		}
		off += n
		audioEnd = off
		frames++
	}
	return frames, audioEnd, nil
}
