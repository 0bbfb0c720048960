package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/feedpub/feedpub/config/diag"
	"github.com/feedpub/feedpub/feeds"
	"github.com/feedpub/feedpub/feeds/site"
	"github.com/feedpub/feedpub/media/publish"
)

type publishOptions struct {
	root    *rootOptions
	DryRun  bool
	Prune   bool
	Force   bool
	Break   bool
	JSON    bool
	NoCache bool
}

func newPublishCmd(ro *rootOptions) *cobra.Command {
	opts := &publishOptions{root: ro}
	cmd := &cobra.Command{
		Use:   "publish",
		Short: "Build, validate and upload what changed to the target",
		Long: `publish builds and validates the site, then uploads to publish.target only what
changed since the last publish: media, artwork, chapters and transcripts
first, then (once every object they reference is in place) the feeds, then
the manifest. Nothing is uploaded when any error is found.`,
		Args: maxArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error { return opts.run(cmd.Context()) },
	}
	cmd.Flags().BoolVarP(&opts.DryRun, "dry-run", "n", false, "print the plan, each object with its reason, and change nothing")
	cmd.Flags().BoolVar(&opts.Prune, "prune", false, "delete objects feedpub published earlier and no longer produces (default publish.prune)")
	cmd.Flags().BoolVar(&opts.Force, "force", false, "allow --prune to delete more than publish.max_deletes objects")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print a machine-readable summary")
	cmd.Flags().BoolVar(&opts.Break, "break-lock", false, "remove the lock of a publish that died (only when no other publish is running)")
	cmd.Flags().BoolVar(&opts.NoCache, "no-cache", false, "read every media file again instead of trusting the probe cache")
	return cmd
}

// summary is the --json output.
type summary struct {
	Target        string   `json:"target"`
	DryRun        bool     `json:"dry_run"`
	Uploaded      int      `json:"uploaded"`
	UploadedBytes int64    `json:"uploaded_bytes"`
	Skipped       int      `json:"skipped"`
	SkippedBytes  int64    `json:"skipped_bytes"`
	Deleted       int      `json:"deleted"`
	Orphaned      int      `json:"orphaned"`
	Requests      int64    `json:"requests"`
	Seconds       float64  `json:"seconds"`
	Plan          []action `json:"plan,omitempty"`
	Warnings      []string `json:"warnings,omitempty"`
}

type action struct {
	Key    string `json:"key"`
	Action string `json:"action"`
	Reason string `json:"reason"`
	Detail string `json:"detail,omitempty"`
	Size   int64  `json:"size"`
}

func (o *publishOptions) run(ctx context.Context) error {
	ro := o.root
	if o.JSON {
		ro.Quiet = true
	}
	cfg, err := ro.loadConfig()
	if err != nil {
		return err
	}
	res, err := ro.buildSite(ctx, cfg, o.NoCache)
	if err != nil {
		return err
	}
	st, err := openTarget(ctx, cfg, inputsOf(res)...)
	if err != nil {
		return err
	}
	guids, slugs, onManifest := ro.guidCheck(res)
	prune := o.Prune || cfg.Publish.Prune
	var logf func(string, ...any)
	if ro.Verbose && !ro.Quiet {
		logf = ro.debugf
	}
	progress, logf, finish := newProgress(ro.env, ro.Quiet || o.DryRun, logf)
	rep, err := publish.Run(ctx, st, res.Files, publish.Options{
		Concurrency: cfg.Publish.Concurrency,
		DryRun:      o.DryRun,
		Prune:       prune,
		MaxDeletes:  cfg.Publish.MaxDeletes,
		Force:       o.Force,
		BreakLock:   o.Break,
		ACL:         cfg.Publish.ACL,
		GUIDs:       guids,
		Slugs:       slugs,
		OnManifest:  onManifest,
		Owner:       owner(),
		Log:         logf,
		Progress:    progress,
	})
	finish()
	if o.JSON {
		o.printJSON(st.String(), rep, prune)
	}
	if err != nil {
		return fmt.Errorf("publish to %s: %w", st, err)
	}
	if !ro.Verbose { // --verbose logged them already
		for _, w := range rep.Warnings {
			ro.report(diag.Problems{{Severity: diag.Warning, Msg: w}})
		}
	}
	if o.DryRun {
		o.printPlan(rep, prune)
		return nil
	}
	ro.infof("published to %s: %s copied (%s), %s unchanged, %s deleted",
		st, plural(rep.Uploaded, "file"), publish.HumanBytes(rep.UploadedBytes), plural(rep.Skipped, "file"), plural(rep.Deleted, "file"))
	if n := len(rep.Plan.Orphans); n > 0 && !prune {
		ro.infof("%s published earlier no longer produced; publish --prune removes them", plural(n, "file"))
	}
	return nil
}

