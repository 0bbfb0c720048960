package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A scheduled entry is named, with its time, at the end of every publish
// and validate until it goes out, including a publish with nothing to do.
func TestScheduledEntryInEverySummaryUntilItGoesOut(t *testing.T) {
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	writeFile(t, filepath.Join(dir, "reviews", "monday.md"), "---\ntitle: \"Monday's review\"\ndate: 2026-11-30T06:00:00Z\n---\nOn Monday.\n")
	writeFile(t, filepath.Join(dir, "reviews", "later.md"), "---\ntitle: \"Later\"\ndate: 2026-12-24T06:00:00Z\n---\nLater.\n")
	const want = `next scheduled: reviews/monday.md "Monday's review" at 2026-11-30T06:00:00Z (in 1d 18h); it goes out with the first publish after that`

	r := mustRun(t, "validate", "--config", cfg)
	if lines := strings.Split(strings.TrimSpace(r.stdout), "\n"); lines[len(lines)-1] != want {
		t.Errorf("validate does not end with the next scheduled entry:\n%s", r.stdout)
	}
	if r := mustRun(t, "validate", "--config", cfg, "--format", "json"); !strings.Contains(r.stdout, `; next scheduled: reviews/monday.md \"Monday's review\" at 2026-11-30T06:00:00Z`) {
		t.Errorf("validate --format json does not name the next scheduled entry:\n%s", r.stdout)
	}
	for i, what := range []string{"first publish", "publish with nothing to do"} {
		r := mustRun(t, "publish", "--config", cfg)
		if i == 1 && !strings.Contains(r.stdout, "nothing changed since") {
			t.Fatalf("second publish was not the no-op it should test: %s", r.stdout)
		}
		if lines := strings.Split(strings.TrimSpace(r.stdout), "\n"); lines[len(lines)-1] != want {
			t.Errorf("%s does not end with the next scheduled entry:\n%s", what, r.stdout)
		}
	}
	var doc struct {
		Next *struct{ File, Title, Date string } `json:"next_scheduled"`
	}
	r = mustRun(t, "publish", "--config", cfg, "--json")
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Next == nil || doc.Next.File != "reviews/monday.md" || doc.Next.Title != "Monday's review" || doc.Next.Date != "2026-11-30T06:00:00Z" {
		t.Errorf("publish --json next_scheduled = %+v\n%s", doc.Next, r.stdout)
	}

	// Once Monday's entry is out, the next one is named; once all are out,
	// nothing is (and next_scheduled is null).
	r = runAt(t, now.Add(72*time.Hour), "publish", "--config", cfg)
	if r.code != 0 || !strings.Contains(r.stdout, `next scheduled: reviews/later.md "Later" at 2026-12-24T06:00:00Z (in 22d 18h)`) {
		t.Errorf("after Monday: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runAt(t, now.Add(60*24*time.Hour), "publish", "--config", cfg, "--json")
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Next != nil || !strings.Contains(r.stdout, `"next_scheduled": null`) {
		t.Errorf("nothing is scheduled, yet next_scheduled = %+v", doc.Next)
	}
}
