package main

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// The example's Aftersun review links its video review on YouTube: the
// preview embeds YouTube's player, which a real browser lays out and asks
// YouTube for (the request fails here, offline; that it is made is what
// shows the player is embedded, not merely written into the page).
func TestServePreviewEmbedsVideoLinkInABrowser(t *testing.T) {
	exe := browser(t)
	base := serving(t, copyExample(t))

	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1100, 900),
		// The player's frame in the page's own process, so its request
		// is among the page's network events.
		chromedp.Flag("disable-site-isolation-trials", true),
		chromedp.Flag("disable-features", "IsolateOrigins,site-per-process"))
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()

	const embed = "https://www.youtube-nocookie.com/embed/Rv8d1Aftr5n"
	asked := make(chan struct{})
	var once sync.Once
	if err := chromedp.Listen(bctx, func(ev any) {
		if r, ok := ev.(*network.EventRequestWillBeSent); ok && r.Request.URL == embed {
			once.Do(func() { close(asked) })
		}
	}); err != nil {
		t.Fatal(err)
	}
	const player = `#entry-aftersun iframe.player`
	// The player is lazy: it loads once scrolled to.
	if err := chromedp.Do(bctx, chromedp.Navigate(base), chromedp.WaitVisible(`#entries`), chromedp.ScrollIntoView(player)); err != nil {
		t.Fatal(err)
	}
	src, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.querySelector("`+player+`").src`))
	if err != nil || src != embed {
		t.Errorf("player src %q (%v), want %s", src, err, embed)
	}
	// Laid out at its size beside the review, not hidden or collapsed.
	box, err := chromedp.Run(bctx, chromedp.Poll[[]float64](
		`(() => { const r = document.querySelector("`+player+`").getBoundingClientRect(); return r.width > 0 ? [r.width, r.height] : null; })()`,
		chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(10*time.Second)))
	if err != nil || len(box) != 2 || box[0] < 300 || box[1] < 150 {
		t.Errorf("player box %v (%v), want about 560×315", box, err)
	}
	select {
	case <-asked:
	case <-ctx.Done():
		t.Errorf("the browser never asked for the player %s", embed)
	}
	png, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(artefacts(t), "preview-video-link.png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", p)
}
