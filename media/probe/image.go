package probe

import (
	"encoding/binary"
)

const pngSignature = "\x89PNG\r\n\x1a\n"

// probeJPEG walks the marker segments to the first SOFn frame header,
// noting an Adobe APP14 transform on the way, without decoding any image
// data.
func probeJPEG(s *src) (Info, error) {
	info := Info{Format: "jpeg", MIME: "image/jpeg"}
	adobe := -1 // APP14 transform: 0 RGB/CMYK, 1 YCbCr, 2 YCCK
	off := int64(2)
	var h [4]byte
	for steps := 0; ; steps++ {
		if steps >= 100_000 {
			return Info{}, s.errorf("more than 100000 markers before the frame header")
		}
		if err := s.readInto(h[:2], off); err != nil {
			return Info{}, s.errorf("marker at %d: %w", off, err)
		}
		if h[0] != 0xFF {
			return Info{}, s.errorf("no marker at %d (found 0x%02X)", off, h[0])
		}
		m := h[1]
		switch {
		case m == 0xFF: // fill byte
			off++
			continue
		case m == 0x01 || (m >= 0xD0 && m <= 0xD7): // standalone
			off += 2
			continue
		case m == 0xD8:
			off += 2
			continue
		case m == 0xD9 || m == 0xDA:
			return Info{}, s.errorf("no frame header (SOFn) before %s", map[byte]string{0xD9: "EOI", 0xDA: "SOS"}[m])
		}
		if err := s.readInto(h[2:4], off+2); err != nil {
			return Info{}, s.errorf("segment at %d: %w", off, err)
		}
		n := int64(binary.BigEndian.Uint16(h[2:4])) // includes the length bytes
		if n < 2 {
			return Info{}, s.errorf("segment 0x%02X at %d has length %d", m, off, n)
		}
		body := off + 4
		switch {
		case m == 0xEE && n >= 14: // APP14
			p, err := s.read(body, 12)
			if err != nil {
				return Info{}, s.errorf("APP14: %w", err)
			}
			if string(p[:5]) == "Adobe" {
				adobe = int(p[11])
			}
		case m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC: // SOFn
			if n < 8 {
				return Info{}, s.errorf("frame header of %d bytes", n)
			}
			p, err := s.read(body, 6)
			if err != nil {
				return Info{}, s.errorf("frame header: %w", err)
			}
			info.Height = int(binary.BigEndian.Uint16(p[1:]))
			info.Width = int(binary.BigEndian.Uint16(p[3:]))
			switch p[5] {
			case 1:
				info.ColorModel = "gray"
			case 3:
				info.ColorModel = "rgb" // YCbCr or, with Adobe transform 0, RGB
			case 4:
				info.ColorModel = "cmyk"
				if adobe == 2 {
					info.ColorModel = "ycck"
				}
			default:
				info.ColorModel = "unknown"
			}
			if m == 0xC2 || m == 0xC6 || m == 0xCA || m == 0xCE {
				info.Warnings = append(info.Warnings, "progressive JPEG")
			}
			if info.Width == 0 || info.Height == 0 {
				return Info{}, s.errorf("frame header gives %d×%d px", info.Width, info.Height)
			}
			return info, nil
		}
		off += 2 + n
	}
}

// probePNG reads IHDR and walks the chunks before the image data for tRNS,
// which gives a paletted, grey or RGB image transparency.
func probePNG(s *src) (Info, error) {
	var b [8 + 8 + 13]byte
	if err := s.readInto(b[:], 0); err != nil {
		return Info{}, s.errorf("IHDR: %w", err)
	}
	if string(b[8:16]) != "\x00\x00\x00\x0dIHDR" {
		return Info{}, s.errorf("first chunk is not IHDR")
	}
	ihdr := b[16:]
	info := Info{
		Format: "png",
		MIME:   "image/png",
		Width:  int(binary.BigEndian.Uint32(ihdr[0:])),
		Height: int(binary.BigEndian.Uint32(ihdr[4:])),
	}
	if info.Width == 0 || info.Height == 0 || info.Width > 1<<31-1 || info.Height > 1<<31-1 {
		return Info{}, s.errorf("IHDR gives %d×%d px", info.Width, info.Height)
	}
	switch ihdr[9] {
	case 0:
		info.ColorModel = "gray"
	case 2:
		info.ColorModel = "rgb"
	case 3:
		info.ColorModel = "paletted"
	case 4:
		info.ColorModel, info.HasAlpha = "gray", true
	case 6:
		info.ColorModel, info.HasAlpha = "rgb", true
	default:
		return Info{}, s.errorf("IHDR color type %d", ihdr[9])
	}
	off := int64(8 + 8 + 13 + 4)
	var h [8]byte
	for steps := 0; off+8 <= s.size && steps < 100_000; steps++ {
		if err := s.readInto(h[:], off); err != nil {
			return Info{}, s.errorf("chunk at %d: %w", off, err)
		}
		n := int64(binary.BigEndian.Uint32(h[:]))
		if n > 1<<31-1 {
			return Info{}, s.errorf("chunk at %d has length %d", off, n)
		}
		switch string(h[4:]) {
		case "tRNS":
			info.HasAlpha = true
		case "IDAT", "IEND":
			return info, nil
		}
		off += 12 + n
	}
	return info, nil
}
