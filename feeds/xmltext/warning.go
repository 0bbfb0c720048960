package xmltext

import "fmt"

// Warning reports a value an encoder had to change to meet a format's rules,
// such as a title cut to Apple's 255-character limit, naming the entry so a
// user can fix the source. feeds/podcast and feeds/syndication return them;
// podcast.Warning is the same type.
type Warning struct {
	Source string // the entry's content file (feeds.Entry.Source); "" for the channel
	GUID   string // the entry's GUID; "" for the channel
	Field  string // the element, e.g. "item title" or "channel description"
	Msg    string // what was done, e.g. "cut to 255 characters (was 312)"
}

// String formats w as "SOURCE: FIELD: MSG" (or "channel: ..." without a
// source).
func (w Warning) String() string {
	src := w.Source
	if src == "" {
		src = w.GUID
	}
	if src == "" {
		src = "channel"
	}
	return fmt.Sprintf("%s: %s: %s", src, w.Field, w.Msg)
}
