package syndication_test

import (
	"io"
	"testing"

	"github.com/feedpub/feedpub/feeds/feedtest"
	"github.com/feedpub/feedpub/feeds/syndication"
)

// BenchmarkRender renders the review feeds of a catalog of 1,000 reviews
// (the example's, repeated), the size a large site's feeds reach.
func BenchmarkRender(b *testing.B) {
	f := feedtest.ExampleCatalog().Reviews
	base := f.Items
	f.Items = nil
	for len(f.Items) < 1000 {
		f.Items = append(f.Items, base...)
	}
	for _, r := range []struct {
		name   string
		render renderFunc
	}{{"rss", syndication.RenderRSS}, {"atom", syndication.RenderAtom}, {"json", syndication.RenderJSON}} {
		b.Run(r.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := r.render(io.Discard, f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
