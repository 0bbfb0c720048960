package feedtest

import (
	"fmt"
	"strings"
	"time"

	"github.com/feedpub/feedpub/config/mediatype"
	"github.com/feedpub/feedpub/feeds"
	"github.com/feedpub/feedpub/feeds/identity"
)

// Base is the site URL of both test catalogs.
const Base = "https://reelverdicts.example/"

func date(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 7, 30, 0, 0, time.UTC)
}

func audio(slug string, length int64, dur time.Duration) feeds.Enclosure {
	return feeds.Enclosure{
		Key: "media/" + slug + ".mp3", URL: Base + "media/" + slug + ".mp3",
		Type: "audio/mpeg", Length: length, Duration: dur, Bitrate: 128000,
	}
}

func video(slug string, length int64, dur time.Duration) feeds.Enclosure {
	return feeds.Enclosure{
		Key: "media/" + slug + ".mp4", URL: Base + "media/" + slug + ".mp4",
		Type: "video/mp4", Length: length, Duration: dur, Bitrate: 2500000,
		Width: 1920, Height: 1080, Codecs: "avc1.640028,mp4a.40.2",
	}
}

func entry(slug string, d time.Time, title string) *feeds.Entry {
	return &feeds.Entry{
		Source:      "reviews/" + slug + ".md",
		Slug:        slug,
		GUID:        "reelverdicts-" + d.Format("2006-01-02") + "-" + slug,
		AtomID:      "tag:reelverdicts.example," + d.Format("2006-01-02") + ":" + slug,
		Title:       title,
		Link:        Base + "reviews/" + slug + "/",
		Date:        d,
		Updated:     d,
		Author:      "Maya Okafor",
		AuthorEmail: "maya@reelverdicts.example",
		Image:       Base + "art/" + slug + "-3000.jpg",
	}
}

func rating(r float64) *float64 { return &r }

func site() feeds.Site {
	return feeds.Site{
		Title:       "Reel Verdicts",
		Description: "Film reviews from Reel Verdicts.",
		Link:        Base,
		BaseURL:     Base,
		Language:    "en-gb",
		Author:      "Reel Verdicts",
		Email:       "editors@reelverdicts.example",
		Copyright:   "© 2026 Reel Verdicts",
		Image:       Base + "art/show-3000.jpg",
		Generator:   "feedpub 0.1.0",
	}
}

// show returns the audio or video show for site s and items.
func show(s feeds.Site, m feeds.Medium, items []*feeds.Entry) *feeds.Show {
	key, title := "podcast.xml", "Reel Verdicts"
	if m == feeds.Video {
		key, title = "video.xml", "Reel Verdicts (Video)"
	}
	sh := &feeds.Show{
		Medium:      m,
		Key:         key,
		URL:         s.BaseURL + key,
		Title:       title,
		Description: "<p>Weekly film reviews from the Reel Verdicts critics: new releases, restorations and the occasional guilty pleasure.</p>",
		Link:        s.Link,
		Language:    s.Language,
		Author:      s.Author,
		OwnerName:   "Reel Verdicts Editors",
		OwnerEmail:  s.Email,
		Copyright:   s.Copyright,
		Image:       s.Image,
		Categories:  []feeds.Category{{Name: "TV & Film", Sub: "Film Reviews"}},
		Type:        "episodic",
		GUID:        identity.PodcastGUID(s.BaseURL + key),
		Locked:      true,
		Items:       items,
		Generator:   s.Generator,
	}
	if len(items) > 0 {
		sh.Updated = items[0].Date
	}
	for _, e := range items {
		if v := e.Version(m); v != nil && v.Type == "trailer" {
			sh.Trailers = append(sh.Trailers, e)
		}
	}
	return sh
}

