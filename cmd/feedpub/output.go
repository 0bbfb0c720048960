package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/feedpub/feedpub/config/diag"
)

// addOutputFlags adds --format and --strict to a command that reports
// problems.
func addOutputFlags(cmd *cobra.Command, ro *rootOptions) {
	cmd.Flags().StringVar(&ro.Format, "format", "human", "how to print problems: human, json or github (GitHub Actions annotations)")
	cmd.Flags().BoolVar(&ro.JSON, "json", false, "print one machine-readable JSON document on stdout, whatever happens (the same as --format json)")
	cmd.Flags().BoolVar(&ro.Strict, "strict", false, "fail on warnings too")
}

// checkFormat refuses an unknown --format before any work is done, and
// makes --json the same as --format json.
func (o *rootOptions) checkFormat() error {
	if o.JSON {
		if o.Format != "" && o.Format != "human" && o.Format != "json" {
			return usageError{fmt.Errorf("--json and --format %s: choose one", o.Format)}
		}
		o.Format = "json"
	}
	switch o.Format {
	case "", "human", "json", "github":
		return nil
	}
	return usageError{fmt.Errorf("--format %q: want human, json or github", o.Format)}
}

// runWithReport runs a command's work under the one output contract of
// validate, check, build and new: with --json, one document on stdout
// whatever happens (reportDoc: ok, summary, error, problems) and nothing
// else; otherwise the problems on stderr as they come and, on success, the
// summary on stdout. (publish's document is a superset: summary below.)
func (o *rootOptions) runWithReport(work func() (summary string, err error)) error {
	if err := o.checkFormat(); err != nil {
		return err
	}
	if o.Format != "json" {
		summary, err := work()
		if err == nil && summary != "" {
			o.infof("%s", summary)
		}
		return err
	}
	o.Quiet = true
	o.collected = &diag.Problems{}
	summary, err := work()
	doc := reportDoc{OK: err == nil, Summary: summary, Problems: problemsJSON(*o.collected)}
	if err != nil && !errors.Is(err, errReported) {
		doc.Error = err.Error()
	}
	enc := json.NewEncoder(o.env.Stdout)
	enc.SetIndent("", "  ")
	_ = enc.Encode(doc)
	var ue usageError
	if err != nil && !errors.As(err, &ue) {
		return errReported // the document says why
	}
	return err
}

// humanLine is one problem as the terminal shows it:
// "error: FILE:LINE: field: message [FP203]".
func humanLine(p diag.Problem) string {
	s := p.Severity.String() + ": " + p.Error()
	if p.Rule != "" {
		s += " [" + p.Rule + "]"
	}
	return s
}

// annotationPath makes a site-relative file relative to the working
// directory, where GitHub Actions runs and resolves annotation paths from.
//
// The same file is always named alike, wherever feedpub runs: relative to
// the repository root (GITHUB_WORKSPACE) in a workflow, else to the working
// folder; a file outside that folder keeps its absolute path.
func (o *rootOptions) annotationPath(file string) string {
	if file == "" || strings.Contains(file, "://") {
		return file
	}
	if o.wd == "" {
		// Once per run, not per annotation: a run may print thousands.
		wd, err := os.Getwd()
		if err != nil {
			return file
		}
		o.wd = wd
	}
	wd, abs := o.wd, file
	switch {
	case filepath.IsAbs(file):
	case file == o.confFile || o.siteDir == "":
		abs = filepath.Join(wd, filepath.FromSlash(file))
	default:
		abs = filepath.Join(o.siteDir, filepath.FromSlash(file))
	}
	base := wd
	if ws := os.Getenv("GITHUB_WORKSPACE"); ws != "" {
		base = ws
	}
	if r, err := filepath.Rel(base, abs); err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return filepath.ToSlash(r)
	}
	return filepath.ToSlash(abs)
}

// githubAnnotation is a GitHub Actions workflow command:
// "::error file=F,line=L,title=FP203::field: message".
func githubAnnotation(p diag.Problem, file string) string {
	level := map[diag.Severity]string{diag.Error: "error", diag.Warning: "warning"}[p.Severity]
	if level == "" {
		level = "notice"
	}
	var props []string
	if file != "" {
		props = append(props, "file="+ghProperty(file))
		if p.Line > 0 {
			props = append(props, fmt.Sprintf("line=%d", p.Line))
			if p.Col > 0 {
				props = append(props, fmt.Sprintf("col=%d", p.Col))
			}
		}
	}
	if p.Rule != "" {
		props = append(props, "title="+ghProperty(p.Rule))
	}
	msg := p.Msg
	if p.Field != "" {
		msg = p.Field + ": " + msg
	}
	if file == "" && p.File != "" {
		msg = p.File + ": " + msg
	}
	cmd := "::" + level
	if len(props) > 0 {
		cmd += " " + strings.Join(props, ",")
	}
	return cmd + "::" + ghData(msg)
}

// ghData and ghProperty escape as GitHub's toolkit does, so a message with
// a newline or a comma cannot end the command early.
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func ghProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// problemJSON is one problem in --format json and publish --json.
type problemJSON struct {
	Kind    string `json:"kind"` // error, warning or note
	Rule    string `json:"rule,omitempty"`
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

func problemsJSON(ps diag.Problems) []problemJSON {
	ps = ps.Unique()
	ps.Sort()
	out := []problemJSON{}
	for _, p := range ps {
		out = append(out, problemJSON{Kind: p.Severity.String(), Rule: p.Rule, File: p.File, Line: p.Line, Column: p.Col, Field: p.Field, Message: p.Msg})
	}
	return out
}

// reportDoc is what validate, check, build and new print with --json.
type reportDoc struct {
	OK       bool          `json:"ok"`
	Summary  string        `json:"summary,omitempty"`
	Error    string        `json:"error,omitempty"` // what stopped the command, when not a problem below
	Problems []problemJSON `json:"problems"`
}
