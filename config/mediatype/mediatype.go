// Package mediatype is the one table of file extensions and the MIME types
// they stand for: media/probe matches a file's content and name against it,
// and feeds/feedcheck a feed's enclosures. It imports nothing of feedpub's,
// so media and feeds share it without depending on each other.
package mediatype

import "strings"

// Chapters is the media type of Podcasting 2.0 JSON chapters, which the
// podcast feeds state for a chapters file whatever its extension.
const Chapters = "application/json+chapters"

// Extension is what a file extension stands for.
type Extension struct {
	// MIME is the type expected of a file so named, the one feedpub's
	// feeds state; "" for an extension feedpub takes no files of.
	MIME string
	// Formats are the content formats (media/probe's names) a file so
	// named may hold; nil for a file probe does not parse.
	Formats []string
	// Enclosure lists the types a podcast enclosure so named may state, as
	// Apple accepts them; nil when Apple accepts no episode so named.
	Enclosure []string
}

var extensions = map[string]Extension{
	".mp3":  {"audio/mpeg", []string{"mp3"}, []string{"audio/mpeg"}},
	".m4a":  {"audio/x-m4a", []string{"m4a"}, []string{"audio/x-m4a", "audio/mp4"}},
	".mp4":  {"video/mp4", []string{"mp4", "m4a"}, []string{"video/mp4"}},
	".m4v":  {"video/x-m4v", []string{"mp4"}, []string{"video/x-m4v"}},
	".mov":  {"video/quicktime", []string{"mov", "mp4"}, []string{"video/quicktime"}},
	".pdf":  {"", nil, []string{"application/pdf"}},
	".ogg":  {"audio/ogg", []string{"opus", "vorbis", "ogg"}, nil},
	".oga":  {"audio/ogg", []string{"opus", "vorbis", "ogg"}, nil},
	".opus": {"audio/opus", []string{"opus"}, nil},
	".flac": {"audio/flac", []string{"flac"}, nil},
	".wav":  {"audio/wav", []string{"wav"}, nil},
	".jpg":  {"image/jpeg", []string{"jpeg"}, nil},
	".jpeg": {"image/jpeg", []string{"jpeg"}, nil},
	".png":  {"image/png", []string{"png"}, nil},
	".vtt":  {"text/vtt", nil, nil},
	".srt":  {"application/x-subrip", nil, nil},
	".json": {"application/json", nil, nil},
}

// Lookup returns what ext (with or without the dot, any case) stands for.
func Lookup(ext string) Extension {
	ext = strings.ToLower(ext)
	if !strings.HasPrefix(ext, ".") {
		ext = "." + ext
	}
	return extensions[ext]
}
