package probe

import (
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

func TestTranscriptErrorCap(t *testing.T) {
	data := "WEBVTT\n\n" + strings.Repeat("00:00:09.000 --> 00:00:01.000\nx\n\n", 500)
	if errs := CheckTranscript("t.vtt", []byte(data), 0); len(errs) != maxTranscriptErrors {
		t.Errorf("got %d errors, want the cap %d", len(errs), maxTranscriptErrors)
	}
}
