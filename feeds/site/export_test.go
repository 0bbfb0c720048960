package site

import (
	"testing"
	"time"
)

// SetRacyMargin sets how long before a build an entry file's times must
// lie for the index to vouch for it, for the test t: a test's files were
// all just written.
func SetRacyMargin(t testing.TB, d time.Duration) {
	saved := racyMargin
	racyMargin = d
	t.Cleanup(func() { racyMargin = saved })
}
