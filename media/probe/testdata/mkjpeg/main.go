// Command mkjpeg writes the grayscale and CMYK JPEG fixtures, which ffmpeg's
// mjpeg encoder cannot produce. gen.sh runs it.
package main

import (
	"bytes"
	"encoding/binary"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"os"
)

func main() {
	gray := flag.String("gray", "", "write a 1400×1400 grayscale JPEG here")
	cmyk := flag.String("cmyk", "", "write a 1400×1400 Adobe CMYK JPEG here")
	flag.Parse()
	if err := run(*gray, *cmyk); err != nil {
		fmt.Fprintln(os.Stderr, "mkjpeg:", err)
		os.Exit(1)
	}
}

func run(grayPath, cmykPath string) error {
	if grayPath != "" {
		img := image.NewGray(image.Rect(0, 0, 1400, 1400))
		for i := range img.Pix {
			img.Pix[i] = 0x80
		}
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 10}); err != nil {
			return err
		}
		if err := os.WriteFile(grayPath, buf.Bytes(), 0o644); err != nil {
			return err
		}
	}
	if cmykPath != "" {
		b := CMYK(1400, 1400)
		// Check that a real decoder sees CMYK, so the fixture is not just
		// something our own parser agrees with.
		img, err := jpeg.Decode(bytes.NewReader(b))
		if err != nil {
			return fmt.Errorf("decode own CMYK JPEG: %w", err)
		}
		if img.ColorModel() != color.CMYKModel {
			return fmt.Errorf("own CMYK JPEG decodes as %T", img)
		}
		if err := os.WriteFile(cmykPath, b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// CMYK returns a flat-grey baseline JPEG with four components and an Adobe
// APP14 marker (transform 0, i.e. CMYK). Every block has DC 0 and only an EOB,
// and both Huffman tables hold a single one-bit code, so the entropy-coded
// data is one zero byte per MCU.
func CMYK(w, h int) []byte {
	var b bytes.Buffer
	seg := func(marker byte, payload []byte) {
		b.Write([]byte{0xFF, marker})
		binary.Write(&b, binary.BigEndian, uint16(len(payload)+2))
		b.Write(payload)
	}
	b.Write([]byte{0xFF, 0xD8})
	seg(0xEE, []byte{'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0})
	dqt := make([]byte, 65)
	for i := 1; i < 65; i++ {
		dqt[i] = 1
	}
	seg(0xDB, dqt)
	sof := []byte{8, byte(h >> 8), byte(h), byte(w >> 8), byte(w), 4}
	for id := byte(1); id <= 4; id++ {
		sof = append(sof, id, 0x11, 0)
	}
	seg(0xC0, sof)
	for _, class := range []byte{0x00, 0x10} {
		dht := make([]byte, 1+16+1)
		dht[0] = class
		dht[1] = 1 // one code of length 1
		dht[17] = 0
		seg(0xC4, dht)
	}
	sos := []byte{4}
	for id := byte(1); id <= 4; id++ {
		sos = append(sos, id, 0x00)
	}
	sos = append(sos, 0, 63, 0)
	seg(0xDA, sos)
	mcus := ((w + 7) / 8) * ((h + 7) / 8)
	b.Write(make([]byte, mcus))
	b.Write([]byte{0xFF, 0xD9})
	return b.Bytes()
}
