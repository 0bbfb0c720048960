package main

import (
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// newManCmd is `feedpub man DIR`: one man page per command, generated from
// the command tree itself, so the pages cannot drift from --help, with
// feedpub(1)'s environment, files, exit status and examples, and
// feedpub.yaml(5) from the config reference (manextra.go). Hidden:
// it is a build step (`make man`, the release archives), not something a
// podcaster runs.
func newManCmd() *cobra.Command {
	return &cobra.Command{
		Use:    "man DIR",
		Short:  "Write a man page for every command into DIR",
		Hidden: true,
		Args: func(cmd *cobra.Command, args []string) error {
			if err := cobra.ExactArgs(1)(cmd, args); err != nil {
				return usageError{err}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := args[0]
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
			v, _, d := buildInfo()
			header := &doc.GenManHeader{Section: "1", Source: "feedpub " + v, Manual: "feedpub manual"}
			// The page date is the commit's (injected) date, so the pages
			// are reproducible; without one cobra uses SOURCE_DATE_EPOCH or now.
			if t, err := time.Parse(time.RFC3339, d); err == nil {
				header.Date = &t
			}
			root := cmd.Root()
			root.DisableAutoGenTag = true
			if err := doc.GenManTree(root, header, dir); err != nil {
				return fmt.Errorf("man pages: %w", err)
			}
			date := time.Now() // a development build's; releases inject theirs
			if header.Date != nil {
				date = *header.Date
			}
			if err := writeManExtras(dir, v, date); err != nil {
				return fmt.Errorf("man pages: %w", err)
			}
			return nil
		},
	}
}
