// Package feedcheck checks rendered feed bytes against the rules feedpub's
// feeds must meet (Apple Podcasts, PSP-1, Podcasting 2.0, RSS 2.0, RFC 4287
// Atom and JSON Feed 1.1). It reads only the bytes, so any package's tests
// can run it on whatever they render, and every check returns all problems
// found, each a *Problem with a stable Rule name.
package feedcheck
