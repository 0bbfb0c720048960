package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/feeds/feedcheck"
	"github.com/feedpub/feedpub/feeds/preview/previewtest"
)

var servingAt = regexp.MustCompile(`previewing .* at (http://\S+/) `)

// serving runs `feedpub serve` on a free loopback port for the site in dir
// and returns the URL it prints; it stops when the test ends.
func serving(t *testing.T, dir string, args ...string) string {
	t.Helper()
	pr, pw := io.Pipe()
	var stdout, stderr lockedBuffer
	e := &env{Stdout: pw, Stderr: &stderr, Now: func() time.Time { return now }, IsTerminal: func(io.Writer) bool { return false }}
	cmd := newRootCmd(e)
	cmd.SetArgs(append([]string{"serve", "--addr", "127.0.0.1:0", "--config", filepath.Join(dir, "feedpub.yaml")}, args...))
	cmd.SetOut(pw)
	cmd.SetErr(&stderr)
	ctx, cancel := context.WithCancel(context.Background())
	var runErr error
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		runErr = cmd.ExecuteContext(ctx)
		pw.Close()
	}()
	url := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			stdout.Write(append(sc.Bytes(), '\n'))
			if m := servingAt.FindStringSubmatch(sc.Text()); m != nil {
				url <- m[1]
			}
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-exited
		if runErr != nil {
			t.Errorf("serve: %v\nstderr:\n%s", runErr, stderr.String())
		}
	})
	select {
	case u := <-url:
		return u
	case <-exited:
		t.Fatalf("serve exited: %v\nstdout:\n%s\nstderr:\n%s", runErr, stdout.String(), stderr.String())
	case <-time.After(time.Minute):
		t.Fatal("serve printed no URL within a minute")
	}
	return ""
}

func get(t *testing.T, url string) (*http.Response, []byte) {
	t.Helper()
	r, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	return r, b
}

// wantType is the Content-Type each kind of file of the example is served
// with: what the published object will carry.
var wantType = map[string]string{
	".mp3": "audio/mpeg", ".mp4": "video/mp4", ".jpg": "image/jpeg",
	".json": "application/json+chapters", ".vtt": "text/vtt; charset=utf-8", ".srt": "application/x-subrip; charset=utf-8",
}

var feedType = map[string]string{
	"podcast.xml": "application/rss+xml; charset=utf-8", "video.xml": "application/rss+xml; charset=utf-8",
	"reviews.xml": "application/rss+xml; charset=utf-8", "reviews.atom": "application/atom+xml; charset=utf-8",
	"reviews.json": "application/feed+json; charset=utf-8",
}

func TestServeFeedsReferenceOnlyServedFilesOfTheStatedLength(t *testing.T) {
	dir := copyExample(t)
	base := serving(t, dir)
	seen := map[string]bool{}
	for _, name := range feedFiles {
		r, feed := get(t, base+name)
		if r.StatusCode != 200 || r.Header.Get("Content-Type") != feedType[name] {
			t.Fatalf("%s: status %d, Content-Type %q", name, r.StatusCode, r.Header.Get("Content-Type"))
		}
		if bytes.Contains(feed, []byte("media.reelverdicts.example")) {
			t.Errorf("%s still names the configured base_url: its URLs are not the server's", name)
		}
		refs, err := feedcheck.References(name, base, feed)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for key, length := range refs {
			if feedFile[key] {
				continue // the feeds' own self links
			}
			seen[filepath.Ext(key)] = true
			r, b := get(t, base+key)
			switch {
			case r.StatusCode != 200:
				t.Errorf("%s references %s: status %d", name, base+key, r.StatusCode)
			case length >= 0 && int64(len(b)) != length:
				t.Errorf("%s says %s is %d bytes; the server sent %d", name, key, length, len(b))
			case r.Header.Get("Content-Length") != strconv.Itoa(len(b)):
				t.Errorf("%s: Content-Length %s for %d bytes", key, r.Header.Get("Content-Length"), len(b))
			case r.Header.Get("Content-Type") != wantType[filepath.Ext(key)]:
				t.Errorf("%s: Content-Type %q, want %q", key, r.Header.Get("Content-Type"), wantType[filepath.Ext(key)])
			}
		}
	}
	for ext := range wantType {
		if !seen[ext] {
			t.Errorf("no feed references a %s file: the test covers less than it says", ext)
		}
	}
	_, page := get(t, base)
	for _, want := range []string{"Left out of the feeds", "reviews/next-week.md", `value="` + base + `podcast.xml"`} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("the page lacks %q", want)
		}
	}
	// Nothing is written into the publish target.
	if _, err := os.Stat(filepath.Join(dir, "public")); err == nil {
		t.Error("serve wrote the publish target")
	}
}

