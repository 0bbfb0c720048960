package probe

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestCheckTranscript(t *testing.T) {
	const vtt = "WEBVTT - review\n\nNOTE a comment\nspanning lines\n\n1\n00:00:00.000 --> 00:00:04.500\nHello\n\n00:04.500 --> 00:09.000 align:start\nWorld\n\nintro-2\n01:00:00.000 --> 01:00:01.000\nLate\n"
	const srt = "1\n00:00:00,000 --> 00:00:04,500\nHello\n\n2\r\n00:00:04,500 --> 00:00:09,000\r\nWorld\r\n"
	tests := []struct {
		name, file, data string
		duration         time.Duration
		want             []string
	}{
		{"vtt good", "t.vtt", vtt, 2 * time.Hour, nil},
		{"vtt by content", "t.txt", vtt, 0, nil},
		{"vtt with BOM", "t.vtt", "\xEF\xBB\xBF" + vtt, 0, nil},
		{"vtt past end", "t.vtt", vtt, 10 * time.Second, []string{"t.vtt:14: cue ends at 01:00:01.000, after the end of the episode (00:00:10.000)"}},
		{"vtt no header", "t.vtt", "00:00.000 --> 00:01.000\nx\n", 0, []string{`t.vtt:1: missing "WEBVTT" header`}},
		{"vtt bad header", "t.vtt", "WEBVTTX\n", 0, []string{`t.vtt:1: missing "WEBVTT" header`}},
		{"vtt end before start", "t.vtt", "WEBVTT\n\n00:00:05.000 --> 00:00:04.000\nx\n", 0, []string{"t.vtt:3: cue ends (00:00:04.000) before it starts (00:00:05.000)"}},
		{"vtt bad timestamp", "t.vtt", "WEBVTT\n\n00:00:05,000 --> 00:00:06.000\nx\n\n0:00.000 --> 00:61.000\n", 0, []string{`t.vtt:3: bad timestamp "00:00:05,000"`, `t.vtt:6: bad timestamp "0:00.000"`}},
		{"vtt out of order", "t.vtt", "WEBVTT\n\n00:10.000 --> 00:11.000\nx\n\n00:05.000 --> 00:06.000\ny\n", 0, []string{"t.vtt:6: cue starts at 00:00:05.000, before the previous cue"}},
		{"vtt cue without timing", "t.vtt", "WEBVTT\n\nid\ntext\n", 0, []string{"t.vtt:3: cue has no timing line"}},
		{"vtt empty", "t.vtt", "WEBVTT\n", 0, []string{"t.vtt:1: no cues"}},
		{"srt good", "t.srt", srt, 10 * time.Second, nil},
		{"srt by content", "t.txt", srt, 0, nil},
		{"srt past end", "t.srt", srt, 5 * time.Second, []string{"t.srt:6: cue ends at 00:00:09.000, after the end"}},
		{"srt no index", "t.srt", "00:00:00,000 --> 00:00:01,000\nx\n", 0, []string{`t.srt:1: want a cue number, got "00:00:00,000 --> 00:00:01,000"`}},
		{"srt vtt-style timestamp", "t.srt", "1\n00:00:00.000 --> 00:00:01.000\nx\n", 0, []string{`t.srt:2: bad timestamp "00:00:00.000", want hh:mm:ss,mmm`}},
		{"srt no hours", "t.srt", "1\n00:00,000 --> 00:01,000\nx\n", 0, []string{`t.srt:2: bad timestamp`}},
		{"srt missing timing", "t.srt", "1\nhello\n", 0, []string{"t.srt:2: cue 1 has no timing line"}},
		{"srt end before start", "t.srt", "\n\n7\n00:00:02,000 --> 00:00:01,000\n", 0, []string{"t.srt:4: cue ends (00:00:01.000) before it starts"}},
		{"srt empty", "t.srt", "", 0, []string{"t.srt:1: no cues"}},
	}
	for _, tt := range tests {
		errs := CheckTranscript(tt.file, []byte(tt.data), tt.duration)
		if len(errs) != len(tt.want) {
			t.Errorf("%s: got %v, want %q", tt.name, errs, tt.want)
			continue
		}
		for i, err := range errs {
			if !strings.Contains(err.Error(), tt.want[i]) {
				t.Errorf("%s: error %q, want %q", tt.name, err, tt.want[i])
			}
		}
	}
}

