package probe

import (
	"encoding/binary"
	"fmt"
)

// flacTail is how far back from the end probeFLAC looks for the last frame
// header, in steps of flacStep. A frame is at most STREAMINFO's maximum
// frame size, in practice well under 64 KB; finding none in a megabyte means
// the end of the file is not FLAC.
const (
	flacTail = 1 << 20
	flacStep = 64 << 10
)

func probeFLAC(s *src) (Info, error) {
	off, err := skipID3v2(s, 0)
	if err != nil {
		return Info{}, err
	}
	var b [4 + 4 + 34]byte
	if err := s.readInto(b[:], off); err != nil {
		return Info{}, s.errorf("STREAMINFO: %w", err)
	}
	if string(b[:4]) != "fLaC" {
		return Info{}, s.errorf("no fLaC marker at %d", off)
	}
	if b[4]&0x7F != 0 || int(b[5])<<16|int(b[6])<<8|int(b[7]) < 34 {
		return Info{}, s.errorf("first metadata block is not STREAMINFO")
	}
	si := b[8:]
	v := binary.BigEndian.Uint64(si[10:18])
	rate := v >> 44
	channels := int(v>>41&7) + 1
	total := v & (1<<36 - 1)
	if rate == 0 {
		return Info{}, s.errorf("sample rate is 0")
	}
	info := Info{
		Format:     "flac",
		MIME:       "audio/flac",
		Codecs:     "flac",
		SampleRate: int(rate),
		Channels:   channels,
		Warnings:   []string{"FLAC is not played by Apple Podcasts"},
	}
	st := streamInfo{
		maxBlock: uint64(binary.BigEndian.Uint16(si[2:])),
		minFrame: uint64(si[4])<<16 | uint64(si[5])<<8 | uint64(si[6]),
		channels: channels,
		total:    total,
	}
	if err := checkFLACFrames(s, off+4, st); err != nil {
		return Info{}, err
	}
	if total == 0 {
		info.Warnings = append(info.Warnings, "STREAMINFO does not give the number of samples; duration unknown")
		return info, nil
	}
	info.Duration = durationOf(total, rate)
	info.Bitrate = bitrate(s.size-off, info.Duration)
	return info, nil
}

// streamInfo is what the frame checks need from STREAMINFO.
type streamInfo struct {
	maxBlock uint64 // samples per frame, for fixed-blocksize streams
	minFrame uint64 // bytes, 0 if unknown
	channels int
	total    uint64 // samples, 0 if unknown
}

