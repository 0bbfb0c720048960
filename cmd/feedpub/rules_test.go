package main

import (
	"encoding/json"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/feedpub/feedpub/feeds/feedtest"
)

// ruleSite writes a site of the given config and entries, with the
// example's artwork and media and the yuv444p video fixture.
func ruleSite(t *testing.T, config string, entries map[string]string) string {
	t.Helper()
	dir := copyExample(t)
	for _, f := range []string{"feedpub.yaml"} {
		os.Remove(filepath.Join(dir, f))
	}
	old, _ := filepath.Glob(filepath.Join(dir, "reviews", "*.md"))
	for _, f := range old {
		os.Remove(f)
	}
	writeFile(t, filepath.Join(dir, "feedpub.yaml"), config)
	for name, body := range entries {
		writeFile(t, filepath.Join(dir, "reviews", name), body)
	}
	data, err := os.ReadFile(filepath.Join("testdata", "rules", "yuv444.mp4"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "media", "yuv444.mp4"), string(data))
	return dir
}

const acceptanceConfig = `site:
  title: Reel Verdicts
  description: Film reviews.
  link: https://reelverdicts.example/
  base_url: "media.reelverdicts.example"
  language: en-gb
  email: editor@reelverdicts.example
  image: artwork/cover.jpg
podcast:
  path: podcast.xml
  categories: ["TV & Film > Movie Reviews"]
video:
  path: video.xml
  categories: ["TV & Film > Film Reviews"]
reviews:
  rss: reviews.xml
`

var acceptanceEntries = map[string]string{
	"aftersun.md": `---
title: Aftersun
date: 2026-10-30
rating: 9
---
A review.
`,
	"dune.md": `---
title: Dune in ninety seconds
date: 2026-11-20
video:
  file: media/yuv444.mp4
---
`,
	// The only episode is scheduled (and its file not yet copied), so the
	// podcast feed is empty.
	"next.md": `---
title: Next week
date: 2026-12-04
audio:
  file: media/next-week.mp3
---
`,
}

// TestValidateReportsEveryStageInOneRun is the acceptance case: a
// bad base_url, an unknown category, a rating of 9, a missing audio file,
// a yuv444p video and an empty podcast feed, all in one run, each with its
// rule.
func TestValidateReportsEveryStageInOneRun(t *testing.T) {
	dir := ruleSite(t, acceptanceConfig, acceptanceEntries)
	r := feedpub(t, "validate", "--config", filepath.Join(dir, "feedpub.yaml"))
	if r.code != 1 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	for _, want := range []string{
		`feedpub.yaml:5: site.base_url: "media.reelverdicts.example" is not an absolute http(s) URL [FP108]`,
		`feedpub.yaml:11: podcast.categories[0]: category "TV & Film > Movie Reviews"`,
		`reviews/aftersun.md:4: rating: want 0–5 in steps of 0.5, got 9 [FP203]`,
		`reviews/next.md:5: audio.file: audio media/next-week.mp3: file not found`,
		`reviews/dune.md:5: video.file: media/yuv444.mp4: video avc1.f4000a is H.264 High 4:4:4 Predictive`,
		`podcast: the podcast feed has no episodes: Apple Podcasts refuses an empty feed`,
	} {
		if !strings.Contains(r.stderr, "error: ") || !strings.Contains(r.stderr, want) {
			t.Errorf("missing %q", want)
		}
	}
	for _, rule := range []string{"FP108", "FP122", "FP203", "FP301", "FP310", "FP401"} {
		if !strings.Contains(r.stderr, "["+rule+"]") {
			t.Errorf("no %s", rule)
		}
	}
	if !strings.Contains(r.stderr, "skipped: the rules of the rendered feeds (FP4xx, FP5xx): site.base_url is invalid [FP133]") {
		t.Errorf("the skipped feed rules are not said once")
	}
	if n := strings.Count(r.stderr, "site.base_url is invalid"); n != 1 {
		t.Errorf("the invalid base_url is named %d times", n)
	}
	if !strings.Contains(r.stderr, "feedpub: 6 errors found") {
		t.Errorf("want exactly the six errors:\n%s", r.stderr)
	}
	if t.Failed() {
		t.Log(r.stderr)
	}
}

