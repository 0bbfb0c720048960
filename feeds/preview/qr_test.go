package preview

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"rsc.io/qr"
)

// TestQRDrawsEveryModule reads the SVG's runs back into modules and
// compares them with the code: the drawing, not the encoder, is ours.
func TestQRDrawsEveryModule(t *testing.T) {
	for _, text := range []string{"http://192.168.1.20:8080/podcast.xml", "http://[::1]:8080/reviews.json?a=1&b=<2>"} {
		svg, err := qrSVG(text)
		if err != nil {
			t.Fatal(err)
		}
		c, err := qr.Encode(text, qr.M)
		if err != nil {
			t.Fatal(err)
		}
		n := c.Size + 2*quiet
		if !strings.Contains(string(svg), fmt.Sprintf(`viewBox="0 0 %d %d"`, n, n)) {
			t.Errorf("%s: viewBox is not %d modules with the quiet zone", text, n)
		}
		drawn := map[[2]int]bool{}
		for _, m := range regexp.MustCompile(`M(\d+) (\d+)h(\d+)v1h-(\d+)z`).FindAllStringSubmatch(string(svg), -1) {
			x, _ := strconv.Atoi(m[1])
			y, _ := strconv.Atoi(m[2])
			run, _ := strconv.Atoi(m[3])
			if m[4] != m[3] {
				t.Fatalf("%s: run %s does not close", text, m[0])
			}
			for i := range run {
				drawn[[2]int{x + i - quiet, y - quiet}] = true
			}
		}
		for y := -quiet; y < c.Size+quiet; y++ {
			for x := -quiet; x < c.Size+quiet; x++ {
				if drawn[[2]int{x, y}] != c.Black(x, y) {
					t.Fatalf("%s: module (%d,%d) drawn %v, code says %v", text, x, y, drawn[[2]int{x, y}], c.Black(x, y))
				}
			}
		}
		if strings.Contains(string(svg), "<2>") {
			t.Errorf("%s: the label is not escaped", text)
		}
	}
}
