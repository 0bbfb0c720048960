package schema

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/feedpub/feedpub/config/diag"
)

type person struct {
	Name string `yaml:"name"`
	Img  string `yaml:"img"`
}

type media struct {
	File     string   `yaml:"file"`
	Season   int      `yaml:"season"`
	Explicit *bool    `yaml:"explicit"`
	Duration float64  `yaml:"duration"`
	Persons  []person `yaml:"persons"`
}

type doc struct {
	Title string   `yaml:"title"`
	Image string   `yaml:"image"`
	Tags  []string `yaml:"tags"`
	Audio *media   `yaml:"audio"`
	Video *media   `yaml:"video"`
}

func check(t *testing.T, src string, weak bool) (string, map[string]int) {
	t.Helper()
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(src), &n); err != nil {
		t.Fatal(err)
	}
	var ps diag.Problems
	c := Checker{File: "x.md", Offset: 1, Tag: "yaml", Weak: weak, Lines: map[string]int{}}
	c.Check(&n, reflect.TypeOf(doc{}), &ps)
	var msgs []string
	for _, p := range ps {
		msgs = append(msgs, p.Error())
	}
	return strings.Join(msgs, "\n"), c.Lines
}

func TestCheckReportsEveryProblemWithFileLines(t *testing.T) {
	got, _ := check(t, `title: [a, b]
img: x.jpg
explicit: true
audio:
  file: a.mp3
  season: 1.5
  duration: lots
  explicit: maybe
  persons: [{name: A, imgg: x}]
  file: b.mp3
tags: {a: 1}
`, false)
	for _, want := range []string{
		"x.md:2: title: want text, got a list",
		`x.md:3: img: unknown key "img" (did you mean "image"?)`,
		"x.md:4: explicit: explicit belongs under audio: or video:",
		"x.md:7: audio.season: want a whole number, got 1.5",
		`x.md:8: audio.duration: want a number, got "lots"`,
		`x.md:9: audio.explicit: want true or false, got "maybe"`,
		`x.md:10: audio.persons[0].imgg: unknown key "imgg" (did you mean "img"?)`,
		"x.md:11: audio.file: this key is already set on line 6",
		"x.md:12: tags: want a list, got a mapping",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	if n := strings.Count(got, "\n") + 1; n != 9 {
		t.Errorf("%d problems, want 9:\n%s", n, got)
	}
}

func TestCheckAcceptsValidAndRecordsLines(t *testing.T) {
	got, _ := check(t, `title: 2017
tags: [a, b]
base: &b {file: a.mp3, season: 2}
`, false)
	if !strings.Contains(got, `unknown key "base"`) {
		t.Errorf("got %s", got)
	}
	got, lines := check(t, `title: x
audio: &a
  file: a.mp3
  season: 2
  explicit: yes
  duration: 12.5
video:
  <<: *a
  file: v.mp4
`, false)
	if got != "" {
		t.Errorf("valid document: %s", got)
	}
	if lines["audio.season"] != 5 || lines["video.file"] != 10 {
		t.Errorf("lines: %v", lines)
	}
}

func TestCheckWeakAcceptsWhatViperConverts(t *testing.T) {
	src := "audio: {season: \"3\", explicit: \"true\", duration: \"1.5\"}\ntags: one\n"
	if got, _ := check(t, src, true); got != "" {
		t.Errorf("weak: %s", got)
	}
	if got, _ := check(t, src, false); strings.Count(got, "\n") != 3 {
		t.Errorf("strict: want 4 problems, got:\n%s", got)
	}
}

type tree struct {
	Items []tree `yaml:"items"`
}

func TestCheckBoundsAliasExpansion(t *testing.T) {
	// Each anchor lists the one before twice: 2^40 nodes once expanded,
	// which the walk must not follow.
	var b strings.Builder
	b.WriteString("items:\n  - &l0 {items: []}\n")
	for i := 1; i <= 40; i++ {
		fmt.Fprintf(&b, "  - &l%d {items: [*l%d, *l%d]}\n", i, i-1, i-1)
	}
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(b.String()), &n); err != nil {
		t.Fatal(err)
	}
	var ps diag.Problems
	c := Checker{File: "x", Tag: "yaml"}
	c.Check(&n, reflect.TypeOf(tree{}), &ps)
	if len(ps) != 1 || !strings.Contains(ps[0].Msg, "aliases (*name) expand too far") {
		t.Errorf("problems: %v", ps)
	}
}

func TestCheckStopsAtAnAnchorThatContainsItself(t *testing.T) {
	got, _ := check(t, "audio: &s {<<: *s, explicit: maybe}\nvideo: &v [*v]\n", false)
	if strings.Count(got, "inside its own anchor") != 1 || strings.Count(got, "audio.explicit") != 1 {
		t.Errorf("got:\n%s", got)
	}
}
