package site_test

import (
	"encoding/json"
	"testing"

	"github.com/feedpub/feedpub/config/state"
	"github.com/feedpub/feedpub/feeds/site"
)

// The unchanged-site state another build of feedpub saved is not read: a
// changed feedpub may build other feeds from the same site, so it must
// not take the site for unchanged.
func TestStateOfAnotherBuildIsNotRead(t *testing.T) {
	cfg := example(t)
	s := &site.State{Targets: map[string]site.TargetState{"s3://b/": {Inputs: "abc", Manifest: `"e1"`}}}
	if err := s.Save(cfg); err != nil {
		t.Fatal(err)
	}
	if got := site.LoadState(cfg); got.Targets["s3://b/"].Inputs != "abc" {
		t.Fatalf("the state just saved reads back as %+v", got)
	}
	data, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if err := state.Open(cfg.Dir, state.Options{BuildID: "another feedpub"}).Write(state.SiteFile, data); err != nil {
		t.Fatal(err)
	}
	if got := site.LoadState(cfg); len(got.Targets) != 0 {
		t.Errorf("another build's state was read: %+v", got)
	}
}