func reviewFeed(s feeds.Site, items []*feeds.Entry) *feeds.ReviewFeed {
	r := &feeds.ReviewFeed{
		Title:        s.Title + " — Reviews",
		Description:  s.Description,
		Link:         s.Link,
		Language:     s.Language,
		Author:       s.Author,
		Email:        s.Email,
		Copyright:    s.Copyright,
		Image:        s.Image,
		RSSKey:       "reviews.xml",
		RSSURL:       s.BaseURL + "reviews.xml",
		AtomKey:      "reviews.atom",
		AtomURL:      s.BaseURL + "reviews.atom",
		JSONKey:      "reviews.json",
		JSONURL:      s.BaseURL + "reviews.json",
		TagAuthority: "reelverdicts.example,2026",
		Items:        items,
		Generator:    s.Generator,
	}
	for _, e := range items {
		if e.Updated.After(r.Updated) {
			r.Updated = e.Updated
		}
	}
	return r
}

// split sorts entries into the three feeds the way feeds.Build does: audio
// items, video items, and written reviews (entries with HTML).
func split(entries []*feeds.Entry) (aud, vid, rev []*feeds.Entry) {
	for _, e := range entries {
		if e.Audio != nil {
			aud = append(aud, e)
		}
		if e.Video != nil {
			vid = append(vid, e)
		}
		if e.HTML != "" {
			rev = append(rev, e)
		}
	}
	return aud, vid, rev
}

