package feeds

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/feedpub/feedpub/config/diag"
)

//go:embed data/apple-podcast-categories.json
var appleCategoriesJSON []byte

// appleCategories is the embedded list, parsed when the program starts (a
// few kilobytes; a test fails if it does not parse) and never modified.
var appleCategories = parseCategories(appleCategoriesJSON)

// parseCategories parses Apple's category list; the embedded one is part
// of the binary, so its failing to parse is a bug, not an input error.
func parseCategories(data []byte) map[string][]string {
	var m map[string][]string
	if err := json.Unmarshal(data, &m); err != nil {
		panic("feeds: embedded data/apple-podcast-categories.json: " + err.Error())
	}
	return m
}

// ErrUnknownCategory is wrapped by the errors of ParseCategory and
// ValidateCategory for a name that is not in Apple's list.
var ErrUnknownCategory = errors.New("not an Apple Podcasts category")

// AppleCategories returns a copy of Apple's podcast category list: each
// category name mapped to its subcategory names (possibly none), spelled as
// Apple spells them.
func AppleCategories() map[string][]string {
	m := make(map[string][]string, len(appleCategories))
	for k, v := range appleCategories {
		m[k] = slices.Clone(v)
	}
	return m
}

// ParseCategory parses "Category" or "Category > Subcategory" (e.g.
// "TV & Film > Film Reviews") into a Category with Apple's exact spelling.
// Names match case-insensitively and ignore surrounding spaces. An unknown
// name gives an error wrapping ErrUnknownCategory that lists the closest
// valid names.
func ParseCategory(s string) (Category, error) {
	name, sub, _ := strings.Cut(s, ">")
	c := Category{Name: strings.TrimSpace(name), Sub: strings.TrimSpace(sub)}
	if c.Name == "" {
		return Category{}, fmt.Errorf("category %q: empty name: %w", s, ErrUnknownCategory)
	}
	canon, err := canonicalCategory(c)
	if err != nil {
		return Category{}, fmt.Errorf("category %q: %w", s, err)
	}
	return canon, nil
}

// ValidateCategory reports whether c is spelled exactly as in Apple's list,
// with Sub either empty or one of Name's subcategories. The error wraps
// ErrUnknownCategory and lists the closest valid names.
func ValidateCategory(c Category) error {
	canon, err := canonicalCategory(c)
	if err != nil {
		return err
	}
	if canon != c {
		return fmt.Errorf("%q: %w (spelled %q)", joinCategory(c), ErrUnknownCategory, joinCategory(canon))
	}
	return nil
}

func joinCategory(c Category) string {
	if c.Sub == "" {
		return c.Name
	}
	return c.Name + " > " + c.Sub
}

// canonicalCategory finds c in Apple's list ignoring case.
func canonicalCategory(c Category) (Category, error) {
	cats := appleCategories
	var names []string
	for k := range cats {
		names = append(names, k)
	}
	sort.Strings(names)
	name, ok := matchFold(c.Name, names)
	if !ok {
		// A subcategory written alone ("Film Reviews") is meant with its
		// parent: say its full name.
		if c.Sub == "" {
			for _, parent := range names {
				if sub, ok := matchFold(c.Name, cats[parent]); ok {
					return Category{}, fmt.Errorf("%q is a subcategory: write %q (%w)", c.Name, parent+" > "+sub, ErrUnknownCategory)
				}
			}
		}
		return Category{}, fmt.Errorf("%q is %w; closest: %s", c.Name, ErrUnknownCategory, closestCategory(c.Name, cats, names))
	}
	if c.Sub == "" {
		return Category{Name: name}, nil
	}
	subs := cats[name]
	sub, ok := matchFold(c.Sub, subs)
	if !ok {
		if len(subs) == 0 {
			return Category{}, fmt.Errorf("%q has no subcategories, so %q is %w", name, c.Sub, ErrUnknownCategory)
		}
		return Category{}, fmt.Errorf("%q is %w under %q; closest: %s", c.Sub, ErrUnknownCategory, name, closest(c.Sub, subs))
	}
	return Category{Name: name, Sub: sub}, nil
}

func matchFold(s string, list []string) (string, bool) {
	for _, v := range list {
		if strings.EqualFold(s, v) {
			return v, true
		}
	}
	return "", false
}

// closestCategory suggests the categories nearest to s, subcategories
// (with their parent) among them: "Film Review" is nearest "TV & Film >
// Film Reviews", not "Fiction".
func closestCategory(s string, cats map[string][]string, names []string) string {
	all := append([]string(nil), names...)
	for _, n := range names {
		for _, sub := range cats[n] {
			all = append(all, n+" > "+sub)
		}
	}
	type cand struct {
		name string
		d    int
	}
	cs := make([]cand, 0, len(all))
	for _, v := range all {
		_, leaf, _ := strings.Cut(v, " > ")
		if leaf == "" {
			leaf = v
		}
		cs = append(cs, cand{v, diag.EditDistance(strings.ToLower(s), strings.ToLower(leaf))})
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].d < cs[j].d })
	var out []string
	for i := 0; i < len(cs) && i < 3; i++ {
		out = append(out, fmt.Sprintf("%q", cs[i].name))
	}
	return strings.Join(out, ", ")
}

// closest returns up to three names from list nearest to s by edit distance,
// quoted and comma-separated.
func closest(s string, list []string) string {
	type cand struct {
		name string
		d    int
	}
	cs := make([]cand, 0, len(list))
	for _, v := range list {
		cs = append(cs, cand{v, diag.EditDistance(strings.ToLower(s), strings.ToLower(v))})
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].d < cs[j].d })
	var out []string
	for i := 0; i < len(cs) && i < 3; i++ {
		out = append(out, fmt.Sprintf("%q", cs[i].name))
	}
	return strings.Join(out, ", ")
}
