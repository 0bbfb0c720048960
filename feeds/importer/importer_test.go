package importer_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spf13/viper"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/config/diag"
	"github.com/feedpub/feedpub/config/safehttp"
	"github.com/feedpub/feedpub/feeds/identity"
	"github.com/feedpub/feedpub/feeds/importer"
	"github.com/feedpub/feedpub/feeds/site"
)

func (h *host) options(into string) importer.Options {
	return importer.Options{
		Into:   into,
		Client: safehttp.NewClient(safehttp.Options{Transport: h.srv.Client().Transport}),
	}
}

func run(t *testing.T, o importer.Options) (*importer.Result, diag.Problems) {
	t.Helper()
	res, ps, err := importer.Run(context.Background(), o)
	if err != nil {
		t.Fatalf("import: %v\n%v", err, ps)
	}
	return res, ps
}

// verify builds the imported site and compares its feeds with the old.
func verify(t *testing.T, into string, res *importer.Result) diag.Problems {
	if os.Getenv("IMPORT_DEBUG") != "" {
		for p := range tree(t, into) {
			t.Log(p)
			if strings.HasSuffix(p, ".md") || strings.HasSuffix(p, ".yaml") {
				t.Log(read(t, p))
			}
		}
	}
	t.Helper()
	cfg, ps := config.Load(viper.New(), filepath.Join(into, "feedpub.yaml"))
	if ps.HasErrors() {
		t.Fatalf("the imported feedpub.yaml: %v", ps)
	}
	built, bps := site.Build(context.Background(), &cfg, site.Options{Now: testNow, ReadOnly: true, Generator: "feedpub import --verify"})
	t.Cleanup(func() { _ = built.Close() })
	var open importer.Opener
	if built != nil {
		open = built.Open
	}
	out := importer.Verify(&cfg, bps, open, res.Podcast, res.VideoFeed)
	if os.Getenv("IMPORT_DEBUG") != "" {
		for _, p := range out {
			t.Log(p.Severity, p.Rule, p.Error())
		}
	}
	for _, p := range out.Errors() {
		if !strings.HasPrefix(p.Rule, "FP60") {
			t.Fatalf("the imported site does not build: %v", p)
		}
	}
	return out
}

// found lists "RULE field" for each problem of the given rules, sorted.
func found(ps diag.Problems, rules ...string) []string {
	var out []string
	for _, p := range ps {
		for _, r := range rules {
			if p.Rule == r {
				out = append(out, p.Rule+" "+p.Field)
			}
		}
	}
	sort.Strings(out)
	return out
}

