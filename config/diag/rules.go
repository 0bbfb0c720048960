package diag

import (
	"fmt"
	"sort"
	"strings"

	"github.com/feedpub/feedpub/config/mediatype"
)

// Rule is one check feedpub runs, with a stable ID that output, ignore lists
// and the README name it by. IDs are never reused: a retired check keeps its
// number out of circulation, so an old ignore list cannot silence a new one.
type Rule struct {
	ID       string // FP1xx config, FP2xx content, FP3xx media, FP4xx podcast feeds, FP5xx review feeds, FP6xx import
	Severity Severity
	Summary  string // what the check finds, one line
	Fix      string // what to do about it, one line
}

// rules is the registry: every Problem carries one of these IDs. The README
// table is generated from it (go generate ./config/diag), and a test checks
// that every ID in the source is here and every one here is used.
var rules = []Rule{
	// Config: feedpub.yaml and the FEEDPUB_* environment.
	{"FP101", Error, "unknown key in feedpub.yaml", "fix the spelling (the message names the closest key) or move the key under its section"},
	{"FP102", Error, "a config value of the wrong type", "write the kind of value the message asks for (a number, true/false, a list)"},
	{"FP103", Error, "a required config value is missing", "set the key the message names"},
	{"FP104", Error, "a config key is set twice", "remove one of the two lines"},
	{"FP105", Error, "feedpub.yaml cannot be read as YAML", "fix the syntax at the line named; the message says what the parser expected"},
	{"FP106", Error, "a FEEDPUB_* variable names no config key", "rename or unset the variable (the message names the closest one)"},
	{"FP107", Error, "a URL is not an absolute http(s) URL", "write the full URL, starting https://"},
	{"FP108", Error, "site.base_url cannot prefix the published keys", "set the folder the tree is served from, such as https://media.example.com/podcast/"},
	{"FP109", Error, "site.language is not a language tag", "use ISO 639, such as en, en-gb or fr"},
	{"FP110", Error, "an email address is not valid", "write name@example.com"},
	{"FP111", Error, "content.dir is outside the site folder", "use a folder inside the site, such as reviews"},
	{"FP112", Error, "a config number is out of range", "use a value in the range the message gives"},
	{"FP113", Error, "a config value is not one of the allowed words", "use one of the values the message lists"},
	{"FP114", Error, "podcast:locked without an owner email", "set site.email (or the show's email), or locked: false"},
	{"FP115", Error, "two outputs would be written to one key", "give each feed and file its own path"},
	{"FP116", Error, "a feed path is not a valid key of the published tree", "use a plain relative file name such as podcast.xml"},
	{"FP117", Error, "reviews.atom_id is not a permanent IRI", "use a tag: URI such as tag:example.com,2026:reviews, or leave it out"},
	{"FP118", Error, "an enclosure_prefix does not end in /", "end the prefix with /, such as https://op3.dev/e/"},
	{"FP119", Error, "publish.notify.podping.token_env is not a variable name", "name the environment variable holding the token, such as PODPING_TOKEN"},
	{"FP120", Error, "publish.cdn.cloudfront is not a distribution ID", "copy the ID from the CloudFront console, such as E2EXAMPLE"},
	{"FP121", Error, "publish.cdn.purge_url has no {url}", "put {url} where the feed's URL goes"},
	{"FP122", Error, "a category is not on Apple's list", "use the spelling the message suggests, such as \"TV & Film > Film Reviews\""},
	{"FP123", Error, "a podcast feed has no category", "set categories, such as [\"TV & Film > Film Reviews\"]"},
	{"FP124", Error, "a podcast feed has no show art", "set site.image or the show's image (square JPEG or PNG, 1400-3000 px)"},
	{"FP125", Error, "update_frequency.dtstart is not a date", "write RFC 3339 or YYYY-MM-DD"},
	{"FP126", Warning, "an ignore list names no rule", "use an ID from the rule table, such as FP312"},
	{"FP127", Warning, "an ignore list names an error, which cannot be ignored", "fix the cause instead; only warnings can be ignored"},
	{"FP128", Warning, "the podping token variable is not set", "export the variable publish.notify.podping.token_env names"},
	{"FP129", Warning, "a CDN purge or notification failed", "check the endpoint the message names; the feeds are published"},
	{"FP130", Warning, "the publish finished with a warning from the target", "read the message; the next publish finishes the job"},
	{"FP131", Warning, "feedpub's probe cache or entry cache cannot be saved", "check that .feedpub/ in the site folder is writable"},
	{"FP132", Warning, "new copied a file but could not remove the original", "remove the original by hand"},
	{"FP133", Notice, "checks were skipped because a value they need is invalid", "fix the value named; the skipped checks run again"},
	{"FP134", Error, "the preview page cannot be rendered", "report a bug with the message"},
	{"FP135", Error, "publish.target is not a place feedpub can publish to", "write a folder of its own (such as public), file:///path or s3://bucket/prefix"},
	{"FP136", Error, "a config value is still feedpub init's placeholder", "set your site's real address (site.link, site.base_url, site.email, reviews.link)"},
	{"FP137", Warning, "a URL or address is on a domain reserved for examples", "use a domain listeners can reach; .example, .test, .invalid and example.com are never served"},
	{"FP141", Error, "after a publish, a listener cannot fetch a feed or a new enclosure", "follow the message: make the objects public (publish.acl or a bucket policy), point site.base_url at the target, or clear the cache (publish.cdn)"},

	// Content: reviews/*.md.
	{"FP201", Error, "unknown front matter field", "fix the spelling (the message names the closest field)"},
	{"FP202", Error, "a front matter value of the wrong type", "write the kind of value the message asks for"},
	{"FP203", Error, "a number out of range (rating, film.year, season, episode, duration)", "use a value in the range the message gives"},
	{"FP204", Error, "a front matter field is set twice", "remove one of the two lines"},
	{"FP205", Error, "the front matter is missing or not valid YAML", "start the file with ---, the YAML fields, then ---"},
	{"FP206", Error, "an entry file cannot be read (not UTF-8, too large, not a regular file)", "save it as UTF-8 text inside the site folder"},
	{"FP207", Error, "a required front matter field is missing", "set the field the message names"},
	{"FP208", Error, "a date is not valid", "write RFC 3339 (2026-11-20T09:00:00Z) or YYYY-MM-DD"},
	{"FP209", Error, "a slug is not valid", "use lower-case letters, digits, '.', '-' or '_' (set slug:)"},
	{"FP210", Error, "a front matter value is not one of the allowed words", "use one of the values the message lists"},
	{"FP211", Error, "an entry has nothing to publish", "add review text, audio or video"},
	{"FP212", Error, "two entries have the same slug", "give one of them its own slug:"},
	{"FP213", Error, "two entries have the same GUID", "remove the guid: line from one of them"},
	{"FP214", Error, "a guid: differs from the GUID the entry was published with", "remove the guid: line, or publish --accept-new-guids"},
	{"FP215", Error, "it is unclear which published entry an entry continues", "set guid: as the message says"},
	{"FP216", Error, "two episodes of a feed have the same season and episode number", "renumber one of them"},
	{"FP217", Error, "a serial show's episode has no episode number", "set episode: on every episode, or type: episodic"},
	{"FP218", Warning, "a duration: differs from the file's", "remove duration: to use the file's, or correct it"},
	{"FP219", Warning, "an entry is scheduled more than a year ahead", "check the year of date:"},
	{"FP220", Error, "the content folder cannot be read", "check content.dir and its permissions"},
	{"FP221", Error, "the Markdown body cannot be rendered", "simplify the Markdown the message points at"},
	{"FP222", Notice, "a guid: change was accepted", "nothing: subscribers will see the entry as new"},
	{"FP223", Notice, "an entry continues a renamed published one", "nothing: its GUIDs are kept"},
	{"FP224", Notice, "a published entry is no longer in the site", "nothing, if it was removed on purpose"},
	{"FP225", Error, "an entry still has placeholder text that feedpub wrote (init's starter review, new's show notes)", "replace it with the review or the show notes, delete the entry, or mark it draft: true"},
	{"FP230", Error, "a video link's URL is not a video on a known platform or a page", "link one video, such as https://www.youtube.com/watch?v=ID or https://vimeo.com/ID, or add page: true for another site"},
	{"FP231", Error, "a video link also has keys of a video file, or a media file has a link's keys", "keep either url: (a link: title, duration, thumbnail, page) or file: (a video file)"},
	{"FP232", Warning, "a video link is in no feed: its entry has no review text", "write the review below the front matter; the review feeds carry the link with it"},

	// Media: the files entries and the config reference.
	{"FP301", Error, "a referenced file is missing or unreadable", "fix the path (the message names the closest file) or add the file"},
	{"FP302", Error, "a file's content does not match its extension", "rename it, or convert it to the format its name says"},
	{"FP303", Error, "not a media file podcast apps play", "encode MP3, M4A, MP4, M4V or MOV"},
	{"FP304", Warning, "an entry's video has no video track", "use the video file, or move it to audio:"},
	{"FP305", Warning, "a media duration cannot be read", "set duration: in the front matter"},
	{"FP306", Warning, "a media file has a format problem players tolerate", "re-encode the file if listeners report trouble"},
	{"FP307", Error, "artwork breaks Apple's rules (format, size, colour, transparency)", "export a square RGB JPEG or PNG of 1400-3000 px without transparency"},
	{"FP308", Error, "a chapters file is not valid", "fix the chapter at the line named"},
	{"FP309", Error, "a transcript is not valid", "fix the cue at the line named"},
	{"FP310", Error, "a video feed enclosure uses a codec Apple devices do not play", "encode H.264 High 8-bit 4:2:0 (yuv420p) level 5.2 or lower, or HEVC Main/Main10, with AAC audio"},
	{"FP311", Warning, "an alternate video enclosure uses a codec Apple devices do not play", "encode H.264 High 8-bit 4:2:0 (yuv420p), or HEVC Main/Main10, with AAC audio"},
	{"FP312", Warning, "artwork file over 512 KB", "compress the image; Apple recommends at most 512 KB"},
	{"FP313", Warning, "MP3 bitrate outside 64-320 kbps", "encode at 64 kbps (speech) to 320 kbps"},
	{"FP314", Warning, "audio sample rate is not 44.1 or 48 kHz", "resample to 44.1 kHz or 48 kHz"},
	{"FP315", Error, "an M4A file is not AAC", "encode AAC-LC or HE-AAC in the M4A"},
	{"FP316", Error, "two files would be published at one key", "give each file its own path"},
	{"FP320", Notice, "a referenced file is not here; the target's published copy is used", "nothing, if the file was published from elsewhere (publish --require-media refuses)"},
	{"FP330", Error, "a video link's thumbnail is not a JPEG or PNG image", "export the thumbnail as JPEG or PNG, or link one by URL"},

	// Podcast feeds (audio and video): the model and the rendered RSS.
	{"FP401", Error, "a podcast feed has no episodes", "publish at least one episode (Apple refuses empty feeds), or remove the section"},
	{"FP402", Warning, "an episode title repeats the show name", "drop the show name from the title; apps show it already"},
	{"FP403", Warning, "an episode title carries the episode number", "drop the number from the title; set episode: instead"},
	{"FP404", Warning, "two episodes of a feed have the same title", "give each episode its own title"},
	{"FP405", Warning, "an enclosure URL is not https", "serve the media over https (site.base_url, enclosure_prefix)"},
	{"FP406", Error, "a feed cannot be rendered", "report a bug with the message"},
	{"FP407", Warning, "a text value was changed to fit the feed", "shorten or simplify the text the message names"},
	{"FP408", Error, "the feed is not well-formed XML or not UTF-8", "fix the document; every parser rejects it"},
	{"FP409", Error, "the document is not an RSS 2.0 feed", "serve <rss version=\"2.0\"> with a <channel>"},
	{"FP410", Error, "a podcast namespace is missing or misspelt", "declare itunes, podcast, atom and content with their exact URLs"},
	{"FP411", Error, "the channel title is missing", "set the show title"},
	{"FP412", Error, "a title, author or name is over 255 characters", "shorten it"},
	{"FP413", Error, "a value has leading or trailing white space", "trim the value"},
	{"FP414", Error, "the channel description is missing or over 4000 bytes", "write a description of at most 4000 bytes"},
	{"FP415", Error, "show art is missing or not a .jpg/.png URL", "set itunes:image href to an absolute .jpg or .png URL"},
	{"FP416", Error, "the channel language is not an ISO 639 code", "set a language such as en-gb"},
	{"FP417", Error, "an itunes:category is missing or not on Apple's list", "use a category from Apple's list"},
	{"FP418", Error, "itunes:explicit is missing or not true/false", "write true or false"},
	{"FP419", Error, "the atom:link rel=\"self\" is missing or wrong", "link the feed's own URL with type application/rss+xml"},
	{"FP420", Error, "itunes:owner has no email", "set the owner email"},
	{"FP421", Error, "podcast:guid is not a lowercase UUID", "use the Podcasting 2.0 guid of the feed URL"},
	{"FP422", Error, "podcast:locked is not yes or no", "write yes or no"},
	{"FP423", Error, "podcast:medium is not a Podcasting 2.0 medium", "write podcast, video, music, ..."},
	{"FP424", Error, "itunes:type is not episodic or serial", "write episodic or serial"},
	{"FP425", Error, "itunes:block or itunes:complete is not Yes", "write Yes or leave the element out"},
	{"FP426", Error, "a podcast:trailer lacks url, pubdate or title", "give each trailer a url, an RFC 2822 pubdate and a title"},
	{"FP427", Error, "an episode has no title", "give every episode a title"},
	{"FP428", Error, "an episode has no guid", "give every episode a permanent guid"},
	{"FP429", Error, "two episodes have the same guid", "give every episode its own guid"},
	{"FP430", Error, "an episode has no enclosure", "attach the episode's media file"},
	{"FP431", Error, "an enclosure URL is not absolute or has an extension Apple refuses", "link .mp3, .m4a, .mp4, .m4v, .mov or .pdf with an absolute URL"},
	{"FP432", Error, "an enclosure length is not the size in bytes", "state the file's exact size in bytes"},
	{"FP433", Error, "an enclosure type is missing or does not match the extension", "state the MIME type of the extension (audio/mpeg for .mp3)"},
	{"FP434", Error, "an episode's pubDate is not an RFC 2822 date", "write dates such as Fri, 06 Mar 2026 07:30:00 +0000"},
	{"FP435", Error, "itunes:duration is not whole seconds", "write the duration in seconds"},
	{"FP436", Error, "itunes:episodeType is not full, trailer or bonus", "write full, trailer or bonus"},
	{"FP437", Error, "a season or episode number is not a positive integer", "write a whole number from 1"},
	{"FP438", Error, "a serial show's episode has no itunes:episode", "number every episode"},
	{"FP439", Error, "an episode description is over 10,000 characters", "shorten the show notes"},
	{"FP440", Error, "an episode description uses HTML Apple does not render", "use only <p>, <ol>, <ul>, <li> and <a href>"},
	{"FP441", Error, "an episode's itunes:image is not an absolute URL", "link the episode art with an absolute http(s) URL"},
	{"FP442", Error, "a podcast:transcript lacks a url or a transcript type", "link the transcript with its type, such as text/vtt"},
	{"FP443", Error, "a podcast:chapters lacks a url or its type", "link the chapters with type " + mediatype.Chapters},
	{"FP444", Error, "a podcast:alternateEnclosure is incomplete", "give each alternate a type and a podcast:source uri; mark at most one default"},
	{"FP445", Error, "a served enclosure's length differs from the feed's", "publish the feed again, or re-upload the file the feed describes"},
	{"FP446", Warning, "a served enclosure's Content-Type differs from the feed's", "serve the file with the type the feed states"},
	{"FP447", Error, "an enclosure server does not support byte ranges", "serve media with Accept-Ranges: bytes (Apple requires it)"},
	{"FP448", Error, "an enclosure cannot be fetched", "check the URL; the message gives the status"},
	{"FP449", Notice, "a URL redirects", "nothing, unless the move is permanent: then link the final URL (itunes:new-feed-url for a feed)"},
	{"FP450", Error, "the feed cannot be fetched or read", "check the URL or path; the message gives the reason"},
	{"FP451", Warning, "a podcast feed is larger than its size budget", "set the feed's limit, or item_description: summary"},

	// Review feeds: RSS, Atom and JSON Feed.
	{"FP501", Error, "the feed is not well-formed (XML or JSON) or not UTF-8", "fix the document; every reader rejects it"},
	{"FP502", Error, "the document is not the feed format it claims", "serve RSS 2.0, Atom 1.0 or JSON Feed 1.1"},
	{"FP503", Error, "the feed's title, link or description is missing or invalid", "set the site title, link and description"},
	{"FP504", Error, "the feed's self link is missing or wrong", "link the feed's own URL (atom:link, link rel=\"self\", feed_url)"},
	{"FP505", Error, "a feed or item date is not valid", "write RFC 2822 in RSS, RFC 3339 in Atom and JSON Feed"},
	{"FP506", Error, "an item has no title or content", "give every item a title and its text"},
	{"FP507", Error, "an item has no id (guid)", "give every item a permanent id"},
	{"FP508", Error, "two items have the same id", "give every item its own id"},
	{"FP509", Error, "an author is not valid", "RSS wants \"email (Name)\"; Atom and JSON Feed a name"},
	{"FP510", Error, "a category or tag is empty", "remove the empty category"},
	{"FP511", Error, "an item link is not an absolute URL", "link each item's page with an absolute http(s) URL"},
	{"FP512", Error, "an enclosure or attachment lacks a URL, length or type", "state each attachment's absolute URL, size in bytes and MIME type"},
	{"FP513", Error, "a feed or entry id is not a permanent IRI", "use a tag: URI or another absolute IRI"},
	{"FP514", Error, "the JSON Feed version or items are wrong", "write version https://jsonfeed.org/version/1.1 and an items array"},
	{"FP520", Error, "a Media RSS element lacks its URL or has an invalid attribute", "give media:content, media:player and media:thumbnail an absolute url; medium, duration, width and height as Media RSS defines them"},

	// Import: moving a show's old feeds to feedpub (feedpub import).
	{"FP601", Error, "an item of the old feed could not be imported", "read the reason; fix the old feed or the download and import again (nothing imported is touched)"},
	{"FP602", Warning, "an item's show notes are not well-formed HTML", "check the imported entry's text: the converter read the HTML as a browser would"},
	{"FP603", Warning, "part of an item (chapters, transcript, art) was left out", "add the file to the entry by hand, or fix it in the old feed and import again"},
	{"FP604", Notice, "an item was imported as its own entry or its review feed GUID changed", "nothing, unless the message names something to merge by hand"},
	{"FP605", Error, "the new feed would show an episode as new (GUID or podcast:guid not the old feed's)", "keep the old guid: in the entry and podcast.guid in feedpub.yaml"},
	{"FP606", Warning, "the new feed differs from the old one (title, date, length, type, duration, numbers, an item gone)", "nothing, if the new value is right; apps update what they show"},
}

