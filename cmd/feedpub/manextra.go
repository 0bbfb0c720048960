package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/cpuguy83/go-md2man/v2/md2man"

	"github.com/feedpub/feedpub/config"
)

// The sections a Unix user looks for in man feedpub beyond the flags, and
// the feedpub.yaml(5) page. The config keys and their variables come from
// config.Reference and config.Keys, the sources of the README's reference
// too, so the pages cannot drift from the code.

// manEnvironment lists every variable feedpub reads.
func manEnvironment() string {
	var b strings.Builder
	b.WriteString("## ENVIRONMENT\n")
	b.WriteString("Every key of feedpub.yaml can be set, or overridden, by a variable named for it; a bad value is blamed on the variable, and a **FEEDPUB_** variable that names no key is an error naming the closest one.\n\n")
	for _, k := range config.Keys() {
		fmt.Fprintf(&b, "**%s**\n: %s\n\n", config.EnvVar(k), k)
	}
	b.WriteString("**AWS_ACCESS_KEY_ID**, **AWS_SECRET_ACCESS_KEY**, **AWS_SESSION_TOKEN**, **AWS_PROFILE**, **AWS_REGION**, **AWS_CA_BUNDLE**\n: the S3 credentials and settings, read by the AWS SDK's standard chain (also its shared config and credentials files, SSO and instance roles); never printed.\n\n")
	b.WriteString("**GITHUB_WORKSPACE**\n: with **--format github**, annotation paths are relative to it.\n\n")
	b.WriteString("The variable that **publish.notify.podping.token_env** names holds the podping token.\n\n")
	return b.String()
}

const manFiles = `## FILES
**feedpub.yaml**
: the site's configuration (see **feedpub.yaml**(5)); its folder is the site folder, and relative paths are relative to it.

**reviews/*.md**
: one entry per file: YAML front matter and the Markdown review (**content.dir**).

**.feedpub/**
: what feedpub keeps in a site, never published, and only ever saving work: deleting it makes the next build do everything again. **state.json** (per target, what the last complete publish was made from), **probe-cache.json** (what was read from each media file), **remote-cache.json** (what was read from media on other hosts), **checked-items.json** and **cache/entries/** (the feed items checked clean and each entry's parse, signed with the state key).

**~/.cache/feedpub/state.key**
: the key that signs the caches which reach the feeds (the user's cache folder); a cache file signed with another key is not used.

**TARGET/.feedpub/manifest.json**
: in the publish target: every object feedpub wrote (size, SHA-256, type, cache control, ACL, media facts), the identity record of every published entry (GUIDs, Atom id, slug, source, media checksums), the feeds' ids and the notifications still to send.

**TARGET/.feedpub/lock**
: in the publish target, while a publish or build runs: who holds it (host, process) and until when.

**public/**
: the default local target and build output: exactly the tree a publish uploads.

`

const manExitStatus = `## EXIT STATUS
**0**
: success: everything was checked and done (warnings may have been printed; **--strict** makes them failures).

**1**
: a problem was found (printed, each with its rule ID) or the work could not be done; a publish that failed changed no live feed.

**2**
: a usage error: an unknown flag, a missing argument, a value a flag cannot take.

`

const manExamples = `## EXAMPLES
Start a site, preview it, make the first episode, check and publish:

    feedpub init mysite
    feedpub serve --config mysite/feedpub.yaml
    feedpub new ~/Downloads/ep1.mp3 --title "Past Lives" --config mysite/feedpub.yaml
    feedpub validate --config mysite/feedpub.yaml
    feedpub publish --dry-run --config mysite/feedpub.yaml
    feedpub publish --config mysite/feedpub.yaml

Publish to S3 from CI, with one JSON document for the job's summary:

    FEEDPUB_PUBLISH_TARGET=s3://my-bucket/show feedpub publish --json

Move a show from another host, then check what apps will see:

    feedpub import https://feeds.example.com/show.xml --into show
    feedpub check https://media.example.com/podcast.xml

`

// writeManExtras appends ENVIRONMENT, FILES, EXIT STATUS, EXAMPLES and
// CONFIGURATION to feedpub.1 in dir, and writes feedpub.yaml.5 there.
func writeManExtras(dir, version string, date time.Time) error {
	root := filepath.Join(dir, "feedpub.1")
	page, err := os.ReadFile(root)
	if err != nil {
		return err
	}
	extra := md2man.Render([]byte(manEnvironment() + manFiles + manExitStatus + manExamples + "## CONFIGURATION\nThe site's configuration, every key with its meaning and its variable: **feedpub.yaml**(5).\n"))
	if err := os.WriteFile(root, append(page, extra...), 0o644); err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString("## NAME\nfeedpub.yaml - the configuration of a feedpub site\n\n")
	b.WriteString("## DESCRIPTION\nOne file drives a feedpub site: the show, its feeds, where they are published and who is told. Its folder is the site folder; relative paths are relative to it. An unknown key is an error naming the file, the line and the closest valid key. Durations take units (**60s**, **1m30s**); booleans are true/false or yes/no.\n\n")
	b.WriteString("## KEYS\nEvery key, with an example value and what it means:\n\n")
	for _, l := range strings.Split(strings.TrimRight(config.Reference, "\n"), "\n") {
		b.WriteString("    " + l + "\n")
	}
	b.WriteString("\n")
	b.WriteString(manEnvironment())
	b.WriteString("## SEE ALSO\n**feedpub**(1)\n")
	header := fmt.Sprintf(".nh\n.TH \"FEEDPUB.YAML\" \"5\" %q \"feedpub %s\" \"feedpub manual\"\n", date.UTC().Format("Jan 2006"), version)
	return os.WriteFile(filepath.Join(dir, "feedpub.yaml.5"), append([]byte(header), md2man.Render([]byte(b.String()))...), 0o644)
}
