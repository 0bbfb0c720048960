package content

import (
	"strings"
	"testing"

	"github.com/feedpub/feedpub/config"
)

func TestMediaByURL(t *testing.T) {
	head := "---\ntitle: T\ndate: 2026-11-20\n"
	e, probs := parse(t, head+"audio:\n  url: https://old-host.example/ep1.mp3?t=1\n  chapters: https://old-host.example/ep1.json\n"+
		"  transcripts: [{file: https://old-host.example/ep1.vtt, language: en}]\n---\nBody.\n")
	if probs != "" {
		t.Fatalf("problems: %s", probs)
	}
	if e.Audio.Source() != "https://old-host.example/ep1.mp3?t=1" || e.Audio.File != "" || e.Audio.Name() != "https://old-host.example/ep1.mp3" {
		t.Errorf("source %q file %q name %q", e.Audio.Source(), e.Audio.File, e.Audio.Name())
	}
	for _, c := range []struct{ media, want string }{
		{"audio:\n  file: media/a.mp3\n  url: https://h.example/a.mp3\n", "reviews/x.md:6: audio.url: set file: or url:, not both [FP210]"},
		{"audio:\n  url: media/a.mp3\n", `reviews/x.md:5: audio.url: "media/a.mp3": want an absolute http or https URL [FP202]`},
		{"video:\n  url: ftp://h.example/a.mp4\n", `reviews/x.md:5: video.url: ftp://h.example/a.mp4: unsupported scheme "ftp"; want http or https [FP202]`},
		{"audio:\n  title: x\n", "reviews/x.md:4: audio.file: required inside audio: the media file, e.g. media/episode.mp3 (or url: for a file on another host) [FP207]"},
		{"audio:\n  url: https://h.example/a.mp3\n  chapters: ftp://h.example/c.json\n", `audio.chapters: ftp://h.example/c.json: unsupported scheme "ftp"`},
		{"audio:\n  url: https://h.example/a.mp3\n  transcripts: [{file: ftp://h.example/a.vtt}]\n", `audio.transcripts[0].file: ftp://h.example/a.vtt: unsupported scheme "ftp"`},
	} {
		_, ps := Parse("reviews/x.md", []byte(head+c.media+"---\nBody.\n"), NewMarkdown(), config.Default().Content)
		var got []string
		for _, p := range ps {
			got = append(got, p.Error()+" ["+p.Rule+"]")
		}
		if probs := strings.Join(got, "\n"); len(ps) != 1 || !strings.Contains(probs, c.want) {
			t.Errorf("%q:\ngot  %s\nwant one problem: %s", c.media, probs, c.want)
		}
	}
}
