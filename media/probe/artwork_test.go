package probe

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckArtwork(t *testing.T) {
	tests := []struct {
		file string
		want []string // substrings, one per expected error
	}{
		{"art_rgb_1400.jpg", nil},
		{"art_rgb_1400.png", nil},
		{"art_rgb_1000.png", []string{"art/art_rgb_1000.png: 1000×1000 px, want 1400–3000 px square"}},
		{"art_nonsquare.jpg", []string{"art/art_nonsquare.jpg: 1400×1600 px, want 1400–3000 px square"}},
		{"art_cmyk_1400.jpg", []string{"art/art_cmyk_1400.jpg: CMYK colour, want RGB"}},
		{"art_gray_1400.jpg", []string{"art/art_gray_1400.jpg: grayscale, want RGB"}},
		{"art_rgba_1400.png", []string{"art/art_rgba_1400.png: has an alpha channel, want opaque RGB"}},
		{"mp3_cbr.mp3", []string{"art/mp3_cbr.mp3: content is mp3 (audio/mpeg), want JPEG or PNG"}},
	}
	for _, tt := range tests {
		info, err := probeFile(t, filepath.Join("testdata", tt.file))
		if err != nil {
			t.Fatal(err)
		}
		name := "art/" + tt.file
		errs, warns := CheckArtwork(name, info, 1000)
		if len(warns) != 0 {
			t.Errorf("%s: warnings %q", tt.file, warns)
		}
		if len(errs) != len(tt.want) {
			t.Errorf("%s: errors %v, want %d", tt.file, errs, len(tt.want))
			continue
		}
		for i, err := range errs {
			if !strings.Contains(err.Error(), tt.want[i]) {
				t.Errorf("%s: error %q, want %q", tt.file, err, tt.want[i])
			}
		}
	}

	good := Info{Format: "png", MIME: "image/png", Width: 3000, Height: 3000, ColorModel: "rgb"}
	if errs, warns := CheckArtwork("a.png", good, 600<<10); len(errs) != 0 || len(warns) != 1 || !strings.Contains(warns[0], "a.png: 600 KB") {
		t.Errorf("600 KB artwork: errs %v, warnings %q; want one size warning", errs, warns)
	}
	pal := Info{Format: "png", MIME: "image/png", Width: 1400, Height: 1400, ColorModel: "paletted"}
	if errs, _ := CheckArtwork("p.png", pal, 1); len(errs) != 0 {
		t.Errorf("opaque paletted: %v", errs)
	}
	pal.HasAlpha = true
	if errs, _ := CheckArtwork("p.png", pal, 1); len(errs) != 1 || !strings.Contains(errs[0].Error(), "palette with transparency") {
		t.Errorf("paletted with tRNS: %v", errs)
	}
	big := Info{Format: "jpeg", MIME: "image/jpeg", Width: 3001, Height: 3001, ColorModel: "ycck"}
	if errs, _ := CheckArtwork("b.jpg", big, 1); len(errs) != 2 {
		t.Errorf("3001 px YCCK: %v, want 2 errors", errs)
	}
}
