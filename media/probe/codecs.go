package probe

import (
	"fmt"
	"strconv"
	"strings"
)

// h264Profiles names the H.264 profile_idc values (the PP of avc1.PPCCLL)
// Apple devices do not decode, so the message says what the file is.
var h264Profiles = map[int]string{
	0x58: "Extended", 0x6E: "High 10", 0x7A: "High 4:2:2", 0xF4: "High 4:4:4 Predictive",
	0x2C: "CAVLC 4:4:4 Intra", 0x53: "Scalable Baseline", 0x56: "Scalable High", 0x76: "Multiview High", 0x80: "Stereo High",
}

// maxAppleH264Level is level 5.2, the highest iPhones and Apple TV decode.
const maxAppleH264Level = 52

// AppleVideoProblems checks the RFC 6381 codecs of a video file (Info.Codecs,
// e.g. "avc1.64001f,mp4a.40.2") against what every Apple device plays: H.264
// Baseline, Main or High (8-bit 4:2:0) up to level 5.2, or HEVC Main or
// Main 10, with AAC-LC or HE-AAC audio. It returns one sentence per codec
// that falls outside, or nil.
func AppleVideoProblems(codecs string) []string {
	var out []string
	for _, c := range strings.Split(codecs, ",") {
		c = strings.TrimSpace(c)
		tag, rest, _ := strings.Cut(c, ".")
		switch tag {
		case "":
		case "avc1", "avc3":
			if msg := h264Problem(c, rest); msg != "" {
				out = append(out, msg)
			}
		case "hvc1", "hev1":
			p := strings.TrimLeft(strings.SplitN(rest, ".", 2)[0], "ABC")
			if p != "1" && p != "2" {
				out = append(out, fmt.Sprintf("video %s is HEVC profile %q; Apple devices play HEVC Main and Main 10", c, p))
			}
		case "mp4a":
			if msg := aacProblem(c); msg != "" {
				out = append(out, msg)
			}
		default:
			out = append(out, fmt.Sprintf("codec %s: Apple devices play H.264 or HEVC video with AAC audio", c))
		}
	}
	return out
}

func h264Problem(c, rest string) string {
	if len(rest) != 6 {
		return fmt.Sprintf("video %s: the H.264 profile and level cannot be read (no avcC box)", c)
	}
	profile, err1 := strconv.ParseUint(rest[0:2], 16, 8)
	level, err2 := strconv.ParseUint(rest[4:6], 16, 8)
	if err1 != nil || err2 != nil {
		return fmt.Sprintf("video %s: the H.264 profile and level cannot be read", c)
	}
	switch profile {
	case 0x42, 0x4D, 0x64: // Baseline, Main, High (High is 8-bit 4:2:0 by definition)
	default:
		name := h264Profiles[int(profile)]
		if name == "" {
			name = fmt.Sprintf("profile_idc %d", profile)
		}
		return fmt.Sprintf("video %s is H.264 %s; iPhones, iPads and Apple TV play Baseline, Main and High (8-bit 4:2:0, yuv420p)", c, name)
	}
	if level > maxAppleH264Level {
		return fmt.Sprintf("video %s is H.264 level %d.%d; Apple devices play up to level 5.2", c, level/10, level%10)
	}
	return ""
}

// aacProblem accepts AAC-LC (mp4a.40.2), HE-AAC (.5) and HE-AACv2 (.29).
func aacProblem(c string) string {
	switch c {
	case "mp4a.40.2", "mp4a.40.5", "mp4a.40.29":
		return ""
	}
	return fmt.Sprintf("audio %s is not AAC-LC or HE-AAC (mp4a.40.2, .5 or .29)", c)
}

// AudioProblems checks an audio file's encoding against what podcast apps
// expect and returns (errors, warnings): an M4A must hold AAC, an MP3
// should be 64-320 kbps, and audio should be sampled at 44.1 or 48 kHz.
func AudioProblems(info Info) (errs, warns []string) {
	if info.Format == "m4a" {
		for _, c := range strings.Split(info.Codecs, ",") {
			if c = strings.TrimSpace(c); c != "" && aacProblem(c) != "" {
				errs = append(errs, fmt.Sprintf("M4A holds %s; podcast apps play AAC-LC or HE-AAC in M4A", c))
			}
		}
	}
	if kbps := (info.Bitrate + 500) / 1000; info.Format == "mp3" && info.Bitrate > 0 && (kbps < 64 || kbps > 320) {
		warns = append(warns, fmt.Sprintf("MP3 at %d kbps; want 64-320 kbps", kbps))
	}
	if r := info.SampleRate; r > 0 && r != 44100 && r != 48000 {
		warns = append(warns, fmt.Sprintf("sampled at %g kHz; want 44.1 or 48 kHz", float64(r)/1000))
	}
	return errs, warns
}
