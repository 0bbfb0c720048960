package feedcheck_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"
	gojson "github.com/mmcdole/gofeed/json"
)

// crossItem is one item as a third-party parser script prints it.
type crossItem struct {
	GUID       string `json:"guid"`
	Enclosures []struct {
		URL    string `json:"url"`
		Length *int64 `json:"length"`
		Type   string `json:"type"`
	} `json:"enclosures"`
	Duration *float64 `json:"duration"`
	// Media is the item's Media RSS video (feedparser only; nil for none).
	Media *crossMedia `json:"media"`
}

// crossMedia is an item's Media RSS video: media:content's url, medium
// and duration, the media:player and media:thumbnail urls.
type crossMedia struct {
	URL       string `json:"url"`
	Medium    string `json:"medium"`
	Duration  *int64 `json:"duration"`
	Player    string `json:"player"`
	Thumbnail string `json:"thumbnail"`
}

type crossTool struct {
	name    string
	argv    func(script string) []string // nil when the tool is not installed
	script  string
	formats map[string]bool // golden file names it reads
}

// requireCrossCheck turns a missing parser into a failure (CI sets it).
var requireCrossCheck = os.Getenv("FEEDPUB_TEST_REQUIRE_CROSSCHECK") == "1"

const crossDir = "testdata/crosscheck"

var podcastFiles = map[string]bool{"podcast.xml": true, "video.xml": true}

// python returns an interpreter that can import module: $FEEDPUB_PYTHON, the
// system python3 (where Debian installs python3-feedparser), or python3 on
// PATH.
func python(module string) func(string) []string {
	cands := []string{os.Getenv("FEEDPUB_PYTHON"), "/usr/bin/python3", "python3"}
	for _, c := range cands {
		if c == "" {
			continue
		}
		if err := exec.Command(c, "-c", "import "+module).Run(); err == nil {
			return func(script string) []string { return []string{c, script} }
		}
	}
	return nil
}

func node() func(string) []string {
	if _, err := exec.LookPath("node"); err != nil {
		return nil
	}
	if _, err := os.Stat(filepath.Join(crossDir, "node_modules", "podcast-partytime")); err != nil {
		return nil
	}
	return func(script string) []string { return []string{"node", script} }
}

// gofeedView is what gofeed reads from a file, keyed by GUID, with durations
// in seconds (-1 when the format carries none).
type gofeedItem struct {
	enclosures [][3]string // url, length, type
	duration   int64
	media      *crossMedia
}

// gofeedMedia is the Media RSS video gofeed keeps among an item's
// extensions, or nil.
func gofeedMedia(it *gofeed.Item) *crossMedia {
	cs := it.Extensions["media"]["content"]
	if len(cs) == 0 {
		return nil
	}
	c := cs[0]
	m := &crossMedia{URL: c.Attrs["url"], Medium: c.Attrs["medium"]}
	if d, err := strconv.ParseInt(c.Attrs["duration"], 10, 64); err == nil {
		m.Duration = &d
	}
	if p := c.Children["player"]; len(p) > 0 {
		m.Player = p[0].Attrs["url"]
	}
	if th := c.Children["thumbnail"]; len(th) > 0 {
		m.Thumbnail = th[0].Attrs["url"]
	}
	return m
}

func gofeedView(t *testing.T, data []byte, name string) (map[string]gofeedItem, int) {
	t.Helper()
	f, err := gofeed.NewParser().Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("gofeed: %v", err)
	}
	view := map[string]gofeedItem{}
	var jsonDur map[string][]int64
	if name == "reviews.json" {
		jf, err := (&gojson.Parser{}).Parse(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		jsonDur = map[string][]int64{}
		for _, it := range jf.Items {
			if it.Attachments != nil {
				for _, a := range *it.Attachments {
					jsonDur[it.ID] = append(jsonDur[it.ID], a.DurationInSeconds)
				}
			}
		}
	}
	for _, it := range f.Items {
		gi := gofeedItem{duration: -1, media: gofeedMedia(it)}
		for _, e := range it.Enclosures {
			gi.enclosures = append(gi.enclosures, [3]string{e.URL, e.Length, e.Type})
		}
		if it.ITunesExt != nil && it.ITunesExt.Duration != "" {
			gi.duration, _ = strconv.ParseInt(it.ITunesExt.Duration, 10, 64)
		}
		if d := jsonDur[it.GUID]; len(d) > 0 {
			gi.duration = d[0]
		}
		view[it.GUID] = gi
	}
	return view, len(f.Items)
}

