package probe

import (
	"bytes"
	"encoding/binary"
)

// oggCRCTable is the Ogg CRC-32 (polynomial 0x04C11DB7, not reflected).
var oggCRCTable = func() (t [256]uint32) {
	for i := range t {
		r := uint32(i) << 24
		for range 8 {
			if r&0x80000000 != 0 {
				r = r<<1 ^ 0x04C11DB7
			} else {
				r <<= 1
			}
		}
		t[i] = r
	}
	return t
}()

func oggCRC(page []byte) uint32 {
	var crc uint32
	for i, c := range page {
		if i >= 22 && i < 26 {
			c = 0 // the CRC field counts as zero
		}
		crc = crc<<8 ^ oggCRCTable[byte(crc>>24)^c]
	}
	return crc
}

// oggPage is a parsed page header; n is the whole page length.
type oggPage struct {
	granule int64
	serial  uint32
	n       int
	body    []byte
}

// parseOggPage parses the page at the start of b, checking its CRC when the
// whole page is in b. ok is false when b does not start with a valid page.
func parseOggPage(b []byte) (p oggPage, complete, ok bool) {
	p, ok = parseOggHeader(b)
	if !ok || p.n > len(b) {
		return p, false, ok
	}
	return p, true, checkOggCRC(b, &p)
}

// parseOggHeader parses a page header without checking the CRC, so callers
// can reject pages by serial number before paying for a CRC.
func parseOggHeader(b []byte) (p oggPage, ok bool) {
	if len(b) < 27 || string(b[:4]) != "OggS" || b[4] != 0 {
		return p, false
	}
	nseg := int(b[26])
	if len(b) < 27+nseg {
		return p, false
	}
	n := 27 + nseg
	for _, l := range b[27 : 27+nseg] {
		n += int(l)
	}
	return oggPage{
		granule: int64(binary.LittleEndian.Uint64(b[6:])),
		serial:  binary.LittleEndian.Uint32(b[14:]),
		n:       n,
	}, true
}

// checkOggCRC verifies the CRC of the complete page at the start of b and
// sets p.body.
func checkOggCRC(b []byte, p *oggPage) bool {
	if oggCRC(b[:p.n]) != binary.LittleEndian.Uint32(b[22:]) {
		return false
	}
	p.body = b[27+int(b[26]) : p.n]
	return true
}

// oggMaxCRCs bounds the CRC checks of one backward search: a hostile tail
// packed with fake page headers claiming 64 KB each would otherwise cost
// gigabytes of CRC work.
const oggMaxCRCs = 64

// oggTailWindow is how far from the end to look for the last page: an Ogg
// page is at most 65307 bytes, so the last page starts in this window.
const oggTailWindow = 64 << 10

// oggMaxTail caps the backward search when other streams' pages or junk
// fill the end of the file.
const oggMaxTail = 1 << 20

func probeOgg(s *src) (Info, error) {
	head, err := s.read(0, int(min(s.size, 64<<10)))
	if err != nil {
		return Info{}, s.errorf("first page: %w", err)
	}
	first, complete, ok := parseOggPage(head)
	if !ok || !complete {
		return Info{}, s.errorf("first page is not a valid Ogg page")
	}
	id := first.body
	var info Info
	var preSkip int64
	rate := int64(0)
	switch {
	case len(id) >= 19 && string(id[:8]) == "OpusHead":
		info.Format, info.MIME, info.Codecs = "opus", "audio/opus", "opus"
		info.Channels = int(id[9])
		preSkip = int64(binary.LittleEndian.Uint16(id[10:]))
		rate = 48000 // Opus granule positions always count 48 kHz samples
		info.SampleRate = 48000
	case len(id) >= 30 && string(id[:7]) == "\x01vorbis":
		info.Format, info.MIME, info.Codecs = "vorbis", "audio/ogg", "vorbis"
		info.Channels = int(id[11])
		rate = int64(binary.LittleEndian.Uint32(id[12:]))
		info.SampleRate = int(rate)
		if rate == 0 {
			return Info{}, s.errorf("vorbis sample rate is 0")
		}
	default:
		info.Format, info.MIME = "ogg", "audio/ogg"
		info.Warnings = append(info.Warnings, "Ogg stream of an unsupported codec; podcast apps will not play it")
		return info, nil
	}
	info.Warnings = append(info.Warnings, "Ogg "+map[string]string{"opus": "Opus", "vorbis": "Vorbis"}[info.Format]+" is not played by Apple Podcasts")

	granule, err := lastGranule(s, first.serial)
	if err != nil {
		return Info{}, err
	}
	if samples := granule - preSkip; samples > 0 {
		info.Duration = durationOf(uint64(samples), uint64(rate))
	}
	info.Bitrate = bitrate(s.size, info.Duration)
	return info, nil
}

// lastGranule finds the last page of the stream with the given serial
// number, reading backwards from the end in windows, and returns its
// granule position.
func lastGranule(s *src, serial uint32) (int64, error) {
	buf := make([]byte, min(s.size, oggTailWindow+65307))
	end := s.size
	crcs := 0
	for end > 0 && s.size-end < oggMaxTail {
		start := max(0, end-oggTailWindow)
		// Read beyond end so a page that starts in the window is whole.
		n := min(s.size, end+65307) - start
		b := buf[:n]
		if err := s.readInto(b, start); err != nil {
			return 0, s.errorf("last page: %w", err)
		}
		limit := int(end - start)
		for i := limit - 4; i >= 0; i-- {
			j := bytes.LastIndex(b[:i+4], []byte("OggS"))
			if j < 0 {
				break
			}
			i = j
			p, ok := parseOggHeader(b[j:])
			if !ok || p.serial != serial || p.granule == -1 {
				continue
			}
			if j+p.n > len(b) {
				// A last page cut short (no CRC check possible) still says
				// how far the stream was meant to go, so it counts.
				if start+int64(j)+int64(p.n) > s.size {
					return p.granule, nil
				}
				continue
			}
			if crcs++; crcs > oggMaxCRCs {
				return 0, s.errorf("more than %d damaged pages at the end of the file", oggMaxCRCs)
			}
			if checkOggCRC(b[j:], &p) {
				return p.granule, nil
			}
		}
		if start == 0 {
			break
		}
		end = start
	}
	return 0, s.errorf("no Ogg page with a granule position for stream %d", serial)
}