// TestTranscriptErrorCap gives 500 cues that end before they start, the
// last 100 with a NUL as well: the first errors in line order, then a
// summary that counts both kinds.
func TestTranscriptErrorCap(t *testing.T) {
	data := "WEBVTT\n\n" + strings.Repeat("00:00:09.000 --> 00:00:01.000\nx\n\n", 400) +
		strings.Repeat("00:00:09.000 --> 00:00:01.000\nx\x00\n\n", 100)
	errs := CheckTranscript("t.vtt", []byte(data), 0)
	if len(errs) != maxFileErrors+1 {
		t.Fatalf("got %d errors, want %d and a summary", len(errs), maxFileErrors)
	}
	if !strings.HasPrefix(errs[0].Error(), "t.vtt:3: cue ends") || !strings.HasPrefix(errs[1].Error(), "t.vtt:6: cue ends") {
		t.Errorf("first errors %q, %q", errs[0], errs[1])
	}
	if got, want := errs[maxFileErrors].Error(), "t.vtt: … and 580 more problems in this file"; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
}

// TestTranscriptText checks that cue text is valid UTF-8 without control
// characters other than tab, CR and LF, naming the file and line.
func TestTranscriptText(t *testing.T) {
	const head = "WEBVTT\n\n00:00.000 --> 00:01.000\n"
	random := string(randomBytes(7, 500))
	tests := []struct {
		name, file, data string
		want             string // prefix of the first error; "" for none
	}{
		{"vtt random bytes", "t.vtt", head + random + "\n", "t.vtt:4: "},
		{"vtt NUL", "t.vtt", head + "a\x00b\n", `t.vtt:4: control character U+0000 at column 2`},
		{"vtt bell on line 7", "t.vtt", head + "ok\n\n00:01.000 --> 00:02.000\nding\a\n", `t.vtt:7: control character U+0007 at column 5`},
		{"vtt DEL", "t.vtt", head + "\x7f\n", `t.vtt:4: control character U+007F at column 1`},
		{"vtt C1", "t.vtt", head + "x\u0085\n", `t.vtt:4: control character U+0085 at column 2`},
		{"vtt bad UTF-8", "t.vtt", head + "caf\xe9\n", `t.vtt:4: invalid UTF-8 at column 4 (byte 0xE9)`},
		{"vtt truncated UTF-8", "t.vtt", head + "ok \xe6\x98\n", `t.vtt:4: invalid UTF-8 at column 4 (byte 0xE6)`},
		{"srt NUL", "t.srt", "1\n00:00:00,000 --> 00:00:01,000\nhi\x00\n", `t.srt:3: control character U+0000 at column 3`},
		{"srt bad UTF-8 in the index", "t.srt", "\xff1\n00:00:00,000 --> 00:00:01,000\nhi\n", `t.srt:1: invalid UTF-8 at column 1 (byte 0xFF)`},
		{"vtt good text", "t.vtt", head + "Café — 映画 \U0001F3AC\ttab\rCR\n", ""},
		{"srt CRLF", "t.srt", "1\r\n00:00:00,000 --> 00:00:01,000\r\nline\r\n", ""},
	}
	for _, tt := range tests {
		errs := CheckTranscript(tt.file, []byte(tt.data), 0)
		if tt.want == "" {
			if len(errs) != 0 {
				t.Errorf("%s: %v", tt.name, errs)
			}
			continue
		}
		if len(errs) == 0 {
			t.Errorf("%s: accepted, want %q", tt.name, tt.want)
			continue
		}
		if !strings.HasPrefix(errs[0].Error(), tt.want) {
			t.Errorf("%s: first error %q, want %q", tt.name, errs[0], tt.want)
		}
		for i := 1; i < len(errs); i++ {
			var a, b *FileError
			if errors.As(errs[i-1], &a) && errors.As(errs[i], &b) && b.Line > 0 && b.Line < a.Line {
				t.Errorf("%s: errors out of line order: %v", tt.name, errs)
			}
		}
	}
}
