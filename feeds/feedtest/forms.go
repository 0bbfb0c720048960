package feedtest

import (
	"sync/atomic"

	"github.com/feedpub/feedpub/feeds"
)

// The forms Forms hands out: plain text that no encoder escapes, so a test
// finds it in any feed.
const (
	SafeMark  = "KEPT-SAFE-FORM"
	AppleMark = "KEPT-APPLE-FORM"
)

// Forms is a feeds.Forms that stands for a cache of the sanitised forms:
// it answers every entry with SafeMark or AppleMark, so a test can tell
// where a feed's forms came from, and counts what it was asked (safely,
// since the feeds render at once).
type Forms struct {
	Safes, Apples atomic.Int64
}

// Safe is feeds.Forms.Safe.
func (f *Forms) Safe(*feeds.Entry) string { f.Safes.Add(1); return SafeMark }

// Apple is feeds.Forms.Apple.
func (f *Forms) Apple(*feeds.Entry) string { f.Apples.Add(1); return AppleMark }
