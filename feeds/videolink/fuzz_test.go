package videolink

import (
	"bytes"
	"os"
	"testing"
)

// A channel's feed comes from the network: any bytes give videos or an
// error, never a panic, and every video has a link Parse accepts.
func FuzzParseChannel(f *testing.F) {
	if data, err := os.ReadFile("testdata/channel.xml"); err == nil {
		f.Add(data)
	}
	f.Add([]byte(`<feed xmlns="http://www.w3.org/2005/Atom"><entry><link href="https://vimeo.com/1"/><published>2026-01-01T00:00:00Z</published></entry></feed>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		videos, _, err := ParseChannel(data)
		if err != nil && len(videos) > 0 {
			t.Fatal("videos with an error")
		}
		for _, v := range videos {
			if _, err := Parse(v.Link.Page, false); err != nil || v.Link.Embed == "" {
				t.Fatalf("video %+v: %v", v, err)
			}
		}
	})
}

// AddLine either refuses or adds exactly the line: what it returns minus
// the line is the input.
func FuzzAddLine(f *testing.F) {
	f.Add([]byte("---\ntitle: A\n---\nbody\n"))
	f.Add([]byte("\xef\xbb\xbf---\r\ntitle: A\r\n---\r\n"))
	f.Add([]byte("---\n---"))
	f.Fuzz(func(t *testing.T, data []byte) {
		const line = `video: {url: "https://youtu.be/dQw4w9WgXcQ"}`
		if bytes.Contains(data, []byte(line)) {
			return // where it was added could not be told
		}
		out, err := AddLine(data, line)
		if err != nil {
			return
		}
		i := bytes.Index(out, []byte(line))
		if i < 0 || len(out) <= len(data) {
			t.Fatalf("%q: line not added: %q", data, out)
		}
		rest := append(append([]byte{}, out[:i]...), out[i+len(line):]...)
		nl := 1
		if bytes.Contains(data, []byte("\r\n")) {
			nl = 2
		}
		rest = append(rest[:i], rest[i+nl:]...)
		if !bytes.Equal(rest, data) {
			t.Fatalf("%q became %q", data, out)
		}
	})
}

// Parse takes any string.
func FuzzParse(f *testing.F) {
	f.Add("https://www.youtube.com/watch?v=dQw4w9WgXcQ", false)
	f.Add("https://vimeo.com/76979871/8a1b2c3d4e", false)
	f.Add("https://example.com/v", true)
	f.Fuzz(func(t *testing.T, raw string, page bool) {
		l, err := Parse(raw, page)
		if err == nil && l.Page == "" {
			t.Fatalf("%q: a link without a page", raw)
		}
	})
}
