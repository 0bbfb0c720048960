// Package diag holds feedpub's located diagnostics: a Problem names the
// file, the line and the field of a finding about the user's input, so every
// layer (config, content, media, feeds, publish) reports the same way and all
// findings of a run can be printed together. Suggestions for misspelt names
// (Closest) live here too, because every layer offers them.
package diag

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Severity says whether a Problem stops the run.
type Severity int

// Severities: an Error fails validate, build and publish; a Warning is
// printed and the run goes on; a Notice tells the editor something feedpub
// did on their behalf (an entry continuing a renamed one), once.
const (
	Error Severity = iota
	Warning
	Notice
)

// String names the severity as output shows it.
func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	}
	return "note"
}

// MarshalText writes the severity by name, for JSON output.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Problem is one finding about the user's input, located as precisely as
// possible so the editor can fix it without guessing: the file, the line when
// known, and the field.
type Problem struct {
	Severity Severity
	// Rule is the ID of the check that found it (see Rules), e.g. "FP203".
	Rule  string
	File  string // relative to the site folder where possible
	Line  int    // 0 when unknown
	Col   int    // the column on Line; 0 when unknown
	Field string // e.g. "rating", "podcast.categories[0]"
	Msg   string
}

// Error formats the problem as "file:line: field: message", or
// "file:line:col: ..." when the column is known.
func (p Problem) Error() string {
	var b strings.Builder
	if p.File != "" {
		b.WriteString(p.File)
		if p.Line > 0 {
			fmt.Fprintf(&b, ":%d", p.Line)
			if p.Col > 0 {
				fmt.Fprintf(&b, ":%d", p.Col)
			}
		}
		b.WriteString(": ")
	}
	if p.Field != "" {
		b.WriteString(p.Field)
		b.WriteString(": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// Problems collects every finding of a run so all of them are reported at
// once, not one per run.
type Problems []Problem

// Errorf adds an error found by rule (an ID of the registry, e.g.
// "FP203"). The rule comes first so that no call can leave it out.
func (ps *Problems) Errorf(rule, file string, line int, field, format string, args ...any) {
	*ps = append(*ps, Problem{Severity: Error, Rule: rule, File: file, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)})
}

// Notef adds a notice found by rule.
func (ps *Problems) Notef(rule, file string, line int, field, format string, args ...any) {
	*ps = append(*ps, Problem{Severity: Notice, Rule: rule, File: file, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)})
}

// Warnf adds a warning found by rule.
func (ps *Problems) Warnf(rule, file string, line int, field, format string, args ...any) {
	*ps = append(*ps, Problem{Severity: Warning, Rule: rule, File: file, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)})
}

// Add appends problems.
func (ps *Problems) Add(more ...Problem) { *ps = append(*ps, more...) }

// HasErrors reports whether any problem is an error.
func (ps Problems) HasErrors() bool {
	for _, p := range ps {
		if p.Severity == Error {
			return true
		}
	}
	return false
}

// Errors returns only the errors; Warnings only the warnings.
func (ps Problems) Errors() Problems   { return ps.filter(Error) }
func (ps Problems) Warnings() Problems { return ps.filter(Warning) }

func (ps Problems) filter(s Severity) Problems {
	var out Problems
	for _, p := range ps {
		if p.Severity == s {
			out = append(out, p)
		}
	}
	return out
}

// Sort orders problems by file, line and message so output is stable.
func (ps Problems) Sort() {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Error() < b.Error()
	})
}

// Err returns nil when there are no errors, otherwise an error listing them
// all, one per line.
func (ps Problems) Err() error {
	errs := ps.Errors()
	if len(errs) == 0 {
		return nil
	}
	return &ProblemsError{Problems: errs}
}

// ProblemsError is the error returned for a run with input errors.
type ProblemsError struct{ Problems Problems }

func (e *ProblemsError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.Error()
	}
	n := len(lines)
	head := "1 problem"
	if n != 1 {
		head = fmt.Sprintf("%d problems", n)
	}
	return head + ":\n  " + strings.Join(lines, "\n  ")
}

