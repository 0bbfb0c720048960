package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// hostileCase is one broken or hostile input from the issue "any input: a
// clear error in bounded time and memory, and nothing read from outside the
// site". Every case must exit 1 within hostileDeadline, allocate under
// hostileMemory at its peak, print every string in want, none in notWant,
// and leave the output folder as it was.
type hostileCase struct {
	name string
	// setup breaks the copy of the example site in dir; it returns the
	// --config argument when it is not dir/feedpub.yaml.
	setup   func(t *testing.T, dir string) string
	env     map[string]string
	want    []string
	notWant []string
}

const (
	hostileDeadline = 5 * time.Second
	hostileMemory   = 200 << 20
)

// entry writes reviews/zz.md with the given front matter lines and body:
// line 1 is "---", so the first front-matter line is line 2.
func entry(t *testing.T, dir, frontMatter, body string) {
	t.Helper()
	writeFile(t, filepath.Join(dir, "reviews", "zz.md"), "---\n"+frontMatter+"---\n"+body)
}

// editConfig replaces old by new in the site's feedpub.yaml.
func editConfig(t *testing.T, dir, old, new string) {
	t.Helper()
	p := filepath.Join(dir, "feedpub.yaml")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("feedpub.yaml has no %q", old)
	}
	writeFile(t, p, strings.Replace(string(data), old, new, 1))
}

func mkfifo(t *testing.T, p string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Fatal(err)
	}
}

const audioEntry = "title: Z\ndate: 2026-11-01\naudio:\n  file: media/heroine.mp3\n"

