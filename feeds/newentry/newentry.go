// Package newentry writes the front matter of the week's new entry (feedpub
// new): its slug, its episode number after the site's highest, and the
// chapters and transcripts found next to its media. It reads and writes no
// media itself; cmd/feedpub probes and copies the files with the media
// package, so what `new` accepts is exactly what validate accepts.
package newentry

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"unicode"

	"github.com/gosimple/unidecode"
	"go.yaml.in/yaml/v3"
	"golang.org/x/text/unicode/norm"

	"github.com/feedpub/feedpub/feeds/content"
)

// transliterate spells in ASCII each run of letters and digits that
// decomposition and folds leave outside it, with a well-kept table
// (unidecode) rather than our own; the rest is kept for Slug.
func transliterate(s string) string {
	var out, run strings.Builder
	flush := func() {
		if run.Len() > 0 {
			out.WriteString(" " + unidecode.Unidecode(run.String()) + " ")
			run.Reset()
		}
	}
	for _, r := range s {
		if _, folded := folds[r]; r >= 0x80 && !folded && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			run.WriteRune(r)
			continue
		}
		flush()
		out.WriteRune(r)
	}
	flush()
	return out.String()
}

// folds spells letters that decomposition does not reduce to ASCII.
var folds = map[rune]string{
	'ß': "ss", 'æ': "ae", 'Æ': "ae", 'œ': "oe", 'Œ': "oe", 'ø': "o", 'Ø': "o",
	'ł': "l", 'Ł': "l", 'đ': "d", 'Đ': "d", 'ð': "d", 'Ð': "d", 'þ': "th", 'Þ': "th",
	'ı': "i", '&': "and",
}

// Slug makes a slug of s: accents dropped ("Amélie" → "amelie"), a few
// letters spelled out (ß → ss), other scripts transliterated
// ("Сталкер" → "stalker", "千与千寻" → "qian-yu-qian-xun"), lower case, and
// every run of anything else one "-". It returns "" when nothing is left
// (a title of emoji): the caller then makes a dated slug.
func Slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range transliterate(norm.NFD.String(s)) {
		if unicode.Is(unicode.Mn, r) {
			continue // a combining accent, split off by NFD
		}
		if f, ok := folds[r]; ok {
			b.WriteString(f)
			dash = false
			continue
		}
		r = unicode.ToLower(r)
		if r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(r)
			dash = false
			continue
		}
		if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	out := strings.TrimRight(b.String(), "-")
	// Long titles make unwieldy file names and URLs; cut at a word.
	if len(out) > 60 {
		out = out[:60]
		if i := strings.LastIndexByte(out, '-'); i > 20 {
			out = out[:i]
		}
	}
	return out
}

// Next returns the season and episode number for a new entry's audio (or,
// with video, its video) version: season, when not 0, or else the highest
// season any entry uses, and one more than the highest episode number in
// that season. Drafts and scheduled entries count: they are next week's
// numbers already.
func Next(entries []*content.Entry, video bool, season int) (int, int) {
	version := func(e *content.Entry) *content.Media {
		if video {
			return e.Video
		}
		return e.Audio
	}
	if season == 0 {
		for _, e := range entries {
			if m := version(e); m != nil && m.Season > season {
				season = m.Season
			}
		}
	}
	episode := 0
	for _, e := range entries {
		if m := version(e); m != nil && m.Season == season && m.Episode > episode {
			episode = m.Episode
		}
	}
	return season, episode + 1
}

// Sibling is a file next to a media file, with the same stem: its
// chapters (STEM.chapters.json) or a transcript (STEM.vtt, STEM.srt, or
// STEM.LANG.vtt / .srt with a language tag such as en or pt-br).
type Sibling struct {
	Path     string // as found: the media file's folder joined with its name
	Suffix   string // what follows the stem: ".chapters.json", ".en.vtt"
	Chapters bool
	Language string // transcripts only; "" when the name has none
}

var langRE = regexp.MustCompile(`^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$`)

// Siblings lists the chapters and transcripts next to mediaPath, by name.
func Siblings(mediaPath string) ([]Sibling, error) {
	dir := filepath.Dir(mediaPath)
	base := filepath.Base(mediaPath)
	stem := strings.TrimSuffix(base, filepath.Ext(base))
	des, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []Sibling
	for _, de := range des {
		name := de.Name()
		rest, ok := strings.CutPrefix(name, stem+".")
		if !ok || de.IsDir() || name == base {
			continue
		}
		s := Sibling{Path: filepath.Join(dir, name), Suffix: strings.ToLower("." + rest)}
		ext := filepath.Ext(s.Suffix)
		switch {
		case s.Suffix == ".chapters.json":
			s.Chapters = true
		case ext == ".vtt" || ext == ".srt":
			lang := strings.TrimPrefix(strings.TrimSuffix(s.Suffix, ext), ".")
			if lang != "" && !langRE.MatchString(lang) {
				continue // ep43.draft.vtt: not a language, not ours to take
			}
			s.Language = lang
		default:
			continue
		}
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// FrontMatter is what `new` writes, in the order written.
type FrontMatter struct {
	Title string `yaml:"title"`
	Date  string `yaml:"date"`
	Slug  string `yaml:"slug"`
	Draft bool   `yaml:"draft,omitempty"`
	Audio *Media `yaml:"audio,omitempty"`
	Video *Media `yaml:"video,omitempty"`
}

// Media is an audio or video block.
type Media struct {
	File        string       `yaml:"file"`
	Season      int          `yaml:"season,omitempty"`
	Episode     int          `yaml:"episode,omitempty"`
	Chapters    string       `yaml:"chapters,omitempty"`
	Transcripts []Transcript `yaml:"transcripts,omitempty"`
}

// Transcript is one transcripts entry.
type Transcript struct {
	File     string `yaml:"file"`
	Language string `yaml:"language,omitempty"`
}

// Render returns the entry's file: front matter, then body.
func Render(fm FrontMatter, body string) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("---\n")
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(fm); err != nil {
		return nil, fmt.Errorf("front matter: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("front matter: %w", err)
	}
	b.WriteString("---\n")
	b.WriteString(strings.TrimSpace(body))
	b.WriteString("\n")
	return b.Bytes(), nil
}

// EnableSection turns on the feed section sec ("podcast" or "video") in
// the text of a feedpub.yaml that lacks it: a commented section as init
// writes it ("# podcast:" and its "#   key: value" lines) is uncommented;
// else a minimal one, with category, is appended. It returns the new text
// and the lines that make the section.
func EnableSection(text, sec, category string) (string, string) {
	lines := strings.SplitAfter(text, "\n")
	for i, l := range lines {
		if strings.TrimRight(l, " \t\r\n") != "# "+sec+":" {
			continue
		}
		end := i + 1
		for end < len(lines) && strings.HasPrefix(lines[end], "#   ") {
			end++
		}
		if end == i+1 {
			break
		}
		var block strings.Builder
		for j := i; j < end; j++ {
			block.WriteString(strings.TrimPrefix(lines[j], "# "))
			lines[j] = ""
		}
		lines[i] = block.String()
		return strings.Join(lines, ""), block.String()
	}
	block := fmt.Sprintf("%s:\n  path: %s.xml\n  categories: [%q]\n", sec, sec, category)
	if !strings.HasSuffix(text, "\n") && text != "" {
		text += "\n"
	}
	return text + "\n" + block, block
}
