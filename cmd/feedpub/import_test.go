package main

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// itemGUIDs lists a podcast feed's item GUIDs with their pubDates, sorted.
func itemGUIDs(t *testing.T, data []byte) []string {
	t.Helper()
	var doc struct {
		GUID  string `xml:"channel>guid"`
		Items []struct {
			GUID    string `xml:"guid"`
			PubDate string `xml:"pubDate"`
		} `xml:"channel>item"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	out := []string{"podcast:guid " + doc.GUID}
	for _, it := range doc.Items {
		out = append(out, it.GUID+" "+it.PubDate)
	}
	sort.Strings(out)
	return out
}

// TestImportFeedpubsOwnFeeds moves a show that feedpub published to a
// new site with feedpub import: the new site's feeds, once built, carry
// every GUID, date and podcast:guid of the old ones (an app pointed at
// the new feed finds no new episode), import --verify says so, and a
// changed guid: makes it exit 1 (FP605).
func TestImportFeedpubsOwnFeeds(t *testing.T) {
	srv, e := servedExample(t, nil)
	into := filepath.Join(t.TempDir(), "moved")
	r := runEnv(e, "import", srv.URL+"/podcast.xml", "--video", srv.URL+"/video.xml", "--into", into, "--base-url", "https://new.example/")
	if r.code != 0 || !strings.Contains(r.stdout, "verified: every episode") {
		t.Fatalf("import: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if strings.Contains(r.stderr, "FP605") || strings.Contains(r.stderr, "FP601") {
		t.Errorf("import reported:\n%s", r.stderr)
	}
	mustRun(t, "build", "--config", filepath.Join(into, "feedpub.yaml"))
	// The old feeds as served, against the new ones as built.
	for _, f := range []string{"podcast.xml", "video.xml"} {
		resp, err := srv.Client().Get(srv.URL + "/" + f)
		if err != nil {
			t.Fatal(err)
		}
		served, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		built, err := os.ReadFile(filepath.Join(into, "public", f))
		if err != nil {
			t.Fatal(err)
		}
		old, got := itemGUIDs(t, served), itemGUIDs(t, built)
		if strings.Join(got, "\n") != strings.Join(old, "\n") {
			t.Errorf("%s: the new feed's GUIDs and dates\n  %s\nthe old feed's\n  %s", f, strings.Join(got, "\n  "), strings.Join(old, "\n  "))
		}
	}

	// A guid: edited by hand would make the episode new to every app.
	entries, _ := filepath.Glob(filepath.Join(into, "reviews", "*.md"))
	var edited bool
	for _, p := range entries {
		b, _ := os.ReadFile(p)
		if s := string(b); strings.Contains(s, "audio:") && !edited {
			i := strings.Index(s, "guid: ")
			writeFile(t, p, s[:i]+"guid: changed-by-hand\n"+s[i+strings.Index(s[i:], "\n")+1:])
			edited = true
		}
	}
	e.Stdout, e.Stderr = &bytes.Buffer{}, &bytes.Buffer{}
	r = runEnv(e, "import", "--verify", srv.URL+"/podcast.xml", "--into", into)
	if r.code != 1 || !strings.Contains(r.stderr, "[FP605]") || !strings.Contains(r.stderr, "changed-by-hand") {
		t.Errorf("verify after a changed guid: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}
