package probe

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"sort"
)

// span is a byte range [start, end) of the file.
type span struct{ start, end int64 }

// maxMdats caps the mdat payloads kept for the check that sample chunks lie
// in one. A non-fragmented file has one or a few; past the cap (a hostile
// file of tiny boxes) chunks are only checked against the file size.
const maxMdats = 4096

// tableBufSize is the buffer each sample table is streamed through. A
// two-hour video's stsz is about 2 MB; it is read in pieces of this size,
// never whole.
const tableBufSize = 16 << 10

// checkSampleData checks that every track's sample chunks, located by the
// chunk offsets and sized by the sample sizes, lie inside the file (else an
// error wrapping ErrTruncated, by the bytes the furthest one lacks) and,
// when allMdats, inside an mdat box (else ErrCorrupt). Tracks whose media is
// in other files are skipped.
func checkSampleData(s *src, m *movie, mdats []span, allMdats bool) error {
	var (
		bufs     [3][]byte
		worst    *track
		worstEnd uint64
		outside  error
	)
	for _, t := range m.tracks {
		if t.external || t.chunkOffsets.typ == "" {
			continue
		}
		if bufs[0] == nil {
			for i := range bufs {
				bufs[i] = make([]byte, tableBufSize)
			}
		}
		end, out, err := trackData(s, t, mdats, allMdats, &bufs)
		if err != nil {
			return err
		}
		if end > worstEnd {
			worst, worstEnd = t, end
		}
		if outside == nil {
			outside = out
		}
	}
	if worstEnd > uint64(s.size) {
		return s.errorf("%w: the samples of track %d (%s) run to byte %d, the file ends at %d %s",
			ErrTruncated, worst.id, printable(worst.handler), worstEnd, s.size, bytesMissing("", worstEnd-uint64(s.size)))
	}
	return outside
}

// trackData walks a track's chunks in step with its samples-per-chunk and
// sample-size tables. It returns where the furthest chunk ends, an error for
// the first chunk (within the file) outside every mdat, and an error for
// tables that do not fit their boxes.
func trackData(s *src, t *track, mdats []span, checkMdat bool, bufs *[3][]byte) (maxEnd uint64, outside, err error) {
	entry := 4
	if t.chunkOffsets.typ == "co64" {
		entry = 8
	}
	chunks, chunkData, err := tableCount(s, t.chunkOffsets, 4, uint64(entry)*8)
	if err != nil || chunks == 0 {
		return 0, nil, err
	}
	var runs uint64
	var runData int64
	if t.samplesPerChunk.typ != "" {
		if runs, runData, err = tableCount(s, t.samplesPerChunk, 4, 12*8); err != nil {
			return 0, nil, err
		}
	}
	var sizes sizeReader
	samples, err := sizes.init(s, t.sampleSizes, bufs[2])
	if err != nil {
		return 0, nil, err
	}

	offsets := tableReader{s: s, off: chunkData, left: chunks, size: entry, buf: bufs[0]}
	stsc := tableReader{s: s, off: runData, left: runs, size: 12, buf: bufs[1]}
	// The stsc run in force (perChunk samples per chunk) and the first chunk
	// of the next one, which takes over when the walk reaches it.
	var perChunk, nextFirst, nextPerChunk uint64
	peek := func() error {
		nextFirst = math.MaxUint64
		if stsc.left == 0 && stsc.pos == stsc.n {
			return nil
		}
		e, err := stsc.next()
		if err != nil {
			return s.errorf("stsc of track %d: %w", t.id, err)
		}
		nextFirst, nextPerChunk = uint64(binary.BigEndian.Uint32(e)), uint64(binary.BigEndian.Uint32(e[4:]))
		return nil
	}
	if err := peek(); err != nil {
		return 0, nil, err
	}
	for c := uint64(1); c <= chunks; c++ {
		for nextFirst <= c {
			perChunk = nextPerChunk
			if err := peek(); err != nil {
				return 0, nil, err
			}
		}
		e, err := offsets.next()
		if err != nil {
			return 0, nil, s.errorf("%s of track %d: %w", t.chunkOffsets.typ, t.id, err)
		}
		off := uint64(binary.BigEndian.Uint32(e))
		if entry == 8 {
			off = binary.BigEndian.Uint64(e)
		}
		k := min(perChunk, samples)
		samples -= k
		n, err := sizes.sum(k)
		if err != nil {
			return 0, nil, s.errorf("%s of track %d: %w", t.sampleSizes.typ, t.id, err)
		}
		if n == 0 {
			continue
		}
		end, carry := bits.Add64(off, n, 0)
		if carry != 0 {
			end = math.MaxUint64
		}
		maxEnd = max(maxEnd, end)
		if end <= uint64(s.size) && checkMdat && outside == nil && !inMdat(mdats, off, end) {
			outside = s.errorf("%w: track %d (%s): chunk %d at %d (%d bytes) is not inside an mdat box", ErrCorrupt, t.id, printable(t.handler), c, off, n)
		}
	}
	return maxEnd, outside, nil
}

