// Package xmltext makes arbitrary text safe to put in an XML feed: it removes
// the characters XML 1.0 forbids, trims, writes CDATA sections that survive
// "]]>", cuts text to a limit on a character (and optionally word) boundary,
// and reduces review HTML to the small subset Apple Podcasts renders in an
// episode description.
//
// Every function returns valid UTF-8 whatever its input, and none interprets
// or drops legitimate text: emoji and non-Latin scripts pass through intact.
package xmltext
