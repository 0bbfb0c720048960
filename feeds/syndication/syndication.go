package syndication

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/feedpub/feedpub/feeds"
	"github.com/feedpub/feedpub/feeds/internal/spec"
	"github.com/feedpub/feedpub/feeds/internal/xmlw"
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

// Option changes how the renderers work, not what they write.
type Option func(*options)

type options struct {
	forms feeds.Forms // never nil
}

// WithForms makes a renderer take each review's sanitised form from f (a
// cache that keeps it across builds) rather than make it; f gives the same
// string xmltext would make, so the bytes are the same. Without it, the
// form is made with xmltext (feeds.MakeForms).
func WithForms(f feeds.Forms) Option {
	return func(o *options) {
		if f != nil {
			o.forms = f
		}
	}
}

func optionsOf(opts []Option) options {
	o := options{forms: feeds.MakeForms{}}
	for _, fn := range opts {
		fn(&o)
	}
	return o
}

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

// writeXML writes an XML document: the declaration, what write writes
// (hex: element text with hexadecimal references) and a final newline.
func writeXML(w io.Writer, what string, hex bool, write func(*xmlw.Writer)) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString(xmlw.Header)
	write(xmlw.New(bw, hex))
	bw.WriteByte('\n')
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("syndication: %s: write: %w", what, err)
	}
	return nil
}
