package probe

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// CheckChapters validates a Podcasting 2.0 JSON chapters file:
//
//	{"version": "1.2.0", "chapters": [{"startTime": 0, "title": "Intro"}, ...]}
//
// It wants a version string and a chapters array whose startTime values are
// numbers, at least 0, ascending, and within duration when duration > 0; an
// endTime, when present, must be a number after startTime (and within
// duration). Each error names the file and line (from the JSON decoder's
// offset), e.g. "ep1.chapters.json:9: chapter 2: startTime 75 is before the
// previous chapter's 90". After maxFileErrors errors, one more counts the
// rest.
func CheckChapters(name string, data []byte, duration time.Duration) []error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	p := &problems{name: name}
	var lines lineIndex // built on the first error
	fail := func(off int64, format string, args ...any) {
		if p.full() {
			p.more++
			return
		}
		if lines == nil {
			lines = newLineIndex(data)
		}
		p.add(lines.line(off), format, args...)
	}
	syntax := func(err error) []error {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		off := dec.InputOffset()
		switch {
		case errors.As(err, &se):
			off = se.Offset
		case errors.As(err, &te):
			off = te.Offset
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			err = errors.New("unexpected end of JSON")
		}
		fail(off, "invalid JSON: %v", err)
		return p.list()
	}

	tok, err := dec.Token()
	if err != nil {
		return syntax(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		fail(dec.InputOffset(), "want a JSON object with \"version\" and \"chapters\"")
		return p.list()
	}
	haveVersion, haveChapters := false, false
	for dec.More() {
		keyOff := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return syntax(err)
		}
		key, _ := tok.(string)
		switch key {
		case "version":
			var v any
			if err := dec.Decode(&v); err != nil {
				return syntax(err)
			}
			haveVersion = true
			if s, ok := v.(string); !ok || s == "" {
				fail(valueStart(data, keyOff), "version must be a non-empty string such as \"1.2.0\"")
			}
		case "chapters":
			haveChapters = true
			more, err := checkChapterArray(dec, data, duration, fail)
			if err != nil {
				return syntax(err)
			}
			if !more {
				return p.list()
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return syntax(err)
			}
		}
	}
	if _, err := dec.Token(); err != nil {
		return syntax(err)
	}
	if !haveVersion {
		fail(0, "missing \"version\"")
	}
	if !haveChapters {
		fail(0, "missing \"chapters\" array")
	}
	return p.list()
}

// chapter is one entry; times are json.Number so that a string such as
// "90" is reported rather than silently accepted.
type chapter struct {
	StartTime any `json:"startTime"`
	EndTime   any `json:"endTime"`
	Title     any `json:"title"`
}

// checkChapterArray reads the value of "chapters". more is false when it
// was not an array (reported through fail; the caller stops).
func checkChapterArray(dec *json.Decoder, data []byte, duration time.Duration, fail func(int64, string, ...any)) (more bool, err error) {
	start := dec.InputOffset()
	tok, err := dec.Token()
	if err != nil {
		return false, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		fail(valueStart(data, start), "\"chapters\" must be an array")
		return false, nil
	}
	prev := -1.0
	for i := 1; dec.More(); i++ {
		off := valueStart(data, dec.InputOffset())
		var c chapter
		if err := dec.Decode(&c); err != nil {
			return false, err
		}
		st, ok := number(c.StartTime)
		switch {
		case c.StartTime == nil:
			fail(off, "chapter %d: missing startTime", i)
			continue
		case !ok:
			fail(off, "chapter %d: startTime %s is not a number", i, jsonText(c.StartTime))
			continue
		case st < 0:
			fail(off, "chapter %d: startTime %v is negative", i, st)
		case st < prev:
			fail(off, "chapter %d: startTime %v is before the previous chapter's %v", i, st, prev)
		case duration > 0 && st > duration.Seconds():
			fail(off, "chapter %d: startTime %v is after the end of the episode (%v s)", i, st, duration.Seconds())
		}
		prev = max(prev, st)
		if c.EndTime != nil {
			et, ok := number(c.EndTime)
			switch {
			case !ok:
				fail(off, "chapter %d: endTime %s is not a number", i, jsonText(c.EndTime))
			case et <= st:
				fail(off, "chapter %d: endTime %v is not after startTime %v", i, et, st)
			case duration > 0 && et > duration.Seconds():
				fail(off, "chapter %d: endTime %v is after the end of the episode (%v s)", i, et, duration.Seconds())
			}
		}
		if c.Title != nil {
			if _, ok := c.Title.(string); !ok {
				fail(off, "chapter %d: title must be a string", i)
			}
		}
	}
	_, err = dec.Token() // ']'
	return err == nil, err
}

func number(v any) (float64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	f, err := n.Float64()
	return f, err == nil
}

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	if len(b) > 40 {
		b = append(b[:37], "..."...)
	}
	return string(b)
}

// valueStart skips the whitespace, commas and colons that follow a decoder
// offset, so the line is the one where the value itself starts.
func valueStart(data []byte, off int64) int64 {
	for off < int64(len(data)) {
		switch data[off] {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
			continue
		}
		break
	}
	return off
}
