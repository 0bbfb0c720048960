// Package previewtest reads, for tests, the event stream a preview server
// announces each new build on (see preview.EventsPath).
package previewtest

import (
	"bufio"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/feedpub/feedpub/feeds/preview"
)

// Events is a subscription to a preview's build announcements.
type Events struct{ sc *bufio.Scanner }

// Subscribe opens the event stream of the preview at base; ctx bounds every
// wait on it, and the test's end closes it.
func Subscribe(ctx context.Context, t testing.TB, base string) *Events {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, "GET", strings.TrimSuffix(base, "/")+preview.EventsPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Body.Close() })
	if ct := r.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("events: Content-Type %q", ct)
	}
	return &Events{bufio.NewScanner(r.Body)}
}

// Next returns the id of the next build announced.
func (e *Events) Next(t testing.TB) string {
	t.Helper()
	for e.sc.Scan() {
		if id, ok := strings.CutPrefix(e.sc.Text(), "data: "); ok {
			return id
		}
	}
	t.Fatalf("no new build announced: the event stream ended: %v", e.sc.Err())
	return ""
}
