package feedcheck

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
)

// DetectFrom names the kind of the feed rd holds, as Detect does, reading
// only up to its root element's start tag.
func DetectFrom(rd io.Reader) string {
	br := bufio.NewReader(rd)
	for {
		b, err := br.Peek(1)
		if err != nil {
			return KindPodcast
		}
		switch b[0] {
		case ' ', '\t', '\r', '\n':
			_, _ = br.ReadByte()
			continue
		case 0xef: // a byte order mark
			if bom, _ := br.Peek(3); string(bom) == "\xef\xbb\xbf" {
				_, _ = br.Discard(3)
				continue
			}
		case '{':
			return KindJSON
		}
		break
	}
	d := xml.NewDecoder(br)
	d.CharsetReader = func(label string, _ io.Reader) (io.Reader, error) {
		return nil, fmt.Errorf("encoding %q: want UTF-8", label)
	}
	for {
		tok, err := d.Token()
		if err != nil {
			return KindPodcast
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if se.Name.Space == nsAtomFeed && se.Name.Local == "feed" {
			return KindAtom
		}
		if se.Name.Local != "rss" {
			return KindPodcast
		}
		for _, a := range se.Attr {
			if a.Name.Space == "xmlns" && a.Name.Local == "itunes" {
				return KindPodcast
			}
		}
		return KindRSS
	}
}

// CheckForeignFile is CheckForeign and Enclosures of the feed open gives
// (a fresh reader from its start each time it is called: a spooled file),
// never holding an XML feed whole: it is read once to tell its kind, once
// for the rules and once for the enclosures, an item at a time. A JSON
// Feed is read whole (the caller bounds its size).
func CheckForeignFile(open func() (io.ReadCloser, error)) (kind string, errs []error, encs []Enclosure, err error) {
	pass := func(fn func(io.Reader)) error {
		rc, err := open()
		if err != nil {
			return err
		}
		defer rc.Close()
		fn(rc)
		return nil
	}
	if err := pass(func(r io.Reader) { kind = DetectFrom(r) }); err != nil {
		return "", nil, nil, err
	}
	if kind == KindJSON {
		var data []byte
		if err := pass(func(r io.Reader) { data, err = io.ReadAll(r) }); err != nil {
			return kind, nil, nil, err
		}
		if err != nil {
			return kind, nil, nil, err
		}
		_, errs = CheckForeign(data)
		return kind, errs, Enclosures(data), nil
	}
	err = pass(func(r io.Reader) {
		switch kind {
		case KindAtom:
			errs = CheckAtomFrom(r)
		case KindRSS:
			errs = CheckRSSFrom(r)
		default:
			errs = checkPodcast(r, Known{}, true)
		}
	})
	if err == nil {
		err = pass(func(r io.Reader) { encs = enclosuresFrom(r) })
	}
	if err != nil {
		return kind, nil, nil, err
	}
	return kind, errs, encs, nil
}
