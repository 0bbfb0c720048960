package probe

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"strings"
	"time"
)

// box is an ISO BMFF box located in the file: it spans [off, off+size) and
// its payload starts at off+hdr.
type box struct {
	typ  string
	off  int64
	hdr  int64
	size int64
}

func (b box) payload() int64 { return b.off + b.hdr }
func (b box) end() int64     { return b.off + b.size }

// eachBox calls fn for every box in [off, end), the payload of a box,
// reading only headers; fn returns false to stop. A box that runs past the
// end of the file is an error wrapping ErrTruncated, one that runs past end
// (its parent) an error wrapping ErrCorrupt. Fewer than 8 bytes left over
// at end are ignored: QuickTime ends some lists with a zero terminator.
func eachBox(s *src, off, end int64, fn func(b box) (bool, error)) error {
	return walkBoxes(s, off, end, false, fn)
}

// eachTopBox is eachBox over the whole file, where bytes that are not a
// box are errors too: a box type that is not printable ASCII starts data
// that is no part of an MP4 file (ErrPadded), and a few bytes too short for
// a header at the end are a header cut short (ErrTruncated).
func eachTopBox(s *src, fn func(b box) (bool, error)) error {
	return walkBoxes(s, 0, s.size, true, fn)
}

func walkBoxes(s *src, off, end int64, top bool, fn func(b box) (bool, error)) error {
	var h [16]byte
	for steps := 0; off+8 <= end; steps++ {
		if steps >= maxSteps {
			return s.errorf("more than %d boxes", maxSteps)
		}
		if err := s.readInto(h[:8], off); err != nil {
			return s.errorf("box header at %d: %w", off, err)
		}
		b := box{typ: string(h[4:8]), off: off, hdr: 8}
		if top && printable(b.typ) != b.typ {
			return s.errorf("%w: the %d bytes from %d to the end of the file are not MP4 boxes (type %q)", ErrPadded, s.size-off, off, printable(b.typ))
		}
		size := uint64(binary.BigEndian.Uint32(h[:4]))
		switch size {
		case 0:
			size = uint64(end - off) // to the end of the parent or file
		case 1:
			if off+16 > s.size {
				return s.errorf("%w: box %q at %d: its 64-bit size is cut short %s", ErrTruncated, printable(b.typ), off, bytesMissing("", off+16-s.size))
			}
			if err := s.readInto(h[8:16], off+8); err != nil {
				return s.errorf("box %q at %d: %w", printable(b.typ), off, err)
			}
			size, b.hdr = binary.BigEndian.Uint64(h[8:16]), 16
		}
		if size < uint64(b.hdr) {
			return s.errorf("%w: box %q at %d: size %d is smaller than its header", ErrCorrupt, printable(b.typ), off, size)
		}
		if avail := uint64(s.size - off); size > avail {
			// Boxes after this one may be gone too, hence "at least".
			return s.errorf("%w: box %q at %d declares %d bytes, the file holds %d of them %s", ErrTruncated, printable(b.typ), off, size, avail, bytesMissing("at least ", size-avail))
		}
		if room := uint64(end - off); size > room {
			return s.errorf("%w: box %q at %d (%d bytes) runs %d bytes past the end of the box that contains it", ErrCorrupt, printable(b.typ), off, size, size-room)
		}
		b.size = int64(size)
		more, err := fn(b)
		if err != nil || !more {
			return err
		}
		off += b.size // >= 8
	}
	if top && off < end {
		n := end - off
		var sz [4]byte
		if n >= 4 && s.readInto(sz[:], off) == nil {
			if size := int64(binary.BigEndian.Uint32(sz[:])); size >= 8 {
				return s.errorf("%w: box at %d declares %d bytes, the file holds %d of them %s", ErrTruncated, off, size, n, bytesMissing("at least ", size-n))
			}
		}
		return s.errorf("%w: the last %d bytes, from %d, are too short for a box header %s", ErrTruncated, n, off, bytesMissing("at least ", 8-n))
	}
	return nil
}

// readPayload reads a small box's payload, capped at MaxBoxSize.
func readPayload(s *src, b box) ([]byte, error) {
	n := b.size - b.hdr
	if n > MaxBoxSize {
		return nil, s.errorf("box %q at %d: %d bytes: %w (%d)", printable(b.typ), b.off, n, ErrTooLarge, MaxBoxSize)
	}
	p, err := s.read(b.payload(), int(n))
	if err != nil {
		return nil, s.errorf("box %q at %d: %w", printable(b.typ), b.off, err)
	}
	return p, nil
}

