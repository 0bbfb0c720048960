package syndication

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/feedpub/feedpub/feeds"
	"github.com/feedpub/feedpub/feeds/xmltext"
)

// Warning is a value a renderer changed or left out; see xmltext.Warning.
type Warning = xmltext.Warning

// Namespaces used by the RSS and Atom feeds.
const (
	NSAtom    = "http://www.w3.org/2005/Atom"
	NSContent = "http://purl.org/rss/1.0/modules/content/"
	// JSONFeedVersion is the JSON Feed version URL written in "version".
	JSONFeedVersion = "https://jsonfeed.org/version/1.1"
)

var errNilFeed = errors.New("nil review feed")

// versions returns the entry's media versions, audio first.
func versions(e *feeds.Entry) []*feeds.Episode {
	var vs []*feeds.Episode
	for _, v := range []*feeds.Episode{e.Audio, e.Video} {
		if v != nil && v.Enclosure.URL != "" {
			vs = append(vs, v)
		}
	}
	return vs
}

func seconds(d time.Duration) int64 { return int64(math.Round(d.Seconds())) }

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}

func updated(e *feeds.Entry) time.Time {
	if e.Updated.IsZero() {
		return e.Date
	}
	return e.Updated
}

// emit writes buf to w after a successful encode.
func emit(w io.Writer, what string, buf *bytes.Buffer) error {
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("syndication: %s: write: %w", what, err)
	}
	return nil
}
