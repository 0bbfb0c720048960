package content

import (
	"slices"
	"time"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/feeds/internal/wire"
)

// The entry cache keeps entries in this encoding, written by hand rather
// than with encoding/gob, which would write and read its type
// descriptions again in every record. It carries no version: the cache's
// store (config/state) ties every record to the feedpub build that wrote
// it, so a changed encoding never reads an old one.
// TestBinaryRoundTripsEveryField fills every field, so a field added to
// Entry and forgotten here fails it.

// AppendBinary appends the entry, line numbers included, to b
// (encoding.BinaryAppender).
func (e *Entry) AppendBinary(b []byte) ([]byte, error) {
	for _, s := range []string{e.File, e.Slug, e.Title} {
		b = wire.AppendString(b, s)
	}
	for _, t := range []time.Time{e.Date, e.Updated} {
		tb, err := t.MarshalBinary()
		if err != nil {
			return nil, err
		}
		b = wire.AppendString(b, string(tb))
	}
	for _, s := range []string{e.Author, e.Email, e.Summary, e.Link, e.GUID} {
		b = wire.AppendString(b, s)
	}
	b = wire.AppendBool(b, e.Rating != nil)
	if e.Rating != nil {
		b = wire.AppendFloat(b, *e.Rating)
	}
	b = wire.AppendBool(b, e.Film != nil)
	if f := e.Film; f != nil {
		b = wire.AppendString(b, f.Title)
		b = wire.AppendInt(b, f.Year)
		b = wire.AppendString(b, f.Director)
		b = wire.AppendString(b, f.Platform)
	}
	b = appendStrings(b, e.Tags)
	b = wire.AppendString(b, e.Image)
	b = wire.AppendBool(b, e.Draft)
	b = wire.AppendString(b, e.HTML)
	b = appendMedia(b, e.Audio)
	b = appendMedia(b, e.Video)
	b = appendVideoLink(b, e.VideoLink)
	b = appendStrings(b, e.Ignore)
	// Sorted, so the same entry always encodes the same.
	fields := make([]string, 0, len(e.lines))
	for f := range e.lines {
		fields = append(fields, f)
	}
	slices.Sort(fields)
	b = wire.AppendUint(b, uint64(len(fields)))
	for _, f := range fields {
		b = wire.AppendString(b, f)
		b = wire.AppendInt(b, e.lines[f])
	}
	return b, nil
}

// UnmarshalBinary reads an entry AppendBinary wrote
// (encoding.BinaryUnmarshaler). Data that is not exactly that is an
// error, never a panic.
func (e *Entry) UnmarshalBinary(data []byte) error {
	r := wire.NewReader(data)
	var d Entry
	d.File, d.Slug, d.Title = r.String(), r.String(), r.String()
	for _, t := range []*time.Time{&d.Date, &d.Updated} {
		if err := t.UnmarshalBinary(r.Bytes()); err != nil {
			return err
		}
	}
	d.Author, d.Email, d.Summary, d.Link, d.GUID = r.String(), r.String(), r.String(), r.String(), r.String()
	if r.Bool() {
		v := r.Float()
		d.Rating = &v
	}
	if r.Bool() {
		d.Film = &Film{Title: r.String(), Year: r.Int(), Director: r.String(), Platform: r.String()}
	}
	d.Tags = readStrings(r)
	d.Image = r.String()
	d.Draft = r.Bool()
	d.HTML = r.String()
	d.Audio = readMedia(r)
	d.Video = readMedia(r)
	d.VideoLink = readVideoLink(r)
	d.Ignore = readStrings(r)
	n := r.Count()
	d.lines = make(map[string]int, n)
	for range n {
		f := r.String()
		d.lines[f] = r.Int()
	}
	if err := r.Err(); err != nil {
		return err
	}
	if r.Len() != 0 {
		return wire.ErrCorrupt
	}
	*e = d
	return nil
}