func TestServeDraftsAndFutureMarked(t *testing.T) {
	dir := copyExample(t)
	writeFile(t, filepath.Join(dir, "reviews", "later.md"), "---\ntitle: Coming at Christmas\ndate: 2026-12-24T09:00:00Z\n---\nSoon.\n")
	base := serving(t, dir, "--drafts", "--future")
	_, page := get(t, base)
	for _, want := range []string{
		`id="entry-next-week"`, "<strong>Draft</strong>",
		`id="entry-later"`, "<strong>Scheduled for Thu 24 Dec 2026, 09:00 UTC</strong>",
	} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if _, feed := get(t, base+"reviews.xml"); !bytes.Contains(feed, []byte("Coming at Christmas")) || !bytes.Contains(feed, []byte("Next week: The Zone of Interest")) {
		t.Error("reviews.xml lacks the scheduled entry or the draft")
	}
}

// waitPage waits for builds until the page contains want.
func waitPage(t *testing.T, ev *previewtest.Events, base, want string) string {
	t.Helper()
	for {
		ev.Next(t)
		if _, page := get(t, base); bytes.Contains(page, []byte(want)) {
			return string(page)
		}
	}
}

func TestServeRebuildsWhenTheSiteChanges(t *testing.T) {
	dir := copyExample(t)
	base := serving(t, dir)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	ev := previewtest.Subscribe(ctx, t, base)
	ev.Next(t) // the build being served

	review := filepath.Join(dir, "reviews", "aftersun.md")
	orig, err := os.ReadFile(review)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(orig), "memory as a holiday snapshot", "edited while serving", 1)
	writeFile(t, review, edited)
	waitPage(t, ev, base, "Aftersun: edited while serving")
	if _, feed := get(t, base+"reviews.xml"); !bytes.Contains(feed, []byte("edited while serving")) {
		t.Error("the page changed but reviews.xml did not")
	}

	// Broken front matter: the page names the file and line; the last good
	// build's feeds and media are still served.
	writeFile(t, review, "---\ntitle: \"Aftersun\ndate: 2026-10-30T09:00:00Z\nrating: [4\n---\nBody.\n")
	page := waitPage(t, ev, base, "The latest build failed")
	if !regexp.MustCompile(`reviews/aftersun\.md:\d+: [^<]*quote`).MatchString(page) {
		t.Errorf("the page does not show the error with file:line:\n%s", page)
	}
	if !strings.Contains(page, "Heroin(e): a small film with a mighty heart") {
		t.Error("the page of a failed build no longer shows the last good build")
	}
	if r, b := get(t, base+"media/heroine.mp3"); r.StatusCode != 200 || len(b) != 22458 {
		t.Errorf("media after a failed build: status %d, %d bytes", r.StatusCode, len(b))
	}
	if _, feed := get(t, base+"reviews.xml"); !bytes.Contains(feed, []byte("edited while serving")) {
		t.Error("the last good build's feed is not served after a failed build")
	}

	// Mended: the failure is gone.
	writeFile(t, review, string(orig))
	if page := waitPage(t, ev, base, "memory as a holiday snapshot"); strings.Contains(page, "The latest build failed") {
		t.Error("the page still shows the failure after the site was mended")
	}
}