var hostileCases = []hostileCase{
	// Hangs and runaway memory.
	{
		name: "config is a FIFO",
		setup: func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "fifo.yaml")
			mkfifo(t, p)
			return p
		},
		want: []string{"fifo.yaml: ", "named pipe", "not a regular file"},
	},
	{
		name: "config is /dev/zero",
		setup: func(t *testing.T, dir string) string {
			return "/dev/zero"
		},
		want: []string{"/dev/zero: ", "device", "not a regular file"},
	},
	{
		name: "media file is a FIFO",
		setup: func(t *testing.T, dir string) string {
			mkfifo(t, filepath.Join(dir, "media", "x.mp3"))
			entry(t, dir, "title: Z\ndate: 2026-11-01\naudio:\n  file: media/x.mp3\n", "")
			return ""
		},
		want: []string{"reviews/zz.md:5: audio.file: ", "media/x.mp3", "named pipe"},
	},
	{
		name: "50 MB review body",
		setup: func(t *testing.T, dir string) string {
			body := bytes.Repeat([]byte("All work and no play makes a long review. "), 50<<20/42)
			entry(t, dir, "title: Z\ndate: 2026-11-01\n", string(body))
			return ""
		},
		want: []string{"reviews/zz.md: ", "50 MB", "limit", "content.max_file_size"},
	},
	{
		name: "config over 1 MB",
		setup: func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "feedpub.yaml")
			data, _ := os.ReadFile(p)
			writeFile(t, p, string(data)+"#"+strings.Repeat("x", 2<<20)+"\n")
			return ""
		},
		want: []string{"feedpub.yaml: ", "2 MB", "limit is 1 MB"},
	},

	// Reading outside the site.
	{
		name: "media file is a symlink out of the site",
		setup: func(t *testing.T, dir string) string {
			out := t.TempDir()
			copyFile(t, filepath.Join(dir, "media", "heroine.mp3"), filepath.Join(out, "secret.mp3"))
			symlink(t, filepath.Join(out, "secret.mp3"), filepath.Join(dir, "media", "x.mp3"))
			entry(t, dir, "title: Z\ndate: 2026-11-01\naudio:\n  file: media/x.mp3\n", "")
			return ""
		},
		want:    []string{"reviews/zz.md:5: audio.file: ", "media/x.mp3", "outside the site folder"},
		notWant: []string{"secret.mp3"},
	},
	{
		name: "media folder is a symlink out of the site",
		setup: func(t *testing.T, dir string) string {
			out := t.TempDir()
			copyFile(t, filepath.Join(dir, "media", "heroine.mp3"), filepath.Join(out, "x.mp3"))
			symlink(t, out, filepath.Join(dir, "elsewhere"))
			entry(t, dir, "title: Z\ndate: 2026-11-01\naudio:\n  file: elsewhere/x.mp3\n", "")
			return ""
		},
		want: []string{"reviews/zz.md:5: audio.file: ", "elsewhere/x.mp3", "outside the site folder"},
	},
	{
		name: "review file is a symlink out of the site",
		setup: func(t *testing.T, dir string) string {
			out := t.TempDir()
			writeFile(t, filepath.Join(out, "secret.md"), "---\ntitle: S\ndate: 2026-11-01\n---\nSecret.\n")
			symlink(t, filepath.Join(out, "secret.md"), filepath.Join(dir, "reviews", "zz.md"))
			return ""
		},
		want: []string{"reviews/zz.md: ", "outside the site folder"},
	},
	{
		name: "content.dir outside the site",
		setup: func(t *testing.T, dir string) string {
			out := t.TempDir()
			writeFile(t, filepath.Join(out, "secret.md"), "---\ntitle: S\ndate: 2026-11-01\n---\nSecret.\n")
			editConfig(t, dir, "dir: reviews", "dir: "+out)
			return ""
		},
		want: []string{"feedpub.yaml:14: content.dir: ", "inside the site folder"},
	},

	// Wrong values accepted.
	{
		name:  "date before 1970",
		setup: withEntry("title: Z\ndate: 0000-01-01\n", "Body.\n"),
		want:  []string{"reviews/zz.md:3: date: ", "1970"},
	},
	{
		name:  "fractional season",
		setup: withEntry(audioEntry+"  season: 1.5\n", ""),
		want:  []string{"reviews/zz.md:6: audio.season: ", "1.5", "whole number"},
	},
	{
		name:  "huge duration",
		setup: withEntry(audioEntry+"  duration: 1e300\n", ""),
		want:  []string{"reviews/zz.md:6: audio.duration: ", "100 hours", "content.duration_max"},
	},
	{
		name:  "season 2^63-1",
		setup: withEntry(audioEntry+"  season: 9223372036854775807\n", ""),
		want:  []string{"reviews/zz.md:6: audio.season: ", "2147483647"},
	},
	{
		name: "base_url with space, query and fragment",
		setup: func(t *testing.T, dir string) string {
			editConfig(t, dir, "base_url: https://media.reelverdicts.example/", `base_url: "https://media.example/a b/?x=1#f"`)
			return ""
		},
		want: []string{"feedpub.yaml:6: site.base_url: ", "space", "query", "fragment"},
	},
	{
		name: "base_url with user info",
		setup: func(t *testing.T, dir string) string {
			editConfig(t, dir, "base_url: https://media.reelverdicts.example/", `base_url: "https://ada:pw@media.example/"`)
			return ""
		},
		want:    []string{"feedpub.yaml:6: site.base_url: ", "user name or password"},
		notWant: []string{"pw"},
	},
	{
		name:  "invalid UTF-8 in the body",
		setup: withEntry("title: Z\ndate: 2026-11-01\n", "Line one.\nCaf\xe9 au lait.\n"),
		want:  []string{"reviews/zz.md:6: ", "not valid UTF-8"},
	},
	{
		name:  "invalid UTF-8 in the front matter",
		setup: withEntry("title: Caf\xe9\ndate: 2026-11-01\n", "Body.\n"),
		want:  []string{"reviews/zz.md:2: ", "not valid UTF-8"},
	},

	// Messages that mislead.
	{
		name:    "tab in front matter",
		setup:   withEntry("title: Z\ndate: 2026-11-01\naudio:\n\tfile: media/heroine.mp3\n", ""),
		want:    []string{"reviews/zz.md:5: ", "a tab cannot indent YAML: use spaces"},
		notWant: []string{"found character", "violates"},
	},
	{
		name:  "duplicate key in front matter",
		setup: withEntry("title: Z\ndate: 2026-11-01\ntitle: Y\n", "Body.\n"),
		want:  []string{"reviews/zz.md:4: title: ", "this key is already set on line 2"},
	},
	{
		name: "no closing fence",
		setup: func(t *testing.T, dir string) string {
			writeFile(t, filepath.Join(dir, "reviews", "zz.md"), "---\ntitle: Z\ndate: 2026-11-01\n\nBody.\n")
			return ""
		},
		want:    []string{"reviews/zz.md:1: ", "the front matter starts with --- on line 1 but has no closing ---"},
		notWant: []string{"no front matter"},
	},
	{
		name:  "a word for a number",
		setup: withEntry("title: Z\ndate: 2026-11-01\nrating: five\n", "Body.\n"),
		want:  []string{"reviews/zz.md:4: rating: ", `"five"`, "number"},
	},
	{
		name:    "a list for text",
		setup:   withEntry("title: [a, b]\ndate: 2026-11-01\n", "Body.\n"),
		want:    []string{"reviews/zz.md:2: title: ", "a list"},
		notWant: []string{"!!seq", "unmarshal"},
	},
	{
		name:    "unknown top-level img",
		setup:   withEntry("title: Z\ndate: 2026-11-01\nimg: artwork/heroine.jpg\n", "Body.\n"),
		want:    []string{"reviews/zz.md:4: img: ", `unknown key "img"`, `did you mean "image"?`},
		notWant: []string{`did you mean "img"`},
	},
	{
		name:    "explicit at the top level",
		setup:   withEntry("title: Z\ndate: 2026-11-01\nexplicit: true\n", "Body.\n"),
		want:    []string{"reviews/zz.md:4: explicit: ", "explicit belongs under audio: or video:"},
		notWant: []string{`did you mean "explicit"`},
	},
	{
		name: "bad value in an environment variable",
		setup: func(t *testing.T, dir string) string {
			return ""
		},
		env:     map[string]string{"FEEDPUB_PUBLISH_CONCURRENCY": "lots"},
		want:    []string{"FEEDPUB_PUBLISH_CONCURRENCY: ", `"lots"`, "whole number"},
		notWant: []string{"feedpub.yaml:"},
	},
	{
		name: "misspelt environment variable",
		setup: func(t *testing.T, dir string) string {
			return ""
		},
		env:  map[string]string{"FEEDPUB_PUBLSH_TARGET": "elsewhere"},
		want: []string{"FEEDPUB_PUBLSH_TARGET: ", "unknown", "FEEDPUB_PUBLISH_TARGET"},
	},
	{
		name:  "missing media file with a near name",
		setup: withEntry("title: Z\ndate: 2026-11-01\naudio:\n  file: media/heroin.mp3\n", ""),
		want:  []string{"reviews/zz.md:5: audio.file: ", "not found", `did you mean "media/heroine.mp3"?`},
	},
	{
		name:    "YAML syntax error in front matter",
		setup:   withEntry("title: Z\ndate: 2026-11-01\nsummary: @ada reviews\n", "Body.\n"),
		want:    []string{"reviews/zz.md:4: ", "@", "quote"},
		notWant: []string{"found character that cannot start any token"},
	},
	{
		name: "tab in feedpub.yaml",
		setup: func(t *testing.T, dir string) string {
			editConfig(t, dir, "  title: Reel Verdicts\n", "\ttitle: Reel Verdicts\n")
			return ""
		},
		want:    []string{"feedpub.yaml:3: ", "a tab cannot indent YAML: use spaces"},
		notWant: []string{"found character", "violates"},
	},
	{
		name: "duplicate key in feedpub.yaml",
		setup: func(t *testing.T, dir string) string {
			editConfig(t, dir, "  language: en-gb\n", "  language: en-gb\n  title: Again\n")
			return ""
		},
		want: []string{"feedpub.yaml:8: site.title: ", "this key is already set on line 3"},
	},
	{
		name: "explicit at the top level of feedpub.yaml",
		setup: func(t *testing.T, dir string) string {
			editConfig(t, dir, "content:\n", "explicit: true\ncontent:\n")
			return ""
		},
		want:    []string{"feedpub.yaml:13: explicit: ", "explicit belongs under podcast: or video:"},
		notWant: []string{`did you mean "explicit"`},
	},
	{
		name: "a list for text in feedpub.yaml",
		setup: func(t *testing.T, dir string) string {
			editConfig(t, dir, "title: Reel Verdicts\n", "title: [Reel, Verdicts]\n")
			return ""
		},
		want: []string{"feedpub.yaml:3: site.title: ", "a list"},
	},
	{
		name: "hundreds of problems in one file",
		setup: func(t *testing.T, dir string) string {
			var b strings.Builder
			b.WriteString("title: Z\ndate: 2026-11-01\n")
			for i := range 203 {
				b.WriteString("unknown" + itoa(int64(i)) + ": x\n")
			}
			entry(t, dir, b.String(), "Body.\n")
			return ""
		},
		want: []string{"reviews/zz.md:4: unknown0: ", "… and 183 more in this file", "203 errors found"},
	},
}

