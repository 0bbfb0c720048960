// Package config defines feedpub.yaml: its structure, its defaults, how it is
// read (file, then FEEDPUB_* environment variables) and how it is checked.
// Only this package and cmd/ know about viper; everything else receives the
// typed Config.
package config

import (
	"time"

	"github.com/feedpub/feedpub/config/sitefs"
)

// Config is the whole of feedpub.yaml after defaults and environment
// overrides. Paths stay as written, relative to Dir: Resolve makes them
// absolute where a caller needs a file-system path.
type Config struct {
	Site    Site    `mapstructure:"site"`
	Content Content `mapstructure:"content"`
	Podcast Show    `mapstructure:"podcast"`
	Video   Show    `mapstructure:"video"`
	Reviews Reviews `mapstructure:"reviews"`
	Publish Publish `mapstructure:"publish"`
	// Ignore lists the warnings (rule IDs such as FP312) the editor has
	// decided to live with, site-wide.
	Ignore []string `mapstructure:"ignore"`

	// File is the config file as given, for messages.
	File string `mapstructure:"-"`
	// Dir is the absolute folder of the config file: the site root.
	Dir string `mapstructure:"-"`

	lines map[string]int    // key path → line in File
	env   map[string]string // key path → the FEEDPUB_* variable that set it
	// invalid holds the keys a problem was reported for (see Invalid).
	invalid map[string]bool
	// parsed is set once the file was read as a YAML mapping (see Parsed).
	parsed bool
}

// Site describes the outlet.
type Site struct {
	Title       string `mapstructure:"title"`
	Description string `mapstructure:"description"`
	Link        string `mapstructure:"link"`
	BaseURL     string `mapstructure:"base_url"`
	Language    string `mapstructure:"language"`
	Author      string `mapstructure:"author"`
	Email       string `mapstructure:"email"`
	Copyright   string `mapstructure:"copyright"`
	Image       string `mapstructure:"image"`
}

// Content says where the entries are, and the limits they are held to.
type Content struct {
	Dir string `mapstructure:"dir"`
	// MaxFileSize caps one entry file, in bytes; a bigger file is refused
	// before it is read.
	MaxFileSize int64 `mapstructure:"max_file_size"`
	// DurationMax is the longest audio.duration or video.duration accepted,
	// in seconds (default 100 hours), so a slip such as 1e300 is caught.
	DurationMax float64 `mapstructure:"duration_max"`
}

// Show configures one podcast feed (the audio feed or the video feed).
// Empty text fields fall back to the site's.
type Show struct {
	// Enabled is true when the section is present in the file or the
	// environment; a missing section means no such feed.
	Enabled bool `mapstructure:"-"`

	Path            string          `mapstructure:"path"`
	Title           string          `mapstructure:"title"`
	Description     string          `mapstructure:"description"`
	Image           string          `mapstructure:"image"`
	Author          string          `mapstructure:"author"`
	Email           string          `mapstructure:"email"`
	Copyright       string          `mapstructure:"copyright"`
	Categories      []string        `mapstructure:"categories"`
	Explicit        bool            `mapstructure:"explicit"`
	Type            string          `mapstructure:"type"`
	GUID            string          `mapstructure:"guid"`
	Locked          bool            `mapstructure:"locked"`
	NewFeedURL      string          `mapstructure:"new_feed_url"`
	Block           bool            `mapstructure:"block"`
	Complete        bool            `mapstructure:"complete"`
	Funding         []Funding       `mapstructure:"funding"`
	Persons         []Person        `mapstructure:"persons"`
	Txt             []Txt           `mapstructure:"txt"`
	License         License         `mapstructure:"license"`
	UpdateFrequency UpdateFrequency `mapstructure:"update_frequency"`
	Limit           int             `mapstructure:"limit"`
	// EnclosurePrefix is an analytics prefix (e.g. https://op3.dev/e/) put
	// before this feed's enclosure URLs; see feeds.PrefixURL.
	EnclosurePrefix string `mapstructure:"enclosure_prefix"`
	// ItemDescription is what each item's <description> holds: "full"
	// (the review, as Apple renders it) or "summary" (its summary; the
	// full review stays in content:encoded), which halves a feed of long
	// reviews.
	ItemDescription string `mapstructure:"item_description"`
	// SizeBudget is the feed size in bytes above which validate and
	// publish warn: apps download the whole feed on every refresh.
	SizeBudget int64 `mapstructure:"size_budget"`
}

