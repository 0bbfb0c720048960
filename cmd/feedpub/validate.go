package main

import (
	"github.com/spf13/cobra"

	"github.com/feedpub/feedpub/feeds/site"
	"github.com/feedpub/feedpub/media/publish"
)

func newValidateCmd(ro *rootOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "validate",
		Short: "Check the config, the content and the media, reporting every problem",
		Long: `validate reads everything build reads and checks it as build does, without
writing anything. It reports every problem in one run and exits 1 if any is
an error.`,
		Args: maxArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := ro.loadConfig()
			if err != nil {
				return err
			}
			res, err := ro.buildSite(cmd.Context(), cfg, site.Options{ReadOnly: true})
			if err != nil {
				return err
			}
			c := res.Catalog
			items := func(n int, name string) string { return plural(n, name) }
			// The podcast feeds' size matters: apps fetch all of it on
			// every refresh.
			size := func(key string) string {
				for _, f := range res.Files {
					if f.Key == key {
						return " (" + publish.HumanBytes(f.Size) + ")"
					}
				}
				return ""
			}
			summary := "ok:"
			if c.Podcast != nil {
				summary += " podcast " + items(len(c.Podcast.Items), "episode") + size(c.Podcast.Key) + ","
			}
			if c.Video != nil {
				summary += " video " + items(len(c.Video.Items), "episode") + size(c.Video.Key) + ","
			}
			if c.Reviews != nil {
				summary += " " + items(len(c.Reviews.Items), "review") + ","
			}
			ro.infof("%s %s in the published tree", summary, plural(len(res.Files), "file"))
			return nil
		},
	}
}
