package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/config/diag"
	"github.com/feedpub/feedpub/config/sitefs"
	"github.com/feedpub/feedpub/feeds/site"
	"github.com/feedpub/feedpub/media/live"
	"github.com/feedpub/feedpub/media/publish"
	"github.com/feedpub/feedpub/media/store/target"
)

type publishOptions struct {
	root      *rootOptions
	DryRun    bool
	Prune     bool
	Force     bool
	Break     bool
	JSON      bool
	NoCache   bool
	AcceptNew bool
	NoNotify  bool
	NoVerify  bool
	// RequireMedia refuses to use the published copy of a file that is
	// not here.
	RequireMedia bool
	HashRemote   bool
}

func newPublishCmd(ro *rootOptions) *cobra.Command {
	opts := &publishOptions{root: ro}
	cmd := &cobra.Command{
		Use:   "publish",
		Short: "Build, validate and upload what changed to the target",
		Long: `publish builds and validates the site, then uploads to publish.target only what
changed since the last publish: media, artwork, chapters and transcripts
first, then (once every object they reference is in place) the feeds, then
the manifest. Nothing is uploaded when any error is found. Then, as a
listener would, it fetches the feeds and asks for the new enclosures at
their public URLs: a feed nobody can fetch fails the publish (--no-verify
skips this).

Entries keep the GUIDs and Atom ids they were first published with, whatever
happens to their file name, slug, title or date; the manifest on the target
records them.`,
		Args: maxArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error { return opts.run(cmd.Context()) },
	}
	cmd.Flags().BoolVarP(&opts.DryRun, "dry-run", "n", false, "print the plan, each object with its reason, and change nothing")
	cmd.Flags().BoolVar(&opts.Prune, "prune", false, "delete objects feedpub published earlier and no longer produces (default publish.prune)")
	cmd.Flags().BoolVar(&opts.Force, "force", false, "allow more than publish.max_deletes deletions, or taking that many items out of a live feed")
	cmd.Flags().BoolVar(&opts.Break, "break-lock", false, "remove the lock of a publish that died (only when no other publish is running)")
	cmd.Flags().BoolVar(&opts.NoCache, "no-cache", false, "read every media file, parse every entry and check every feed item again: feedpub's caches are neither read nor written")
	cmd.Flags().BoolVar(&opts.AcceptNew, "accept-new-guids", false, "let a guid: in the front matter replace the GUID an entry was published with")
	cmd.Flags().BoolVar(&opts.RequireMedia, "require-media", false, "fail (FP301) when a referenced file is not here, rather than use the copy the target's manifest records")
	cmd.Flags().BoolVar(&opts.HashRemote, "hash-remote", false, hashRemoteUsage)
	addOutputFlags(cmd, ro)
	cmd.Flags().BoolVar(&opts.NoVerify, "no-verify", false, "do not fetch the published feeds and new enclosures as a listener would")
	cmd.Flags().BoolVar(&opts.NoNotify, "no-notify", false, "tell no CDN, hub, index or webhook about the changed feeds (publish.notify, publish.cdn)")
	return cmd
}

func (o *publishOptions) run(ctx context.Context) error {
	ro := o.root
	if err := ro.checkFormat(); err != nil {
		return err
	}
	if ro.Format == "json" {
		o.JSON = true
	}
	out := &summary{DryRun: o.DryRun, OK: true}
	if o.JSON {
		// One JSON document on stdout whatever happens: problems go into
		// it, nothing else is printed.
		ro.Quiet = true
		ro.collected = &diag.Problems{}
		defer func() { o.printJSON(out) }()
	}
	err := o.publish(ctx, out)
	if err != nil {
		out.OK = false
		if !errors.Is(err, errReported) {
			out.Error = err.Error()
		}
	}
	if o.JSON {
		out.Problems = problemsJSON(*ro.collected)
		if err != nil {
			return errReported // the document says why
		}
	}
	return err
}

