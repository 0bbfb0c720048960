package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/feedpub/feedpub/config/sitefs"
	"github.com/feedpub/feedpub/feeds/site"
)

func newValidateCmd(ro *rootOptions) *cobra.Command {
	var hashRemote bool
	cmd := &cobra.Command{
		Use:   "validate",
		Short: "Check the config, the content, the media and the feeds, reporting every problem",
		Long: `validate reads everything build reads and checks it as build does, then
checks the rendered feeds against Apple's, PSP-1's and the feed formats'
rules, without writing anything (feedpub's caches in .feedpub are read,
never written).
A problem in the config does not stop the content and media checks: one run
reports every problem, each with its rule ID (see the README's rule table).
It exits 1 if any is an error, or with --strict any is a warning.`,
		Args: maxArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error { return runValidate(cmd.Context(), ro, hashRemote) },
	}
	cmd.Flags().BoolVar(&hashRemote, "hash-remote", false, hashRemoteUsage)
	addOutputFlags(cmd, ro)
	return cmd
}

// hashRemoteUsage is the --hash-remote flag's help, alike in build,
// validate and publish.
const hashRemoteUsage = "read each media file on another host (audio.url, video.url) whole, once, for the SHA-256 that podcast:integrity states"

func runValidate(ctx context.Context, ro *rootOptions, hashRemote bool) error {
	return ro.runWithReport(func() (string, error) {
		summary, next, err := validateSite(ctx, ro, hashRemote)
		if next != nil {
			sep := "\n"
			if ro.Format == "json" {
				sep = "; "
			}
			summary += sep + scheduledLine(next, ro.env.Now())
		}
		return summary, err
	})
}

// validateSite checks everything and reports the problems; it returns the
// summary line and the entry scheduled next, and errReported when any
// problem is an error.
func validateSite(ctx context.Context, ro *rootOptions, hashRemote bool) (string, *site.Scheduled, error) {
	cfg, cps, err := ro.loadConfigAll()
	if err != nil {
		return "", nil, err
	}
	res, ps := site.Build(ctx, cfg, site.Options{ReadOnly: true, Strict: ro.Strict, Now: ro.env.Now(), Generator: "feedpub " + version, HashRemote: hashRemote})
	defer res.Close()
	ps = append(cps, ps...)
	if !cfg.Invalid("publish.target") {
		ps = append(ps, targetProblems(cfg, inputsOf(res)...)...)
	}
	ro.report(ps)
	for _, s := range res.Skipped {
		ro.debugf("left out %s: %s", s.File, s.Reason)
	}
	if ps.HasErrors() {
		return "", nil, errReported
	}
	c := res.Catalog
	// The podcast feeds' size matters: apps fetch all of it on every
	// refresh.
	size := func(key string) string {
		for _, f := range res.Files {
			if f.Key == key {
				return " (" + sitefs.Human(f.Size) + ")"
			}
		}
		return ""
	}
	var parts []string
	if c.Podcast != nil {
		parts = append(parts, "podcast "+plural(len(c.Podcast.Items), "episode")+size(c.Podcast.Key))
	}
	if c.Video != nil {
		parts = append(parts, "video "+plural(len(c.Video.Items), "episode")+size(c.Video.Key))
	}
	if c.Reviews != nil {
		parts = append(parts, plural(len(c.Reviews.Items), "review"))
	}
	parts = append(parts, plural(len(res.Files), "file")+" in the published tree")
	summary := "ok: " + strings.Join(parts, ", ")
	// A scheduled entry is left out of every feed; listing it here makes a
	// typo in its year visible rather than a silent absence.
	var sched []string
	for _, s := range res.Skipped {
		if when, ok := strings.CutPrefix(s.Reason, "scheduled for "); ok {
			if t, err := time.Parse(time.RFC3339, when); err == nil {
				when = t.UTC().Format("2006-01-02")
			}
			sched = append(sched, s.File+" on "+when)
		}
	}
	if len(sched) > 0 {
		summary += fmt.Sprintf("; %d scheduled: %s", len(sched), strings.Join(sched, ", "))
	}
	return summary, site.NextScheduled(res, ro.env.Now()), nil
}
