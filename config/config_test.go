package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/viper"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/config/diag"
)

const validYAML = `site:
  title: Reel Verdicts
  description: Film reviews.
  link: https://reelverdicts.example/
  base_url: https://media.reelverdicts.example
  language: en-gb
  email: editor@reelverdicts.example
podcast:
  categories: ["TV & Film > Film Reviews"]
  locked: true
`

func write(t testing.TB, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "feedpub.yaml")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func load(t testing.TB, body string) (config.Config, diag.Problems) {
	t.Helper()
	return config.Load(viper.New(), write(t, body))
}

func TestLoadDefaultsAndSections(t *testing.T) {
	cfg, ps := load(t, validYAML)
	if ps.HasErrors() {
		t.Fatalf("unexpected problems: %v", ps.Err())
	}
	if !cfg.Podcast.Enabled || cfg.Video.Enabled || cfg.Reviews.Enabled {
		t.Errorf("sections: podcast %v video %v reviews %v; want only podcast", cfg.Podcast.Enabled, cfg.Video.Enabled, cfg.Reviews.Enabled)
	}
	if cfg.Podcast.Path != "podcast.xml" || cfg.Podcast.Type != "episodic" {
		t.Errorf("podcast defaults: path %q type %q", cfg.Podcast.Path, cfg.Podcast.Type)
	}
	if cfg.Site.BaseURL != "https://media.reelverdicts.example/" {
		t.Errorf("base_url not normalised to end in /: %q", cfg.Site.BaseURL)
	}
	if cfg.Publish.Target != "public" || cfg.Publish.Concurrency != 8 || cfg.Publish.MaxDeletes != 20 {
		t.Errorf("publish defaults: %+v", cfg.Publish)
	}
	if cfg.Content.Dir != "reviews" {
		t.Errorf("content.dir default %q", cfg.Content.Dir)
	}
	if got := cfg.Resolve("media/x.mp3"); got != filepath.Join(cfg.Dir, "media", "x.mp3") {
		t.Errorf("Resolve relative to the config folder: %q", got)
	}
}

func TestUnknownKeyNamesFileKeyAndClosest(t *testing.T) {
	body := strings.Replace(validYAML, "podcast:", "podcats:", 1)
	cfg, ps := load(t, body)
	if !ps.HasErrors() {
		t.Fatal("podcats: accepted")
	}
	msg := ps.Err().Error()
	for _, want := range []string{cfg.File + ":8", `"podcats"`, `"podcast"`} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q does not contain %q", msg, want)
		}
	}
}

func TestUnknownNestedKey(t *testing.T) {
	_, ps := load(t, validYAML+"publish:\n  s3:\n    regoin: eu-west-1\n")
	msg := ps.Err().Error()
	if !strings.Contains(msg, "publish.s3.regoin") || !strings.Contains(msg, `"region"`) {
		t.Errorf("nested typo message: %s", msg)
	}
}

func TestEnvironmentOverrides(t *testing.T) {
	t.Setenv("FEEDPUB_PUBLISH_TARGET", "s3://bucket/feeds")
	t.Setenv("FEEDPUB_PUBLISH_S3_REGION", "eu-west-2")
	t.Setenv("FEEDPUB_VIDEO_PATH", "v.xml")
	cfg, ps := load(t, validYAML)
	if ps.HasErrors() {
		t.Fatal(ps.Err())
	}
	if cfg.Publish.Target != "s3://bucket/feeds" || cfg.Publish.S3.Region != "eu-west-2" {
		t.Errorf("env not applied: target %q region %q", cfg.Publish.Target, cfg.Publish.S3.Region)
	}
	if !cfg.Video.Enabled || cfg.Video.Path != "v.xml" {
		t.Errorf("FEEDPUB_VIDEO_PATH should enable the video feed: %+v", cfg.Video)
	}
}

func TestValidateReportsEverything(t *testing.T) {
	body := `site:
  title: ""
  link: not-a-url
  base_url: ftp://x/
  language: "english please"
  email: nobody
podcast:
  type: weekly
  limit: -1
publish:
  concurrency: 0
`
	cfg, ps := load(t, body)
	errs := ps.Errors()
	wants := []string{"site.title: required", "site.description: required", "site.link", "site.base_url", "site.language", "site.email", "podcast.type", "podcast.limit", "publish.concurrency"}
	msg := ps.Err().Error()
	for _, w := range wants {
		if !strings.Contains(msg, w) {
			t.Errorf("missing problem %q in:\n%s", w, msg)
		}
	}
	for _, e := range errs {
		if e.File != cfg.File {
			t.Errorf("problem without the file: %v", e)
		}
	}
	// podcast.type is on line 8: the message must say so.
	if !strings.Contains(msg, cfg.File+":8: podcast.type") {
		t.Errorf("podcast.type problem lacks its line:\n%s", msg)
	}
}

func TestMissingFileAndBadYAML(t *testing.T) {
	_, ps := config.Load(viper.New(), filepath.Join(t.TempDir(), "nope.yaml"))
	if !strings.Contains(ps.Err().Error(), "feedpub init") {
		t.Errorf("missing file message should point at init: %v", ps.Err())
	}
	_, ps = load(t, "site:\n  title: [unclosed\n")
	if !ps.HasErrors() || !strings.Contains(ps.Err().Error(), ".yaml:2: this [list] is not closed with ]") {
		t.Errorf("bad YAML: %v", ps.Err())
	}
}

func TestTypeErrorsAllAtOnceWithLines(t *testing.T) {
	body := validYAML + "  explicit: maybe\n  limit: lots\n  funding: nope\n"
	cfg, ps := load(t, body)
	msg := ps.Err().Error()
	for _, want := range []string{
		cfg.File + ":11: podcast.explicit: want true or false, got \"maybe\"",
		cfg.File + ":12: podcast.limit: want a whole number, got \"lots\"",
		cfg.File + ":13: podcast.funding: want a list, got \"nope\"",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("missing %q in:\n%s", want, msg)
		}
	}
}

func TestYAMLError(t *testing.T) {
	_, ps := load(t, "site:\n  title: x\n bad: [\n")
	msg := ps.Err().Error()
	// yaml.v3 says line 2 (it counts parser errors from 0); " bad:" is on 3.
	if !strings.Contains(msg, ".yaml:3: this line does not line up with the keys above it") {
		t.Errorf("YAML syntax error message: %s", msg)
	}
}
