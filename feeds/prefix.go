package feeds

import "strings"

// PrefixURL puts an analytics prefix (OP3, Podtrac, Chartable style) before
// a media URL: the prefix, then the URL without "https://"; an http:// URL
// keeps its scheme, since the prefix service would otherwise fetch it over
// https. So https://op3.dev/e/ and https://media.example/x.mp3 give
// https://op3.dev/e/media.example/x.mp3. An empty prefix returns u.
func PrefixURL(prefix, u string) string {
	if prefix == "" || u == "" {
		return u
	}
	return prefix + strings.TrimPrefix(u, "https://")
}