// ExampleCatalog returns a realistic film-review catalog, newest first: a
// review with audio and video, a review with audio, a video-only episode and
// a text-only review. Every call returns new values.
func ExampleCatalog() *feeds.Catalog {
	s := site()

	heroine := entry("heroine", date(2026, 3, 6), "Heroine")
	heroine.Summary = "A quietly devastating debut about a lifeguard who stops saving people."
	heroine.HTML = `<p><em>Heroine</em> (2026), directed by Lena Marsh. Rating: 4.5/5.</p>
<p>Lena Marsh's debut is the year's most assured first feature. <a href="https://reelverdicts.example/directors/lena-marsh/">More on Marsh</a>.</p>
<h2>Verdict</h2>
<p>See it on the biggest screen you can find.</p>`
	heroine.Tags = []string{"drama", "debut", "festival"}
	heroine.Film = &feeds.Film{Title: "Heroine", Year: 2026, Director: "Lena Marsh", Platform: "Cinemas"}
	heroine.Rating = rating(4.5)
	heroine.Audio = &feeds.Episode{Season: 3, Number: 12, Type: "full",
		Enclosure: audio("heroine", 39_845_120, 41*time.Minute+27*time.Second+600*time.Millisecond),
		Chapters:  &feeds.Link{URL: Base + "media/heroine.chapters.json", Type: mediatype.Chapters},
		Transcripts: []feeds.Transcript{
			{URL: Base + "media/heroine.vtt", Type: "text/vtt", Language: "en-gb", Rel: "captions"},
		},
	}
	heroine.Video = &feeds.Episode{Season: 3, Number: 12, Type: "full",
		Enclosure: video("heroine", 612_334_080, 41*time.Minute+27*time.Second+400*time.Millisecond),
		Transcripts: []feeds.Transcript{
			{URL: Base + "media/heroine.vtt", Type: "text/vtt", Language: "en-gb", Rel: "captions"},
		},
	}

	dune := entry("dune-part-three", date(2026, 2, 27), "Dune: Part Three")
	dune.Summary = "Villeneuve closes the saga with more sand, more worms and fewer ideas."
	dune.HTML = `<p><em>Dune: Part Three</em> (2026), directed by Denis Villeneuve. Rating: 3/5.</p>
<p>Spectacular, loud and oddly weightless.</p>
<ul><li>Best scene: the storm.</li><li>Worst scene: the epilogue.</li></ul>`
	dune.Tags = []string{"science fiction", "blockbuster"}
	dune.Film = &feeds.Film{Title: "Dune: Part Three", Year: 2026, Director: "Denis Villeneuve", Platform: "IMAX"}
	dune.Rating = rating(3)
	dune.Author = "Tom Reyes"
	dune.AuthorEmail = "tom@reelverdicts.example"
	// A video review on Vimeo with a local thumbnail; the podcast feeds
	// leave it out.
	dune.VideoLink = &feeds.VideoLink{Page: "https://vimeo.com/76979871", Embed: "https://player.vimeo.com/video/76979871",
		Title: "Dune: Part Three, the video review", Duration: 4*time.Minute + 12*time.Second,
		Thumbnail: Base + "artwork/dune-part-three-video.jpg", ThumbnailKey: "artwork/dune-part-three-video.jpg"}
	dune.Audio = &feeds.Episode{Season: 3, Number: 11, Type: "full",
		Enclosure: audio("dune-part-three", 31_457_280, 32*time.Minute+46*time.Second),
		Persons: []feeds.Person{
			{Name: "Tom Reyes", Role: "host", Href: Base + "critics/tom-reyes/"},
			{Name: "Ana Lima", Role: "guest", Img: Base + "art/ana-lima.jpg"},
		},
	}

	longTake := entry("the-long-take", date(2026, 2, 20), "The Long Take: Our Favourite Single Shots")
	longTake.Link = ""
	longTake.Summary = "A video essay on five unbroken shots."
	longTake.Tags = []string{"video essay"}
	longTake.Video = &feeds.Episode{Season: 3, Number: 10, Type: "bonus",
		Enclosure: video("the-long-take", 254_803_968, 18*time.Minute+5*time.Second),
	}

	perfect := entry("perfect-days", date(2026, 2, 13), "Perfect Days")
	perfect.Summary = "Wim Wenders finds grace in a Tokyo toilet cleaner's routine."
	perfect.HTML = `<p><em>Perfect Days</em> (2023), directed by Wim Wenders. Rating: 5/5.</p>
<p>A film about paying attention.</p>`
	perfect.Tags = []string{"drama", "japan"}
	perfect.Film = &feeds.Film{Title: "Perfect Days", Year: 2023, Director: "Wim Wenders", Platform: "MUBI"}
	perfect.Rating = rating(5)
	perfect.VideoLink = &feeds.VideoLink{Page: "https://www.youtube.com/watch?v=dQw4w9WgXcQ", Embed: "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
		Title: "Perfect Days", Duration: 95 * time.Second, Thumbnail: "https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg"}

	aud, vid, rev := split([]*feeds.Entry{heroine, dune, longTake, perfect})
	c := &feeds.Catalog{Site: s, Podcast: show(s, feeds.Audio, aud), Video: show(s, feeds.Video, vid), Reviews: reviewFeed(s, rev)}
	c.Podcast.Persons = []feeds.Person{{Name: "Maya Okafor", Role: "host", Href: Base + "critics/maya-okafor/"}}
	c.Podcast.Funding = []feeds.Funding{{URL: Base + "support/", Text: "Support Reel Verdicts"}}
	c.Podcast.UpdateFrequency = &feeds.UpdateFrequency{RRule: "FREQ=WEEKLY;BYDAY=FR", Text: "Weekly, on Fridays"}
	c.Video.Funding = c.Podcast.Funding
	return c
}

