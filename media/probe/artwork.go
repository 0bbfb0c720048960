package probe

import "fmt"

// Apple Podcasts artwork limits.
const (
	artworkMinPx    = 1400
	artworkMaxPx    = 3000
	artworkMaxBytes = 512 << 10
)

// CheckArtwork checks podcast artwork against Apple Podcasts' rules: JPEG or
// PNG, square, 1400–3000 px, RGB colour (not CMYK, YCCK or grey), no alpha
// channel or transparency. Each problem is an error naming the file and what
// is wrong, e.g. "artwork/x.png: 1000×1000 px, want 1400–3000 px square". A
// file over 512 KB is only a warning: Apple recommends smaller files but
// accepts them.
func CheckArtwork(name string, info Info, size int64) (errs []error, warnings []string) {
	if info.Format != "jpeg" && info.Format != "png" {
		what := info.Format
		if what == "" {
			what = "not an image"
		}
		return []error{fmt.Errorf("%s: content is %s (%s), want JPEG or PNG", name, what, orOctet(info.MIME))}, nil
	}
	w, h := info.Width, info.Height
	if w != h || w < artworkMinPx || w > artworkMaxPx {
		errs = append(errs, fmt.Errorf("%s: %d×%d px, want %d–%d px square", name, w, h, artworkMinPx, artworkMaxPx))
	}
	switch info.ColorModel {
	case "rgb":
	case "paletted":
		// A palette of RGB colours is fine unless it carries transparency,
		// which the alpha check below reports.
	case "cmyk", "ycck":
		errs = append(errs, fmt.Errorf("%s: %s colour, want RGB", name, map[string]string{"cmyk": "CMYK", "ycck": "YCCK (CMYK)"}[info.ColorModel]))
	case "gray":
		errs = append(errs, fmt.Errorf("%s: grayscale, want RGB", name))
	default:
		errs = append(errs, fmt.Errorf("%s: colour model %q, want RGB", name, info.ColorModel))
	}
	if info.HasAlpha {
		what := "an alpha channel"
		if info.ColorModel == "paletted" {
			what = "a palette with transparency"
		}
		errs = append(errs, fmt.Errorf("%s: has %s, want opaque RGB", name, what))
	}
	if size > artworkMaxBytes {
		warnings = append(warnings, fmt.Sprintf("%s: %d KB, Apple recommends at most %d KB", name, (size+1023)/1024, artworkMaxBytes/1024))
	}
	return errs, warnings
}