// appendStrings keeps nil and empty apart (a count one more than the
// length, 0 for nil), so an entry reads back exactly as Parse made it.
func appendStrings(b []byte, ss []string) []byte {
	if ss == nil {
		return wire.AppendUint(b, 0)
	}
	b = wire.AppendUint(b, uint64(len(ss))+1)
	for _, s := range ss {
		b = wire.AppendString(b, s)
	}
	return b
}

// readCount reads a count appendStrings (or another list) wrote, and
// whether the list was nil.
func readCount(r *wire.Reader) (n int, isNil bool) {
	n = r.Count()
	return n - 1, n == 0
}

func readStrings(r *wire.Reader) []string {
	n, isNil := readCount(r)
	if isNil {
		return nil
	}
	ss := make([]string, n)
	for i := range ss {
		ss[i] = r.String()
	}
	return ss
}

func appendMedia(b []byte, m *Media) []byte {
	b = wire.AppendBool(b, m != nil)
	if m == nil {
		return b
	}
	b = wire.AppendString(b, m.File)
	b = wire.AppendString(b, m.URL)
	b = wire.AppendString(b, m.Title)
	b = wire.AppendInt(b, m.Season)
	b = wire.AppendInt(b, m.Episode)
	b = wire.AppendString(b, m.EpisodeType)
	b = wire.AppendBool(b, m.Explicit != nil)
	if m.Explicit != nil {
		b = wire.AppendBool(b, *m.Explicit)
	}
	b = wire.AppendFloat(b, m.Duration)
	b = wire.AppendString(b, m.Chapters)
	if m.Transcripts == nil {
		b = wire.AppendUint(b, 0)
	} else {
		b = wire.AppendUint(b, uint64(len(m.Transcripts))+1)
	}
	for _, t := range m.Transcripts {
		b = wire.AppendString(b, t.File)
		b = wire.AppendString(b, t.Language)
		b = wire.AppendString(b, t.Rel)
	}
	if m.Persons == nil {
		b = wire.AppendUint(b, 0)
	} else {
		b = wire.AppendUint(b, uint64(len(m.Persons))+1)
	}
	for _, p := range m.Persons {
		for _, s := range []string{p.Name, p.Role, p.Group, p.Href, p.Img} {
			b = wire.AppendString(b, s)
		}
	}
	b = wire.AppendBool(b, m.Page)
	return wire.AppendString(b, m.Thumbnail)
}

func appendVideoLink(b []byte, v *VideoLink) []byte {
	b = wire.AppendBool(b, v != nil)
	if v == nil {
		return b
	}
	b = wire.AppendString(b, v.URL)
	b = wire.AppendBool(b, v.Page)
	b = wire.AppendString(b, v.Title)
	b = wire.AppendFloat(b, v.Duration)
	return wire.AppendString(b, v.Thumbnail)
}

func readVideoLink(r *wire.Reader) *VideoLink {
	if !r.Bool() {
		return nil
	}
	return &VideoLink{URL: r.String(), Page: r.Bool(), Title: r.String(), Duration: r.Float(), Thumbnail: r.String()}
}

func readMedia(r *wire.Reader) *Media {
	if !r.Bool() {
		return nil
	}
	m := &Media{File: r.String(), URL: r.String(), Title: r.String(), Season: r.Int(), Episode: r.Int(), EpisodeType: r.String()}
	if r.Bool() {
		v := r.Bool()
		m.Explicit = &v
	}
	m.Duration = r.Float()
	m.Chapters = r.String()
	if n, isNil := readCount(r); !isNil {
		m.Transcripts = make([]Transcript, n)
		for i := range m.Transcripts {
			m.Transcripts[i] = Transcript{File: r.String(), Language: r.String(), Rel: r.String()}
		}
	}
	if n, isNil := readCount(r); !isNil {
		m.Persons = make([]config.Person, n)
		for i := range m.Persons {
			m.Persons[i] = config.Person{Name: r.String(), Role: r.String(), Group: r.String(), Href: r.String(), Img: r.String()}
		}
	}
	m.Page, m.Thumbnail = r.Bool(), r.String()
	return m
}
