package diag_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// maxFuncLines is the project rule: no production function spans more than
// this many lines, so the long ones stay a list of named steps.
const maxFuncLines = 100

// funcLenExceptions lists production functions still over the limit, as
// "path function"; it only shrinks.
var funcLenExceptions = map[string]bool{}

// TestNoLongFunctions walks every non-test .go file of the module and fails
// for a function whose declaration spans more than maxFuncLines lines.
func TestNoLongFunctions(t *testing.T) {
	root := moduleRoot(t)
	fset := token.NewFileSet()
	var long []string
	seen := map[string]bool{}
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
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			lines := fset.Position(fn.End()).Line - fset.Position(fn.Pos()).Line + 1
			key := rel + " " + funcName(fn)
			if lines <= maxFuncLines {
				continue
			}
			if funcLenExceptions[key] {
				seen[key] = true
				continue
			}
			long = append(long, key+": "+strconv.Itoa(lines)+" lines")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(long)
	for _, l := range long {
		t.Errorf("%s; over %d: split it into named steps", l, maxFuncLines)
	}
	for key := range funcLenExceptions {
		if !seen[key] {
			t.Errorf("%s is no longer over %d lines (or is gone): remove it from funcLenExceptions", key, maxFuncLines)
		}
	}
	if len(funcLenExceptions) > 0 {
		t.Logf("%d known exceptions over %d lines", len(funcLenExceptions), maxFuncLines)
	}
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

// moduleRoot finds the directory holding go.mod above the test's directory.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test directory")
		}
		dir = parent
	}
}