var byID = func() map[string]Rule {
	m := make(map[string]Rule, len(rules))
	for _, r := range rules {
		if _, dup := m[r.ID]; dup {
			panic("diag: rule " + r.ID + " registered twice")
		}
		m[r.ID] = r
	}
	return m
}()

// Lookup returns the rule with id, and whether there is one.
func Lookup(id string) (Rule, bool) {
	r, ok := byID[id]
	return r, ok
}

// Rules returns every rule, ordered by ID.
func Rules() []Rule {
	out := append([]Rule(nil), rules...)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// CheckIgnore reports, into ps, each ID of an ignore list that is not a
// rule or is an error (errors cannot be ignored: a show that breaks them
// is refused downstream whatever feedpub prints). file, line and field
// locate the list; lineOf gives the line of one item when known.
func CheckIgnore(ps *Problems, ids []string, file string, field string, lineOf func(i int) int) {
	names := make([]string, 0, len(rules))
	for _, r := range rules {
		names = append(names, r.ID)
	}
	for i, id := range ids {
		f := fmt.Sprintf("%s[%d]", field, i)
		r, ok := Lookup(strings.ToUpper(strings.TrimSpace(id)))
		switch {
		case !ok:
			msg := fmt.Sprintf("%q is not a rule ID", id)
			if best := Closest(id, names); best != "" {
				msg += fmt.Sprintf(" (did you mean %s?)", best)
			}
			ps.Warnf("FP126", file, lineOf(i), f, "%s; it silences nothing", msg)
		case r.Severity == Error:
			ps.Warnf("FP127", file, lineOf(i), f, "%s (%s) is an error and cannot be ignored: fix the cause", r.ID, r.Summary)
		}
	}
}

// MarkdownTable renders the registry as the README's Markdown table.
func MarkdownTable() string {
	var b strings.Builder
	b.WriteString("| rule | severity | finds | fix |\n|---|---|---|---|\n")
	for _, r := range Rules() {
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", r.ID, r.Severity, mdCell(r.Summary), mdCell(r.Fix))
	}
	return b.String()
}

func mdCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// The README's rule table sits between these markers.
const (
	tableBegin = "<!-- rules:begin (generated by go generate ./config/diag; do not edit) -->\n"
	tableEnd   = "<!-- rules:end -->"
)

//go:generate go run ./internal/readme

// WithRuleTable returns readme with the text between the rule-table
// markers replaced by MarkdownTable.
func WithRuleTable(readme []byte) ([]byte, error) {
	s := string(readme)
	i := strings.Index(s, tableBegin)
	j := strings.Index(s, tableEnd)
	if i < 0 || j < i {
		return nil, fmt.Errorf("no rule-table markers (%q ... %q)", strings.TrimSpace(tableBegin), tableEnd)
	}
	return []byte(s[:i+len(tableBegin)] + MarkdownTable() + s[j:]), nil
}
