package site_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/feeds/site"
	"github.com/feedpub/feedpub/media/publish"
	"github.com/feedpub/feedpub/media/store/localstore"
)

// publishTo publishes cfg's site to the folder out with site.Publish.
func publishTo(t *testing.T, cfg *config.Config, out string) *site.Outcome {
	t.Helper()
	st, err := localstore.New(out)
	if err != nil {
		t.Fatal(err)
	}
	o, err := site.Publish(t.Context(), cfg, st, site.PublishOptions{
		Publish: publish.Options{Prune: true, Force: true, LocalTarget: true, Owner: "test"},
		Build:   site.Options{Now: now, Rehearsal: true},
		Version: "test",
	})
	t.Cleanup(func() { _ = o.Result.Close() })
	if err != nil || o.Problems.HasErrors() {
		t.Fatalf("publish: %v %v", err, o.Problems.Err())
	}
	return o
}

// TestPublishSteps: a first publish uploads the site and records its
// identities; the next, with nothing changed, is known unchanged before
// building; one after an edit builds against the identities recorded.
func TestPublishSteps(t *testing.T) {
	cfg := example(t)
	out := t.TempDir()
	first := publishTo(t, cfg, out)
	if first.Report.Uploaded == 0 || first.Report.Unchanged || len(first.Published.Entries) != 0 || len(first.Result.Identity.Entries) == 0 {
		t.Fatalf("first publish: %+v, published %d, recorded %d", first.Report, len(first.Published.Entries), len(first.Result.Identity.Entries))
	}
	again := publishTo(t, cfg, out)
	if !again.Report.Unchanged || again.Result != nil || again.Report.Requests != 1 {
		t.Errorf("unchanged site: %+v, built %v", again.Report, again.Result != nil)
	}
	p := filepath.Join(cfg.Dir, "reviews", "heroine.md")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, append(data, "\nA note.\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	edited := publishTo(t, cfg, out)
	if edited.Report.Unchanged || len(edited.Published.Entries) != len(first.Result.Identity.Entries) || edited.Report.Uploaded == 0 {
		t.Errorf("after an edit: %+v, published %d", edited.Report, len(edited.Published.Entries))
	}
	for i, r := range edited.Result.Identity.Entries {
		if r.GUID != first.Result.Identity.Entries[i].GUID {
			t.Errorf("GUID of %s changed: %s, was %s", r.Source, r.GUID, first.Result.Identity.Entries[i].GUID)
		}
	}
}
