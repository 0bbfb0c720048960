package importer_test

import (
	"context"
	"errors"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/feedpub/feedpub/config/safehttp"
	"github.com/feedpub/feedpub/feeds/feedtest"
	"github.com/feedpub/feedpub/feeds/importer"
)

// hostileFeed has titles that are paths, reserved names or nothing a file
// name can spell, and an enclosure that redirects into a private network.
const hostileFeed = `<?xml version="1.0"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">
<channel><title>Hostile</title><link>https://hostile.example/</link><description>x</description>
<itunes:owner><itunes:email>h@hostile.example</itunes:email></itunes:owner>
<item><title>../../../etc/passwd</title><guid>h1</guid><pubDate>Mon, 02 Feb 2026 10:00:00 +0000</pubDate>
<enclosure url="{{BASE}}/media/pilot.mp3" length="{{LEN heroine.mp3}}" type="audio/mpeg"/></item>
<item><title>日本語のタイトル</title><guid>h2</guid><pubDate>Mon, 02 Feb 2026 11:00:00 +0000</pubDate>
<enclosure url="{{BASE}}/media/copy.mp3" length="{{LEN past-lives.mp3}}" type="audio/mpeg"/></item>
<item><title>🎬🍿</title><guid>h5</guid><pubDate>Mon, 02 Feb 2026 14:00:00 +0000</pubDate>
<enclosure url="{{BASE}}/media/lengthless.mp3" length="{{LEN past-lives.mp3}}" type="audio/mpeg"/></item>
<item><title>CON</title><guid>h3</guid><pubDate>Mon, 02 Feb 2026 12:00:00 +0000</pubDate>
<enclosure url="{{BASE}}/media/..%2F..%2Fescape.mp3" length="1" type="audio/mpeg"/></item>
<item><title>Private</title><guid>h4</guid><pubDate>Mon, 02 Feb 2026 13:00:00 +0000</pubDate>
<enclosure url="{{BASE}}/to-private.mp3" length="1" type="audio/mpeg"/></item>
</channel></rss>`

// TestImportSafeNames: whatever the titles and URLs, every file lands
// inside the target folder under a safe name.
func TestImportSafeNames(t *testing.T) {
	h := newHost(t)
	h.feeds["/hostile.xml"] = h.render(t, []byte(hostileFeed))
	parent := t.TempDir()
	into := filepath.Join(parent, "site")
	o := h.options(into)
	o.Feed = h.url("/hostile.xml")
	res, _ := run(t, o)
	for _, w := range res.Written {
		if !strings.HasPrefix(w, "reviews/") || strings.Contains(w, "..") {
			t.Errorf("written as %q", w)
		}
	}
	if want := []string{"reviews/etc-passwd.md", "reviews/ri-ben-yu-notaitoru.md", "reviews/episode.md"}; strings.Join(res.Written, " ") != strings.Join(want, " ") {
		t.Errorf("written %v, want %v", res.Written, want)
	}
	entries, _ := os.ReadDir(parent)
	if len(entries) != 1 {
		t.Errorf("files beside the target folder: %v", entries)
	}
}

// TestImportRefusesPrivateRedirect: an enclosure on a public host that
// redirects into the private network is refused (safehttp), and named.
func TestImportRefusesPrivateRedirect(t *testing.T) {
	h := newHost(t)
	h.feeds["/hostile.xml"] = h.render(t, []byte(hostileFeed))
	into := t.TempDir()
	o := h.options(into)
	o.Feed = h.url("/hostile.xml")
	// The test server stands for the public internet.
	o.Client = safehttp.NewClient(safehttp.Options{Transport: h.srv.Client().Transport,
		Public: func(a netip.Addr) bool { return a == netip.MustParseAddr("127.0.0.1") }})
	_, ps := run(t, o)
	var msg string
	for _, p := range ps {
		if p.Rule == "FP601" && strings.Contains(p.Field, `"h4"`) {
			msg = p.Msg
		}
	}
	if !strings.Contains(msg, safehttp.ErrNonPublic.Error()) {
		t.Errorf("the redirect into the private network is not refused: %q\n%v", msg, ps)
	}
}

// TestImportNothingOutsideThroughSymlink: a content folder that is a
// symlink out of the target stops the import before anything is written.
func TestImportNothingOutsideThroughSymlink(t *testing.T) {
	h := newHost(t)
	into, outside := t.TempDir(), t.TempDir()
	if err := os.Symlink(outside, filepath.Join(into, "reviews")); err != nil {
		t.Fatal(err)
	}
	o := h.options(into)
	o.Feed = h.url("/hosting.xml")
	if _, _, err := importer.Run(context.Background(), o); err == nil {
		t.Error("an import through a symlink out of the target folder succeeded")
	}
	if entries, _ := os.ReadDir(outside); len(entries) != 0 {
		t.Errorf("written outside the target folder: %v", entries)
	}
}