// printable keeps a hostile box type from putting control bytes into an
// error message.
func printable(t string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7E {
			return '?'
		}
		return r
	}, t)
}

// track is what the moov says about one trak, plus fragment durations.
type track struct {
	id          uint32
	handler     string
	timescale   uint32
	duration    uint64
	width       int
	height      int
	codec       string
	sampleRate  int
	channels    int
	defaultDur  uint32 // trex default_sample_duration
	defaultSize uint32 // trex default_sample_size
	fragTicks   uint64 // sum of trun durations without tfdt
	fragEnd     uint64 // max tfdt + trun durations
	sawFragment bool
	// The sample tables, located but not read: chunk offsets (stco or
	// co64), samples per chunk (stsc) and sample sizes (stsz or stz2).
	chunkOffsets, samplesPerChunk, sampleSizes box
	// external reports a data reference to another file (dref without the
	// self-contained flag), whose chunk offsets are not into this file.
	external bool
}

type movie struct {
	timescale  uint32
	duration   uint64
	fragDur    uint64 // mehd
	fragmented bool
	tracks     []*track
	trex       []trex
}

// trex is a track's fragment defaults from mvex.
type trex struct{ id, dur, size uint32 }

// allExternal reports whether every track's media is in other files.
func (m *movie) allExternal() bool {
	for _, t := range m.tracks {
		if !t.external {
			return false
		}
	}
	return len(m.tracks) > 0
}

func probeMP4(s *src) (Info, error) {
	var (
		brand    string
		compat   []string
		moov     box
		haveMoov bool
		moofs    int
		mdats    []span
		allMdats = true // mdats lists every mdat box
	)
	err := eachTopBox(s, func(b box) (bool, error) {
		switch b.typ {
		case "ftyp":
			if brand != "" {
				break
			}
			p, err := readPayload(s, b)
			if err != nil {
				return false, err
			}
			if len(p) < 4 {
				return false, s.errorf("ftyp of %d bytes", len(p))
			}
			brand = string(p[:4])
			for i := 8; i+4 <= len(p) && len(compat) < 64; i += 4 {
				compat = append(compat, string(p[i:i+4]))
			}
		case "moov":
			if !haveMoov {
				moov, haveMoov = b, true
			}
		case "moof":
			moofs++
		case "mdat":
			if len(mdats) < maxMdats {
				mdats = append(mdats, span{b.payload(), b.end()})
			} else {
				allMdats = false
			}
		}
		return true, nil
	})
	if err != nil {
		return Info{}, err
	}
	if !haveMoov {
		return Info{}, s.errorf("no moov box")
	}
	m, err := parseMoov(s, moov)
	if err != nil {
		return Info{}, err
	}
	if len(m.tracks) == 0 {
		return Info{}, s.errorf("moov has no tracks")
	}
	if m.fragmented && moofs > 0 {
		if err := sumFragments(s, m); err != nil {
			return Info{}, err
		}
	}
	if err := checkSampleData(s, m, mdats, allMdats); err != nil {
		return Info{}, err
	}
	if !m.fragmented && len(mdats) == 0 && allMdats && !m.allExternal() {
		return Info{}, s.errorf("%w: no mdat box: the movie is not fragmented, so its media data must be in one", ErrCorrupt)
	}
	return mp4Info(s, m, brand), nil
}