func (o *publishOptions) publish(ctx context.Context, out *summary) error {
	ro := o.root
	cfg, cps, err := ro.loadConfigAll()
	if err != nil {
		return err
	}
	if cps.HasErrors() {
		// No target is opened (nothing is locked or uploaded), but the
		// site is still checked, so one run reports every problem.
		res, ps := site.Build(ctx, cfg, site.Options{ReadOnly: true, Strict: ro.Strict, Now: ro.env.Now(), Generator: "feedpub " + version})
		res.Close()
		ro.report(append(cps, ps...))
		return errReported
	}
	out.Feeds = site.FeedURLs(cfg)
	if tg, err := resolveTarget(cfg); err == nil {
		out.Target = &targetJSON{URL: strings.TrimSpace(cfg.Publish.Target), Target: tg}
	}
	// A local target is checked before anything is written, and again
	// with the build's input files once they are known.
	st, err := openTarget(ctx, cfg, ro.env.Stderr)
	if tps := targetProblems(cfg); len(tps) > 0 {
		ro.report(tps)
		return errReported
	}
	if err != nil {
		return err
	}
	prune := o.Prune || cfg.Publish.Prune
	var logf func(string, ...any)
	if ro.Verbose && !ro.Quiet {
		logf = ro.debugf
	}
	progress, logf, finish := newProgress(ro.env, ro.Quiet || o.DryRun, logf)
	// report prints what the build found and the publish did, once: when
	// the target holds the build (before anyone is told), or when the
	// publish stopped before that.
	reported := false
	report := func(po *site.Outcome) {
		if reported {
			return
		}
		reported = true
		finish()
		rep, ps := po.Report, append(cps, po.Problems...)
		out.NextScheduled = nextScheduled(po.Result, site.LoadState(cfg), st.String(), ro.env.Now())
		if rep != nil && (!ro.Verbose || o.JSON) { // --verbose logged them already
			for _, w := range rep.Warnings {
				ps.Warnf("FP130", "", 0, "", "%s", w)
			}
		}
		ro.report(ps)
		out.fill(rep, o.DryRun, prune)
	}
	po, err := ro.publishSite(ctx, cfg, st, o.siteOptions(cfg, out, prune, logf, progress, report))
	defer func() { _ = po.Result.Close() }() // po comes with err too
	report(po)
	ro.report(po.Notified)
	if lc := po.Live; lc != nil {
		out.LiveCheck, out.Live = lc.Status, lc.Checks
		if err != nil && lc.Status == site.LiveFailed {
			ro.report(lc.Problems)
			o.printScheduled(out)
			return err
		}
	}
	if err != nil {
		if errors.Is(err, errReported) {
			return err
		}
		return fmt.Errorf("publish to %s: %w", st, err)
	}
	if o.DryRun {
		o.printScheduled(out)
		return nil
	}
	o.printPublished(cfg, st.String(), po.Report, out, prune)
	return nil
}

// siteOptions are the publish's options for site.Publish: report prints
// what the build found and the publish did, once the target holds it.
func (o *publishOptions) siteOptions(cfg *config.Config, out *summary, prune bool, logf func(string, ...any), progress publish.Progress, report func(*site.Outcome)) site.PublishOptions {
	ro := o.root
	return site.PublishOptions{
		Publish: publish.Options{
			Concurrency: cfg.Publish.Concurrency,
			DryRun:      o.DryRun,
			Prune:       prune,
			MaxDeletes:  cfg.Publish.MaxDeletes,
			Force:       o.Force,
			BreakLock:   o.Break,
			ACL:         cfg.Publish.ACL,
			LocalTarget: out.Target != nil && out.Target.Scheme == target.SchemeFile,
			Owner:       owner(),
			Log:         logf,
			Progress:    progress,
		},
		Build: site.Options{NoCache: o.NoCache, AcceptNewGUIDs: o.AcceptNew, Strict: ro.Strict, ReadOnly: o.DryRun, PublishedCopies: !o.RequireMedia, HashRemote: o.HashRemote},
		Guard: func(res *site.Result) error {
			_, err := resolveTarget(cfg, inputsOf(res)...)
			return err
		},
		Applied: func(po *site.Outcome) {
			report(po)
			if o.DryRun {
				o.printPlan(po.Report, prune)
			}
		},
		Notify: &site.NotifyOptions{
			Skip: o.NoNotify, DryRun: o.DryRun, Send: ro.env.Notify, Version: version, Now: ro.env.Now(),
			Infof: ro.infof, Debugf: ro.debugf,
		},
		Live: &site.LiveOptions{
			Skip:    o.NoVerify,
			Client:  ro.env.HTTP, // a test's, trusting its TLS server
			Version: version,
			Local:   out.Target != nil && out.Target.Scheme == target.SchemeFile,
			Debugf:  ro.debugf,
		},
	}
}

// printPublished is the summary of a publish that listeners can fetch (or
// that nothing serves yet): the counts, the feeds' URLs and what goes out
// next.
func (o *publishOptions) printPublished(cfg *config.Config, st string, rep *publish.Report, out *summary, prune bool) {
	ro := o.root
	if rep.Unchanged {
		ro.infof("published to %s: nothing changed since the last publish (%s, 0 files copied)", st, plural(rep.Skipped, "file"))
	} else {
		updated := ""
		if rep.Updated > 0 {
			updated = ", " + plural(rep.Updated, "file") + " updated in place (settings only)"
		}
		ro.infof("published to %s: %s copied (%s)%s, %s unchanged, %s deleted",
			st, plural(rep.Uploaded, "file"), sitefs.Human(rep.UploadedBytes), updated, plural(rep.Skipped, "file"), plural(rep.Deleted, "file"))
	}
	if n := len(rep.Plan.Orphans); n > 0 && !prune {
		ro.infof("%s published earlier no longer produced; publish --prune removes them", plural(n, "file"))
	}
	for _, f := range out.Feeds {
		ro.infof("  %-8s %s", f.Name, f.URL)
	}
	if out.LiveCheck == site.LiveNotServed {
		ro.infof("%s", site.NotServedLine(cfg))
	}
	o.printScheduled(out)
}

// printScheduled ends the summary with the entry that goes out next.
func (o *publishOptions) printScheduled(out *summary) {
	if out.NextScheduled != nil {
		o.root.infof("%s", scheduledLine(out.NextScheduled, o.root.env.Now()))
	}
}