// BareError strips the path from a file-system error: a Problem already
// names the file, relative to the site, so the absolute path is noise.
func BareError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Closest returns the candidate nearest to s by edit distance, ignoring
// case, if it is near enough to be a plausible typo, or "". It never returns
// s itself: suggesting the name the user wrote would only confuse.
func Closest(s string, candidates []string) string {
	candidates = append([]string(nil), candidates...)
	sort.Strings(candidates)
	ls := strings.ToLower(s)
	best, bestD := "", 1<<30
	for _, c := range candidates {
		if c == s {
			continue
		}
		if d := EditDistance(ls, strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	if best != "" && (bestD <= 2 || bestD <= len(best)/3) {
		return best
	}
	return ""
}

// EditDistance is the Damerau-Levenshtein (optimal string alignment)
// distance in runes, so a swapped pair such as "podcats" is one edit from
// "podcast".
func EditDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

var yamlLineRE = regexp.MustCompile(`^(?:yaml: )?line (\d+): `)

// YAMLError turns a yaml.v3 syntax error into the file line and a plain
// sentence. src is the YAML text and offset the file line before its first
// line (the front matter's fence), so the line is the file's. yaml.v3
// reports syntax errors only as text, so this is the one place that reads
// its messages; one it does not know is kept, after a plain sentence.
func YAMLError(err error, src []byte, offset int) (line int, msg string) {
	s := strings.TrimPrefix(err.Error(), "yaml: ")
	if m := yamlLineRE.FindStringSubmatch(s); m != nil {
		line, _ = strconv.Atoi(m[1])
		s = s[len(m[0]):]
	}
	if l := tabIndentLine(src); l > 0 && (strings.Contains(s, "tab") || strings.Contains(s, "cannot start any token")) {
		// yaml.v3 blames the line before a tab, or names no tab at all.
		return offset + l, "a tab cannot indent YAML: use spaces"
	}
	for _, t := range yamlSentences {
		if !strings.Contains(s, t.raw) {
			continue
		}
		switch {
		case t.parser && line > 0:
			// yaml.v3 counts parser errors' lines from 0.
			line++
		case line == 0 && !t.noLine:
			line = 1 // yaml.v3 omits line 1 ("line 0")
		}
		if line > 0 {
			line += offset
		}
		return line, t.plain
	}
	if line > 0 {
		line += offset
	}
	return line, "not valid YAML here (the parser says: " + s + ")"
}

// yamlSentences says in plain words what yaml.v3's syntax errors mean.
// parser marks the errors of its parser (not its scanner), whose line
// yaml.v3 counts from 0; noLine those that never have a line.
var yamlSentences = []struct {
	raw, plain     string
	parser, noLine bool
}{
	{raw: "cannot start any token", plain: "a value cannot start with @ or ` (YAML reserves them): put the value in quotes"},
	{raw: "mapping values are not allowed", plain: `a value contains ": ": put the value in quotes`},
	{raw: "did not find expected key", plain: "this line does not line up with the keys above it, or a quoted value has text after its closing quote: check the indentation and quotes", parser: true},
	{raw: "could not find expected ':'", plain: `a key has no ":" after it, or a value runs over several lines without quotes`},
	{raw: "found unexpected end of stream", plain: "the text ends inside a quoted value: a quote opened above is never closed"},
	{raw: "did not find expected ',' or ']'", plain: "this [list] is not closed with ]", parser: true},
	{raw: "did not find expected ',' or '}'", plain: "this {mapping} is not closed with }", parser: true},
	{raw: "did not find expected node content", plain: "a value is missing here", parser: true},
	{raw: "did not find expected '-' indicator", plain: "a list item (- ...) does not line up with the items above it", parser: true},
	{raw: "block sequence entries are not allowed", plain: "a list item (- ...) cannot start here: put it on its own line under its key"},
	{raw: "unknown anchor", plain: "an alias (*name) refers to no anchor (&name)", noLine: true},
	{raw: "control characters are not allowed", plain: "the text holds a control character: remove it", noLine: true},
	{raw: "UTF-8", plain: "the text is not valid UTF-8: save the file as UTF-8", noLine: true},
	{raw: "exceeded max depth", plain: "lists and mappings are nested too deeply", noLine: true},
	{raw: "excessive aliasing", plain: "aliases (*name) expand to too much data", noLine: true},
	{raw: "found unknown escape character", plain: `a "double-quoted" value holds an unknown \ escape: use single quotes, or write \\`},
	{raw: "did not find expected whitespace or line break", plain: "a value is not followed by a space or a line break"},
	{raw: "found duplicate anchor", plain: "the same anchor (&name) is defined twice", noLine: true},
}

// tabIndentLine returns the first line (1-based) whose indentation holds a
// tab, or 0.
func tabIndentLine(src []byte) int {
	line, start := 1, true
	for _, c := range src {
		switch {
		case c == '\n':
			line, start = line+1, true
		case start && c == '\t':
			return line
		case c != ' ':
			start = false
		}
	}
	return 0
}

// CheckUTF8 reports every line of data (a whole file) that is not valid
// UTF-8 under rule, naming at most MaxPerFile of them, and returns whether
// data is valid.
func CheckUTF8(ps *Problems, rule, file string, data []byte) bool {
	if utf8.Valid(data) {
		return true
	}
	bad, line := 0, 1
	for len(data) > 0 {
		end := bytes.IndexByte(data, '\n')
		if end < 0 {
			end = len(data)
		}
		if !utf8.Valid(data[:end]) {
			if bad < MaxPerFile {
				i := invalidAt(data[:end])
				ps.Errorf(rule, file, line, "", "not valid UTF-8 (byte 0x%02x at column %d): save the file as UTF-8", data[i], i+1)
			}
			bad++
		}
		data = data[min(end+1, len(data)):]
		line++
	}
	if bad > MaxPerFile {
		ps.Errorf(rule, file, 0, "", "%d more lines are not valid UTF-8", bad-MaxPerFile)
	}
	return false
}

func invalidAt(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return 0
}

// MaxPerFile is how many problems are printed for one file; the rest are
// counted, so a file that is wrong throughout cannot flood the terminal.
const MaxPerFile = 20

// Capped returns ps sorted, with at most MaxPerFile problems per file and,
// in place of the rest, one problem counting them.
func (ps Problems) Capped() Problems {
	ps = append(Problems(nil), ps...)
	ps.Sort()
	var out Problems
	for i := 0; i < len(ps); {
		j := i
		for j < len(ps) && ps[j].File == ps[i].File {
			j++
		}
		if ps[i].File == "" || j-i <= MaxPerFile {
			out = append(out, ps[i:j]...)
		} else {
			rest := ps[i+MaxPerFile : j]
			out = append(out, ps[i:i+MaxPerFile]...)
			sev := Warning
			if rest.HasErrors() {
				sev = Error
			}
			out = append(out, Problem{Severity: sev, Rule: ps[i+MaxPerFile].Rule, File: ps[i].File, Msg: fmt.Sprintf("… and %d more in this file", len(rest))})
		}
		i = j
	}
	return out
}

// Plural is n and word, made plural unless n is 1 ("1 file", "3 files",
// "2 tries"): the one wording of a count in every message feedpub prints.
func Plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	if strings.HasSuffix(word, "y") {
		return fmt.Sprintf("%d %sies", n, strings.TrimSuffix(word, "y"))
	}
	return fmt.Sprintf("%d %ss", n, word)
}