func TestServeURL(t *testing.T) {
	lan := func() net.IP { return net.IPv4(192, 168, 1, 20) }
	none := func() net.IP { return nil }
	for _, c := range []struct {
		addr *net.TCPAddr
		lan  func() net.IP
		want string
	}{
		{&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}, lan, "http://127.0.0.1:8080/"},
		{&net.TCPAddr{IP: net.IPv4zero, Port: 8080}, lan, "http://192.168.1.20:8080/"},
		{&net.TCPAddr{IP: net.IPv6unspecified, Port: 9000}, lan, "http://192.168.1.20:9000/"},
		{&net.TCPAddr{IP: net.IPv4zero, Port: 8080}, none, "http://127.0.0.1:8080/"},
		{&net.TCPAddr{IP: net.IPv6loopback, Port: 8080}, lan, "http://[::1]:8080/"},
	} {
		if got := serveURL(c.addr, c.lan); got != c.want {
			t.Errorf("serveURL(%v) = %s, want %s", c.addr, got, c.want)
		}
	}

	cidr := func(s string) net.Addr {
		ip, n, err := net.ParseCIDR(s)
		if err != nil {
			t.Fatal(err)
		}
		n.IP = ip
		return n
	}
	ifs := []net.Interface{
		{Index: 1, Name: "lo", Flags: net.FlagUp | net.FlagLoopback},
		{Index: 2, Name: "docker0", Flags: net.FlagUp},
		{Index: 3, Name: "eth1", Flags: 0}, // down
		{Index: 4, Name: "wlan0", Flags: net.FlagUp},
	}
	addrs := map[int][]net.Addr{
		1: {cidr("127.0.0.1/8")},
		2: {cidr("172.17.0.1/16")},
		3: {cidr("10.0.0.5/24")},
		4: {cidr("fe80::1/64"), cidr("203.0.113.9/24"), cidr("192.168.1.20/24")},
	}
	got := pickLAN(ifs, func(i net.Interface) ([]net.Addr, error) { return addrs[i.Index], nil })
	if !got.Equal(net.IPv4(192, 168, 1, 20)) {
		t.Errorf("pickLAN = %v, want wlan0's private 192.168.1.20", got)
	}
	if got := pickLAN(ifs[:3], func(i net.Interface) ([]net.Addr, error) { return addrs[i.Index], nil }); got != nil {
		t.Errorf("pickLAN with only loopback, bridge and a down interface = %v, want none", got)
	}
}

func TestServeSkipsWhatBuildsWrite(t *testing.T) {
	dir := t.TempDir()
	cfg := &config.Config{Dir: dir, Publish: config.Publish{Target: "out"}}
	skip := skipper(cfg, nil)
	for p, want := range map[string]bool{
		filepath.Join(dir, "reviews", "a.md"):          false,
		filepath.Join(dir, "media", "a.mp3"):           false,
		filepath.Join(dir, "feedpub.yaml"):             false,
		filepath.Join(dir, "outside.md"):               false,
		filepath.Join(dir, ".feedpub"):                 true,
		filepath.Join(dir, ".git"):                     true,
		filepath.Join(dir, "reviews", ".a.md.swp"):     true,
		filepath.Join(dir, "reviews", "a.md~"):         true,
		filepath.Join(dir, "out"):                      true,
		filepath.Join(dir, "out", "podcast.xml"):       true,
		filepath.Join(dir, "public", "media", "a.mp3"): true,
		filepath.Join(dir, "publicity", "a.md"):        false,
	} {
		if got := skip(p); got != want {
			t.Errorf("skip(%s) = %v, want %v", p, got, want)
		}
	}
	cfg.Publish.Target = "s3://bucket/prefix"
	if skipper(cfg, nil)(filepath.Join(dir, "s3:")) {
		t.Error("an s3 target is taken for a folder")
	}
}

func TestPreviewPublishedAsIndexHTML(t *testing.T) {
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	data, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, cfg, string(data)+"  preview: true\n")
	mustRun(t, "publish", "--config", cfg)
	page, err := os.ReadFile(filepath.Join(dir, "public", "index.html"))
	if err != nil {
		t.Fatalf("publish.preview: true wrote no index.html: %v", err)
	}
	if !bytes.Contains(page, []byte(`value="`+baseURL+`podcast.xml"`)) || bytes.Contains(page, []byte("EventSource")) {
		t.Errorf("index.html is not the static preview page with the published URLs:\n%.600s", page)
	}
	if r := mustRun(t, "publish", "--config", cfg); !strings.Contains(r.stdout, "0 files copied") {
		t.Errorf("a second publish copied files again: %s", r.stdout)
	}
}

// TestServePageTakesTheFormsOfItsBuild: the preview page shows each
// review as the build's feeds carry it, from the build's entry cache
// (site.Result.Forms), not made again.
func TestServePageTakesTheFormsOfItsBuild(t *testing.T) {
	dir := copyExample(t)
	o := &serveOptions{root: &rootOptions{env: &env{Now: func() time.Time { return now }}, Config: filepath.Join(dir, "feedpub.yaml")}}
	b := o.build(t.Context(), "http://127.0.0.1:8/")
	if b.Page.Catalog == nil {
		t.Fatalf("no build: %v", b.Page.Problems)
	}
	if b.Page.Forms == nil {
		t.Error("the page is given no forms: it would sanitise every review again")
	}
}
