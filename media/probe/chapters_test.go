package probe

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestCheckChapters(t *testing.T) {
	const good = `{
  "version": "1.2.0",
  "chapters": [
    {"startTime": 0, "title": "Intro"},
    {"startTime": 90.5, "title": "Review", "img": "https://x/y.jpg", "url": "https://x", "toc": true},
    {"startTime": 300, "endTime": 420, "title": "Verdict"}
  ]
}`
	tests := []struct {
		name     string
		data     string
		duration time.Duration
		want     []string // substrings, one per error, in order
	}{
		{"good", good, 10 * time.Minute, nil},
		{"good no duration", good, 0, nil},
		{"past end", good, 4 * time.Minute, []string{"c.json:6: chapter 3: startTime 300 is after the end", "c.json:6: chapter 3: endTime 420 is after the end"}},
		{"descending", `{"version":"1.2.0","chapters":[
{"startTime": 10},
{"startTime": 5}
]}`, 0, []string{"c.json:3: chapter 2: startTime 5 is before the previous chapter's 10"}},
		{"negative and string", `{"version":"1.2.0","chapters":[
  {"startTime": -1},
  {"startTime": "12"},
  {"title": "no start"}
]}`, 0, []string{"c.json:2: chapter 1: startTime -1 is negative", `c.json:3: chapter 2: startTime "12" is not a number`, "c.json:4: chapter 3: missing startTime"}},
		{"endTime before start", `{"version":"1.2.0","chapters":[{"startTime": 10, "endTime": 10}]}`, 0, []string{"c.json:1: chapter 1: endTime 10 is not after startTime 10"}},
		{"no version", `{"chapters":[]}`, 0, []string{`c.json:1: missing "version"`}},
		{"no chapters", `{"version":"1.2.0"}`, 0, []string{`c.json:1: missing "chapters" array`}},
		{"chapters not array", "{\"version\":\"1.2.0\",\n\"chapters\": {}}", 0, []string{`c.json:2: "chapters" must be an array`}},
		{"version number", `{"version":1.2,"chapters":[]}`, 0, []string{"c.json:1: version must be a non-empty string"}},
		{"syntax error", "{\"version\":\"1.2.0\",\n\"chapters\":[\n{\"startTime\": 1,}\n]}", 0, []string{"c.json:3: invalid JSON"}},
		{"truncated", "{\"version\":\"1.2.0\",\n\"chapters\":[", 0, []string{"c.json:2: invalid JSON: unexpected end of JSON"}},
		{"not object", `[1,2]`, 0, []string{`c.json:1: want a JSON object`}},
		{"empty", ``, 0, []string{`c.json:1: invalid JSON`}},
	}
	for _, tt := range tests {
		errs := CheckChapters("c.json", []byte(tt.data), tt.duration)
		if len(errs) != len(tt.want) {
			t.Errorf("%s: got %v, want %d errors %q", tt.name, errs, len(tt.want), tt.want)
			continue
		}
		for i, err := range errs {
			if !strings.HasPrefix(err.Error(), "c.json:") || !strings.Contains(err.Error(), tt.want[i]) {
				t.Errorf("%s: error %q, want %q", tt.name, err, tt.want[i])
			}
		}
	}
}

// TestChaptersManyErrors gives a chapters file 200,000 bad chapters, one a
// line. The first errors name their lines, a summary counts the rest, and
// the check takes time in proportion to the file (it took minutes when each
// error counted the newlines before it).
func TestChaptersManyErrors(t *testing.T) {
	const n = 200_000
	var b strings.Builder
	b.WriteString("{\"version\": \"1.2.0\",\n\"chapters\": [\n")
	for i := range n {
		if i > 0 {
			b.WriteString(",\n")
		}
		b.WriteString(`{"startTime": "x", "title": "bad"}`)
	}
	b.WriteString("\n]}\n")
	start := time.Now()
	errs := CheckChapters("c.json", []byte(b.String()), 0)
	elapsed := time.Since(start)
	if len(errs) != maxFileErrors+1 {
		t.Fatalf("got %d errors, want %d and a summary", len(errs), maxFileErrors)
	}
	for i, err := range errs[:maxFileErrors] {
		want := "c.json:" + strconv.Itoa(i+3) + ": chapter " + strconv.Itoa(i+1) + `: startTime "x" is not a number`
		if err.Error() != want {
			t.Errorf("error %d: %q, want %q", i, err, want)
		}
	}
	if got, want := errs[maxFileErrors].Error(), "c.json: … and "+strconv.Itoa(n-maxFileErrors)+" more problems in this file"; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
	// Generous: linear work is well under a second even under -race on
	// a busy machine; quadratic work was minutes.
	if elapsed > 15*time.Second {
		t.Errorf("took %v", elapsed)
	}
	t.Logf("%d chapters in %v", n, elapsed)
}

// TestLineIndex compares the line index with counting newlines.
func TestLineIndex(t *testing.T) {
	data := []byte("a\nbc\n\nd\n")
	x := newLineIndex(data)
	for off := int64(-1); off <= int64(len(data))+1; off++ {
		c := max(0, min(off, int64(len(data))))
		if got, want := x.line(off), bytes.Count(data[:c], []byte{'\n'})+1; got != want {
			t.Errorf("line(%d) = %d, want %d", off, got, want)
		}
	}
}
