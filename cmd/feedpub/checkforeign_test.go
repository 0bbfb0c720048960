package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const foreignDir = "../../feeds/feedcheck/testdata/foreign"

// Feeds made elsewhere are judged by what directories and apps refuse:
// Apple's own sample feed and a hosting service's (HH:MM:SS durations,
// explicit "no", no Podcasting 2.0 tags) have no error.
func TestCheckAcceptsFeedsAppsAccept(t *testing.T) {
	for _, f := range []string{"apple-sample.xml", "hosting-style.xml"} {
		r := feedpub(t, "check", filepath.Join(foreignDir, f))
		if r.code != 0 || strings.Contains(r.stderr, "error: ") {
			t.Errorf("%s: exit %d\n%s", f, r.code, r.stderr)
		}
		if f == "apple-sample.xml" && !strings.Contains(r.stdout, "3 items with 3 enclosures") {
			t.Errorf("%s: summary %q", f, r.stdout)
		}
	}
}

// A real fault in such a feed is an error naming the item by its title
// and GUID, with its line and column in the feed.
func TestCheckNamesTitleAndLineOfEachFault(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(foreignDir, "apple-sample.xml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, old, new string
		want           []string
	}{
		{"no enclosure length", `length="8727310"`, `length=""`, []string{`:45:11: item.enclosure.length: item 2 "Mt. Hood, Oregon" (guid "22BCFEBF-F18E-4E9C-8FE9-55C03DAB3A3F")`, "[FP432]"}},
		{"a repeated guid", "538F6D2A-8D18-4B6E-8B47-F0C70E9E1E87", "22BCFEBF-F18E-4E9C-8FE9-55C03DAB3A3F", []string{`:63:11: item.guid.unique: item 3 "Bouldering Around Boulder"`, "[FP429]"}},
		{"an enclosure Apple refuses", `url="http://example.com/podcasts/boulder.mp4"`, `url="http://example.com/podcasts/boulder.wav"`, []string{`item 3 "Bouldering Around Boulder"`, "[FP431]"}},
		{"no show title", "<title>Hiking Treks</title>", "<title></title>", []string{":3:12: channel.title: channel", "[FP411]"}},
		{"not well-formed", "<itunes:explicit>true</itunes:explicit>", "<itunes:explicit>true</itunes:explicit", []string{"not well-formed XML", "line 83", "[FP408]"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(string(data), tc.old) {
				t.Fatalf("the fixture has no %q", tc.old)
			}
			f := filepath.Join(t.TempDir(), "feed.xml")
			writeFile(t, f, strings.Replace(string(data), tc.old, tc.new, 1))
			r := feedpub(t, "check", f)
			if r.code != 1 {
				t.Errorf("exit %d, want 1", r.code)
			}
			var errLines []string
			for _, l := range strings.Split(r.stderr, "\n") {
				if strings.HasPrefix(l, "error: ") {
					errLines = append(errLines, l)
				}
			}
			for _, w := range tc.want {
				if !strings.Contains(strings.Join(errLines, "\n"), w) {
					t.Errorf("no error with %q:\n%s", w, r.stderr)
				}
			}
			for _, l := range errLines {
				if strings.Contains(l, "item ") && !regexp.MustCompile(`feed\.xml:\d+:\d+: .*item \d+ "`).MatchString(l) {
					t.Errorf("an item's error without its line, column or title: %s", l)
				}
			}
		})
	}
}

// bigFeed writes a podcast feed of n items with notes of about size
// bytes each to a file.
func bigFeed(t *testing.T, n, size int) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "big.xml")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fmt.Fprint(f, `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel><title>Big</title><link>https://big.example.org/</link><language>en</language><description>Big.</description><itunes:image href="https://big.example.org/a.jpg"/><itunes:category text="Arts"/><itunes:explicit>false</itunes:explicit>`)
	// Clean items: a finding is kept to be printed, so a feed whose every
	// item broke a rule would hold one per item.
	notes := strings.TrimSpace(strings.Repeat("A film, and what we made of it. ", size/32))
	for i := 0; i < n; i++ {
		title := fmt.Sprintf("Review of %c%c%c", 'a'+i%26, 'a'+i/26%26, 'a'+i/676%26)
		fmt.Fprintf(f, `<item><title>%s</title><guid>ep-%d</guid><pubDate>Fri, 15 Nov 2024 06:00:00 +0000</pubDate><description>%s</description><enclosure url="https://big.example.org/%d.mp3" length="1000" type="audio/mpeg"/><itunes:duration>60</itunes:duration></item>`, title, i, notes, i)
	}
	fmt.Fprint(f, `</channel></rss>`)
	return p
}

// check reads a feed an item at a time: the memory it takes does not grow
// with the feed's bytes (a 2 GB feed took 4.6 GB when read whole). It keeps
// a few facts per item for the rules that compare items, so this feed has
// few items of 10 KB each.
func TestCheckMemoryDoesNotGrowWithTheFeed(t *testing.T) {
	p := bigFeed(t, 3000, 10000)
	fi, _ := os.Stat(p)
	var peak atomic.Uint64
	stop := make(chan struct{})
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	go func() {
		var ms runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > base && ms.HeapAlloc-base > peak.Load() {
				peak.Store(ms.HeapAlloc - base)
			}
		}
	}()
	r := feedpub(t, "check", "--max-bytes", "100000000", p)
	close(stop)
	if r.code != 0 || !strings.Contains(r.stdout, "3000 items with 3000 enclosures") {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if got := peak.Load(); got > uint64(fi.Size())/2 { // read whole, the bytes alone would be all of it
		t.Errorf("the heap grew by %d MB checking a %d MB feed: it is held, not streamed", got>>20, fi.Size()>>20)
	}
}

// SIGTERM (the context's end) stops a check at its next read.
func TestCheckStopsWhenCancelled(t *testing.T) {
	p := bigFeed(t, 30000, 1000)
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb lockedBuffer
	e := &env{Stdout: &out, Stderr: &errb, Now: func() time.Time { return now }, IsTerminal: func(io.Writer) bool { return false }}
	done := make(chan int, 1)
	go func() { done <- runContext(ctx, []string{"check", "--max-bytes", "100000000", p}, e) }()
	time.Sleep(20 * time.Millisecond)
	cancel()
	select {
	case code := <-done:
		if code == 0 {
			t.Errorf("a cancelled check succeeded: %s", out.String())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("check still running 5 s after it was cancelled")
	}
}
