// Command readme rewrites the generated parts of the repository's
// README.md: the rule table from the registry in config/diag (between
// "<!-- rules:begin -->" and "<!-- rules:end -->") and the config
// reference from config/reference.yaml (between the config markers). It
// runs from `go generate ./config/diag`; tests in config/diag and config
// fail when the README is not what it would write.
package main

import (
	"fmt"
	"os"

	"github.com/feedpub/feedpub/config"
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
	if err == nil {
		out, err = config.WithReference(out)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "readme: %s: %v\n", path, err)
		os.Exit(1)
	}
	if err := os.WriteFile(path, out, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "readme:", err)
		os.Exit(1)
	}
}