func wantFound(t *testing.T, what string, got, want []string) {
	t.Helper()
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\ngot\n  %s\nwant\n  %s", what, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

var importRules = []string{"FP405", "FP428", "FP429", "FP430", "FP432", "FP433", "FP434", "FP435", "FP436", "FP437", "FP445", "FP446", "FP449", "FP450", "FP601", "FP602", "FP603", "FP604"}

func read(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// tree hashes every file under dir (but feedpub's state), to tell whether
// a run changed anything.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		sum := sha256.Sum256(b)
		out[p] = hex.EncodeToString(sum[:])
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// mtimes gives every file's modification time under dir.
func mtimes(t *testing.T, dir string) map[string]time.Time {
	t.Helper()
	out := map[string]time.Time{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		st, err := d.Info()
		if err == nil {
			out[p] = st.ModTime()
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestImportHostingAndVideo imports a hosting service's audio feed and its
// video feed over HTTP (one enclosure 404, one redirected, one with a
// wrong stated length), builds the site and compares: every GUID, date,
// title, length and podcast:guid the old feeds', the differences exactly
// the planted ones; a second import changes nothing.
func TestImportHostingAndVideo(t *testing.T) {
	h := newHost(t)
	into := t.TempDir()
	o := h.options(into)
	o.Feed, o.Video = h.url("/hosting.xml"), h.url("/video.xml")
	res, ps := run(t, o)
	wantFound(t, "import problems", found(ps, importRules...), []string{
		`FP445 item 3 (guid "Hosting-12000001") enclosure`,
		`FP449 item 2 (guid "Hosting-12000002") enclosure`,
		`FP601 item 4 (guid "Hosting-12000000") enclosure`,
		`FP604 item 2 (guid "video-heroine")`,
	})
	wantFiles := []string{"reviews/aftersun-and-the-camcorder.md", "reviews/dune-part-two-in-four-minutes.md",
		"reviews/heroin-e-a-small-film-with-a-mighty-heart-video.md", "reviews/heroin-e-a-small-film-with-a-mighty-heart.md",
		"reviews/past-lives-the-road-not-taken.md"}
	got := append([]string(nil), res.Written...)
	sort.Strings(got)
	wantFound(t, "entries written", got, wantFiles)

	pl := read(t, filepath.Join(into, "reviews/past-lives-the-road-not-taken.md"))
	for _, s := range []string{"guid: Hosting-12000003\n", "date: \"2026-03-10T07:30:00-05:00\"\n", "file: media/past-lives-the-road-not-taken.mp3",
		"file: media/past-lives-the-road-not-taken.video.mp4", "title: Past Lives\n", "season: 1\n", "episode: 3\n",
		"- The bar scene\n", "[our site](https://reelverdicts.example/past-lives)", "**twice**"} {
		if !strings.Contains(pl, s) {
			t.Errorf("past-lives entry lacks %q:\n%s", s, pl)
		}
	}
	for _, s := range []string{"track()", "color:red", "<script"} {
		if strings.Contains(pl, s) {
			t.Errorf("past-lives entry keeps %q:\n%s", s, pl)
		}
	}
	if a := read(t, filepath.Join(into, "reviews/aftersun-and-the-camcorder.md")); !strings.Contains(a, `date: "2026-02-24T07:30:00-05:00"`) {
		t.Errorf("EST must keep its offset of -5 hours:\n%s", a)
	}
	her := read(t, filepath.Join(into, "reviews/heroin-e-a-small-film-with-a-mighty-heart.md"))
	for _, s := range []string{"chapters: media/heroin-e-a-small-film-with-a-mighty-heart.chapters.json", "file: media/heroin-e-a-small-film-with-a-mighty-heart.en.vtt", "image: artwork/heroin-e-a-small-film-with-a-mighty-heart.jpg"} {
		if !strings.Contains(her, s) {
			t.Errorf("heroine entry lacks %q:\n%s", s, her)
		}
	}
	cfg := read(t, filepath.Join(into, "feedpub.yaml"))
	for _, s := range []string{"guid: 917393e3-1b1e-5cef-ace4-edaa54e1f810", "guid: 2d1b7a3c-0c4f-5b6e-9a8d-7e6f5a4b3c2d", "locked: true",
		"TV & Film > Film Reviews", "url: https://reelverdicts.example/support", "name: Ada Critic", "name: CC-BY-4.0",
		"purpose: applepodcastsverify", "rrule: FREQ=WEEKLY", "image: artwork/cover.jpg", "email: editor@reelverdicts.example"} {
		if !strings.Contains(cfg, s) {
			t.Errorf("feedpub.yaml lacks %q:\n%s", s, cfg)
		}
	}

	imported := tree(t, into)
	vs := verify(t, into, res)
	if after := tree(t, into); len(after) != len(imported) {
		t.Errorf("verify wrote into the site: %d files before, %d after", len(imported), len(after))
	}
	wantFound(t, "differences", found(vs, "FP605", "FP606"), []string{
		`FP606 item 3 (guid "Hosting-12000001")`, // the length stated wrong
		`FP606 item 4 (guid "Hosting-12000000")`, // the 404: not imported
	})
	for _, p := range vs {
		if p.Rule == "FP606" && strings.Contains(p.Field, "Hosting-12000001") && !strings.Contains(p.Msg, `enclosure length: "10442", the old feed's "12345"`) {
			t.Errorf("the wrong length is not the difference reported: %v", p)
		}
	}

	// A second import of the same feeds changes nothing and downloads
	// nothing that is complete.
	before := tree(t, into)
	stamps := mtimes(t, into)
	hits := h.mediaHits()
	res2, ps2 := run(t, o)
	if len(res2.Written) != 0 || res2.Downloaded != 0 {
		t.Errorf("second import wrote %v, downloaded %d", res2.Written, res2.Downloaded)
	}
	if d := h.mediaHits() - hits; d != 1 { // the 404, tried again
		t.Errorf("second import sent %d media requests, want 1 (the missing file)", d)
	}
	wantFound(t, "second import problems", found(ps2, "FP601"), []string{`FP601 item 4 (guid "Hosting-12000000") enclosure`})
	after := tree(t, into)
	for p, s := range after {
		if before[p] != s {
			t.Errorf("%s changed", p)
		}
	}
	if len(after) != len(before) {
		t.Errorf("second import: %d files, first %d", len(after), len(before))
	}
	for p, m := range mtimes(t, into) {
		if !m.Equal(stamps[p]) {
			t.Errorf("%s was written again", p)
		}
	}
}

// TestImportResumesInterrupted cuts one download short: the next import
// continues it with a Range request, fetches no finished file again and
// writes every entry once.
func TestImportResumesInterrupted(t *testing.T) {
	h := newHost(t)
	h.cut["/media/past-lives.mp3"] = 7000
	into := t.TempDir()
	o := h.options(into)
	o.Feed = h.url("/hosting.xml")
	res, ps := run(t, o)
	if !strings.Contains(strings.Join(found(ps, "FP601"), "\n"), "Hosting-12000003") {
		t.Fatalf("the cut download is not reported: %v", ps)
	}
	part, err := os.Stat(filepath.Join(into, "media/past-lives-the-road-not-taken.mp3.part"))
	if err != nil || part.Size() == 0 {
		t.Fatalf("no partial download kept: %v", err)
	}
	if len(res.Written) != 2 {
		t.Fatalf("first run wrote %v, want the two complete entries", res.Written)
	}
	h.mu.Lock()
	delete(h.cut, "/media/past-lives.mp3")
	h.mu.Unlock()
	heroine, pastLives := h.count("/media/heroine.mp3"), h.count("/media/past-lives.mp3")
	res, ps = run(t, o)
	wantFound(t, "second run's failures", found(ps, "FP601"), []string{`FP601 item 4 (guid "Hosting-12000000") enclosure`})
	if got := h.count("/media/heroine.mp3") - heroine; got != 0 {
		t.Errorf("a finished file was fetched again (%d requests)", got)
	}
	if got := h.count("/media/past-lives.mp3") - pastLives; got != 1 {
		t.Errorf("the interrupted file took %d requests, want 1", got)
	}
	if rs := h.ranges["/media/past-lives.mp3"]; len(rs) != 1 || rs[0] != "bytes="+strconv.FormatInt(part.Size(), 10)+"-" {
		t.Errorf("ranges asked %v, want bytes=%d-", rs, part.Size())
	}
	if len(res.Written) != 1 || res.Written[0] != "reviews/past-lives-the-road-not-taken.md" {
		t.Errorf("second run wrote %v", res.Written)
	}
	want, _ := os.ReadFile(ex("past-lives.mp3"))
	if got, _ := os.ReadFile(filepath.Join(into, "media/past-lives-the-road-not-taken.mp3")); string(got) != string(want) {
		t.Errorf("the resumed file differs from the served one (%d bytes, want %d)", len(got), len(want))
	}
	entries, _ := filepath.Glob(filepath.Join(into, "reviews", "*.md"))
	if len(entries) != 3 {
		t.Errorf("%d entries, want 3: %v", len(entries), entries)
	}
	if vs := verify(t, into, res); len(found(vs, "FP605")) != 0 {
		t.Errorf("an episode would be new: %v", found(vs, "FP605"))
	}
}

// TestImportAppleSample imports Apple's documented sample feed (A
// Podcaster's Guide to RSS): a serial show with a trailer, episode and
// season numbers, GMT and EST dates, and no podcast:guid, so the show
// keeps the guid the Podcast Index derived from its URL.
func TestImportAppleSample(t *testing.T) {
	h := newHost(t)
	into := t.TempDir()
	o := h.options(into)
	o.Feed = h.url("/apple-sample.xml")
	res, ps := run(t, o)
	wantFound(t, "import problems", found(ps, importRules...), nil)
	cfg := read(t, filepath.Join(into, "feedpub.yaml"))
	for _, s := range []string{"type: serial", "- Sports > Wilderness", "guid: " + identity.PodcastGUID(h.url("/apple-sample.xml")), "title: Hiking Treks", "email: mountainscape@icloud.com"} {
		if !strings.Contains(cfg, s) {
			t.Errorf("feedpub.yaml lacks %q:\n%s", s, cfg)
		}
	}
	tr := read(t, filepath.Join(into, "reviews/hiking-treks-trailer.md"))
	for _, s := range []string{"guid: D03EEC9B-B1B4-475B-92C8-54F853FA2A22", "episode_type: trailer", `date: "2019-01-08T01:15:00Z"`, "[Apple Podcasts](https://www.apple.com/itunes/podcasts/)"} {
		if !strings.Contains(tr, s) {
			t.Errorf("trailer lacks %q:\n%s", s, tr)
		}
	}
	if b := read(t, filepath.Join(into, "reviews/bouldering-around-boulder.md")); !strings.Contains(b, `date: "2019-04-30T13:00:00-05:00"`) {
		t.Errorf("EST date:\n%s", b)
	}
	vs := verify(t, into, res)
	wantFound(t, "differences", found(vs, "FP605", "FP606"), nil)
}

// TestImportReviews attaches a WordPress review feed (content:encoded) to
// the episodes it reviews, and makes the rest written reviews of their own.
func TestImportReviews(t *testing.T) {
	h := newHost(t)
	into := t.TempDir()
	o := h.options(into)
	o.Feed, o.Reviews = h.url("/hosting.xml"), h.url("/wordpress-reviews.xml")
	res, ps := run(t, o)
	wantFound(t, "import problems", found(ps, "FP602", "FP604"), []string{`FP604 item 1 (guid "https://reelverdicts.example/?p=101")`})
	pl := read(t, filepath.Join(into, "reviews/past-lives-the-road-not-taken.md"))
	for _, s := range []string{"guid: Hosting-12000003", "*love story*", "## The bar scene", "[director](https://reelverdicts.example/tag/celine-song/)", "link: https://reelverdicts.example/2026/03/10/past-lives/"} {
		if !strings.Contains(pl, s) {
			t.Errorf("the reviewed episode lacks %q:\n%s", s, pl)
		}
	}
	if strings.Contains(pl, "stats.push") {
		t.Errorf("a script survived:\n%s", pl)
	}
	pd := read(t, filepath.Join(into, "reviews/perfect-days.md"))
	for _, s := range []string{"guid: https://reelverdicts.example/?p=99", "- Lou Reed on cassette", `date: "2026-03-05T09:00:00Z"`} {
		if !strings.Contains(pd, s) {
			t.Errorf("the written review lacks %q:\n%s", s, pd)
		}
	}
	if strings.Contains(pd, "audio:") {
		t.Errorf("a review of no episode got media:\n%s", pd)
	}
	if cfg := read(t, filepath.Join(into, "feedpub.yaml")); !strings.Contains(cfg, "reviews:\n  rss: reviews.xml") {
		t.Errorf("feedpub.yaml has no reviews section:\n%s", cfg)
	}
	if vs := verify(t, into, res); len(found(vs, "FP605")) != 0 {
		t.Errorf("an episode would be new: %v", found(vs, "FP605"))
	}
}

// TestImportNoGUIDs: items without a guid take their enclosure URL, as
// podcast apps key them, each reported (FP428); http media (FP405) and
// show notes that are not well-formed (FP602) are reported too.
func TestImportNoGUIDs(t *testing.T) {
	h := newHost(t)
	into := t.TempDir()
	o := h.options(into)
	o.Feed = h.url("/noguid.xml")
	res, ps := run(t, o)
	wantFound(t, "import problems", found(ps, importRules...), []string{
		`FP405 item 2 ("The first one") enclosure.url`,
		`FP428 item 1 ("The second one")`,
		`FP428 item 2 ("The first one")`,
		`FP602 item 1 ("The second one") description`,
	})
	if s := read(t, filepath.Join(into, "reviews/the-first-one.md")); !strings.Contains(s, "guid: "+h.plain.URL+"/media/one.mp3\n") {
		t.Errorf("guid is not the enclosure URL:\n%s", s)
	}
	vs := verify(t, into, res)
	wantFound(t, "differences", found(vs, "FP605", "FP606"), nil)
}

// TestImportDuplicateGUIDs imports the first of two items with one GUID
// (apps show one episode for both) and reports the other (FP429), and a
// missing length (FP432).
func TestImportDuplicateGUIDs(t *testing.T) {
	h := newHost(t)
	into := t.TempDir()
	o := h.options(into)
	o.Feed = h.url("/dupguid.xml")
	res, ps := run(t, o)
	wantFound(t, "import problems", found(ps, importRules...), []string{
		`FP429 item 2 (guid "copied-1")`,
		`FP432 item 3 (guid "copied-0") enclosure.length`,
	})
	got := append([]string(nil), res.Written...)
	sort.Strings(got)
	wantFound(t, "entries", got, []string{"reviews/copy-of-the-pilot.md", "reviews/the-lengthless-one.md"})
	vs := verify(t, into, res)
	wantFound(t, "differences", found(vs, "FP605", "FP606"), nil)
}

// TestImportLatin1 reads a feed declared ISO-8859-1 as latin-1: the
// entry is UTF-8 and its file name the title folded to ASCII.
func TestImportLatin1(t *testing.T) {
	h := newHost(t)
	into := t.TempDir()
	o := h.options(into)
	o.Feed = h.url("/latin1.xml")
	res, ps := run(t, o)
	wantFound(t, "import problems", found(ps, importRules...), nil)
	if len(res.Written) != 1 || res.Written[0] != "reviews/amelie-vingt-ans-apres.md" {
		t.Fatalf("written %v", res.Written)
	}
	if s := read(t, filepath.Join(into, res.Written[0])); !strings.Contains(s, "title: Amélie, vingt ans après") || !strings.Contains(s, "revu à Montmartre") {
		t.Errorf("not read as latin-1:\n%s", s)
	}
	if s := read(t, filepath.Join(into, "feedpub.yaml")); !strings.Contains(s, "title: Critiques de cinéma") {
		t.Errorf("channel not read as latin-1:\n%s", s)
	}
	verify(t, into, res)
}

// TestImportRemote keeps every enclosure where it is: the entry names it
// by URL (with the feed's duration, there being no file to read), and no
// media is downloaded.
func TestImportRemote(t *testing.T) {
	h := newHost(t)
	into := t.TempDir()
	o := h.options(into)
	o.Feed, o.Media = h.url("/hosting.xml"), importer.MediaRemote
	res, _ := run(t, o)
	if len(res.Written) != 4 {
		t.Errorf("written %v, want all 4 (nothing to download can fail)", res.Written)
	}
	if n := h.count("/media/past-lives.mp3") + h.count("/media/gone.mp3") + h.count("/r/heroine.mp3"); n != 0 {
		t.Errorf("%d media requests, want none", n)
	}
	s := read(t, filepath.Join(into, "reviews/past-lives-the-road-not-taken.md"))
	want := "audio:\n  url: " + h.url("/media/past-lives.mp3") + "\n  title: Past Lives\n  season: 1\n  episode: 3\n  explicit: false\n  duration: 4\n"
	if !strings.Contains(s, want) {
		t.Errorf("remote audio block:\n%s\nwant\n%s", s, want)
	}
	if strings.Contains(s, "file:") {
		t.Errorf("a remote entry names a file:\n%s", s)
	}
}

// letters spells n in letters, so generated titles carry no number (FP403).
func letters(n int) string {
	s := ""
	for n++; n > 0; n = (n - 1) / 26 {
		s = string(rune('a'+(n-1)%26)) + s
	}
	return s
}

// bigFeed generates a podcast feed of n items, or (video) a video feed of
// every second one of them with the same GUIDs, as a hosting service
// writes them.
func bigFeed(h *host, n int, video bool) []byte {
	var b strings.Builder
	medium, path, typ, size := "podcast", "/gen/", "audio/mpeg", "{{LEN past-lives.mp3}}"
	if video {
		medium, path, typ, size = "video", "/genv/", "video/mp4", "{{LEN dune-part-two.mp4}}"
	}
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:podcast="https://podcastindex.org/namespace/1.0">
<channel>
<title>Big Reels %s</title>
<link>https://bigreels.example/</link>
<description><![CDATA[<p>Years of episodes.</p>]]></description>
<language>en</language>
<itunes:owner><itunes:name>Big Reels</itunes:name><itunes:email>editor@bigreels.example</itunes:email></itunes:owner>
<itunes:image href="{{BASE}}/art/cover.jpg"/>
<itunes:category text="TV &amp; Film"><itunes:category text="Film Reviews"/></itunes:category>
<itunes:explicit>false</itunes:explicit>
<podcast:medium>%s</podcast:medium>
`, medium, medium)
	start := time.Date(2026, 11, 1, 9, 30, 0, 0, time.FixedZone("", -4*3600))
	for i := 0; i < n; i++ {
		if video && i%2 == 1 {
			continue
		}
		d := start.AddDate(0, 0, -i)
		fmt.Fprintf(&b, `<item>
<title>The films of %s</title>
<description><![CDATA[<p>Notes on <a href="https://bigreels.example/%d">the film</a>.</p>]]></description>
<enclosure url="{{BASE}}%s%d.%s" length="%s" type="%s"/>
<guid isPermaLink="false">big-%d</guid>
<pubDate>%s</pubDate>
`, letters(i), i, path, i, map[bool]string{false: "mp3", true: "mp4"}[video], size, typ, i, d.Format(time.RFC1123Z))
		if !video {
			fmt.Fprintf(&b, "<itunes:season>%d</itunes:season>\n<itunes:episode>%d</itunes:episode>\n", 1+i/500, 1+i%500)
		}
		b.WriteString("</item>\n")
	}
	b.WriteString("</channel>\n</rss>\n")
	return []byte(b.String())
}

// TestImport2000Items is the acceptance case: a 2,000-item podcast feed
// and its video feed, imported, built and compared, differ in nothing
// (every GUID, date, length and podcast:guid the old feeds').
func TestImport2000Items(t *testing.T) {
	h := newHost(t)
	h.feeds["/big.xml"] = h.render(t, bigFeed(h, 2000, false))
	h.feeds["/bigvideo.xml"] = h.render(t, bigFeed(h, 2000, true))
	into := t.TempDir()
	o := h.options(into)
	o.Feed, o.Video, o.Concurrency = h.url("/big.xml"), h.url("/bigvideo.xml"), 8
	res, ps := run(t, o)
	if len(res.Written) != 2000 || res.Downloaded != 3002 {
		t.Fatalf("written %d entries, downloaded %d files; want 2000 and 3002 (the media and two covers)", len(res.Written), res.Downloaded)
	}
	wantFound(t, "import problems", found(ps, importRules...), nil)
	vs := verify(t, into, res)
	wantFound(t, "differences", found(vs, "FP605", "FP606"), nil)
	cfg := read(t, filepath.Join(into, "feedpub.yaml"))
	for _, g := range []string{identity.PodcastGUID(h.url("/big.xml")), identity.PodcastGUID(h.url("/bigvideo.xml"))} {
		if !strings.Contains(cfg, "guid: "+g) {
			t.Errorf("feedpub.yaml lacks the old feed URL's podcast:guid %s", g)
		}
	}
}

// TestImportAtomReviews reads an Atom review feed (as Hugo writes it):
// entries joined to their episode by day and title, the rest written
// reviews with their Atom id as guid.
func TestImportAtomReviews(t *testing.T) {
	h := newHost(t)
	data, err := os.ReadFile(filepath.Join("testdata", "atom-reviews.xml"))
	if err != nil {
		t.Fatal(err)
	}
	h.feeds["/atom-reviews.xml"] = data
	into := t.TempDir()
	o := h.options(into)
	o.Feed, o.Reviews = h.url("/hosting.xml"), h.url("/atom-reviews.xml")
	run(t, o)
	her := read(t, filepath.Join(into, "reviews/heroin-e-a-small-film-with-a-mighty-heart.md"))
	for _, s := range []string{"guid: Hosting-12000002", "Three women, one *city*.", "1. The chief", "link: https://reelverdicts.example/reviews/heroine/"} {
		if !strings.Contains(her, s) {
			t.Errorf("the reviewed episode lacks %q:\n%s", s, her)
		}
	}
	zone := read(t, filepath.Join(into, "reviews/the-zone-of-interest.md"))
	for _, s := range []string{"guid: tag:reelverdicts.example,2026-02-20:reviews/zone-of-interest", `date: "2026-02-20T08:00:00+01:00"`, "A garden next to a wall."} {
		if !strings.Contains(zone, s) {
			t.Errorf("the written review lacks %q:\n%s", s, zone)
		}
	}
}

// TestImportVideoLater: a video feed imported after its audio feed cannot
// change the entries written before; each one it belongs to is named.
func TestImportVideoLater(t *testing.T) {
	h := newHost(t)
	into := t.TempDir()
	o := h.options(into)
	o.Feed = h.url("/hosting.xml")
	run(t, o)
	o.Video = h.url("/video.xml")
	res, ps := run(t, o)
	wantFound(t, "notes", found(ps, "FP604"), []string{`FP604 item 1 (guid "Hosting-12000003")`, `FP604 item 2 (guid "video-heroine")`})
	got := append([]string(nil), res.Written...)
	sort.Strings(got)
	wantFound(t, "written", got, []string{"reviews/dune-part-two-in-four-minutes.md", "reviews/heroin-e-a-small-film-with-a-mighty-heart-video.md"})
	// Run again: the note stays, nothing else happens.
	res, _ = run(t, o)
	if len(res.Written) != 0 {
		t.Errorf("third run wrote %v", res.Written)
	}
}

// TestImportPartLongerThanFile: a .part the server cannot continue (416)
// is discarded, and the next import fetches the file whole.
func TestImportPartLongerThanFile(t *testing.T) {
	h := newHost(t)
	into := t.TempDir()
	part := filepath.Join(into, "media", "past-lives-the-road-not-taken.mp3.part")
	if err := os.MkdirAll(filepath.Dir(part), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(part, make([]byte, 20000), 0o644); err != nil {
		t.Fatal(err)
	}
	o := h.options(into)
	o.Feed = h.url("/hosting.xml")
	_, ps := run(t, o)
	if got := found(ps, "FP601"); len(got) != 2 {
		t.Errorf("want the 416 and the 404 reported, got %v", got)
	}
	if _, err := os.Stat(part); err == nil {
		t.Error("the .part the server cannot continue is kept")
	}
	res, _ := run(t, o)
	if len(res.Written) != 1 || res.Written[0] != "reviews/past-lives-the-road-not-taken.md" {
		t.Errorf("third run wrote %v", res.Written)
	}
}

// TestImportMovedFeed: a feed that names its successor
// (itunes:new-feed-url) is imported, and the move is named.
func TestImportMovedFeed(t *testing.T) {
	h := newHost(t)
	h.feeds["/moved.xml"] = []byte(strings.Replace(string(h.feeds["/latin1.xml"]), "<title>", "<itunes:new-feed-url>https://elsewhere.example/feed.xml</itunes:new-feed-url><title>", 1))
	o := h.options(t.TempDir())
	o.Feed = h.url("/moved.xml")
	res, ps := run(t, o)
	if got := found(ps, "FP449"); len(got) != 1 || got[0] != "FP449 channel itunes:new-feed-url" || len(res.Written) != 1 {
		t.Errorf("notes %v, written %v", got, res.Written)
	}
}