// TestOutputFormats pins the human, JSON and GitHub outputs of the
// acceptance site (make golden rewrites them).
func TestOutputFormats(t *testing.T) {
	dir := ruleSite(t, acceptanceConfig, acceptanceEntries)
	cfg := filepath.Join(dir, "feedpub.yaml")
	clean := func(s string) []byte { return []byte(strings.ReplaceAll(s, dir, "SITE")) }
	r := feedpub(t, "validate", "--config", cfg)
	feedtest.Golden(t, "rules/validate.human", clean(r.stderr))
	r = feedpub(t, "validate", "--config", cfg, "--format", "json")
	if r.code != 1 || r.stderr != "" {
		t.Errorf("json: exit %d, stderr %q", r.code, r.stderr)
	}
	var doc reportDoc
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil || doc.OK || len(doc.Problems) == 0 {
		t.Errorf("json document: %v %+v", err, doc)
	}
	feedtest.Golden(t, "rules/validate.json", clean(r.stdout))
	r = feedpub(t, "validate", "--config", cfg, "--format", "github")
	if r.code != 1 || !strings.Contains(r.stdout, "::error file=") || !strings.Contains(r.stdout, ",title=FP203::rating: want 0–5") {
		t.Errorf("github: exit %d\n%s", r.code, r.stdout)
	}
	feedtest.Golden(t, "rules/validate.github", clean(r.stdout))
	if r := feedpub(t, "validate", "--config", cfg, "--format", "xml"); r.code != 2 {
		t.Errorf("unknown format: exit %d", r.code)
	}
}

// plantedConfig and plantedEntries hold 20 problems across config, content,
// media and the feeds, one per line of plantedWant.
const plantedConfig = `site:
  title: Reel Verdicts
  description: Film reviews.
  link: https://reelverdicts.example/
  base_url: https://media.reelverdicts.example/
  language: english
  email: editor@reelverdicts.example
  image: artwork/cover.jpg
  colour: red
content:
  dir: reviews
podcast:
  path: podcast.xml
  title: Reel Verdicts Podcast
  categories: ["TV & Film > Film Reviews"]
  type: weekly
  explicit: maybe
video:
  path: video.xml
  categories: ["TV & Film > Film Reviews"]
reviews:
  rss: reviews.xml
  limit: -1
publish:
  concurrency: 0
`

var plantedEntries = map[string]string{
	"a.md": `---
title: "Reel Verdicts Podcast: Aftersun"
date: 2026-10-30
rating: 9
audio:
  file: media/heroine.mp3
  episode_type: teaser
  chapters: media/bad.chapters.json
---
Review.
`,
	"b.md": `---
title: "Ep. 12: Past Lives"
date: 2026-11-06
slug: Past Lives
audio:
  file: media/past-lives.mp3
  season: 0
---
`,
	"c.md": `---
title: "Ep. 12: Past Lives"
date: 2026-13-01
audio:
  file: media/past-lives.mp3
---
`,
	"d.md": `---
title: Dune
date: 2026-11-20
ignore: [FP203]
video:
  file: media/yuv444.mp4
  transcripts: [{file: media/bad.vtt, language: en}]
audio:
  file: media/missing.mp3
  transcripts: [{file: media/bad.vtt, language: en}]
---
`,
	"e.md": `---
title: Far ahead
date: 2036-11-20
dat: 2026-11-20
---
Typo.
`,
}

// plantedWant is the 20 problems: file:line or field, and rule.
var plantedWant = []string{
	"feedpub.yaml:6: site.language: [FP109]",
	"feedpub.yaml:9: site.colour: [FP101]",
	"feedpub.yaml:16: podcast.type: [FP113]",
	"feedpub.yaml:17: podcast.explicit: [FP102]",
	"feedpub.yaml:23: reviews.limit: [FP112]",
	"feedpub.yaml:25: publish.concurrency: [FP112]",
	"reviews/a.md:2: title: [FP402]",
	"reviews/a.md:4: rating: [FP203]",
	"reviews/a.md:7: audio.episode_type: [FP210]",
	"reviews/a.md:8: audio.chapters: [FP301]",
	"reviews/b.md:2: title: [FP403]",
	"reviews/b.md:4: slug: [FP209]",
	"reviews/b.md:7: audio.season: [FP203]",
	"reviews/c.md:3: date: [FP208]",
	"reviews/d.md:4: ignore[0]: [FP127]",
	"reviews/d.md:6: video.file: [FP310]",
	"reviews/d.md:9: audio.file: [FP301]",
	"media/bad.vtt:3: [FP309]",
	"reviews/e.md:3: date: [FP219]",
	"reviews/e.md:4: dat: [FP201]",
}

