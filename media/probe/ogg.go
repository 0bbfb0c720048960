package probe

import (
	"bytes"
	"encoding/binary"
	"errors"
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
	eos     bool // the stream's last page
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
		eos:     b[5]&4 != 0,
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
		// Its duration is unknown, but the end of the file is checked all
		// the same.
		if _, err := lastPage(s, first.serial); errors.Is(err, ErrTruncated) || errors.Is(err, ErrPadded) {
			return Info{}, err
		}
		return info, nil
	}
	info.Warnings = append(info.Warnings, "Ogg "+map[string]string{"opus": "Opus", "vorbis": "Vorbis"}[info.Format]+" is not played by Apple Podcasts")

	last, err := lastPage(s, first.serial)
	if err != nil {
		return Info{}, err
	}
	if !last.eos {
		info.Warnings = append(info.Warnings, "the stream's last page lacks the end-of-stream flag: the file may have been cut short at a page boundary")
	}
	if samples := last.granule - preSkip; samples > 0 {
		info.Duration = durationOf(uint64(samples), uint64(rate))
	}
	info.Bitrate = bitrate(s.size, info.Duration)
	return info, nil
}

// lastPage finds the last page of the stream with the given serial number,
// reading backwards from the end in windows. On the way it finds the last
// whole page of any stream and judges what follows it: a page cut short is
// an error wrapping ErrTruncated, more than junkTolerance bytes of anything
// else one wrapping ErrPadded.
func lastPage(s *src, serial uint32) (oggPage, error) {
	buf := make([]byte, min(s.size, oggTailWindow+65307))
	end := s.size
	crcs := 0
	tailJudged := false
	for end > 0 && s.size-end < oggMaxTail {
		start := max(0, end-oggTailWindow)
		// Read beyond end so a page that starts in the window is whole.
		n := min(s.size, end+65307) - start
		b := buf[:n]
		if err := s.readInto(b, start); err != nil {
			return oggPage{}, s.errorf("last page: %w", err)
		}
		limit := int(end - start)
		for i := limit - 4; i >= 0; i-- {
			j := bytes.LastIndex(b[:i+4], []byte("OggS"))
			if j < 0 {
				break
			}
			i = j
			p, ok := parseOggHeader(b[j:])
			mine := ok && p.serial == serial && p.granule != -1
			// Until the file's last whole page is found, every page is a
			// candidate, whatever its stream; after, only ours are.
			if !ok || j+p.n > len(b) || (tailJudged && !mine) {
				continue
			}
			if crcs++; crcs > oggMaxCRCs {
				return oggPage{}, s.errorf("more than %d damaged pages at the end of the file", oggMaxCRCs)
			}
			if !checkOggCRC(b[j:], &p) {
				continue
			}
			if !tailJudged {
				if err := judgeOggTail(s, start+int64(j)+int64(p.n)); err != nil {
					return oggPage{}, err
				}
				tailJudged = true
			}
			if mine {
				return p, nil
			}
		}
		if start == 0 {
			break
		}
		end = start
	}
	if !tailJudged {
		return oggPage{}, s.errorf("%w: no whole Ogg page in the last %d bytes of the file", ErrPadded, s.size-end)
	}
	return oggPage{}, s.errorf("no Ogg page with a granule position for stream %d", serial)
}

// judgeOggTail checks what follows the file's last whole page, which ends
// at off: nothing, a few bytes of junk, or a page cut short.
func judgeOggTail(s *src, off int64) error {
	rest := s.size - off
	if rest == 0 {
		return nil
	}
	var h [27 + 255]byte
	b := h[:min(rest, int64(len(h)))]
	if err := s.readInto(b, off); err != nil {
		return s.errorf("after the last page: %w", err)
	}
	// How much of a page header is there, and how long is the page?
	const sync = "OggS\x00"
	need := 0
	switch {
	case len(b) < len(sync) && string(b) == sync[:len(b)], len(b) >= len(sync) && len(b) < 27 && string(b[:5]) == sync:
		need = 27
	case len(b) >= 27 && string(b[:5]) == sync:
		need = 27 + int(b[26])
		if len(b) >= need {
			p, _ := parseOggHeader(b)
			if int64(p.n) > rest {
				missing := int64(p.n) - rest
				if p.eos {
					return s.errorf("%w: the last page, at %d, declares %d bytes, the file holds %d of them %s", ErrTruncated, off, p.n, rest, bytesMissing("", missing))
				}
				// Pages after this one may be gone too.
				return s.errorf("%w: the page at %d declares %d bytes, the file holds %d of them %s", ErrTruncated, off, p.n, rest, bytesMissing("at least ", missing))
			}
			need = 0 // a whole page that failed its CRC: junk
		}
	}
	if need > 0 {
		return s.errorf("%w: the page header at %d is cut short %s", ErrTruncated, off, bytesMissing("at least ", int64(need)-rest))
	}
	if rest > junkTolerance {
		return s.errorf("%w: %d bytes after the last Ogg page (which ends at %d) are not Ogg pages", ErrPadded, rest, off)
	}
	return nil
}
