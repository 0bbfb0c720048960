package videolink

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
	"unicode"
)

// Video is one video of a channel's feed.
type Video struct {
	Link      Link // its page, player and platform ID
	Title     string
	Published time.Time
}

// ParseChannel reads a channel's public Atom feed, as YouTube publishes
// one per channel (https://www.youtube.com/feeds/videos.xml?channel_id=ID:
// each entry a yt:videoId, a title, a published date and its page). An
// entry that names no video of a known platform is skipped and named in
// skipped; a document that is not an Atom feed is an error.
func ParseChannel(data []byte) (videos []Video, skipped []string, err error) {
	var doc struct {
		XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
		Entries []struct {
			Title   string `xml:"http://www.w3.org/2005/Atom title"`
			VideoID string `xml:"http://www.youtube.com/xml/schemas/2015 videoId"`
			Links   []struct {
				Rel  string `xml:"rel,attr"`
				Href string `xml:"href,attr"`
			} `xml:"http://www.w3.org/2005/Atom link"`
			Published string `xml:"http://www.w3.org/2005/Atom published"`
		} `xml:"http://www.w3.org/2005/Atom entry"`
	}
	d := xml.NewDecoder(bytes.NewReader(data))
	if err := d.Decode(&doc); err != nil {
		var se *xml.SyntaxError
		if errors.As(err, &se) {
			return nil, nil, fmt.Errorf("not well-formed XML, line %d: %s", se.Line, se.Msg)
		}
		return nil, nil, fmt.Errorf("not an Atom feed (a channel's feed is Atom, such as https://www.youtube.com/feeds/videos.xml?channel_id=ID): %v", err)
	}
	for i, e := range doc.Entries {
		title := strings.Join(strings.Fields(e.Title), " ")
		page := ""
		for _, l := range e.Links {
			if l.Rel == "" || l.Rel == "alternate" {
				page = strings.TrimSpace(l.Href)
				break
			}
		}
		if id := strings.TrimSpace(e.VideoID); page == "" && id != "" {
			page = "https://www.youtube.com/watch?v=" + id
		}
		l, perr := Parse(page, false)
		if perr != nil {
			skipped = append(skipped, fmt.Sprintf("entry %d (%q): %v", i+1, title, perr))
			continue
		}
		v := Video{Link: l, Title: title}
		if t, err := time.Parse(time.RFC3339, strings.TrimSpace(e.Published)); err == nil {
			v.Published = t.UTC()
		} else {
			skipped = append(skipped, fmt.Sprintf("entry %d (%q): published %q is not an RFC 3339 date", i+1, title, e.Published))
			continue
		}
		videos = append(videos, v)
	}
	return videos, skipped, nil
}

// Review is an entry of the site that a video may be the video review of.
type Review struct {
	File  string // the entry file, for messages and --write
	Title string // the entry's title
	Film  string // the reviewed film's title; "" when not given
	Date  time.Time
	// Video is the video link the entry already has ("" for none), and
	// HasFile says it has a video file: either leaves no room for another.
	Video   string
	HasFile bool
}

// MaxGap is how far apart a video and a review may be published to be
// matched: a video review goes out within weeks of the written one.
const MaxGap = 60 * 24 * time.Hour

// Match is what MatchChannel found for one video.
type Match struct {
	Video  Video
	Review *Review // nil when no review matches
	// Status says what to do: "add" (the line to add to Review.File),
	// "linked" (the review already links this video), "taken" (the review
	// has another video), "none" (no review matches).
	Status string
	Why    string // the film title found and the days apart, or why none
}

// Line is the front matter line that links the video. The URL is quoted:
// unquoted, YAML's flow mapping would end at a "}" or "," inside it.
func (m Match) Line() string { return fmt.Sprintf("video: {url: %q}", m.Video.Link.Page) }

// MatchChannel matches each video to the review whose film title (or,
// without a film, its title up to a colon) is in the video's title, within
// MaxGap: the longest title found, then the nearest in date; a review
// matched by several videos keeps the nearest. The result follows the
// videos' order.
func MatchChannel(videos []Video, reviews []Review) []Match {
	out := make([]Match, len(videos))
	best := map[*Review]int{} // review → the video that keeps it
	for i, v := range videos {
		out[i] = Match{Video: v, Status: "none", Why: "no review's film title is in the video's title"}
		title := " " + fold(v.Title) + " "
		var cands []*Review
		for j := range reviews {
			r := &reviews[j]
			if n := fold(name(r)); n != "" && strings.Contains(title, " "+n+" ") {
				cands = append(cands, r)
			}
		}
		if len(cands) == 0 {
			continue
		}
		// Within MaxGap first; then the longest title found, as "Past Lives"
		// is meant rather than "Lives"; then the nearest in date.
		sort.SliceStable(cands, func(a, b int) bool {
			ga, gb := gap(cands[a], v), gap(cands[b], v)
			if (ga <= MaxGap) != (gb <= MaxGap) {
				return ga <= MaxGap
			}
			if la, lb := len(fold(name(cands[a]))), len(fold(name(cands[b]))); la != lb {
				return la > lb
			}
			return ga < gb
		})
		r := cands[0]
		if g := gap(r, v); g > MaxGap {
			out[i].Why = fmt.Sprintf("%s (%q) is %s from the video, more than %d days", r.File, name(r), days(g), int(MaxGap.Hours()/24))
			continue
		}
		out[i].Review, out[i].Why = r, fmt.Sprintf("film %q, %s apart", name(r), days(gap(r, v)))
		if prev, ok := best[r]; ok {
			if gap(r, videos[prev]) <= gap(r, v) {
				out[i].Review, out[i].Why = nil, fmt.Sprintf("%s matches the video %q, nearer in date", r.File, videos[prev].Title)
				continue
			}
			out[prev].Review, out[prev].Status = nil, "none"
			out[prev].Why = fmt.Sprintf("%s matches the video %q, nearer in date", r.File, v.Title)
		}
		best[r] = i
	}
	for i := range out {
		if r := out[i].Review; r != nil {
			out[i].Status = status(r, out[i].Video)
		}
	}
	return out
}

// status says whether the video can be added to r.
func status(r *Review, v Video) string {
	switch {
	case r.Video != "":
		if l, err := Parse(r.Video, true); err == nil && l.Platform == v.Link.Platform && l.ID == v.Link.ID && l.ID != "" {
			return "linked"
		}
		return "taken"
	case r.HasFile:
		return "taken"
	}
	return "add"
}

// name is what a video's title must contain to be r's video review.
func name(r *Review) string {
	if r.Film != "" {
		return r.Film
	}
	t, _, _ := strings.Cut(r.Title, ":")
	return t
}

func gap(r *Review, v Video) time.Duration {
	d := r.Date.Sub(v.Published)
	if d < 0 {
		return -d
	}
	return d
}

func days(d time.Duration) string {
	if n := int(math.Round(d.Hours() / 24)); n != 1 {
		return fmt.Sprintf("%d days", n)
	}
	return "1 day"
}

// fold lower-cases s and makes every run of other than letters and digits
// one space, so "Heroin(e)" is found in "HEROIN(E) – review".
func fold(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), " ")
}