// checkFLACFrames checks that the metadata blocks from off fit in the file,
// that frames follow them, and that the last frame is whole and ends the
// stream STREAMINFO describes. FLAC frames carry no length, so a frame is
// known to be whole when its CRC-16 checks out at the end of the file; the
// bytes missing from a cut file are then estimated from the audio present.
func checkFLACFrames(s *src, off int64, st streamInfo) error {
	var h [4]byte
	for steps := 0; ; steps++ {
		if steps >= 100_000 {
			return s.errorf("%w: more than 100000 metadata blocks", ErrCorrupt)
		}
		if err := s.readInto(h[:], off); err != nil {
			return s.errorf("%w: the metadata block header at %d is cut short %s", ErrTruncated, off, bytesMissing("at least ", off+4-s.size))
		}
		n := int64(h[1])<<16 | int64(h[2])<<8 | int64(h[3])
		if end := off + 4 + n; end > s.size {
			return s.errorf("%w: metadata block (type %d) at %d declares %d bytes, the file holds %d of them %s",
				ErrTruncated, h[0]&0x7F, off, n, s.size-off-4, bytesMissing("at least ", end-s.size))
		}
		off += 4 + n
		if h[0]&0x80 != 0 { // the last block
			break
		}
	}
	audio := off
	end := trailingTagsStart(s, audio)
	// With no whole frame header, what is missing is at least a frame of
	// STREAMINFO's smallest size for every block of samples, and at least
	// the rest of the shortest header: 4 fixed bytes, a 1-byte number and
	// the CRC-8.
	noFrames := func(what string) error {
		frames := (st.total + st.maxBlock - 1) / max(st.maxBlock, 1)
		missing := max(int64(frames*st.minFrame)-(end-audio), 6-(end-audio), 1)
		return s.errorf("%w: %s %s", ErrTruncated, what, bytesMissing("at least ", missing))
	}
	if audio == end {
		return noFrames(fmt.Sprintf("no audio frames after the metadata, which ends at %d", audio))
	}
	var fb [16]byte
	nb := min(int64(len(fb)), end-audio)
	if err := s.readInto(fb[:nb], audio); err != nil {
		return s.errorf("first frame: %w", err)
	}
	first, ok, short := parseFLACFrameHeader(fb[:nb], nil, st)
	if short {
		return noFrames(fmt.Sprintf("the first frame header, at %d, is cut short", audio))
	}
	if !ok {
		return s.errorf("%w: no frame header at %d, where the metadata ends", ErrCorrupt, audio)
	}

	// Zeros after the last frame would not disturb its CRC, so a run of
	// them is measured first.
	if z, err := zeroRun(s, audio, end, flacTail); err != nil {
		return err
	} else if z > junkTolerance {
		atLeast := ""
		if z >= flacTail {
			atLeast = "at least "
		}
		return s.errorf("%w: the audio ends with %s%d zero bytes, which no FLAC frame does", ErrPadded, atLeast, z)
	}
	last, lastOff, err := lastFLACFrame(s, audio, end, &first, st)
	if err != nil {
		return err
	}
	frameEnd, whole, err := flacFrameEnd(s, lastOff, end)
	if err != nil {
		return err
	}
	present := last.firstSample // samples in the frames before the last
	if whole {
		present += last.blockSize
	}
	// The bytes missing are estimated from the bytes per sample of the
	// frames before the last (from STREAMINFO's smallest frame when there
	// are none), less the bytes of the last frame present.
	estimate := func(samples uint64, have int64) int64 {
		perSample := float64(st.minFrame) / float64(max(st.maxBlock, 1))
		if last.firstSample > 0 && lastOff > audio {
			perSample = float64(lastOff-audio) / float64(last.firstSample)
		}
		return max(int64(float64(samples)*perSample)-have, 1)
	}
	switch {
	case !whole && st.total > last.firstSample+last.blockSize:
		return s.errorf("%w: the frame at %d (samples %d to %d) is cut short by the end of %s; STREAMINFO declares %d samples %s",
			ErrTruncated, lastOff, last.firstSample, last.firstSample+last.blockSize, audioEndName(s, end), st.total, bytesMissing("about ", estimate(st.total-last.firstSample, end-lastOff)))
	case !whole:
		return s.errorf("%w: the last frame, at %d, is cut short by the end of %s %s",
			ErrTruncated, lastOff, audioEndName(s, end), bytesMissing("about ", estimate(last.blockSize, end-lastOff)))
	case st.total > 0 && present < st.total:
		return s.errorf("%w: STREAMINFO declares %d samples, the frames hold %d %s",
			ErrTruncated, st.total, present, bytesMissing("about ", estimate(st.total-present, 0)))
	case end-frameEnd > junkTolerance:
		return s.errorf("%w: %d bytes after the last frame (which ends at %d) are not FLAC audio", ErrPadded, end-frameEnd, frameEnd)
	}
	return nil
}

// zeroRun returns how many zero bytes end [start, end), counting at most
// limit.
func zeroRun(s *src, start, end, limit int64) (int64, error) {
	var buf [4 << 10]byte
	n := int64(0)
	for hi := end; hi > start && n < limit; {
		lo := max(start, hi-int64(len(buf)))
		b := buf[:hi-lo]
		if err := s.readInto(b, lo); err != nil {
			return 0, s.errorf("end of the audio: %w", err)
		}
		for i := len(b) - 1; i >= 0; i-- {
			if b[i] != 0 {
				return n, nil
			}
			n++
		}
		hi = lo
	}
	return n, nil
}

