package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/xml"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/feedpub/feedpub/feeds/feedcheck"
	"github.com/feedpub/feedpub/feeds/feedtest"
)

// now is the clock of every test run: after every example entry's date.
var now = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

const baseURL = "https://media.reelverdicts.example/"

// copyExample copies the example site into a new folder and returns it.
func copyExample(t testing.TB) string { return feedtest.CopyExample(t) }

type cliResult struct {
	code           int
	stdout, stderr string
}

// feedpub runs the CLI in-process with a fixed clock.
func feedpub(t testing.TB, args ...string) cliResult {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{Stdout: &out, Stderr: &errb, Now: func() time.Time { return now }, IsTerminal: func(io.Writer) bool { return false }}
	code := run(args, e)
	return cliResult{code, out.String(), errb.String()}
}

func mustRun(t testing.TB, args ...string) cliResult {
	t.Helper()
	r := feedpub(t, args...)
	if r.code != 0 {
		t.Fatalf("feedpub %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

func writeFile(t testing.TB, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

var feedFiles = []string{"podcast.xml", "video.xml", "reviews.xml", "reviews.atom", "reviews.json"}

var feedFile = map[string]bool{"podcast.xml": true, "video.xml": true, "reviews.xml": true, "reviews.atom": true, "reviews.json": true}

func TestPublishExampleSite(t *testing.T) {
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	r := mustRun(t, "publish", "--config", cfg)
	if !strings.Contains(r.stdout, "17 files copied") {
		t.Errorf("summary: %s", r.stdout)
	}
	out := filepath.Join(dir, "public")
	feeds := map[string][]byte{}
	for _, name := range feedFiles {
		data, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatalf("publish did not write %s: %v", name, err)
		}
		feeds[name] = data
		feedtest.Golden(t, "example/"+name, data)
	}
	for _, name := range []string{"podcast.xml", "video.xml"} {
		if errs := feedcheck.CheckPodcast(feeds[name]); len(errs) > 0 {
			t.Errorf("%s breaks feed rules: %v", name, errs)
		}
	}
	if errs := feedcheck.CheckRSS(feeds["reviews.xml"]); len(errs) > 0 {
		t.Errorf("reviews.xml: %v", errs)
	}
	if errs := feedcheck.CheckAtom(feeds["reviews.atom"]); len(errs) > 0 {
		t.Errorf("reviews.atom: %v", errs)
	}
	if errs := feedcheck.CheckJSONFeed(feeds["reviews.json"]); len(errs) > 0 {
		t.Errorf("reviews.json: %v", errs)
	}

	// Every feed parses with gofeed and lists the expected items, each
	// enclosure pointing at a published file of exactly that length.
	want := map[string][]string{
		"podcast.xml":  {"Heroin(e): a small film with a mighty heart", "Past Lives: the road not taken, twice", "Season 3 is coming"},
		"video.xml":    {"Dune: Part Two in ninety seconds", "Heroin(e): a small film with a mighty heart"},
		"reviews.xml":  {"Heroin(e): a small film with a mighty heart", "Past Lives: the road not taken, twice", "Aftersun: memory as a holiday snapshot"},
		"reviews.atom": {"Heroin(e): a small film with a mighty heart", "Past Lives: the road not taken, twice", "Aftersun: memory as a holiday snapshot"},
		"reviews.json": {"Heroin(e): a small film with a mighty heart", "Past Lives: the road not taken, twice", "Aftersun: memory as a holiday snapshot"},
	}
	wantType := map[string]string{".mp3": "audio/mpeg", ".mp4": "video/mp4"}
	for name, titles := range want {
		f, err := gofeed.NewParser().ParseString(string(feeds[name]))
		if err != nil {
			t.Fatalf("gofeed cannot parse %s: %v", name, err)
		}
		if len(f.Items) != len(titles) {
			t.Fatalf("%s: %d items, want %d", name, len(f.Items), len(titles))
		}
		for i, it := range f.Items {
			if it.Title != titles[i] {
				t.Errorf("%s item %d: title %q, want %q", name, i, it.Title, titles[i])
			}
			if it.GUID == "" {
				t.Errorf("%s item %q has no GUID", name, it.Title)
			}
			if (name == "podcast.xml" || name == "video.xml") && len(it.Enclosures) != 1 {
				t.Errorf("%s item %q: %d enclosures, want 1", name, it.Title, len(it.Enclosures))
			}
			for _, enc := range it.Enclosures {
				if name == "reviews.json" && enc.Type == "text/html" && enc.URL == "https://www.youtube.com/watch?v=Rv8d1Aftr5n" {
					continue // aftersun's video review: a page on YouTube, no file of the site
				}
				key := strings.TrimPrefix(enc.URL, baseURL)
				st, err := os.Stat(filepath.Join(out, filepath.FromSlash(key)))
				if err != nil {
					t.Errorf("%s item %q: enclosure %s is not in the output: %v", name, it.Title, enc.URL, err)
					continue
				}
				if enc.Length != itoa(st.Size()) {
					t.Errorf("%s item %q: enclosure length %s, file is %d bytes", name, it.Title, enc.Length, st.Size())
				}
				if w := wantType[filepath.Ext(key)]; enc.Type != w {
					t.Errorf("%s item %q: enclosure type %q, want %q", name, it.Title, enc.Type, w)
				}
			}
		}
	}
	// Every object any feed references is in the output (images, chapters,
	// transcripts, alternate enclosures), at the length the feed states.
	for name, data := range feeds {
		refs, err := feedcheck.References(name, baseURL, data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for key, length := range refs {
			st, err := os.Stat(filepath.Join(out, filepath.FromSlash(key)))
			switch {
			case err != nil && !feedFile[key]:
				t.Errorf("%s references %s, which is not in the output", name, key)
			case err == nil && length >= 0 && st.Size() != length:
				t.Errorf("%s says %s is %d bytes; the file has %d", name, key, length, st.Size())
			}
		}
	}
	checkIntegrity(t, out, feeds["podcast.xml"])
	checkIntegrity(t, out, feeds["video.xml"])
	if _, err := os.Stat(filepath.Join(out, "media", "next-week.mp3")); err == nil {
		t.Error("a draft's media was published")
	}

	// A second publish copies nothing and leaves the feeds byte-identical.
	r = mustRun(t, "publish", "--config", cfg)
	if !strings.Contains(r.stdout, "0 files copied") {
		t.Errorf("second publish: %s", r.stdout)
	}
	for _, name := range feedFiles {
		data, _ := os.ReadFile(filepath.Join(out, name))
		if !bytes.Equal(data, feeds[name]) {
			t.Errorf("%s changed on an unchanged rebuild", name)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestBuildWritesTheSameTreeAsPublish(t *testing.T) {
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	mustRun(t, "build", "--config", cfg, "--out", "site-out")
	mustRun(t, "publish", "--config", cfg)
	a := tree(t, filepath.Join(dir, "site-out"))
	b := tree(t, filepath.Join(dir, "public"))
	if strings.Join(keys(a), ",") != strings.Join(keys(b), ",") {
		t.Fatalf("build and publish trees differ:\n%v\n%v", keys(a), keys(b))
	}
	for k := range a {
		if a[k] != b[k] {
			t.Errorf("%s differs between build and publish", k)
		}
	}
	if len(a) != 17 {
		t.Errorf("tree has %d files, want 17: %v", len(a), keys(a))
	}
}

func tree(t testing.TB, root string) map[string]string {
	t.Helper()
	m := map[string]string{}
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		if d.IsDir() && d.Name() == ".feedpub" {
			return filepath.SkipDir
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(root, p)
			data, _ := os.ReadFile(p)
			m[filepath.ToSlash(rel)] = string(data)
		}
		return nil
	})
	return m
}

func keys(m map[string]string) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func TestTypoInConfigNamesFileKeyAndFix(t *testing.T) {
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	data, _ := os.ReadFile(cfg)
	writeFile(t, cfg, strings.Replace(string(data), "\npodcast:", "\npodcats:", 1))
	r := feedpub(t, "validate", "--config", cfg)
	if r.code != 1 {
		t.Fatalf("exit %d, want 1", r.code)
	}
	for _, want := range []string{cfg, `"podcats"`, `"podcast"`} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
}

func TestAllProblemsInOneRunTargetUntouched(t *testing.T) {
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	mustRun(t, "publish", "--config", cfg)
	before := tree(t, filepath.Join(dir, "public"))

	aftersun := filepath.Join(dir, "reviews", "aftersun.md")
	data, _ := os.ReadFile(aftersun)
	writeFile(t, aftersun, strings.Replace(string(data), "rating: 4.5", "rating: 9", 1))
	past := filepath.Join(dir, "reviews", "past-lives.md")
	data, _ = os.ReadFile(past)
	writeFile(t, past, strings.Replace(string(data), "media/past-lives.mp3", "media/past-lives-missing.mp3", 1))

	r := feedpub(t, "publish", "--config", cfg)
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\n%s", r.code, r.stderr)
	}
	for _, want := range []string{
		"reviews/aftersun.md:6: rating: want 0–5 in steps of 0.5, got 9",
		"reviews/past-lives.md:9: audio.file",
		"media/past-lives-missing.mp3",
		"not found",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	after := tree(t, filepath.Join(dir, "public"))
	if len(before) != len(after) {
		t.Fatalf("target changed: %d files before, %d after", len(before), len(after))
	}
	for k, v := range before {
		if after[k] != v {
			t.Errorf("target file %s changed by a failed publish", k)
		}
	}
	if v := feedpub(t, "validate", "--config", cfg); v.code != 1 || !strings.Contains(v.stderr, "2 errors") {
		t.Errorf("validate: exit %d\n%s", v.code, v.stderr)
	}
}

func TestGUIDsSurviveTitleAndBaseURLChanges(t *testing.T) {
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	mustRun(t, "build", "--config", cfg, "--out", "a")
	guidsA := guidsOf(t, filepath.Join(dir, "a"))

	data, _ := os.ReadFile(cfg)
	writeFile(t, cfg, strings.Replace(string(data), "https://media.reelverdicts.example/", "https://cdn.elsewhere.example/rv/", 1))
	h := filepath.Join(dir, "reviews", "heroine.md")
	data, _ = os.ReadFile(h)
	writeFile(t, h, strings.Replace(string(data), "a small film with a mighty heart", "retitled", 1))
	mustRun(t, "build", "--config", cfg, "--out", "b")
	guidsB := guidsOf(t, filepath.Join(dir, "b"))
	if len(guidsA) == 0 {
		t.Fatal("no GUIDs found")
	}
	for k, v := range guidsA {
		if guidsB[k] != v {
			t.Errorf("%s: GUID %q became %q after a title and base_url change", k, v, guidsB[k])
		}
	}
}

// guidsOf maps "feed#position" to each item's GUID.
func guidsOf(t testing.TB, out string) map[string]string {
	t.Helper()
	m := map[string]string{}
	for _, name := range []string{"podcast.xml", "video.xml", "reviews.xml", "reviews.json"} {
		data, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		f, err := gofeed.NewParser().ParseString(string(data))
		if err != nil {
			t.Fatal(err)
		}
		for i, it := range f.Items {
			m[name+"#"+itoa(int64(i))] = it.GUID
		}
	}
	return m
}

func TestInitWritesASiteBuildAccepts(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "site")
	mustRun(t, "init", dir)
	r := mustRun(t, "build", "--config", filepath.Join(dir, "feedpub.yaml"))
	if !strings.Contains(r.stdout, "built public") {
		t.Errorf("build output: %s", r.stdout)
	}
	for _, f := range []string{"reviews.xml", "reviews.atom", "reviews.json", "artwork/cover.jpg"} {
		if _, err := os.Stat(filepath.Join(dir, "public", f)); err != nil {
			t.Errorf("starter build lacks %s", f)
		}
	}
	// The podcast section waits, commented, for the first episode: Apple
	// refuses an empty feed (FP401), and uncommented as it is, so does
	// feedpub.
	cfg, _ := os.ReadFile(filepath.Join(dir, "feedpub.yaml"))
	writeFile(t, filepath.Join(dir, "feedpub.yaml"), strings.ReplaceAll(string(cfg), "# podcast:\n#   path", "podcast:\n  path"))
	if r := feedpub(t, "build", "--config", filepath.Join(dir, "feedpub.yaml")); r.code != 1 || !strings.Contains(r.stderr, "the podcast feed has no episodes") || !strings.Contains(r.stderr, "[FP401]") {
		t.Errorf("empty podcast feed: exit %d\n%s", r.code, r.stderr)
	}
	if r := feedpub(t, "init", dir); r.code != 1 || !strings.Contains(r.stderr, "already exists") {
		t.Errorf("init over an existing site: exit %d %s", r.code, r.stderr)
	}
}

func TestExitCodesAndUsage(t *testing.T) {
	if r := feedpub(t, "version"); r.code != 0 || !strings.HasPrefix(r.stdout, "feedpub ") {
		t.Errorf("version: %d %q", r.code, r.stdout)
	}
	if r := feedpub(t, "publish", "--no-such-flag"); r.code != 2 {
		t.Errorf("unknown flag: exit %d, want 2", r.code)
	}
	if r := feedpub(t, "build", "extra"); r.code != 2 {
		t.Errorf("extra argument: exit %d, want 2", r.code)
	}
	if r := feedpub(t, "frobnicate"); r.code != 2 {
		t.Errorf("unknown command: exit %d, want 2", r.code)
	}
	if r := feedpub(t, "validate", "--config", filepath.Join(t.TempDir(), "none.yaml")); r.code != 1 || !strings.Contains(r.stderr, "feedpub init") {
		t.Errorf("missing config: exit %d %s", r.code, r.stderr)
	}
}

func TestDraftsFutureAndDuplicates(t *testing.T) {
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	writeFile(t, filepath.Join(dir, "reviews", "future.md"), "---\ntitle: Later\ndate: 2027-01-01\n---\nSoon.\n")
	r := mustRun(t, "validate", "--config", cfg, "--verbose")
	for _, want := range []string{"left out reviews/next-week.md: draft", "left out reviews/future.md: scheduled for 2027-01-01T00:00:00Z"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("verbose output lacks %q:\n%s", want, r.stdout)
		}
	}
	writeFile(t, filepath.Join(dir, "reviews", "heroine-copy.md"), "---\ntitle: Copy\ndate: 2026-11-01\nslug: heroine\naudio:\n  file: media/past-lives.mp3\n  season: 3\n  episode: 40\n---\nCopy.\n")
	r = feedpub(t, "validate", "--config", cfg)
	if r.code != 1 {
		t.Fatalf("duplicates accepted:\n%s", r.stderr)
	}
	if !strings.Contains(r.stderr, "reviews/heroine-copy.md") || !strings.Contains(r.stderr, "reviews/heroine.md") {
		t.Errorf("duplicate slug error should name both files:\n%s", r.stderr)
	}
	writeFile(t, filepath.Join(dir, "reviews", "heroine-copy.md"), "---\ntitle: Copy\ndate: 2026-11-01\naudio:\n  file: media/past-lives.mp3\n  season: 3\n  episode: 40\n---\nCopy.\n")
	r = feedpub(t, "validate", "--config", cfg)
	if r.code != 1 || !strings.Contains(r.stderr, "season 3 episode 40") || !strings.Contains(r.stderr, "reviews/past-lives.md") {
		t.Errorf("duplicate episode number should name both files:\n%s", r.stderr)
	}
}

func TestPruneOnlyWhatFeedpubWrote(t *testing.T) {
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	mustRun(t, "publish", "--config", cfg)
	writeFile(t, filepath.Join(dir, "public", "index.html"), "not ours")
	os.Remove(filepath.Join(dir, "reviews", "season-3-trailer.md"))
	r := mustRun(t, "publish", "--config", cfg, "--dry-run", "--prune")
	if !strings.Contains(r.stdout, "media/season-3-trailer.mp3") || !strings.Contains(r.stdout, "orphaned") {
		t.Errorf("dry run does not show the orphan:\n%s", r.stdout)
	}
	if _, err := os.Stat(filepath.Join(dir, "public", "media", "season-3-trailer.mp3")); err != nil {
		t.Fatal("dry run deleted something")
	}
	mustRun(t, "publish", "--config", cfg, "--prune")
	if _, err := os.Stat(filepath.Join(dir, "public", "media", "season-3-trailer.mp3")); err == nil {
		t.Error("orphan not pruned")
	}
	if _, err := os.Stat(filepath.Join(dir, "public", "index.html")); err != nil {
		t.Error("prune deleted a file feedpub did not write")
	}
}

// TestBadMediaReportedThroughTheCLI swaps real files with bad ones (fixtures
// from media/probe) and checks one validate run names each file and fault.
func TestBadMediaReportedThroughTheCLI(t *testing.T) {
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	fixtures := filepath.Join("..", "..", "media", "probe", "testdata")
	cp := func(from, to string) {
		data, err := os.ReadFile(filepath.Join(fixtures, from))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(dir, to), string(data))
	}
	cp("art_rgb_1000.png", "artwork/small.png")
	cp("art_cmyk_1400.jpg", "artwork/cmyk.jpg")
	cp("art_rgba_1400.png", "artwork/alpha.png")
	cp("art_nonsquare.jpg", "artwork/wide.jpg")
	cp("mp4_h264_aac.mp4", "media/really-mp4.mp3")
	data, _ := os.ReadFile(cfg)
	writeFile(t, cfg, strings.Replace(string(data), "image: artwork/cover.jpg", "image: artwork/small.png", 1))
	for i, art := range []string{"cmyk.jpg", "alpha.png", "wide.jpg"} {
		writeFile(t, filepath.Join(dir, "reviews", "art"+itoa(int64(i))+".md"),
			"---\ntitle: Art "+itoa(int64(i))+"\ndate: 2026-10-0"+itoa(int64(i+1))+"\nimage: artwork/"+art+"\n---\nText.\n")
	}
	writeFile(t, filepath.Join(dir, "reviews", "mislabelled.md"), "---\ntitle: Mislabelled\ndate: 2026-10-05\naudio:\n  file: media/really-mp4.mp3\n---\nText.\n")
	r := feedpub(t, "validate", "--config", cfg)
	if r.code != 1 {
		t.Fatalf("bad media accepted: exit %d\n%s", r.code, r.stderr)
	}
	for _, want := range []string{
		"artwork/small.png", "1000", // too small
		"artwork/cmyk.jpg", "CMYK",
		"artwork/alpha.png", "alpha",
		"artwork/wide.jpg", "square",
		"media/really-mp4.mp3", "MP4",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if n := strings.Count(r.stderr, "media/really-mp4.mp3: content is MP4"); n != 1 {
		t.Errorf("the extension mismatch is reported %d times, want once:\n%s", n, r.stderr)
	}
}

// checkIntegrity checks every podcast:alternateEnclosure's SRI hash against
// the published file its source points at.
func checkIntegrity(t *testing.T, out string, feed []byte) {
	t.Helper()
	var doc struct {
		Items []struct {
			Alts []struct {
				Source struct {
					URI string `xml:"uri,attr"`
				} `xml:"source"`
				Integrity struct {
					Type  string `xml:"type,attr"`
					Value string `xml:"value,attr"`
				} `xml:"integrity"`
			} `xml:"alternateEnclosure"`
		} `xml:"channel>item"`
	}
	if err := xml.Unmarshal(feed, &doc); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, it := range doc.Items {
		for _, a := range it.Alts {
			data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(strings.TrimPrefix(a.Source.URI, baseURL))))
			if err != nil {
				t.Errorf("alternate source %s: %v", a.Source.URI, err)
				continue
			}
			sum := sha256.Sum256(data)
			if want := "sha256-" + base64.StdEncoding.EncodeToString(sum[:]); a.Integrity.Type != "sri" || a.Integrity.Value != want {
				t.Errorf("%s: integrity %s %q, want sri %q", a.Source.URI, a.Integrity.Type, a.Integrity.Value, want)
			}
			n++
		}
	}
	if n == 0 {
		t.Error("no alternate enclosures found")
	}
}

func TestAtomFeedIDCanBePinned(t *testing.T) {
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	mustRun(t, "build", "--config", cfg, "--out", "a")
	a, _ := os.ReadFile(filepath.Join(dir, "a", "reviews.atom"))
	if !bytes.Contains(a, []byte("<id>tag:reelverdicts.example,2026:reviews</id>")) {
		t.Errorf("default Atom feed id missing:\n%.400s", a)
	}
	t.Setenv("FEEDPUB_REVIEWS_ATOM_ID", "tag:reelverdicts.example,2019:reviews")
	mustRun(t, "build", "--config", cfg, "--out", "b")
	b, _ := os.ReadFile(filepath.Join(dir, "b", "reviews.atom"))
	if !bytes.Contains(b, []byte("<id>tag:reelverdicts.example,2019:reviews</id>")) {
		t.Errorf("pinned Atom feed id missing:\n%.400s", b)
	}
	t.Setenv("FEEDPUB_REVIEWS_ATOM_ID", "not an iri")
	if r := feedpub(t, "validate", "--config", cfg); r.code != 1 || !strings.Contains(r.stderr, "reviews.atom_id") {
		t.Errorf("bad atom_id accepted: %d %s", r.code, r.stderr)
	}
}

func TestVideoFeedInheritsThePodcastCategories(t *testing.T) {
	dir := copyExample(t)
	cfgPath := filepath.Join(dir, "feedpub.yaml")
	cfg, _ := os.ReadFile(cfgPath)
	s := strings.Replace(string(cfg), "  description: Video reviews from Reel Verdicts.\n  categories: [\"TV & Film > Film Reviews\"]\n", "  description: Video reviews from Reel Verdicts.\n", 1)
	if s == string(cfg) {
		t.Fatal("the example's video section changed; update this test")
	}
	writeFile(t, cfgPath, s)
	mustRun(t, "build", "--config", cfgPath)
	if v, err := os.ReadFile(filepath.Join(dir, "public", "video.xml")); err != nil || !bytes.Contains(v, []byte(`<itunes:category text="Film Reviews">`)) {
		t.Errorf("video feed without its own categories: %v\n%s", err, v)
	}
}
