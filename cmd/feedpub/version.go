package main

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"
)

func newVersionCmd(opts *rootOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print feedpub's version",
		Args:  maxArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintf(opts.env.Stdout, "feedpub %s (%s, %s/%s)\n", version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return nil
		},
	}
}
