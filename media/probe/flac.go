package probe

import "encoding/binary"

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
	if total == 0 {
		info.Warnings = append(info.Warnings, "STREAMINFO does not give the number of samples; duration unknown")
		return info, nil
	}
	info.Duration = durationOf(total, rate)
	info.Bitrate = bitrate(s.size-off, info.Duration)
	return info, nil
}
