package syndication

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/feedpub/feedpub/feeds"
	"github.com/feedpub/feedpub/feeds/internal/spec"
	"github.com/feedpub/feedpub/feeds/xmltext"
)

// Warning is a value a renderer changed or left out; see xmltext.Warning.
type Warning = xmltext.Warning

// Namespaces used by the RSS and Atom feeds.
const (
	NSAtom    = spec.NSAtom
	NSContent = spec.NSContent
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

// writeXML writes head, an XML document whose list of items is empty, with
// n items (made one at a time by item) put where encoding/xml would have
// put them: before closing, the end tag of their parent, as elements name
// at depth, indented alike. So a feed of any length is written in the
// memory of one item. hex applies xmltext.HexEscapes to the text.
func writeXML(w io.Writer, what string, head any, closing, name string, depth, n int, item func(i int) any, hex bool) error {
	var buf bytes.Buffer
	buf.WriteString(xml.Header[:len(xml.Header)-1] + "\n")
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(head); err != nil {
		return fmt.Errorf("syndication: %s: encode: %w", what, err)
	}
	buf.WriteByte('\n')
	doc := buf.Bytes()
	cut := len(doc)
	if n > 0 {
		if cut = bytes.LastIndex(doc, []byte(closing)); cut < 0 {
			return fmt.Errorf("syndication: %s: encode: no %q to put the items before", what, closing)
		}
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	out := func(b []byte) {
		if hex {
			b = xmltext.HexEscapes(b)
		}
		bw.Write(b)
	}
	out(doc[:cut])
	var ib bytes.Buffer
	prefix := strings.Repeat("  ", depth)
	for i := range n {
		ib.Reset()
		ib.WriteByte('\n')
		// An encoder per item: each starts at the item's own indentation.
		ie := xml.NewEncoder(&ib)
		ie.Indent(prefix, "  ")
		if err := ie.EncodeElement(item(i), xml.StartElement{Name: xml.Name{Local: name}}); err != nil {
			return fmt.Errorf("syndication: %s: encode: %w", what, err)
		}
		out(ib.Bytes())
	}
	out(doc[cut:])
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("syndication: %s: write: %w", what, err)
	}
	return nil
}
