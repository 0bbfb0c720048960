package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// configCase is one case of the second hostile-input round's config
// messages: the run exits 1, prints each string of want, none of notWant,
// and exactly errors lines starting "error:" (one message per problem).
type configCase struct {
	name    string
	setup   func(t *testing.T, dir string)
	env     map[string]string
	want    []string
	notWant []string
	errors  int
}

func editEntry(t *testing.T, dir, name, old, new string) {
	t.Helper()
	p := filepath.Join(dir, "reviews", name)
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("%s has no %q", name, old)
	}
	writeFile(t, p, strings.Replace(string(data), old, new, 1))
}

var configCases = []configCase{
	{
		name: "base_url port out of range",
		setup: func(t *testing.T, dir string) {
			editConfig(t, dir, "base_url: https://media.reelverdicts.example/", `base_url: "https://media.example:99999/"`)
		},
		want:   []string{"feedpub.yaml:6: site.base_url:", "port 99999, outside 1 to 65535", "[FP108]"},
		errors: 1,
	},
	{
		name: "link with a host that is not a host name",
		setup: func(t *testing.T, dir string) {
			editConfig(t, dir, "link: https://reelverdicts.example/", `link: "https://reel_verdicts!.example/"`)
		},
		want:   []string{"site.link:", "is not a host name", "[FP107]"},
		errors: 1,
	},
	{
		name: "base_url with an empty label in its host",
		setup: func(t *testing.T, dir string) {
			editConfig(t, dir, "base_url: https://media.reelverdicts.example/", `base_url: "https://media..reelverdicts.example/"`)
		},
		want:   []string{"site.base_url:", `a host "media..reelverdicts.example" that is not a host name`, "[FP108]"},
		errors: 1,
	},
	{
		name: "base_url with a non-ASCII host names its ASCII form",
		setup: func(t *testing.T, dir string) {
			editConfig(t, dir, "base_url: https://media.reelverdicts.example/", `base_url: "https://médias.example/"`)
		},
		want:   []string{`"xn--mdias-bsa.example"`, "[FP108]"},
		errors: 1,
	},
	{
		name: "a bare number for a duration key",
		setup: func(t *testing.T, dir string) {
			appendConfig(t, filepath.Join(dir, "feedpub.yaml"), "  s3: {timeout: 60}\n")
		},
		want:   []string{"publish.s3.timeout: want a duration such as 60s", "[FP102]"},
		errors: 1,
	},
	{
		name:    "a bare number for a duration variable",
		setup:   func(t *testing.T, dir string) {},
		env:     map[string]string{"FEEDPUB_PUBLISH_S3_TIMEOUT": "60"},
		want:    []string{"FEEDPUB_PUBLISH_S3_TIMEOUT: want a duration such as 60s", `got "60"`},
		notWant: []string{"missing unit"},
		errors:  1,
	},
	{
		name: "two review feeds on one path",
		setup: func(t *testing.T, dir string) {
			editConfig(t, dir, "json: reviews.json", "json: reviews.atom")
		},
		want:    []string{"feedpub.yaml:39: reviews.json:", "is also reviews.atom", "[FP115]"},
		notWant: []string{"FP316", "FP501", "not a JSON object"},
		errors:  1,
	},
	{
		name: "two podcast feeds on one path, letter case aside",
		setup: func(t *testing.T, dir string) {
			editConfig(t, dir, "path: video.xml", "path: Podcast.xml")
		},
		want:    []string{"video.path:", "is also podcast.path", "[FP115]"},
		notWant: []string{"FP316"},
		errors:  1,
	},
	{
		name: "a duplicate key does not hide the content's errors",
		setup: func(t *testing.T, dir string) {
			editConfig(t, dir, "  language: en-gb\n", "  language: en-gb\n  title: Again\n")
			editEntry(t, dir, "heroine.md", "rating: 4", "rating: 9")
		},
		want:    []string{"site.title: this key is already set on line 3", "reviews/heroine.md:6: rating:"},
		notWant: []string{"mapping key", "unmarshal"},
		errors:  2,
	},
	{
		name:    "a fractional season is one message",
		setup:   func(t *testing.T, dir string) { editEntry(t, dir, "heroine.md", "season: 3", "season: 1.5") },
		want:    []string{"reviews/heroine.md:12: audio.season: want a whole number, got 1.5"},
		notWant: []string{"got 0"},
		errors:  1,
	},
	{
		name:    "a category from the environment is blamed on its variable",
		setup:   func(t *testing.T, dir string) {},
		env:     map[string]string{"FEEDPUB_PODCAST_CATEGORIES": "Film Revuews"},
		want:    []string{"FEEDPUB_PODCAST_CATEGORIES: ", "[FP122]"},
		notWant: []string{"feedpub.yaml:", "FP417"},
		errors:  1,
	},
	{
		name:    "show art from the environment is blamed on its variable",
		setup:   func(t *testing.T, dir string) {},
		env:     map[string]string{"FEEDPUB_SITE_IMAGE": "artwork/nope.jpg"},
		want:    []string{"FEEDPUB_SITE_IMAGE: ", "[FP301]"},
		notWant: []string{"feedpub.yaml:"},
		errors:  1,
	},
	{
		name:    "a target from the environment is blamed on its variable",
		setup:   func(t *testing.T, dir string) {},
		env:     map[string]string{"FEEDPUB_PUBLISH_TARGET": "s3:/show"},
		want:    []string{"FEEDPUB_PUBLISH_TARGET: ", "want s3://bucket/prefix", "[FP135]"},
		notWant: []string{"feedpub.yaml:"},
		errors:  1,
	},
	{
		name: "an image key at the top level is sent to site.image",
		setup: func(t *testing.T, dir string) {
			appendConfig(t, filepath.Join(dir, "feedpub.yaml"), "img: artwork/cover.jpg\n")
		},
		want:    []string{"img:", "site.image"},
		notWant: []string{"persons"},
		errors:  1,
	},
}

