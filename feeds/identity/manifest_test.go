package identity_test

import (
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/feedpub/feedpub/feeds/identity"
)

// TestDecodeChecksAndMigrates: records that contradict themselves are
// refused, saying how; version 1's GUIDs migrate only without records;
// JSON of another shape is encoding/json's error.
func TestDecodeChecksAndMigrates(t *testing.T) {
	dup := `[{"guid":"a","slug":"a","source":"r/a.md","feeds":{"p.xml":"a"}},{"guid":"b","slug":"b","source":"r/a.md","feeds":{"p.xml":"a"}}]`
	_, err := identity.Decode(json.RawMessage(dup), json.RawMessage(`{"p.xml":"x","v.xml":"x"}`), nil)
	for _, want := range []string{"have the source r/a.md", `p.xml carries "a" for two entries`, "the feeds p.xml and v.xml have the same id"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Decode: %v, want %q", err, want)
		}
	}
	k, err := identity.Decode(json.RawMessage(`[{"guid":"g","slug":"s"}]`), nil, json.RawMessage(`{"p.xml":{"old":"o"}}`))
	if err != nil || len(k.Entries) != 1 || k.Entries[0].GUID != "g" {
		t.Errorf("records and version 1 GUIDs: %+v, %v; want the records only", k, err)
	}
	var typeErr *json.UnmarshalTypeError
	if _, err := identity.Decode(json.RawMessage(`"x"`), nil, nil); err == nil || !errors.As(err, &typeErr) {
		t.Errorf("entries of another shape: %v", err)
	}
}

// TestKeeperRefuse: a publish that empties a live feed is refused unless
// forced, and one after a lost manifest that drops a recovered item unless
// new GUIDs are accepted.
func TestKeeperRefuse(t *testing.T) {
	k := &identity.Keeper{MaxDeletes: 5}
	if _, _, err := k.Read(json.RawMessage(`[{"guid":"a","slug":"a","feeds":{"p.xml":"a"}}]`), nil, nil); err != nil {
		t.Fatal(err)
	}
	empty, _ := k.Record(&identity.Kept{Entries: []identity.Record{{GUID: "a", Slug: "a", Removed: true}}})
	if err := k.Refuse(empty); err == nil || !strings.Contains(err.Error(), "p.xml would lose all of its 1 items (a)") {
		t.Errorf("emptied feed: %v", err)
	}
	k.Force = true
	if err := k.Refuse(empty); err != nil {
		t.Errorf("forced: %v", err)
	}

	feed := `<rss><channel><item><guid>g1</guid><title>One</title><pubDate>Mon, 02 Jan 2026 00:00:00 GMT</pubDate></item></channel></rss>`
	read := func(key string) (io.ReadCloser, bool, error) {
		return io.NopCloser(strings.NewReader(feed)), true, nil
	}
	k = &identity.Keeper{LiveFeeds: []string{"p.xml"}, Force: true}
	entries, _, warns, err := k.Recover(".feedpub/manifest.json is missing", read, func(string) (string, string) { return "", "" })
	if err != nil || entries == nil || len(warns) != 1 || !strings.Contains(warns[0], "rebuilt the identities of 1 published entries") {
		t.Fatalf("Recover: %s, %v, %v", entries, warns, err)
	}
	dropped, _ := k.Record(&identity.Kept{Entries: []identity.Record{{GUID: "g1", Title: "One", Removed: true}}})
	if err := k.Refuse(dropped); err == nil || !strings.Contains(err.Error(), `no entry of the site matches 1 items of the live feeds`) {
		t.Errorf("dropped recovered item: %v", err)
	}
	k.AcceptNewGUIDs = true
	if err := k.Refuse(dropped); err != nil {
		t.Errorf("accepted: %v", err)
	}
}
