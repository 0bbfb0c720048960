package syndication

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/feedpub/feedpub/feeds"
	"github.com/feedpub/feedpub/feeds/xmltext"
)

// RenderJSON writes f as JSON Feed 1.1 with two-space indentation, HTML
// characters unescaped, and a trailing newline. Audio and video versions are
// attachments with size_in_bytes and duration_in_seconds (whole seconds).
// content_html is the review's HTML after xmltext.SafeHTML (from WithForms
// when given).
func RenderJSON(w io.Writer, f *feeds.ReviewFeed, opts ...Option) ([]Warning, error) {
	if f == nil {
		return nil, fmt.Errorf("syndication: json: %w", errNilFeed)
	}
	forms := optionsOf(opts).forms
	feed := jsonFeed{
		Version:     JSONFeedVersion,
		Title:       xmltext.Line(f.Title),
		HomePageURL: xmltext.Clean(f.Link),
		FeedURL:     xmltext.Clean(f.JSONURL),
		Description: xmltext.Clean(f.Description),
		Icon:        xmltext.Clean(f.Image),
		Language:    xmltext.Line(f.Language),
		Items:       []jsonItem{},
	}
	for _, h := range f.Hubs {
		feed.Hubs = append(feed.Hubs, jsonHub{Type: "WebSub", URL: xmltext.Clean(h)})
	}
	if name := xmltext.Line(f.Author); name != "" {
		feed.Authors = []jsonAuthor{{Name: name, URL: xmltext.Clean(f.Link)}}
	}
	item := func(i int) any {
		e := f.Items[i]
		it := jsonItem{
			ID:            xmltext.Line(e.GUID),
			URL:           xmltext.Clean(e.Link),
			Title:         xmltext.Line(e.Title),
			ContentHTML:   reviewHTML(forms, e),
			Summary:       xmltext.Clean(e.Summary),
			Image:         xmltext.Clean(e.Image),
			DatePublished: rfc3339(e.Date),
			DateModified:  rfc3339(updated(e)),
		}
		if it.ContentHTML == "" {
			it.ContentText = it.Summary // JSON Feed requires content_html or content_text
		}
		for _, t := range e.Tags {
			if t = xmltext.Line(t); t != "" {
				it.Tags = append(it.Tags, t)
			}
		}
		if name := xmltext.Line(e.Author); name != "" {
			it.Authors = []jsonAuthor{{Name: name}}
		}
		for _, v := range versions(e) {
			title := "Audio"
			if v == e.Video {
				title = "Video"
			}
			it.Attachments = append(it.Attachments, jsonAttachment{
				URL: xmltext.Clean(v.Enclosure.URL), MIMEType: xmltext.Line(v.Enclosure.Type), Title: title,
				SizeInBytes: v.Enclosure.Length, DurationInSeconds: seconds(v.Enclosure.Duration),
			})
		}
		if v := e.VideoLink; v != nil {
			// JSON Feed has no video link of its own: an attachment of
			// type text/html is the page where the video plays.
			it.Attachments = append(it.Attachments, jsonAttachment{
				URL: xmltext.Clean(v.Page), MIMEType: "text/html", Title: xmltext.Line(v.Title),
				DurationInSeconds: seconds(v.Duration),
			})
			if it.Image == "" {
				it.Image = xmltext.Clean(v.Thumbnail)
			}
		}
		return it
	}
	return nil, writeJSON(w, feed, len(f.Items), item)
}

// writeJSON writes head, a JSON Feed whose items (its last member) are
// [], with n items (made one at a time by item) as json.Encoder would have
// indented them, so a feed of any length is written in the memory of one
// item.
func writeJSON(w io.Writer, head jsonFeed, n int, item func(i int) any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(head); err != nil { // Encode ends with a newline
		return fmt.Errorf("syndication: json: encode: %w", err)
	}
	doc := buf.Bytes()
	const empty = `"items": []`
	cut := len(doc)
	if n > 0 {
		if cut = bytes.LastIndex(doc, []byte(empty)); cut < 0 {
			return errors.New("syndication: json: encode: no items member")
		}
		cut += len(empty) - 1 // before the ]
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.Write(doc[:cut])
	var ib bytes.Buffer
	ie := json.NewEncoder(&ib)
	ie.SetEscapeHTML(false)
	ie.SetIndent("    ", "  ")
	for i := range n {
		ib.Reset()
		if err := ie.Encode(item(i)); err != nil {
			return fmt.Errorf("syndication: json: encode: %w", err)
		}
		if i > 0 {
			bw.WriteByte(',')
		}
		bw.WriteString("\n    ")
		bw.Write(bytes.TrimSuffix(ib.Bytes(), []byte("\n")))
	}
	if n > 0 {
		bw.WriteString("\n  ")
	}
	bw.Write(doc[cut:])
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("syndication: json: write: %w", err)
	}
	return nil
}

type jsonFeed struct {
	Version     string       `json:"version"`
	Title       string       `json:"title"`
	HomePageURL string       `json:"home_page_url,omitempty"`
	FeedURL     string       `json:"feed_url,omitempty"`
	Description string       `json:"description,omitempty"`
	Icon        string       `json:"icon,omitempty"`
	Language    string       `json:"language,omitempty"`
	Authors     []jsonAuthor `json:"authors,omitempty"`
	Hubs        []jsonHub    `json:"hubs,omitempty"`
	Items       []jsonItem   `json:"items"`
}

// jsonHub is one entry of JSON Feed's hubs: a WebSub hub.
type jsonHub struct {
	Type string `json:"type"`
	URL  string `json:"url"`
}

type jsonAuthor struct {
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

type jsonItem struct {
	ID            string           `json:"id"`
	URL           string           `json:"url,omitempty"`
	Title         string           `json:"title,omitempty"`
	ContentHTML   string           `json:"content_html,omitempty"`
	ContentText   string           `json:"content_text,omitempty"`
	Summary       string           `json:"summary,omitempty"`
	Image         string           `json:"image,omitempty"`
	DatePublished string           `json:"date_published,omitempty"`
	DateModified  string           `json:"date_modified,omitempty"`
	Tags          []string         `json:"tags,omitempty"`
	Authors       []jsonAuthor     `json:"authors,omitempty"`
	Attachments   []jsonAttachment `json:"attachments,omitempty"`
}

type jsonAttachment struct {
	URL               string `json:"url"`
	MIMEType          string `json:"mime_type"`
	Title             string `json:"title,omitempty"`
	SizeInBytes       int64  `json:"size_in_bytes,omitempty"`
	DurationInSeconds int64  `json:"duration_in_seconds,omitempty"`
}
