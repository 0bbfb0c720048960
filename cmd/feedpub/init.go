package main

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/feedpub/feedpub/feeds/content"
)

func newInitCmd(ro *rootOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "init [DIR]",
		Short: "Write a starter site that build accepts as it is",
		Long: `init writes a commented feedpub.yaml, one review and square show art into DIR
(default: the current folder). It never overwrites a file.`,
		Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			return initSite(ro, dir)
		},
	}
}

func initSite(ro *rootOptions, dir string) error {
	art, err := starterArt()
	if err != nil {
		return err
	}
	files := []struct {
		name string
		data []byte
	}{
		{"feedpub.yaml", []byte(starterConfig)},
		{"reviews/welcome.md", []byte(starterReview + content.PlaceholderStarter + starterReviewEnd)},
		{"artwork/cover.jpg", art},
	}
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.name))
		if _, err := os.Stat(p); err == nil {
			return fmt.Errorf("init: %s already exists; feedpub init never overwrites files", p)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("init: %w", err)
		}
	}
	// Checked above so that nothing is written when one file is there;
	// written with O_EXCL (writeNew, as new writes) so that a file made
	// since is still never overwritten.
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.name))
		if err := writeNew(p, f.data); err != nil {
			return fmt.Errorf("init: %s: %w", p, err)
		}
		ro.infof("wrote %s", p)
	}
	cfgFlag := ""
	if filepath.Clean(dir) != "." {
		cfgFlag = " --config " + shellQuote(filepath.Join(dir, "feedpub.yaml"))
	}
	ro.infof("next, from this folder:")
	ro.infof("  feedpub serve%s                     # preview the site at http://127.0.0.1:8080/", cfgFlag)
	ro.infof("  feedpub new EPISODE.mp3 --title \"...\"%s   # the first episode (turns the podcast feed on)", cfgFlag)
	ro.infof("  then set your site's addresses in %s (site.link, base_url, email, reviews.link) and publish.target,", filepath.Join(dir, "feedpub.yaml"))
	ro.infof("  replace or delete %s, and run feedpub publish%s", filepath.Join(dir, "reviews", "welcome.md"), cfgFlag)
	return nil
}

// shellQuote quotes s for a POSIX shell when it needs it, so a printed
// command runs as printed.
func shellQuote(s string) string {
	if s != "" && !strings.ContainsFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/._-+:@%", r))
	}) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// starterArt draws 1400×1400 show art that passes Apple's checks, so the
// starter site builds before the editor has made real art.
func starterArt() ([]byte, error) {
	const size = 1400
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			img.Set(x, y, color.RGBA{R: uint8(40 + y/14), G: 20, B: uint8(60 + x/20), A: 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

const starterConfig = `# feedpub.yaml: one file drives the whole site.
# Every key can also be set in the environment as FEEDPUB_<SECTION>_<KEY>,
# e.g. FEEDPUB_PUBLISH_TARGET=s3://my-bucket/feeds. Relative paths are
# relative to this file's folder.

site:
  title: My Film Reviews                     # required
  description: Film reviews, a weekly podcast and video reviews.   # required
  link: https://reviews.example/             # your website (required)
  # Where the published tree is served: every feed, media and artwork URL is
  # base_url + its path in the tree (required).
  base_url: https://media.reviews.example/
  language: en                               # ISO 639, e.g. en, en-gb (required)
  author: My Film Reviews
  email: editor@reviews.example              # owner email: Apple and podcast:locked use it
  copyright: "© 2026 My Film Reviews"
  image: artwork/cover.jpg                   # square JPEG/PNG, 1400-3000 px, RGB

content:
  dir: reviews                               # one Markdown file per entry

# The audio podcast feed: uncomment it with the first episode (Apple
# Podcasts refuses a feed without episodes, so feedpub does too: FP401).
# podcast:
#   path: podcast.xml
#   categories: ["TV & Film > Film Reviews"]   # from Apple's list
#   explicit: false
#   type: episodic                             # episodic | serial
#   locked: true                               # podcast:locked, owner = site.email
#   limit: 0                                   # newest N episodes; 0 = all

# The video podcast feed takes the same keys as podcast:
# video:
#   path: video.xml
#   categories: ["TV & Film > Film Reviews"]

# Feeds of the written reviews.
reviews:
  rss: reviews.xml
  atom: reviews.atom
  json: reviews.json
  limit: 50
  link: "https://reviews.example/reviews/{slug}/"   # each review's web page

publish:
  target: public                             # a folder, or s3://bucket/prefix
  concurrency: 8
  prune: false                               # delete what feedpub published and no longer produces
  cache_control:
    feeds: "public, max-age=300"
    media: "public, max-age=86400"
`

const starterReview = `---
title: "Welcome: how this site works"
date: 2026-01-01
author: My Film Reviews
rating: 4
film: {title: "Sunrise", year: 1927, director: "F. W. Murnau"}
tags: [welcome]
# To make this review a podcast episode too, add:
# audio:
#   file: media/welcome.mp3
---
`

// starterReviewEnd follows the placeholder sentence, which publish refuses
// (FP225) until the review is replaced or deleted.
const starterReviewEnd = ` Replace it with your first review, or
delete it: publish refuses it until then.

Each review is a Markdown file with front matter. Add **audio:** for the
podcast, **video:** for the video feed, or both; feedpub reads durations,
sizes and types from the files themselves.
`
