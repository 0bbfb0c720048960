package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version, commit and date are set at link time by `make build` and by
// GoReleaser:
//
//	-ldflags "-X main.version=1.2.0 -X main.commit=<sha> -X main.date=<commit time, RFC 3339>"
//
// date is the commit's timestamp, not the build's, so builds are reproducible.
var (
	version = "0.1.0-dev"
	commit  = ""
	date    = ""
)

// buildInfo is the version, commit and date this binary reports: the
// injected values, or, where none were injected (`go install ...@v1.2.0`,
// a plain `go build`), what the Go toolchain recorded.
func buildInfo() (v, c, d string) {
	v, c, d = version, commit, date
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return v, c, d
	}
	if v == "0.1.0-dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v = bi.Main.Version
	}
	for _, s := range bi.Settings {
		switch {
		case s.Key == "vcs.revision" && c == "":
			c = s.Value
		case s.Key == "vcs.time" && d == "":
			d = s.Value
		}
	}
	return v, c, d
}

// versionLine is what both `feedpub version` and `feedpub --version` print.
func versionLine() string {
	v, c, d := buildInfo()
	if c == "" {
		c = "unknown"
	}
	if d == "" {
		d = "unknown"
	}
	return fmt.Sprintf("feedpub %s (commit %s, built %s, %s %s/%s)", v, c, d, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

func newVersionCmd(opts *rootOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print feedpub's version, commit and build date",
		Args:  maxArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintln(opts.env.Stdout, versionLine())
			return nil
		},
	}
}