// TestCrossParsers runs python feedparser, gPodder's podcastparser and
// Podcast Index's podcast-partytime (scripts in testdata/crosscheck) on every
// golden feed and asserts they read the same items as gofeed: count, GUIDs,
// enclosure URLs, lengths and types, durations, and (feedparser) each
// review item's Media RSS video. A parser that is not
// installed skips its part, or fails it when
// FEEDPUB_TEST_REQUIRE_CROSSCHECK=1.
func TestCrossParsers(t *testing.T) {
	// feedparser 6.0 (Debian bookworm) reads RSS and Atom, not JSON Feed.
	xmlFeeds := map[string]bool{"podcast.xml": true, "video.xml": true, "reviews.xml": true, "reviews.atom": true}
	tools := []crossTool{
		{"feedparser", python("feedparser"), "feedparser_dump.py", xmlFeeds},
		{"podcastparser", python("podcastparser"), "podcastparser_dump.py", podcastFiles},
		{"partytime", node(), "partytime_dump.mjs", podcastFiles},
	}
	var goldens []string
	// The encoders' catalogs, and the example site as the CLI publishes it.
	for _, pattern := range []string{"../podcast/testdata/*/*.golden", "../syndication/testdata/*/*.golden", "../../cmd/feedpub/testdata/example/*.golden"} {
		m, _ := filepath.Glob(pattern)
		goldens = append(goldens, m...)
	}
	if len(goldens) != 15 {
		t.Fatalf("found %d golden feeds, want 15: %v", len(goldens), goldens)
	}
	for _, tool := range tools {
		t.Run(tool.name, func(t *testing.T) {
			if tool.argv == nil {
				if requireCrossCheck {
					t.Fatalf("%s is not installed (see %s/README.md)", tool.name, crossDir)
				}
				t.Skipf("%s is not installed; FEEDPUB_TEST_REQUIRE_CROSSCHECK=1 makes this fail", tool.name)
			}
			for _, path := range goldens {
				name := filepath.Base(path[:len(path)-len(".golden")])
				if !tool.formats[name] {
					continue
				}
				t.Run(strings.TrimLeft(filepath.ToSlash(path), "./"), func(t *testing.T) {
					data, err := os.ReadFile(path)
					if err != nil {
						t.Fatal(err)
					}
					abs, _ := filepath.Abs(path)
					argv := tool.argv(filepath.Join(crossDir, tool.script))
					cmd := exec.Command(argv[0], append(argv[1:], abs)...)
					var stderr bytes.Buffer
					cmd.Stderr = &stderr
					out, err := cmd.Output()
					if err != nil {
						t.Fatalf("%s: %v\n%s", tool.name, err, stderr.String())
					}
					var got struct {
						Bozo  bool        `json:"bozo"`
						Items []crossItem `json:"items"`
					}
					if err := json.Unmarshal(out, &got); err != nil {
						t.Fatalf("%s printed %q: %v", tool.name, out, err)
					}
					if got.Bozo {
						t.Errorf("%s: feed is not well-formed (bozo)", tool.name)
					}
					want, n := gofeedView(t, data, name)
					media := 0
					if len(got.Items) != n {
						t.Fatalf("%s read %d items, gofeed %d", tool.name, len(got.Items), n)
					}
					for _, it := range got.Items {
						w, ok := want[it.GUID]
						if !ok {
							t.Errorf("%s: guid %q not in gofeed's view", tool.name, it.GUID)
							continue
						}
						if len(it.Enclosures) != len(w.enclosures) {
							t.Errorf("%s: %s: %d enclosures, gofeed %d", tool.name, it.GUID, len(it.Enclosures), len(w.enclosures))
							continue
						}
						for i, e := range it.Enclosures {
							length := ""
							if e.Length != nil {
								length = strconv.FormatInt(*e.Length, 10)
							}
							if g := [3]string{e.URL, length, e.Type}; g != w.enclosures[i] {
								t.Errorf("%s: %s: enclosure %v, gofeed %v", tool.name, it.GUID, g, w.enclosures[i])
							}
						}
						if it.Duration != nil && w.duration >= 0 && int64(*it.Duration) != w.duration {
							t.Errorf("%s: %s: duration %v, gofeed %d", tool.name, it.GUID, *it.Duration, w.duration)
						}
						if podcastFiles[name] && (it.Duration == nil || w.duration < 0) {
							t.Errorf("%s: %s: duration missing (parser %v, gofeed %d)", tool.name, it.GUID, it.Duration, w.duration)
						}
						if tool.name == "feedparser" {
							if it.Media != nil {
								media++
							}
							if g, _ := json.Marshal(it.Media); string(g) != mustJSON(w.media) {
								t.Errorf("%s: %s: video %s, gofeed %s", tool.name, it.GUID, g, mustJSON(w.media))
							}
						}
					}
					// A feed with a video link must have shown it: the
					// comparison above is not of two blanks.
					if tool.name == "feedparser" && bytes.Contains(data, []byte("<media:content")) && media == 0 {
						t.Errorf("%s read no Media RSS video from a feed that has one", tool.name)
					}
				})
			}
		})
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
