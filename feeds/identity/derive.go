package identity

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// entryNamespace is the UUIDv5 namespace of feedpub's item GUIDs. It is a
// constant forever: changing it would change every published GUID.
var entryNamespace = uuid.MustParse("5b1e8c0e-6f7d-5a63-9c1a-8f1d2e3c4b5a")

// EntryGUID derives the GUID of an entry never published from its slug and
// its date. Once published, the GUID is recorded and comes from the record
// (Resolve), so neither a later slug nor a corrected date changes it;
// titles, URLs, base_url and media file names never play a part.
func EntryGUID(slug string, date time.Time) string {
	return uuid.NewSHA1(entryNamespace, []byte(slug+"/"+date.UTC().Format("2006-01-02"))).String()
}

// TagURI builds a permanent RFC 4151 tag: URI, the Atom id of an entry
// never published, from the site's host and the entry's first-publish date:
// TagURI("https://reelverdicts.example/", date, "reviews/heroine") is
// "tag:reelverdicts.example,2026-11-06:reviews/heroine".
func TagURI(link string, date time.Time, specific string) string {
	return "tag:" + host(link) + "," + date.UTC().Format("2006-01-02") + ":" + specific
}

// TagAuthority is the "host,year" part of a new Atom feed's tag: id, the
// year that of its oldest entry. Once published the feed's id is recorded;
// reviews.atom_id pins it in the config.
func TagAuthority(link string, year int) string {
	return host(link) + "," + strconv.Itoa(year)
}

// host is the site's lower-cased host name, or feedpub.invalid for a link
// without one, so a tag: URI is always well-formed.
func host(link string) string {
	u, err := url.Parse(link)
	if err != nil || u.Hostname() == "" {
		return "feedpub.invalid"
	}
	return strings.ToLower(u.Hostname())
}

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