// lastFLACFrame scans backwards from end for the last frame header that
// belongs to the stream of first, up to flacTail bytes.
func lastFLACFrame(s *src, audio, end int64, first *flacFrame, st streamInfo) (flacFrame, int64, error) {
	buf := make([]byte, min(end-audio, flacStep+16))
	for hi := end; hi > audio && end-hi < flacTail; {
		lo := max(audio, hi-flacStep)
		// Read 16 bytes past hi so a header that starts before it is whole.
		n := min(end, hi+16) - lo
		b := buf[:n]
		if err := s.readInto(b, lo); err != nil {
			return flacFrame{}, 0, s.errorf("last frame: %w", err)
		}
		for i := int(hi-lo) - 1; i >= 0; i-- {
			if b[i] != 0xFF || i+1 >= len(b) || b[i+1]&0xFE != 0xF8 {
				continue
			}
			// A header past the declared length is a false match in the
			// audio data.
			if f, ok, _ := parseFLACFrameHeader(b[i:], first, st); ok && (st.total == 0 || f.firstSample < st.total) {
				return f, lo + int64(i), nil
			}
		}
		hi = lo
	}
	if end-audio > flacTail {
		return flacFrame{}, 0, s.errorf("%w: no FLAC frame in the last %d bytes of the audio", ErrPadded, flacTail)
	}
	return flacFrame{}, 0, s.errorf("%w: no FLAC frame header after the metadata", ErrCorrupt)
}

// flacFrameEnd finds where the frame at off ends: where the CRC-16 of the
// bytes from off, the frame's own CRC included, is zero. That is the end of
// the audio when the frame is whole and nothing follows it; with junk after
// it, the last zero before end (a random zero, 1 in 65536 per byte, can only
// make the junk look shorter, never a whole file look padded). whole is
// false when there is no zero: the frame is cut short.
func flacFrameEnd(s *src, off, end int64) (frameEnd int64, whole bool, err error) {
	var buf [4 << 10]byte
	var crc uint16
	lastZero := int64(-1)
	for p := off; p < end; {
		b := buf[:min(int64(len(buf)), end-p)]
		if err := s.readInto(b, p); err != nil {
			return 0, false, s.errorf("frame at %d: %w", off, err)
		}
		for i, c := range b {
			crc = crc<<8 ^ flacCRC16Table[byte(crc>>8)^c]
			// A header (6 bytes at least), a subframe and the CRC: no
			// frame is shorter than 8 bytes.
			if e := p + int64(i) + 1; crc == 0 && e-off >= 8 {
				lastZero = e
			}
		}
		p += int64(len(b))
	}
	return lastZero, lastZero >= 0, nil
}

// flacFrame is a decoded frame header.
type flacFrame struct {
	variable    bool // variable blocksize: the coded number is a sample number
	rateCode    byte
	sizeCode    byte
	firstSample uint64
	blockSize   uint64
}

