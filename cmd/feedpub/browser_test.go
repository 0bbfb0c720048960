package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// browser returns the path of a Chromium to drive, skipping the test when
// there is none, or failing it when FEEDPUB_TEST_REQUIRE_BROWSER=1 (CI,
// where .ci/deps installs Debian's chromium).
func browser(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("FEEDPUB_TEST_REQUIRE_BROWSER") == "1" {
		t.Fatal("FEEDPUB_TEST_REQUIRE_BROWSER=1 but no chromium on PATH (apt-get install chromium)")
	}
	t.Skip("no chromium on PATH (set FEEDPUB_TEST_REQUIRE_BROWSER=1 to fail instead)")
	return ""
}

// artefacts is where the browser test leaves its screenshots:
// $FEEDPUB_TEST_ARTIFACTS when set, else a folder of the test's own.
func artefacts(t *testing.T) string {
	if d := os.Getenv("FEEDPUB_TEST_ARTIFACTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

func TestServePreviewInABrowser(t *testing.T) {
	exe := browser(t)
	dir := copyExample(t)
	base := serving(t, dir)

	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1100, 900),
		chromedp.Flag("mute-audio", true), chromedp.Flag("autoplay-policy", "no-user-gesture-required"))
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()

	// Which media responses the browser got, to see that players load
	// through byte ranges.
	var mu sync.Mutex
	media := map[string][]int64{}
	if err := chromedp.Listen(bctx, func(ev any) {
		if r, ok := ev.(*network.EventResponseReceived); ok && strings.HasPrefix(r.Response.URL, base+"media/") {
			mu.Lock()
			media[strings.TrimPrefix(r.Response.URL, base)] = append(media[strings.TrimPrefix(r.Response.URL, base)], r.Response.Status)
			mu.Unlock()
		}
	}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(bctx, chromedp.Navigate(base), chromedp.WaitVisible(`#entries`)); err != nil {
		t.Fatal(err)
	}

	// A card for every entry of the feeds, newest first.
	ids, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("article.entry"), (a) => a.id)`))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"entry-dune-part-two", "entry-heroine", "entry-past-lives", "entry-aftersun", "entry-season-3-trailer"}
	if !slices.Equal(ids, want) {
		t.Errorf("cards %v, want %v", ids, want)
	}

	// The first player's duration becomes known: the browser fetched the
	// media from the server and decoded it.
	dur, err := chromedp.Run(bctx, chromedp.Poll[float64](
		`(() => { const a = document.querySelector("audio"); return a.readyState >= 1 && isFinite(a.duration) ? a.duration : 0; })()`,
		chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(30*time.Second)))
	if err != nil {
		t.Fatalf("the first audio player's duration never became known: %v", err)
	}
	if dur < 5 || dur > 6 {
		t.Errorf("first audio player: duration %.2f s, want heroine.mp3's 5.5 s", dur)
	}

	// A chapter seeks its player, and the captions follow.
	if err := chromedp.Do(bctx, chromedp.Click(`button[data-player="entry-heroine-audio"][data-seek="2"]`)); err != nil {
		t.Fatal(err)
	}
	at, err := chromedp.Run(bctx, chromedp.Poll[float64](`document.getElementById("entry-heroine-audio").currentTime`,
		chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(10*time.Second)))
	if err != nil || at < 2 {
		t.Errorf("after the chapter at 0:02: currentTime %.2f (%v), want at least 2", at, err)
	}
	caption, err := chromedp.Run(bctx, chromedp.Poll[string](`document.querySelector('[data-captions="entry-heroine-audio"]').textContent`,
		chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(10*time.Second)))
	if err != nil || !strings.Contains(caption, "Heroin(e)") && !strings.Contains(caption, "Welcome") {
		t.Errorf("caption under the audio player: %q (%v), want a cue of heroine.en.vtt", caption, err)
	}

	mu.Lock()
	statuses := media["media/heroine.mp3"]
	mu.Unlock()
	if !slices.Contains(statuses, 206) {
		t.Errorf("media/heroine.mp3 answered %v to the browser: no 206, so no byte range was served", statuses)
	}

	out := artefacts(t)
	for _, shot := range []struct {
		name          string
		width, height int64
	}{{"preview-desktop.png", 1100, 900}, {"preview-phone.png", 390, 844}} {
		png, err := chromedp.Run(bctx, func(ctx context.Context, tg *chromedp.Target) ([]byte, error) {
			if _, err := chromedp.EmulateViewport(shot.width, shot.height)(ctx, tg); err != nil {
				return nil, err
			}
			return chromedp.FullScreenshot(100)(ctx, tg)
		})
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(out, shot.name)
		if err := os.WriteFile(p, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", p)
	}
}
