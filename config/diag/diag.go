// Package diag holds feedpub's located diagnostics: a Problem names the
// file, the line and the field of a finding about the user's input, so every
// layer (config, content, media, feeds, publish) reports the same way and all
// findings of a run can be printed together. Suggestions for misspelt names
// (Closest) live here too, because every layer offers them.
package diag

import (
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"strings"
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
	File     string // relative to the site folder where possible
	Line     int    // 0 when unknown
	Field    string // e.g. "rating", "podcast.categories[0]"
	Msg      string
}

// Error formats the problem as "file:line: field: message".
func (p Problem) Error() string {
	var b strings.Builder
	if p.File != "" {
		b.WriteString(p.File)
		if p.Line > 0 {
			fmt.Fprintf(&b, ":%d", p.Line)
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

// Errorf adds an error.
func (ps *Problems) Errorf(file string, line int, field, format string, args ...any) {
	*ps = append(*ps, Problem{Severity: Error, File: file, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)})
}

// Notef adds a notice.
func (ps *Problems) Notef(file string, line int, field, format string, args ...any) {
	*ps = append(*ps, Problem{Severity: Notice, File: file, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)})
}

// Warnf adds a warning.
func (ps *Problems) Warnf(file string, line int, field, format string, args ...any) {
	*ps = append(*ps, Problem{Severity: Warning, File: file, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)})
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

// Closest returns the candidate nearest to s by edit distance, if it is near
// enough to be a plausible typo, or "".
func Closest(s string, candidates []string) string {
	candidates = append([]string(nil), candidates...)
	sort.Strings(candidates)
	best, bestD := "", 1<<30
	for _, c := range candidates {
		if d := EditDistance(strings.ToLower(s), c); d < bestD {
			best, bestD = c, d
		}
	}
	if bestD <= 2 || bestD <= len(best)/3 {
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

// YAMLError splits a yaml.v3 syntax error into its line (0 when it names
// none) and its message. yaml.v3 reports syntax errors only as text.
func YAMLError(err error) (line int, msg string) {
	s := err.Error()
	if m := yamlLineRE.FindStringSubmatch(s); m != nil {
		line, _ = strconv.Atoi(m[1])
		return line, s[len(m[0]):]
	}
	return 0, strings.TrimPrefix(s, "yaml: ")
}
