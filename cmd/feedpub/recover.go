package main

import (
	"github.com/feedpub/feedpub/config/diag"
	"github.com/feedpub/feedpub/media/publish"
)

// targetWarnings turns a build's warnings from the target (a dead holder's
// lock taken over, identities rebuilt from the live feeds) into problems,
// unless --verbose logged them already as they happened.
func targetWarnings(rep *publish.Report, verbose bool) diag.Problems {
	var ps diag.Problems
	if rep == nil || verbose {
		return ps
	}
	for _, w := range rep.Warnings {
		ps.Warnf("FP130", "", 0, "", "%s", w)
	}
	return ps
}