func (o *publishOptions) printPlan(rep *publish.Report, prune bool) {
	ro := o.root
	p := rep.Plan
	for _, a := range p.Uploads {
		d := ""
		if a.Detail != "" {
			d = ": " + a.Detail
		}
		ro.infof("upload  %-40s %s%s, %s", a.File.Key, a.Reason, d, sitefs.Human(a.File.Size))
	}
	for _, a := range p.Updates {
		ro.infof("update  %-40s %s: %s (in place, no upload)", a.File.Key, a.Reason, a.Detail)
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
	// The summary counts every line listed above it.
	orphans := fmt.Sprintf("keep %s orphaned (--prune deletes them)", plural(len(p.Orphans), "file"))
	if prune {
		orphans = fmt.Sprintf("delete %s (%s)", plural(len(p.Orphans), "file"), sitefs.Human(publish.Bytes(p.Orphans)))
	}
	updates := ""
	if len(p.Updates) > 0 {
		updates = ", update the settings of " + plural(len(p.Updates), "file") + " in place"
	}
	ro.infof("dry run: would upload %s (%s)%s, skip %s unchanged, %s", plural(len(p.Uploads), "file"),
		sitefs.Human(publish.Bytes(p.Uploads)), updates, plural(len(p.Unchanged), "file"), orphans)
}

// summary is publish's --json document.
type summary struct {
	OK            bool          `json:"ok"`
	Error         string        `json:"error,omitempty"` // what stopped the publish, when not a problem below
	DryRun        bool          `json:"dry_run"`
	Target        *targetJSON   `json:"target,omitempty"`
	Feeds         []feedURL     `json:"feeds"`
	Problems      []problemJSON `json:"problems"`
	Objects       []action      `json:"objects"`
	Uploaded      int           `json:"uploaded"`
	UploadedBytes int64         `json:"uploaded_bytes"`
	Updated       int           `json:"updated"`
	Skipped       int           `json:"skipped"`
	SkippedBytes  int64         `json:"skipped_bytes"`
	Deleted       int           `json:"deleted"`
	Orphaned      int           `json:"orphaned"`
	Requests      int64         `json:"requests"`
	Seconds       float64       `json:"seconds"`
	// LiveCheck says whether what listeners get was checked: passed,
	// failed, skipped (--no-verify), not_served (a folder nothing serves
	// at base_url) or none (nothing published); Live has each check.
	LiveCheck string       `json:"live_check"`
	Live      []live.Check `json:"live"`
	// NextScheduled is the entry that goes out next, null when none.
	NextScheduled *site.Scheduled `json:"next_scheduled"`
}

// targetJSON is publish.target for machines: the URL as configured and
// its parsed fields, never with credentials (they are not in the config).
type targetJSON struct {
	URL string `json:"url"`
	target.Target
}

// feedURL is a feed in --json's feeds.
type feedURL = site.FeedURL

type action struct {
	Key    string `json:"key"`
	Action string `json:"action"` // upload, update, skip, delete or keep
	Reason string `json:"reason"` // new, changed, unchanged, orphaned
	Detail string `json:"detail,omitempty"`
	Size   int64  `json:"size"`
}

func (s *summary) fill(rep *publish.Report, dryRun, prune bool) {
	if rep == nil {
		return
	}
	s.Uploaded, s.UploadedBytes, s.Updated = rep.Uploaded, rep.UploadedBytes, rep.Updated
	s.Skipped, s.SkippedBytes = rep.Skipped, rep.SkippedBytes
	s.Deleted, s.Requests, s.Seconds = rep.Deleted, rep.Requests, rep.Elapsed.Seconds()
	p := rep.Plan
	if p == nil {
		return
	}
	s.Orphaned = len(p.Orphans)
	if dryRun && prune {
		s.Deleted = len(p.Orphans) // what the dry run would delete, as it lists
	}
	for _, a := range p.Uploads {
		s.Objects = append(s.Objects, action{a.File.Key, "upload", string(a.Reason), a.Detail, a.File.Size})
	}
	for _, a := range p.Updates {
		s.Objects = append(s.Objects, action{a.File.Key, "update", string(a.Reason), a.Detail, a.File.Size})
	}
	for _, a := range p.Unchanged {
		s.Objects = append(s.Objects, action{a.File.Key, "skip", string(a.Reason), "", a.File.Size})
	}
	for _, a := range p.Orphans {
		act := "keep"
		if prune {
			act = "delete"
		}
		s.Objects = append(s.Objects, action{a.File.Key, act, string(a.Reason), "", a.File.Size})
	}
}

func (o *publishOptions) printJSON(s *summary) {
	if s.Feeds == nil {
		s.Feeds = []feedURL{}
	}
	if s.Objects == nil {
		s.Objects = []action{}
	}
	if s.Live == nil {
		s.Live = []live.Check{}
	}
	if s.LiveCheck == "" {
		s.LiveCheck = site.LiveNone
	}
	enc := json.NewEncoder(o.root.env.Stdout)
	enc.SetIndent("", "  ")
	_ = enc.Encode(s)
}
