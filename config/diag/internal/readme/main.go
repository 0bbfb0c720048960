// Command readme rewrites the rule table in the repository's README.md
// from the registry in config/diag, between the markers
// "<!-- rules:begin -->" and "<!-- rules:end -->". It runs from
// `go generate ./config/diag`; a test in config/diag fails when the README
// is not what it would write.
package main

import (
	"fmt"
	"os"

	"github.com/feedpub/feedpub/config/diag"
)

func main() {
	path := "../../README.md" // go generate runs in config/diag
	if len(os.Args) > 1 {
		path = os.Args[1]
	}
	data, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "readme:", err)
		os.Exit(1)
	}
	out, err := diag.WithRuleTable(data)
	if err != nil {
		fmt.Fprintf(os.Stderr, "readme: %s: %v\n", path, err)
		os.Exit(1)
	}
	if err := os.WriteFile(path, out, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "readme:", err)
		os.Exit(1)
	}
}
