package probe

import (
	"encoding/binary"
	"strconv"
)

func probeWAV(s *src) (Info, error) {
	var h [12]byte
	if err := s.readInto(h[:], 0); err != nil {
		return Info{}, s.errorf("header: %w", err)
	}
	rf64 := string(h[:4]) == "RF64"
	var (
		haveFmt   bool
		tag       uint16
		channels  int
		rate      uint32
		byteRate  uint32
		dataSize  int64 = -1
		ds64Data  uint64
		chunkHead [8]byte
	)
	off := int64(12)
	for steps := 0; off+8 <= s.size && steps < maxSteps; steps++ {
		if err := s.readInto(chunkHead[:], off); err != nil {
			return Info{}, s.errorf("chunk at %d: %w", off, err)
		}
		id := string(chunkHead[:4])
		n := int64(binary.LittleEndian.Uint32(chunkHead[4:]))
		body := off + 8
		if id != "data" && n > s.size-body {
			return Info{}, s.errorf("%w: chunk %q at %d declares %d bytes, the file holds %d of them %s",
				ErrTruncated, printable(id), off, n, s.size-body, bytesMissing("at least ", n-(s.size-body)))
		}
		switch id {
		case "ds64":
			var d [16]byte
			if err := s.readInto(d[:], body); err != nil {
				return Info{}, s.errorf("ds64: %w", err)
			}
			ds64Data = binary.LittleEndian.Uint64(d[8:])
		case "fmt ":
			var err error
			if tag, channels, rate, byteRate, err = readWAVFmt(s, n, body); err != nil {
				return Info{}, err
			}
			haveFmt = true
		case "data":
			var err error
			if dataSize, err = wavDataSize(s, n, body, rf64, ds64Data); err != nil {
				return Info{}, err
			}
		}
		if haveFmt && dataSize >= 0 {
			break
		}
		if id == "data" {
			n = dataSize // fmt may follow the data
		}
		off = body + n + n&1 // chunks are padded to even sizes
	}
	if !haveFmt {
		return Info{}, s.errorf("no fmt chunk")
	}
	if dataSize < 0 {
		return Info{}, s.errorf("no data chunk")
	}
	info := Info{
		Format:     "wav",
		MIME:       "audio/wav",
		Codecs:     strconv.Itoa(int(tag)), // RFC 2361: the WAVE format tag
		SampleRate: int(rate),
		Channels:   channels,
		Bitrate:    int(byteRate) * 8,
		Warnings:   []string{"WAV is not played by Apple Podcasts"},
	}
	if byteRate > 0 {
		info.Duration = durationOf(uint64(dataSize), uint64(byteRate))
	}
	return info, nil
}

// readWAVFmt reads the fmt chunk of n bytes at body: the format tag (the
// subformat's, for WAVE_FORMAT_EXTENSIBLE), channels, sample and byte rate.
func readWAVFmt(s *src, n, body int64) (tag uint16, channels int, rate, byteRate uint32, err error) {
	var f [16]byte
	if n < 16 {
		return 0, 0, 0, 0, s.errorf("fmt chunk of %d bytes", n)
	}
	if err := s.readInto(f[:], body); err != nil {
		return 0, 0, 0, 0, s.errorf("fmt: %w", err)
	}
	tag = binary.LittleEndian.Uint16(f[0:])
	channels = int(binary.LittleEndian.Uint16(f[2:]))
	rate = binary.LittleEndian.Uint32(f[4:])
	byteRate = binary.LittleEndian.Uint32(f[8:])
	if tag == 0xFFFE && n >= 40 {
		// WAVE_FORMAT_EXTENSIBLE: the real tag opens the subformat GUID.
		var g [2]byte
		if s.readInto(g[:], body+24) == nil {
			tag = binary.LittleEndian.Uint16(g[:])
		}
	}
	return tag, channels, rate, byteRate, nil
}

// wavDataSize gives the size of the audio data in the data chunk of n
// bytes at body (for RF64, as the ds64 chunk gives it); a size that runs
// past the end of the file is an error.
func wavDataSize(s *src, n, body int64, rf64 bool, ds64Data uint64) (int64, error) {
	declared, what := uint64(n), "the data chunk"
	if rf64 && n == 0xFFFFFFFF {
		declared, what = ds64Data, "the ds64 chunk"
	}
	avail := uint64(s.size - body)
	switch {
	case declared == 0 || declared == 0xFFFFFFFF && !rf64:
		// Streaming writers leave 0 or 0xFFFFFFFF: the data runs
		// to the end of the file.
		declared = avail
	case declared > avail:
		// The pad byte after an odd size may be missing; the
		// data itself may not.
		return 0, s.errorf("%w: %s declares %d bytes of audio data at %d, the file holds %d of them %s",
			ErrTruncated, what, declared, body, avail, bytesMissing("", declared-avail))
	}
	return int64(declared), nil
}
