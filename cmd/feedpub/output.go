package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/feedpub/feedpub/config/diag"
)

// addOutputFlags adds --format and --strict to a command that reports
// problems.
func addOutputFlags(cmd *cobra.Command, ro *rootOptions) {
	cmd.Flags().StringVar(&ro.Format, "format", "human", "how to print problems: human, json or github (GitHub Actions annotations)")
	cmd.Flags().BoolVar(&ro.Strict, "strict", false, "fail on warnings too")
}

// checkFormat refuses an unknown --format before any work is done.
func (o *rootOptions) checkFormat() error {
	switch o.Format {
	case "", "human", "json", "github":
		return nil
	}
	return usageError{fmt.Errorf("--format %q: want human, json or github", o.Format)}
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
func (o *rootOptions) annotationPath(file string) string {
	if file == "" || file == o.confFile || filepath.IsAbs(file) || strings.Contains(file, "://") || o.siteDir == "" || o.siteDir == "." {
		return file
	}
	return filepath.ToSlash(filepath.Join(o.siteDir, filepath.FromSlash(file)))
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
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

func problemsJSON(ps diag.Problems) []problemJSON {
	ps = ps.Unique()
	ps.Sort()
	out := []problemJSON{}
	for _, p := range ps {
		out = append(out, problemJSON{Kind: p.Severity.String(), Rule: p.Rule, File: p.File, Line: p.Line, Field: p.Field, Message: p.Msg})
	}
	return out
}

// reportDoc is what validate and check print with --format json.
type reportDoc struct {
	OK       bool          `json:"ok"`
	Summary  string        `json:"summary,omitempty"`
	Problems []problemJSON `json:"problems"`
}

// jsonReport collects problems instead of printing them, and returns the
// function that prints the document once the command is done.
func (o *rootOptions) jsonReport() (printDoc func(ok bool, summary string)) {
	o.Quiet = true
	o.collected = &diag.Problems{}
	return func(ok bool, summary string) {
		enc := json.NewEncoder(o.env.Stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(reportDoc{OK: ok, Summary: summary, Problems: problemsJSON(*o.collected)})
	}
}
