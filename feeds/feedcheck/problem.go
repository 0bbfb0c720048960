package feedcheck

import (
	"fmt"
	"strings"
)

// Problem is one rule a feed breaks.
type Problem struct {
	Rule  string // stable name, e.g. "item.enclosure.length"
	Where string // "channel", "feed", or the item, e.g. `item 2 (guid "x")`
	Msg   string
}

func (p *Problem) Error() string {
	return fmt.Sprintf("feedcheck: %s: %s: %s", p.Where, p.Rule, p.Msg)
}

// Rules returns the Rule of every *Problem in errs, in order.
func Rules(errs []error) []string {
	var rs []string
	for _, err := range errs {
		if p, ok := err.(*Problem); ok {
			rs = append(rs, p.Rule)
		}
	}
	return rs
}

// report collects problems.
type report struct {
	errs []error
}

func (r *report) add(where, rule, format string, args ...any) {
	r.errs = append(r.errs, &Problem{Rule: rule, Where: where, Msg: fmt.Sprintf(format, args...)})
}

func itemWhere(kind string, i int, id string) string {
	if id == "" {
		return fmt.Sprintf("%s %d", kind, i+1)
	}
	return fmt.Sprintf("%s %d (%q)", kind, i+1, id)
}

func trimmed(s string) bool { return s == strings.TrimSpace(s) }
