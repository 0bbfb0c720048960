package diag_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/feedpub/feedpub/feeds/feedtest"
)

// maxFuncLines is the project rule: no production function spans more than
// this many lines, so the long ones stay a list of named steps.
const maxFuncLines = 100

// TestNoLongFunctions walks every non-test .go file of the module (not
// testdata, not hidden folders) and fails for each function whose
// declaration, from func to the closing brace, spans more than maxFuncLines.
func TestNoLongFunctions(t *testing.T) {
	root := feedtest.ModuleRoot(t)
	fset := token.NewFileSet()
	var long []string
	files := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		files++
		rel, _ := filepath.Rel(root, path)
		long = append(long, longFuncs(fset, f, filepath.ToSlash(rel))...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// A walk that found (next to) nothing would pass for the wrong reason.
	if files < 100 {
		t.Fatalf("read %d production .go files under %s; want the whole module", files, root)
	}
	sort.Strings(long)
	for _, l := range long {
		t.Errorf("%s; over %d: split it into named steps", l, maxFuncLines)
	}
}

// TestLongFuncsMeasures checks the measure itself on a made-up file: a
// function of exactly maxFuncLines lines passes, one line more does not,
// and a method is named with its receiver.
func TestLongFuncsMeasures(t *testing.T) {
	body := func(name string, lines int) string {
		return name + " {\n" + strings.Repeat("\t_ = 0\n", lines-2) + "}\n"
	}
	src := "package p\n\ntype T[E any] struct{}\n\n" +
		body("func ok()", maxFuncLines) +
		body("func tooLong()", maxFuncLines+1) +
		body("func (t *T[E]) method()", maxFuncLines+1)
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(longFuncs(fset, f, "p/p.go"), "\n")
	want := fmt.Sprintf("p/p.go tooLong: %[1]d lines\np/p.go (*T).method: %[1]d lines", maxFuncLines+1)
	if got != want {
		t.Errorf("longFuncs:\n%s\nwant:\n%s", got, want)
	}
}

// longFuncs lists the functions of f over maxFuncLines as
// "path name: N lines".
func longFuncs(fset *token.FileSet, f *ast.File, rel string) []string {
	var out []string
	for _, decl := range f.Decls {
		fn, ok := decl.(*ast.FuncDecl)
		if !ok || fn.Body == nil {
			continue
		}
		lines := fset.Position(fn.End()).Line - fset.Position(fn.Pos()).Line + 1
		if lines > maxFuncLines {
			out = append(out, fmt.Sprintf("%s %s: %d lines", rel, funcName(fn), lines))
		}
	}
	return out
}

// funcName spells a function as the rule's list does: "(*T).m", "T.m" or "f".
func funcName(fn *ast.FuncDecl) string {
	if fn.Recv == nil || len(fn.Recv.List) == 0 {
		return fn.Name.Name
	}
	return "(" + recvType(fn.Recv.List[0].Type) + ")." + fn.Name.Name
}

// recvType renders a receiver type without its type parameters.
func recvType(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.StarExpr:
		return "*" + recvType(e.X)
	case *ast.IndexExpr:
		return recvType(e.X)
	case *ast.IndexListExpr:
		return recvType(e.X)
	case *ast.Ident:
		return e.Name
	}
	return "?"
}
