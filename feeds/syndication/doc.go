// Package syndication renders the written-review feeds of a feeds.ReviewFeed:
// RSS 2.0 (RenderRSS), Atom 1.0 (RenderAtom) and JSON Feed 1.1 (RenderJSON).
// Output is deterministic: fixed element and field order, two-space
// indentation, a trailing newline, and dates taken only from the model.
package syndication
