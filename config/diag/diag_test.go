package diag_test

import (
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/feedpub/feedpub/config/diag"
)

func TestClosest(t *testing.T) {
	names := []string{"site", "content", "podcast", "video", "reviews", "publish"}
	for in, want := range map[string]string{"podcats": "podcast", "sit": "site", "revews": "reviews", "zzzzzzzz": ""} {
		if got := diag.Closest(in, names); got != want {
			t.Errorf("Closest(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestClosestNeverEchoesTheInput(t *testing.T) {
	names := []string{"img", "image", "explicit"}
	if got := diag.Closest("img", names); got != "image" {
		t.Errorf("Closest(img) = %q, want image (never img itself)", got)
	}
	if got := diag.Closest("explicit", []string{"explicit"}); got != "" {
		t.Errorf("Closest(explicit) = %q, want nothing", got)
	}
	if got := diag.Closest("FEEDPUB_PUBLSH_TARGET", []string{"FEEDPUB_PUBLISH_TARGET", "FEEDPUB_SITE_TITLE"}); got != "FEEDPUB_PUBLISH_TARGET" {
		t.Errorf("upper-case names: got %q", got)
	}
}

func TestYAMLErrorLinesAndSentences(t *testing.T) {
	for _, tc := range []struct {
		src    string
		offset int
		line   int
		msg    string
	}{
		{"a: 1\n\tb: 2\n", 0, 2, "a tab cannot indent YAML: use spaces"},
		{"a: 1\nb:\n\t- x\n", 1, 4, "a tab cannot indent YAML: use spaces"},
		{"a: 1\nb: @x\n", 1, 3, "put the value in quotes"},
		{"a: 1\nb: 2\nc:\n  d: 1\n e: 2\n", 0, 5, "does not line up"},
		{"a: 1\nb: 2\nc: [1, 2\nd: 4\n", 0, 3, "this [list] is not closed with ]"},
		{"a: b: c\n", 1, 2, `a value contains ": "`},
		{"a: \"x\nb: 2\n", 0, 3, "never closed"},
	} {
		var n yaml.Node
		err := yaml.Unmarshal([]byte(tc.src), &n)
		if err == nil {
			t.Fatalf("%q parsed", tc.src)
		}
		line, msg := diag.YAMLError(err, []byte(tc.src), tc.offset)
		if line != tc.line || !strings.Contains(msg, tc.msg) {
			t.Errorf("%q: line %d %q, want line %d %q", tc.src, line, msg, tc.line, tc.msg)
		}
		if strings.Contains(msg, "found character") || strings.Contains(msg, "did not find") {
			t.Errorf("%q: parser text shown raw: %q", tc.src, msg)
		}
	}
}

func TestCheckUTF8(t *testing.T) {
	var ps diag.Problems
	if !diag.CheckUTF8(&ps, "FP206", "x.md", []byte("ok\né\n")) || len(ps) != 0 {
		t.Fatalf("valid UTF-8 rejected: %v", ps)
	}
	data := "ok\nbad \xff\n" + strings.Repeat("\xfe\n", 30)
	if diag.CheckUTF8(&ps, "FP206", "x.md", []byte(data)) {
		t.Fatal("invalid UTF-8 accepted")
	}
	if len(ps) != diag.MaxPerFile+1 || ps[0].Line != 2 || !strings.Contains(ps[0].Msg, "byte 0xff at column 5") {
		t.Errorf("problems: %v", ps)
	}
	if last := ps[len(ps)-1]; last.Msg != "11 more lines are not valid UTF-8" {
		t.Errorf("last: %v", last)
	}
}

func TestCappedPerFile(t *testing.T) {
	var ps diag.Problems
	for i := range 25 {
		ps.Errorf("FP203", "a.md", i+1, "", "e%d", i)
	}
	ps.Errorf("FP203", "b.md", 1, "", "only")
	ps.Errorf("FP106", "", 0, "FEEDPUB_X", "env")
	got := ps.Capped()
	if len(got) != diag.MaxPerFile+1+2 {
		t.Fatalf("%d problems: %v", len(got), got)
	}
	var more diag.Problem
	for _, p := range got {
		if strings.HasPrefix(p.Msg, "…") {
			more = p
		}
	}
	if more.File != "a.md" || more.Msg != "… and 5 more in this file" || more.Severity != diag.Error {
		t.Errorf("summary: %+v", more)
	}
	if len(ps) != 27 {
		t.Error("Capped changed its receiver")
	}
}

func TestPlural(t *testing.T) {
	for _, c := range []struct {
		n          int
		word, want string
	}{{0, "file", "0 files"}, {1, "file", "1 file"}, {2, "entry", "2 entries"}, {1, "try", "1 try"}, {3, "try", "3 tries"}} {
		if got := diag.Plural(c.n, c.word); got != c.want {
			t.Errorf("Plural(%d, %q) = %q, want %q", c.n, c.word, got, c.want)
		}
	}
}
