package preview

import (
	"fmt"
	"html/template"
	"strings"

	"rsc.io/qr"
)

// quiet is the blank margin a QR reader needs around the code, in modules.
const quiet = 4

// qrSVG draws text as a QR code in inline SVG: one path of runs of dark
// modules, so a phone can scan a feed URL off the screen and the page
// needs no image file or script.
func qrSVG(text string) (template.HTML, error) {
	c, err := qr.Encode(text, qr.M)
	if err != nil {
		return "", fmt.Errorf("QR code of %s: %w", text, err)
	}
	var d strings.Builder
	for y := 0; y < c.Size; y++ {
		for x := 0; x < c.Size; {
			if !c.Black(x, y) {
				x++
				continue
			}
			run := 1
			for x+run < c.Size && c.Black(x+run, y) {
				run++
			}
			fmt.Fprintf(&d, "M%d %dh%dv1h-%dz", x+quiet, y+quiet, run, run)
			x += run
		}
	}
	n := c.Size + 2*quiet
	// The text is a URL we built, but it goes into an attribute: escape it.
	label := template.HTMLEscapeString("QR code of " + text)
	return template.HTML(fmt.Sprintf(`<svg class="qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s" shape-rendering="crispEdges"><rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="%s"/></svg>`,
		n, n, n*4, n*4, label, n, n, d.String())), nil
}