func TestConfigMessagesOnePerProblem(t *testing.T) {
	for _, tc := range configCases {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyExample(t)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			tc.setup(t, dir)
			// validate and publish report alike, before any request.
			for _, cmd := range []string{"validate", "publish"} {
				r := runBounded(t, cmd, "--config", filepath.Join(dir, "feedpub.yaml"))
				if r.code != 1 {
					t.Errorf("%s: exit %d, want 1", cmd, r.code)
				}
				for _, w := range tc.want {
					if !strings.Contains(r.stderr, w) {
						t.Errorf("%s: stderr lacks %q", cmd, w)
					}
				}
				for _, w := range tc.notWant {
					if strings.Contains(r.stderr, w) {
						t.Errorf("%s: stderr has %q", cmd, w)
					}
				}
				if n := strings.Count("\n"+r.stderr, "\nerror: "); n != tc.errors {
					t.Errorf("%s: %d errors, want %d", cmd, n, tc.errors)
				}
				if t.Failed() {
					t.Logf("%s stderr:\n%s", cmd, r.stderr)
				}
			}
			os.MkdirAll(filepath.Join(dir, "public"), 0o755) // the lock may have made it, empty
			if files := tree(t, filepath.Join(dir, "public")); len(files) > 0 {
				t.Errorf("public/ was written: %v", keys(files))
			}
		})
	}
}

func TestDurationsTakeGoDurationsInFileAndEnvironment(t *testing.T) {
	dir := copyExample(t)
	appendConfig(t, filepath.Join(dir, "feedpub.yaml"), "  s3: {timeout: 1m30s}\n")
	mustRun(t, "validate", "--config", filepath.Join(dir, "feedpub.yaml"))
	t.Setenv("FEEDPUB_PUBLISH_S3_TIMEOUT", "45s")
	mustRun(t, "validate", "--config", filepath.Join(dir, "feedpub.yaml"))
	t.Setenv("FEEDPUB_PUBLISH_S3_TIMEOUT", "10ms")
	r := feedpub(t, "validate", "--config", filepath.Join(dir, "feedpub.yaml"))
	if r.code != 1 || !strings.Contains(r.stderr, "FEEDPUB_PUBLISH_S3_TIMEOUT: want a duration of at least 1s") {
		t.Errorf("10ms: exit %d\n%s", r.code, r.stderr)
	}
}

func TestValidateChecksTheTargetAsPublishDoes(t *testing.T) {
	dir := copyExample(t)
	editConfig(t, dir, "target: public", `target: "s3:/show"`)
	for _, cmd := range []string{"validate", "publish"} {
		r := feedpub(t, cmd, "--config", filepath.Join(dir, "feedpub.yaml"))
		if r.code != 1 || !strings.Contains(r.stderr, "feedpub.yaml:49: publish.target:") || !strings.Contains(r.stderr, "[FP135]") {
			t.Errorf("%s: exit %d, want 1 with the line and FP135\n%s", cmd, r.code, r.stderr)
		}
	}
}

func TestCheckRefusesWhatItCannotHonour(t *testing.T) {
	for _, v := range []string{"0", "-1"} {
		r := feedpub(t, "check", "--max-bytes", v, "feed.xml")
		if r.code != 2 || !strings.Contains(r.stderr, "--max-bytes "+v+": want") {
			t.Errorf("--max-bytes %s: exit %d\n%s", v, r.code, r.stderr)
		}
	}
	if r := feedpub(t, "check", "--timeout", "0s", "feed.xml"); r.code != 2 {
		t.Errorf("--timeout 0s: exit %d, want 2", r.code)
	}
	for _, args := range [][]string{{"--concurrency", "0"}, {"--timeout", "0s"}, {"--max-file-bytes", "0"}, {"--max-feed-bytes", "-1"}, {"--max-total-bytes", "0"}} {
		if r := feedpub(t, append([]string{"import", "feed.xml", "--into", t.TempDir()}, args...)...); r.code != 2 {
			t.Errorf("import %v: exit %d, want a usage error\n%s", args, r.code, r.stderr)
		}
	}
	for _, u := range []string{"file:///etc/passwd", "ftp://example.com/feed.xml"} {
		r := feedpub(t, "check", u)
		scheme, _, _ := strings.Cut(u, ":")
		if r.code != 1 || !strings.Contains(r.stderr, `unsupported scheme "`+scheme+`"`) || strings.Contains(r.stderr, "no such file") {
			t.Errorf("%s: exit %d\n%s", u, r.code, r.stderr)
		}
	}
}

