package mediatype

import (
	"slices"
	"testing"
)

// The type feedpub states for a file is one the feed rules accept for an
// enclosure so named, so a feed it writes never breaks its own rule.
func TestStatedTypeIsAcceptedEnclosureType(t *testing.T) {
	for ext, e := range extensions {
		if e.Enclosure != nil && e.MIME != "" && !slices.Contains(e.Enclosure, e.MIME) {
			t.Errorf("%s: states %s, the enclosure rule accepts %v", ext, e.MIME, e.Enclosure)
		}
	}
	for _, ext := range []string{"MP3", ".mp3", "mp3"} {
		if got := Lookup(ext).MIME; got != "audio/mpeg" {
			t.Errorf("Lookup(%q) = %q", ext, got)
		}
	}
	if e := Lookup(""); e.MIME != "" || e.Enclosure != nil {
		t.Errorf("Lookup(\"\") = %+v", e)
	}
}