// inMdat reports whether [start, end) lies inside one of the mdat payloads,
// which are in file order and do not overlap.
func inMdat(mdats []span, start, end uint64) bool {
	i := sort.Search(len(mdats), func(i int) bool { return uint64(mdats[i].end) > start })
	return i < len(mdats) && uint64(mdats[i].start) <= start && end <= uint64(mdats[i].end)
}

// tableCount reads the 32-bit entry count at countAt in a sample table's
// payload and checks that the box has room for that many entries of
// entryBits bits, which follow the count. It returns the count and where
// the entries start.
func tableCount(s *src, b box, countAt int64, entryBits uint64) (count uint64, data int64, err error) {
	data = b.payload() + countAt + 4
	if data > b.end() {
		return 0, 0, s.errorf("%w: %s at %d is too short for its entry count", ErrCorrupt, printable(b.typ), b.off)
	}
	var c [4]byte
	if err := s.readInto(c[:], data-4); err != nil {
		return 0, 0, s.errorf("%s at %d: %w", printable(b.typ), b.off, err)
	}
	count = uint64(binary.BigEndian.Uint32(c[:]))
	if room := uint64(b.end() - data); (count*entryBits+7)/8 > room {
		return 0, 0, s.errorf("%w: %s at %d declares %d entries, the box has room for %d", ErrCorrupt, printable(b.typ), b.off, count, room*8/entryBits)
	}
	return count, data, nil
}

// tableReader streams the fixed-size entries of a sample table through buf,
// so a table of any length costs one small buffer.
type tableReader struct {
	s    *src
	off  int64  // next byte to read from the file
	left uint64 // entries not yet read from the file
	size int    // bytes per entry
	buf  []byte
	pos  int // next entry in buf[:n]
	n    int
}

// next returns the next entry, valid until the following call.
func (r *tableReader) next() ([]byte, error) {
	if r.pos == r.n {
		if r.left == 0 {
			return nil, fmt.Errorf("%w: table read past its count", ErrCorrupt)
		}
		k := min(uint64(len(r.buf)/r.size), r.left)
		b := r.buf[:int(k)*r.size]
		if err := r.s.readInto(b, r.off); err != nil {
			return nil, err
		}
		r.off += int64(len(b))
		r.left -= k
		r.pos, r.n = 0, len(b)
	}
	e := r.buf[r.pos : r.pos+r.size]
	r.pos += r.size
	return e, nil
}

// sizeReader yields sample sizes from an stsz box (one size for every
// sample, or 32 bits each) or an stz2 box (4, 8 or 16 bits each).
type sizeReader struct {
	fixed uint64 // every sample's size, when bits is 0
	bits  int
	tr    tableReader
	cur   byte // 4-bit fields: the byte whose low nibble is next
	low   bool
}

// init reads the box header and returns the sample count. With no box at
// all, every sample has size 0 and the count is unlimited.
func (r *sizeReader) init(s *src, b box, buf []byte) (uint64, error) {
	if b.typ == "" {
		return math.MaxUint64, nil
	}
	var h [8]byte
	if b.size-b.hdr < 12 {
		return 0, s.errorf("%w: %s at %d is too short", ErrCorrupt, printable(b.typ), b.off)
	}
	if err := s.readInto(h[:], b.payload()); err != nil {
		return 0, s.errorf("%s at %d: %w", printable(b.typ), b.off, err)
	}
	if b.typ == "stsz" {
		r.fixed = uint64(binary.BigEndian.Uint32(h[4:]))
		if r.fixed == 0 {
			r.bits = 32
		}
	} else {
		r.bits = int(h[7])
		if r.bits != 4 && r.bits != 8 && r.bits != 16 {
			return 0, s.errorf("%w: stz2 at %d has %d-bit sizes, want 4, 8 or 16", ErrCorrupt, b.off, r.bits)
		}
	}
	count, data, err := tableCount(s, b, 8, uint64(r.bits))
	if err != nil {
		return 0, err
	}
	size := max(r.bits/8, 1) // 4-bit fields come a byte (two sizes) at a time
	r.tr = tableReader{s: s, off: data, left: (count*uint64(r.bits) + 7) / 8 / uint64(size), size: size, buf: buf}
	return count, nil
}

// sum returns the total size of the next k samples.
func (r *sizeReader) sum(k uint64) (uint64, error) {
	if r.bits == 0 {
		return k * r.fixed, nil // both fit 32 bits
	}
	var total uint64
	for range k {
		if r.bits == 4 && r.low {
			total += uint64(r.cur & 0xF)
			r.low = false
			continue
		}
		e, err := r.tr.next()
		if err != nil {
			return 0, err
		}
		switch r.bits {
		case 4:
			r.cur, r.low = e[0], true
			total += uint64(e[0] >> 4)
		case 8:
			total += uint64(e[0])
		case 16:
			total += uint64(binary.BigEndian.Uint16(e))
		default:
			total += uint64(binary.BigEndian.Uint32(e))
		}
	}
	return total, nil
}
