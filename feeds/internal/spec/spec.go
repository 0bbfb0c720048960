// Package spec holds the names the feed specifications define that more
// than one of feedpub's packages writes or reads: the XML namespaces. One
// spelling for the encoders, the checker, the importer and the identity
// reader, so none can drift from the others. (Media types, the chapters'
// included, are config/mediatype's.)
package spec

// XML namespaces.
const (
	NSiTunes  = "http://www.itunes.com/dtds/podcast-1.0.dtd"
	NSPodcast = "https://podcastindex.org/namespace/1.0"
	NSAtom    = "http://www.w3.org/2005/Atom"
	NSContent = "http://purl.org/rss/1.0/modules/content/"
	NSMedia   = "http://search.yahoo.com/mrss/" // Media RSS
)