// parseFLACFrameHeader decodes the frame header at the start of b and checks
// its CRC-8. With want set, the header must belong to the same stream: the
// same blocking strategy, sample rate and sample size codes, and a channel
// assignment for STREAMINFO's channel count. short reports a b that ends
// inside a header that is valid so far.
func parseFLACFrameHeader(b []byte, want *flacFrame, st streamInfo) (f flacFrame, ok, short bool) {
	if len(b) < 4 {
		return f, false, len(b) > 0 && b[0] == 0xFF && (len(b) < 2 || b[1]&0xFE == 0xF8)
	}
	if b[0] != 0xFF || b[1]&0xFE != 0xF8 {
		return f, false, false
	}
	f.variable = b[1]&1 != 0
	bs, sr := b[2]>>4, b[2]&0xF
	ch, ss := b[3]>>4, b[3]>>1&7
	if bs == 0 || sr == 15 || ch > 10 || ss == 3 || b[3]&1 != 0 {
		return f, false, false
	}
	chans := int(ch) + 1
	if ch >= 8 {
		chans = 2 // left/side, right/side, mid/side
	}
	if chans != st.channels {
		return f, false, false
	}
	f.rateCode, f.sizeCode = sr, ss
	if want != nil && (f.variable != want.variable || sr != want.rateCode || ss != want.sizeCode) {
		return f, false, false
	}
	num, i, ok, short := flacCodedNumber(b, f.variable)
	if !ok {
		return f, false, short
	}
	switch {
	case bs == 1:
		f.blockSize = 192
	case bs <= 5:
		f.blockSize = 576 << (bs - 2)
	case bs == 6, bs == 7:
		n := int(bs) - 5
		if i+n > len(b) {
			return f, false, true
		}
		v := uint64(b[i])
		if n == 2 {
			v = v<<8 | uint64(b[i+1])
		}
		f.blockSize = v + 1
		i += n
	default:
		f.blockSize = 256 << (bs - 8)
	}
	switch sr {
	case 12:
		i++
	case 13, 14:
		i += 2
	}
	if i >= len(b) {
		return f, false, true
	}
	var crc byte
	for _, x := range b[:i] {
		crc = flacCRC8Table[crc^x]
	}
	if crc != b[i] {
		return f, false, false
	}
	if f.variable {
		f.firstSample = num
	} else {
		f.firstSample = num * st.maxBlock
	}
	return f, true, false
}

// flacCodedNumber reads the frame or sample number that starts at b[4],
// UTF-8 style: up to 6 bytes for a frame number (31 bits), 7 for a sample
// number (36 bits, only in a variable block size stream). i is the offset
// after it; short means b ends before it does.
func flacCodedNumber(b []byte, variable bool) (num uint64, i int, ok, short bool) {
	i = 4
	if i >= len(b) {
		return 0, 0, false, true
	}
	c := b[i]
	extra := 0
	switch {
	case c < 0x80:
		num = uint64(c)
	case c&0xE0 == 0xC0:
		num, extra = uint64(c&0x1F), 1
	case c&0xF0 == 0xE0:
		num, extra = uint64(c&0x0F), 2
	case c&0xF8 == 0xF0:
		num, extra = uint64(c&0x07), 3
	case c&0xFC == 0xF8:
		num, extra = uint64(c&0x03), 4
	case c&0xFE == 0xFC:
		num, extra = uint64(c&0x01), 5
	case c == 0xFE:
		num, extra = 0, 6
	default:
		return 0, 0, false, false
	}
	if extra == 6 && !variable {
		return 0, 0, false, false
	}
	i++
	for range extra {
		if i >= len(b) {
			return 0, 0, false, true
		}
		if b[i]&0xC0 != 0x80 {
			return 0, 0, false, false
		}
		num = num<<6 | uint64(b[i]&0x3F)
		i++
	}
	return num, i, true, false
}

// flacCRC8Table and flacCRC16Table are the FLAC header and frame CRCs
// (polynomials 0x07 and 0x8005, not reflected, initial value 0).
var flacCRC8Table, flacCRC16Table = func() (t8 [256]byte, t16 [256]uint16) {
	for i := range 256 {
		c8 := byte(i)
		for range 8 {
			if c8&0x80 != 0 {
				c8 = c8<<1 ^ 0x07
			} else {
				c8 <<= 1
			}
		}
		t8[i] = c8
		c16 := uint16(i) << 8
		for range 8 {
			if c16&0x8000 != 0 {
				c16 = c16<<1 ^ 0x8005
			} else {
				c16 <<= 1
			}
		}
		t16[i] = c16
	}
	return t8, t16
}()
