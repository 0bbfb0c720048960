package videolink

import (
	"os"
	"strings"
	"testing"
	"time"
)

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestParseChannel(t *testing.T) {
	data, err := os.ReadFile("testdata/channel.xml")
	if err != nil {
		t.Fatal(err)
	}
	videos, skipped, err := ParseChannel(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(videos) != 5 || len(skipped) != 1 || !strings.Contains(skipped[0], `entry 6 ("A live stream without an ID")`) {
		t.Fatalf("%d videos, skipped %q", len(videos), skipped)
	}
	v := videos[1]
	if v.Title != "PAST LIVES – our review in 90 seconds" || v.Link.ID != "PL1vesRev90" || v.Link.Page != "https://www.youtube.com/watch?v=PL1vesRev90" ||
		!v.Published.Equal(time.Date(2026, 11, 8, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("video 2: %+v", v)
	}
	for _, bad := range []string{"<rss><channel></channel></rss>", "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry>", "{}"} {
		if _, _, err := ParseChannel([]byte(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestMatchChannel(t *testing.T) {
	yt := func(id, title, date string) Video {
		l, err := Parse("https://youtu.be/"+id, false)
		if err != nil {
			t.Fatal(err)
		}
		return Video{Link: l, Title: title, Published: day(date)}
	}
	reviews := []Review{
		{File: "reviews/past-lives.md", Title: "Past Lives: the road not taken", Film: "Past Lives", Date: day("2026-11-06")},
		{File: "reviews/lives.md", Title: "Lives", Film: "Lives", Date: day("2026-11-08")},
		{File: "reviews/aftersun.md", Title: "Aftersun: memory", Film: "Aftersun", Date: day("2026-10-30"), Video: "https://www.youtube.com/watch?v=Rv8d1Aftr5n"},
		{File: "reviews/heroine.md", Title: "Heroin(e)", Film: "Heroin(e)", Date: day("2026-11-13"), HasFile: true},
		{File: "reviews/dune.md", Title: "Dune: Part Two in ninety seconds", Date: day("2026-11-20")},
		{File: "reviews/perfect-days.md", Title: "Perfect", Film: "Perfect Days", Date: day("2026-11-20"), Video: "https://vimeo.com/76979871"},
	}
	got := MatchChannel([]Video{
		yt("PL1vesRev90", "PAST LIVES – our review", "2026-11-07"),
		yt("PL1vesRev91", "Past Lives, the director's cut of our review", "2026-11-09"),
		yt("Rv8d1Aftr5n", "Aftersun", "2026-10-31"),
		yt("Rv8d1Aftr5m", "Aftersun: a second look", "2026-11-02"),
		yt("Hero1neVid0", "HEROIN(E) – review", "2026-11-14"),
		yt("Dune0000000", "Dune, Part Two: 90 seconds", "2026-11-20"),
		yt("Top10xxxxxx", "Ten films of the year", "2026-11-20"),
		yt("PL1vesTrlr0", "Past Lives first reactions", "2026-05-20"),
		yt("PerfectDays", "Perfect Days on YouTube", "2026-11-21"),
	}, reviews)
	want := []struct{ file, status, why string }{
		{"reviews/past-lives.md", "add", `film "Past Lives", 1 day apart`},
		{"", "none", "reviews/past-lives.md matches the video \"PAST LIVES – our review\", nearer in date"},
		{"reviews/aftersun.md", "linked", ""},
		{"", "none", `reviews/aftersun.md matches the video "Aftersun", nearer in date`},
		{"reviews/heroine.md", "taken", ""},
		{"reviews/dune.md", "add", `film "Dune", 0 days apart`},
		{"", "none", "no review's film title"},
		{"", "none", "is 170 days from the video, more than 60 days"},
		{"reviews/perfect-days.md", "taken", `film "Perfect Days", 1 day apart`},
	}
	for i, w := range want {
		m := got[i]
		file := ""
		if m.Review != nil {
			file = m.Review.File
		}
		if file != w.file || m.Status != w.status || !strings.Contains(m.Why, w.why) {
			t.Errorf("video %d (%s): %s %s %q, want %s %s %q", i+1, m.Video.Title, file, m.Status, m.Why, w.file, w.status, w.why)
		}
	}
	if l := got[0].Line(); l != "video: {url: \"https://youtu.be/PL1vesRev90\"}" {
		t.Errorf("line %q", l)
	}
}

func TestAddLine(t *testing.T) {
	const line = "video: {url: \"https://youtu.be/PL1vesRev90\"}"
	for _, c := range []struct{ in, want string }{
		{
			"---\ntitle: A # the title\n# a comment\nfilm: {title: A}\n---\nBody\n---\nmore\n",
			"---\ntitle: A # the title\n# a comment\nfilm: {title: A}\n" + line + "\n---\nBody\n---\nmore\n",
		},
		{"\xef\xbb\xbf---\r\ntitle: A\r\n---\r\nBody\r\n", "\xef\xbb\xbf---\r\ntitle: A\r\n" + line + "\r\n---\r\nBody\r\n"},
		{"---\ntitle: A\n---", "---\ntitle: A\n" + line + "\n---"},
		{"---\n---\nBody", "---\n" + line + "\n---\nBody"},
	} {
		got, err := AddLine([]byte(c.in), line)
		if err != nil || string(got) != c.want {
			t.Errorf("%q:\ngot  %q (%v)\nwant %q", c.in, got, err, c.want)
		}
	}
	for in, want := range map[string]string{
		"title: A\n":           "no front matter",
		"---\ntitle: A\n":      "no closing ---",
		"---\ntitle: [\n---\n": "not valid YAML",
		"---\ntitle: A\nvideo: {file: a.mp4}\n---\n": "already has video: (line 3)",
	} {
		if _, err := AddLine([]byte(in), line); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", in, err, want)
		}
	}
}
