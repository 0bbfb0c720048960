package importer

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"

	"go.yaml.in/yaml/v3"
)

// siteConfig is the feedpub.yaml an import writes, in the order written.
type siteConfig struct {
	Site    siteSection  `yaml:"site"`
	Content contentSect  `yaml:"content"`
	Podcast *showSection `yaml:"podcast,omitempty"`
	Video   *showSection `yaml:"video,omitempty"`
	Reviews *reviewsSect `yaml:"reviews,omitempty"`
}

type siteSection struct {
	Title       string `yaml:"title"`
	Description string `yaml:"description"`
	Link        string `yaml:"link"`
	BaseURL     string `yaml:"base_url"`
	Language    string `yaml:"language,omitempty"`
	Author      string `yaml:"author,omitempty"`
	Email       string `yaml:"email,omitempty"`
	Copyright   string `yaml:"copyright,omitempty"`
	Image       string `yaml:"image,omitempty"`
}

type contentSect struct {
	Dir string `yaml:"dir"`
}

type showSection struct {
	Path            string       `yaml:"path"`
	Title           string       `yaml:"title,omitempty"`
	Description     string       `yaml:"description,omitempty"`
	Image           string       `yaml:"image,omitempty"`
	Author          string       `yaml:"author,omitempty"`
	Email           string       `yaml:"email,omitempty"`
	Categories      []string     `yaml:"categories,omitempty"`
	Explicit        bool         `yaml:"explicit"`
	Type            string       `yaml:"type,omitempty"`
	GUID            string       `yaml:"guid,omitempty"`
	Locked          bool         `yaml:"locked,omitempty"`
	Block           bool         `yaml:"block,omitempty"`
	Complete        bool         `yaml:"complete,omitempty"`
	Funding         []fundingOut `yaml:"funding,omitempty"`
	Persons         []personOut  `yaml:"persons,omitempty"`
	Txt             []txtOut     `yaml:"txt,omitempty"`
	License         *licenseOut  `yaml:"license,omitempty"`
	UpdateFrequency *updFreqOut  `yaml:"update_frequency,omitempty"`
}

type fundingOut struct {
	URL  string `yaml:"url"`
	Text string `yaml:"text,omitempty"`
}

type personOut struct {
	Name  string `yaml:"name"`
	Role  string `yaml:"role,omitempty"`
	Group string `yaml:"group,omitempty"`
	Href  string `yaml:"href,omitempty"`
	Img   string `yaml:"img,omitempty"`
}

type txtOut struct {
	Purpose string `yaml:"purpose,omitempty"`
	Value   string `yaml:"value"`
}

type licenseOut struct {
	Name string `yaml:"name"`
	URL  string `yaml:"url,omitempty"`
}

type updFreqOut struct {
	RRule    string `yaml:"rrule,omitempty"`
	Text     string `yaml:"text,omitempty"`
	Complete bool   `yaml:"complete,omitempty"`
	DTStart  string `yaml:"dtstart,omitempty"`
}

type reviewsSect struct {
	RSS  string `yaml:"rss"`
	Atom string `yaml:"atom"`
	JSON string `yaml:"json"`
}

// entryFM is an imported entry's front matter, in the order written.
type entryFM struct {
	Title  string    `yaml:"title"`
	Date   string    `yaml:"date"`
	GUID   string    `yaml:"guid"`
	Author string    `yaml:"author,omitempty"`
	Link   string    `yaml:"link,omitempty"`
	Image  string    `yaml:"image,omitempty"`
	Audio  *mediaOut `yaml:"audio,omitempty"`
	Video  *mediaOut `yaml:"video,omitempty"`
}

type mediaOut struct {
	File        string          `yaml:"file,omitempty"`
	URL         string          `yaml:"url,omitempty"`
	Title       string          `yaml:"title,omitempty"`
	Season      int             `yaml:"season,omitempty"`
	Episode     int             `yaml:"episode,omitempty"`
	EpisodeType string          `yaml:"episode_type,omitempty"`
	Explicit    *bool           `yaml:"explicit,omitempty"`
	Duration    float64         `yaml:"duration,omitempty"`
	Chapters    string          `yaml:"chapters,omitempty"`
	Transcripts []transcriptOut `yaml:"transcripts,omitempty"`
	Persons     []personOut     `yaml:"persons,omitempty"`
}

type transcriptOut struct {
	File     string `yaml:"file"`
	Language string `yaml:"language,omitempty"`
	Rel      string `yaml:"rel,omitempty"`
}

// renderEntry returns an entry file: the front matter, then the body.
func renderEntry(fm entryFM, body string) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("---\n")
	if err := encodeYAML(&b, fm); err != nil {
		return nil, err
	}
	b.WriteString("---\n")
	if body = strings.TrimSpace(body); body != "" {
		b.WriteString(body)
		b.WriteString("\n")
	}
	return b.Bytes(), nil
}

func encodeYAML(b *bytes.Buffer, v any) error {
	enc := yaml.NewEncoder(b)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return err
	}
	return enc.Close()
}

// renderConfig returns feedpub.yaml, with a first line saying where it
// came from and what to check before the first publish.
func renderConfig(c siteConfig, from string) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# Imported by feedpub import from %s.\n", from)
	b.WriteString("# Set site.base_url to where the published tree will be served before publishing.\n")
	if err := encodeYAML(&b, c); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// errExists says a file is already there; an import never replaces one.
var errExists = errors.New("exists")

// writeNew writes data to name inside root, which must not exist: O_EXCL
// makes "never overwrite" hold even against another process, and root
// (os.Root) makes "nothing outside the target folder" hold even through a
// symlink planted inside it.
func writeNew(root *os.Root, name string, data []byte) error {
	if err := root.MkdirAll(path.Dir(name), 0o755); err != nil {
		return err
	}
	f, err := root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return errExists
	}
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		_ = root.Remove(name) // a half-written entry would be read as whole
		return err
	}
	return f.Close()
}
