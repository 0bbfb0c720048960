// Package podcast renders a feeds.Show as podcast RSS 2.0 with Apple's iTunes
// tags and the Podcasting 2.0 namespace. The same encoder writes the audio
// feed (podcast:medium "podcast") and the video feed ("video"); an entry that
// has both versions offers the other one in podcast:alternateEnclosure.
//
// The encoder writes the XML with feeds/internal/xmlw (write.go), the writer
// every XML feed shares, an item at a time, escaping every value as it
// writes it, so a feed of any length takes the memory of one item;
// feeds/xmltext removes characters XML forbids, wraps HTML in
// CDATA and cuts values to Apple's limits, and each cut is returned as a
// Warning naming the entry.
package podcast
