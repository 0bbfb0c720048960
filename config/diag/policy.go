package diag

import "strings"

// Unique returns ps without repeats: a file used twice (a transcript shared
// by an entry's audio and video) is checked twice but reported once.
func (ps Problems) Unique() Problems {
	seen := make(map[Problem]bool, len(ps))
	var out Problems
	for _, p := range ps {
		if seen[p] {
			continue
		}
		seen[p] = true
		out = append(out, p)
	}
	return out
}

// Policy is what the editor chose to hear: warnings ignored site-wide
// (feedpub.yaml ignore:) or in one file (an entry's ignore:), and whether
// warnings fail the run (--strict).
type Policy struct {
	Ignore []string            // rule IDs ignored everywhere
	ByFile map[string][]string // file → rule IDs ignored in it
	Strict bool
	// Rehearsal (build, serve: nothing goes to listeners) makes the errors
	// of PublishOnly rules warnings.
	Rehearsal bool
}

// PublishOnly are the rules that stop what reaches listeners but not a
// rehearsal of it: init's placeholder addresses and placeholder text, which
// a starter site is built and previewed with before they are replaced.
var PublishOnly = []string{"FP136", "FP225"}

// Apply drops the repeats and the ignored warnings and notices of ps (an
// error is never dropped: the ignore lists are checked for errors, see
// CheckIgnore), and under Strict makes every remaining warning an error.
func (p Policy) Apply(ps Problems) Problems {
	var out Problems
	for _, x := range ps.Unique() {
		if x.Severity != Error && (has(p.Ignore, x.Rule) || has(p.ByFile[x.File], x.Rule)) {
			continue
		}
		if p.Rehearsal && x.Severity == Error && has(PublishOnly, x.Rule) {
			x.Severity = Warning
			x.Msg += " (publish refuses it)"
		}
		if p.Strict && x.Severity == Warning {
			x.Severity = Error
		}
		out = append(out, x)
	}
	return out
}

func has(ids []string, id string) bool {
	for _, x := range ids {
		if id != "" && strings.EqualFold(strings.TrimSpace(x), id) {
			return true
		}
	}
	return false
}
