package newentry_test

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/feedpub/feedpub/feeds/content"
	"github.com/feedpub/feedpub/feeds/newentry"
)

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"Amélie: à la folie":           "amelie-a-la-folie",
		"Straße & Smørrebrød — Łódź":   "strasse-and-smorrebrod-lodz",
		"  Heroin(e)!  ":               "heroin-e",
		"東京物語":                         "dong-jing-wu-yu",
		"Сталкер (1979)":               "stalker-1979",
		"기생충":                          "gisaengcung",
		"🎬🍿":                           "",
		"2001: A Space Odyssey (1968)": "2001-a-space-odyssey-1968",
		"A very long title that goes on and on and on well past sixty characters": "a-very-long-title-that-goes-on-and-on-and-on-well-past",
	} {
		if got := newentry.Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSiblings(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"ep43.mp3", "ep43.chapters.json", "ep43.en.vtt", "ep43.PT-BR.srt", "ep43.vtt", "ep43.draft.vtt", "ep43.jpg", "ep430.vtt"} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := newentry.Siblings(filepath.Join(dir, "ep43.mp3"))
	if err != nil {
		t.Fatal(err)
	}
	want := []newentry.Sibling{
		{Path: filepath.Join(dir, "ep43.PT-BR.srt"), Suffix: ".pt-br.srt", Language: "pt-br"},
		{Path: filepath.Join(dir, "ep43.chapters.json"), Suffix: ".chapters.json", Chapters: true},
		{Path: filepath.Join(dir, "ep43.en.vtt"), Suffix: ".en.vtt", Language: "en"},
		{Path: filepath.Join(dir, "ep43.vtt"), Suffix: ".vtt"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Siblings =\n%+v\nwant\n%+v", got, want)
	}
}

func TestNext(t *testing.T) {
	es := []*content.Entry{
		{Audio: &content.Media{Season: 2, Episode: 30}},
		{Audio: &content.Media{Season: 3, Episode: 41}, Video: &content.Media{Season: 1, Episode: 7}},
		{Audio: &content.Media{Season: 3, Episode: 0, EpisodeType: "trailer"}},
		{Draft: true, Audio: &content.Media{Season: 3, Episode: 42}},
	}
	for _, c := range []struct {
		video         bool
		season        int
		wantS, wantEp int
	}{{false, 0, 3, 43}, {true, 0, 1, 8}, {false, 4, 4, 1}, {false, 2, 2, 31}} {
		if s, ep := newentry.Next(es, c.video, c.season); s != c.wantS || ep != c.wantEp {
			t.Errorf("Next(video %v, season %d) = %d, %d; want %d, %d", c.video, c.season, s, ep, c.wantS, c.wantEp)
		}
	}
	if s, ep := newentry.Next(nil, false, 0); s != 0 || ep != 1 {
		t.Errorf("no entries: season %d episode %d, want none and 1", s, ep)
	}
}
