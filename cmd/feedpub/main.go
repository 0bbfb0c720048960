// Command feedpub publishes a film-review outlet's written reviews, audio
// podcast and video podcast: it reads the Markdown entries and the media
// files, renders Apple Podcasts + Podcasting 2.0 RSS, RSS 2.0, Atom and JSON
// Feed, and uploads everything to a local folder or S3-compatible storage.
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], newEnv()))
}
