package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/feeds/site"
	"github.com/feedpub/feedpub/media/publish"
	"github.com/feedpub/feedpub/media/store/localstore"
	"github.com/feedpub/feedpub/media/store/target"
)

type buildOptions struct {
	root    *rootOptions
	Out     string
	NoCache bool
}

func newBuildCmd(ro *rootOptions) *cobra.Command {
	opts := &buildOptions{root: ro}
	cmd := &cobra.Command{
		Use:   "build",
		Short: "Render the feeds and gather every file they reference into a folder",
		Long: `build renders the feeds and copies every file they reference (media, artwork,
chapters, transcripts) into the output folder, at the same keys used in their
URLs: exactly the tree that publish uploads. Unchanged files are not copied
again; files an earlier build wrote and this one does not produce are removed.`,
		Args: maxArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error { return opts.run(cmd.Context()) },
	}
	cmd.Flags().StringVar(&opts.Out, "out", "public", "output `DIR` (relative to the config file's folder)")
	cmd.Flags().BoolVar(&opts.NoCache, "no-cache", false, "read every media file again instead of trusting the probe cache")
	return cmd
}

func (o *buildOptions) run(ctx context.Context) error {
	cfg, err := o.root.loadConfig()
	if err != nil {
		return err
	}
	// Checked before building, to fail fast, and after, with the inputs.
	if _, err := o.outDir(cfg, nil); err != nil {
		return err
	}
	res, err := o.root.buildSite(ctx, cfg, o.NoCache)
	if err != nil {
		return err
	}
	out, err := o.outDir(cfg, res)
	if err != nil {
		return err
	}
	st, err := localstore.New(out)
	if err != nil {
		return err
	}
	guids, slugs, onManifest := o.root.guidCheck(res)
	rep, err := publish.Run(ctx, st, res.Files, publish.Options{
		Concurrency: cfg.Publish.Concurrency,
		GUIDs:       guids,
		Slugs:       slugs,
		OnManifest:  onManifest,
		Prune:       true,
		Force:       true,
		Owner:       owner(),
		Log:         o.root.debugf,
	})
	if err != nil {
		return fmt.Errorf("build %s: %w", out, err)
	}
	o.root.infof("built %s: %s, %s written (%s), %s unchanged, %s removed",
		relTo(cfg.Dir, out), plural(len(res.Files), "file"), plural(rep.Uploaded, "file"),
		publish.HumanBytes(rep.UploadedBytes), plural(rep.Skipped, "file"), plural(rep.Deleted, "file"))
	return nil
}

// outDir resolves --out (the forms of a local publish.target) and refuses
// a folder that holds or lies among the site's inputs: build prunes what it
// no longer produces, which in such a folder would be a source file.
func (o *buildOptions) outDir(cfg *config.Config, res *site.Result) (string, error) {
	tg, err := target.Parse(o.Out, cfg.Dir)
	if err == nil && tg.Scheme != "file" {
		err = fmt.Errorf("%q: want a folder; build writes only to this computer (publish uploads)", o.Out)
	}
	if err == nil {
		err = target.CheckLocal(tg.Path, siteOf(cfg, inputsOf(res)))
	}
	if err != nil {
		return "", fmt.Errorf("build --out: %w", err)
	}
	return tg.Path, nil
}

// buildSite runs the shared build and prints its problems.
func (o *rootOptions) buildSite(ctx context.Context, cfg *config.Config, noCache bool) (*site.Result, error) {
	res, ps := site.Build(ctx, cfg, site.Options{
		Now:       o.env.Now(),
		Generator: "feedpub " + version,
		NoCache:   noCache,
	})
	o.report(ps)
	for _, s := range res.Skipped {
		o.debugf("left out %s: %s", s.File, s.Reason)
	}
	if ps.HasErrors() {
		return nil, errReported
	}
	return res, nil
}

func owner() string {
	h, _ := os.Hostname()
	return fmt.Sprintf("feedpub on %s (pid %d)", h, os.Getpid())
}

func relTo(base, p string) string {
	if r, err := filepath.Rel(base, p); err == nil && !filepath.IsAbs(r) && r != "" && r[0] != '.' {
		return r
	}
	return p
}