// AdversarialCatalog returns a catalog that exercises every escape, limit and
// optional tag: control characters, "]]>" in bodies and summaries, HTML in
// titles, emoji, Arabic and Japanese text, a 12,000+ character review, a
// serial show with a trailer and a bonus episode, transcripts in two
// languages and formats, chapters, persons, funding, txt, licence and update
// frequency, and values over Apple's limits. Every call returns new values.
func AdversarialCatalog() *feeds.Catalog {
	s := site()
	s.Title = "Reel Verdicts 🎬 & <Friends>"
	loc := time.FixedZone("", 9*3600) // +09:00

	heat := entry("heat-vs-dune", time.Date(2026, 4, 3, 21, 15, 0, 0, loc), "  <b>Heat</b> & \"Dune\"\x00: a ]]> double bill 🍿  ")
	heat.Summary = "Two epics\x0b, one ]]> night. Control\x1b[31m characters, <tags> & 'quotes'. 🎞️"
	heat.HTML = `<p>Mann's <b>Heat</b> &amp; Villeneuve's <i>Dune</i> — a ]]> double bill.</p>
<script>alert("x")</script><p onclick="evil()">Ratings: 5/5 &amp; 4/5.` + "\x01\x02" + ` <a href="javascript:alert(1)">bad link</a> <a href="https://example.org/?a=1&amp;b=2">good link</a></p>
<pre><code>if a < b && c > d { return "]]>" }</code></pre>
<p>العربية: مراجعة مزدوجة. 日本語：二本立てのレビュー。 Emoji: 👩🏽‍🎤 🏳️‍🌈</p>`
	heat.Tags = []string{"double bill", "crime & sci-fi", "<tag>"}
	heat.AuthorEmail = "maya+reviews@reelverdicts.example"
	heat.Audio = &feeds.Episode{Title: "Heat & Dune (extended cut)", Season: 2, Number: 3, Type: "full", Explicit: true,
		Enclosure: audio("heat-vs-dune", 88_080_384, 91*time.Minute+59*time.Second+500*time.Millisecond),
		Chapters:  &feeds.Link{URL: Base + "media/heat-vs-dune.chapters.json", Type: mediatype.Chapters},
		Transcripts: []feeds.Transcript{
			{URL: Base + "media/heat-vs-dune.en.vtt", Type: "text/vtt", Language: "en", Rel: "captions"},
			{URL: Base + "media/heat-vs-dune.ar.srt", Type: "application/x-subrip", Language: "ar"},
		},
		Persons: []feeds.Person{
			{Name: "Maya Okafor", Role: "host"},
			{Name: "Kenji Watanabe 渡辺", Role: "guest", Group: "cast", Href: "https://example.jp/kenji?a=1&b=2", Img: Base + "art/kenji.png"},
		},
	}
	heat.Video = &feeds.Episode{Title: "Heat & Dune (video)", Season: 2, Number: 3, Type: "full", Explicit: true,
		Enclosure: video("heat-vs-dune", 1_288_490_189, 91*time.Minute+59*time.Second+499*time.Millisecond),
		Transcripts: []feeds.Transcript{
			{URL: Base + "media/heat-vs-dune.en.vtt", Type: "text/vtt", Language: "en", Rel: "captions"},
			{URL: Base + "media/heat-vs-dune.ar.srt", Type: "application/x-subrip", Language: "ar"},
		},
	}

	var long strings.Builder
	long.WriteString("<h2>طوكيو</h2>\n")
	for i := 0; long.Len() < 40000; i++ {
		fmt.Fprintf(&long, "<p>Paragraph %d: 東京物語は小津安二郎の傑作です。 Ozu's camera stays low, at tatami height, and waits. العربية %d ]]> end.</p>\n", i, i)
	}
	tokyo := entry("tokyo-story", time.Date(2026, 3, 27, 18, 0, 0, 0, time.FixedZone("", -5*3600)), "رحلة إلى طوكيو — 東京物語 (Tokyo Story)")
	tokyo.Summary = "小津安二郎の傑作を再訪する。 نعيد اكتشاف تحفة أوزو."
	tokyo.HTML = long.String()
	tokyo.Tags = []string{"日本", "كلاسيكي"}
	tokyo.Updated = time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	tokyo.AuthorEmail = ""
	tokyo.VideoLink = &feeds.VideoLink{Page: "https://reelverdicts.example/videos/tokyo?a=1&b=<2>",
		Title: "東京物語 ]]> <video> & \"essay\"\x01", Thumbnail: "https://cdn.example/t.jpg?w=1&h=2"}
	tokyo.Audio = &feeds.Episode{Season: 2, Number: 2, Type: "full",
		Enclosure: feeds.Enclosure{Key: "media/tokyo-story.m4a", URL: Base + "media/tokyo-story.m4a",
			Type: "audio/x-m4a", Length: 120_586_240, Duration: 2*time.Hour + 7*time.Minute, Bitrate: 96000, Codecs: "mp4a.40.2"},
	}

	bonus := entry("bonus-mailbag", date(2026, 3, 20), strings.Repeat("Mailbag: your letters about long titles, ", 8)+"and more")
	bonus.Link = ""
	bonus.Summary = "Listener questions. ]]> Control\x07 chars. <script>not html</script> & ampersands."
	bonus.Image = ""
	bonus.Audio = &feeds.Episode{Season: 2, Number: 1, Type: "bonus",
		Enclosure: audio("bonus-mailbag", 9_437_184, 9*time.Minute+50*time.Second),
	}

	trailer := entry("season-2-trailer", date(2026, 3, 13), "Season 2 trailer: ]]> <coming> soon")
	trailer.Link = ""
	trailer.Summary = "Season two starts in April."
	trailer.Audio = &feeds.Episode{Season: 2, Number: 4, Type: "trailer",
		Enclosure: audio("season-2-trailer", 1_048_576, 64*time.Second),
	}
	trailer.Video = &feeds.Episode{Season: 2, Number: 4, Type: "trailer",
		Enclosure: feeds.Enclosure{Key: "media/season-2-trailer.mov", URL: Base + "media/season-2-trailer.mov",
			Type: "video/quicktime", Length: 52_428_800, Duration: 64 * time.Second, Height: 720, Width: 1280},
	}

	aud, vid, rev := split([]*feeds.Entry{heat, tokyo, bonus, trailer})
	c := &feeds.Catalog{Site: s, Podcast: show(s, feeds.Audio, aud), Video: show(s, feeds.Video, vid), Reviews: reviewFeed(s, rev)}
	for _, sh := range []*feeds.Show{c.Podcast, c.Video} {
		sh.Title = s.Title
		sh.Type = "serial"
		sh.Explicit = true
		sh.Description = "<p>Double bills ]]> and deep cuts.\x00</p><p>" + strings.Repeat("日本語とالعربية ", 300) + "</p>"
		sh.Categories = []feeds.Category{{Name: "TV & Film", Sub: "Film Reviews"}, {Name: "Arts", Sub: "Performing Arts"}, {Name: "History"}}
		sh.Copyright = "© 2026 Reel Verdicts & contributors"
		sh.NewFeedURL = sh.URL
		sh.Complete = true
		sh.Block = true
		sh.Locked = false
		sh.Funding = []feeds.Funding{{URL: Base + "support/?via=feed&x=1", Text: "Buy us a ☕ & popcorn"}}
		sh.Persons = []feeds.Person{
			{Name: "Maya Okafor", Role: "host", Href: Base + "critics/maya-okafor/", Img: Base + "art/maya.jpg"},
			{Name: "Sam O'Neil", Role: "producer", Group: "creative direction"},
		}
		sh.Txt = []feeds.Txt{{Purpose: "applepodcastsverify", Value: "0c9a1b2e-aaaa-bbbb-cccc-123456789abc"}, {Purpose: "note", Value: "<not html> & ]]>"}}
		sh.License = &feeds.License{Name: "CC-BY-NC-4.0", URL: "https://creativecommons.org/licenses/by-nc/4.0/"}
		sh.UpdateFrequency = &feeds.UpdateFrequency{RRule: "FREQ=WEEKLY;COUNT=10", DTStart: time.Date(2026, 4, 3, 0, 0, 0, 0, time.UTC), Text: "Weekly for ten weeks"}
		sh.Author = strings.Repeat("Reel Verdicts ", 20) + "Collective"
	}
	return c
}
