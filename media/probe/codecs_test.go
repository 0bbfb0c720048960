package probe

import (
	"strings"
	"testing"
)

func TestAppleVideoProblems(t *testing.T) {
	for codecs, want := range map[string]string{
		"avc1.64001f,mp4a.40.2":  "",
		"avc1.42e01e,mp4a.40.5":  "",
		"avc1.4d4034,mp4a.40.29": "",
		"hvc1.2.4.L153.B0":       "",
		"hev1.1.6.L93.B0":        "",
		"avc1.f4001f,mp4a.40.2":  "High 4:4:4 Predictive",
		"avc1.6e001f":            "High 10",
		"avc1.7a001f":            "High 4:2:2",
		"avc1.640033":            "level 5.1", // allowed
		"avc1.640035":            "level 5.3",
		"avc1":                   "cannot be read",
		"hvc1.4.10.L120.B0":      "HEVC profile",
		"avc1.64001f,opus":       "codec opus",
		"avc1.64001f,mp4a.6b":    "not AAC-LC or HE-AAC",
		"vp09.00.10.08":          "codec vp09",
	} {
		got := strings.Join(AppleVideoProblems(codecs), "; ")
		switch {
		case want == "" || want == "level 5.1":
			if got != "" {
				t.Errorf("%s: want no problem, got %q", codecs, got)
			}
		case !strings.Contains(got, want):
			t.Errorf("%s: want %q, got %q", codecs, want, got)
		}
	}
}

func TestAudioProblems(t *testing.T) {
	for _, tc := range []struct {
		info       Info
		errs, warn string
	}{
		{Info{Format: "mp3", Bitrate: 128000, SampleRate: 44100}, "", ""},
		{Info{Format: "mp3", Bitrate: 32000, SampleRate: 44100}, "", "MP3 at 32 kbps"},
		{Info{Format: "mp3", Bitrate: 128000, SampleRate: 22050}, "", "22.05 kHz"},
		{Info{Format: "m4a", Codecs: "mp4a.40.2", SampleRate: 48000}, "", ""},
		{Info{Format: "m4a", Codecs: "alac", SampleRate: 48000}, "M4A holds alac", ""},
	} {
		errs, warns := AudioProblems(tc.info)
		if e := strings.Join(errs, ";"); (tc.errs == "") != (e == "") || !strings.Contains(e, tc.errs) {
			t.Errorf("%+v: errors %q, want %q", tc.info, e, tc.errs)
		}
		if w := strings.Join(warns, ";"); (tc.warn == "") != (w == "") || !strings.Contains(w, tc.warn) {
			t.Errorf("%+v: warnings %q, want %q", tc.info, w, tc.warn)
		}
	}
}
