package probe

import (
	"bytes"
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// CheckTranscript validates a WebVTT or SRT transcript. The format comes
// from the extension (.vtt, .srt) or, failing that, from the content (a
// "WEBVTT" header means WebVTT). It checks that the text is UTF-8 without
// control characters other than tab, CR and LF, the WebVTT header, that
// every cue has a timing line ("hh:mm:ss.ttt --> hh:mm:ss.ttt" or
// "mm:ss.ttt" for WebVTT, "hh:mm:ss,mmm --> hh:mm:ss,mmm" after an index
// line for SRT), that start <= end, that WebVTT cues do not start before the
// previous one, and that cues end within duration when duration > 0. Errors
// name file:line, in line order.
func CheckTranscript(name string, data []byte, duration time.Duration) []error {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	vtt := bytes.HasPrefix(data, []byte("WEBVTT"))
	switch strings.ToLower(path.Ext(name)) {
	case ".vtt":
		vtt = true
	case ".srt":
		vtt = false
	}
	lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	text, structure := &problems{name: name}, &problems{name: name}
	checkText(text, lines)
	if vtt {
		checkVTT(structure, lines, duration)
	} else {
		checkSRT(structure, lines, duration)
	}
	// On one line, the text's fault comes before what it caused.
	return mergeProblems(text, structure)
}

// checkText reports each line that is not valid UTF-8 or holds a control
// character (Unicode Cc) other than tab and CR, which a player would show
// as garbage or choke on, with its 1-based column in characters.
func checkText(p *problems, lines []string) {
	for i, line := range lines {
		col := 0
		for j, r := range line {
			col++
			switch {
			case r == utf8.RuneError && !strings.HasPrefix(line[j:], "\uFFFD"):
				p.add(i+1, "invalid UTF-8 at column %d (byte 0x%02X)", col, line[j])
			case unicode.IsControl(r) && r != '\t' && r != '\r':
				p.add(i+1, "control character %U at column %d", r, col)
			default:
				continue
			}
			break // one error per line
		}
	}
}

func checkVTT(p *problems, lines []string, duration time.Duration) {
	if len(lines) == 0 || !strings.HasPrefix(lines[0], "WEBVTT") ||
		(len(lines[0]) > 6 && lines[0][6] != ' ' && lines[0][6] != '\t') {
		p.add(1, "missing \"WEBVTT\" header")
		return
	}
	var prevStart time.Duration
	cues := 0
	i := 1
	// Skip the rest of the header block.
	for i < len(lines) && strings.TrimSpace(lines[i]) != "" {
		i++
	}
	for i < len(lines) {
		if strings.TrimSpace(lines[i]) == "" {
			i++
			continue
		}
		// A block: NOTE, STYLE, REGION, or a cue with an optional identifier.
		blockStart := i
		first := lines[i]
		if strings.HasPrefix(first, "NOTE") || strings.HasPrefix(first, "STYLE") || strings.HasPrefix(first, "REGION") {
			for i < len(lines) && strings.TrimSpace(lines[i]) != "" {
				i++
			}
			continue
		}
		timing := i
		if !strings.Contains(lines[i], "-->") {
			timing = i + 1 // identifier line
		}
		if timing >= len(lines) || !strings.Contains(lines[timing], "-->") {
			p.add(blockStart+1, "cue has no timing line (\"00:00:01.000 --> 00:00:04.000\")")
		} else {
			start, end, err := parseCueTiming(lines[timing], '.')
			cues++
			switch {
			case err != nil:
				p.add(timing+1, "%v", err)
			case start > end:
				p.add(timing+1, "cue ends (%s) before it starts (%s)", fmtTS(end), fmtTS(start))
			case start < prevStart:
				p.add(timing+1, "cue starts at %s, before the previous cue (%s)", fmtTS(start), fmtTS(prevStart))
			case duration > 0 && end > duration:
				p.add(timing+1, "cue ends at %s, after the end of the episode (%s)", fmtTS(end), fmtTS(duration))
			}
			if err == nil {
				prevStart = start
			}
		}
		for i < len(lines) && strings.TrimSpace(lines[i]) != "" {
			i++
		}
	}
	if cues == 0 && len(p.errs) == 0 {
		p.add(1, "no cues")
	}
}

func checkSRT(p *problems, lines []string, duration time.Duration) {
	cues := 0
	for i := 0; i < len(lines); {
		if strings.TrimSpace(lines[i]) == "" {
			i++
			continue
		}
		idx := strings.TrimSpace(lines[i])
		if _, err := strconv.ParseUint(idx, 10, 32); err != nil {
			p.add(i+1, "want a cue number, got %q", clip(idx))
		} else if i+1 >= len(lines) || !strings.Contains(lines[i+1], "-->") {
			p.add(i+2, "cue %s has no timing line (\"00:00:01,000 --> 00:00:04,000\")", idx)
		} else {
			cues++
			start, end, err := parseCueTiming(lines[i+1], ',')
			switch {
			case err != nil:
				p.add(i+2, "%v", err)
			case start > end:
				p.add(i+2, "cue ends (%s) before it starts (%s)", fmtTS(end), fmtTS(start))
			case duration > 0 && end > duration:
				p.add(i+2, "cue ends at %s, after the end of the episode (%s)", fmtTS(end), fmtTS(duration))
			}
		}
		for i < len(lines) && strings.TrimSpace(lines[i]) != "" {
			i++
		}
	}
	if cues == 0 && len(p.errs) == 0 {
		p.add(1, "no cues")
	}
}

// parseCueTiming parses "START --> END [settings]" with sep the decimal
// separator ('.' for WebVTT, ',' for SRT).
func parseCueTiming(line string, sep byte) (start, end time.Duration, err error) {
	a, b, _ := strings.Cut(line, "-->")
	b = strings.TrimSpace(b)
	if f := strings.Fields(b); len(f) > 0 {
		b = f[0] // WebVTT cue settings follow the end time
	}
	start, err = parseTimestamp(strings.TrimSpace(a), sep)
	if err != nil {
		return 0, 0, err
	}
	end, err = parseTimestamp(b, sep)
	return start, end, err
}

// parseTimestamp parses "hh:mm:ss.ttt" or "mm:ss.ttt" (hours may have more
// than two digits; SRT always has hours and uses a comma).
func parseTimestamp(s string, sep byte) (time.Duration, error) {
	bad := func() (time.Duration, error) {
		want := "hh:mm:ss.ttt"
		if sep == ',' {
			want = "hh:mm:ss,mmm"
		}
		return 0, fmt.Errorf("bad timestamp %q, want %s", clip(s), want)
	}
	hms, frac, ok := strings.Cut(s, string(sep))
	if !ok || len(frac) != 3 || !digits(frac) {
		return bad()
	}
	parts := strings.Split(hms, ":")
	if len(parts) < 2 || len(parts) > 3 || (sep == ',' && len(parts) != 3) {
		return bad()
	}
	var h uint64
	if len(parts) == 3 {
		if len(parts[0]) < 2 || len(parts[0]) > 6 || !digits(parts[0]) {
			return bad()
		}
		h, _ = strconv.ParseUint(parts[0], 10, 32)
		parts = parts[1:]
	}
	if len(parts[0]) != 2 || len(parts[1]) != 2 || !digits(parts[0]) || !digits(parts[1]) {
		return bad()
	}
	m, _ := strconv.Atoi(parts[0])
	sec, _ := strconv.Atoi(parts[1])
	ms, _ := strconv.Atoi(frac)
	if m > 59 || sec > 59 {
		return bad()
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute +
		time.Duration(sec)*time.Second + time.Duration(ms)*time.Millisecond, nil
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:37] + "..."
	}
	return s
}

// fmtTS formats d as hh:mm:ss.mmm.
func fmtTS(d time.Duration) string {
	ms := d.Milliseconds()
	return fmt.Sprintf("%02d:%02d:%02d.%03d", ms/3600000, ms/60000%60, ms/1000%60, ms%1000)
}
