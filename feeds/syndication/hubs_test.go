package syndication_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/feedpub/feedpub/feeds/feedcheck"
	"github.com/feedpub/feedpub/feeds/feedtest"
	"github.com/feedpub/feedpub/feeds/syndication"
)

func TestHubsDeclared(t *testing.T) {
	f := feedtest.ExampleCatalog().Reviews
	f.Hubs = []string{"https://hub.example/"}
	rss := render(t, syndication.RenderRSS, f)
	if !bytes.Contains(rss, []byte(`<atom:link href="https://hub.example/" rel="hub"></atom:link>`)) {
		t.Errorf("RSS declares no hub:\n%s", rss)
	}
	if errs := feedcheck.CheckRSS(rss); len(errs) > 0 {
		t.Errorf("RSS: %v", errs)
	}
	atom := render(t, syndication.RenderAtom, f)
	if !bytes.Contains(atom, []byte(`<link rel="hub" href="https://hub.example/"></link>`)) {
		t.Errorf("Atom declares no hub:\n%s", atom)
	}
	if errs := feedcheck.CheckAtom(atom); len(errs) > 0 {
		t.Errorf("Atom: %v", errs)
	}
	js := render(t, syndication.RenderJSON, f)
	var doc struct {
		Hubs []struct{ Type, URL string } `json:"hubs"`
	}
	if err := json.Unmarshal(js, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Hubs) != 1 || doc.Hubs[0].Type != "WebSub" || doc.Hubs[0].URL != "https://hub.example/" {
		t.Errorf("JSON Feed hubs = %+v", doc.Hubs)
	}
	if errs := feedcheck.CheckJSONFeed(js); len(errs) > 0 {
		t.Errorf("JSON Feed: %v", errs)
	}
}
