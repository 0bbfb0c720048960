package probe

import (
	"bytes"
	"fmt"
	"sort"
)

// FileError is a content error at a line of a file, printed as
// "FILE:LINE: message" (line omitted when 0).
type FileError struct {
	File string
	Line int
	Err  error
}

// Error implements error.
func (e *FileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

// Unwrap returns the underlying error.
func (e *FileError) Unwrap() error { return e.Err }

func fileErrorf(file string, line int, format string, args ...any) error {
	return &FileError{File: file, Line: line, Err: fmt.Errorf(format, args...)}
}

// maxFileErrors caps the errors reported for one file: the first ones say
// enough, and one more error counts the rest.
const maxFileErrors = 20

// problems collects the errors about one file, keeping the first
// maxFileErrors and counting the rest.
type problems struct {
	name string
	errs []error
	more int
}

// full reports whether further errors are only counted, so callers can
// skip the work of describing them.
func (p *problems) full() bool { return len(p.errs) >= maxFileErrors }

// add records an error at line (0 for none).
func (p *problems) add(line int, format string, args ...any) {
	if p.full() {
		p.more++
		return
	}
	p.errs = append(p.errs, fileErrorf(p.name, line, format, args...))
}

// list returns the errors kept, and when some were only counted, one more
// saying how many, e.g. "ep1.vtt: … and 480 more problems in this file".
func (p *problems) list() []error {
	if p.more == 0 {
		return p.errs
	}
	return append(p.errs, fileErrorf(p.name, 0, "… and %d more problems in this file", p.more))
}

// mergeProblems merges the errors two checks of one file kept, in line
// order (a's first on the same line), capped again, with a summary counting
// every error either check found beyond the cap. The first maxFileErrors of
// the union are among those each kept, so nothing earlier is lost.
func mergeProblems(a, b *problems) []error {
	errs := append(append([]error{}, a.errs...), b.errs...)
	sort.SliceStable(errs, func(i, j int) bool { return errLine(errs[i]) < errLine(errs[j]) })
	p := problems{name: a.name, errs: errs[:min(len(errs), maxFileErrors)]}
	p.more = len(errs) - len(p.errs) + a.more + b.more
	return p.list()
}

// errLine is the line of a *FileError, 0 for any other error.
func errLine(err error) int {
	if fe, ok := err.(*FileError); ok {
		return fe.Line
	}
	return 0
}

// lineIndex maps byte offsets in a file to 1-based line numbers: the
// offsets of its newlines, found in one pass, searched in O(log n), so that
// a file with many errors costs time in proportion to its size.
type lineIndex []int

func newLineIndex(data []byte) lineIndex {
	x := make(lineIndex, 0, bytes.Count(data, []byte{'\n'}))
	for i := 0; ; {
		j := bytes.IndexByte(data[i:], '\n')
		if j < 0 {
			return x
		}
		x = append(x, i+j)
		i += j + 1
	}
}

// line returns the line of byte offset off: one more than the newlines
// before it.
func (x lineIndex) line(off int64) int {
	return sort.Search(len(x), func(i int) bool { return int64(x[i]) >= off }) + 1
}