func (o *publishOptions) printPlan(rep *publish.Report, prune bool) {
	ro := o.root
	if o.JSON {
		return
	}
	p := rep.Plan
	for _, a := range p.Uploads {
		d := ""
		if a.Detail != "" {
			d = ": " + a.Detail
		}
		ro.infof("upload  %-40s %s%s, %s", a.File.Key, a.Reason, d, publish.HumanBytes(a.File.Size))
	}
	if ro.Verbose {
		for _, a := range p.Unchanged {
			ro.infof("skip    %-40s unchanged", a.File.Key)
		}
	}
	for _, a := range p.Orphans {
		verb := "keep   "
		if prune {
			verb = "delete "
		}
		ro.infof("%s %-40s orphaned", verb, a.File.Key)
	}
	ro.infof("dry run: would upload %s (%s), skip %s unchanged", plural(len(p.Uploads), "file"),
		publish.HumanBytes(publish.Bytes(p.Uploads)), plural(len(p.Unchanged), "file"))
}

func (o *publishOptions) printJSON(target string, rep *publish.Report, prune bool) {
	s := summary{Target: target, DryRun: o.DryRun}
	if rep != nil {
		s.Uploaded, s.UploadedBytes = rep.Uploaded, rep.UploadedBytes
		s.Skipped, s.SkippedBytes = rep.Skipped, rep.SkippedBytes
		s.Deleted, s.Requests, s.Seconds = rep.Deleted, rep.Requests, rep.Elapsed.Seconds()
		s.Warnings = rep.Warnings
		if p := rep.Plan; p != nil {
			s.Orphaned = len(p.Orphans)
			if o.DryRun {
				for _, a := range p.Uploads {
					s.Plan = append(s.Plan, action{a.File.Key, "upload", string(a.Reason), a.Detail, a.File.Size})
				}
				for _, a := range p.Unchanged {
					s.Plan = append(s.Plan, action{a.File.Key, "skip", string(a.Reason), "", a.File.Size})
				}
				for _, a := range p.Orphans {
					act := "keep"
					if prune {
						act = "delete"
					}
					s.Plan = append(s.Plan, action{a.File.Key, act, string(a.Reason), "", a.File.Size})
				}
			}
		}
	}
	enc := json.NewEncoder(o.root.env.Stdout)
	enc.SetIndent("", "  ")
	_ = enc.Encode(s)
}

// publishedGUIDs lists, per podcast feed, each item's slug and GUID, plus
// every slug in the site and its file.
func publishedGUIDs(res *site.Result) (guids map[string]map[string]string, slugs map[string]bool, sources map[string]string) {
	guids = map[string]map[string]string{}
	slugs = map[string]bool{}
	sources = map[string]string{}
	for _, e := range res.Entries {
		slugs[e.Slug] = true
		sources[e.Slug] = e.File
	}
	c := res.Catalog
	add := func(key string, items []*feeds.Entry) {
		m := map[string]string{}
		for _, e := range items {
			m[e.Slug] = e.GUID
		}
		guids[key] = m
	}
	for _, s := range []*feeds.Show{c.Podcast, c.Video} {
		if s != nil {
			add(s.Key, s.Items)
		}
	}
	if r := c.Reviews; r != nil {
		for _, k := range []string{r.RSSKey, r.JSONKey} {
			if k != "" {
				add(k, r.Items)
			}
		}
		if r.AtomKey != "" {
			m := map[string]string{}
			for _, e := range r.Items {
				m[e.Slug] = e.AtomID
			}
			guids[r.AtomKey] = m
		}
	}
	return guids, slugs, sources
}