// mp4Info describes a parsed movie: its first audio and video tracks give
// the codecs, picture size and sample rate, and the ftyp brand (with whether
// there is video) the format and MIME type.
func mp4Info(s *src, m *movie, brand string) Info {
	info := Info{Fragmented: m.fragmented}
	var codecs []string
	var audio, video *track
	for _, t := range m.tracks {
		switch t.handler {
		case "vide":
			info.HasVideo = true
			if video == nil {
				video = t
			}
		case "soun":
			if audio == nil {
				audio = t
			}
		default:
			continue
		}
		if t.codec != "" {
			codecs = append(codecs, t.codec)
		}
	}
	info.Codecs = strings.Join(codecs, ",")
	if video != nil {
		info.Width, info.Height = video.width, video.height
	}
	if audio != nil {
		info.SampleRate, info.Channels = audio.sampleRate, audio.channels
		if info.SampleRate == 0 && audio.timescale <= 384000 {
			info.SampleRate = int(audio.timescale)
		}
	}
	if video == nil && audio == nil {
		info.Warnings = append(info.Warnings, "no audio or video track")
	}

	switch {
	case brand == "qt  " || (brand == "" && video != nil):
		info.Format, info.MIME = "mov", "video/quicktime"
	case brand == "M4A " || brand == "M4B " || brand == "M4P " || video == nil:
		info.Format, info.MIME = "m4a", "audio/x-m4a"
	case brand == "M4V " || brand == "M4VH" || brand == "M4VP":
		info.Format, info.MIME = "mp4", "video/x-m4v"
	default:
		info.Format, info.MIME = "mp4", "video/mp4"
	}

	info.Duration = m.total()
	info.Bitrate = bitrate(s.size, info.Duration)
	if info.Duration == 0 {
		info.Warnings = append(info.Warnings, "duration unknown")
	}
	return info
}

// total is the movie duration: mvhd unless 0 (or all ones, "unknown"), then
// mehd, then the longest track.
func (m *movie) total() time.Duration {
	if m.duration != 0 && m.duration != 0xFFFFFFFF && m.duration != 1<<64-1 {
		return durationOf(m.duration, uint64(m.timescale))
	}
	if m.fragDur != 0 && m.fragDur != 0xFFFFFFFF && m.fragDur != 1<<64-1 {
		return durationOf(m.fragDur, uint64(m.timescale))
	}
	var longest time.Duration
	for _, t := range m.tracks {
		ticks := t.duration
		if t.sawFragment {
			ticks += max(t.fragTicks, t.fragEnd-min(t.fragEnd, t.duration))
		}
		longest = max(longest, durationOf(ticks, uint64(t.timescale)))
	}
	return longest
}

// fullBoxTime reads a version 0/1 (creation, modification, timescale,
// duration) header as used by mvhd and mdhd.
func fullBoxTime(p []byte) (timescale uint32, duration uint64, ok bool) {
	if len(p) < 4 {
		return 0, 0, false
	}
	if p[0] == 1 {
		if len(p) < 32 {
			return 0, 0, false
		}
		return binary.BigEndian.Uint32(p[20:]), binary.BigEndian.Uint64(p[24:]), true
	}
	if len(p) < 20 {
		return 0, 0, false
	}
	return binary.BigEndian.Uint32(p[12:]), uint64(binary.BigEndian.Uint32(p[16:])), true
}