// TestValidateReportsTwentyPlantedProblems plants 20 problems across every
// stage: one validate run must report each, located and with its rule, and
// a publish of the site must upload nothing.
func TestValidateReportsTwentyPlantedProblems(t *testing.T) {
	dir := ruleSite(t, plantedConfig, plantedEntries)
	writeFile(t, filepath.Join(dir, "media", "bad.vtt"), "WEBVTT\n\n00:00:09.000 --> 00:00:02.000\nbackwards\n")
	cfg := filepath.Join(dir, "feedpub.yaml")
	r := feedpub(t, "validate", "--config", cfg)
	if r.code != 1 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
	var got []string
	for _, l := range lines {
		l = strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(l, "error: "), "warning: "), "note: ")
		l = strings.TrimPrefix(l, dir+string(filepath.Separator))
		if i, j := strings.Index(l, ": "), strings.LastIndex(l, " ["); i > 0 && j > i {
			loc := l[:i]
			rest := l[i+2 : j]
			field := ""
			if k := strings.Index(rest, ": "); k > 0 && !strings.Contains(rest[:k], " ") {
				field = rest[:k] + ": "
			}
			got = append(got, loc+": "+field+l[j+1:])
		}
	}
	for _, w := range plantedWant {
		if !slices.Contains(got, w) {
			t.Errorf("not reported: %s", w)
		}
	}
	if t.Failed() {
		t.Logf("got:\n%s", r.stderr)
	}
	if n := strings.Count(r.stderr, "media/bad.vtt:3:"); n != 1 {
		t.Errorf("the transcript shared by audio and video is reported %d times, want once", n)
	}
	// Nothing is uploaded, and the target is never created.
	r = feedpub(t, "publish", "--config", cfg)
	if r.code != 1 {
		t.Errorf("publish: exit %d", r.code)
	}
	if _, err := os.Stat(filepath.Join(dir, "public")); err == nil {
		t.Error("publish of a site with errors created the target")
	}
}

// TestValidateWritesNothing: the probe and entry caches are read, never
// written, and nothing else in the site changes.
func TestValidateWritesNothing(t *testing.T) {
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	snapshot := func() map[string]string {
		m := map[string]string{}
		_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				info, _ := d.Info()
				data, _ := os.ReadFile(p)
				m[p] = info.ModTime().String() + string(data)
			} else if err == nil {
				m[p] = "dir"
			}
			return nil
		})
		return m
	}
	before := snapshot()
	mustRun(t, "validate", "--config", cfg)
	if after := snapshot(); !maps.Equal(before, after) {
		t.Errorf("validate wrote into the site: %d entries before, %d after", len(before), len(after))
	}
	mustRun(t, "build", "--config", cfg) // writes the probe and entry caches
	// An entry the entry cache does not know yet, which a build would add.
	review := filepath.Join(dir, "reviews", "aftersun.md")
	data, err := os.ReadFile(review)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(review, append(data, "\nOne more line.\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	before = snapshot()
	mustRun(t, "validate", "--config", cfg)
	if after := snapshot(); !maps.Equal(before, after) {
		t.Error("validate changed a cache or another file")
	}
}

// TestIgnoreAndStrict: a warning ignored in the config or the entry is
// not printed; --strict fails on one that is not.
func TestIgnoreAndStrict(t *testing.T) {
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	r := mustRun(t, "validate", "--config", cfg)
	if strings.Contains(r.stderr, "FP313") {
		t.Errorf("ignored FP313 printed: %s", r.stderr)
	}
	raw, _ := os.ReadFile(cfg)
	writeFile(t, cfg, strings.Replace(string(raw), "ignore: [FP313, FP314, FP137]", "ignore: [FP313, FP137, FP203]", 1))
	r = mustRun(t, "validate", "--config", cfg)
	if !strings.Contains(r.stderr, "FP203 (a number out of range") || !strings.Contains(r.stderr, "cannot be ignored: fix the cause [FP127]") || !strings.Contains(r.stderr, "[FP314]") {
		t.Errorf("ignoring an error: %s", r.stderr)
	}
	if r := feedpub(t, "validate", "--config", cfg, "--strict"); r.code != 1 || !strings.Contains(r.stderr, "error: reviews/heroine.md:11: audio.file: media/heroine.mp3: sampled at 22.05 kHz") {
		t.Errorf("--strict: exit %d\n%s", r.code, r.stderr)
	}
	// Per entry: heroine.md accepts FP314 for itself only.
	heroine := filepath.Join(dir, "reviews", "heroine.md")
	h, _ := os.ReadFile(heroine)
	writeFile(t, heroine, strings.Replace(string(h), "rating: 4\n", "rating: 4\nignore: [FP314]\n", 1))
	r = mustRun(t, "validate", "--config", cfg)
	if strings.Contains(r.stderr, "heroine.mp3: sampled") || !strings.Contains(r.stderr, "past-lives.mp3: sampled") {
		t.Errorf("per-entry ignore: %s", r.stderr)
	}
}

// TestScheduledEntriesInTheSummary: a future entry is listed, not silently
// left out.
func TestScheduledEntriesInTheSummary(t *testing.T) {
	dir := copyExample(t)
	writeFile(t, filepath.Join(dir, "reviews", "later.md"), "---\ntitle: Later\ndate: 2027-12-25\n---\nSoon.\n")
	r := mustRun(t, "validate", "--config", filepath.Join(dir, "feedpub.yaml"))
	if !strings.Contains(r.stdout, "; 1 scheduled: reviews/later.md on 2027-12-25") {
		t.Errorf("summary: %s", r.stdout)
	}
	if !strings.Contains(r.stderr, "warning: reviews/later.md:3: date: scheduled for 2027-12-25, more than a year ahead") {
		t.Errorf("far-future warning: %s", r.stderr)
	}
}
