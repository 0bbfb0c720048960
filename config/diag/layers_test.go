package diag_test

import (
	"os/exec"
	"sort"
	"strings"
	"testing"

	"github.com/feedpub/feedpub/feeds/feedtest"
)

// compositionRoot is the one package under feeds/ that may import media/:
// it builds the site and runs the publish.
const compositionRoot = "feeds/site"

// TestLayers holds the module to its dependency rule (README,
// Architecture): no package under media/ reaches one under feeds/, and no
// package under feeds/ reaches media/ except through the composition root,
// so the feed model, its encoders and rules build and test without the
// storage layer, and the storage layer without the model. It reads the
// production imports (not tests') with go list.
func TestLayers(t *testing.T) {
	root := feedtest.ModuleRoot(t)
	goList := func(args ...string) string {
		cmd := exec.Command("go", append([]string{"list"}, args...)...)
		cmd.Dir = root
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go list %s: %v", strings.Join(args, " "), err)
		}
		return strings.TrimSpace(string(out))
	}
	module := goList("-m")
	out := goList("-f", "{{.ImportPath}} {{join .Imports \" \"}}", "./...")
	rel := func(p string) (string, bool) {
		if p == module {
			return "", true
		}
		r, ok := strings.CutPrefix(p, module+"/")
		return r, ok
	}
	imports := map[string][]string{}
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		from, ok := rel(f[0])
		if !ok {
			continue
		}
		for _, imp := range f[1:] {
			if to, ok := rel(imp); ok {
				imports[from] = append(imports[from], to)
			}
		}
	}
	if len(imports) < 10 {
		t.Fatalf("go list gave %d packages of the module %q: the test reads nothing", len(imports), module)
	}
	under := func(p, top string) bool { return p == top || strings.HasPrefix(p, top+"/") }
	var bad []string
	for from := range imports {
		switch {
		case under(from, "media"):
			if path := reach(imports, from, func(p string) bool { return under(p, "feeds") }, ""); path != nil {
				bad = append(bad, strings.Join(path, " → "))
			}
		case under(from, "feeds") && from != compositionRoot:
			if path := reach(imports, from, func(p string) bool { return under(p, "media") }, compositionRoot); path != nil {
				bad = append(bad, strings.Join(path, " → "))
			}
		}
	}
	sort.Strings(bad)
	for _, b := range bad {
		t.Errorf("a dependency against the layers: %s", b)
	}
}

// reach returns a path of imports from from to a package for which target
// holds, never passing through skip, or nil when there is none.
func reach(imports map[string][]string, from string, target func(string) bool, skip string) []string {
	prev := map[string]string{from: ""}
	queue := []string{from}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, q := range imports[p] {
			if _, seen := prev[q]; seen || q == skip {
				continue
			}
			prev[q] = p
			if target(q) {
				var path []string
				for n := q; n != ""; n = prev[n] {
					path = append([]string{n}, path...)
				}
				return path
			}
			queue = append(queue, q)
		}
	}
	return nil
}