// DefaultSizeBudget is the podcast feeds' default size budget. Podcast apps
// and directories fetch the whole feed every few hours from every
// subscriber's device; past a few megabytes some apps time out or refuse
// it, and each refresh costs every listener the whole file.
const DefaultSizeBudget = 4 << 20

// Funding is one podcast:funding link.
type Funding struct {
	URL  string `mapstructure:"url" yaml:"url"`
	Text string `mapstructure:"text" yaml:"text"`
}

// Person is one podcast:person.
type Person struct {
	Name  string `mapstructure:"name" yaml:"name"`
	Role  string `mapstructure:"role" yaml:"role"`
	Group string `mapstructure:"group" yaml:"group"`
	Href  string `mapstructure:"href" yaml:"href"`
	Img   string `mapstructure:"img" yaml:"img"`
}

// Txt is one podcast:txt, e.g. {purpose: applepodcastsverify, value: ...}.
type Txt struct {
	Purpose string `mapstructure:"purpose" yaml:"purpose"`
	Value   string `mapstructure:"value" yaml:"value"`
}

// License is podcast:license.
type License struct {
	Name string `mapstructure:"name"`
	URL  string `mapstructure:"url"`
}

// UpdateFrequency is podcast:updateFrequency.
type UpdateFrequency struct {
	RRule    string `mapstructure:"rrule"`
	Text     string `mapstructure:"text"`
	Complete bool   `mapstructure:"complete"`
	DTStart  string `mapstructure:"dtstart"`
}

// Reviews configures the written-review feeds.
type Reviews struct {
	Enabled bool   `mapstructure:"-"`
	RSS     string `mapstructure:"rss"`
	Atom    string `mapstructure:"atom"`
	JSON    string `mapstructure:"json"`
	Limit   int    `mapstructure:"limit"`
	// Link is each entry's web page; "{slug}" is replaced by the entry's slug.
	Link string `mapstructure:"link"`
	// AtomID pins the Atom feed's id (an IRI such as
	// "tag:reelverdicts.example,2026:reviews"); "" derives it from site.link
	// and the oldest entry's year.
	AtomID string `mapstructure:"atom_id"`
}

// Publish configures where and how the tree is published.
type Publish struct {
	Target       string       `mapstructure:"target"`
	Concurrency  int          `mapstructure:"concurrency"`
	Prune        bool         `mapstructure:"prune"`
	MaxDeletes   int          `mapstructure:"max_deletes"`
	ACL          string       `mapstructure:"acl"`
	S3           S3           `mapstructure:"s3"`
	CacheControl CacheControl `mapstructure:"cache_control"`
	Notify       Notify       `mapstructure:"notify"`
	CDN          CDN          `mapstructure:"cdn"`
	// Preview also publishes the preview page (feedpub serve's, without
	// its live parts) as index.html: a plain landing page.
	Preview bool `mapstructure:"preview"`
}

// S3 holds the settings for s3:// targets. Credentials are never here: they
// come from the SDK's standard chain (environment, shared files, SSO, roles).
type S3 struct {
	Region    string `mapstructure:"region"`
	Endpoint  string `mapstructure:"endpoint"`
	PathStyle bool   `mapstructure:"path_style"`
	Profile   string `mapstructure:"profile"`
	// Timeout fails a request on which no byte moved for this long, such
	// as "60s"; 0 means the default (60s).
	Timeout time.Duration `mapstructure:"timeout"`
}

// CacheControl is the Cache-Control header per kind of object.
type CacheControl struct {
	Feeds string `mapstructure:"feeds"`
	Media string `mapstructure:"media"`
}

// DefaultDurationMax is content.duration_max unless set: 100 hours, far
// beyond any episode, in seconds.
const DefaultDurationMax = 100 * 3600

// Default returns the configuration before the file is read.
func Default() Config {
	return Config{
		Content: Content{Dir: "reviews", MaxFileSize: sitefs.MaxContent, DurationMax: DefaultDurationMax},
		Podcast: Show{Path: "podcast.xml", Type: "episodic", ItemDescription: "full", SizeBudget: DefaultSizeBudget},
		Video:   Show{Path: "video.xml", Type: "episodic", ItemDescription: "full", SizeBudget: DefaultSizeBudget},
		Reviews: Reviews{RSS: "reviews.xml", Atom: "reviews.atom", JSON: "reviews.json", Limit: 50},
		Publish: Publish{
			Target:      "public",
			Concurrency: 8,
			MaxDeletes:  20,
			CacheControl: CacheControl{
				Feeds: "public, max-age=300",
				Media: "public, max-age=86400",
			},
		},
	}
}