func withEntry(frontMatter, body string) func(*testing.T, string) string {
	return func(t *testing.T, dir string) string {
		entry(t, dir, frontMatter, body)
		return ""
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dst, string(data))
}

func TestHostileInput(t *testing.T) {
	for _, tc := range hostileCases {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyExample(t)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			cfg := tc.setup(t, dir)
			if cfg == "" {
				cfg = filepath.Join(dir, "feedpub.yaml")
			}
			out := filepath.Join(dir, "public")
			writeFile(t, filepath.Join(out, "keep.txt"), "published earlier\n")
			before := tree(t, out)

			r := runBounded(t, "publish", "--config", cfg)
			if r.code != 1 {
				t.Errorf("exit %d, want 1", r.code)
			}
			for _, w := range tc.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q", w)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(r.stderr, w) {
					t.Errorf("stderr has %q", w)
				}
			}
			t.Logf("stderr:\n%s", r.stderr)
			after := tree(t, out)
			if len(after) != len(before) || after["keep.txt"] != before["keep.txt"] {
				t.Errorf("output folder changed: %v", keys(after))
			}
		})
	}
}

// runBounded runs the CLI in-process under a deadline, and fails the test
// when the run outlives it or its heap grows by more than hostileMemory. A
// run that hangs in a system call cannot be stopped, so it is abandoned (the
// test binary exits anyway) rather than waited for.
func runBounded(t *testing.T, args ...string) cliResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), hostileDeadline)
	defer cancel()
	var out, errb lockedBuffer
	e := &env{Stdout: &out, Stderr: &errb, Now: func() time.Time { return now }, IsTerminal: func(io.Writer) bool { return false }}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	var peak atomic.Uint64
	done := make(chan int, 1)
	go func() { done <- runContext(ctx, args, e) }()
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case code := <-done:
			if p := peak.Load(); p > hostileMemory {
				t.Errorf("heap grew by %d MB, want under %d MB", p>>20, hostileMemory>>20)
			}
			return cliResult{code, out.String(), errb.String()}
		case <-ctx.Done():
			t.Fatalf("feedpub %s: still running after %v\nstderr so far:\n%s", strings.Join(args, " "), hostileDeadline, errb.String())
		case <-tick.C:
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > base {
				grown := ms.HeapAlloc - base
				if grown > peak.Load() {
					peak.Store(grown)
				}
				if grown > 2*hostileMemory {
					t.Fatalf("feedpub %s: heap grew past %d MB; abandoned", strings.Join(args, " "), grown>>20)
				}
			}
		}
	}
}

func TestSpacesInMediaNamesArePercentEncoded(t *testing.T) {
	dir := copyExample(t)
	if err := os.Rename(filepath.Join(dir, "media", "past-lives.mp3"), filepath.Join(dir, "media", "My Film.mp3")); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "reviews", "past-lives.md")
	data, _ := os.ReadFile(p)
	writeFile(t, p, strings.Replace(string(data), "media/past-lives.mp3", "media/My Film.mp3", 1))
	mustRun(t, "build", "--config", filepath.Join(dir, "feedpub.yaml"))
	feed, err := os.ReadFile(filepath.Join(dir, "public", "podcast.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(feed), `url="`+baseURL+`media/My%20Film.mp3"`) {
		t.Errorf("podcast.xml lacks the encoded enclosure URL:\n%s", feed)
	}
	if _, err := os.Stat(filepath.Join(dir, "public", "media", "My Film.mp3")); err != nil {
		t.Errorf("the file is not published under its own name: %v", err)
	}
}
