package feeds

import (
	"strings"

	"github.com/google/uuid"
)

// podcastNamespace is the UUID namespace the Podcasting 2.0 podcast:guid tag
// is derived in.
var podcastNamespace = uuid.MustParse("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")

// PodcastGUID returns the podcast:guid for a feed URL, as the Podcasting 2.0
// namespace defines it: a UUIDv5 (SHA-1) in namespace
// ead4c236-bf58-58c6-a2c6-a6b28d128cb6 of the URL with its scheme
// ("https://", "http://", any "scheme://") and trailing slashes removed.
// PodcastGUID("https://podnews.net/rss") is
// "9b024349-ccf0-5f69-a609-6b82873eab3c". A show derives it once and keeps it
// when its feed URL later changes.
func PodcastGUID(feedURL string) string {
	u := strings.TrimSpace(feedURL)
	if i := strings.Index(u, "://"); i >= 0 && validScheme(u[:i]) {
		u = u[i+len("://"):]
	}
	u = strings.TrimRight(u, "/")
	return uuid.NewSHA1(podcastNamespace, []byte(u)).String()
}

// validScheme reports whether s is an RFC 3986 scheme:
// ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
func validScheme(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case i > 0 && (r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.'):
		default:
			return false
		}
	}
	return true
}