func parseMoov(s *src, moov box) (*movie, error) {
	m := &movie{}
	err := eachBox(s, moov.payload(), moov.end(), func(b box) (bool, error) {
		switch b.typ {
		case "mvhd":
			p, err := readPayload(s, b)
			if err != nil {
				return false, err
			}
			ts, d, ok := fullBoxTime(p)
			if !ok {
				return false, s.errorf("short mvhd")
			}
			m.timescale, m.duration = ts, d
		case "trak":
			if len(m.tracks) >= 1024 {
				return false, s.errorf("more than 1024 tracks")
			}
			t, err := parseTrak(s, b)
			if err != nil {
				return false, err
			}
			m.tracks = append(m.tracks, t)
		case "mvex":
			m.fragmented = true
			return true, parseMvex(s, b, m)
		}
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	// trex boxes may precede or follow the traks they describe.
	for _, t := range m.tracks {
		for _, x := range m.trex {
			if x.id == t.id {
				t.defaultDur, t.defaultSize = x.dur, x.size
				break
			}
		}
	}
	if m.timescale == 0 && m.duration != 0 {
		return nil, s.errorf("mvhd timescale is 0")
	}
	return m, nil
}

func parseMvex(s *src, mvex box, m *movie) error {
	return eachBox(s, mvex.payload(), mvex.end(), func(b box) (bool, error) {
		switch b.typ {
		case "mehd":
			p, err := readPayload(s, b)
			if err != nil {
				return false, err
			}
			if len(p) >= 12 && p[0] == 1 {
				m.fragDur = binary.BigEndian.Uint64(p[4:])
			} else if len(p) >= 8 {
				m.fragDur = uint64(binary.BigEndian.Uint32(p[4:]))
			}
		case "trex":
			p, err := readPayload(s, b)
			if err != nil {
				return false, err
			}
			if len(p) >= 16 && len(m.trex) < 1024 {
				x := trex{id: binary.BigEndian.Uint32(p[4:]), dur: binary.BigEndian.Uint32(p[12:])}
				if len(p) >= 20 {
					x.size = binary.BigEndian.Uint32(p[16:])
				}
				m.trex = append(m.trex, x)
			}
		}
		return true, nil
	})
}

func parseTrak(s *src, trak box) (*track, error) {
	t := &track{}
	err := eachBox(s, trak.payload(), trak.end(), func(b box) (bool, error) {
		switch b.typ {
		case "tkhd":
			p, err := readPayload(s, b)
			if err != nil {
				return false, err
			}
			// Width and height are 16.16 fixed point at the end of tkhd.
			switch {
			case len(p) >= 92 && p[0] == 1:
				t.id = binary.BigEndian.Uint32(p[20:])
				t.width, t.height = int(binary.BigEndian.Uint32(p[84:])>>16), int(binary.BigEndian.Uint32(p[88:])>>16)
			case len(p) >= 84 && p[0] == 0:
				t.id = binary.BigEndian.Uint32(p[12:])
				t.width, t.height = int(binary.BigEndian.Uint32(p[76:])>>16), int(binary.BigEndian.Uint32(p[80:])>>16)
			}
		case "mdia":
			return true, parseMdia(s, b, t)
		}
		return true, nil
	})
	return t, err
}

func parseMdia(s *src, mdia box, t *track) error {
	return eachBox(s, mdia.payload(), mdia.end(), func(b box) (bool, error) {
		switch b.typ {
		case "mdhd":
			p, err := readPayload(s, b)
			if err != nil {
				return false, err
			}
			if ts, d, ok := fullBoxTime(p); ok {
				t.timescale, t.duration = ts, d
			}
		case "hdlr":
			p, err := readPayload(s, b)
			if err != nil {
				return false, err
			}
			if len(p) >= 12 {
				t.handler = string(p[8:12])
			}
		case "minf":
			return true, eachBox(s, b.payload(), b.end(), func(b box) (bool, error) {
				switch b.typ {
				case "stbl":
					return true, parseStbl(s, b, t)
				case "dinf":
					return true, parseDinf(s, b, t)
				}
				return true, nil
			})
		}
		return true, nil
	})
}

// parseStbl reads the first sample description and locates the sample
// tables.
func parseStbl(s *src, stbl box, t *track) error {
	sawStsd := false
	return eachBox(s, stbl.payload(), stbl.end(), func(b box) (bool, error) {
		switch b.typ {
		case "stsd":
			if sawStsd {
				break
			}
			sawStsd = true
			p, err := readPayload(s, b)
			if err != nil {
				return false, err
			}
			parseStsd(p, t)
		case "stco", "co64":
			t.chunkOffsets = b
		case "stsc":
			t.samplesPerChunk = b
		case "stsz", "stz2":
			t.sampleSizes = b
		}
		return true, nil
	})
}

// parseDinf notes a data reference to another file: QuickTime reference
// movies keep their media elsewhere, and their chunk offsets are not into
// this file.
func parseDinf(s *src, dinf box, t *track) error {
	return eachBox(s, dinf.payload(), dinf.end(), func(b box) (bool, error) {
		if b.typ != "dref" {
			return true, nil
		}
		p, err := readPayload(s, b)
		if err != nil {
			return false, err
		}
		if len(p) < 8 {
			return false, nil
		}
		childBoxes(p[8:], func(_ string, c []byte) bool {
			if len(c) >= 4 && c[3]&1 == 0 { // flag 1: media in this file
				t.external = true
			}
			return !t.external
		})
		return false, nil
	})
}

// childBoxes iterates over the boxes in an in-memory payload. Bad sizes end
// the iteration; fn returns false to stop.
func childBoxes(p []byte, fn func(typ string, payload []byte) bool) {
	for len(p) >= 8 {
		n := int64(binary.BigEndian.Uint32(p))
		hdr := int64(8)
		if n == 1 {
			if len(p) < 16 {
				return
			}
			n, hdr = int64(min(binary.BigEndian.Uint64(p[8:]), uint64(len(p)))), 16
		} else if n == 0 {
			n = int64(len(p))
		}
		if n < hdr || n > int64(len(p)) {
			return
		}
		if !fn(string(p[4:8]), p[hdr:n]) {
			return
		}
		p = p[n:]
	}
}

// findChild returns the payload of the first child box of type typ.
func findChild(p []byte, typ string) []byte {
	var out []byte
	childBoxes(p, func(t string, c []byte) bool {
		if t == typ {
			out = c
			return false
		}
		return true
	})
	return out
}

// parseStsd reads the first sample entry: codec string, frame size or
// sample rate and channels. Unknown layouts are left blank, not errors.
func parseStsd(p []byte, t *track) {
	if len(p) < 16 {
		return
	}
	var entry []byte
	var typ string
	childBoxes(p[8:], func(ty string, c []byte) bool {
		typ, entry = ty, c
		return false
	})
	if entry == nil {
		return
	}
	// entry excludes the 8-byte box header; offsets below are relative to it.
	switch typ {
	case "avc1", "avc3", "hvc1", "hev1", "mp4v", "av01", "vp08", "vp09", "encv", "jpeg", "mjpa", "apcn", "apch", "apcs", "apco", "ap4h":
		if len(entry) < 78 {
			t.codec = strings.TrimSpace(typ)
			return
		}
		if t.width == 0 {
			t.width, t.height = int(binary.BigEndian.Uint16(entry[24:])), int(binary.BigEndian.Uint16(entry[26:]))
		}
		kids := entry[78:]
		t.codec = strings.TrimSpace(typ)
		switch typ {
		case "avc1", "avc3":
			if c := findChild(kids, "avcC"); len(c) >= 4 {
				t.codec = fmt.Sprintf("%s.%02x%02x%02x", typ, c[1], c[2], c[3])
			}
		case "hvc1", "hev1":
			if c := findChild(kids, "hvcC"); len(c) >= 13 {
				t.codec = hevcCodec(typ, c)
			}
		case "mp4v":
			if oti, _, ok := parseESDS(findChild(kids, "esds")); ok {
				t.codec = fmt.Sprintf("mp4v.%02x", oti)
			}
		}
	case "mp4a", "Opus", "fLaC", "ac-3", "ec-3", "alac", ".mp3", "enca", "sowt", "twos", "lpcm", "ipcm":
		if len(entry) < 28 {
			t.codec = codecName(typ)
			return
		}
		version := binary.BigEndian.Uint16(entry[8:])
		t.channels = int(binary.BigEndian.Uint16(entry[16:]))
		t.sampleRate = int(binary.BigEndian.Uint32(entry[24:]) >> 16)
		kids := entry[28:]
		switch version {
		case 1:
			if len(entry) >= 44 {
				kids = entry[44:]
			}
		case 2:
			if len(entry) >= 64 {
				// QuickTime v2: a float64 rate and a 32-bit channel count.
				rate := float64frombits(binary.BigEndian.Uint64(entry[32:]))
				if rate > 0 && rate < 1e7 {
					t.sampleRate = int(rate)
				}
				t.channels = int(binary.BigEndian.Uint32(entry[40:]))
				kids = entry[64:]
			}
		}
		t.codec = codecName(typ)
		if typ == "mp4a" {
			esds := findChild(kids, "esds")
			if esds == nil {
				// QuickTime puts it in a wave box.
				esds = findChild(findChild(kids, "wave"), "esds")
			}
			if oti, aot, ch, ok := parseESDSChannels(esds); ok {
				switch {
				case ch >= 1 && ch <= 6:
					t.channels = ch
				case ch == 7:
					t.channels = 8 // 7.1
				}
				if oti == 0x40 && aot > 0 {
					t.codec = fmt.Sprintf("mp4a.40.%d", aot)
				} else {
					t.codec = fmt.Sprintf("mp4a.%02x", oti)
				}
			}
		}
	default:
		t.codec = printable(strings.TrimSpace(typ))
	}
}

func codecName(typ string) string {
	switch typ {
	case "Opus":
		return "opus"
	case "fLaC":
		return "flac"
	case ".mp3":
		return "mp3"
	}
	return printable(strings.TrimSpace(typ))
}

func float64frombits(b uint64) float64 { return math.Float64frombits(b) }

// hevcCodec builds the RFC 6381 / ISO 14496-15 Annex E codec string from an
// hvcC record, e.g. "hvc1.1.6.L93.B0".
func hevcCodec(typ string, c []byte) string {
	space := c[1] >> 6
	tier := "L"
	if c[1]&0x20 != 0 {
		tier = "H"
	}
	profile := c[1] & 0x1F
	compat := bits.Reverse32(binary.BigEndian.Uint32(c[2:]))
	var b strings.Builder
	b.WriteString(typ)
	b.WriteByte('.')
	if space > 0 {
		b.WriteByte("ABC"[space-1])
	}
	fmt.Fprintf(&b, "%d.%X.%s%d", profile, compat, tier, c[12])
	cons := c[6:12]
	n := len(cons)
	for n > 0 && cons[n-1] == 0 {
		n--
	}
	for _, x := range cons[:n] {
		fmt.Fprintf(&b, ".%X", x)
	}
	return b.String()
}

// parseESDS reads an esds full box payload and returns the
// objectTypeIndication and, for audio, the AudioSpecificConfig
// audioObjectType.
func parseESDS(p []byte) (oti byte, aot int, ok bool) {
	oti, aot, _, ok = parseESDSChannels(p)
	return oti, aot, ok
}

// parseESDSChannels is parseESDS that also returns the AudioSpecificConfig
// channelConfiguration (0 when absent), which is more trustworthy than the
// sample entry's channel count: ISO files always say 2 there.
func parseESDSChannels(p []byte) (oti byte, aot, channels int, ok bool) {
	if len(p) < 4 {
		return 0, 0, 0, false
	}
	p = p[4:] // version and flags
	tag, body, _, good := descriptor(p)
	if !good || tag != 0x03 || len(body) < 3 {
		return 0, 0, 0, false
	}
	flags := body[2]
	body = body[3:]
	if flags&0x80 != 0 { // streamDependenceFlag
		if len(body) < 2 {
			return 0, 0, 0, false
		}
		body = body[2:]
	}
	if flags&0x40 != 0 { // URL_Flag
		if len(body) < 1 || len(body) < 1+int(body[0]) {
			return 0, 0, 0, false
		}
		body = body[1+int(body[0]):]
	}
	if flags&0x20 != 0 { // OCRstreamFlag
		if len(body) < 2 {
			return 0, 0, 0, false
		}
		body = body[2:]
	}
	for len(body) > 0 {
		tag, dc, rest, good := descriptor(body)
		if !good {
			return 0, 0, 0, false
		}
		body = rest
		if tag != 0x04 || len(dc) < 13 {
			continue
		}
		oti = dc[0]
		if tag, dsi, _, good := descriptor(dc[13:]); good && tag == 0x05 {
			aot, channels = audioSpecificConfig(dsi)
		}
		return oti, aot, channels, true
	}
	return 0, 0, 0, false
}

// audioSpecificConfig reads audioObjectType and channelConfiguration from
// an MPEG-4 AudioSpecificConfig (ISO 14496-3 1.6.2.1).
func audioSpecificConfig(b []byte) (aot, channels int) {
	var r bitReader
	r.b = b
	aot = int(r.bits(5))
	if aot == 31 {
		aot = 32 + int(r.bits(6))
	}
	if r.bits(4) == 15 { // explicit sampling frequency
		r.bits(24)
	}
	channels = int(r.bits(4))
	if r.bad {
		return aot, 0
	}
	return aot, channels
}

// bitReader reads big-endian bit fields; past the end it returns zeros and
// sets bad.
type bitReader struct {
	b   []byte
	pos int
	bad bool
}

func (r *bitReader) bits(n int) uint32 {
	var v uint32
	for range n {
		i := r.pos >> 3
		if i >= len(r.b) {
			r.bad = true
			return 0
		}
		v = v<<1 | uint32(r.b[i]>>(7-r.pos&7))&1
		r.pos++
	}
	return v
}

// descriptor splits an MPEG-4 descriptor (tag, expandable size) off p.
func descriptor(p []byte) (tag byte, body, rest []byte, ok bool) {
	if len(p) < 2 {
		return 0, nil, nil, false
	}
	tag = p[0]
	n, i := 0, 1
	for ; i < len(p) && i <= 4; i++ {
		n = n<<7 | int(p[i]&0x7F)
		if p[i]&0x80 == 0 {
			break
		}
	}
	i++
	if i > len(p) || n > len(p)-i {
		// Some muxers write a size that overstates; clip to what is there.
		if i > len(p) {
			return 0, nil, nil, false
		}
		n = len(p) - i
	}
	return tag, p[i : i+n], p[i+n:], true
}

// sumFragments walks the top-level moof boxes and adds up each track's
// trun sample durations (moof boxes are small; the mdat payloads between
// them are skipped), checking that every trun's sample data lies inside the
// file.
func sumFragments(s *src, m *movie) error {
	byID := make(map[uint32]*track, len(m.tracks))
	for _, t := range m.tracks {
		byID[t.id] = t
	}
	return eachTopBox(s, func(moof box) (bool, error) {
		if moof.typ != "moof" {
			return true, nil
		}
		// A traf whose tfhd gives no base offset has its data after the
		// previous traf's, the first after the start of the moof (ISO
		// 14496-12, 8.8.7.1).
		next := moof.off
		return true, eachBox(s, moof.payload(), moof.end(), func(b box) (bool, error) {
			if b.typ != "traf" {
				return true, nil
			}
			end, err := parseTraf(s, b, moof.off, next, byID)
			next = end
			return true, err
		})
	})
}

// parseTraf adds a track fragment's durations to its track and checks that
// its sample data, which starts at next unless the tfhd says otherwise, lies
// inside the file. It returns where that data ends.
func parseTraf(s *src, traf box, moofOff, next int64, byID map[uint32]*track) (int64, error) {
	var (
		t           *track
		defaultDur  uint32
		defaultSize uint32
		base        = next // where trun data offsets count from
		pos         = next // where the next trun's data starts without an offset
		tfdt        uint64
		haveTfdt    bool
		sum         uint64
	)
	err := eachBox(s, traf.payload(), traf.end(), func(b box) (bool, error) {
		switch b.typ {
		case "tfhd":
			var err error
			t, defaultDur, defaultSize, base, err = readTfhd(s, b, byID, moofOff, base)
			if err != nil || t == nil {
				return false, err // t nil: a track the moov does not declare
			}
			pos = base
		case "tfdt":
			p, err := readPayload(s, b)
			if err != nil {
				return false, err
			}
			if len(p) >= 12 && p[0] == 1 {
				tfdt, haveTfdt = binary.BigEndian.Uint64(p[4:]), true
			} else if len(p) >= 8 {
				tfdt, haveTfdt = uint64(binary.BigEndian.Uint32(p[4:])), true
			}
		case "trun":
			if t == nil {
				return false, nil // trun before tfhd: not valid
			}
			r, err := readTrun(s, b, defaultDur, defaultSize)
			if err != nil {
				return false, err
			}
			start := pos
			if r.haveOffset {
				start = base + int64(r.dataOffset)
			}
			if start < 0 {
				return false, s.errorf("%w: the trun at %d puts track %d's samples at %d, before the start of the file", ErrCorrupt, b.off, t.id, start)
			}
			if end, _ := bits.Add64(uint64(start), r.bytes, 0); end > uint64(s.size) || end < uint64(start) {
				missing := end - uint64(s.size)
				if end < uint64(start) { // wrapped: saturate
					missing = math.MaxUint64 - uint64(s.size)
				}
				return false, s.errorf("%w: the trun at %d puts %d bytes of track %d's samples at %d, past the end of the file %s", ErrTruncated, b.off, r.bytes, t.id, start, bytesMissing("", missing))
			}
			pos = start + int64(r.bytes)
			sum += r.ticks
		}
		return true, nil
	})
	if err != nil || t == nil {
		return pos, err
	}
	t.sawFragment = true
	if haveTfdt {
		t.fragEnd = max(t.fragEnd, tfdt+sum)
	} else {
		t.fragTicks += sum
	}
	return pos, nil
}

// readTfhd reads a track fragment header: its track, the sample duration
// and size defaults (the track's, unless the header sets them) and the
// base that trun data offsets count from, which may lie past the end of a
// truncated file (an error). A nil track is one the moov does not declare.
func readTfhd(s *src, b box, byID map[uint32]*track, moofOff, base int64) (t *track, defaultDur, defaultSize uint32, _ int64, _ error) {
	p, err := readPayload(s, b)
	if err != nil {
		return nil, 0, 0, base, err
	}
	if len(p) < 8 {
		return t, 0, 0, base, s.errorf("short tfhd at %d", b.off)
	}
	flags := binary.BigEndian.Uint32(p) & 0xFFFFFF
	t = byID[binary.BigEndian.Uint32(p[4:])]
	if t == nil {
		return nil, 0, 0, base, nil
	}
	defaultDur, defaultSize = t.defaultDur, t.defaultSize
	field := func(i, n int) (uint64, bool) {
		if i+n > len(p) {
			return 0, false
		}
		if n == 8 {
			return binary.BigEndian.Uint64(p[i:]), true
		}
		return uint64(binary.BigEndian.Uint32(p[i:])), true
	}
	i := 8
	switch {
	case flags&0x01 != 0: // base-data-offset-present
		v, ok := field(i, 8)
		if ok && v > uint64(s.size) {
			return t, 0, 0, base, s.errorf("%w: the tfhd at %d puts track %d's data at %d, past the end of the file at %d %s", ErrTruncated, b.off, t.id, v, s.size, bytesMissing("at least ", v-uint64(s.size)))
		}
		if ok {
			base = int64(v)
		}
		i += 8
	case flags&0x020000 != 0: // default-base-is-moof
		base = moofOff
	}
	if flags&0x02 != 0 {
		i += 4
	}
	if flags&0x08 != 0 {
		if v, ok := field(i, 4); ok {
			defaultDur = uint32(v)
		}
		i += 4
	}
	if flags&0x10 != 0 {
		if v, ok := field(i, 4); ok {
			defaultSize = uint32(v)
		}
	}
	return t, defaultDur, defaultSize, base, nil
}

// trunSummary is what a trun box adds up to.
type trunSummary struct {
	ticks      uint64 // sample durations
	bytes      uint64 // sample sizes
	dataOffset int32
	haveOffset bool
}

// readTrun sums the sample durations and sizes of a trun box, reading the
// sample table in small chunks rather than allocating it whole.
func readTrun(s *src, b box, defaultDur, defaultSize uint32) (trunSummary, error) {
	var r trunSummary
	var h [12]byte
	if b.size-b.hdr < 8 {
		return r, s.errorf("short trun at %d", b.off)
	}
	n := min(12, int(b.size-b.hdr))
	if err := s.readInto(h[:n], b.payload()); err != nil {
		return r, s.errorf("trun at %d: %w", b.off, err)
	}
	flags := binary.BigEndian.Uint32(h[:]) & 0xFFFFFF
	count := uint64(binary.BigEndian.Uint32(h[4:]))
	off := b.payload() + 8
	if flags&0x01 != 0 {
		if n < 12 {
			return r, s.errorf("%w: trun at %d is too short for its data offset", ErrCorrupt, b.off)
		}
		r.dataOffset, r.haveOffset = int32(binary.BigEndian.Uint32(h[8:])), true
		off += 4
	}
	if flags&0x04 != 0 {
		off += 4
	}
	if flags&0x300 == 0 { // neither durations nor sizes per sample
		r.ticks, r.bytes = count*uint64(defaultDur), count*uint64(defaultSize)
		return r, nil
	}
	// Each sample: duration (0x100), size (0x200), flags (0x400),
	// composition offset (0x800), 4 bytes each when present.
	entry := int64(4 * bits.OnesCount32(flags&0xF00))
	if off > b.end() || uint64(b.end()-off)/uint64(entry) < count {
		return r, s.errorf("%w: trun at %d: %d samples do not fit in %d bytes", ErrCorrupt, b.off, count, b.size)
	}
	sizeAt := int64(0)
	if flags&0x100 != 0 {
		sizeAt = 4
	}
	buf := make([]byte, 0, min(64<<10, int64(count)*entry))
	for left := int64(count); left > 0; {
		k := min(left, int64(cap(buf))/entry)
		chunk := buf[:k*entry]
		if err := s.readInto(chunk, off); err != nil {
			return r, s.errorf("trun at %d: %w", b.off, err)
		}
		for i := int64(0); i < k; i++ {
			e := chunk[i*entry:]
			if flags&0x100 != 0 {
				r.ticks += uint64(binary.BigEndian.Uint32(e))
			} else {
				r.ticks += uint64(defaultDur)
			}
			if flags&0x200 != 0 {
				r.bytes += uint64(binary.BigEndian.Uint32(e[sizeAt:]))
			} else {
				r.bytes += uint64(defaultSize)
			}
		}
		off += k * entry
		left -= k
	}
	return r, nil
}