// TestImportCaps: a feed over its cap is refused (FP450), a download over
// its cap is an item not imported (FP601), naming the limit.
func TestImportCaps(t *testing.T) {
	h := newHost(t)
	into := filepath.Join(t.TempDir(), "site")
	o := h.options(into)
	o.Feed, o.MaxFeed = h.url("/hosting.xml"), 100
	_, ps, err := importer.Run(context.Background(), o)
	if !errors.Is(err, safehttp.ErrTooLarge) || len(found(ps, "FP450")) != 1 {
		t.Errorf("feed over the cap: err %v, problems %v", err, ps)
	}
	if _, err := os.Stat(into); err == nil {
		t.Error("a feed that could not be read left a folder behind")
	}
	o = h.options(t.TempDir())
	o.Feed, o.MaxFile = h.url("/hosting.xml"), 12000
	res, ps := run(t, o)
	capped := 0
	for _, p := range ps {
		if p.Rule == "FP601" && strings.Contains(p.Msg, "-byte limit for one file") {
			capped++
		}
	}
	// past-lives (17 KB) and heroine (22 KB) are over 12,000 bytes; the
	// trailer-sized aftersun (10 KB) is not.
	if capped != 2 || len(res.Written) != 1 {
		t.Errorf("%d items capped, %v written; want 2 and 1\n%v", capped, res.Written, ps)
	}
}

func init() {
	extraRoutes["/to-private.mp3"] = func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://10.0.0.1/secret.mp3", http.StatusFound)
	}
}

// TestImportIntoExistingSite adds the old show's episodes to a site that
// has its own feedpub.yaml and entries: nothing there is changed.
func TestImportIntoExistingSite(t *testing.T) {
	h := newHost(t)
	into := feedtest.CopyExample(t)
	before := tree(t, into)
	o := h.options(into)
	o.Feed = h.url("/hosting.xml")
	res, _ := run(t, o)
	if res.Config != "" || len(res.Written) != 3 {
		t.Errorf("config %q, written %v; want none and the three new entries (the fourth is a 404)", res.Config, res.Written)
	}
	after := tree(t, into)
	for p, sum := range before {
		if after[p] != sum {
			t.Errorf("%s changed", p)
		}
	}
}

const stallFeed = `<?xml version="1.0"?>
<rss version="2.0"><channel><title>Stalled</title><link>https://stalled.example/</link><description>x</description>
<item><title>Stalled episode</title><guid>s1</guid><pubDate>Mon, 02 Feb 2026 10:00:00 +0000</pubDate>
<enclosure url="{{BASE}}/stall.mp3" length="17234" type="audio/mpeg"/></item>
</channel></rss>`

// TestImportStalledDownload: a server that stops sending in the middle of
// a file fails that item once no byte came for IdleTimeout (the import
// does not hang), and what came is kept for the next run.
func TestImportStalledDownload(t *testing.T) {
	h := newHost(t)
	h.feeds["/stall.xml"] = h.render(t, []byte(stallFeed))
	into := t.TempDir()
	o := h.options(into)
	o.Feed, o.IdleTimeout = h.url("/stall.xml"), 300*time.Millisecond
	res, ps := run(t, o)
	var msg string
	for _, p := range ps {
		if p.Rule == "FP601" {
			msg = p.Msg
		}
	}
	if len(res.Written) != 0 || !strings.Contains(msg, "the server stalled") {
		t.Errorf("written %v, problem %q", res.Written, msg)
	}
	if st, err := os.Stat(filepath.Join(into, "media", "stalled-episode.mp3.part")); err != nil || st.Size() != 1000 {
		t.Errorf("the bytes that came are not kept for the next run: %v", err)
	}
}

func init() {
	extraRoutes["/stall.mp3"] = func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "17234")
		_, _ = w.Write(make([]byte, 1000))
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}
}

// TestImportPrintsNoToken: a private feed's token in a query never
// appears in a message or in feedpub.yaml (the GUID, an enclosure URL, is
// kept whole in its entry: it is the episode's identity).
func TestImportPrintsNoToken(t *testing.T) {
	h := newHost(t)
	feed := strings.ReplaceAll(string(h.feeds["/noguid.xml"]), `.mp3"`, `.mp3?token=SECRET1"`)
	// One enclosure on a port nobody listens on: net/http's error quotes
	// the URL it failed to reach.
	h.feeds["/private.xml"] = []byte(strings.ReplaceAll(feed, h.plain.URL, "http://127.0.0.1:1"))
	into := t.TempDir()
	o := h.options(into)
	o.Feed = h.url("/private.xml?token=SECRET2")
	_, ps := run(t, o)
	for _, p := range ps {
		if strings.Contains(p.Error(), "SECRET") {
			t.Errorf("printed: %v", p)
		}
	}
	if strings.Contains(read(t, filepath.Join(into, "feedpub.yaml")), "SECRET") {
		t.Error("feedpub.yaml holds the feed's token")
	}
	if len(found(ps, "FP601")) != 1 {
		t.Fatalf("the unreachable enclosure is not reported: the test proves nothing\n%v", ps)
	}
}

// TestImportStateFIFO: a FIFO planted where import keeps its record of
// slugs (.feedpub/import.json) is never read (a hang) but replaced by the
// record, written as a regular file.
func TestImportStateFIFO(t *testing.T) {
	h := newHost(t)
	into := t.TempDir()
	if err := os.MkdirAll(filepath.Join(into, ".feedpub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(into, ".feedpub", "import.json"), 0o644); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	o := h.options(into)
	o.Feed = h.url("/hosting.xml")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, _, err := importer.Run(ctx, o)
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
		fi, err := os.Lstat(filepath.Join(into, ".feedpub", "import.json"))
		if err != nil || !fi.Mode().IsRegular() {
			t.Errorf("the record of slugs is not a regular file: %v, %v", fi, err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("import hangs on a FIFO in .feedpub/")
	}
}