// A FIFO planted as the site's publish state hung publish for minutes; it
// is now read like every other site file: an unreadable state is no state.
func TestStateFileFIFODoesNotHangPublish(t *testing.T) {
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	mustRun(t, "publish", "--config", cfg)
	state := filepath.Join(dir, ".feedpub", "state.json")
	if err := os.Remove(state); err != nil {
		t.Fatal(err)
	}
	mkfifo(t, state)
	if r := runBounded(t, "publish", "--config", cfg); r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
}

// new never copies or moves media another entry uses, never writes through
// a folder linked out of the site, makes a slug of any title, and says
// what went wrong.
func TestNewHoldsTheLine(t *testing.T) {
	t.Run("media another entry uses", func(t *testing.T) {
		dir := copyExample(t)
		cfg := filepath.Join(dir, "feedpub.yaml")
		for _, args := range [][]string{
			{"new", "--config", cfg, "--move", filepath.Join(dir, "media", "past-lives.mp3"), "--title", "Stolen"},
			{"new", "--config", cfg, filepath.Join(dir, "media", "past-lives.mp3"), "--title", "Copied"},
		} {
			before := tree(t, dir)
			r := feedpub(t, args...)
			if r.code != 1 || !strings.Contains(r.stderr, "is the audio.file of reviews/past-lives.md") {
				t.Errorf("%v: exit %d\n%s", args, r.code, r.stderr)
			}
			if after := tree(t, dir); len(after) != len(before) {
				t.Errorf("%v: the site changed: %d files, was %d", args, len(after), len(before))
			}
		}
		for _, f := range []string{"past-lives.mp3", "past-lives.chapters.json", "past-lives.en.vtt"} {
			if _, err := os.Stat(filepath.Join(dir, "media", f)); err != nil {
				t.Errorf("media/%s: %v", f, err)
			}
		}
	})
	t.Run("a destination folder linked out of the site", func(t *testing.T) {
		dir := copyExample(t)
		outside := t.TempDir()
		if err := os.RemoveAll(filepath.Join(dir, "reviews")); err != nil {
			t.Fatal(err)
		}
		symlink(t, outside, filepath.Join(dir, "reviews"))
		r := feedpub(t, "new", "--config", filepath.Join(dir, "feedpub.yaml"), "--title", "Elsewhere")
		if r.code != 1 || !strings.Contains(r.stderr, "outside the site folder") {
			t.Errorf("exit %d\n%s", r.code, r.stderr)
		}
		if files := tree(t, outside); len(files) > 0 {
			t.Errorf("written outside the site: %v", keys(files))
		}
	})
	t.Run("titles in any script", func(t *testing.T) {
		dir := copyExample(t)
		cfg := filepath.Join(dir, "feedpub.yaml")
		// In order: the second title of emoji takes the next dated slug.
		for _, title := range []string{"千与千寻", "Сталкер", "🎬🍿", "🍿🎬"} {
			r := feedpub(t, "new", "--config", cfg, "--title", title, "--date", "2026-11-28")
			if r.code != 0 {
				t.Errorf("--title %s: exit %d\n%s", title, r.code, r.stderr)
			}
		}
		for _, want := range []string{"qian-yu-qian-xun.md", "stalker.md", "2026-11-28.md", "2026-11-28-2.md"} {
			if _, err := os.Stat(filepath.Join(dir, "reviews", want)); err != nil {
				t.Errorf("reviews/%s: %v", want, err)
			}
		}
		mustRun(t, "validate", "--config", cfg)
	})
	t.Run("a file name with no letters", func(t *testing.T) {
		dir := copyExample(t)
		dots := filepath.Join(t.TempDir(), "..mp3")
		copyFile(t, filepath.Join(dir, "media", "heroine.mp3"), dots)
		r := feedpub(t, "new", "--config", filepath.Join(dir, "feedpub.yaml"), dots)
		if r.code != 2 || !strings.Contains(r.stderr, "no letter or digit to make a title of; pass --title") || strings.Contains(r.stderr, "without media") {
			t.Errorf("exit %d\n%s", r.code, r.stderr)
		}
	})
}
