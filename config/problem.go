package config

import (
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
)

// Severity says whether a Problem stops the run.
type Severity int

// Severities: an Error fails validate, build and publish; a Warning is
// printed and the run goes on.
const (
	Error Severity = iota
	Warning
)

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
